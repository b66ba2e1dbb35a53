//! One way to talk SQL to either backend. The store's queries are written once, with `$1, $2, …`
//! placeholders (PostgreSQL's own; rewritten to SQLite's `?1, ?2, …` before SQLite sees them),
//! take parameters as [`ToSql`] and give rows whose columns are read with [`Row::get`].
//!
//! Values cross the boundary as one small [`Value`] type: integers (booleans are 0/1 integers on
//! both backends), reals, text and bytes. On PostgreSQL the server says what type each parameter
//! and column has, and [`Value`] converts to and from it (`int2/4/8`, `bool`, `text`, `bytea`,
//! `float4/8`, and domains over them), so the same Rust code binds an `i64` to an `integer`
//! column on SQLite and a `bigint` on PostgreSQL.

use std::fmt;

use super::{Result, StoreError};

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// The embedded SQLite file of a one-PC office or an akimat.
    Sqlite,
    /// The office server shared by several PCs.
    Postgres,
}

impl Backend {
    pub fn code(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A value going into or coming out of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Int(_) => "integer",
            Value::Real(_) => "real",
            Value::Text(_) => "text",
            Value::Blob(_) => "bytes",
        }
    }
}

/// Something that can be bound as a query parameter.
pub trait ToSql {
    fn to_value(&self) -> Value;
}

impl ToSql for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}
impl ToSql for i64 {
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
}
impl ToSql for i32 {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToSql for u32 {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToSql for u8 {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToSql for usize {
    fn to_value(&self) -> Value {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}
impl ToSql for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToSql for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}
impl ToSql for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl ToSql for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToSql for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl ToSql for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl<T: ToSql + ?Sized> ToSql for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl<T: ToSql> ToSql for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}

/// Something a column can be read as.
pub trait FromSql: Sized {
    fn from_value(v: Value) -> std::result::Result<Self, String>;
}

impl FromSql for Value {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        Ok(v)
    }
}
impl FromSql for i64 {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Int(i) => Ok(i),
            other => Err(format!("expected an integer, found {}", other.kind())),
        }
    }
}
impl FromSql for i32 {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        let i = i64::from_value(v)?;
        i32::try_from(i).map_err(|_| format!("{i} is out of range"))
    }
}
impl FromSql for u32 {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        let i = i64::from_value(v)?;
        u32::try_from(i).map_err(|_| format!("{i} is out of range"))
    }
}
impl FromSql for u8 {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        let i = i64::from_value(v)?;
        u8::try_from(i).map_err(|_| format!("{i} is out of range"))
    }
}
impl FromSql for usize {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        let i = i64::from_value(v)?;
        usize::try_from(i).map_err(|_| format!("{i} is out of range"))
    }
}
impl FromSql for bool {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        Ok(i64::from_value(v)? != 0)
    }
}
impl FromSql for f64 {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Real(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            other => Err(format!("expected a number, found {}", other.kind())),
        }
    }
}
impl FromSql for String {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s),
            other => Err(format!("expected text, found {}", other.kind())),
        }
    }
}
impl FromSql for Vec<u8> {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b),
            Value::Text(s) => Ok(s.into_bytes()),
            other => Err(format!("expected bytes, found {}", other.kind())),
        }
    }
}
impl<T: FromSql> FromSql for Option<T> {
    fn from_value(v: Value) -> std::result::Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One row of a result.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    vals: Vec<Value>,
}

impl Row {
    pub(crate) fn new(vals: Vec<Value>) -> Row {
        Row { vals }
    }

    /// Column `i` (from 0) as `T`; a mismatch is stored data that does not fit the program.
    pub fn get<T: FromSql>(&self, i: usize) -> Result<T> {
        let v = self
            .vals
            .get(i)
            .cloned()
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is missing")))?;
        T::from_value(v).map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
    }

    /// Column `i` parsed with `FromStr` (status codes, roles, channels).
    pub fn parse<T: std::str::FromStr>(&self, i: usize) -> Result<T>
    where
        T::Err: fmt::Display,
    {
        let s: String = self.get(i)?;
        s.parse::<T>()
            .map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
    }

