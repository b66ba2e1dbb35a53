//! PAdES signatures (ETSI EN 319 142-1, baseline B-B): a PDF signature field whose
//! `/Contents` holds a detached CMS `SignedData` (RFC 5652) over the `/ByteRange` of the file,
//! SHA-256, with the signed attributes contentType, messageDigest, signingTime and
//! signingCertificateV2 (RFC 5035), the signer's certificate and its chain, and the revocation
//! list the signer was checked against (so an offline verifier can see it was not revoked when
//! it signed).
//!
//! The signature is written as an incremental update of the rendered paper: the paper's own
//! bytes stay as they were, followed by the signature dictionary, an invisible signature
//! widget on the first page, the page and catalogue (with the `/AcroForm`) and a new
//! cross-reference section. Any PDF reader (poppler's `pdfsig`, Okular, Adobe Reader) then
//! shows the paper as signed.
//!
//! Verification never re-renders anything: it reads the one signature dictionary, checks that
//! the byte range covers the whole signed revision with only the `/Contents` string left out,
//! hashes those bytes, and checks the CMS.

use der::asn1::{Any, GeneralizedTime, ObjectIdentifier, OctetString, SetOfVec, UtcTime};
use der::{Decode, Encode};
use lopdf::{Dictionary, Object};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::spki::AlgorithmIdentifierOwned;

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::revocation::{RevocationInfoChoice, RevocationInfoChoices};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};

use super::{SigError, Signer, malformed};

/// The largest signature value any key here makes (RSA-4096), for sizing the `/Contents`.
const MAX_SIGNATURE: usize = 512;

/// The room to reserve for a CMS with this signer, chain and lists: its size with the largest
/// signature value, rounded up (written as twice as many hex digits).
pub fn cms_room(
    signer: &dyn Signer,
    chain: &[Vec<u8>],
    crls: &[Vec<u8>],
    signing_time: i64,
) -> Result<usize, SigError> {
    struct Sizing<'a>(&'a dyn Signer);
    impl Signer for Sizing<'_> {
        fn certificate_der(&self) -> &[u8] {
            self.0.certificate_der()
        }
        fn sign(&self, _: &[u8]) -> Result<Vec<u8>, SigError> {
            Ok(vec![0xff; MAX_SIGNATURE])
        }
    }
    let cms = build_cms(&Sizing(signer), chain, crls, &[0; 32], signing_time)?;
    Ok((cms.len() + 64).div_ceil(256) * 256)
}

const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const OID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const OID_SIGNING_CERT_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_SHA256_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The kind of key behind a certificate, which fixes the CMS signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Rsa,
    EcdsaP256,
    Ed25519,
}

impl KeyKind {
    /// The kind of the key in a certificate.
    pub fn of_certificate(cert_der: &[u8]) -> Result<KeyKind, SigError> {
        let cert = Certificate::from_der(cert_der).map_err(malformed)?;
        let spki = cert.tbs_certificate().subject_public_key_info();
        let alg = &spki.algorithm;
        if alg.oid == OID_RSA {
            Ok(KeyKind::Rsa)
        } else if alg.oid == OID_ED25519 {
            Ok(KeyKind::Ed25519)
        } else if alg.oid == OID_EC_PUBLIC_KEY {
            let curve = alg
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            if curve == Some(OID_P256) {
                Ok(KeyKind::EcdsaP256)
            } else {
                Err(SigError::Malformed(
                    "elliptic curve other than P-256".into(),
                ))
            }
        } else {
            Err(SigError::Malformed(format!("key algorithm {}", alg.oid)))
        }
    }

    fn signature_algorithm(self) -> AlgorithmIdentifierOwned {
        match self {
            KeyKind::Rsa => AlgorithmIdentifierOwned {
                oid: OID_SHA256_RSA,
                parameters: Some(Any::null()),
            },
            KeyKind::EcdsaP256 => AlgorithmIdentifierOwned {
                oid: OID_ECDSA_SHA256,
                parameters: None,
            },
            KeyKind::Ed25519 => AlgorithmIdentifierOwned {
                oid: OID_ED25519,
                parameters: None,
            },
        }
    }

