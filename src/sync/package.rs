//! The exchange package: what an akimat with no network carries to its department on a USB stick
//! (`mio-desk exchange export` / `exchange import`), and the department's answers back.
//!
//! A package is one JSON file:
//! ```text
//! {"format": "mio-desk-exchange", "version": 1,
//!  "body": "<base64 of the body's JSON>",
//!  "publicKey": "<hex Ed25519 key of the installation that wrote it>",
//!  "signature": "<hex Ed25519 signature of the body's bytes>"}
//! ```
//! The body names the sender (`from`: code, kind, names) and the addressee (`to`), carries the
//! package's number in that direction (`seq`, 1, 2, …), the number of the addressee's last
//! package the sender applied (`ack`), and every message not yet known to have arrived, oldest
//! first, each with its files (scans, signed papers) inline. A package therefore repeats what
//! an unacknowledged earlier one carried: a lost stick loses nothing. Messages keep their
//! gateway message ids, so a message that arrives both by package and through the gateway is
//! applied once.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ring::rand::SystemRandom;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const FORMAT: &str = "mio-desk-exchange";
pub const VERSION: u32 = 1;

/// Who wrote a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub code: String,
    /// `akimat` or `department`.
    pub kind: String,
    pub name_kk: String,
    pub name_ru: String,
}

/// A file a message carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackedFile {
    pub sha256: String,
    pub name: String,
    #[serde(default)]
    pub checklist_item: Option<String>,
    /// The bytes, base64.
    pub data: String,
}

/// One message, as the gateway would carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackedMessage {
    pub message_id: String,
    /// REQUEST, RESPONSE, NOTIFICATION, UPDATE.
    pub message_type: String,
    #[serde(default)]
    pub correlation_id: Option<String>,
    pub created_at: String,
    pub data: serde_json::Value,
    #[serde(default)]
    pub files: Vec<PackedFile>,
}

/// What a package says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    pub format: String,
    pub version: u32,
    pub from: Party,
    pub to: String,
    pub seq: i64,
    pub ack: i64,
    pub created_at: String,
    pub messages: Vec<PackedMessage>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sealed {
    format: String,
    version: u32,
    body: String,
    public_key: String,
    signature: String,
}

/// Why a file is not a package that may be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    /// Not JSON of the package's shape: cut short, or another file.
    #[error("the file is cut short or is not an exchange package")]
    Damaged,
    /// Written by a newer program.
    #[error("exchange package version {0} is not known to this program")]
    Version(u32),
    /// The signature does not match the body: changed after it was written.
    #[error("the package was changed after it was written (the signature does not match)")]
    Edited,
}

/// A new signing key for the installation (PKCS#8).
pub fn new_key() -> Vec<u8> {
    Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
        .expect("the system gives randomness")
        .as_ref()
        .to_vec()
}

/// The public key (hex) of a signing key.
pub fn public_key(key_pkcs8: &[u8]) -> Option<String> {
    Ed25519KeyPair::from_pkcs8(key_pkcs8)
        .ok()
        .map(|k| hex::encode(k.public_key().as_ref()))
}

/// Writes and signs a package.
pub fn seal(body: &Body, key_pkcs8: &[u8]) -> Result<Vec<u8>, PackageError> {
    let key = Ed25519KeyPair::from_pkcs8(key_pkcs8).map_err(|_| PackageError::Damaged)?;
    let bytes = serde_json::to_vec(body).map_err(|_| PackageError::Damaged)?;
    let sig = key.sign(&bytes);
    let sealed = Sealed {
        format: FORMAT.into(),
        version: VERSION,
        body: B64.encode(&bytes),
        public_key: hex::encode(key.public_key().as_ref()),
        signature: hex::encode(sig.as_ref()),
    };
    let mut out = serde_json::to_vec(&sealed).map_err(|_| PackageError::Damaged)?;
    out.push(b'\n');
    Ok(out)
}

/// Reads a package and checks its signature; the body and the key (hex) that sealed it.
pub fn open(bytes: &[u8]) -> Result<(Body, String), PackageError> {
    let sealed: Sealed = serde_json::from_slice(bytes).map_err(|_| PackageError::Damaged)?;
    if sealed.format != FORMAT {
        return Err(PackageError::Damaged);
    }
    if sealed.version != VERSION {
        return Err(PackageError::Version(sealed.version));
    }
    let body = B64
        .decode(sealed.body.as_bytes())
        .map_err(|_| PackageError::Damaged)?;
    let key = hex::decode(&sealed.public_key).map_err(|_| PackageError::Edited)?;
    let sig = hex::decode(&sealed.signature).map_err(|_| PackageError::Edited)?;
    UnparsedPublicKey::new(&ED25519, &key)
        .verify(&body, &sig)
        .map_err(|_| PackageError::Edited)?;
    let body: Body = serde_json::from_slice(&body).map_err(|_| PackageError::Damaged)?;
    if body.format != FORMAT {
        return Err(PackageError::Damaged);
    }
    Ok((body, sealed.public_key))
}

impl PackedFile {
    pub fn new(name: &str, checklist_item: Option<String>, bytes: &[u8]) -> PackedFile {
        PackedFile {
            sha256: hex::encode(Sha256::digest(bytes)),
            name: name.to_string(),
            checklist_item,
            data: B64.encode(bytes),
        }
    }

    /// The bytes, checked against the hash the file names.
    pub fn bytes(&self) -> Result<Vec<u8>, PackageError> {
        let b = B64
            .decode(self.data.as_bytes())
            .map_err(|_| PackageError::Damaged)?;
        if hex::encode(Sha256::digest(&b)) != self.sha256 {
            return Err(PackageError::Edited);
        }
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Body {
        Body {
            format: FORMAT.into(),
            version: VERSION,
            from: Party {
                code: "AK01".into(),
                kind: "akimat".into(),
                name_kk: "Қарасу ауылдық округі әкімінің аппараты".into(),
                name_ru: "Аппарат акима Карасуского сельского округа".into(),
            },
            to: "D01".into(),
            seq: 1,
            ack: 0,
            created_at: "2026-11-30T10:00:00Z".into(),
            messages: vec![PackedMessage {
                message_id: "0192f000-0000-7000-8000-000000000001".into(),
                message_type: "REQUEST".into(),
                correlation_id: None,
                created_at: "2026-11-30T09:00:00Z".into(),
                data: serde_json::json!({"type": "akimat_package"}),
                files: vec![PackedFile::new("a.pdf", None, b"%PDF-1.4 test")],
            }],
        }
    }

    #[test]
    fn a_sealed_package_opens_and_any_change_is_caught() {
        let key = new_key();
        let bytes = seal(&body(), &key).unwrap();
        let (b, pk) = open(&bytes).unwrap();
        assert_eq!(b, body());
        assert_eq!(Some(pk), public_key(&key));
        // Cut short.
        assert_eq!(
            open(&bytes[..bytes.len() / 2]).unwrap_err(),
            PackageError::Damaged
        );
        // Edited: the body re-encoded with another addressee, the old signature kept.
        let mut sealed: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let mut other = body();
        other.to = "D02".into();
        sealed["body"] = B64.encode(serde_json::to_vec(&other).unwrap()).into();
        assert_eq!(
            open(&serde_json::to_vec(&sealed).unwrap()).unwrap_err(),
            PackageError::Edited
        );
        // A file whose bytes were swapped.
        let mut f = body().messages[0].files[0].clone();
        f.data = B64.encode(b"%PDF-1.4 other");
        assert_eq!(f.bytes().unwrap_err(), PackageError::Edited);
    }
}
