//! The PostgreSQL side of the store: connections to the office server (a small pool, each
//! connection with its prepared statements), the conversion of [`Value`] to and from the types
//! the server names, errors in the store's words, and the numbered migrations
//! (`migrations/NN-name/postgres.sql`, the same numbers and names as SQLite's `up.sql`).
//!
//! `postgres` is the synchronous client (like rusqlite): it runs its own small runtime, so it is
//! called from plain threads (the command line, `spawn_blocking` in the window), never from an
//! async task.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::Mutex;
use std::time::Duration;

use bytes::BytesMut;
use postgres::types::{IsNull, Kind, Type, to_sql_checked};
use postgres::{Client, Statement};

use super::sql::{Row, ToSql, Value};
use super::{Result, StoreError};

/// The key of the transaction-level advisory lock every write takes first (see
/// [`super::Store::write`]): writes are serialised across the office's PCs as SQLite's
/// `BEGIN IMMEDIATE` serialises them on one.
pub(crate) const WRITE_LOCK: i64 = 0x6d69_6f5f_7772; // "mio_wr"
/// The key of the session-level advisory lock held while migrating.
pub(crate) const MIGRATE_LOCK: i64 = 0x6d69_6f5f_6d67; // "mio_mg"

/// The channel of change notices between PCs.
pub const CHANNEL: &str = "mio_desk";

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        let ty = base_type(ty);
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match ty {
                Type::INT8 => i.to_sql(&ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(&ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(&ty, out),
                Type::BOOL => (*i != 0).to_sql(&ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(&ty, out),
                Type::FLOAT4 => (*i as f32).to_sql(&ty, out),
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    i.to_string().as_str().to_sql(&Type::TEXT, out)
                }
                other => Err(format!("an integer cannot be stored as {other}").into()),
            },
            Value::Real(f) => match ty {
                Type::FLOAT8 => f.to_sql(&ty, out),
                Type::FLOAT4 => (*f as f32).to_sql(&ty, out),
                other => Err(format!("a real number cannot be stored as {other}").into()),
            },
            Value::Text(s) => match ty {
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    s.as_str().to_sql(&Type::TEXT, out)
                }
                Type::INT8 => s.parse::<i64>()?.to_sql(&ty, out),
                Type::INT4 => s.parse::<i32>()?.to_sql(&ty, out),
                Type::BYTEA => s.as_bytes().to_sql(&ty, out),
                other => Err(format!("text cannot be stored as {other}").into()),
            },
            Value::Blob(b) => match ty {
                Type::BYTEA => b.as_slice().to_sql(&ty, out),
                other => Err(format!("bytes cannot be stored as {other}").into()),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> postgres::types::FromSql<'a> for Value {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Value, Box<dyn StdError + Sync + Send>> {
        let ty = base_type(ty);
        Ok(match ty {
            Type::INT8 => Value::Int(i64::from_sql(&ty, raw)?),
            Type::INT4 => Value::Int(i64::from(i32::from_sql(&ty, raw)?)),
            Type::INT2 => Value::Int(i64::from(i16::from_sql(&ty, raw)?)),
            Type::OID => Value::Int(i64::from(u32::from_sql(&ty, raw)?)),
            Type::BOOL => Value::Int(i64::from(bool::from_sql(&ty, raw)?)),
            Type::FLOAT8 => Value::Real(f64::from_sql(&ty, raw)?),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_sql(&ty, raw)?)),
            Type::BYTEA => Value::Blob(<Vec<u8>>::from_sql(&ty, raw)?),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                Value::Text(String::from_sql(&Type::TEXT, raw)?)
            }
            other => {
                return Err(format!(
                    "the program does not read columns of type {other} (cast it in the query)"
                )
                .into());
            }
        })
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Value, Box<dyn StdError + Sync + Send>> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A domain is sent and read as the type it is made of.
fn base_type(ty: &Type) -> Type {
    match ty.kind() {
        Kind::Domain(inner) => base_type(inner),
        _ => ty.clone(),
    }
}

