//! Electronic signatures (ЭЦП): the office certificate authority (a stand-in for НУЦ РК),
//! users' certificates with `serialNumber=IIN…`, PIN-protected key files, the revocation list,
//! and the checks the seeds require before anything counts as signed: the ИИН in the
//! certificate is the signer's, the certificate is valid, it is not revoked per a CRL that is
//! itself valid and fresh (a stale CRL means "cannot verify"), and it chains to a trusted CA.
//!
//! Who signs is behind [`Provider`]: the office CA's key files today, a НУЦ РК / NCALayer
//! provider later; nothing outside this module knows which.

use ::time::OffsetDateTime;
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rcgen::{
    CertificateParams, CertificateRevocationListParams, DistinguishedName, DnType, IsCa, Issuer,
    KeyIdMethod, KeyPair, KeyUsagePurpose, PKCS_ED25519, RevocationReason, RevokedCertParams,
    SerialNumber,
};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ED25519, Ed25519KeyPair, UnparsedPublicKey};
use serde::{Deserialize, Serialize};
use x509_parser::prelude::*;

use crate::domain::model::Lang;
use crate::i18n::{Arg, tr, tra};

/// OID 2.5.4.5 (serialNumber), which НУЦ РК certificates fill with `IIN<12 digits>`.
const OID_SERIAL_NUMBER: [u64; 4] = [2, 5, 4, 5];

/// Why a signature or certificate check failed. Each has its own message in kk/ru, after the
/// seeds' "authenticity of the ЭЦП was not confirmed".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum SigError {
    #[error("wrong PIN")]
    WrongPin,
    #[error("the key file is damaged or not a key file")]
    KeyFileDamaged,
    #[error("the certificate belongs to IIN {cert_iin}, not to the signer {user_iin}")]
    IinMismatch { cert_iin: String, user_iin: String },
    #[error("the certificate is not valid before {from}")]
    NotYetValid { from: String },
    #[error("the certificate expired on {until}")]
    Expired { until: String },
    #[error("the certificate was revoked on {at}")]
    Revoked { at: String },
    #[error("no revocation list is available, so revocation cannot be checked")]
    CrlMissing,
    #[error("the revocation list expired on {next_update}; revocation cannot be checked")]
    CrlStale { next_update: String },
    #[error("the revocation list is not signed by the trusted authority")]
    CrlUntrusted,
    #[error("the certificate was not issued by a trusted authority")]
    UntrustedIssuer,
    #[error("the signature does not match the document")]
    BadSignature,
    #[error("the certificate is not for signing documents")]
    NotForSigning,
    #[error("malformed certificate or signature: {0}")]
    Malformed(String),
}

impl SigError {
    pub fn key(&self) -> &'static str {
        match self {
            SigError::WrongPin => "wrong-pin",
            SigError::KeyFileDamaged => "key-damaged",
            SigError::IinMismatch { .. } => "iin-mismatch",
            SigError::NotYetValid { .. } => "not-yet-valid",
            SigError::Expired { .. } => "expired",
            SigError::Revoked { .. } => "revoked",
            SigError::CrlMissing => "crl-missing",
            SigError::CrlStale { .. } => "crl-stale",
            SigError::CrlUntrusted => "crl-untrusted",
            SigError::UntrustedIssuer => "untrusted",
            SigError::BadSignature => "bad-signature",
            SigError::NotForSigning => "not-for-signing",
            SigError::Malformed(_) => "malformed",
        }
    }

    /// The reason alone, in a language.
    pub fn reason(&self, lang: Lang) -> String {
        let key = format!("sig-error-{}", self.key());
        match self {
            SigError::IinMismatch { cert_iin, user_iin } => tra(
                lang,
                &key,
                &[
                    ("cert", Arg::from(cert_iin.as_str())),
                    ("user", Arg::from(user_iin.as_str())),
                ],
            ),
            SigError::NotYetValid { from } => {
                tra(lang, &key, &[("date", Arg::from(from.as_str()))])
            }
            SigError::Expired { until } => tra(lang, &key, &[("date", Arg::from(until.as_str()))]),
            SigError::Revoked { at } => tra(lang, &key, &[("date", Arg::from(at.as_str()))]),
            SigError::CrlStale { next_update } => {
                tra(lang, &key, &[("date", Arg::from(next_update.as_str()))])
            }
            SigError::Malformed(m) => tra(lang, &key, &[("detail", Arg::from(m.as_str()))]),
            _ => tr(lang, &key),
        }
    }

    /// The full message: the seeds' refusal, then the reason.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SigError::WrongPin | SigError::KeyFileDamaged => self.reason(lang),
            _ => format!("{} {}", tr(lang, "sig-refused"), self.reason(lang)),
        }
    }
}

