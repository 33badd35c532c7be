//! A field of a PATCH body: absent, explicitly `null`, or a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Deserialises an optional field that may be absent (`#[serde(default)]` gives `None`) but
/// not `null`: for request fields the spec does not mark nullable.
#[doc(hidden)]
pub fn not_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A field of a PATCH body that tells "leave it alone" from "clear it".
///
/// `Absent` is left out of the JSON body, `Null` is sent as `null` (the server clears the field),
/// and `Value(v)` sets it.
///
/// ```
/// use callwaitingai::Patch;
/// use callwaitingai::models::LeadUpdateParams;
///
/// let params = LeadUpdateParams::new().notes("Called back").clear_company();
/// assert_eq!(params.notes, Patch::Value("Called back".to_string()));
/// let json = serde_json::to_value(&params).unwrap();
/// assert_eq!(json, serde_json::json!({"notes": "Called back", "company": null}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not sent: the field is left as it is.
    #[default]
    Absent,
    /// Sent as `null`: the field is cleared.
    Null,
    /// Sent as the value.
    Value(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out of the body.
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// The value, if one is set.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some(v)` sets the value; `None` clears the field.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Patch::Value(v),
            None => Patch::Null,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            // Skipped by `skip_serializing_if`; `null` if serialised on its own.
            Patch::Absent | Patch::Null => s.serialize_none(),
            Patch::Value(v) => v.serialize(s),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// Called only for fields present in the input (absent ones take the `Default`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(d)?.into())
    }
}