    /// Column `i` as a stored moment (RFC 3339, as the desk writes them); empty is damage.
    pub fn moment(&self, i: usize) -> Result<chrono::DateTime<chrono::Utc>> {
        self.moment_opt(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is empty")))
    }

    /// Column `i` as a moment that may be absent.
    pub fn moment_opt(&self, i: usize) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let s: Option<String> = self.get(i)?;
        s.map(|s| {
            chrono::DateTime::parse_from_rfc3339(&s)
                .map(|d| d.with_timezone(&chrono::Utc))
                .map_err(|e| StoreError::Corrupt(format!("column {i}: {s:?}: {e}")))
        })
        .transpose()
    }

    pub fn len(&self) -> usize {
        self.vals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vals.is_empty()
    }

    pub fn into_values(self) -> Vec<Value> {
        self.vals
    }
}

/// Builds `&[&dyn ToSql]` from a list of expressions.
#[macro_export]
macro_rules! sql_params {
    () => { &[] as &[&dyn $crate::store::sql::ToSql] };
    ($($x:expr),+ $(,)?) => { &[$(&$x as &dyn $crate::store::sql::ToSql),+] as &[&dyn $crate::store::sql::ToSql] };
}
pub use crate::sql_params as params;

/// A query built piece by piece (filters that depend on what the clerk chose): each `bind`
/// returns the next `$n` to write into the text.
#[derive(Debug, Default)]
pub struct Built {
    pub sql: String,
    pub vals: Vec<Value>,
}

impl Built {
    pub fn new(sql: impl Into<String>) -> Built {
        Built {
            sql: sql.into(),
            vals: Vec::new(),
        }
    }

    /// Adds a parameter and returns its placeholder (`$3`).
    pub fn bind(&mut self, v: impl ToSql) -> String {
        self.vals.push(v.to_value());
        format!("${}", self.vals.len())
    }

    pub fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    pub fn params(&self) -> Vec<&dyn ToSql> {
        self.vals.iter().map(|v| v as &dyn ToSql).collect()
    }
}

/// `$1` → `?1` outside quotes, for SQLite (which would otherwise number `$n` by first use).
pub(crate) fn to_sqlite_placeholders(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.contains('$') {
        return std::borrow::Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None => {
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    out.push(c);
                } else if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                    out.push('?');
                } else {
                    out.push(c);
                }
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_outside_quotes_only() {
        assert_eq!(
            to_sqlite_placeholders("SELECT $2, '$1', \"a$3\" FROM t WHERE x = $10"),
            "SELECT ?2, '$1', \"a$3\" FROM t WHERE x = ?10"
        );
        assert!(matches!(
            to_sqlite_placeholders("SELECT 1"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn rows_read_typed_columns_and_name_a_mismatch() {
        let r = Row::new(vec![
            Value::Int(7),
            Value::Text("in_work".into()),
            Value::Null,
            Value::Blob(vec![1, 2]),
        ]);
        assert_eq!(r.get::<i64>(0).unwrap(), 7);
        assert!(r.get::<bool>(0).unwrap());
        assert_eq!(r.get::<String>(1).unwrap(), "in_work");
        assert_eq!(r.get::<Option<String>>(2).unwrap(), None);
        assert_eq!(r.get::<Vec<u8>>(3).unwrap(), vec![1, 2]);
        let e = r.get::<i64>(1).unwrap_err().to_string();
        assert!(e.contains("column 1"), "{e}");
        assert!(r.get::<i64>(9).is_err());
    }

    #[test]
    fn built_queries_number_their_parameters() {
        let mut b = Built::new("SELECT * FROM t WHERE 1 = 1");
        let p = b.bind("x");
        b.push(&format!(" AND a = {p}"));
        let p = b.bind(3i64);
        b.push(&format!(" AND b = {p}"));
        assert_eq!(b.sql, "SELECT * FROM t WHERE 1 = 1 AND a = $1 AND b = $2");
        assert_eq!(b.vals, vec![Value::Text("x".into()), Value::Int(3)]);
    }
}
