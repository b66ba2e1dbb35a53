//! Electronic signatures in the office: the office CA's files, certificates for users (the
//! admin issues them; the user types their own PIN), revocation and the revocation list,
//! signing a result, and verifying a paper.

use crate::domain::policy::Permission;
use std::path::PathBuf;

use base64::Engine;
use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;

use super::flow::{Signed, Target};
use super::{Desk, DeskError, Result, Session, stamp};
use crate::documents::{self, Langs, Stamp};
use crate::domain::document::{Content, SealRef, VerificationPayload, VerificationRecord};
use crate::domain::iin::Iin;
use crate::domain::model::Lang;
use crate::i18n::{Arg, tr, tra};
use crate::signing::{self, KeyFileProvider, OfficeCa, Provider, SigError, Subject, Trust, pades};
use crate::store::signatures::{self as sigs, CertRow, SignatureRow};
use crate::store::trust as trust_store;
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
    /// The certificates the signature carries: the signer's and its issuers'.
    chain: Vec<Vec<u8>>,
    /// The issuer's revocation lists the signer was checked against.
    crls: Vec<Vec<u8>>,
    /// The regional gateway's address for the QR (read before the signing transaction).
    gateway: Option<String>,
}

/// Wrong passwords in a row before a key file is locked.
pub const KEY_ATTEMPTS: i64 = 5;
/// How long a key file stays locked.
pub const KEY_LOCK_MINUTES: i64 = 15;

/// The prefix of a PAdES paper's own record (number, date, office, masked ИИН, content
/// hash) in its document information, inside the signed bytes.
pub const PADES_RECORD: &str = "mio-pades:1:";

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
        /// `pades` (a PDF signature) or `legacy` (the record of the first versions).
        format: String,
        /// How revocation was checked: `fresh`, `at_signing`, `not_checked` (`fresh` for
        /// the legacy verifier, which always needs the office's list).
        revocation: signing::Revocation,
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
    /// The file ends before what the signature covers, or before its end marker.
    Truncated,
    /// More than one signature: a paper of this office carries one.
    SeveralSignatures {
        count: usize,
    },
    /// The byte range leaves out more than the signature itself, or not the whole signed
    /// revision.
    BadByteRange {
        detail: String,
    },
    /// The signature container is damaged or not a CMS signature we can read.
    ContainerDamaged,
    /// The bytes under the signature changed after signing.
    SignedPartChanged,
    /// The CMS does not use SHA-256 or its digest is not one.
    WrongDigest,
    /// The paper's own record (number, date, office) is not inside the signed bytes.
    RecordMissing,
    /// The signed part is intact, but something was appended after signing: an incremental
    /// update (objects of these PDF types) or other bytes.
    Appended {
        incremental: bool,
        bytes: usize,
        objects: usize,
        kinds: String,
        signed_bytes: usize,
    },
}