/// What went wrong talking to the server, in the store's terms.
pub(crate) fn error(e: postgres::Error) -> StoreError {
    use postgres::error::SqlState;
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::UNIQUE_VIOLATION {
            return StoreError::Constraint(format!(
                "{} ({})",
                db.message(),
                db.constraint().unwrap_or_default()
            ));
        }
        if *code == SqlState::FOREIGN_KEY_VIOLATION
            || *code == SqlState::CHECK_VIOLATION
            || *code == SqlState::NOT_NULL_VIOLATION
        {
            return StoreError::Constraint(db.message().to_string());
        }
        if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            return StoreError::Server(ServerProblem::Auth(db.message().to_string()));
        }
        if *code == SqlState::INVALID_CATALOG_NAME {
            return StoreError::Server(ServerProblem::NoDatabase(db.message().to_string()));
        }
        if *code == SqlState::INSUFFICIENT_PRIVILEGE {
            return StoreError::Server(ServerProblem::Privilege(db.message().to_string()));
        }
        if code.code().starts_with("57P") || code.code().starts_with("08") {
            // admin shutdown, crash shutdown, cannot connect now; connection exceptions
            return StoreError::Server(ServerProblem::Unreachable(db.message().to_string()));
        }
        if *code == SqlState::RAISE_EXCEPTION {
            return StoreError::Sqlite(db.message().to_string());
        }
        return StoreError::Sqlite(format!("{} [{}]", db.message(), code.code()));
    }
    if e.is_closed() || e.source().is_some_and(|s| s.is::<std::io::Error>()) {
        return StoreError::Server(ServerProblem::Unreachable(e.to_string()));
    }
    // Connecting (refused, timed out, no route) ends here too.
    let text = match e.source() {
        Some(src) => format!("{e}: {src}"),
        None => e.to_string(),
    };
    if text.contains("error connecting")
        || text.contains("connection")
        || text.contains("timed out")
    {
        return StoreError::Server(ServerProblem::Unreachable(text));
    }
    StoreError::Sqlite(text)
}

/// Why the office server could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerProblem {
    #[error("the office server cannot be reached: {0}")]
    Unreachable(String),
    #[error("the office server refused the user name or password: {0}")]
    Auth(String),
    #[error("the database does not exist on the office server: {0}")]
    NoDatabase(String),
    #[error("the program's database user lacks a right it needs: {0}")]
    Privilege(String),
    #[error("this database is not an mio-desk database")]
    NotOurs,
    #[error(
        "the database was set up by a newer mio-desk (schema {found}; this program knows up to {known})"
    )]
    TooNew { found: i64, known: i64 },
    #[error("the database address is not valid: {0}")]
    BadUrl(String),
}

impl ServerProblem {
    /// The locale key of its message.
    pub fn key(&self) -> &'static str {
        match self {
            ServerProblem::Unreachable(_) => "server-unreachable",
            ServerProblem::Auth(_) => "server-auth",
            ServerProblem::NoDatabase(_) => "server-no-database",
            ServerProblem::Privilege(_) => "server-privilege",
            ServerProblem::NotOurs => "server-not-ours",
            ServerProblem::TooNew { .. } => "server-too-new",
            ServerProblem::BadUrl(_) => "server-bad-url",
        }
    }
}

/// One connection and the statements prepared on it.
pub(crate) struct Conn {
    pub(crate) client: Client,
    pub(crate) stmts: HashMap<String, Statement>,
}

/// Prepares (once per connection) and runs statements.
pub(crate) fn prepared(
    client: &mut impl postgres::GenericClient,
    stmts: &mut HashMap<String, Statement>,
    sql: &str,
) -> Result<Statement> {
    if let Some(s) = stmts.get(sql) {
        return Ok(s.clone());
    }
    let s = client.prepare(sql).map_err(error)?;
    if stmts.len() > 256 {
        stmts.clear();
    }
    stmts.insert(sql.to_string(), s.clone());
    Ok(s)
}

fn pg_params(p: &[&dyn ToSql]) -> Vec<Value> {
    p.iter().map(|v| v.to_value()).collect()
}

fn row_of(r: &postgres::Row) -> Result<Row> {
    let mut vals = Vec::with_capacity(r.len());
    for i in 0..r.len() {
        vals.push(r.try_get::<_, Value>(i).map_err(error)?);
    }
    Ok(Row::new(vals))
}