fn malformed(e: impl std::fmt::Display) -> SigError {
    SigError::Malformed(e.to_string())
}

fn odt(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `YYYY-MM-DD HH:MM UTC` for messages.
pub fn show_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%d.%m.%Y %H:%M UTC").to_string())
        .unwrap_or_else(|| unix.to_string())
}

/// The office certificate authority: its certificate and its key (PKCS#8).
pub struct OfficeCa {
    pub cert_der: Vec<u8>,
    key_der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
}

/// Who a user certificate is for.
#[derive(Debug, Clone)]
pub struct Subject {
    pub full_name: String,
    pub iin: String,
    pub organization: String,
}

/// A freshly issued user certificate and its private key (PKCS#8, to be sealed with a PIN at
/// once).
pub struct Issued {
    pub cert_der: Vec<u8>,
    pub key_pkcs8: Vec<u8>,
    pub serial_hex: String,
    pub not_before: i64,
    pub not_after: i64,
}

fn random_serial() -> Result<(SerialNumber, String), SigError> {
    let mut b = [0u8; 16];
    SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| malformed("no randomness"))?;
    b[0] &= 0x7f; // positive
    b[0] |= 0x01; // no leading zero byte, so the DER encoding keeps all 16 bytes
    Ok((SerialNumber::from_slice(&b), hex::encode(b)))
}

impl OfficeCa {
    /// Creates the authority of an office (at `init`), valid for 20 years.
    pub fn create(office_name: &str, office_code: &str, now: i64) -> Result<OfficeCa, SigError> {
        let key = KeyPair::generate_for(&PKCS_ED25519).map_err(malformed)?;
        let params = Self::params(office_name, office_code, now)?;
        let cert = params.self_signed(&key).map_err(malformed)?;
        Ok(OfficeCa {
            cert_der: cert.der().to_vec(),
            key_der: key.serialize_der(),
            issuer: Issuer::new(params, key),
        })
    }

    fn params(
        office_name: &str,
        office_code: &str,
        now: i64,
    ) -> Result<CertificateParams, SigError> {
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CommonName,
            format!("{office_name} — ЭЦП (mio-desk CA)"),
        );
        dn.push(DnType::OrganizationName, office_name.to_string());
        dn.push(
            DnType::OrganizationalUnitName,
            format!("office {office_code}"),
        );
        dn.push(DnType::CountryName, "KZ");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.not_before = odt(now - 60);
        params.not_after = odt(now + 20 * 365 * 86_400);
        params.key_identifier_method = KeyIdMethod::Sha256;
        Ok(params)
    }

    /// Loads the authority from its certificate and key.
    pub fn load(cert_der: &[u8], key_pkcs8: &[u8]) -> Result<OfficeCa, SigError> {
        let key = KeyPair::try_from(key_pkcs8).map_err(malformed)?;
        let issuer = Issuer::from_ca_cert_der(&cert_der.to_vec().into(), key).map_err(malformed)?;
        Ok(OfficeCa {
            cert_der: cert_der.to_vec(),
            key_der: key_pkcs8.to_vec(),
            issuer,
        })
    }

    pub fn key_pkcs8(&self) -> Vec<u8> {
        self.key_der.clone()
    }

    /// Issues a signing certificate for a user (ИИН in the subject's serialNumber).
    pub fn issue(&self, s: &Subject, not_before: i64, not_after: i64) -> Result<Issued, SigError> {
        let key = KeyPair::generate_for(&PKCS_ED25519).map_err(malformed)?;
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, s.full_name.clone());
        dn.push(
            DnType::CustomDnType(OID_SERIAL_NUMBER.to_vec()),
            format!("IIN{}", s.iin),
        );
        dn.push(DnType::OrganizationName, s.organization.clone());
        dn.push(DnType::CountryName, "KZ");
        params.distinguished_name = dn;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ];
        params.not_before = odt(not_before);
        params.not_after = odt(not_after);
        let (serial, serial_hex) = random_serial()?;
        params.serial_number = Some(serial);
        params.use_authority_key_identifier_extension = true;
        let cert = params.signed_by(&key, &self.issuer).map_err(malformed)?;
        Ok(Issued {
            cert_der: cert.der().to_vec(),
            key_pkcs8: key.serialize_der(),
            serial_hex,
            not_before,
            not_after,
        })
    }

    /// A revocation list signed by the authority.
    pub fn crl(
        &self,
        revoked: &[(String, i64)],
        this_update: i64,
        next_update: i64,
        number: u64,
    ) -> Result<Vec<u8>, SigError> {
        let mut certs = Vec::new();
        for (serial_hex, at) in revoked {
            let bytes = hex::decode(serial_hex).map_err(malformed)?;
            certs.push(RevokedCertParams {
                serial_number: SerialNumber::from_slice(&bytes),
                revocation_time: odt(*at),
                reason_code: Some(RevocationReason::Unspecified),
                invalidity_date: None,
            });
        }
        let params = CertificateRevocationListParams {
            this_update: odt(this_update),
            next_update: odt(next_update),
            crl_number: SerialNumber::from(number),
            issuing_distribution_point: None,
            revoked_certs: certs,
            key_identifier_method: KeyIdMethod::Sha256,
        };
        let crl = params.signed_by(&self.issuer).map_err(malformed)?;
        Ok(crl.der().to_vec())
    }
}

