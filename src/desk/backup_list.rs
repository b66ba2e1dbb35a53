//! The office's backups in the data directory's `backups/`: names with the date and time, so a
//! second backup the same day never overwrites the first, and the list the admin restores from.

use crate::domain::policy::Permission;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};

use super::{Desk, Result, Session};

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    pub path: PathBuf,
    pub size: u64,
    /// When it was written, office time.
    pub at: Option<NaiveDateTime>,
}

/// The extension of backup archives.
pub const EXT: &str = "miobak";

impl Desk {
    /// Where a backup made now goes: `backups/mio-desk-YYYY-MM-DD-HHMMSS.miobak` (office time);
    /// a name already taken gets `-2`, `-3`… so nothing is overwritten.
    pub fn new_backup_path(&self) -> PathBuf {
        let stamp = self.local(self.now()).format("%Y-%m-%d-%H%M%S");
        let dir = self.dir.backups();
        let mut p = dir.join(format!("mio-desk-{stamp}.{EXT}"));
        let mut n = 2;
        while p.exists() {
            p = dir.join(format!("mio-desk-{stamp}-{n}.{EXT}"));
            n += 1;
        }
        p
    }

    /// The backups in `backups/`, newest first (admin).
    pub fn backup_list(&self, s: &Session) -> Result<Vec<BackupFile>> {
        self.require(s, Permission::Backup)?;
        Ok(list_in(&self.dir.backups(), |t| self.local(t)))
    }
}

/// The moment in a name `mio-desk-YYYY-MM-DD-HHMMSS[-n].miobak`.
fn named_at(p: &Path) -> Option<NaiveDateTime> {
    let stem = p.file_stem()?.to_str()?.strip_prefix("mio-desk-")?;
    NaiveDateTime::parse_from_str(stem.get(..17)?, "%Y-%m-%d-%H%M%S").ok()
}

fn list_in(dir: &Path, local: impl Fn(DateTime<Utc>) -> NaiveDateTime) -> Vec<BackupFile> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<BackupFile> = rd
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == EXT))
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            let path = e.path();
            m.is_file().then(|| BackupFile {
                at: named_at(&path)
                    .or_else(|| m.modified().ok().map(|t| local(DateTime::<Utc>::from(t)))),
                size: m.len(),
                path,
            })
        })
        .collect();
    // Newest first; of two made the same second, the later (`-2`, longer name) first.
    out.sort_by(|a, b| {
        (b.at, b.path.as_os_str().len(), &b.path).cmp(&(a.at, a.path.as_os_str().len(), &a.path))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_moment_is_read_from_the_name() {
        let at = |s: &str| named_at(Path::new(s)).map(|t| t.to_string());
        assert_eq!(
            at("/b/mio-desk-2026-11-16-100500.miobak").as_deref(),
            Some("2026-11-16 10:05:00")
        );
        assert_eq!(
            at("mio-desk-2026-11-16-100500-2.miobak").as_deref(),
            Some("2026-11-16 10:05:00")
        );
        assert_eq!(at("mio-desk-2026-11-16.miobak"), None);
        assert_eq!(at("other.miobak"), None);
    }
}