pub(crate) fn query(
    client: &mut impl postgres::GenericClient,
    stmts: &mut HashMap<String, Statement>,
    sql: &str,
    p: &[&dyn ToSql],
) -> Result<Vec<Row>> {
    let st = prepared(client, stmts, sql)?;
    let vals = pg_params(p);
    let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = vals
        .iter()
        .map(|v| v as &(dyn postgres::types::ToSql + Sync))
        .collect();
    let rows = client.query(&st, &refs).map_err(error)?;
    rows.iter().map(row_of).collect()
}

pub(crate) fn execute(
    client: &mut impl postgres::GenericClient,
    stmts: &mut HashMap<String, Statement>,
    sql: &str,
    p: &[&dyn ToSql],
) -> Result<u64> {
    let st = prepared(client, stmts, sql)?;
    let vals = pg_params(p);
    let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = vals
        .iter()
        .map(|v| v as &(dyn postgres::types::ToSql + Sync))
        .collect();
    client.execute(&st, &refs).map_err(error)
}

pub(crate) fn each(
    client: &mut impl postgres::GenericClient,
    stmts: &mut HashMap<String, Statement>,
    sql: &str,
    p: &[&dyn ToSql],
    f: &mut dyn FnMut(Row) -> Result<()>,
) -> Result<()> {
    use postgres::fallible_iterator::FallibleIterator;
    let st = prepared(client, stmts, sql)?;
    let vals = pg_params(p);
    let mut it = client
        .query_raw(
            &st,
            vals.iter()
                .map(|v| v as &(dyn postgres::types::ToSql + Sync)),
        )
        .map_err(error)?;
    while let Some(r) = it.next().map_err(error)? {
        f(row_of(&r)?)?;
    }
    Ok(())
}

/// Where the office server is, and how to reach it.
#[derive(Clone)]
pub struct Target {
    pub(crate) config: postgres::Config,
    pub(crate) tls: Option<std::sync::Arc<rustls::ClientConfig>>,
    /// The address as given, with the password masked, for messages.
    pub shown: String,
    /// The address as given (kept in the PC's `server.toml`, never shown).
    pub(crate) url: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

/// Parses `postgres://user:password@host:port/db?sslmode=…&sslrootcert=FILE`.
///
/// `sslmode=require` (or `verify-full`) encrypts the connection with TLS and checks the
/// server's certificate against `sslrootcert` (a PEM file; required then), as libpq does for
/// `verify-full`; `disable` (the default on a trusted office LAN) does not encrypt.
pub fn parse_target(url: &str) -> std::result::Result<Target, ServerProblem> {
    let url = url.trim();
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(ServerProblem::BadUrl(
            "it must start with postgres://".to_string(),
        ));
    }
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut keep = Vec::new();
    let mut mode = "disable".to_string();
    let mut root: Option<String> = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "sslmode" => mode = v.to_string(),
            "sslrootcert" => root = Some(percent_decode(v)),
            _ => keep.push(pair),
        }
    }
    let plain = if keep.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", keep.join("&"))
    };
    let mut config: postgres::Config = plain
        .parse()
        .map_err(|e: postgres::Error| ServerProblem::BadUrl(e.to_string()))?;
    if config.get_dbname().is_none() {
        return Err(ServerProblem::BadUrl(
            "it names no database (…/DATABASE at the end)".to_string(),
        ));
    }
    config.connect_timeout(Duration::from_secs(5));
    config.application_name("mio-desk");
    let tls = match mode.as_str() {
        "disable" | "allow" | "prefer" => None,
        "require" | "verify-ca" | "verify-full" => {
            let Some(root) = root else {
                return Err(ServerProblem::BadUrl(
                    "sslmode=require needs sslrootcert=FILE (the server's certificate authority)"
                        .to_string(),
                ));
            };
            let pem =
                std::fs::read(&root).map_err(|e| ServerProblem::BadUrl(format!("{root}: {e}")))?;
            let mut roots = rustls::RootCertStore::empty();
            let mut n = 0;
            for c in rustls::pki_types::pem::PemObject::pem_slice_iter(&pem) {
                let c: rustls::pki_types::CertificateDer<'static> =
                    c.map_err(|e| ServerProblem::BadUrl(format!("{root}: {e}")))?;
                roots
                    .add(c)
                    .map_err(|e| ServerProblem::BadUrl(format!("{root}: {e}")))?;
                n += 1;
            }
            if n == 0 {
                return Err(ServerProblem::BadUrl(format!(
                    "{root}: no certificate in it"
                )));
            }
            let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
            let cfg = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| ServerProblem::BadUrl(e.to_string()))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            config.ssl_mode(postgres::config::SslMode::Require);
            Some(std::sync::Arc::new(cfg))
        }
        other => {
            return Err(ServerProblem::BadUrl(format!(
                "sslmode={other} is not one of disable, require, verify-full"
            )));
        }
    };
    Ok(Target {
        config,
        tls,
        shown: mask_password(url),
        url: url.to_string(),
    })
}

