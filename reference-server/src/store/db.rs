//! The one database interface the storage code is written against, with two implementations:
//! embedded SQLite (`rusqlite`) and PostgreSQL (`postgres`). Statements are written once, with
//! `?1`/`?` placeholders; [`Db`] rewrites them for PostgreSQL and converts values both ways, so
//! nothing above this file knows which database it talks to. The few places where the two
//! dialects differ ask [`Db::dialect`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

/// A value bound to or read from a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Case-insensitive `LIKE` (SQLite's `LIKE` already is, for ASCII).
    pub fn ilike(self) -> &'static str {
        match self {
            Dialect::Sqlite => "LIKE",
            Dialect::Postgres => "ILIKE",
        }
    }

    /// Appended to a `SELECT` that claims rows of the table aliased `alias`: other instances
    /// skip what this one locked. (SQLite has one writer at a time, so it needs nothing.)
    pub fn skip_locked(self, alias: &str) -> String {
        match self {
            Dialect::Sqlite => String::new(),
            Dialect::Postgres => format!(" FOR UPDATE OF {alias} SKIP LOCKED"),
        }
    }
}

/// A database error.
#[derive(Debug)]
pub enum Error {
    /// `query_row` found no row.
    NoRows,
    Sqlite(rusqlite::Error),
    Postgres(postgres::Error),
    /// A column did not hold what the code asked for.
    Type(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NoRows => f.write_str("no row"),
            Error::Sqlite(e) => write!(f, "{e}"),
            Error::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "{}: {}", db.code().code(), db.message()),
                None => {
                    // "error connecting to server: Connection refused (os error 111)"
                    write!(f, "{e}")?;
                    let mut source = std::error::Error::source(e);
                    while let Some(s) = source {
                        write!(f, ": {s}")?;
                        source = s.source();
                    }
                    Ok(())
                }
            },
            Error::Type(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => Error::NoRows,
            e => Error::Sqlite(e),
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Error::Postgres(e)
    }
}

/// `query_row(...).optional()`: `None` for no row.
pub trait Optional<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> Optional<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Turns a Rust value into a [`Value`] (see [`params!`](crate::params)).
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}

macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Integer(i64::from(*self))
            }
        }
    )*};
}
int_to_value!(i64, i32, u32, u16, u8);

impl ToValue for usize {
    fn to_value(&self) -> Value {
        Value::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

/// The values of a statement's placeholders, in order: `params![a, b]`.
#[macro_export]
macro_rules! params {
    () => { &[] as &[$crate::store::db::Value] };
    ($($x:expr),+ $(,)?) => {
        &[$($crate::store::db::ToValue::to_value(&$x)),+] as &[$crate::store::db::Value]
    };
}

/// Reads a [`Value`] as a Rust value.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Result<Self>;
}

fn wrong(v: &Value, want: &str) -> Error {
    Error::Type(format!("expected {want}, the column holds {v:?}"))
}

impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            v => Err(wrong(v, "text")),
        }
    }
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Result<Self> {
        match v {
            Value::Integer(i) => Ok(*i),
            v => Err(wrong(v, "an integer")),
        }
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> Result<Self> {
        match v {
            Value::Real(f) => Ok(*f),
            #[allow(clippy::cast_precision_loss)]
            Value::Integer(i) => Ok(*i as f64),
            v => Err(wrong(v, "a number")),
        }
    }
}

impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self> {
        i64::from_value(v).map(|i| i != 0)
    }
}

macro_rules! int_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value) -> Result<Self> {
                let i = i64::from_value(v)?;
                <$t>::try_from(i).map_err(|_| Error::Type(format!("{i} is out of range")))
            }
        }
    )*};
}
int_from_value!(i32, u32, u16, usize);

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Result<Self> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// A column named or numbered.
pub trait RowIndex {
    fn index(&self, names: &[String]) -> Option<usize>;
}

impl RowIndex for usize {
    fn index(&self, names: &[String]) -> Option<usize> {
        (*self < names.len()).then_some(*self)
    }
}