    /// Whether a CMS signature algorithm fits this key.
    fn accepts(self, oid: &ObjectIdentifier) -> bool {
        match self {
            KeyKind::Rsa => *oid == OID_SHA256_RSA || *oid == OID_RSA,
            KeyKind::EcdsaP256 => *oid == OID_ECDSA_SHA256,
            KeyKind::Ed25519 => *oid == OID_ED25519,
        }
    }
}

fn sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: OID_SHA256,
        parameters: None,
    }
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, SigError> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(malformed)?;
    Ok(Attribute { oid, values })
}

/// A DER element: tag, length, content.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(super::der_length(content.len()));
    out.extend_from_slice(content);
    out
}

/// `SigningCertificateV2` (RFC 5035) naming the signer's certificate by its SHA-256 and its
/// issuer and serial number.
fn signing_certificate_v2(cert: &Certificate, cert_der: &[u8]) -> Result<Vec<u8>, SigError> {
    let hash = Sha256::digest(cert_der);
    let issuer = cert
        .tbs_certificate()
        .issuer()
        .to_der()
        .map_err(malformed)?;
    let serial = cert
        .tbs_certificate()
        .serial_number()
        .to_der()
        .map_err(malformed)?;
    // IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber }; the issuer is one
    // directoryName ([4], explicit, since Name is a CHOICE).
    let general_names = tlv(0x30, &tlv(0xA4, &issuer));
    let mut issuer_serial = general_names;
    issuer_serial.extend(serial);
    // ESSCertIDv2 with the default hash algorithm (SHA-256) left out.
    let mut ess = tlv(0x04, &hash);
    ess.extend(tlv(0x30, &issuer_serial));
    let certs = tlv(0x30, &tlv(0x30, &ess));
    Ok(tlv(0x30, &certs))
}

fn time_value(unix: i64) -> Result<Any, SigError> {
    let d = std::time::Duration::from_secs(u64::try_from(unix).map_err(malformed)?);
    if unix < 2_524_608_000 {
        Any::encode_from(&UtcTime::from_unix_duration(d).map_err(malformed)?).map_err(malformed)
    } else {
        Any::encode_from(&GeneralizedTime::from_unix_duration(d).map_err(malformed)?)
            .map_err(malformed)
    }
}

fn read_time(any: &Any) -> Option<i64> {
    if let Ok(t) = any.decode_as::<UtcTime>() {
        return i64::try_from(t.to_unix_duration().as_secs()).ok();
    }
    any.decode_as::<GeneralizedTime>()
        .ok()
        .and_then(|t| i64::try_from(t.to_unix_duration().as_secs()).ok())
}

/// Builds the CMS `SignedData` (DER) for a SHA-256 digest of the signed bytes. `chain` holds
/// the certificates to carry besides the signer's (its issuers), `crls` the revocation lists.
pub fn build_cms(
    signer: &dyn Signer,
    chain: &[Vec<u8>],
    crls: &[Vec<u8>],
    digest: &[u8; 32],
    signing_time: i64,
) -> Result<Vec<u8>, SigError> {
    let cert_der = signer.certificate_der();
    let cert = Certificate::from_der(cert_der).map_err(malformed)?;
    let kind = KeyKind::of_certificate(cert_der)?;
    let mut attrs = SetOfVec::new();
    attrs
        .insert(attribute(
            OID_CONTENT_TYPE,
            Any::encode_from(&OID_DATA).map_err(malformed)?,
        )?)
        .map_err(malformed)?;
    attrs
        .insert(attribute(
            OID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec()).map_err(malformed)?)
                .map_err(malformed)?,
        )?)
        .map_err(malformed)?;
    attrs
        .insert(attribute(OID_SIGNING_TIME, time_value(signing_time)?)?)
        .map_err(malformed)?;
    attrs
        .insert(attribute(
            OID_SIGNING_CERT_V2,
            Any::from_der(&signing_certificate_v2(&cert, cert_der)?).map_err(malformed)?,
        )?)
        .map_err(malformed)?;
    // What is signed is the DER of the attributes as a SET (RFC 5652 §5.4).
    let to_sign = attrs.to_der().map_err(malformed)?;
    let signature = signer.sign(&to_sign)?;
    let info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate().issuer().clone(),
            serial_number: cert.tbs_certificate().serial_number().clone(),
        }),
        digest_alg: sha256_alg(),
        signed_attrs: Some(attrs),
        signature_algorithm: kind.signature_algorithm(),
        signature: OctetString::new(signature).map_err(malformed)?,
        unsigned_attrs: None,
    };
    let mut certs = SetOfVec::new();
    certs
        .insert(CertificateChoices::Certificate(cert.clone()))
        .map_err(malformed)?;
    for c in chain {
        if c.as_slice() == cert_der {
            continue;
        }
        let c = Certificate::from_der(c).map_err(malformed)?;
        let choice = CertificateChoices::Certificate(c);
        if !certs.iter().any(|x| *x == choice) {
            certs.insert(choice).map_err(malformed)?;
        }
    }
    let mut revocation = SetOfVec::new();
    for crl in crls {
        let list = x509_cert::crl::CertificateList::from_der(crl).map_err(malformed)?;
        revocation
            .insert(RevocationInfoChoice::Crl(list))
            .map_err(malformed)?;
    }
    let mut digests = SetOfVec::new();
    digests.insert(sha256_alg()).map_err(malformed)?;
    let mut infos = SetOfVec::new();
    infos.insert(info).map_err(malformed)?;
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: digests,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: OID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certs)),
        crls: (!revocation.is_empty()).then_some(RevocationInfoChoices(revocation)),
        signer_infos: SignerInfos(infos),
    };
    let ci = ContentInfo {
        content_type: OID_SIGNED_DATA,
        content: Any::encode_from(&signed).map_err(malformed)?,
    };
    ci.to_der().map_err(malformed)
}