/// The address of an office server from the parts the first-run form asks for (user and
/// password may hold any character; TLS checks the server against the CA file given).
pub fn server_url(
    host: &str,
    port: u16,
    database: &str,
    user: &str,
    password: &str,
    tls_root: Option<&str>,
) -> String {
    let cred = if password.is_empty() {
        percent_encode(user)
    } else {
        format!("{}:{}", percent_encode(user), percent_encode(password))
    };
    let host = host.trim();
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let mut url = format!(
        "postgres://{cred}@{host}:{port}/{}",
        percent_encode(database.trim())
    );
    if let Some(root) = tls_root {
        url.push_str("?sslmode=verify-full&sslrootcert=");
        url.push_str(&percent_encode(root.trim()));
    }
    url
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `postgres://mio:secret@host/db` → `postgres://mio:***@host/db`.
pub fn mask_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.find('@') else {
        return url.to_string();
    };
    let cred = &rest[..at];
    match cred.split_once(':') {
        Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &rest[at..]),
        None => url.to_string(),
    }
}

impl Target {
    pub(crate) fn connect(&self) -> Result<Client> {
        match &self.tls {
            None => self.config.connect(postgres::NoTls).map_err(error),
            Some(cfg) => {
                let tls = tokio_postgres_rustls::MakeRustlsConnect::new((**cfg).clone());
                self.config.connect(tls).map_err(error)
            }
        }
    }

    pub fn dbname(&self) -> String {
        self.config.get_dbname().unwrap_or_default().to_string()
    }
}

/// A few connections kept open (the window runs several queries at once).
pub(crate) struct Pool {
    pub(crate) target: Target,
    idle: Mutex<Vec<Conn>>,
    /// How many idle connections are kept (more are closed when put back).
    keep: usize,
}

impl Pool {
    pub(crate) fn new(target: Target) -> Pool {
        Pool::keeping(target, 4)
    }

    /// A pool that keeps up to `keep` idle connections (a server answering many clients).
    pub(crate) fn keeping(target: Target, keep: usize) -> Pool {
        Pool {
            target,
            idle: Mutex::new(Vec::new()),
            keep,
        }
    }

    pub(crate) fn get(&self) -> Result<Conn> {
        loop {
            let c = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            match c {
                Some(c) if c.client.is_closed() => continue,
                Some(c) => return Ok(c),
                None => {
                    return Ok(Conn {
                        client: self.target.connect()?,
                        stmts: HashMap::new(),
                    });
                }
            }
        }
    }

    pub(crate) fn put(&self, c: Conn) {
        if c.client.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < self.keep {
            idle.push(c);
        }
    }
}

/// Every table of the office schema, parents before children (copies and checks walk them in
/// this order).
pub const TABLES: &[&str] = &[
    "office",
    "workstations",
    "settings",
    "users",
    "user_roles",
    "persons",
    "journal_counters",
    "applications",
    "journal",
    "attachments",
    "documents",
    "audit",
    "outbox",
    "questionnaire",
    "certificates",
    "crls",
    "signatures",
    "inbox",
    "sync_conflicts",
    "app_counts",
    "institutions",
    "trusted_roots",
    "trusted_crls",
    "key_lockouts",
    "exchange_peers",
    "exchange_sent",
    "akimat_links",
    "person_history",
    "seen",
];

/// A set of numbered migrations (`NN-name/postgres.sql`) and the table that records, in the
/// database, which of them ran: the office's, or another store's own (the gateway's).
pub struct Schema {
    pub(crate) dir: &'static include_dir::Dir<'static>,
    pub(crate) table: &'static str,
}