impl RowIndex for &str {
    fn index(&self, names: &[String]) -> Option<usize> {
        names.iter().position(|n| n == self)
    }
}

/// One row of a result, read in full.
#[derive(Debug)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// The column `i` (a position or a name) as a `T`.
    pub fn get<I: RowIndex + std::fmt::Debug, T: FromValue>(&self, i: I) -> Result<T> {
        let at = i
            .index(&self.names)
            .ok_or_else(|| Error::Type(format!("no column {i:?}")))?;
        T::from_value(&self.values[at])
    }
}

/// A PostgreSQL connection with its prepared statements.
pub struct PgConn {
    pub client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

impl PgConn {
    pub fn new(client: postgres::Client) -> Self {
        Self {
            client,
            statements: HashMap::new(),
        }
    }
}

enum Inner<'a> {
    Sqlite(&'a rusqlite::Connection),
    Postgres(RefCell<PgTx<'a>>),
}

struct PgTx<'a> {
    state: PgState<'a>,
    statements: &'a mut HashMap<String, postgres::Statement>,
    /// Whether the statements are one transaction. It is begun lazily, before the first
    /// statement that writes or locks: under READ COMMITTED each statement sees its own
    /// snapshot anyway, so reads before it lose nothing, and a request that only reads costs
    /// no `BEGIN`/`COMMIT` round trips.
    transactional: bool,
}

enum PgState<'a> {
    Idle(&'a mut postgres::Client),
    Tx(postgres::Transaction<'a>),
    /// Beginning the transaction failed.
    Broken,
}

/// A connection inside a transaction: what the storage code gets.
pub struct Db<'a> {
    inner: Inner<'a>,
}

impl<'a> Db<'a> {
    pub fn sqlite(conn: &'a rusqlite::Connection) -> Self {
        Self {
            inner: Inner::Sqlite(conn),
        }
    }

    /// Statements on `conn`: one transaction (begun before the first write; [`Db::commit`]
    /// ends it, dropping rolls back), or with `transactional` false each its own.
    pub fn postgres(conn: &'a mut PgConn, transactional: bool) -> Self {
        Self {
            inner: Inner::Postgres(RefCell::new(PgTx {
                state: PgState::Idle(&mut conn.client),
                statements: &mut conn.statements,
                transactional,
            })),
        }
    }

    /// Commits a PostgreSQL transaction, if one was begun (SQLite's is the caller's).
    pub fn commit(self) -> Result<()> {
        if let Inner::Postgres(pg) = self.inner
            && let PgState::Tx(tx) = pg.into_inner().state
        {
            tx.commit()?;
        }
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        match self.inner {
            Inner::Sqlite(_) => Dialect::Sqlite,
            Inner::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs a statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, params: &[Value]) -> Result<usize> {
        match &self.inner {
            Inner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(params))?)
            }
            Inner::Postgres(cell) => {
                let mut pg = cell.borrow_mut();
                let stmt = pg.statement(sql)?;
                let params = pg_params(params);
                let n = match &mut pg.state {
                    PgState::Idle(c) => c.execute(&stmt, &params)?,
                    PgState::Tx(t) => t.execute(&stmt, &params)?,
                    PgState::Broken => return Err(broken()),
                };
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            }
        }
    }

    /// Runs a query and reads every row.
    pub fn query(&self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        match &self.inner {
            Inner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let names: Arc<[String]> = stmt
                    .column_names()
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                let width = names.len();
                let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let mut values = Vec::with_capacity(width);
                    for i in 0..width {
                        values.push(from_sqlite(row.get_ref(i)?));
                    }
                    out.push(Row {
                        names: names.clone(),
                        values,
                    });
                }
                Ok(out)
            }
            Inner::Postgres(cell) => {
                let mut pg = cell.borrow_mut();
                let stmt = pg.statement(sql)?;
                let names: Arc<[String]> = stmt
                    .columns()
                    .iter()
                    .map(|c| c.name().to_string())
                    .collect();
                let params = pg_params(params);
                let rows = match &mut pg.state {
                    PgState::Idle(c) => c.query(&stmt, &params)?,
                    PgState::Tx(t) => t.query(&stmt, &params)?,
                    PgState::Broken => return Err(broken()),
                };
                rows.iter()
                    .map(|r| {
                        let values = (0..r.len())
                            .map(|i| from_postgres(r, i))
                            .collect::<Result<Vec<_>>>()?;
                        Ok(Row {
                            names: names.clone(),
                            values,
                        })
                    })
                    .collect()
            }
        }
    }

    /// The first row mapped by `f`, or [`Error::NoRows`].
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[Value],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        let rows = self.query(sql, params)?;
        rows.first().map_or(Err(Error::NoRows), f)
    }

    /// Every row mapped by `f`.
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: &[Value],
        f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.query(sql, params)?.iter().map(f).collect()
    }

    /// Tells every instance's delivery worker, when this transaction commits, that a delivery
    /// is due (PostgreSQL `NOTIFY`; one per transaction however often it is called). SQLite
    /// has one process, whose worker the store wakes itself.
    pub fn announce_delivery(&self) -> Result<()> {
        match self.dialect() {
            Dialect::Sqlite => Ok(()),
            Dialect::Postgres => self.execute_batch(concat!("NOTIFY ", "callwaitingai_deliveries")),
        }
    }

    /// Runs several statements (no parameters), e.g. a migration.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Inner::Postgres(cell) => {
                let mut pg = cell.borrow_mut();
                pg.begin_if(true)?;
                match &mut pg.state {
                    PgState::Idle(c) => Ok(c.batch_execute(sql)?),
                    PgState::Tx(t) => Ok(t.batch_execute(sql)?),
                    PgState::Broken => Err(broken()),
                }
            }
        }
    }
}

