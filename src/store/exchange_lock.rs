//! One exchange with the gateway at a time per office.
//!
//! - An office on SQLite: an OS file lock (`flock`) on `exchange.lock` beside the database
//!   file, held by an open file for the whole exchange. A second process on the same data
//!   directory (the window's background exchange and `mio-desk sync`, or two windows) finds it
//!   taken; the kernel drops it when the holder exits, however it exits.
//! - An office on PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on a connection
//!   of its own, so exactly one PC of the office exchanges at a time. The connection sets TCP
//!   keepalives on both ends (the client's `keepalives_*` and the server's
//!   `tcp_keepalives_*`), so when the holding PC is switched off or its cable pulled, the server
//!   notices within about half a minute, ends the session and frees the lock; the next PC's
//!   background exchange then takes over by itself.
//!
//! The lock is released when the [`ExchangeLock`] is dropped.

use std::fs::{File, OpenOptions, TryLockError};
use std::time::Duration;

use super::{Inner, Result, Store, StoreError};

/// The advisory lock key of the exchange ("mio_ex").
pub(crate) const EXCHANGE_LOCK: i64 = 0x6d69_6f5f_6578;

/// The file beside the database that carries the lock.
pub const LOCK_FILE: &str = "exchange.lock";

/// How long the office server waits on a silent connection before probing it, between probes,
/// and how many unanswered probes end it (about 10 + 3 × 5 = 25 s for a PC switched off).
const KEEPALIVE_IDLE: Duration = Duration::from_secs(10);
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(5);
const KEEPALIVE_RETRIES: u32 = 3;

/// A held exchange lock; dropping it lets the next exchange run.
pub struct ExchangeLock {
    _held: Held,
}

enum Held {
    /// The open file holds the lock; it is never read.
    File(#[allow(dead_code)] File),
    /// `None` once released.
    Pg(Option<Box<postgres::Client>>),
}

impl std::fmt::Debug for ExchangeLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self._held {
            Held::File(_) => "ExchangeLock(file)",
            Held::Pg(_) => "ExchangeLock(server)",
        })
    }
}

fn unlock(mut c: Box<postgres::Client>) {
    // Closing the session frees the lock anyway; unlocking first frees it at once.
    let _ = c.execute("SELECT pg_advisory_unlock($1)", &[&EXCHANGE_LOCK]);
}

impl ExchangeLock {
    /// Lets the lock go now. Call it off the async threads (the server's lock is let go with
    /// a blocking call); a lock merely dropped is let go on a thread of its own.
    pub fn release(mut self) {
        if let Held::Pg(c) = &mut self._held
            && let Some(c) = c.take()
        {
            unlock(c);
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Held::Pg(c) = self
            && let Some(c) = c.take()
        {
            // Dropped anywhere, even on an async thread, where a blocking call would panic.
            let _ = std::thread::Builder::new()
                .name("mio-desk-unlock".into())
                .spawn(move || unlock(c));
        }
    }
}

/// Takes the office's exchange lock if nobody holds it: `Ok(None)` when another process (or
/// another PC of the office) is exchanging now.
pub fn exchange_lock(store: &Store) -> Result<Option<ExchangeLock>> {
    match &store.inner {
        Inner::Lite { path, .. } => {
            let lock = path.with_file_name(LOCK_FILE);
            let mut o = OpenOptions::new();
            o.read(true).write(true).create(true).truncate(false);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600);
            }
            let file = o.open(&lock).map_err(|e| {
                StoreError::Io(std::io::Error::new(
                    e.kind(),
                    format!("{}: {e}", lock.display()),
                ))
            })?;
            match file.try_lock() {
                Ok(()) => Ok(Some(ExchangeLock {
                    _held: Held::File(file),
                })),
                Err(TryLockError::WouldBlock) => Ok(None),
                Err(TryLockError::Error(e)) => Err(StoreError::Io(std::io::Error::new(
                    e.kind(),
                    format!("{}: {e}", lock.display()),
                ))),
            }
        }
        Inner::Pg { pool } => {
            let mut target = pool.target.clone();
            target
                .config
                .keepalives(true)
                .keepalives_idle(KEEPALIVE_IDLE)
                .keepalives_interval(KEEPALIVE_INTERVAL)
                .keepalives_retries(KEEPALIVE_RETRIES);
            let mut client = target.connect()?;
            // The server's side of the same: it is the server that must notice a dead PC.
            client
                .batch_execute(&format!(
                    "SET tcp_keepalives_idle = {}; SET tcp_keepalives_interval = {}; SET tcp_keepalives_count = {};",
                    KEEPALIVE_IDLE.as_secs(),
                    KEEPALIVE_INTERVAL.as_secs(),
                    KEEPALIVE_RETRIES
                ))
                .map_err(super::pg::error)?;
            let got: bool = client
                .query_one("SELECT pg_try_advisory_lock($1)", &[&EXCHANGE_LOCK])
                .map_err(super::pg::error)?
                .get(0);
            Ok(got.then(|| ExchangeLock {
                _held: Held::Pg(Some(Box::new(client))),
            }))
        }
    }
}

/// Takes the lock, trying again for up to `wait` while someone else holds it.
pub fn exchange_lock_waiting(store: &Store, wait: Duration) -> Result<Option<ExchangeLock>> {
    let until = std::time::Instant::now() + wait;
    loop {
        if let Some(l) = exchange_lock(store)? {
            return Ok(Some(l));
        }
        if std::time::Instant::now() >= until {
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