/// The office's schema.
pub(crate) static OFFICE: Schema = Schema {
    dir: &super::MIGRATIONS_DIR,
    table: "mio_schema",
};

/// The PostgreSQL migrations, in order: (version, folder name, SQL). The version is the
/// folder's place in the list, as SQLite's `user_version` counts them.
pub(crate) fn migrations() -> Vec<(i64, &'static str, &'static str)> {
    migrations_of(&OFFICE)
}

/// The migrations of a schema, in order (see [`migrations`]).
pub(crate) fn migrations_of(schema: &Schema) -> Vec<(i64, &'static str, &'static str)> {
    let mut dirs: Vec<_> = schema.dir.dirs().collect();
    dirs.sort_by_key(|d| d.path());
    dirs.iter()
        .enumerate()
        .map(|(i, d)| {
            let name = d.path().to_str().unwrap_or_default();
            let sql = d
                .get_file(d.path().join("postgres.sql"))
                .and_then(|f| f.contents_utf8())
                .unwrap_or_default();
            (i as i64 + 1, name, sql)
        })
        .collect()
}

/// Brings the schema up to date under a session lock (two PCs starting at once migrate once).
/// An empty database is set up; one with tables of something else, or set up by a newer
/// program, is refused.
pub(crate) fn migrate(client: &mut Client) -> Result<()> {
    migrate_schema(client, &OFFICE)
}

/// Brings `schema` up to date (see [`migrate`]).
pub(crate) fn migrate_schema(client: &mut Client, schema: &Schema) -> Result<()> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATE_LOCK])
        .map_err(error)?;
    let out = migrate_locked(client, schema);
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATE_LOCK]);
    out
}

/// The schema version found, without changing anything (`None`: not an mio-desk database).
pub(crate) fn found_version(client: &mut Client) -> Result<Option<i64>> {
    found_version_in(client, &OFFICE)
}

/// The version of `schema` found (`None`: the database holds something else).
pub(crate) fn found_version_in(client: &mut Client, schema: &Schema) -> Result<Option<i64>> {
    let ours: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&schema.table])
        .map_err(error)?
        .get(0);
    if !ours {
        let tables: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()",
                &[],
            )
            .map_err(error)?
            .get(0);
        return Ok(if tables == 0 { Some(0) } else { None });
    }
    let v: i64 = client
        .query_one(
            &format!("SELECT coalesce(max(version), 0) FROM {}", schema.table),
            &[],
        )
        .map_err(error)?
        .get(0);
    Ok(Some(v))
}

