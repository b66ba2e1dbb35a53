//! Content-addressed files under the data directory: a file is named by the SHA-256 of its
//! bytes, written to a temporary name, synced and renamed, and checked against its name on
//! every read.

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
        let path = self.path_of(&sha);
        if path.exists() && self.get(&sha).is_ok() {
            return Ok(sha);
        }
        let sub = path.parent().expect("fan-out folder");
        fs::create_dir_all(sub)?;
        let tmp = sub.join(format!(".{sha}.{}.tmp", std::process::id()));
        {
            let mut f = File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        fs::rename(&tmp, &path)?;
        if let Ok(d) = File::open(sub) {
            let _ = d.sync_all();
        }
        Ok(sha)
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
}
