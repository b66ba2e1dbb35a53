//! Copying a whole office from its SQLite file into the office server's database (`mio-desk
//! move-to`): every table, row for row with the same ids, in ONE server transaction, so a copy
//! that fails leaves the server's database as it was. The tab counts are rebuilt by the
//! server's own triggers as the applications arrive; identity counters continue after the
//! highest id copied.

use super::pg::{self, TABLES};
use super::sql::Value;
use super::{Result, Store, StoreError};

/// Tables whose rows the server makes itself as other rows arrive.
const DERIVED: &[&str] = &["app_counts"];

/// Tables with an `id` the server numbers (identity columns).
const IDENTITY: &[&str] = &[
    "users",
    "persons",
    "applications",
    "journal",
    "attachments",
    "documents",
    "outbox",
    "sync_conflicts",
    "institutions",
    "person_history",
];

/// Rows per table, as counted in one store.
pub type Counts = Vec<(String, i64)>;

/// Row counts of every copied table.
pub fn counts(store: &Store) -> Result<Counts> {
    store.snapshot(|r| {
        let mut out = Vec::new();
        for t in TABLES.iter().filter(|t| !DERIVED.contains(t)) {
            let n: i64 =
                super::Db::query_one(r, &format!("SELECT count(*) FROM {t}"), &[])?.get(0)?;
            out.push((t.to_string(), n));
        }
        Ok(out)
    })
}

/// Copies every table of `src` (SQLite) into `dst` (an office server database with no office
/// yet). `progress` hears each table as it is done.
pub fn sqlite_to_server(
    src: &Store,
    dst: &Store,
    progress: &mut dyn FnMut(&str, i64),
) -> Result<()> {
    let Some(lite) = src.lite() else {
        return Err(StoreError::Sqlite(
            "the source is not a SQLite office".into(),
        ));
    };
    let pg::Conn { client, .. } = &mut dst.pg_conn()?;
    let mut t = client.transaction()?;
    t.execute("SELECT pg_advisory_xact_lock($1)", &[&pg::WRITE_LOCK])?;
    let office: i64 = t.query_one("SELECT count(*) FROM office", &[])?.get(0);
    if office != 0 {
        return Err(StoreError::Duplicate {
            what: "office",
            key: "the server's database".into(),
        });
    }
    // The copy brings the audit entries as they are; the server's guards against changing
    // them stay on.
    for table in TABLES.iter().filter(|t| !DERIVED.contains(t)) {
        let mut st = lite.prepare(&format!("SELECT * FROM {table}"))?;
        let cols: Vec<String> = st.column_names().iter().map(|c| c.to_string()).collect();
        let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
        let insert = t.prepare(&format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            cols.join(", "),
            placeholders.join(", ")
        ))?;
        let n = cols.len();
        let mut rows = st.query([])?;
        let mut count = 0i64;
        while let Some(r) = rows.next()? {
            let mut vals: Vec<Value> = Vec::with_capacity(n);
            for i in 0..n {
                vals.push(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => Value::Null,
                    rusqlite::types::ValueRef::Integer(v) => Value::Int(v),
                    rusqlite::types::ValueRef::Real(v) => Value::Real(v),
                    rusqlite::types::ValueRef::Text(v) => {
                        Value::Text(String::from_utf8_lossy(v).into_owned())
                    }
                    rusqlite::types::ValueRef::Blob(v) => Value::Blob(v.to_vec()),
                });
            }
            let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = vals
                .iter()
                .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                .collect();
            t.execute(&insert, &refs)
                .map_err(|e| StoreError::Sqlite(format!("{table}: {}", pg::error(e))))?;
            count += 1;
        }
        if IDENTITY.contains(table) {
            t.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     greatest((SELECT coalesce(max(id), 0) FROM {table}), 1), \
                     (SELECT count(*) > 0 FROM {table}))"
                ),
                &[],
            )?;
        }
        progress(table, count);
    }
    t.commit()?;
    Ok(())
}