/// Writes the office server's database to `out` with PostgreSQL's `pg_dump` (custom format,
/// for `pg_restore`), through a `.partial` file renamed when complete; its size.
pub fn dump(store: &super::Store, out: &std::path::Path) -> Result<u64> {
    let Some(target) = store.target() else {
        return Err(StoreError::Sqlite("not an office server database".into()));
    };
    let partial = out.with_extension("partial");
    let run = std::process::Command::new("pg_dump")
        .arg("--format=custom")
        .arg("--no-owner")
        .arg("--file")
        .arg(&partial)
        .arg("--dbname")
        .arg(&target.url)
        .stdin(std::process::Stdio::null())
        .output();
    let o = match run {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::Io(std::io::Error::new(
                e.kind(),
                "pg_dump is not installed on this PC (Debian: apt install postgresql-client)",
            )));
        }
        Err(e) => return Err(StoreError::Io(e)),
    };
    if !o.status.success() {
        let _ = std::fs::remove_file(&partial);
        return Err(StoreError::Io(std::io::Error::other(format!(
            "pg_dump: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        ))));
    }
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, out)?;
    Ok(std::fs::metadata(out)?.len())
}

/// What is on the office server, as *Test connection* reports it before anything is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// An empty database (or one set up with no office yet): a new office can start here.
    Empty,
    /// An office is there; this PC can join it with a workstation code not yet taken.
    Office {
        code: String,
        name_kk: String,
        name_ru: String,
        /// The workstation codes already taken.
        workstations: Vec<String>,
    },
}

/// Connects and looks, changing nothing: the server's answer, whether the database is ours,
/// its schema version against this program's, and the office in it.
pub fn probe(target: &Target) -> Result<Probe> {
    let mut client = target.connect()?;
    let known = migrations().len() as i64;
    let found = found_version(&mut client)?.ok_or(StoreError::Server(ServerProblem::NotOurs))?;
    if found > known {
        return Err(StoreError::Server(ServerProblem::TooNew { found, known }));
    }
    if found == 0 {
        return Ok(Probe::Empty);
    }
    let office = client
        .query_opt(
            "SELECT code::text, name_kk::text, name_ru::text FROM office",
            &[],
        )
        .map_err(error)?;
    let Some(o) = office else {
        return Ok(Probe::Empty);
    };
    let workstations = client
        .query("SELECT code::text FROM workstations ORDER BY code", &[])
        .map_err(error)?
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect();
    Ok(Probe::Office {
        code: o.get(0),
        name_kk: o.get(1),
        name_ru: o.get(2),
        workstations,
    })
}

fn migrate_locked(client: &mut Client, schema: &Schema) -> Result<()> {
    let all = migrations_of(schema);
    let known = all.len() as i64;
    let found =
        found_version_in(client, schema)?.ok_or(StoreError::Server(ServerProblem::NotOurs))?;
    if found > known {
        return Err(StoreError::Server(ServerProblem::TooNew { found, known }));
    }
    for (version, name, sql) in all.into_iter().filter(|(v, _, _)| *v > found) {
        if sql.trim().is_empty() {
            return Err(StoreError::Migration(format!(
                "{name}: no postgres.sql in the program"
            )));
        }
        let mut t = client.transaction().map_err(error)?;
        if version == 1 {
            t.batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS {} (
                     version bigint PRIMARY KEY,
                     name text NOT NULL,
                     applied_at text NOT NULL
                 )",
                schema.table
            ))
            .map_err(error)?;
        }
        t.batch_execute(sql)
            .map_err(|e| StoreError::Migration(format!("{name}: {}", error(e))))?;
        t.execute(
            &format!(
                "INSERT INTO {}(version, name, applied_at) VALUES ($1, $2, $3)",
                schema.table
            ),
            &[
                &version,
                &name,
                &chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ],
        )
        .map_err(error)?;
        t.commit().map_err(error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_run_form_makes_an_address_that_parses_back() {
        let url = server_url("10.0.0.5", 5433, "office 0412", "mio", "p@ss:w/rd?&", None);
        assert_eq!(
            url,
            "postgres://mio:p%40ss%3Aw%2Frd%3F%26@10.0.0.5:5433/office%200412"
        );
        let t = parse_target(&url).unwrap();
        assert_eq!(t.config.get_password(), Some(&b"p@ss:w/rd?&"[..]));
        assert_eq!(t.config.get_user(), Some("mio"));
        assert_eq!(t.dbname(), "office 0412");
        assert_eq!(t.config.get_ports(), [5433]);
        // TLS needs the CA file, and a missing one is named.
        let tls = server_url("srv", 5432, "office", "mio", "", Some("/nowhere/ca.pem"));
        assert!(tls.ends_with("?sslmode=verify-full&sslrootcert=%2Fnowhere%2Fca.pem"));
        match parse_target(&tls) {
            Err(ServerProblem::BadUrl(d)) => assert!(d.contains("/nowhere/ca.pem"), "{d}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn addresses_are_checked_and_passwords_masked() {
        assert_eq!(
            mask_password("postgres://mio:s3cret@10.0.0.5:5432/office"),
            "postgres://mio:***@10.0.0.5:5432/office"
        );
        assert_eq!(
            mask_password("postgres://mio@host/db"),
            "postgres://mio@host/db"
        );
        assert!(matches!(
            parse_target("mysql://x@y/z"),
            Err(ServerProblem::BadUrl(_))
        ));
        assert!(matches!(
            parse_target("postgres://mio@host"),
            Err(ServerProblem::BadUrl(_))
        ));
        assert!(matches!(
            parse_target("postgres://mio@host/db?sslmode=require"),
            Err(ServerProblem::BadUrl(_))
        ));
        let t = parse_target("postgres://mio:pw@host:5433/office").unwrap();
        assert_eq!(t.dbname(), "office");
        assert_eq!(t.shown, "postgres://mio:***@host:5433/office");
        assert!(t.tls.is_none());
    }
}
