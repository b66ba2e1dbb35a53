//! Electronic signatures in the office: the office CA's files, certificates for users (the
//! admin issues them; the user types their own PIN), revocation and the revocation list,
//! signing a result, and verifying a paper.

use std::path::PathBuf;

use base64::Engine;
use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;

use super::flow::{Signed, Target};
use super::{Desk, DeskError, Result, Session, stamp};
use crate::documents::{self, Langs, Stamp};
use crate::domain::document::{Content, SealRef, VerificationPayload, VerificationRecord};
use crate::domain::iin::Iin;
use crate::domain::model::{Lang, Role};
use crate::i18n::{Arg, tr, tra};
use crate::signing::{
    self, KdfParams, KeyFileProvider, OfficeCa, Provider, SigError, Subject, Trust,
};
use crate::store::signatures::{self as sigs, CertRow, SignatureRow};
use crate::store::{StoreError, people};

/// How long a published revocation list is valid.
pub const CRL_DAYS: i64 = 7;
/// Default validity of a user's certificate.
pub const CERT_DAYS: i64 = 365;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A certificate just issued.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedCert {
    pub serial: String,
    pub key_file: PathBuf,
    pub not_after: String,
}

/// An unlocked signing key whose certificate passed the checks.
pub(crate) struct Unlocked {
    signer: Box<dyn signing::Signer>,
    info: signing::CertInfo,
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// The result of checking a paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Valid {
        number: String,
        date: chrono::NaiveDate,
        signer: String,
        signer_iin: Option<String>,
        signed_at: String,
        kind: String,
        /// Whether the office database has this document and it matches.
        in_register: Option<bool>,
    },
    Invalid {
        problem: Problem,
    },
}

/// Why a paper is not valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    NotPdf,
    NotSigned,
    QrUnreadable,
    QrMismatch,
    PayloadMalformed,
    ContentMismatch,
    PdfMismatch,
    SerialMismatch,
    SignerMismatch,
    SignedTimeMismatch,
    FileChanged,
    UnknownCertificate,
    RegisterMismatch,
    Signature(SigError),
}

impl Problem {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Problem::Signature(e) => e.message(lang),
            other => {
                let key = match other {
                    Problem::NotPdf => "not-pdf",
                    Problem::NotSigned => "not-signed",
                    Problem::QrUnreadable => "qr-unreadable",
                    Problem::QrMismatch => "qr-mismatch",
                    Problem::PayloadMalformed => "payload-malformed",
                    Problem::ContentMismatch => "content-mismatch",
                    Problem::PdfMismatch => "pdf-mismatch",
                    Problem::SerialMismatch => "serial-mismatch",
                    Problem::SignerMismatch => "signer-mismatch",
                    Problem::SignedTimeMismatch => "signed-time-mismatch",
                    Problem::FileChanged => "file-changed",
                    Problem::UnknownCertificate => "unknown-certificate",
                    Problem::RegisterMismatch => "register-mismatch",
                    Problem::Signature(_) => unreachable!(),
                };
                tr(lang, &format!("verify-{key}"))
            }
        }
    }
}

impl Verdict {
    fn invalid(p: Problem) -> Verdict {
        Verdict::Invalid { problem: p }
    }
    /// One line: `VALID number date signer` or `INVALID: reason`.
    pub fn line(&self, lang: Lang) -> String {
        match self {
            Verdict::Valid {
                number,
                date,
                signer,
                signed_at,
                ..
            } => format!(
                "VALID {number} {date} {signer} ({})",
                tra(
                    lang,
                    "verify-signed-at",
                    &[("at", Arg::from(signed_at.as_str()))]
                )
            ),
            Verdict::Invalid { problem } => format!("INVALID: {}", problem.message(lang)),
        }
    }
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid { .. })
    }
}

