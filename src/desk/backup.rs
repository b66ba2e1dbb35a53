//! Backups: a consistent copy of the database made while the program runs (SQLite online
//! backup), with the scans, signed papers, keys and calendar files, in one archive file whose
//! every entry carries its SHA-256. Restore checks the whole archive (hashes, database
//! integrity, audit chain, referenced files) before it replaces anything, and keeps the old
//! data directory beside the new one.

use crate::domain::policy::Permission;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{DataDir, Desk, DeskError, Result, Session, stamp};
use crate::store::{Store, StoreError, apps, audit, signatures};

const MAGIC: &str = "MIODESK-BACKUP-1";

/// A sealed backup: its table of contents authenticated and its private keys encrypted with a
/// passphrase the admin chooses (issue 13).
const MAGIC_SEALED: &str = "MIODESK-BACKUP-2";

/// The shortest passphrase of a sealed backup.
pub const MIN_PASSPHRASE: usize = 10;

/// One file in the archive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    /// Bytes as stored in the archive (for a sealed entry: nonce, ciphertext and tag).
    pub size: u64,
    /// SHA-256 of the bytes as stored.
    pub sha256: String,
    /// Encrypted with the backup's passphrase (the private keys in `keys/`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sealed: bool,
}

/// How a sealed backup's keys come from its passphrase, and the table of contents' seal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Seal {
    /// argon2id parameters and salt (base64).
    pub salt: String,
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
    /// HMAC-SHA256 (hex) of the table of contents written with an empty `mac`: it covers the
    /// office, the time, and every file's name, size and hash.
    pub mac: String,
}

/// The archive's table of contents.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub created_at: String,
    pub office: String,
    pub workstation: String,
    pub schema_version: i64,
    pub entries: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<Seal>,
}

/// The two keys of a sealed backup: one encrypts the private keys, one authenticates the table
/// of contents.
struct SealKeys {
    enc: ring::aead::LessSafeKey,
    mac: ring::hmac::Key,
}

fn seal_keys(passphrase: &str, seal: &Seal) -> Result<SealKeys> {
    use base64::Engine;
    let salt = base64::engine::general_purpose::STANDARD
        .decode(&seal.salt)
        .map_err(|_| err("damaged seal"))?;
    let params = argon2::Params::new(seal.m_kib, seal.t, seal.p, Some(64))
        .map_err(|_| err("damaged seal"))?;
    let mut out = [0u8; 64];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), &salt, &mut out)
        .map_err(|_| err("damaged seal"))?;
    Ok(SealKeys {
        enc: ring::aead::LessSafeKey::new(
            ring::aead::UnboundKey::new(&ring::aead::CHACHA20_POLY1305, &out[..32])
                .map_err(|_| err("damaged seal"))?,
        ),
        mac: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &out[32..]),
    })
}

/// The bytes the seal's MAC covers: the table of contents with an empty `mac`.
fn mac_input(m: &Manifest) -> Vec<u8> {
    let mut m = m.clone();
    if let Some(s) = &mut m.seal {
        s.mac.clear();
    }
    serde_json::to_vec(&m).expect("manifest")
}

fn encrypt(keys: &SealKeys, plain: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; 12];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce)
        .expect("randomness");
    let mut data = plain.to_vec();
    keys.enc
        .seal_in_place_append_tag(
            ring::aead::Nonce::assume_unique_for_key(nonce),
            ring::aead::Aad::empty(),
            &mut data,
        )
        .expect("sealing");
    let mut out = nonce.to_vec();
    out.extend(data);
    out
}

fn decrypt(keys: &SealKeys, stored: &[u8], path: &str) -> Result<Vec<u8>> {
    let bad = || err(format!("{path} does not open with this passphrase"));
    if stored.len() < 12 {
        return Err(bad());
    }
    let (nonce, rest) = stored.split_at(12);
    let mut data = rest.to_vec();
    let plain = keys
        .enc
        .open_in_place(
            ring::aead::Nonce::try_assume_unique_for_key(nonce).map_err(|_| bad())?,
            ring::aead::Aad::empty(),
            &mut data,
        )
        .map_err(|_| bad())?;
    Ok(plain.to_vec())
}

