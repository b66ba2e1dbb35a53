//! Test databases on a PostgreSQL server, for the suites that run on both backends (and the
//! bench): each test gets its own database, copied from a migrated template (fast), and drops
//! it when done.
//!
//! The server is `MIO_TEST_POSTGRES` (`postgres://user@host:port`), else the one every test
//! machine of this project runs: `postgres://postgres@127.0.0.1:5432`. When no server answers
//! the PostgreSQL half of a test is skipped with a note, except under `CI=true`, where that is a
//! failure: CI never passes without having run them.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use postgres::{Client, NoTls};

/// The server tests use.
pub fn server() -> String {
    std::env::var("MIO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
        .trim_end_matches('/')
        .to_string()
}

fn admin() -> Result<Client, postgres::Error> {
    let mut cfg: postgres::Config = format!("{}/postgres", server()).parse()?;
    cfg.connect_timeout(std::time::Duration::from_secs(5));
    cfg.connect(NoTls)
}

/// A database of its own for one test, dropped when this is dropped.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);
static TEMPLATE: Mutex<Option<String>> = Mutex::new(None);

/// A fingerprint of the schema, so a changed migration makes a new template.
fn schema_hash() -> String {
    let mut all = String::new();
    for (_, name, sql) in super::pg::migrations() {
        all.push_str(name);
        all.push_str(sql);
    }
    super::files::sha256_hex(all.as_bytes())[..12].to_string()
}

fn ensure_template(c: &mut Client) -> Result<String, String> {
    let mut t = TEMPLATE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(name) = t.as_ref() {
        return Ok(name.clone());
    }
    let name = format!("mio_tpl_{}", schema_hash());
    // Test binaries run at once may race to make it: one makes it under a lock.
    c.execute("SELECT pg_advisory_lock(7311)", &[])
        .map_err(|e| e.to_string())?;
    let made = (|| -> Result<(), String> {
        let exists = c
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
            .map_err(|e| e.to_string())?
            .is_some();
        if exists {
            return Ok(());
        }
        let building = format!("{name}_b");
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
            .map_err(|e| e.to_string())?;
        c.batch_execute(&format!(
            "CREATE DATABASE {building} TEMPLATE template0 ENCODING 'UTF8'"
        ))
        .map_err(|e| e.to_string())?;
        {
            let url = format!("{}/{building}", server());
            let target = super::pg::parse_target(&url).map_err(|e| e.to_string())?;
            let mut db = target.connect().map_err(|e| e.to_string())?;
            super::pg::migrate(&mut db).map_err(|e| e.to_string())?;
        }
        c.batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .map_err(|e| e.to_string())?;
        Ok(())
    })();
    let _ = c.execute("SELECT pg_advisory_unlock(7311)", &[]);
    made?;
    *t = Some(name.clone());
    Ok(name)
}

/// Whether the PostgreSQL half of a test runs: a server answers, or (under `CI=true`) a panic
/// saying none does.
pub fn available() -> bool {
    match admin() {
        Ok(_) => true,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "PostgreSQL at {} is not reachable ({e}); under CI=true the PostgreSQL tests never skip",
                    server()
                );
            }
            eprintln!(
                "note: PostgreSQL at {} not reachable ({e}); skipping",
                server()
            );
            false
        }
    }
}

impl TestDb {
    /// A fresh migrated database, or `None` when no server answers (and not under CI).
    pub fn new() -> Option<TestDb> {
        TestDb::make(true)
    }

    /// A fresh empty database (not migrated), for `init`/`join`/`move-to` from nothing.
    pub fn empty() -> Option<TestDb> {
        TestDb::make(false)
    }

    fn make(migrated: bool) -> Option<TestDb> {
        let mut c = match admin() {
            Ok(c) => c,
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!(
                        "PostgreSQL at {} is not reachable ({e}); under CI=true the PostgreSQL tests never skip",
                        server()
                    );
                }
                eprintln!(
                    "note: PostgreSQL at {} not reachable ({e}); skipping",
                    server()
                );
                return None;
            }
        };
        let name = format!(
            "mio_t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_subsec_micros()
        );
        let template = if migrated {
            ensure_template(&mut c).expect("template database")
        } else {
            "template0".to_string()
        };
        // A copy fails while someone is connected to the template; nobody stays, so retry.
        let mut last = None;
        for _ in 0..50 {
            match c.batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE {template} ENCODING 'UTF8'"
            )) {
                Ok(()) => {
                    last = None;
                    break;
                }
                Err(e) => {
                    last = Some(e);
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            }
        }
        if let Some(e) = last {
            panic!("could not create test database {name}: {e}");
        }
        Some(TestDb {
            url: format!("{}/{name}", server()),
            name,
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = admin() {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
