//! Whether a JSON answer has the shape of its operation's typed model, read from the generated
//! schema table: every field an answer must carry is there and not null, and every value has its
//! type, recursively. What the bindings' typed methods check (the Rust typed methods decode into
//! the models and fail the same way); a table walk rather than a second serde decode keeps the
//! browser module small. Fields a newer server adds are accepted.
//!
//! One walk, driven by serde: [`check_json`] checks a response body as it parses it (no tree
//! is built: the client's typed calls check every answer, so this is on every request's path);
//! [`check`] walks a value already parsed (webhook payloads) with the same visitors.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::generated::schemas::{Field, FieldKind, JsonType, ObjectSchema, SCHEMAS};

fn schema(name: &str) -> Option<&'static ObjectSchema> {
    SCHEMAS.iter().find(|s| s.name == name)
}

/// Checks `value` against the object schema `name`; the error says where it differs
/// (`data[3].createdAt: expected a string, got null`). A name the table does not know passes.
pub(crate) fn check(name: &str, value: &Value) -> Result<(), String> {
    let why = RefCell::new(None);
    let walked = Obj { name, why: &why }.deserialize(value);
    match (why.into_inner(), walked) {
        (Some(why), _) => Err(why.to_string()),
        (None, Ok(())) => Ok(()),
        // A value is always well-formed: only a difference stops the walk.
        (None, Err(e)) => Err(e.to_string()),
    }
}

fn expected(ty: JsonType) -> &'static str {
    match ty {
        JsonType::String => "a string",
        JsonType::Integer => "a whole number",
        JsonType::Number => "a number",
        JsonType::Boolean => "true or false",
        JsonType::Array => "an array",
        JsonType::Object => "an object",
        JsonType::Any => "anything",
    }
}

/// A value's JSON type, for error messages (`a string`, `null`…).
pub(crate) fn what(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks the JSON text `bytes` against the object schema `name` while parsing it: what
/// parsing it and calling [`check`] would say (a syntax error is the parser's message).
pub(crate) fn check_json(name: &str, bytes: &[u8]) -> Result<(), String> {
    let why = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = Obj { name, why: &why }
        .deserialize(&mut de)
        .and_then(|()| de.end());
    match (why.into_inner(), parsed) {
        (Some(why), _) => Err(why.to_string()),
        (None, Ok(())) => Ok(()),
        (None, Err(e)) => Err(e.to_string()),
    }
}

/// The first difference found: what, and where (innermost segment first, added on the way out).
struct Why {
    path: Vec<Segment>,
    message: String,
}

enum Segment {
    Field(&'static str),
    Index(usize),
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.path.iter().rev().enumerate() {
            match seg {
                Segment::Field(name) if i == 0 => f.write_str(name)?,
                Segment::Field(name) => write!(f, ".{name}")?,
                Segment::Index(at) => write!(f, "[{at}]")?,
            }
        }
        if !self.path.is_empty() {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

type Found<'a> = &'a RefCell<Option<Why>>;

/// Records a difference and stops the parse (the caller reads the record, not the error).
fn differs<E: de::Error>(why: Found<'_>, path: Vec<Segment>, message: String) -> E {
    *why.borrow_mut() = Some(Why { path, message });
    E::custom("shape")
}

/// Adds `seg` to the path of a difference found inside it.
fn inside<T, E>(why: Found<'_>, seg: Segment, r: Result<T, E>) -> Result<T, E> {
    if r.is_err()
        && let Some(w) = why.borrow_mut().as_mut()
    {
        w.path.push(seg);
    }
    r
}

/// The `visit_*` methods of every JSON value but objects and arrays, each answering
/// `Err(self.$on(<its JSON type, as [`what`] names it>)`.
macro_rules! scalars {
    ($on:ident) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(self.$on("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(self.$on("a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(self.$on("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(self.$on("a number"))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(self.$on("a string"))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(self.$on("null"))
        }
    };
}

/// An object of schema `name` (anything, if the table does not know it).
struct Obj<'a> {
    name: &'a str,
    why: Found<'a>,
}

impl<'de> DeserializeSeed<'de> for Obj<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match schema(self.name) {
            None => d.deserialize_ignored_any(IgnoredAny).map(drop),
            Some(schema) => d.deserialize_any(ObjVisitor {
                schema,
                why: self.why,
            }),
        }
    }
}

struct ObjVisitor<'a> {
    schema: &'static ObjectSchema,
    why: Found<'a>,
}

impl<'de> Visitor<'de> for ObjVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", self.schema.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let fields = self.schema.fields;
        // Which fields were present and not null (no schema has more than 128: a test says so).
        let mut seen = 0u128;
        while let Some(at) = map.next_key_seed(Key(fields))? {
            let Some(at) = at else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let f = &fields[at];
            let present = inside(
                self.why,
                Segment::Field(f.wire),
                map.next_value_seed(FieldSeed {
                    field: f,
                    why: self.why,
                }),
            )?;
            if present && at < 128 {
                seen |= 1 << at;
            }
        }
        match fields
            .iter()
            .enumerate()
            .find(|(at, f)| f.must && *at < 128 && seen & (1 << at) == 0)
        {
            Some((_, f)) => Err(differs(
                self.why,
                vec![Segment::Field(f.wire)],
                format!("missing (a {} always has it)", self.schema.name),
            )),
            None => Ok(()),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.not_one("an array"))
    }

    scalars!(not_one);
}