fn broken() -> Error {
    Error::Type("the transaction could not be begun".into())
}

/// Whether a statement writes or locks (and so belongs in the transaction): all but plain
/// `SELECT`s.
fn writes(sql: &str) -> bool {
    let head = sql.trim_start();
    let select = head
        .get(..6)
        .is_some_and(|h| h.eq_ignore_ascii_case("select"));
    !select || sql.contains("FOR UPDATE") || sql.contains("pg_advisory")
}

impl PgTx<'_> {
    /// Begins the transaction if `needed` and it is not begun yet.
    fn begin_if(&mut self, needed: bool) -> Result<()> {
        if !(needed && self.transactional && matches!(self.state, PgState::Idle(_))) {
            return Ok(());
        }
        if let PgState::Idle(c) = std::mem::replace(&mut self.state, PgState::Broken) {
            self.state = PgState::Tx(c.transaction()?);
        }
        Ok(())
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        self.begin_if(writes(sql))?;
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let stmt = match &mut self.state {
            PgState::Idle(c) => c.prepare(&postgres_sql(sql))?,
            PgState::Tx(t) => t.prepare(&postgres_sql(sql))?,
            PgState::Broken => return Err(broken()),
        };
        if self.statements.len() > 512 {
            self.statements.clear();
        }
        self.statements.insert(sql.to_string(), stmt.clone());
        Ok(stmt)
    }
}

/// Rewrites `?N` to `$N` and each bare `?` to the next `$k`, outside quoted text.
pub fn postgres_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 0;
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c != '?' || quoted {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        out.push('$');
        if digits.is_empty() {
            next += 1;
            out.push_str(&next.to_string());
        } else {
            out.push_str(&digits);
        }
    }
    out
}

fn pg_params(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

/// PostgreSQL's `text` cannot hold U+0000, which JSON and SQLite can: a lead named `"a\u0000b"`
/// must read back the same on both backends, so text is escaped on its way in and unescaped on
/// its way out. U+0000 is stored as U+FFFF `0` and U+FFFF (a noncharacter) as U+FFFF `1`;
/// text without either is stored unchanged. Equality and prefix searches agree with SQLite;
/// only a substring search in text that holds U+FFFF could match across an escape.
const PG_ESCAPE: char = '\u{FFFF}';

fn pg_escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['\0', PG_ESCAPE]) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\0' => out.extend([PG_ESCAPE, '0']),
            PG_ESCAPE => out.extend([PG_ESCAPE, '1']),
            c => out.push(c),
        }
    }
    out.into()
}

