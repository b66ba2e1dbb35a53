//! `mio-desk move-to`: an office that outgrew one PC moves its SQLite file onto the office
//! server, and the program proves the move before this PC starts using the server: the same
//! row counts in every table, the audit chain verifies on the server, every scan and signed
//! paper the rows name is on the server with its hash, and the newest signed paper still
//! verifies there. Only then does this PC switch (its `server.toml`); its SQLite file is kept
//! beside, renamed, as it was.

use std::path::PathBuf;
use std::sync::Arc;

use super::{DataDir, Desk, DeskError, Options, Result, ServerFile, SystemClock};
use crate::domain::model::Lang;
use crate::i18n::{Arg, tr, tra};
use crate::store::blobs::Blobs;
use crate::store::pg::Target;
use crate::store::{Db, Store, StoreError, copy};

/// What was moved and what was checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Rows per table, the same on both sides.
    pub tables: Vec<(String, i64)>,
    pub audit_entries: i64,
    pub scans: usize,
    pub papers: usize,
    /// The signed paper verified on the server, if the office has signed any.
    pub verified_paper: Option<String>,
    /// Where the SQLite file now is.
    pub kept: PathBuf,
}

impl Report {
    /// The report as the operator reads it.
    pub fn lines(&self, l: Lang) -> Vec<String> {
        let mut out = vec![tr(l, "move-to-done")];
        for (t, n) in &self.tables {
            out.push(format!("  {t}: {n}"));
        }
        out.push(tra(
            l,
            "move-to-audit",
            &[("count", Arg::Num(self.audit_entries))],
        ));
        out.push(tra(
            l,
            "move-to-blobs",
            &[
                ("scans", Arg::Num(self.scans as i64)),
                ("papers", Arg::Num(self.papers as i64)),
            ],
        ));
        match &self.verified_paper {
            Some(n) => out.push(tra(
                l,
                "move-to-paper",
                &[("number", Arg::from(n.as_str()))],
            )),
            None => out.push(tr(l, "move-to-no-paper")),
        }
        out.push(tra(
            l,
            "move-to-kept",
            &[("file", Arg::from(self.kept.display().to_string()))],
        ));
        out
    }
}

fn mismatch(what: String) -> DeskError {
    DeskError::Backup(what)
}