/// What a backup or restore did.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub files: usize,
    pub bytes: u64,
    pub path: String,
}

fn err(m: impl Into<String>) -> DeskError {
    DeskError::Backup(m.into())
}

fn io(e: std::io::Error) -> DeskError {
    DeskError::Store(StoreError::Io(e))
}

/// A file error that names the file, and says plainly when the disk is full.
pub(super) fn io_at(path: &Path) -> impl Fn(std::io::Error) -> DeskError + '_ {
    move |e| {
        if e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28) {
            return DeskError::BackupRefused {
                key: "backup-disk-full",
                detail: path.display().to_string(),
            };
        }
        DeskError::Store(StoreError::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        )))
    }
}

/// Makes a directory only its owner can enter.
fn private_dir(p: &Path) -> std::io::Result<()> {
    fs::create_dir_all(p)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(p, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Removes what restores killed midway left beside the data directory (their staging copies
/// `.NAME.restore-PID`, a whole database each), except one whose process still runs.
pub fn clean_interrupted_restores(root: &Path) -> Vec<PathBuf> {
    let (Some(parent), Some(name)) = (root.parent(), root.file_name()) else {
        return Vec::new();
    };
    let prefix = format!(".{}.restore-", name.to_string_lossy());
    let Ok(items) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for e in items.flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        let Some(pid) = n.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        if fs::remove_dir_all(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed
}

/// Whether a process with this id runs (Linux: `/proc`; elsewhere assumed gone).
fn process_alive(pid: u32) -> bool {
    cfg!(target_os = "linux") && Path::new(&format!("/proc/{pid}")).exists()
}

/// Creates a file only its owner can read.
fn private_file(p: &Path) -> std::io::Result<File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(p)
}

fn hash_file(p: &Path) -> std::io::Result<(u64, String)> {
    let mut f = File::open(p)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        n += k as u64;
        h.update(&buf[..k]);
    }
    Ok((n, hex::encode(h.finalize())))
}

fn walk(root: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    let dir = root.join(rel);
    if !dir.exists() {
        return Ok(());
    }
    let mut items: Vec<_> = fs::read_dir(&dir)?.filter_map(|e| e.ok()).collect();
    items.sort_by_key(|e| e.file_name());
    for e in items {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name.ends_with(".tmp") {
            continue;
        }
        let r = format!("{rel}/{name}");
        if e.file_type()?.is_dir() {
            walk(root, &r, out)?;
        } else {
            out.push((r, e.path()));
        }
    }
    Ok(())
}

/// A relative path inside the archive that cannot escape the data directory.
fn safe_path(p: &str) -> Option<PathBuf> {
    let path = Path::new(p);
    if p.is_empty() || path.is_absolute() {
        return None;
    }
    let top_ok = matches!(
        path.components().next(),
        Some(Component::Normal(c)) if ["desk.sqlite", "attachments", "documents", "keys", "calendar"]
            .contains(&c.to_string_lossy().as_ref())
    );
    if !top_ok
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    Some(path.to_path_buf())
}

impl Desk {
    /// Writes a backup archive to `out`. `progress(done, total)` is called as bytes are
    /// written; returning `false` cancels (the partial file is removed).
    pub fn backup(
        &self,
        s: Option<&Session>,
        out: &Path,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<Report> {
        self.backup_sealed(s, out, None, progress)
    }

    /// Writes a backup; with a passphrase it is sealed: the private keys inside are encrypted
    /// with it and the table of contents (the office, every file's hash) is authenticated with
    /// it, so a backup changed by anyone without the passphrase is refused at restore.
    pub fn backup_sealed(
        &self,
        s: Option<&Session>,
        out: &Path,
        passphrase: Option<&str>,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<Report> {
        if passphrase.is_some_and(|p| p.chars().count() < MIN_PASSPHRASE) {
            return Err(DeskError::BackupRefused {
                key: "backup-passphrase-short",
                detail: MIN_PASSPHRASE.to_string(),
            });
        }
        if let Some(s) = s {
            self.require(s, Permission::Backup)?;
        }
        if self.store.backend() == crate::store::Backend::Postgres {
            return self.backup_server(s, out, progress);
        }
        // A damaged database or a broken audit log is not backed up as if it were sound.
        let problems = self.store.integrity_check()?;
        if !problems.is_empty() {
            return Err(err(format!(
                "the database is damaged, nothing was written: {}",
                problems.join("; ")
            )));
        }
        if let Some(p) = self.verify_audit()?.problem {
            return Err(err(format!(
                "the audit log is broken, nothing was written: {p}"
            )));
        }
        fs::create_dir_all(self.dir.backups()).map_err(io_at(&self.dir.backups()))?;
        let snapshot = self
            .dir
            .backups()
            .join(format!(".snapshot-{}.sqlite", std::process::id()));
        let _ = fs::remove_file(&snapshot);
        if let Err(e) = self.store.backup_to(&snapshot, |_, _| true) {
            let _ = fs::remove_file(&snapshot);
            return Err(match e {
                StoreError::Io(e) => io_at(&snapshot)(e),
                StoreError::Sqlite(m) if m.contains("full") => {
                    io_at(&snapshot)(std::io::Error::from(std::io::ErrorKind::StorageFull))
                }
                other => other.into(),
            });
        }
        let result = self.write_archive(&snapshot, out, passphrase, progress);
        let _ = fs::remove_file(&snapshot);
        let report = result?;
        self.store.write(|tx| {
            self.audit(
                tx,
                s,
                "backup",
                "office",
                &self.office.code,
                serde_json::json!({"file": out.display().to_string(), "files": report.files, "bytes": report.bytes, "sealed": passphrase.is_some()}),
            )
        })?;
        Ok(report)
    }

    fn write_archive(
        &self,
        snapshot: &Path,
        out: &Path,
        passphrase: Option<&str>,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<Report> {
        let mut files: Vec<(String, PathBuf)> =
            vec![("desk.sqlite".into(), snapshot.to_path_buf())];
        for d in ["attachments", "documents", "keys", "calendar"] {
            walk(&self.dir.root, d, &mut files).map_err(io)?;
        }
        let seal_and_keys = match passphrase {
            Some(p) => {
                use base64::Engine;
                let mut salt = [0u8; 16];
                ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut salt)
                    .map_err(|_| err("no randomness"))?;
                let seal = Seal {
                    salt: base64::engine::general_purpose::STANDARD.encode(salt),
                    m_kib: 19 * 1024,
                    t: 2,
                    p: 1,
                    mac: String::new(),
                };
                let keys = seal_keys(p, &seal)?;
                Some((seal, keys))
            }
            None => None,
        };
        // The private keys, sealed, are held in memory (they are small); the rest streams.
        let mut sealed: std::collections::HashMap<String, Vec<u8>> = Default::default();
        let mut entries = Vec::new();
        for (rel, p) in &files {
            if let Some((_, keys)) = &seal_and_keys
                && rel.starts_with("keys/")
            {
                let stored = encrypt(keys, &fs::read(p).map_err(io_at(p))?);
                entries.push(Entry {
                    path: rel.clone(),
                    size: stored.len() as u64,
                    sha256: hex::encode(Sha256::digest(&stored)),
                    sealed: true,
                });
                sealed.insert(rel.clone(), stored);
                continue;
            }
            let (size, sha256) = hash_file(p).map_err(io_at(p))?;
            entries.push(Entry {
                path: rel.clone(),
                size,
                sha256,
                sealed: false,
            });
        }
        let mut manifest = Manifest {
            created_at: stamp(self.now()),
            office: self.office.code.clone(),
            workstation: self.office.workstation.clone(),
            schema_version: self.store.schema_version()?,
            entries,
            seal: seal_and_keys.as_ref().map(|(s, _)| s.clone()),
        };
        if let Some((_, keys)) = &seal_and_keys {
            let tag = ring::hmac::sign(&keys.mac, &mac_input(&manifest));
            if let Some(s) = &mut manifest.seal {
                s.mac = hex::encode(tag.as_ref());
            }
        }
        let magic = if seal_and_keys.is_some() {
            MAGIC_SEALED
        } else {
            MAGIC
        };
        let total: u64 = manifest.entries.iter().map(|e| e.size).sum();
        let tmp = out.with_extension("partial");
        let result = (|| -> Result<()> {
            // The archive holds private keys: readable by the owner only.
            let at = io_at(out);
            let mut w = BufWriter::new(private_file(&tmp).map_err(&at)?);
            writeln!(w, "{magic}").map_err(&at)?;
            writeln!(w, "{}", serde_json::to_string(&manifest).expect("manifest")).map_err(&at)?;
            let mut done = 0u64;
            let mut buf = vec![0u8; 1 << 16];
            for (rel, p) in &files {
                if let Some(bytes) = sealed.get(rel) {
                    w.write_all(bytes).map_err(&at)?;
                    done += bytes.len() as u64;
                    continue;
                }
                let mut f = File::open(p).map_err(io_at(p))?;
                loop {
                    let k = f.read(&mut buf).map_err(io_at(p))?;
                    if k == 0 {
                        break;
                    }
                    w.write_all(&buf[..k]).map_err(&at)?;
                    done += k as u64;
                }
                if !progress(done, total) {
                    return Err(err("cancelled"));
                }
            }
            let f = w.into_inner().map_err(|e| at(e.into_error()))?;
            f.sync_all().map_err(&at)?;
            Ok(())
        })();
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        fs::rename(&tmp, out).map_err(io_at(out))?;
        Ok(Report {
            files: manifest.entries.len(),
            bytes: total,
            path: out.display().to_string(),
        })
    }
}

/// Reads and checks an archive into `staging`; returns its manifest. A sealed archive needs
/// its passphrase: its table of contents must check with it, and its private keys are
/// decrypted with it. `office`: the office the data directory holds now, if any; a backup of
/// another office is refused.
fn unpack(
    from: &Path,
    staging: &Path,
    passphrase: Option<&str>,
    office: Option<&str>,
) -> Result<Manifest> {
    let mut r = BufReader::new(File::open(from).map_err(io_at(from))?);
    let mut line = String::new();
    r.read_line(&mut line).map_err(io_at(from))?;
    let sealed_archive = match line.trim_end() {
        MAGIC => false,
        MAGIC_SEALED => true,
        _ => return Err(err(format!("{} is not a mio-desk backup", from.display()))),
    };
    line.clear();
    r.read_line(&mut line).map_err(io_at(from))?;
    let manifest: Manifest = serde_json::from_str(line.trim_end())
        .map_err(|e| err(format!("damaged table of contents: {e}")))?;
    let keys = match (sealed_archive, &manifest.seal, passphrase) {
        (false, None, _) => None,
        (true, Some(seal), Some(p)) => {
            let keys = seal_keys(p, seal)?;
            let mac = hex::decode(&seal.mac).unwrap_or_default();
            if ring::hmac::verify(&keys.mac, &mac_input(&manifest), &mac).is_err() {
                return Err(DeskError::BackupRefused {
                    key: "backup-seal-broken",
                    detail: from.display().to_string(),
                });
            }
            Some(keys)
        }
        (true, Some(_), None) => {
            return Err(DeskError::BackupRefused {
                key: "backup-needs-passphrase",
                detail: from.display().to_string(),
            });
        }
        _ => {
            return Err(err(
                "the table of contents does not match the backup's kind",
            ));
        }
    };
    if manifest.entries.iter().any(|e| e.sealed) && keys.is_none() {
        return Err(err("sealed files in an unsealed backup"));
    }
    if let Some(here) = office
        && here != manifest.office
    {
        return Err(err(crate::i18n::tra(
            crate::domain::model::Lang::Ru,
            "backup-other-office",
            &[
                ("backup", crate::i18n::Arg::from(manifest.office.as_str())),
                ("here", crate::i18n::Arg::from(here)),
            ],
        )));
    }
    if manifest
        .entries
        .iter()
        .filter(|e| e.path == "desk.sqlite")
        .count()
        != 1
    {
        return Err(err("the backup has no database"));
    }
    fs::create_dir_all(staging).map_err(io)?;
    let mut buf = vec![0u8; 1 << 16];
    for e in &manifest.entries {
        let rel = safe_path(&e.path)
            .ok_or_else(|| err(format!("unsafe path in backup: {:?}", e.path)))?;
        let dest = staging.join(rel);
        if let Some(p) = dest.parent() {
            fs::create_dir_all(p).map_err(io)?;
        }
        // Keys stay private after a restore; other files keep the usual mode (inside the
        // owner-only data directory).
        let file = if e.path.starts_with("keys/") {
            private_file(&dest)
        } else {
            File::create(&dest)
        };
        let mut w = BufWriter::new(file.map_err(io_at(&dest))?);
        let mut h = Sha256::new();
        let mut left = e.size;
        let mut held = Vec::new();
        while left > 0 {
            let want = left.min(buf.len() as u64) as usize;
            let k = r.read(&mut buf[..want]).map_err(io_at(from))?;
            if k == 0 {
                return Err(err(format!("the backup is cut off in {}", e.path)));
            }
            h.update(&buf[..k]);
            if e.sealed {
                held.extend_from_slice(&buf[..k]);
            } else {
                w.write_all(&buf[..k]).map_err(io_at(&dest))?;
            }
            left -= k as u64;
        }
        if hex::encode(h.finalize()) != e.sha256 {
            return Err(err(format!(
                "{} is damaged in the backup (hash mismatch)",
                e.path
            )));
        }
        if e.sealed
            && let Some(keys) = &keys
        {
            w.write_all(&decrypt(keys, &held, &e.path)?)
                .map_err(io_at(&dest))?;
        }
        w.flush().map_err(io_at(&dest))?;
    }
    let mut rest = [0u8; 1];
    if r.read(&mut rest).map_err(io)? != 0 {
        return Err(err("the backup has data after its last file"));
    }
    Ok(manifest)
}

/// Checks a staged data directory: database integrity, audit chain, referenced files.
fn check_staged(staging: &Path) -> Result<()> {
    let store = Store::open_readonly(&staging.join("desk.sqlite"))?;
    let problems = store.integrity_check()?;
    if !problems.is_empty() {
        return Err(err(format!(
            "database check failed: {}",
            problems.join("; ")
        )));
    }
    // A keyed chain is checked with the key that came with it.
    let key = super::audit_key::load_key(&DataDir::new(staging), false)?;
    let start = super::audit_key::key_start(&DataDir::new(staging));
    let verdict = store.snapshot(|r| {
        audit::verify_with(
            r,
            key.as_deref(),
            start.as_ref().map(|(i, h)| (*i, h.as_str())),
        )
    })?;
    if let Some(p) = verdict.problem {
        return Err(err(format!("audit log in the backup is broken: {p}")));
    }
    let attachments = crate::store::files::Blobs::new(staging.join("attachments"))?;
    for sha in store.read(|r| apps::all_attachment_hashes(r))? {
        if !attachments.exists(&sha) {
            return Err(err(format!(
                "scan {sha} referenced by the database is missing"
            )));
        }
    }
    let documents = crate::store::files::Blobs::new(staging.join("documents"))?;
    for sha in store.read(|r| signatures::all_pdf_hashes(r))? {
        if !documents.exists(&sha) {
            return Err(err(format!("signed paper {sha} is missing")));
        }
    }
    Ok(())
}

/// Restores a data directory from a backup. Nothing is replaced unless the whole archive
/// checks out; the previous directory is kept as `<dir>.before-restore-<time>`.
pub fn restore(dir: &DataDir, from: &Path) -> Result<Report> {
    restore_sealed(dir, from, None)
}

/// The office a data directory holds now, if any.
fn office_here(root: &Path) -> Option<String> {
    let db = root.join("desk.sqlite");
    if !db.exists() {
        return None;
    }
    Store::open_untouched(&db)
        .ok()?
        .read(|r| crate::store::office(r))
        .ok()
        .flatten()
        .map(|o| o.code)
}

/// Restores from a backup, sealed or not (a sealed one needs its passphrase). A backup of
/// another office than the one the data directory holds is refused.
pub fn restore_sealed(dir: &DataDir, from: &Path, passphrase: Option<&str>) -> Result<Report> {
    if matches!(dir.location()?, crate::store::Location::Postgres(_)) {
        // The office's data are on the server, not in this folder.
        return Err(DeskError::BackupRefused {
            key: "restore-on-server",
            detail: from.display().to_string(),
        });
    }
    let root = &dir.root;
    let parent = root
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    fs::create_dir_all(&parent).map_err(io)?;
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "data".into());
    clean_interrupted_restores(root);
    let staging = parent.join(format!(".{name}.restore-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    // The copy holds the whole office: nobody else may enter it.
    private_dir(&staging).map_err(io_at(&staging))?;
    let here = office_here(root);
    let checked = unpack(from, &staging, passphrase, here.as_deref())
        .and_then(|m| check_staged(&staging).map(|_| m));
    let manifest = match checked {
        Ok(m) => m,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    for d in ["backups", "logs"] {
        fs::create_dir_all(staging.join(d)).map_err(io)?;
    }
    // The restored office waits for the gateway before it issues numbers, and the restore is
    // in its audit log.
    let marked = (|| -> Result<()> {
        let store = Store::open(&staging.join("desk.sqlite"))?;
        store.set_audit_key(super::audit_key::load_key(&DataDir::new(&staging), false)?);
        let now = stamp(chrono::Utc::now());
        store.write(|tx| {
            super::restore::mark_restored(
                tx,
                &from.display().to_string(),
                &manifest.created_at,
                &now,
            )
        })?;
        store.checkpoint()?;
        Ok(())
    })();
    if let Err(e) = marked {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let kept = if root.exists() {
        let k = parent.join(format!(
            "{name}.before-restore-{}",
            chrono::Utc::now().format("%Y%m%d-%H%M%S")
        ));
        fs::rename(root, &k).map_err(io)?;
        Some(k)
    } else {
        None
    };
    if let Err(e) = fs::rename(&staging, root) {
        if let Some(k) = &kept {
            let _ = fs::rename(k, root);
        }
        return Err(io(e));
    }
    Ok(Report {
        files: manifest.entries.len(),
        bytes: manifest.entries.iter().map(|e| e.size).sum(),
        path: kept.map(|k| k.display().to_string()).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full disk is said in the user's language, naming the file (the window and the
    /// command line both show it).
    #[test]
    fn a_full_disk_is_said_in_either_language() {
        let path = Path::new("/media/usb/office.miobak");
        let e = io_at(path)(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(e.key(), "backup-disk-full");
        let kk = e.message(crate::domain::model::Lang::Kk);
        let ru = e.message(crate::domain::model::Lang::Ru);
        assert!(
            kk.contains("орын жоқ") && kk.contains("office.miobak"),
            "{kk}"
        );
        assert!(
            ru.contains("нет места") && ru.contains("office.miobak"),
            "{ru}"
        );
    }

    #[test]
    fn unsafe_paths_are_refused() {
        assert!(safe_path("attachments/ab/abcdef").is_some());
        assert!(safe_path("desk.sqlite").is_some());
        assert!(safe_path("../etc/passwd").is_none());
        assert!(safe_path("/etc/passwd").is_none());
        assert!(safe_path("attachments/../../x").is_none());
        assert!(safe_path("bin/sh").is_none());
    }
}