/// What a valid CMS says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmsFacts {
    pub signer_cert: Vec<u8>,
    /// Every certificate carried (the signer's among them).
    pub certificates: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
    pub signing_time: i64,
}

/// Why a CMS does not prove the signed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmsProblem {
    /// Not a CMS SignedData, or not one we can read.
    Damaged(String),
    /// The digest algorithm is not SHA-256, or the digest is not a SHA-256 value.
    WrongDigest,
    /// The messageDigest differs from the hash of the signed bytes.
    DigestMismatch,
    /// The signature over the signed attributes does not verify with the signer's key.
    BadSignature,
    /// The signer's certificate is not in the CMS, or signingCertificateV2 names another.
    SignerCertificate,
}

fn der_tlv_len(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < 2 || bytes[0] != 0x30 {
        return None;
    }
    let first = bytes[1] as usize;
    if first < 0x80 {
        return Some(2 + first);
    }
    let n = first & 0x7f;
    if n == 0 || n > 4 || bytes.len() < 2 + n {
        return None;
    }
    let len = bytes[2..2 + n]
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | *b as usize);
    Some(2 + n + len)
}

/// Checks a CMS `SignedData` against the SHA-256 of the signed bytes.
pub fn verify_cms(cms_der: &[u8], digest: &[u8; 32]) -> Result<CmsFacts, CmsProblem> {
    let damaged = |e: &dyn std::fmt::Display| CmsProblem::Damaged(e.to_string());
    let ci = ContentInfo::from_der(cms_der).map_err(|e| damaged(&e))?;
    if ci.content_type != OID_SIGNED_DATA {
        return Err(CmsProblem::Damaged("not SignedData".into()));
    }
    let sd: SignedData = ci.content.decode_as().map_err(|e| damaged(&e))?;
    if sd.encap_content_info.econtent.is_some() || sd.encap_content_info.econtent_type != OID_DATA {
        return Err(CmsProblem::Damaged("not a detached signature".into()));
    }
    // Every part the signature does not cover must be exactly what it can only be, so that no
    // byte of the container changes without the verdict changing.
    if sd.version != CmsVersion::V1 {
        return Err(CmsProblem::Damaged("SignedData version".into()));
    }
    if sd.digest_algorithms.len() != 1 || sd.digest_algorithms.iter().any(|a| *a != sha256_alg()) {
        return Err(CmsProblem::WrongDigest);
    }
    let other_choice = sd.certificates.as_ref().is_some_and(|s| {
        s.0.iter()
            .any(|c| !matches!(c, CertificateChoices::Certificate(_)))
    }) || sd.crls.as_ref().is_some_and(|s| {
        s.0.iter()
            .any(|c| !matches!(c, RevocationInfoChoice::Crl(_)))
    });
    if other_choice {
        return Err(CmsProblem::Damaged(
            "certificate or list of another format".into(),
        ));
    }
    let infos: Vec<&SignerInfo> = sd.signer_infos.0.iter().collect();
    let [si] = infos.as_slice() else {
        return Err(CmsProblem::Damaged(format!(
            "{} signers in one signature",
            infos.len()
        )));
    };
    if si.digest_alg != sha256_alg() {
        return Err(CmsProblem::WrongDigest);
    }
    if si.version != CmsVersion::V1
        || !matches!(si.sid, SignerIdentifier::IssuerAndSerialNumber(_))
        || si.unsigned_attrs.is_some()
    {
        return Err(CmsProblem::Damaged("signer info".into()));
    }
    let certificates: Vec<Vec<u8>> = sd
        .certificates
        .as_ref()
        .map(|s| {
            s.0.iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => c.to_der().ok(),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let crls: Vec<Vec<u8>> = sd
        .crls
        .as_ref()
        .map(|s| {
            s.0.iter()
                .filter_map(|c| match c {
                    RevocationInfoChoice::Crl(l) => l.to_der().ok(),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let signer_cert = certificates
        .iter()
        .find(|der| {
            let Ok(c) = Certificate::from_der(der) else {
                return false;
            };
            let tbs = c.tbs_certificate();
            match &si.sid {
                SignerIdentifier::IssuerAndSerialNumber(isn) => {
                    isn.issuer == *tbs.issuer() && isn.serial_number == *tbs.serial_number()
                }
                SignerIdentifier::SubjectKeyIdentifier(ski) => tbs
                    .get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
                    .ok()
                    .flatten()
                    .is_some_and(|(_, k)| k == *ski),
            }
        })
        .cloned()
        .ok_or(CmsProblem::SignerCertificate)?;
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or_else(|| CmsProblem::Damaged("no signed attributes".into()))?;
    let one = |oid: ObjectIdentifier| -> Result<&Any, CmsProblem> {
        let found: Vec<&Attribute> = attrs.iter().filter(|a| a.oid == oid).collect();
        match found.as_slice() {
            [a] if a.values.len() == 1 => Ok(a.values.iter().next().expect("one value")),
            [] => Err(CmsProblem::Damaged(format!("attribute {oid} missing"))),
            _ => Err(CmsProblem::Damaged(format!("attribute {oid} repeated"))),
        }
    };
    let content_type: ObjectIdentifier = one(OID_CONTENT_TYPE)?
        .decode_as()
        .map_err(|e| damaged(&e))?;
    if content_type != OID_DATA {
        return Err(CmsProblem::Damaged("content type is not data".into()));
    }
    let md: OctetString = one(OID_MESSAGE_DIGEST)?
        .decode_as()
        .map_err(|e| damaged(&e))?;
    if md.as_bytes().len() != 32 {
        return Err(CmsProblem::WrongDigest);
    }
    let signing_time = read_time(one(OID_SIGNING_TIME)?)
        .ok_or_else(|| CmsProblem::Damaged("signing time unreadable".into()))?;
    // signingCertificateV2 must name the signer's certificate by its SHA-256.
    let scv2 = one(OID_SIGNING_CERT_V2)?
        .to_der()
        .map_err(|e| damaged(&e))?;
    let want = Sha256::digest(&signer_cert);
    if !scv2
        .windows(34)
        .any(|w| w[0] == 0x04 && w[1] == 32 && w[2..] == want[..])
    {
        return Err(CmsProblem::SignerCertificate);
    }
    let kind = KeyKind::of_certificate(&signer_cert).map_err(|e| damaged(&e))?;
    let params_ok = match (kind, &si.signature_algorithm.parameters) {
        (_, None) => true,
        (KeyKind::Rsa, Some(p)) => *p == Any::null(),
        _ => false,
    };
    if !kind.accepts(&si.signature_algorithm.oid) || !params_ok {
        return Err(CmsProblem::BadSignature);
    }
    let signed = attrs.to_der().map_err(|e| damaged(&e))?;
    verify_with(&signer_cert, kind, &signed, si.signature.as_bytes())
        .map_err(|_| CmsProblem::BadSignature)?;
    // Only after the signature: a digest that differs means the signed bytes changed.
    if md.as_bytes() != digest {
        return Err(CmsProblem::DigestMismatch);
    }
    Ok(CmsFacts {
        signer_cert,
        certificates,
        crls,
        signing_time,
    })
}

/// Verifies a signature with the public key of a certificate.
pub fn verify_with(
    cert_der: &[u8],
    kind: KeyKind,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SigError> {
    use ring::signature as rs;
    let cert = Certificate::from_der(cert_der).map_err(malformed)?;
    let key = cert
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes()
        .to_vec();
    let alg: &dyn rs::VerificationAlgorithm = match kind {
        KeyKind::Rsa => &rs::RSA_PKCS1_2048_8192_SHA256,
        KeyKind::EcdsaP256 => &rs::ECDSA_P256_SHA256_ASN1,
        KeyKind::Ed25519 => &rs::ED25519,
    };
    rs::UnparsedPublicKey::new(alg, key)
        .verify(message, signature)
        .map_err(|_| SigError::BadSignature)
}

// ---------------------------------------------------------------------------------------
// The PDF side

/// Why a PDF's signature cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfProblem {
    NotPdf,
    /// No signature dictionary at all.
    NotSigned,
    /// The file ends before the end of what the signature covers, or before its `%%EOF`.
    Truncated,
    /// More than one signature dictionary.
    Several(usize),
    /// The byte range leaves out more than the `/Contents` string, starts elsewhere than the
    /// file's first byte, or does not end a revision.
    BadByteRange(String),
    /// The `/Contents` string is not hex, or holds something after the CMS.
    ContainerDamaged,
}

/// What was appended to a file after the signed revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appendix {
    pub bytes: usize,
    /// Whether it is an incremental update (objects, a cross-reference section and `%%EOF`).
    pub incremental: bool,
    pub objects: usize,
    /// The `/Type` and `/Subtype` names of the appended objects, e.g. `Annot/Text`.
    pub kinds: Vec<String>,
}

/// The signature of a PDF, located and taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub range: [usize; 4],
    pub cms: Vec<u8>,
    /// The length of the signed revision (the end of the second range).
    pub signed_len: usize,
    pub appended: Option<Appendix>,
}

impl Located {
    /// SHA-256 of the bytes the byte range covers.
    pub fn digest(&self, pdf: &[u8]) -> [u8; 32] {
        let [a, b, c, d] = self.range;
        let mut h = Sha256::new();
        h.update(&pdf[a..a + b]);
        h.update(&pdf[c..c + d]);
        h.finalize().into()
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | 0)
}

fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// Reads `[n n n n]` after `/ByteRange`.
fn parse_range(pdf: &[u8], at: usize) -> Option<[usize; 4]> {
    let mut i = at + b"/ByteRange".len();
    while i < pdf.len() && is_ws(pdf[i]) {
        i += 1;
    }
    if pdf.get(i) != Some(&b'[') {
        return None;
    }
    let end = i + pdf[i..].iter().take(200).position(|b| *b == b']')?;
    let text = std::str::from_utf8(&pdf[i + 1..end]).ok()?;
    let nums: Vec<usize> = text
        .split_ascii_whitespace()
        .map(|s| s.parse::<usize>())
        .collect::<Result<_, _>>()
        .ok()?;
    nums.try_into().ok()
}

fn ends_with_eof(bytes: &[u8]) -> bool {
    let mut end = bytes.len();
    while end > 0 && is_ws(bytes[end - 1]) {
        end -= 1;
    }
    bytes[..end].ends_with(b"%%EOF")
}

/// Finds the one signature of a PDF and checks its byte range.
pub fn locate(pdf: &[u8]) -> Result<Located, PdfProblem> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(PdfProblem::NotPdf);
    }
    let found: Vec<[usize; 4]> = find_all(pdf, b"/ByteRange")
        .into_iter()
        .filter_map(|at| parse_range(pdf, at))
        .collect();
    // A signature dictionary inside a compressed object stream has no visible /ByteRange:
    // count the signature dictionaries the parser finds as well.
    let parsed = lopdf::Document::load_mem(pdf).ok().map(|doc| {
        doc.objects
            .values()
            .filter(|o| {
                o.as_dict().is_ok_and(|d| {
                    d.get(b"ByteRange").is_ok()
                        && d.get(b"Contents").is_ok()
                        && d.get(b"Type").and_then(|t| t.as_name()).ok() != Some(&b"Annot"[..])
                })
            })
            .count()
    });
    let count = found.len().max(parsed.unwrap_or(0));
    if count == 0 {
        if !ends_with_eof(pdf) {
            return Err(PdfProblem::Truncated);
        }
        return Err(PdfProblem::NotSigned);
    }
    if count > 1 {
        return Err(PdfProblem::Several(count));
    }
    let Some(range) = found.first().copied() else {
        return Err(PdfProblem::BadByteRange("unreadable".into()));
    };
    let [a, b, c, d] = range;
    let signed_len = c.checked_add(d).ok_or(PdfProblem::Truncated)?;
    if signed_len > pdf.len() {
        return Err(PdfProblem::Truncated);
    }
    if a != 0 {
        return Err(PdfProblem::BadByteRange(format!(
            "starts at byte {a}, not 0"
        )));
    }
    if b == 0 || c <= b + 1 {
        return Err(PdfProblem::BadByteRange(format!("[{a} {b} {c} {d}]")));
    }
    // The one gap must be exactly the /Contents hex string.
    if pdf[b] != b'<' || pdf[c - 1] != b'>' {
        return Err(PdfProblem::BadByteRange(format!(
            "bytes {b}..{c} left out are not the signature's /Contents"
        )));
    }
    let mut k = b;
    while k > 0 && is_ws(pdf[k - 1]) {
        k -= 1;
    }
    if !pdf[..k].ends_with(b"/Contents") {
        return Err(PdfProblem::BadByteRange(format!(
            "bytes {b}..{c} left out are not the signature's /Contents"
        )));
    }
    let hex_digits = &pdf[b + 1..c - 1];
    if !hex_digits.len().is_multiple_of(2) || !hex_digits.iter().all(u8::is_ascii_hexdigit) {
        return Err(PdfProblem::ContainerDamaged);
    }
    let raw = hex::decode(hex_digits).map_err(|_| PdfProblem::ContainerDamaged)?;
    let len = der_tlv_len(&raw).ok_or(PdfProblem::ContainerDamaged)?;
    if len > raw.len() || raw[len..].iter().any(|x| *x != 0) {
        return Err(PdfProblem::ContainerDamaged);
    }
    if !ends_with_eof(&pdf[..signed_len]) {
        return Err(PdfProblem::BadByteRange(
            "the signed part does not end a revision".into(),
        ));
    }
    let rest = &pdf[signed_len..];
    let appended = if rest.iter().all(|x| is_ws(*x)) {
        None
    } else {
        Some(describe_appendix(rest))
    };
    Ok(Located {
        range,
        cms: raw[..len].to_vec(),
        signed_len,
        appended,
    })
}

fn name_after(bytes: &[u8], key: &[u8]) -> Vec<String> {
    find_all(bytes, key)
        .into_iter()
        .filter_map(|at| {
            let mut i = at + key.len();
            while i < bytes.len() && is_ws(bytes[i]) {
                i += 1;
            }
            if bytes.get(i) != Some(&b'/') {
                return None;
            }
            let start = i + 1;
            let end = start
                + bytes[start..]
                    .iter()
                    .position(|b| is_ws(*b) || b"/<>[]()".contains(b))
                    .unwrap_or(bytes.len() - start);
            std::str::from_utf8(&bytes[start..end])
                .ok()
                .map(str::to_string)
        })
        .collect()
}

fn describe_appendix(rest: &[u8]) -> Appendix {
    let objects = find_all(rest, b" obj").len();
    let incremental = ends_with_eof(rest) && !find_all(rest, b"startxref").is_empty();
    let mut kinds: Vec<String> = Vec::new();
    let types = name_after(rest, b"/Type");
    let subtypes = name_after(rest, b"/Subtype");
    for t in types {
        if t == "Annot" {
            continue;
        }
        if !kinds.contains(&t) {
            kinds.push(t);
        }
    }
    for s in subtypes {
        let k = format!("Annot/{s}");
        if !kinds.contains(&k) && !kinds.contains(&s) {
            kinds.push(if find_all(rest, b"/Annot").is_empty() {
                s
            } else {
                k
            });
        }
    }
    kinds.truncate(8);
    Appendix {
        bytes: rest.len(),
        incremental,
        objects,
        kinds,
    }
}

/// A paper with room for its signature: the bytes with a zeroed `/Contents`, and the byte
/// range.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub bytes: Vec<u8>,
    pub range: [usize; 4],
}

impl Prepared {
    /// SHA-256 of the bytes the signature will cover.
    pub fn digest(&self) -> [u8; 32] {
        let [a, b, c, d] = self.range;
        let mut h = Sha256::new();
        h.update(&self.bytes[a..a + b]);
        h.update(&self.bytes[c..c + d]);
        h.finalize().into()
    }

    /// Writes the CMS into the `/Contents` placeholder.
    pub fn fill(mut self, cms: &[u8]) -> Result<Vec<u8>, SigError> {
        let [_, b, c, _] = self.range;
        let room = c - b - 2;
        let hex = hex::encode_upper(cms);
        if hex.len() > room {
            return Err(SigError::Malformed(format!(
                "the signature needs {} bytes, {} are reserved",
                cms.len(),
                room / 2
            )));
        }
        self.bytes[b + 1..b + 1 + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(self.bytes)
    }
}

fn write_obj(out: &mut Vec<u8>, o: &Object) -> Result<(), SigError> {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(format!("{r}").as_bytes()),
        Object::Name(n) => write_name(out, n),
        Object::String(s, _) => {
            out.push(b'<');
            out.extend_from_slice(hex::encode_upper(s).as_bytes());
            out.push(b'>');
        }
        Object::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_obj(out, x)?;
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dict(out, d)?,
        Object::Reference((id, generation)) => {
            out.extend_from_slice(format!("{id} {generation} R").as_bytes())
        }
        Object::Stream(_) => return Err(malformed("a stream cannot be rewritten here")),
    }
    Ok(())
}

fn write_name(out: &mut Vec<u8>, n: &[u8]) {
    out.push(b'/');
    for &b in n {
        if b" \t\n\r\x0C()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
    }
}

fn write_dict(out: &mut Vec<u8>, d: &Dictionary) -> Result<(), SigError> {
    out.extend_from_slice(b"<<");
    for (k, v) in d.iter() {
        write_name(out, k);
        out.push(b' ');
        write_obj(out, v)?;
    }
    out.extend_from_slice(b">>");
    Ok(())
}

fn startxref(pdf: &[u8]) -> Option<usize> {
    let at = pdf.windows(9).rposition(|w| w == b"startxref")?;
    let rest = &pdf[at + 9..];
    let text: String = rest
        .iter()
        .skip_while(|b| is_ws(**b))
        .take_while(|b| b.is_ascii_digit())
        .map(|b| *b as char)
        .collect();
    text.parse().ok()
}

fn pdf_text(s: &str) -> String {
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend(u.to_be_bytes());
    }
    format!("<{}>", hex::encode_upper(bytes))
}

