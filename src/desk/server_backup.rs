//! Backup of an office whose database is on the office server: the program first proves the
//! office whole (the audit chain, and every scan and signed paper read back against its
//! SHA-256), then has PostgreSQL's own `pg_dump` write its custom-format archive, which
//! `pg_restore` brings back into an empty database (the README gives the commands). Users'
//! private keys stay with the users, as they do on one PC.

use std::path::Path;

use super::backup::Report;
use super::{Desk, DeskError, Result, Session};

fn refused(key: &'static str, detail: String) -> DeskError {
    DeskError::BackupRefused { key, detail }
}

impl Desk {
    pub(crate) fn backup_server(
        &self,
        s: Option<&Session>,
        out: &Path,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<Report> {
        let chain = self.verify_audit()?;
        if let Some(p) = chain.problem {
            return Err(refused("backup-audit-broken", p.to_string()));
        }
        let scans = self
            .store
            .read(|r| crate::store::apps::all_attachment_hashes(r))?;
        let papers = self
            .store
            .read(|r| crate::store::signatures::all_pdf_hashes(r))?;
        let total = (scans.len() + papers.len()) as u64;
        let mut done = 0u64;
        for (blobs, list) in [(&self.attachments, &scans), (&self.documents, &papers)] {
            for sha in list {
                // Reading checks the content against its name.
                blobs
                    .get(sha)
                    .map_err(|e| refused("backup-blob-damaged", format!("{sha}: {e}")))?;
                done += 1;
                if !progress(done, total) {
                    return Err(refused("backup-stopped", String::new()));
                }
            }
        }
        let bytes = crate::store::pg::dump(&self.store, out)?;
        self.store.write(|tx| {
            self.audit(
                tx,
                s,
                "backup",
                "office",
                &self.office.code,
                serde_json::json!({
                    "file": out.display().to_string(),
                    "format": "pg_dump",
                    "scans": scans.len(),
                    "papers": papers.len(),
                    "bytes": bytes,
                }),
            )
        })?;
        Ok(Report {
            files: scans.len() + papers.len(),
            bytes,
            path: out.display().to_string(),
        })
    }
}
