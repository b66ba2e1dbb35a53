//! Content-addressed files under the data directory: a file is named by the SHA-256 of its
//! bytes, written to a temporary name, synced and renamed (and its folder synced), and checked
//! against its name on every read. Several files stored together are synced in parallel, so
//! the clerk waits for one round of disk flushes rather than one per scan.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Result, StoreError};

/// A folder of content-addressed files (`attachments/`, `documents/`).
#[derive(Debug, Clone)]
pub struct Blobs {
    dir: PathBuf,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn valid_name(sha: &str) -> bool {
    sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Blobs {
    pub fn new(dir: impl Into<PathBuf>) -> Result<Blobs> {
        let dir = dir.into();
        fs::create_dir_all(&dir)?;
        Ok(Blobs { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where a blob lives (two-level fan-out keeps folders small).
    pub fn path_of(&self, sha: &str) -> PathBuf {
        self.dir.join(&sha[..2]).join(sha)
    }

    /// Stores bytes durably; returns their SHA-256. Storing the same bytes twice is a no-op.
    pub fn put(&self, bytes: &[u8]) -> Result<String> {
        let sha = sha256_hex(bytes);
        if !self.intact(&sha) {
            self.write_synced(bytes, &sha)?;
        }
        Ok(sha)
    }

    /// Whether the blob is stored and still has the hash it is named by.
    fn intact(&self, sha: &str) -> bool {
        self.path_of(sha).exists() && self.get(sha).is_ok()
    }

    /// Writes a blob under a temporary name, syncs it, renames it into place and syncs the
    /// folder, so after a crash the file is either whole or absent.
    fn write_synced(&self, bytes: &[u8], sha: &str) -> Result<()> {
        let path = self.path_of(sha);
        let sub = path.parent().expect("fan-out folder");
        fs::create_dir_all(sub)?;
        let tmp = sub.join(format!(
            ".{sha}.{}.{:?}.tmp",
            std::process::id(),
            std::thread::current().id()
        ));
        {
            let mut f = File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        fs::rename(&tmp, &path)?;
        if let Ok(d) = File::open(sub) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Stores several byte strings durably, syncing them in parallel; returns their SHA-256s
    /// in order. Files already stored intact are not written again.
    pub fn put_all(&self, items: &[&[u8]]) -> Result<Vec<String>> {
        let shas: Vec<String> = items.iter().map(|b| sha256_hex(b)).collect();
        let mut todo: Vec<(&[u8], &str)> = Vec::new();
        for (bytes, sha) in items.iter().zip(&shas) {
            let fresh = !todo.iter().any(|(_, s)| *s == sha.as_str());
            if fresh && !self.intact(sha) {
                todo.push((bytes, sha));
            }
        }
        match todo.len() {
            0 => {}
            1 => self.write_synced(todo[0].0, todo[0].1)?,
            _ => std::thread::scope(|scope| {
                let handles: Vec<_> = todo
                    .iter()
                    .map(|(bytes, sha)| scope.spawn(move || self.write_synced(bytes, sha)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect::<Result<Vec<()>>>()
            })
            .map(|_| ())?,
        }
        Ok(shas)
    }

    /// Reads a blob and checks it still has the hash it is named by.
    pub fn get(&self, sha: &str) -> Result<Vec<u8>> {
        if !valid_name(sha) {
            return Err(StoreError::Corrupt(format!("{sha:?} is not a file hash")));
        }
        let bytes = fs::read(self.path_of(sha)).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                StoreError::NotFound(format!("file {sha}"))
            } else {
                StoreError::Io(e)
            }
        })?;
        let actual = sha256_hex(&bytes);
        if actual != sha {
            return Err(StoreError::Corrupt(format!(
                "file {sha} has been changed on disk (its content hash is now {actual})"
            )));
        }
        Ok(bytes)
    }

    pub fn exists(&self, sha: &str) -> bool {
        valid_name(sha) && self.path_of(sha).exists()
    }

    /// All blob names present.
    pub fn list(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        if !self.dir.exists() {
            return Ok(out);
        }
        for sub in fs::read_dir(&self.dir)? {
            let sub = sub?;
            if !sub.file_type()?.is_dir() {
                continue;
            }
            for f in fs::read_dir(sub.path())? {
                let name = f?.file_name().to_string_lossy().to_string();
                if valid_name(&name) {
                    out.push(name);
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_get_and_tamper_detection() {
        let dir = tempfile::tempdir().unwrap();
        let b = Blobs::new(dir.path().join("attachments")).unwrap();
        let sha = b.put(b"%PDF-1.4 scan").unwrap();
        assert_eq!(b.put(b"%PDF-1.4 scan").unwrap(), sha);
        assert_eq!(b.get(&sha).unwrap(), b"%PDF-1.4 scan");
        assert_eq!(b.list().unwrap(), vec![sha.clone()]);
        std::fs::write(b.path_of(&sha), b"%PDF-1.4 forged").unwrap();
        assert!(matches!(b.get(&sha), Err(StoreError::Corrupt(_))));
        assert!(matches!(
            b.get("../../etc/passwd"),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            b.get(&"0".repeat(64)),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn put_all_stores_in_parallel_in_order_and_repairs_damaged_copies() {
        let dir = tempfile::tempdir().unwrap();
        let b = Blobs::new(dir.path().join("attachments")).unwrap();
        let items: Vec<Vec<u8>> = (0..5).map(|i| format!("scan {i}").into_bytes()).collect();
        // One already stored intact, one stored damaged, one given twice.
        let kept = b.put(&items[0]).unwrap();
        let damaged = b.put(&items[1]).unwrap();
        std::fs::write(b.path_of(&damaged), b"half a scan").unwrap();
        let mut refs: Vec<&[u8]> = items.iter().map(|v| v.as_slice()).collect();
        refs.push(&items[2]);
        let shas = b.put_all(&refs).unwrap();
        assert_eq!(shas.len(), 6);
        assert_eq!(shas[0], kept);
        assert_eq!(shas[5], shas[2]);
        for (sha, bytes) in shas.iter().zip(&refs) {
            assert_eq!(sha, &sha256_hex(bytes));
            assert_eq!(&b.get(sha).unwrap(), bytes, "stored whole");
        }
        let mut listed = b.list().unwrap();
        listed.sort();
        let mut want: Vec<String> = shas[..5].to_vec();
        want.sort();
        assert_eq!(listed, want, "no temporary files left behind");
    }
}