/// Copies the SQLite office in `source` onto the server `target` (an empty database) and
/// proves the copy; then this PC uses the server.
pub fn run(source: &DataDir, target: &Target, progress: &mut dyn FnMut(&str)) -> Result<Report> {
    if source.server_file()?.is_some() {
        return Err(DeskError::AlreadyInitialized(
            source.root.display().to_string(),
        ));
    }
    // Open the office as it is (migrating it to this program's schema first).
    let old = Desk::open(
        DataDir::new(source.root.clone()),
        Arc::new(SystemClock),
        Options::default(),
    )?;
    let problems = old.integrity_check()?;
    if !problems.is_empty() {
        return Err(DeskError::Backup(problems.join("; ")));
    }
    let chain = old.verify_audit()?;
    if let Some(p) = chain.problem {
        return Err(DeskError::Backup(p.to_string()));
    }
    let server = Store::connect(target)?;
    if let Some(o) = server.read(|r| crate::store::office(r))? {
        return Err(DeskError::OfficeOnServer(o.code));
    }
    // Scans and papers first: content-addressed, so a move that fails after this leaves only
    // blobs nobody names, and a second attempt finds them there.
    let mut moved = [0usize; 2];
    for (i, (from, kind)) in [
        (&old.attachments, crate::store::blobs::Kind::Attachment),
        (&old.documents, crate::store::blobs::Kind::Document),
    ]
    .into_iter()
    .enumerate()
    {
        let to = Blobs::for_store(&server, kind, PathBuf::new())?;
        for sha in from.list()? {
            let bytes = from.get(&sha)?;
            to.put(&bytes)?;
            moved[i] += 1;
        }
        progress(&format!("{} {}", kind_name(kind), moved[i]));
    }
    copy::sqlite_to_server(old.store(), &server, &mut |t, n| {
        progress(&format!("{t} {n}"))
    })?;
    // The proof.
    let before = copy::counts(old.store())?;
    let after = copy::counts(&server)?;
    for ((t, a), (_, b)) in before.iter().zip(&after) {
        if a != b {
            return Err(mismatch(format!("{t}: {a} rows here, {b} on the server")));
        }
    }
    // The chain goes on with the key it was keyed with, now shared by the office's PCs.
    if let Some(key) = old.store().audit_key() {
        server.write(|tx| {
            crate::store::set_setting(tx, super::audit_key::SERVER_KEY, &hex::encode(key))
        })?;
    }
    let office = old.office().clone();
    let machine = old
        .store()
        .read(|r| crate::store::workstation_machine(r, &office.workstation))?
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    if old
        .store()
        .read(|r| crate::store::workstation_machine(r, &office.workstation))?
        .is_some_and(|m| m.is_empty())
    {
        server.set_workstation(&office.workstation);
        server.write(|tx| {
            tx.execute(
                "UPDATE workstations SET machine = $1 WHERE code = $2",
                crate::store::sql::params![machine, office.workstation],
            )
            .map(|_| ())
        })?;
    }
    let old_papers = old
        .store()
        .read(|r| crate::store::signatures::all_pdf_hashes(r))?;
    let old_scans = old
        .store()
        .read(|r| crate::store::apps::all_attachment_hashes(r))?;
    let newest_paper: Option<(i64, String)> = old.store().read(|r| {
        let row = crate::store::Db::query_opt(
            r,
            "SELECT d.id, d.number FROM signatures s JOIN documents d ON d.id = s.document_id
             ORDER BY s.document_id DESC LIMIT 1",
            &[],
        )?;
        row.map(|r| Ok::<_, StoreError>((r.get::<i64>(0)?, r.get::<String>(1)?)))
            .transpose()
    })?;
    drop(old);
    drop(server);
    let kept = source.root.join("desk-before-move.sqlite");
    // This PC now uses the server; the file stays beside as it was.
    let mut dir = DataDir::new(source.root.clone());
    dir.database = Some(target.clone());
    dir.write_server_file(&ServerFile {
        database: target.url.clone(),
        workstation: office.workstation.clone(),
        machine,
    })?;
    let moved_desk = match Desk::open(dir.clone(), Arc::new(SystemClock), Options::default()) {
        Ok(d) => d,
        Err(e) => {
            let _ = std::fs::remove_file(dir.server_file_path());
            return Err(e);
        }
    };
    let prove = (|| -> Result<Report> {
        let chain = moved_desk.verify_audit()?;
        if let Some(p) = chain.problem {
            return Err(mismatch(format!("audit on the server: {p}")));
        }
        for sha in &old_scans {
            moved_desk.attachments.get(sha)?;
        }
        for sha in &old_papers {
            moved_desk.documents.get(sha)?;
        }
        let verified_paper = match &newest_paper {
            Some((id, number)) => {
                let paper = moved_desk
                    .signed_paper(*id)?
                    .ok_or_else(|| mismatch(format!("the signed paper {number} is missing")))?;
                if !moved_desk.verify_pdf(&paper)?.is_valid() {
                    return Err(mismatch(format!(
                        "the signed paper {number} does not verify"
                    )));
                }
                Some(number.clone())
            }
            None => None,
        };
        Ok(Report {
            tables: after.clone(),
            audit_entries: chain.entries,
            scans: old_scans.len(),
            papers: old_papers.len(),
            verified_paper,
            kept: kept.clone(),
        })
    })();
    match prove {
        Ok(r) => {
            drop(moved_desk);
            std::fs::rename(source.db(), &kept).map_err(StoreError::from)?;
            for ext in ["-wal", "-shm"] {
                let p = PathBuf::from(format!("{}{ext}", source.db().display()));
                if p.exists() {
                    let _ = std::fs::remove_file(p);
                }
            }
            Ok(r)
        }
        Err(e) => {
            let _ = std::fs::remove_file(dir.server_file_path());
            Err(e)
        }
    }
}

fn kind_name(k: crate::store::blobs::Kind) -> &'static str {
    match k {
        crate::store::blobs::Kind::Attachment => "attachments",
        crate::store::blobs::Kind::Document => "documents",
    }
}
