//! Who may read the data directory: only the user the program runs as. The directory is
//! 0700 and the files at its top and in `keys/` are 0600 (the database, its WAL, the server
//! file, the audit key, users' keys). Checked at every start: rights someone widened are
//! narrowed again, with a warning naming the file.

use std::path::{Path, PathBuf};

use super::DataDir;

/// Narrows the rights of the data directory and its private files; returns what had been
/// wider (path, old mode). On a read-only data directory nothing can change; nothing is said.
pub fn secure(dir: &DataDir) -> Vec<(PathBuf, u32)> {
    let mut widened = Vec::new();
    #[cfg(unix)]
    {
        // What is said: the directories and the private files. Others (the CA's certificate,
        // the revocation list) are narrowed without a word.
        let private = |p: &Path| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            p == dir.root
                || p == dir.keys()
                || name.starts_with("desk.sqlite")
                || name == "server.toml"
                || name.ends_with(".key")
                || name.ends_with(".mkey")
                || name.ends_with(".p12")
        };
        let mut check = |p: &Path, want: u32| {
            use std::os::unix::fs::PermissionsExt;
            let Ok(meta) = std::fs::symlink_metadata(p) else {
                return;
            };
            if meta.file_type().is_symlink() {
                return;
            }
            let mode = meta.permissions().mode() & 0o777;
            // The owner's own bits stay (a data directory made read-only stays read-only).
            let narrowed = (mode & 0o700) & want;
            if mode & 0o077 != 0
                && std::fs::set_permissions(p, std::fs::Permissions::from_mode(narrowed)).is_ok()
                && private(p)
            {
                widened.push((p.to_path_buf(), mode));
            }
        };
        check(&dir.root, 0o700);
        check(&dir.keys(), 0o700);
        for d in [dir.root.clone(), dir.keys()] {
            let Ok(items) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in items.flatten() {
                if e.file_type().is_ok_and(|t| t.is_file()) {
                    check(&e.path(), 0o600);
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    widened
}

/// The warning for one widened path, in the operator's language.
pub fn warning(l: crate::domain::model::Lang, path: &Path, mode: u32) -> String {
    crate::i18n::tra(
        l,
        "rights-narrowed",
        &[
            ("file", crate::i18n::Arg::from(path.display().to_string())),
            ("mode", crate::i18n::Arg::from(format!("{mode:o}"))),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn widened_rights_are_narrowed_and_named() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let dir = DataDir::new(t.path().join("data"));
        std::fs::create_dir_all(dir.keys()).unwrap();
        std::fs::write(dir.db(), b"x").unwrap();
        std::fs::write(dir.keys().join("k.p12"), b"x").unwrap();
        std::fs::write(dir.keys().join("office.crl"), b"x").unwrap();
        std::fs::set_permissions(dir.keys(), std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::set_permissions(&dir.root, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(dir.db(), std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(
            dir.keys().join("k.p12"),
            std::fs::Permissions::from_mode(0o604),
        )
        .unwrap();
        let got = secure(&dir);
        let names: Vec<(String, u32)> = got
            .iter()
            .map(|(p, m)| (p.file_name().unwrap().to_string_lossy().into_owned(), *m))
            .collect();
        assert!(names.contains(&("data".into(), 0o755)), "{names:?}");
        assert!(names.contains(&("desk.sqlite".into(), 0o644)), "{names:?}");
        assert!(names.contains(&("k.p12".into(), 0o604)), "{names:?}");
        assert_eq!(
            names.len(),
            3,
            "the public revocation list is narrowed silently"
        );
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.root), 0o700);
        assert_eq!(mode(&dir.db()), 0o600);
        assert!(secure(&dir).is_empty(), "said once");
        assert!(warning(crate::domain::model::Lang::Ru, &dir.db(), 0o644).contains("644"));
    }
}