/// Adds a signature field to a PDF as an incremental update, with room for the CMS.
/// `name` is the signer's name, `reason` why they sign, `signed_at` the signing time.
pub fn prepare(
    pdf: &[u8],
    name: &str,
    reason: &str,
    signed_at: i64,
    room: usize,
) -> Result<Prepared, SigError> {
    let doc = lopdf::Document::load_mem(pdf).map_err(malformed)?;
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(|o| o.as_reference())
        .map_err(malformed)?;
    let prev = startxref(pdf).ok_or_else(|| malformed("no startxref"))?;
    let page = *doc
        .get_pages()
        .get(&1)
        .ok_or_else(|| malformed("the PDF has no pages"))?;
    let mut catalog = doc
        .get_object(root)
        .and_then(|o| o.as_dict())
        .map_err(malformed)?
        .clone();
    if catalog.get(b"AcroForm").is_ok() {
        return Err(malformed("the PDF already has a form"));
    }
    let mut page_dict = doc
        .get_object(page)
        .and_then(|o| o.as_dict())
        .map_err(malformed)?
        .clone();
    let size = doc.max_id + 1;
    let sig_id = size;
    let widget_id = size + 1;
    let widget_ref = Object::Reference((widget_id, 0));
    if let Ok(Object::Array(a)) = page_dict.get_mut(b"Annots") {
        a.push(widget_ref.clone());
    } else if page_dict.get(b"Annots").is_ok() {
        return Err(malformed("the page's annotations are not a plain array"));
    } else {
        page_dict.set("Annots", Object::Array(vec![widget_ref.clone()]));
    }
    let mut form = Dictionary::new();
    form.set("Fields", Object::Array(vec![widget_ref]));
    form.set("SigFlags", 3i64);
    catalog.set("AcroForm", Object::Dictionary(form));

    let mut out = pdf.to_vec();
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, usize)> = Vec::new();
    offsets.push((sig_id, out.len()));
    out.extend_from_slice(format!("{sig_id} 0 obj\n").as_bytes());
    out.extend_from_slice(
        b"<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange ",
    );
    let range_at = out.len();
    const RANGE_ROOM: usize = 40;
    out.extend(std::iter::repeat_n(b' ', RANGE_ROOM));
    out.extend_from_slice(b"/Contents ");
    let contents_at = out.len();
    out.push(b'<');
    out.extend(std::iter::repeat_n(b'0', room * 2));
    out.push(b'>');
    let contents_end = out.len();
    let when = chrono::DateTime::from_timestamp(signed_at, 0)
        .unwrap_or_default()
        .format("D:%Y%m%d%H%M%SZ")
        .to_string();
    out.extend_from_slice(
        format!(
            "/M({when})/Name{}/Reason{}>>\nendobj\n",
            pdf_text(name),
            pdf_text(reason)
        )
        .as_bytes(),
    );
    offsets.push((widget_id, out.len()));
    out.extend_from_slice(
        format!(
            "{widget_id} 0 obj\n<</Type/Annot/Subtype/Widget/FT/Sig/T(Signature1)/V {sig_id} 0 R/Rect[0 0 0 0]/F 132/P {} {} R>>\nendobj\n",
            page.0, page.1
        )
        .as_bytes(),
    );
    for (id, dict) in [(page, &page_dict), (root, &catalog)] {
        offsets.push((id.0, out.len()));
        out.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
        write_dict(&mut out, dict)?;
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    out.extend_from_slice(b"xref\n");
    offsets.sort();
    for (id, off) in &offsets {
        let generation = if *id == page.0 {
            page.1
        } else if *id == root.0 {
            root.1
        } else {
            0
        };
        out.extend_from_slice(format!("{id} 1\n{off:010} {generation:05} n\r\n").as_bytes());
    }
    let mut trailer = Dictionary::new();
    trailer.set("Size", i64::from(widget_id) + 1);
    trailer.set("Root", Object::Reference(root));
    if let Ok(info) = doc.trailer.get(b"Info") {
        trailer.set("Info", info.clone());
    }
    if let Ok(id) = doc.trailer.get(b"ID") {
        trailer.set("ID", id.clone());
    }
    trailer.set("Prev", prev as i64);
    out.extend_from_slice(b"trailer\n");
    write_dict(&mut out, &trailer)?;
    out.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    let range = [0, contents_at, contents_end, out.len() - contents_end];
    let text = format!("[0 {} {} {}]", range[1], range[2], range[3]);
    if text.len() > RANGE_ROOM {
        return Err(malformed("the file is too large to sign"));
    }
    out[range_at..range_at + text.len()].copy_from_slice(text.as_bytes());
    Ok(Prepared { bytes: out, range })
}

/// Signs a PDF: prepares the field, builds the CMS over the byte range and writes it in.
pub fn sign_pdf(
    pdf: &[u8],
    signer: &dyn Signer,
    chain: &[Vec<u8>],
    crls: &[Vec<u8>],
    name: &str,
    reason: &str,
    signed_at: i64,
) -> Result<Vec<u8>, SigError> {
    let room = cms_room(signer, chain, crls, signed_at)?;
    let prepared = prepare(pdf, name, reason, signed_at, room)?;
    let cms = build_cms(signer, chain, crls, &prepared.digest(), signed_at)?;
    prepared.fill(&cms)
}