fn unix(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn restrict(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

impl Desk {
    fn ca_paths(&self) -> (PathBuf, PathBuf) {
        (
            self.dir.keys().join("office-ca.crt"),
            self.dir.keys().join("office-ca.key"),
        )
    }

    fn kdf(&self) -> KdfParams {
        if self.options.fast_password_hashing {
            KdfParams::FAST
        } else {
            KdfParams::STRONG
        }
    }

    /// Creates the office CA and its first revocation list if they do not exist yet.
    pub(crate) fn ensure_ca(&self) -> Result<()> {
        let (crt, key) = self.ca_paths();
        if crt.exists() && key.exists() {
            return self.refresh_crl_if_due();
        }
        let ca = OfficeCa::create(&self.office.name_ru, &self.office.code, unix(self.now()))?;
        std::fs::write(&key, ca.key_pkcs8()).map_err(StoreError::from)?;
        restrict(&key);
        std::fs::write(&crt, &ca.cert_der).map_err(StoreError::from)?;
        self.store.write(|tx| {
            self.audit(
                tx,
                None,
                "ca_create",
                "office",
                &self.office.code,
                serde_json::json!({"certificate_sha256": crate::store::files::sha256_hex(&ca.cert_der)}),
            )
        })?;
        self.publish_crl(None)
    }

    fn load_ca(&self) -> Result<OfficeCa> {
        let (crt, key) = self.ca_paths();
        let cert = std::fs::read(&crt).map_err(StoreError::from)?;
        let key = std::fs::read(&key).map_err(StoreError::from)?;
        Ok(OfficeCa::load(&cert, &key)?)
    }

    /// The office CA's certificate (DER).
    pub fn ca_certificate(&self) -> Result<Vec<u8>> {
        Ok(std::fs::read(self.ca_paths().0).map_err(StoreError::from)?)
    }

    /// What this workstation trusts: the office CA and the newest revocation list.
    pub fn trust(&self) -> Result<Trust> {
        let crl = self.store.read(|r| sigs::latest_crl(r))?;
        Ok(Trust {
            ca_certs: vec![self.ca_certificate()?],
            crl: crl.map(|c| c.1),
        })
    }

    /// Publishes a new revocation list (valid [`CRL_DAYS`]).
    pub fn publish_crl(&self, s: Option<&Session>) -> Result<()> {
        if let Some(s) = s {
            self.require(s, &[Role::Admin], "setting_change")?;
        }
        let ca = self.load_ca()?;
        let now = self.now();
        let revoked: Vec<(String, i64)> = self
            .store
            .read(|r| sigs::revoked(r))?
            .into_iter()
            .map(|(serial, at)| {
                (
                    serial,
                    super::parse_stamp(&at)
                        .map(unix)
                        .unwrap_or_else(|| unix(now)),
                )
            })
            .collect();
        let next = now + chrono::Duration::days(CRL_DAYS);
        self.store.write(|tx| {
            let number = sigs::latest_crl(tx)?.map(|c| c.0 + 1).unwrap_or(1);
            let der = ca.crl(&revoked, unix(now) - 60, unix(next), number as u64)?;
            sigs::insert_crl(tx, number, &der, &stamp(now), &stamp(next), "office")?;
            std::fs::write(self.dir.keys().join("office.crl"), &der).map_err(StoreError::from)?;
            self.audit(
                tx,
                s,
                "crl_publish",
                "office",
                &self.office.code,
                serde_json::json!({"number": number, "revoked": revoked.len(), "next_update": stamp(next)}),
            )
        })
    }

    /// Publishes a fresh revocation list when the current one is past half its life (the CA
    /// runs on this workstation). A list received from elsewhere is replaced the same way.
    pub fn refresh_crl_if_due(&self) -> Result<()> {
        let latest = self.store.read(|r| sigs::latest_crl(r))?;
        let due = match latest {
            None => true,
            Some((_, _, next)) => super::parse_stamp(&next)
                .map(|n| n - self.now() < chrono::Duration::hours(CRL_DAYS * 12))
                .unwrap_or(true),
        };
        if due && self.ca_paths().1.exists() {
            self.publish_crl(None)?;
        }
        Ok(())
    }

    /// Issues a signing certificate to a user (admin). The user chooses the PIN that seals
    /// the private key; the key file is written under `keys/`, never in clear.
    pub fn issue_certificate(
        &self,
        s: &Session,
        user_iin: &str,
        pin: &str,
        days: i64,
    ) -> Result<IssuedCert> {
        self.require(s, &[Role::Admin], "cert_issue")?;
        self.issue_certificate_as(Some(s), user_iin, pin, days)
    }

    /// Issues a certificate as the admin (`Some`) or as the operator at the command line.
    pub fn issue_certificate_as(
        &self,
        s: Option<&Session>,
        user_iin: &str,
        pin: &str,
        days: i64,
    ) -> Result<IssuedCert> {
        let iin = Iin::parse(user_iin)?;
        if pin.chars().count() < signing::MIN_PIN {
            return Err(DeskError::Invalid {
                field: "pin".into(),
                key: "pin-short".into(),
            });
        }
        if !(1..=3 * 365).contains(&days) {
            return Err(DeskError::Invalid {
                field: "days".into(),
                key: "out-of-range".into(),
            });
        }
        let user = self
            .store
            .read(|r| people::user_by_iin(r, &iin.as_string()))?
            .filter(|u| !u.disabled)
            .ok_or_else(|| DeskError::NotFound(format!("user {iin}")))?;
        let ca = self.load_ca()?;
        let now = self.now();
        let not_after = now + chrono::Duration::days(days);
        let issued = ca.issue(
            &Subject {
                full_name: user.full_name.clone(),
                iin: user.iin.clone(),
                organization: self.office.name_ru.clone(),
            },
            unix(now) - 60,
            unix(not_after),
        )?;
        let file = signing::seal_key(&issued.key_pkcs8, &issued.cert_der, pin, self.kdf())?;
        let path = self
            .dir
            .keys()
            .join(format!("{}-{}.mkey", user.iin, &issued.serial_hex[..12]));
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, &file).map_err(StoreError::from)?;
        restrict(&tmp);
        std::fs::rename(&tmp, &path).map_err(StoreError::from)?;
        self.store.write(|tx| {
            sigs::insert_certificate(
                tx,
                &CertRow {
                    serial: issued.serial_hex.clone(),
                    user_id: Some(user.id),
                    iin: user.iin.clone(),
                    common_name: user.full_name.clone(),
                    der: issued.cert_der.clone(),
                    not_before: stamp(now),
                    not_after: stamp(not_after),
                    issued_at: stamp(now),
                    revoked_at: None,
                },
            )?;
            self.audit(
                tx,
                s,
                "cert_issue",
                "user",
                &user.iin,
                serde_json::json!({"serial": issued.serial_hex, "not_after": stamp(not_after)}),
            )
        })?;
        Ok(IssuedCert {
            serial: issued.serial_hex,
            key_file: path,
            not_after: stamp(not_after),
        })
    }

    /// Revokes a certificate (admin) and publishes a new revocation list at once.
    pub fn revoke_certificate(&self, s: &Session, serial: &str, reason: &str) -> Result<()> {
        self.require(s, &[Role::Admin], "cert_revoke")?;
        self.revoke_certificate_as(Some(s), serial, reason)
    }

    /// Revokes as the admin (`Some`) or as the operator at the command line.
    pub fn revoke_certificate_as(
        &self,
        s: Option<&Session>,
        serial: &str,
        reason: &str,
    ) -> Result<()> {
        let now = stamp(self.now());
        self.store.write(|tx| {
            if !sigs::revoke(tx, serial, &now, reason.trim())? {
                return Err(DeskError::NotFound(format!("certificate {serial}")));
            }
            self.audit(
                tx,
                s,
                "cert_revoke",
                "certificate",
                serial,
                serde_json::json!({"reason": reason.trim()}),
            )
        })?;
        self.publish_crl(s)
    }

    /// Certificates of the office (admin and head).
    pub fn certificates(&self, s: &Session) -> Result<Vec<CertRow>> {
        self.require(s, &[Role::Admin, Role::Head], "cert_list")?;
        Ok(self.store.read(|r| sigs::certificates(r))?)
    }

    /// The newest key file of a user, if any (the sign dialog suggests it).
    pub fn default_key_file(&self, iin: &str) -> Option<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.keys())
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == "mkey")
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(&format!("{iin}-")))
            })
            .collect();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files.pop()
    }

    /// The head signs the result with their key file and PIN. Before signing: the
    /// certificate's ИИН is the head's, it is valid now, and not revoked per a fresh trusted
    /// revocation list. The canonical content and the SHA-256 of its PDF are signed; the
    /// signed paper (with the signature in its QR) is stored under `documents/`.
    pub fn sign(&self, s: &Session, t: Target, key_file: &[u8], pin: &str) -> Result<Signed> {
        self.sign_with_provider(s, t, &KeyFileProvider, key_file, pin)
    }

    /// Signing through any [`Provider`].
    pub fn sign_with_provider(
        &self,
        s: &Session,
        t: Target,
        provider: &dyn Provider,
        key: &[u8],
        pin: &str,
    ) -> Result<Signed> {
        let unlocked = self.unlock_for(s, provider, key, pin)?;
        self.store.write(|tx| self.sign_in(tx, s, t, &unlocked))
    }

    /// Unlocks a signing key and runs the seeds' checks on its certificate for this user now.
    pub(crate) fn unlock_for(
        &self,
        s: &Session,
        provider: &dyn Provider,
        key: &[u8],
        pin: &str,
    ) -> Result<Unlocked> {
        // The head signs results; at an akimat the akim signs cover letters.
        self.require(s, &[Role::Head, Role::Akim], "sign")?;
        let signer = provider.unlock(key, pin)?;
        let now = unix(self.now());
        let trust = self.trust()?;
        let info =
            signing::check_certificate(&trust, signer.certificate_der(), now, now, Some(&s.iin))?;
        Ok(Unlocked { signer, info })
    }

    /// Signs inside a transaction with an unlocked key.
    pub(crate) fn sign_in(
        &self,
        tx: &crate::store::Tx<'_>,
        s: &Session,
        t: Target,
        u: &Unlocked,
    ) -> Result<Signed> {
        let now = self.now();
        if unix(now) > u.info.not_after {
            return Err(SigError::Expired {
                until: signing::show_time(u.info.not_after),
            }
            .into());
        }
        // The printed time is the signed instant (whole seconds) in office time, so that a
        // verifier can recompute it from the seal and nothing on the paper goes unchecked.
        let local_now = self.local(now.trunc_subsecs(0));
        let docs = &self.documents;
        let info = &u.info;
        let signer = &u.signer;
        let mut finish = |tx: &crate::store::Tx<'_>,
                          content: &Content,
                          document_id: i64|
         -> Result<serde_json::Value> {
            let mut payload = VerificationPayload::unsigned(content);
            let base = documents::render(content, Langs::Both, &Stamp::unsigned(content))
                .map_err(|e| DeskError::Document(e.to_string()))?;
            let base_sha = sha256(&base);
            let message = payload.signed_message(&base_sha, unix(now), &info.serial_hex);
            let signature = signer.sign(&message)?;
            payload.seal = Some(SealRef {
                pdf_sha256: base_sha,
                signed_at: unix(now),
                cert_serial: info.serial_hex.clone(),
                signature: signature.clone(),
            });
            let qr = payload.encode();
            let record = VerificationRecord {
                content: content.clone(),
                certificate: B64.encode(signer.certificate_der()),
                qr: qr.clone(),
                signer: info.common_name.clone(),
                signed_at_local: local_now,
                cert_serial: info.serial_hex.clone(),
            };
            let paper = documents::render(content, Langs::Both, &Stamp::signed(&record))
                .map_err(|e| DeskError::Document(e.to_string()))?;
            let pdf_sha = docs.put(&paper)?;
            sigs::insert_signature(
                tx,
                &SignatureRow {
                    document_id,
                    cert_serial: info.serial_hex.clone(),
                    signer_id: Some(s.user_id),
                    signed_at: stamp(now),
                    payload: qr,
                    signature,
                    base_pdf_sha256: hex::encode(base_sha),
                    pdf_sha256: pdf_sha.clone(),
                },
            )?;
            Ok(serde_json::json!({"cert_serial": info.serial_hex, "pdf_sha256": pdf_sha}))
        };
        self.sign_with_in(tx, s, t, &mut finish)
    }

    /// The signed paper of a document, checked against its stored hash.
    pub fn signed_paper(&self, document_id: i64) -> Result<Option<Vec<u8>>> {
        let row = self.store.read(|r| sigs::signature_of(r, document_id))?;
        match row {
            Some(r) => Ok(Some(self.documents.get(&r.pdf_sha256)?)),
            None => Ok(None),
        }
    }

    /// Checks a PDF: its embedded record, the QR code drawn on it, the content and PDF
    /// hashes, the signature, the certificate chain, validity at signing time, revocation, and
    /// that every byte of the file is what was signed.
    pub fn verify_pdf(&self, bytes: &[u8]) -> Result<Verdict> {
        let Ok(doc) = documents::extract::load(bytes) else {
            return Ok(Verdict::invalid(Problem::NotPdf));
        };
        let record = documents::extract::info_entry(&doc, b"Identifier")
            .and_then(|s| VerificationRecord::parse(&s));
        let Some(record) = record else {
            return Ok(Verdict::invalid(Problem::NotSigned));
        };
        match documents::extract::qr_text(&doc) {
            Ok(q) if q == record.qr => {}
            Ok(_) => return Ok(Verdict::invalid(Problem::QrMismatch)),
            Err(_) => return Ok(Verdict::invalid(Problem::QrUnreadable)),
        }
        let Some(payload) = VerificationPayload::parse(&record.qr) else {
            return Ok(Verdict::invalid(Problem::PayloadMalformed));
        };
        let Some(seal) = &payload.seal else {
            return Ok(Verdict::invalid(Problem::NotSigned));
        };
        let content_sha = sha256(&record.content.canonical());
        if content_sha != payload.content_sha256 || payload.number != record.content.number {
            return Ok(Verdict::invalid(Problem::ContentMismatch));
        }
        let base = documents::render(
            &record.content,
            Langs::Both,
            &Stamp::unsigned(&record.content),
        )
        .map_err(|e| DeskError::Document(e.to_string()))?;
        let base_sha = sha256(&base);
        if base_sha != seal.pdf_sha256 {
            return Ok(Verdict::invalid(Problem::PdfMismatch));
        }
        let Ok(cert) = B64.decode(&record.certificate) else {
            return Ok(Verdict::invalid(Problem::PayloadMalformed));
        };
        let verdict = self.check_seal(&payload, seal, &cert)?;
        if let Verdict::Valid { signer, .. } = &verdict
            && (signer != &record.signer || seal.cert_serial != record.cert_serial)
        {
            return Ok(Verdict::invalid(Problem::SignerMismatch));
        }
        if !verdict.is_valid() {
            return Ok(verdict);
        }
        // The signing time printed on the paper is not itself signed: it must be the sealed
        // instant in office time (Kazakhstan keeps one zone, UTC+5, since March 2024).
        let sealed_local = DateTime::from_timestamp(seal.signed_at, 0).map(|t| self.local(t));
        if sealed_local != Some(record.signed_at_local) {
            return Ok(Verdict::invalid(Problem::SignedTimeMismatch));
        }
        // Every byte: the file must be exactly the paper this record renders to.
        let again = documents::render(&record.content, Langs::Both, &Stamp::signed(&record))
            .map_err(|e| DeskError::Document(e.to_string()))?;
        if again != bytes {
            return Ok(Verdict::invalid(Problem::FileChanged));
        }
        Ok(self.with_register_check(verdict, &payload))
    }

    /// Checks the text of a QR code (pasted or scanned): the signature with the certificate
    /// the office knows by its serial, and the register entry.
    pub fn verify_payload(&self, text: &str) -> Result<Verdict> {
        let Some(payload) = VerificationPayload::parse(text) else {
            return Ok(Verdict::invalid(Problem::PayloadMalformed));
        };
        let Some(seal) = &payload.seal else {
            return Ok(Verdict::invalid(Problem::NotSigned));
        };
        let Some(cert) = self
            .store
            .read(|r| sigs::certificate(r, &seal.cert_serial))?
        else {
            return Ok(Verdict::invalid(Problem::UnknownCertificate));
        };
        let verdict = self.check_seal(&payload, seal, &cert.der)?;
        if !verdict.is_valid() {
            return Ok(verdict);
        }
        Ok(self.with_register_check(verdict, &payload))
    }

    fn check_seal(
        &self,
        payload: &VerificationPayload,
        seal: &SealRef,
        cert: &[u8],
    ) -> Result<Verdict> {
        let trust = self.trust()?;
        let info = match signing::check_certificate(
            &trust,
            cert,
            seal.signed_at,
            unix(self.now()),
            None,
        ) {
            Ok(i) => i,
            Err(e) => return Ok(Verdict::invalid(Problem::Signature(e))),
        };
        if info.serial_hex != seal.cert_serial {
            return Ok(Verdict::invalid(Problem::SerialMismatch));
        }
        let message = payload.signed_message(&seal.pdf_sha256, seal.signed_at, &seal.cert_serial);
        if let Err(e) = signing::verify_signature(cert, &message, &seal.signature) {
            return Ok(Verdict::invalid(Problem::Signature(e)));
        }
        let signed_at = DateTime::from_timestamp(seal.signed_at, 0)
            .map(|t| crate::i18n::datetime_short(self.local(t)))
            .unwrap_or_default();
        Ok(Verdict::Valid {
            number: payload.number.clone(),
            date: payload.date,
            signer: info.common_name,
            signer_iin: info.iin,
            signed_at,
            kind: String::new(),
            in_register: None,
        })
    }

    /// Adds whether the office register holds this document with the same content.
    fn with_register_check(&self, mut v: Verdict, payload: &VerificationPayload) -> Verdict {
        let found = self.store.read(|r| {
            let app = crate::store::apps::by_number(r, &payload.number)?;
            let Some(app) = app else {
                return Ok::<_, StoreError>(None);
            };
            let docs = crate::store::apps::documents_of(r, app.id)?;
            Ok(docs
                .into_iter()
                .find(|d| d.number == payload.number)
                .map(|d| {
                    // The title rule of the content model (a "not a recipient" certificate
                    // has its own title), as a `doc-title-…` key's tail.
                    let kind = serde_json::from_str::<Content>(&d.content)
                        .map(|c| {
                            crate::documents::title_key(&c)
                                .trim_start_matches("doc-title-")
                                .to_string()
                        })
                        .unwrap_or(d.kind);
                    (
                        d.content_sha256 == hex::encode(payload.content_sha256),
                        kind,
                    )
                }))
        });
        if let Ok(Some((same, kind))) = found {
            if !same {
                return Verdict::invalid(Problem::RegisterMismatch);
            }
            if let Verdict::Valid {
                in_register,
                kind: k,
                ..
            } = &mut v
            {
                *in_register = Some(true);
                *k = kind;
            }
        }
        v
    }
}
