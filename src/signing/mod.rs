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
    KeyIdMethod, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, RevocationReason,
    RevokedCertParams, SerialNumber,
};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
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
    #[error("the key file holds no signing key with its certificate")]
    NoSigningKey,
    #[error("the private key in the file is not the key of its certificate")]
    KeyNotCertificate,
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
            SigError::NoSigningKey => "no-key",
            SigError::KeyNotCertificate => "key-not-cert",
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
            SigError::WrongPin
            | SigError::KeyFileDamaged
            | SigError::NoSigningKey
            | SigError::KeyNotCertificate => self.reason(lang),
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
    /// Creates the authority of an office (at `init`), valid for 20 years, with an ECDSA
    /// P-256 key (offices made before PAdES keep their Ed25519 authority).
    pub fn create(office_name: &str, office_code: &str, now: i64) -> Result<OfficeCa, SigError> {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(malformed)?;
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

    /// Issues a signing certificate for a user (ИИН in the subject's serialNumber) with a new
    /// ECDSA P-256 key.
    pub fn issue(&self, s: &Subject, not_before: i64, not_after: i64) -> Result<Issued, SigError> {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(malformed)?;
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
    /// The certificates from the signer's up towards the root, as the key file carried them
    /// (the signer's own first); just the signer's when the file had no chain.
    fn chain(&self) -> &[Vec<u8>] {
        &[]
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SigError>;
}

/// Where signatures come from: the office CA key files today, NCALayer tomorrow.
pub trait Provider: Send + Sync {
    /// Unlocks a key (a key file's bytes and its PIN here; a token and its password for a
    /// real provider).
    fn unlock(&self, key: &[u8], pin: &str) -> Result<Box<dyn Signer>, SigError>;
}

/// Key files: PKCS#12 (`.p12`, the office CA's keys and those made elsewhere, e.g. by НУЦ
/// РК) and the first format of our own (`.mkey`, Ed25519 sealed with the PIN).
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyFileProvider;

impl Provider for KeyFileProvider {
    fn unlock(&self, key: &[u8], pin: &str) -> Result<Box<dyn Signer>, SigError> {
        if p12::looks_like_p12(key) {
            let k = p12::open_p12(key, pin)?;
            return Ok(Box::new(p12::KeySigner::new(&k.key_pkcs8, k.chain)?));
        }
        let (pkcs8, cert) = open_key(key, pin)?;
        Ok(Box::new(
            p12::KeySigner::new(&pkcs8, vec![cert]).map_err(|_| SigError::KeyFileDamaged)?,
        ))
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
    if !is_canonical(der) {
        return Err(malformed("the certificate is not in canonical DER form"));
    }
    Ok(cert)
}

/// Whether a certificate is in its one DER encoding. Only the to-be-signed part is covered by
/// the issuer's signature, and a lenient parser forgives e.g. a wrong tag in the outer
/// algorithm, so a certificate is accepted only when strict DER decoding and encoding give
/// its bytes back: otherwise its bytes could change while it still verified.
fn is_canonical(der: &[u8]) -> bool {
    use der::{Decode, Encode};
    x509_cert::Certificate::from_der(der)
        .and_then(|c| c.to_der())
        .is_ok_and(|again| again == der)
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

/// DER from PEM text with this label (`CERTIFICATE`, `X509 CRL`), or the bytes as they are
/// when they are DER already.
pub fn from_pem(bytes: &[u8], label: &str) -> Option<Vec<u8>> {
    if bytes.first() == Some(&0x30) {
        return Some(bytes.to_vec());
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    let body: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    B64.decode(body).ok().filter(|d| d.first() == Some(&0x30))
}

/// PEM text of DER bytes.
pub fn to_pem(der: &[u8], label: &str) -> String {
    let b64 = B64.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A certificate as a possible trust anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaInfo {
    pub common_name: String,
    pub is_ca: bool,
    pub not_after: i64,
}

/// Reads a certificate offered as a trusted root.
pub fn ca_info(der: &[u8]) -> Result<CaInfo, SigError> {
    let cert = parse_cert(der)?;
    Ok(CaInfo {
        common_name: common_name(&cert),
        is_ca: cert.is_ca(),
        not_after: cert.validity().not_after.timestamp(),
    })
}

/// The trust anchors and revocation lists of a verifier: the office CA and the roots the
/// admin added (e.g. НУЦ РК's), with each one's newest list.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub ca_certs: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
}

/// The revocation list's dates and entries, after its signature is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlInfo {
    pub this_update: i64,
    pub next_update: i64,
    pub revoked: Vec<(String, i64)>,
}

/// Checks the first CRL's signature against the trusted authorities and reads it.
pub fn read_crl(trust: &Trust) -> Result<CrlInfo, SigError> {
    let der = trust.crls.first().ok_or(SigError::CrlMissing)?;
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
    crl_info(&crl)
}

/// Reads a CRL when `issuer` signed it.
pub fn crl_signed_by(crl_der: &[u8], issuer_der: &[u8]) -> Option<CrlInfo> {
    let (_, crl) = CertificateRevocationList::from_der(crl_der).ok()?;
    let issuer = parse_cert(issuer_der).ok()?;
    if crl.issuer() != issuer.subject() || crl.verify_signature(issuer.public_key()).is_err() {
        return None;
    }
    crl_info(&crl).ok()
}

fn crl_info(crl: &CertificateRevocationList<'_>) -> Result<CrlInfo, SigError> {
    Ok(CrlInfo {
        this_update: crl.last_update().timestamp(),
        next_update: crl.next_update().map(|t| t.timestamp()).unwrap_or(i64::MIN),
        revoked: crl
            .iter_revoked_certificates()
            .map(|r| (hex::encode(r.raw_serial()), r.revocation_date.timestamp()))
            .collect(),
    })
}

/// How the revocation of a certificate was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Revocation {
    /// Against a trusted list that is fresh now.
    Fresh,
    /// Against the list carried in the signature, which was current when it was signed.
    AtSigning,
    /// No list was at hand (a verifier with only the trusted roots).
    NotChecked,
}

/// A certificate that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub info: CertInfo,
    pub revocation: Revocation,
    /// The common name of the trusted root the chain ends at.
    pub root: String,
    /// The certificate of its direct issuer (DER).
    pub issuer: Vec<u8>,
    /// The intermediates the chain went through (DER), nearest first.
    pub path: Vec<Vec<u8>>,
}

fn common_name(cert: &X509Certificate<'_>) -> String {
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .unwrap_or("")
        .to_string()
}

fn issued_by(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> bool {
    cert.issuer() == issuer.subject() && cert.verify_signature(Some(issuer.public_key())).is_ok()
}

/// The direct issuer (DER), the root's name, and the intermediates gone through.
type ChainFound = (Vec<u8>, String, Vec<Vec<u8>>);

/// The chain from a certificate to a trusted root through the carried intermediates (at most
/// four): the certificate's direct issuer and the root's name.
fn chain_to_root(
    trust: &Trust,
    cert_der: &[u8],
    intermediates: &[Vec<u8>],
    signed_at: i64,
) -> Result<ChainFound, SigError> {
    let mut current = cert_der.to_vec();
    let mut direct_issuer: Option<Vec<u8>> = None;
    let mut path: Vec<Vec<u8>> = Vec::new();
    for _ in 0..5 {
        let cert = parse_cert(&current)?;
        for ca in &trust.ca_certs {
            if let Ok(root) = parse_cert(ca)
                && issued_by(&cert, &root)
            {
                return Ok((
                    direct_issuer.unwrap_or_else(|| ca.clone()),
                    common_name(&root),
                    path,
                ));
            }
        }
        let next = intermediates.iter().find(|der| {
            der.as_slice() != current.as_slice()
                && parse_cert(der).is_ok_and(|i| {
                    issued_by(&cert, &i)
                        && i.is_ca()
                        && i.validity().not_before.timestamp() <= signed_at
                        && signed_at <= i.validity().not_after.timestamp()
                })
        });
        let Some(next) = next else {
            return Err(SigError::UntrustedIssuer);
        };
        if direct_issuer.is_none() {
            direct_issuer = Some(next.clone());
        }
        path.push(next.clone());
        current = next.clone();
    }
    Err(SigError::UntrustedIssuer)
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
    check_chain(
        trust,
        cert_der,
        &[],
        &[],
        signed_at,
        now,
        expected_iin,
        true,
    )
    .map(|c| c.info)
}

/// The same checks with the intermediates and revocation lists a signature carries. With
/// `require_revocation` false, a verifier that has no list for the issuer and finds none in
/// the signature says so ([`Revocation::NotChecked`]) instead of failing.
#[allow(clippy::too_many_arguments)]
pub fn check_chain(
    trust: &Trust,
    cert_der: &[u8],
    intermediates: &[Vec<u8>],
    carried_crls: &[Vec<u8>],
    signed_at: i64,
    now: i64,
    expected_iin: Option<&str>,
    require_revocation: bool,
) -> Result<Checked, SigError> {
    let cert = parse_cert(cert_der)?;
    let (issuer, root, path) = chain_to_root(trust, cert_der, intermediates, signed_at)?;
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
    // The newest trusted list of the issuer; else the one the signature carries, if it was
    // current when the paper was signed.
    let trusted = trust
        .crls
        .iter()
        .filter_map(|c| crl_signed_by(c, &issuer))
        .max_by_key(|c| c.this_update);
    let (crl, revocation) = match trusted {
        Some(crl) => {
            if crl.next_update < now || crl.this_update > now + 300 {
                return Err(SigError::CrlStale {
                    next_update: show_time(crl.next_update),
                });
            }
            (crl, Revocation::Fresh)
        }
        None => {
            let carried = carried_crls
                .iter()
                .filter_map(|c| crl_signed_by(c, &issuer))
                .filter(|c| c.this_update <= signed_at + 300 && signed_at <= c.next_update)
                .max_by_key(|c| c.this_update);
            match carried {
                Some(crl) => (crl, Revocation::AtSigning),
                None if !require_revocation => {
                    return Ok(Checked {
                        info,
                        revocation: Revocation::NotChecked,
                        root,
                        issuer,
                        path,
                    });
                }
                None if trust.crls.is_empty() => return Err(SigError::CrlMissing),
                None => return Err(SigError::CrlUntrusted),
            }
        }
    };
    if let Some((_, at)) = crl.revoked.iter().find(|(s, _)| *s == info.serial_hex) {
        return Err(SigError::Revoked { at: show_time(*at) });
    }
    Ok(Checked {
        info,
        revocation,
        root,
        issuer,
        path,
    })
}

/// Verifies a signature made with the key of `cert_der`.
pub fn verify_signature(cert_der: &[u8], message: &[u8], signature: &[u8]) -> Result<(), SigError> {
    parse_cert(cert_der)?;
    let kind = pades::KeyKind::of_certificate(cert_der)?;
    pades::verify_with(cert_der, kind, message, signature)
}

pub mod p12;
pub mod pades;

#[cfg(test)]
mod tests;