// ---------------------------------------------------------------------------------------
// Key files

/// A user's key file: the private key sealed with a key derived from the PIN (argon2id),
/// with the certificate beside it in clear (public data).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyFileV1 {
    format: String,
    kdf: KdfParams,
    salt: String,
    nonce: String,
    sealed_key: String,
    certificate: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl KdfParams {
    /// OWASP's argon2id minimum: 19 MiB, 2 passes.
    pub const STRONG: KdfParams = KdfParams {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };
    /// For tests only.
    pub const FAST: KdfParams = KdfParams {
        m_kib: 8,
        t: 1,
        p: 1,
    };
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn derive(pin: &str, salt: &[u8], kdf: KdfParams) -> Result<[u8; 32], SigError> {
    let params =
        Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32)).map_err(|_| SigError::KeyFileDamaged)?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(pin.as_bytes(), salt, &mut out)
        .map_err(|_| SigError::KeyFileDamaged)?;
    Ok(out)
}

/// Shortest PIN accepted.
pub const MIN_PIN: usize = 6;

/// Seals a private key with a PIN into key-file bytes.
pub fn seal_key(
    key_pkcs8: &[u8],
    cert_der: &[u8],
    pin: &str,
    kdf: KdfParams,
) -> Result<Vec<u8>, SigError> {
    let rng = SystemRandom::new();
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 12];
    rng.fill(&mut salt)
        .map_err(|_| malformed("no randomness"))?;
    rng.fill(&mut nonce)
        .map_err(|_| malformed("no randomness"))?;
    let k = derive(pin, &salt, kdf)?;
    let key =
        LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &k).map_err(|_| malformed("aead"))?);
    let mut data = key_pkcs8.to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(cert_der),
        &mut data,
    )
    .map_err(|_| malformed("aead"))?;
    let file = KeyFileV1 {
        format: "mio-desk-key-v1".into(),
        kdf,
        salt: B64.encode(salt),
        nonce: B64.encode(nonce),
        sealed_key: B64.encode(&data),
        certificate: B64.encode(cert_der),
    };
    Ok(serde_json::to_vec_pretty(&file).expect("key file serialises"))
}

fn parse_key_file(bytes: &[u8]) -> Result<KeyFileV1, SigError> {
    let f: KeyFileV1 = serde_json::from_slice(bytes).map_err(|_| SigError::KeyFileDamaged)?;
    if f.format != "mio-desk-key-v1" || f.kdf.m_kib > 1024 * 1024 || f.kdf.t > 16 || f.kdf.p > 8 {
        return Err(SigError::KeyFileDamaged);
    }
    Ok(f)
}

/// The certificate inside a key file (no PIN needed).
pub fn key_file_certificate(bytes: &[u8]) -> Result<Vec<u8>, SigError> {
    let f = parse_key_file(bytes)?;
    B64.decode(&f.certificate)
        .map_err(|_| SigError::KeyFileDamaged)
}