impl ObjVisitor<'_> {
    fn not_one<E: de::Error>(&self, got: &str) -> E {
        differs(
            self.why,
            Vec::new(),
            format!("expected a {} object, got {got}", self.schema.name),
        )
    }
}

/// A key: the index of the schema's field it names, if any.
struct Key(&'static [Field]);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|f| f.wire == key))
    }
}

/// A field's value; `Ok(true)` when present and not null.
struct FieldSeed<'a> {
    field: &'static Field,
    why: Found<'a>,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(expected(self.field.ty))
    }

    /// Null is absent: the object reports its missing fields once it has read them all.
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        self.visit_unit()
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        match self.field.kind {
            FieldKind::Object(name) => match schema(name) {
                Some(schema) => ObjVisitor {
                    schema,
                    why: self.why,
                }
                .visit_map(map)
                .map(|()| true),
                None => {
                    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                    Ok(true)
                }
            },
            FieldKind::Array(_) => Err(self.got("an object")),
            FieldKind::Plain | FieldKind::Map => {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                self.scalar("an object")
            }
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        match self.field.kind {
            FieldKind::Array(name) => {
                let mut at = 0;
                while inside(
                    self.why,
                    Segment::Index(at),
                    seq.next_element_seed(Obj {
                        name,
                        why: self.why,
                    }),
                )?
                .is_some()
                {
                    at += 1;
                }
                Ok(true)
            }
            FieldKind::Object(name) if schema(name).is_some() => Err(self.object_got("an array")),
            _ => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                self.scalar("an array")
            }
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        self.scalar("a boolean")
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        self.scalar_number(true)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        self.scalar_number(true)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        self.scalar_number(false)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        self.scalar("a string")
    }
}