fn pg_unescape(s: String) -> String {
    if !s.contains(PG_ESCAPE) {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            (PG_ESCAPE, Some('0')) => {
                out.push('\0');
                chars.next();
            }
            (PG_ESCAPE, Some('1')) => {
                out.push(PG_ESCAPE);
                chars.next();
            }
            (c, _) => out.push(c),
        }
    }
    out
}

fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

fn from_postgres(row: &postgres::Row, i: usize) -> Result<Value> {
    let ty = row.columns()[i].type_().clone();
    let v = match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Integer),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(i)?
            .map(|v| Value::Integer(v.into())),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(i)?
            .map(|v| Value::Integer(v.into())),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(i)?
            .map(|v| Value::Integer(v.into())),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Value::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(i)?
            .map(|v| Value::Real(v.into())),
        Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => row
            .try_get::<_, Option<String>>(i)?
            .map(|s| Value::Text(pg_unescape(s))),
        other => {
            return Err(Error::Type(format!(
                "column {} has type {other}, which the store does not read; cast it",
                row.columns()[i].name()
            )));
        }
    };
    Ok(v.unwrap_or(Value::Null))
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// Binds a value to the type PostgreSQL inferred for the placeholder.
impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        let mismatch = || -> Box<dyn std::error::Error + Sync + Send> {
            format!("cannot bind {self:?} to a {ty} parameter").into()
        };
        match (self, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Integer(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Integer(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Value::Integer(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Value::Integer(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            #[allow(clippy::cast_precision_loss)]
            (Value::Integer(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Value::Integer(i), &Type::TEXT | &Type::VARCHAR) => i.to_string().to_sql(ty, out),
            (Value::Real(f), &Type::FLOAT8) => f.to_sql(ty, out),
            (Value::Text(s), &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME) => {
                pg_escape(s).as_ref().to_sql(ty, out)
            }
            (Value::Blob(b), &Type::BYTEA) => b.to_sql(ty, out),
            _ => Err(mismatch()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::{pg_escape, pg_unescape, postgres_sql, writes};

    #[test]
    fn text_round_trips_through_the_postgres_escape() {
        for s in [
            "",
            "plain",
            "a\0b",
            "\0",
            "\u{FFFF}",
            "\u{FFFF}0",
            "\u{FFFF}\0\u{FFFF}1",
            "é\0",
        ] {
            let stored = pg_escape(s);
            assert!(!stored.contains('\0'), "{s:?} stored as {stored:?}");
            assert_eq!(pg_unescape(stored.into_owned()), s);
        }
        assert!(matches!(pg_escape("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn only_plain_selects_run_outside_the_transaction() {
        assert!(!writes("  select id FROM leads"));
        assert!(!writes("SELECT NOT EXISTS (SELECT 1 FROM leads)"));
        assert!(writes("SELECT id FROM d LIMIT 1 FOR UPDATE SKIP LOCKED"));
        assert!(writes("SELECT pg_advisory_xact_lock(1)"));
        assert!(writes("INSERT INTO t VALUES (1)"));
        assert!(writes("WITH x AS (SELECT 1) UPDATE t SET a = 1"));
        assert!(writes("UPDATE t SET a = 1 RETURNING a"));
        assert!(writes(""));
    }

    #[test]
    fn placeholders_are_rewritten_outside_quotes() {
        assert_eq!(
            postgres_sql("SELECT * FROM t WHERE a = ?1 AND b = ?12 AND c = '?'"),
            "SELECT * FROM t WHERE a = $1 AND b = $12 AND c = '?'"
        );
        assert_eq!(
            postgres_sql("a = ? AND b LIKE ? ESCAPE '\\' LIMIT ? OFFSET ?"),
            "a = $1 AND b LIKE $2 ESCAPE '\\' LIMIT $3 OFFSET $4"
        );
    }
}