/// Opens a key file with its PIN: (private key PKCS#8, certificate DER).
pub fn open_key(bytes: &[u8], pin: &str) -> Result<(Vec<u8>, Vec<u8>), SigError> {
    let f = parse_key_file(bytes)?;
    let dec = |s: &str| B64.decode(s).map_err(|_| SigError::KeyFileDamaged);
    let salt = dec(&f.salt)?;
    let nonce: [u8; 12] = dec(&f.nonce)?
        .try_into()
        .map_err(|_| SigError::KeyFileDamaged)?;
    let cert = dec(&f.certificate)?;
    let mut data = dec(&f.sealed_key)?;
    let k = derive(pin, &salt, f.kdf)?;
    let key = LessSafeKey::new(
        UnboundKey::new(&CHACHA20_POLY1305, &k).map_err(|_| SigError::KeyFileDamaged)?,
    );
    let plain = key
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(&cert),
            &mut data,
        )
        .map_err(|_| SigError::WrongPin)?;
    Ok((plain.to_vec(), cert))
}

// ---------------------------------------------------------------------------------------
// Signing and checking

/// A key ready to sign (unlocked).
pub trait Signer {
    fn certificate_der(&self) -> &[u8];
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SigError>;
}

/// Where signatures come from: the office CA key files today, NCALayer tomorrow.
pub trait Provider: Send + Sync {
    /// Unlocks a key (a key file's bytes and its PIN here; a token and its password for a
    /// real provider).
    fn unlock(&self, key: &[u8], pin: &str) -> Result<Box<dyn Signer>, SigError>;
}

/// The office CA's PIN-protected key files.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyFileProvider;

struct Ed25519Signer {
    pair: Ed25519KeyPair,
    cert: Vec<u8>,
}

impl Signer for Ed25519Signer {
    fn certificate_der(&self) -> &[u8] {
        &self.cert
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SigError> {
        Ok(self.pair.sign(message).as_ref().to_vec())
    }
}

impl Provider for KeyFileProvider {
    fn unlock(&self, key: &[u8], pin: &str) -> Result<Box<dyn Signer>, SigError> {
        let (pkcs8, cert) = open_key(key, pin)?;
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&pkcs8)
            .map_err(|_| SigError::KeyFileDamaged)?;
        Ok(Box::new(Ed25519Signer { pair, cert }))
    }
}

/// What a certificate says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertInfo {
    pub serial_hex: String,
    pub common_name: String,
    pub iin: Option<String>,
    pub not_before: i64,
    pub not_after: i64,
}

fn parse_cert(der: &[u8]) -> Result<X509Certificate<'_>, SigError> {
    let (rest, cert) = X509Certificate::from_der(der).map_err(malformed)?;
    if !rest.is_empty() {
        return Err(malformed("trailing bytes after the certificate"));
    }
    if der != canonical_cert(cert.tbs_certificate.as_ref(), &cert.signature_value.data) {
        return Err(malformed("the certificate is not in canonical DER form"));
    }
    Ok(cert)
}

/// The one DER encoding of an Ed25519 certificate with these signed bytes and signature.
/// Only the to-be-signed part is covered by the issuer's signature, and the parser forgives
/// e.g. a wrong tag in the outer algorithm, so a certificate is accepted only in this form:
/// otherwise its bytes could change while it still verified.
fn canonical_cert(tbs: &[u8], signature: &[u8]) -> Vec<u8> {
    const ED25519_ALGORITHM: [u8; 7] = [0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
    let mut body = tbs.to_vec();
    body.extend_from_slice(&ED25519_ALGORITHM);
    body.push(0x03);
    body.extend(der_length(signature.len() + 1));
    body.push(0x00);
    body.extend_from_slice(signature);
    let mut out = vec![0x30];
    out.extend(der_length(body.len()));
    out.extend(body);
    out
}

/// A DER length: short form below 128, else the big-endian bytes after 0x80 | their count.
fn der_length(n: usize) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let bytes: Vec<u8> = n
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

/// Reads the fields of a certificate.
pub fn cert_info(der: &[u8]) -> Result<CertInfo, SigError> {
    let cert = parse_cert(der)?;
    let cn = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .unwrap_or("")
        .to_string();
    let serial_oid = x509_parser::der_parser::oid::Oid::from(&OID_SERIAL_NUMBER)
        .map_err(|_| malformed("oid"))?;
    let iin = cert
        .subject()
        .iter_by_oid(&serial_oid)
        .next()
        .and_then(|a| a.as_str().ok())
        .and_then(|s| s.strip_prefix("IIN"))
        .map(str::to_string);
    Ok(CertInfo {
        serial_hex: hex::encode(cert.raw_serial()),
        common_name: cn,
        iin,
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
    })
}

/// The trust anchors and revocation list of a verifier.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub ca_certs: Vec<Vec<u8>>,
    pub crl: Option<Vec<u8>>,
}