impl FieldSeed<'_> {
    /// A non-null value that is not an object or an array of objects where the kind wants one.
    fn scalar<E: de::Error>(&self, got: &'static str) -> Result<bool, E> {
        match self.field.kind {
            FieldKind::Object(name) if schema(name).is_some() => Err(self.object_got(got)),
            FieldKind::Array(_) => Err(self.got(got)),
            FieldKind::Object(_) => Ok(true),
            FieldKind::Plain | FieldKind::Map => {
                let ok = match self.field.ty {
                    JsonType::String => got == "a string",
                    JsonType::Integer | JsonType::Number => false,
                    JsonType::Boolean => got == "a boolean",
                    JsonType::Array => got == "an array",
                    JsonType::Object => got == "an object",
                    JsonType::Any => true,
                };
                if ok { Ok(true) } else { Err(self.got(got)) }
            }
        }
    }

    fn scalar_number<E: de::Error>(&self, whole: bool) -> Result<bool, E> {
        match (self.field.kind, self.field.ty) {
            (FieldKind::Plain | FieldKind::Map, JsonType::Integer) if whole => Ok(true),
            (FieldKind::Plain | FieldKind::Map, JsonType::Number | JsonType::Any) => Ok(true),
            _ => self.scalar("a number"),
        }
    }

    /// `expected <the field's type>, got <got>` (an array, for an array of objects).
    fn got<E: de::Error>(&self, got: &str) -> E {
        let want = match self.field.kind {
            FieldKind::Array(_) => "an array",
            _ => expected(self.field.ty),
        };
        differs(self.why, Vec::new(), format!("expected {want}, got {got}"))
    }

    fn object_got<E: de::Error>(&self, got: &str) -> E {
        let FieldKind::Object(name) = self.field.kind else {
            return self.got(got);
        };
        differs(
            self.why,
            Vec::new(),
            format!("expected a {name} object, got {got}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lead() -> Value {
        json!({"id": "lead_1", "name": "Ada", "email": null, "phone": null, "company": null,
               "source": "web", "status": "new", "notes": null, "tags": [],
               "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"})
    }

    #[test]
    fn a_model_passes_and_a_newer_servers_fields_are_accepted() {
        check("Lead", &lead()).unwrap();
        let mut newer = lead();
        newer["favouriteColour"] = json!("red");
        newer["status"] = json!("a_status_from_the_future");
        check("Lead", &newer).unwrap();
    }

    #[test]
    fn what_the_typed_model_refuses_is_named() {
        assert!(
            check("Lead", &json!({"foo": 1}))
                .unwrap_err()
                .contains("id: missing")
        );
        let mut bad = lead();
        bad["tags"] = json!("x");
        assert_eq!(
            check("Lead", &bad).unwrap_err(),
            "tags: expected an array, got a string"
        );
        let page = json!({"data": [lead(), {"id": 1}], "hasMore": false, "nextCursor": null});
        let e = check("LeadList", &page).unwrap_err();
        assert!(e.starts_with("data[1]"), "{e}");
        assert!(check("Lead", &json!([1])).is_err());
    }

    /// Both checks on the same document: the same verdict, the same words.
    fn both(name: &str, v: &Value) -> Result<(), String> {
        let tree = check(name, v);
        let streamed = check_json(name, v.to_string().as_bytes());
        assert_eq!(tree, streamed, "{v}");
        tree
    }

    #[test]
    fn checking_while_parsing_says_what_checking_the_tree_says() {
        let mut cases = vec![
            lead(),
            json!({"foo": 1}),
            json!([1]),
            json!(null),
            json!("x"),
        ];
        for (field, value) in [
            ("tags", json!("x")),
            ("tags", json!({"a": 1})),
            ("id", json!(null)),
            ("id", json!(7)),
            ("email", json!(null)),
            ("email", json!(false)),
            ("name", json!([])),
            ("createdAt", json!(1.5)),
        ] {
            let mut l = lead();
            l[field] = value;
            cases.push(l);
        }
        let mut missing = lead();
        missing.as_object_mut().unwrap().remove("createdAt");
        cases.push(missing);
        for case in &cases {
            both("Lead", case).ok();
        }
        for page in [
            json!({"data": [lead(), {"id": 1}], "hasMore": false, "nextCursor": null}),
            json!({"data": [lead(), null], "hasMore": false, "nextCursor": null}),
            json!({"data": {"id": 1}, "hasMore": false, "nextCursor": null}),
            json!({"data": [lead()], "hasMore": "no", "nextCursor": null}),
            json!({"data": [], "hasMore": false}),
            json!({"data": [lead(), lead()], "hasMore": true, "nextCursor": "c"}),
        ] {
            both("LeadList", &page).ok();
        }
        assert_eq!(
            both(
                "LeadList",
                &json!({"data": [lead(), {"id": "x"}], "hasMore": false})
            )
            .unwrap_err(),
            "data[1].name: missing (a Lead always has it)"
        );
        // Unknown schemas pass; syntax errors are the parser's.
        assert_eq!(check_json("NoSuchSchema", b"[1, 2]"), Ok(()));
        assert!(
            check_json("Lead", b"{\"id\": ")
                .unwrap_err()
                .contains("EOF")
        );
        assert!(check_json("Lead", b"{} trailing").is_err());
    }

    #[test]
    fn every_schema_fits_the_checks_field_set() {
        assert!(SCHEMAS.iter().all(|s| s.fields.len() <= 128));
    }

    proptest::proptest! {
        /// Any JSON, against every schema: the two checks agree.
        #[test]
        fn the_two_checks_agree_on_any_json(v in json_value(), at in 0..SCHEMAS.len()) {
            let name = SCHEMAS[at].name;
            let streamed = check_json(name, v.to_string().as_bytes());
            proptest::prop_assert_eq!(check(name, &v), streamed);
        }
    }

    /// Arbitrary JSON whose keys are often the schemas' field names.
    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let keys: Vec<&'static str> = SCHEMAS
            .iter()
            .flat_map(|s| s.fields.iter().map(|f| f.wire))
            .chain(["other"])
            .collect();
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            "[a-z]{0,4}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 8, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::vec((proptest::sample::select(keys.clone()), inner), 0..8)
                    .prop_map(|kv| Value::Object(
                        kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
                    )),
            ]
        })
    }

    #[test]
    fn the_rust_models_refuse_what_the_check_refuses() {
        // The check and serde agree on these cases.
        for v in [json!({"foo": 1}), {
            let mut b = lead();
            b["tags"] = json!("x");
            b
        }] {
            assert!(check("Lead", &v).is_err());
            assert!(serde_json::from_value::<crate::models::Lead>(v).is_err());
        }
        assert!(serde_json::from_value::<crate::models::Lead>(lead()).is_ok());
    }
}