impl Problem {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Problem::Signature(e) => e.message(lang),
            Problem::SeveralSignatures { count } => {
                tra(lang, "verify-several", &[("count", Arg::from(*count))])
            }
            Problem::BadByteRange { detail } => tra(
                lang,
                "verify-bad-range",
                &[("detail", Arg::from(detail.as_str()))],
            ),
            Problem::Appended {
                incremental,
                bytes,
                objects,
                kinds,
                signed_bytes,
            } => tra(
                lang,
                if *incremental {
                    "verify-appended-update"
                } else {
                    "verify-appended-data"
                },
                &[
                    ("bytes", Arg::from(*bytes)),
                    ("objects", Arg::from(*objects)),
                    (
                        "kinds",
                        Arg::from(if kinds.is_empty() {
                            "—"
                        } else {
                            kinds.as_str()
                        }),
                    ),
                    ("signed", Arg::from(*signed_bytes)),
                ],
            ),
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
                    Problem::Truncated => "truncated",
                    Problem::ContainerDamaged => "container-damaged",
                    Problem::SignedPartChanged => "signed-part-changed",
                    Problem::WrongDigest => "wrong-digest",
                    Problem::RecordMissing => "record-missing",
                    Problem::Signature(_)
                    | Problem::SeveralSignatures { .. }
                    | Problem::BadByteRange { .. }
                    | Problem::Appended { .. } => unreachable!(),
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
                format,
                revocation,
                ..
            } => {
                let mut notes = vec![tra(
                    lang,
                    "verify-signed-at",
                    &[("at", Arg::from(signed_at.as_str()))],
                )];
                notes.push(tr(lang, &format!("verify-format-{format}")));
                if *revocation == signing::Revocation::NotChecked {
                    notes.push(tr(lang, "verify-revocation-not-checked"));
                }
                format!("VALID {number} {date} {signer} ({})", notes.join("; "))
            }
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

    /// What this workstation trusts: the office CA with its newest revocation list, and the
    /// roots the admin added (e.g. НУЦ РК's) with theirs.
    pub fn trust(&self) -> Result<Trust> {
        let (crl, roots, crls) = self.store.read(|r| {
            Ok::<_, StoreError>((
                sigs::latest_crl(r)?,
                trust_store::roots(r)?,
                trust_store::crls(r)?,
            ))
        })?;
        let mut ca_certs = vec![self.ca_certificate()?];
        ca_certs.extend(roots.into_iter().map(|r| r.der));
        let mut all = Vec::new();
        all.extend(crl.map(|c| c.1));
        all.extend(crls);
        Ok(Trust {
            ca_certs,
            crls: all,
        })
    }

    /// Publishes a new revocation list (valid [`CRL_DAYS`]).
    pub fn publish_crl(&self, s: Option<&Session>) -> Result<()> {
        if let Some(s) = s {
            self.require(s, Permission::Settings)?;
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
        self.require(s, Permission::Certificates)?;
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
        // A PKCS#12 file sealed with the PIN, as НУЦ РК issues keys.
        let file = signing::p12::make_p12(
            &issued.key_pkcs8,
            &[issued.cert_der.clone(), ca.cert_der.clone()],
            pin,
        )?;
        let path = self
            .dir
            .keys()
            .join(format!("{}-{}.p12", user.iin, &issued.serial_hex[..12]));
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
                    imported: false,
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
        self.require(s, Permission::Certificates)?;
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

    /// Adds a root the office trusts besides its own CA (e.g. НУЦ РК's), with its revocation
    /// list; again with a newer list to replace it (the admin, or the operator at the command
    /// line). PEM or DER.
    pub fn trust_root(
        &self,
        s: Option<&Session>,
        cert: &[u8],
        crl: Option<&[u8]>,
    ) -> Result<trust_store::RootRow> {
        if let Some(s) = s {
            self.require(s, Permission::Settings)?;
        }
        let bad = |key: &str| DeskError::Invalid {
            field: "root".into(),
            key: key.into(),
        };
        let der = signing::from_pem(cert, "CERTIFICATE").ok_or_else(|| bad("not-a-certificate"))?;
        let info = signing::ca_info(&der).map_err(|_| bad("not-a-certificate"))?;
        if !info.is_ca {
            return Err(bad("not-ca"));
        }
        let crl = match crl {
            Some(c) => {
                let c = signing::from_pem(c, "X509 CRL").ok_or_else(|| bad("not-a-crl"))?;
                let read = signing::crl_signed_by(&c, &der).ok_or(SigError::CrlUntrusted)?;
                Some((c, read))
            }
            None => None,
        };
        let now = self.now();
        let at = |u: i64| stamp(DateTime::from_timestamp(u, 0).unwrap_or_default());
        let row = trust_store::RootRow {
            sha256: crate::store::files::sha256_hex(&der),
            der: der.clone(),
            common_name: info.common_name.clone(),
            not_after: at(info.not_after),
            added_at: stamp(now),
            crl_next_update: crl.as_ref().map(|(_, r)| at(r.next_update)),
        };
        self.store.write(|tx| {
            let new = trust_store::add_root(tx, &row)?;
            if let Some((c, r)) = &crl {
                trust_store::put_crl(
                    tx,
                    &row.sha256,
                    c,
                    &at(r.this_update),
                    &at(r.next_update),
                    &stamp(now),
                )?;
            }
            self.audit(
                tx,
                s,
                "trust_root",
                "root",
                &row.sha256,
                serde_json::json!({"common_name": row.common_name, "new": new,
                    "crl_next_update": row.crl_next_update}),
            )
        })?;
        Ok(row)
    }

    /// The roots the office trusts besides its own CA.
    pub fn trusted_roots(&self) -> Result<Vec<trust_store::RootRow>> {
        Ok(self.store.read(|r| trust_store::roots(r))?)
    }

    /// Registers a user's own PKCS#12 key made elsewhere (e.g. by НУЦ РК), after the admin
    /// trusted its root: the password opens it (wrong ones counted as for signing), the
    /// certificate must chain to a trusted root, be valid now, not be revoked per a fresh
    /// list, and carry the user's ИИН. The file is kept under `keys/` as it came (sealed by
    /// its password).
    pub fn import_key(
        &self,
        s: Option<&Session>,
        user_iin: &str,
        p12: &[u8],
        password: &str,
    ) -> Result<IssuedCert> {
        if let Some(s) = s {
            self.require(s, Permission::Certificates)?;
        }
        let iin = Iin::parse(user_iin)?;
        let user = self
            .store
            .read(|r| people::user_by_iin(r, &iin.as_string()))?
            .filter(|u| !u.disabled)
            .ok_or_else(|| DeskError::NotFound(format!("user {iin}")))?;
        if !signing::p12::looks_like_p12(p12) {
            return Err(SigError::KeyFileDamaged.into());
        }
        let signer = self.unlock_limited(s, &KeyFileProvider, p12, password)?;
        let now = self.now();
        let trust = self.trust()?;
        let chain = signer.chain().to_vec();
        let checked = signing::check_chain(
            &trust,
            signer.certificate_der(),
            &chain,
            &[],
            unix(now),
            unix(now),
            Some(&user.iin),
            true,
        )?;
        let info = checked.info;
        if self
            .store
            .read(|r| sigs::certificate(r, &info.serial_hex))?
            .is_some()
        {
            return Err(DeskError::Invalid {
                field: "certificate".into(),
                key: "already-registered".into(),
            });
        }
        let at = |u: i64| stamp(DateTime::from_timestamp(u, 0).unwrap_or_default());
        let short: String = info.serial_hex.chars().take(12).collect();
        let path = self.dir.keys().join(format!("{}-{short}.p12", user.iin));
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, p12).map_err(StoreError::from)?;
        restrict(&tmp);
        std::fs::rename(&tmp, &path).map_err(StoreError::from)?;
        let written = self.store.write(|tx| {
            sigs::insert_certificate(
                tx,
                &CertRow {
                    serial: info.serial_hex.clone(),
                    user_id: Some(user.id),
                    iin: user.iin.clone(),
                    common_name: info.common_name.clone(),
                    der: signer.certificate_der().to_vec(),
                    not_before: at(info.not_before),
                    not_after: at(info.not_after),
                    issued_at: stamp(now),
                    revoked_at: None,
                    imported: true,
                },
            )?;
            self.audit(
                tx,
                s,
                "cert_import",
                "user",
                &user.iin,
                serde_json::json!({"serial": info.serial_hex, "root": checked.root,
                    "not_after": at(info.not_after)}),
            )
        });
        if let Err(e) = written {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        Ok(IssuedCert {
            serial: info.serial_hex,
            key_file: path,
            not_after: at(info.not_after),
        })
    }

    /// Certificates of the office (admin and head).
    pub fn certificates(&self, s: &Session) -> Result<Vec<CertRow>> {
        self.certificates_as(Some(s))
    }

    /// Certificates of the office, for a user (checked) or the operator (`None`).
    pub fn certificates_as(&self, s: Option<&Session>) -> Result<Vec<CertRow>> {
        if let Some(s) = s {
            self.require(s, Permission::ListCertificates)?;
        }
        Ok(self.store.read(|r| sigs::certificates(r))?)
    }

    /// The newest key file of a user, if any (the sign dialog suggests it).
    pub fn default_key_file(&self, iin: &str) -> Option<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.keys())
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == "mkey" || e == "p12")
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
    /// A key file whose password was typed wrong [`KEY_ATTEMPTS`] times in a row is locked
    /// for [`KEY_LOCK_MINUTES`].
    pub(crate) fn unlock_for(
        &self,
        s: &Session,
        provider: &dyn Provider,
        key: &[u8],
        pin: &str,
    ) -> Result<Unlocked> {
        // The head signs results; at an akimat the akim signs cover letters.
        self.require(s, Permission::SigningKey)?;
        let signer = self.unlock_limited(Some(s), provider, key, pin)?;
        let now = unix(self.now());
        let trust = self.trust()?;
        let chain = signer.chain().to_vec();
        let checked = signing::check_chain(
            &trust,
            signer.certificate_der(),
            &chain,
            &[],
            now,
            now,
            Some(&s.iin),
            true,
        )?;
        let crls = trust
            .crls
            .iter()
            .filter(|c| signing::crl_signed_by(c, &checked.issuer).is_some())
            .cloned()
            .collect();
        let mut carried = chain;
        if carried.is_empty() {
            carried.push(signer.certificate_der().to_vec());
        }
        if !carried.contains(&checked.issuer) {
            carried.push(checked.issuer.clone());
        }
        Ok(Unlocked {
            signer,
            info: checked.info,
            chain: carried,
            crls,
            gateway: self.gateway_config().map(|g| g.url),
        })
    }

    /// Opens a key with its password, counting wrong passwords per key file.
    fn unlock_limited(
        &self,
        s: Option<&Session>,
        provider: &dyn Provider,
        key: &[u8],
        pin: &str,
    ) -> Result<Box<dyn signing::Signer>> {
        let key_sha = crate::store::files::sha256_hex(key);
        let now = self.now();
        let state = self.store.read(|r| trust_store::lockout(r, &key_sha))?;
        if let Some(until) = state
            .as_ref()
            .and_then(|l| l.locked_until.as_deref())
            .and_then(super::parse_stamp)
            && until > now
        {
            return Err(DeskError::Locked {
                until: crate::i18n::datetime_short(self.local(until)),
            });
        }
        match provider.unlock(key, pin) {
            Ok(signer) => {
                if state.is_some_and(|l| l.failed > 0) {
                    self.store
                        .write(|tx| trust_store::set_lockout(tx, &key_sha, 0, None, &stamp(now)))?;
                }
                Ok(signer)
            }
            Err(SigError::WrongPin) => {
                let failed = state.map(|l| l.failed).unwrap_or(0) + 1;
                let locked = (failed >= KEY_ATTEMPTS)
                    .then(|| stamp(now + chrono::Duration::minutes(KEY_LOCK_MINUTES)));
                self.store.write(|tx| {
                    trust_store::set_lockout(
                        tx,
                        &key_sha,
                        if locked.is_some() { 0 } else { failed },
                        locked.as_deref(),
                        &stamp(now),
                    )?;
                    self.audit(
                        tx,
                        s,
                        "key_wrong_password",
                        "key",
                        &key_sha[..16],
                        serde_json::json!({"failed": failed, "locked_until": locked}),
                    )
                })?;
                Err(match locked {
                    Some(until) => DeskError::Locked {
                        until: crate::i18n::datetime_short(
                            self.local(super::parse_stamp(&until).unwrap_or(now)),
                        ),
                    },
                    None => DeskError::WrongKeyPin {
                        left: KEY_ATTEMPTS - failed,
                    },
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The QR text of a paper: the verification address on the regional gateway when one is
    /// set (a phone opens it), else the offline reference; both carry the number and the
    /// content's SHA-256, which is all an offline check needs.
    pub fn qr_text(&self, content: &Content) -> String {
        qr_text_for(self.gateway_config().map(|g| g.url).as_deref(), content)
    }

    /// Signs inside a transaction with an unlocked key: the paper is rendered once with the
    /// visible signature line and QR, and signed as a PAdES signature over its bytes.
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
        let local_now = self.local(now.trunc_subsecs(0));
        let docs = &self.documents;
        let info = &u.info;
        let reason = format!(
            "{} / {}",
            tr(Lang::Kk, "sig-reason"),
            tr(Lang::Ru, "sig-reason")
        );
        let mut finish = |tx: &crate::store::Tx<'_>,
                          content: &Content,
                          document_id: i64|
         -> Result<serde_json::Value> {
            let payload = VerificationPayload::unsigned(content);
            let qr = qr_text_for(u.gateway.as_deref(), content);
            let stamp_ = Stamp::pades(
                qr.clone(),
                documents::SealLine {
                    signer: info.common_name.clone(),
                    signed_at: local_now,
                    cert_serial: info.serial_hex.clone(),
                },
                format!("{PADES_RECORD}{}", payload.encode()),
            );
            let base = documents::render(content, Langs::Both, &stamp_)
                .map_err(|e| DeskError::Document(e.to_string()))?;
            let room = pades::cms_room(u.signer.as_ref(), &u.chain, &u.crls, unix(now))?;
            let prepared = pades::prepare(&base, &info.common_name, &reason, unix(now), room)
                .map_err(DeskError::from)?;
            let cms = pades::build_cms(
                u.signer.as_ref(),
                &u.chain,
                &u.crls,
                &prepared.digest(),
                unix(now),
            )?;
            let paper = prepared.fill(&cms)?;
            let pdf_sha = docs.put(&paper)?;
            sigs::insert_signature(
                tx,
                &SignatureRow {
                    document_id,
                    cert_serial: info.serial_hex.clone(),
                    signer_id: Some(s.user_id),
                    signed_at: stamp(now),
                    payload: qr,
                    signature: cms,
                    base_pdf_sha256: hex::encode(sha256(&base)),
                    pdf_sha256: pdf_sha.clone(),
                    format: "pades".into(),
                },
            )?;
            // What the regional gateway may learn for its verification page: only what is
            // printed on the paper, and the hashes.
            let public = serde_json::json!({
                "number": content.number,
                "office": content.issuer.office_code,
                "date": content.date.to_string(),
                "kind": documents::title_key(content).trim_start_matches("doc-title-"),
                "holder": payload.masked_iin.clone().unwrap_or_else(|| "-".into()),
                "signer": info.common_name,
                "content_sha256": hex::encode(payload.content_sha256),
                "pdf_sha256": pdf_sha,
            });
            Ok(
                serde_json::json!({"cert_serial": info.serial_hex, "pdf_sha256": pdf_sha,
                "format": "pades", "public": public}),
            )
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

    /// A verifier with what this workstation trusts, judging now.
    pub fn paper_verifier(&self) -> Result<PaperVerifier> {
        Ok(PaperVerifier {
            trust: self.trust()?,
            now: unix(self.now()),
            tz: self.tz(),
            require_revocation: true,
        })
    }

    /// Checks a PDF. A PAdES paper: the one signature's byte range, the CMS over it, the
    /// chain to a trusted root, validity at signing time, revocation, and the paper's own
    /// record inside the signed bytes; nothing is re-rendered. A paper of the first versions
    /// (the record in the Info dictionary) goes through the old verifier, named as such.
    /// Then whether the office register holds the document with the same content.
    pub fn verify_pdf(&self, bytes: &[u8]) -> Result<Verdict> {
        let (verdict, payload) = self.paper_verifier()?.verify(bytes);
        Ok(match payload {
            Some(p) if verdict.is_valid() => self.with_register_check(verdict, &p),
            _ => verdict,
        })
    }

    /// Checks the text of a QR code (pasted or scanned). A paper of the first versions
    /// carries its signature in the QR: checked with the certificate the office knows by its
    /// serial. A PAdES paper's QR names the number and the content's hash: the office register
    /// must hold that document, signed, with that content.
    pub fn verify_payload(&self, text: &str) -> Result<Verdict> {
        let payload = match parse_verification_url(text) {
            Some(p) => Some(p),
            None => VerificationPayload::parse(text),
        };
        let Some(payload) = payload else {
            return Ok(Verdict::invalid(Problem::PayloadMalformed));
        };
        let verifier = self.paper_verifier()?;
        if let Some(seal) = &payload.seal {
            let Some(cert) = self
                .store
                .read(|r| sigs::certificate(r, &seal.cert_serial))?
            else {
                return Ok(Verdict::invalid(Problem::UnknownCertificate));
            };
            let verdict = verifier.check_seal(&payload, seal, &cert.der);
            if !verdict.is_valid() {
                return Ok(verdict);
            }
            return Ok(self.with_register_check(verdict, &payload));
        }
        // The register's signed paper with this number and content.
        let found = self.store.read(|r| {
            let Some(app) = crate::store::apps::by_number(r, &payload.number)? else {
                return Ok::<_, StoreError>(None);
            };
            let docs = crate::store::apps::documents_of(r, app.id)?;
            let Some(doc) = docs.into_iter().find(|d| {
                d.number == payload.number
                    && d.content_sha256 == hex::encode(payload.content_sha256)
            }) else {
                return Ok(None);
            };
            sigs::signature_of(r, doc.id)
        })?;
        let Some(sig) = found else {
            return Ok(Verdict::invalid(Problem::NotSigned));
        };
        let paper = self.documents.get(&sig.pdf_sha256)?;
        self.verify_pdf(&paper)
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

/// The QR text of a paper with this gateway address (see [`Desk::qr_text`]).
pub fn qr_text_for(gateway: Option<&str>, content: &Content) -> String {
    let payload = VerificationPayload::unsigned(content);
    match gateway {
        Some(url) if !url.trim().is_empty() => verification_url(url, &payload),
        _ => payload.encode(),
    }
}

/// The verification address of a paper on the regional gateway:
/// `{gateway}/verify/{number}?d=YYYYMMDD&o=OFFICE&h=SHA256` (the content's hash, base64url).
pub fn verification_url(gateway: &str, p: &VerificationPayload) -> String {
    use base64::Engine;
    format!(
        "{}/verify/{}?d={}&o={}&h={}",
        gateway.trim().trim_end_matches('/'),
        p.number,
        p.date.format("%Y%m%d"),
        p.office,
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(p.content_sha256)
    )
}

/// Reads a verification address back (number, date, office and hash; no masked ИИН).
pub fn parse_verification_url(text: &str) -> Option<VerificationPayload> {
    use base64::Engine;
    let text = text.trim();
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let (path, query) = text.split_once('?')?;
    let number = path.rsplit_once("/verify/")?.1;
    if number.is_empty() || number.contains('/') {
        return None;
    }
    let mut date = None;
    let mut office = None;
    let mut hash = None;
    for pair in query.split('&') {
        match pair.split_once('=')? {
            ("d", v) => date = chrono::NaiveDate::parse_from_str(v, "%Y%m%d").ok(),
            ("o", v) if !v.is_empty() => office = Some(v.to_string()),
            ("h", v) => {
                hash = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(v)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
            }
            _ => {}
        }
    }
    Some(VerificationPayload {
        number: number.to_string(),
        date: date?,
        office: office?,
        masked_iin: None,
        content_sha256: hash?,
        seal: None,
    })
}

/// Checks papers with a given set of trusted roots and lists, needing no office database:
/// the office's verifier, and `mio-desk verify --trust ROOT.pem` on any machine.
#[derive(Debug, Clone)]
pub struct PaperVerifier {
    pub trust: Trust,
    /// Judged at this moment (unix seconds).
    pub now: i64,
    /// The office's time zone, for the printed signing time.
    pub tz: chrono::FixedOffset,
    /// Whether a missing revocation list makes a paper invalid (the office: yes; a verifier
    /// with only the roots: no, and the verdict says revocation was not checked).
    pub require_revocation: bool,
}

impl PaperVerifier {
    fn local(&self, unix: i64) -> Option<chrono::NaiveDateTime> {
        DateTime::from_timestamp(unix, 0).map(|t| t.with_timezone(&self.tz).naive_local())
    }

    /// The verdict on a PDF, and the paper's record when it is one of ours.
    pub fn verify(&self, bytes: &[u8]) -> (Verdict, Option<VerificationPayload>) {
        use pades::PdfProblem;
        let bad = |p: Problem| (Verdict::invalid(p), None);
        let located = match pades::locate(bytes) {
            Ok(l) => l,
            Err(PdfProblem::NotPdf) => return bad(Problem::NotPdf),
            Err(PdfProblem::NotSigned) => return self.legacy(bytes),
            Err(PdfProblem::Truncated) => return bad(Problem::Truncated),
            Err(PdfProblem::Several(count)) => return bad(Problem::SeveralSignatures { count }),
            Err(PdfProblem::BadByteRange(detail)) => return bad(Problem::BadByteRange { detail }),
            Err(PdfProblem::ContainerDamaged) => return bad(Problem::ContainerDamaged),
        };
        let digest = located.digest(bytes);
        let facts = match pades::verify_cms(&located.cms, &digest) {
            Ok(f) => f,
            Err(pades::CmsProblem::Damaged(_)) => return bad(Problem::ContainerDamaged),
            Err(pades::CmsProblem::WrongDigest) => return bad(Problem::WrongDigest),
            Err(pades::CmsProblem::DigestMismatch) => return bad(Problem::SignedPartChanged),
            Err(pades::CmsProblem::BadSignature) => {
                return bad(Problem::Signature(SigError::BadSignature));
            }
            Err(pades::CmsProblem::SignerCertificate) => return bad(Problem::SignerMismatch),
        };
        let checked = match signing::check_chain(
            &self.trust,
            &facts.signer_cert,
            &facts.certificates,
            &facts.crls,
            facts.signing_time,
            self.now,
            None,
            self.require_revocation,
        ) {
            Ok(c) => c,
            Err(e) => return bad(Problem::Signature(e)),
        };
        // Whatever else the container carries must be accounted for: certificates of the
        // chain (or the trusted roots themselves) and lists signed by the issuer. Otherwise a
        // byte could change in them without changing the verdict.
        let stray_cert = facts.certificates.iter().any(|c| {
            *c != facts.signer_cert && !self.trust.ca_certs.contains(c) && !checked.path.contains(c)
        });
        let stray_crl = facts
            .crls
            .iter()
            .any(|c| signing::crl_signed_by(c, &checked.issuer).is_none());
        if stray_cert || stray_crl {
            return bad(Problem::ContainerDamaged);
        }
        // The paper's own record, read from the signed revision only.
        let record = documents::extract::load(&bytes[..located.signed_len])
            .ok()
            .and_then(|d| documents::extract::info_entry(&d, b"Identifier"))
            .and_then(|s| {
                s.strip_prefix(PADES_RECORD)
                    .and_then(VerificationPayload::parse)
            });
        let Some(payload) = record else {
            return bad(Problem::RecordMissing);
        };
        if let Some(a) = &located.appended {
            return bad(Problem::Appended {
                incremental: a.incremental,
                bytes: a.bytes,
                objects: a.objects,
                kinds: a.kinds.join(", "),
                signed_bytes: located.signed_len,
            });
        }
        let signed_at = self
            .local(facts.signing_time)
            .map(crate::i18n::datetime_short)
            .unwrap_or_default();
        (
            Verdict::Valid {
                number: payload.number.clone(),
                date: payload.date,
                signer: checked.info.common_name,
                signer_iin: checked.info.iin,
                signed_at,
                kind: String::new(),
                in_register: None,
                format: "pades".into(),
                revocation: checked.revocation,
            },
            Some(payload),
        )
    }

    /// The verifier of the first versions: the record in the Info dictionary, the QR code,
    /// the content and PDF hashes, the signature, and every byte of the file re-rendered.
    fn legacy(&self, bytes: &[u8]) -> (Verdict, Option<VerificationPayload>) {
        let bad = |p: Problem| (Verdict::invalid(p), None);
        let Ok(doc) = documents::extract::load(bytes) else {
            return bad(Problem::NotPdf);
        };
        let record = documents::extract::info_entry(&doc, b"Identifier")
            .and_then(|s| VerificationRecord::parse(&s));
        let Some(record) = record else {
            return bad(Problem::NotSigned);
        };
        match documents::extract::qr_text(&doc) {
            Ok(q) if q == record.qr => {}
            Ok(_) => return bad(Problem::QrMismatch),
            Err(_) => return bad(Problem::QrUnreadable),
        }
        let Some(payload) = VerificationPayload::parse(&record.qr) else {
            return bad(Problem::PayloadMalformed);
        };
        let Some(seal) = &payload.seal else {
            return bad(Problem::NotSigned);
        };
        let content_sha = sha256(&record.content.canonical());
        if content_sha != payload.content_sha256 || payload.number != record.content.number {
            return bad(Problem::ContentMismatch);
        }
        let Ok(base) = documents::render(
            &record.content,
            Langs::Both,
            &Stamp::unsigned(&record.content),
        ) else {
            return bad(Problem::PdfMismatch);
        };
        if sha256(&base) != seal.pdf_sha256 {
            return bad(Problem::PdfMismatch);
        }
        let Ok(cert) = B64.decode(&record.certificate) else {
            return bad(Problem::PayloadMalformed);
        };
        let verdict = self.check_seal(&payload, seal, &cert);
        if let Verdict::Valid { signer, .. } = &verdict
            && (signer != &record.signer || seal.cert_serial != record.cert_serial)
        {
            return bad(Problem::SignerMismatch);
        }
        if !verdict.is_valid() {
            return (verdict, None);
        }
        // The signing time printed on the paper is not itself signed: it must be the sealed
        // instant in office time.
        if self.local(seal.signed_at) != Some(record.signed_at_local) {
            return bad(Problem::SignedTimeMismatch);
        }
        // Every byte: the file must be exactly the paper this record renders to.
        match documents::render(&record.content, Langs::Both, &Stamp::signed(&record)) {
            Ok(again) if again == bytes => (verdict, Some(payload)),
            _ => bad(Problem::FileChanged),
        }
    }

    /// Checks a signature of the first versions (in the QR payload) with its certificate.
    fn check_seal(&self, payload: &VerificationPayload, seal: &SealRef, cert: &[u8]) -> Verdict {
        let info =
            match signing::check_certificate(&self.trust, cert, seal.signed_at, self.now, None) {
                Ok(i) => i,
                Err(e) => return Verdict::invalid(Problem::Signature(e)),
            };
        if info.serial_hex != seal.cert_serial {
            return Verdict::invalid(Problem::SerialMismatch);
        }
        let message = payload.signed_message(&seal.pdf_sha256, seal.signed_at, &seal.cert_serial);
        if let Err(e) = signing::verify_signature(cert, &message, &seal.signature) {
            return Verdict::invalid(Problem::Signature(e));
        }
        Verdict::Valid {
            number: payload.number.clone(),
            date: payload.date,
            signer: info.common_name,
            signer_iin: info.iin,
            signed_at: self
                .local(seal.signed_at)
                .map(crate::i18n::datetime_short)
                .unwrap_or_default(),
            kind: String::new(),
            in_register: None,
            format: "legacy".into(),
            revocation: signing::Revocation::Fresh,
        }
    }
}