/// The revocation list's dates and entries, after its signature is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlInfo {
    pub this_update: i64,
    pub next_update: i64,
    pub revoked: Vec<(String, i64)>,
}

/// Checks the CRL's signature against the trusted authorities and reads it.
pub fn read_crl(trust: &Trust) -> Result<CrlInfo, SigError> {
    let der = trust.crl.as_ref().ok_or(SigError::CrlMissing)?;
    let (_, crl) = CertificateRevocationList::from_der(der).map_err(malformed)?;
    let mut trusted = false;
    for ca in &trust.ca_certs {
        let ca = parse_cert(ca)?;
        if crl.verify_signature(ca.public_key()).is_ok() {
            trusted = true;
        }
    }
    if !trusted {
        return Err(SigError::CrlUntrusted);
    }
    Ok(CrlInfo {
        this_update: crl.last_update().timestamp(),
        next_update: crl.next_update().map(|t| t.timestamp()).unwrap_or(i64::MIN),
        revoked: crl
            .iter_revoked_certificates()
            .map(|r| (hex::encode(r.raw_serial()), r.revocation_date.timestamp()))
            .collect(),
    })
}

/// The checks of the seeds for a certificate used at `signed_at`, judged `now`:
/// chain, key usage, validity at signing time, revocation per a fresh trusted CRL, and (when
/// given) the ИИН of the person signing.
pub fn check_certificate(
    trust: &Trust,
    cert_der: &[u8],
    signed_at: i64,
    now: i64,
    expected_iin: Option<&str>,
) -> Result<CertInfo, SigError> {
    let cert = parse_cert(cert_der)?;
    let chained = trust.ca_certs.iter().any(|ca| {
        parse_cert(ca)
            .map(|ca| {
                cert.verify_signature(Some(ca.public_key())).is_ok()
                    && cert.issuer() == ca.subject()
            })
            .unwrap_or(false)
    });
    if !chained {
        return Err(SigError::UntrustedIssuer);
    }
    let info = cert_info(cert_der)?;
    match cert.key_usage() {
        Ok(Some(ku)) if ku.value.digital_signature() || ku.value.non_repudiation() => {}
        _ => return Err(SigError::NotForSigning),
    }
    if let Some(want) = expected_iin
        && info.iin.as_deref() != Some(want)
    {
        return Err(SigError::IinMismatch {
            cert_iin: info.iin.clone().unwrap_or_else(|| "—".into()),
            user_iin: want.to_string(),
        });
    }
    if signed_at < info.not_before {
        return Err(SigError::NotYetValid {
            from: show_time(info.not_before),
        });
    }
    if signed_at > info.not_after {
        return Err(SigError::Expired {
            until: show_time(info.not_after),
        });
    }
    let crl = read_crl(trust)?;
    if crl.next_update < now || crl.this_update > now + 300 {
        return Err(SigError::CrlStale {
            next_update: show_time(crl.next_update),
        });
    }
    if let Some((_, at)) = crl.revoked.iter().find(|(s, _)| *s == info.serial_hex) {
        return Err(SigError::Revoked { at: show_time(*at) });
    }
    Ok(info)
}

/// Verifies a signature made with the key of `cert_der`.
pub fn verify_signature(cert_der: &[u8], message: &[u8], signature: &[u8]) -> Result<(), SigError> {
    let cert = parse_cert(cert_der)?;
    let key = cert.public_key().subject_public_key.data.to_vec();
    UnparsedPublicKey::new(&ED25519, key)
        .verify(message, signature)
        .map_err(|_| SigError::BadSignature)
}

#[cfg(test)]
mod tests;
