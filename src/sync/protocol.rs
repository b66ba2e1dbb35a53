//! The exchange protocol with the regional gateway, `mio-shep/1`: JSON over HTTP mirroring the
//! ШЭП envelope (research/standards.md §3): `messageId` (UUID v7), `correlationId`,
//! `serviceId`, `routeId` (the recipient), `messageType`, `messageDate`, `sender`,
//! `properties`, `data`, and the sending workstation's signature (HMAC-SHA256 with its access
//! token over the canonical envelope). See `docs/gateway-protocol.md`.

use ring::hmac;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const VERSION: &str = "mio-shep/1";
/// Largest envelope accepted (scans travel separately as blobs).
pub const MAX_ENVELOPE: usize = 256 * 1024;
/// Most envelopes in one `POST /v1/messages/batch`.
pub const MAX_BATCH: usize = 100;
/// Largest body of a batch the workstation sends (the gateway takes up to about 1 MiB).
pub const MAX_BATCH_BYTES: usize = 768 * 1024;
/// Largest blob (one scan or signed paper).
pub const MAX_BLOB: u64 = 20 * 1024 * 1024;

/// ШЭП message types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageType {
    Request,
    Response,
    Notification,
    Update,
}

/// ШЭП delivery states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryState {
    OnDelivery,
    Delivered,
    NotDelivered,
    DeliveryStopped,
}

impl DeliveryState {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryState::OnDelivery => "ON_DELIVERY",
            DeliveryState::Delivered => "DELIVERED",
            DeliveryState::NotDelivered => "NOT_DELIVERED",
            DeliveryState::DeliveryStopped => "DELIVERY_STOPPED",
        }
    }
    pub fn parse(s: &str) -> Option<DeliveryState> {
        [
            DeliveryState::OnDelivery,
            DeliveryState::Delivered,
            DeliveryState::NotDelivered,
            DeliveryState::DeliveryStopped,
        ]
        .into_iter()
        .find(|d| d.code() == s)
    }
}

/// Who sent a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sender {
    /// The client: an office code, `con-…` for a ЦОН, `portal`.
    pub sender_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workstation: Option<String>,
}

/// A key/value property (ШЭП: key ≤ 30, value ≤ 500 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    pub key: String,
    pub value: String,
}

/// The sender's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub algorithm: String,
    /// Base64 (standard) of the MAC.
    pub value: String,
}

/// A message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    pub version: String,
    pub message_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    pub service_id: String,
    pub route_id: String,
    pub message_type: MessageType,
    pub message_date: String,
    pub sender: Sender,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    pub data: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

/// Why an envelope is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("unsupported protocol version {0:?}")]
    Version(String),
    #[error(
        "messageId must be a UUID in its canonical form: 36 characters, lower case, with dashes"
    )]
    MessageId,
    #[error("routeId is empty")]
    Route,
    #[error("property key or value too long")]
    Property,
    #[error("messageDate is not an RFC 3339 moment")]
    Date,
    #[error("the signature does not match")]
    Signature,
}

impl Envelope {
    /// The bytes the signature covers: the envelope without its signature, as compact JSON
    /// with the keys of every object sorted (see [`canonical_json`]). Fields that are absent,
    /// `null` (`correlationId`, `sender.workstation`) or empty (`properties`) are left out.
    pub fn canonical(&self) -> Vec<u8> {
        let mut e = self.clone();
        e.signature = None;
        let v = serde_json::to_value(&e).expect("envelope serialises");
        let mut out = Vec::with_capacity(512);
        canonical_json(&v, &mut out);
        out
    }

    /// SHA-256 of the canonical body (idempotency: same id, same body).
    pub fn body_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical()))
    }

    pub fn sign(&mut self, token: &str) {
        let key = hmac::Key::new(hmac::HMAC_SHA256, token.as_bytes());
        let tag = hmac::sign(&key, &self.canonical());
        use base64::Engine;
        self.signature = Some(Signature {
            algorithm: "HMAC-SHA256".into(),
            value: base64::engine::general_purpose::STANDARD.encode(tag.as_ref()),
        });
    }

    pub fn verify(&self, token: &str) -> Result<(), EnvelopeError> {
        use base64::Engine;
        let sig = self.signature.as_ref().ok_or(EnvelopeError::Signature)?;
        if sig.algorithm != "HMAC-SHA256" {
            return Err(EnvelopeError::Signature);
        }
        let tag = base64::engine::general_purpose::STANDARD
            .decode(&sig.value)
            .map_err(|_| EnvelopeError::Signature)?;
        let key = hmac::Key::new(hmac::HMAC_SHA256, token.as_bytes());
        hmac::verify(&key, &self.canonical(), &tag).map_err(|_| EnvelopeError::Signature)
    }

    /// Structural checks every receiver makes.
    pub fn check(&self) -> Result<(), EnvelopeError> {
        if self.version != VERSION {
            return Err(EnvelopeError::Version(self.version.clone()));
        }
        // One spelling per id: the gateway's idempotency compares ids as text, so upper case,
        // braces, no dashes or `urn:uuid:` would let one message in several times.
        if !is_canonical_uuid(&self.message_id) {
            return Err(EnvelopeError::MessageId);
        }
        if self.route_id.trim().is_empty() {
            return Err(EnvelopeError::Route);
        }
        if self
            .properties
            .iter()
            .any(|p| p.key.chars().count() > 30 || p.value.chars().count() > 500)
        {
            return Err(EnvelopeError::Property);
        }
        if chrono::DateTime::parse_from_rfc3339(&self.message_date).is_err() {
            return Err(EnvelopeError::Date);
        }
        Ok(())
    }
}

/// Writes `v` as compact JSON with the keys of every object sorted by their UTF-8 bytes, so
/// the bytes do not depend on the order fields were written or parsed in (nor on whether
/// serde_json keeps insertion order). Strings and numbers are written as serde_json writes
/// them: UTF-8, only `"`, `\` and control characters escaped; integers in decimal.
pub fn canonical_json(v: &serde_json::Value, out: &mut Vec<u8>) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend(serde_json::to_vec(k).expect("a string serialises"));
                out.push(b':');
                canonical_json(&m[k], out);
            }
            out.push(b'}');
        }
        Value::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical_json(x, out);
            }
            out.push(b']');
        }
        scalar => out.extend(serde_json::to_vec(scalar).expect("a scalar serialises")),
    }
}

/// The gateway's answer to a sent message (stored and replayed for a repeated `messageId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Accepted {
    pub message_id: String,
    pub seq: i64,
    pub state: DeliveryState,
    pub response_date: String,
}

/// A message handed to its recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub seq: i64,
    pub state: DeliveryState,
    pub envelope: Envelope,
}

/// An acknowledgement: the recipient took the message (or refused it, with the reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ack {
    pub accepted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The answer to one envelope of a batch: what `POST /v1/messages` would have answered it,
/// its HTTP status and either the `Accepted` or the `ErrorInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResult {
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Accepted>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
}

/// The ШЭП ErrorInfo shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorInfo {
    pub error_code: String,
    pub error_message: String,
}

/// A reference to a blob (a scan or a signed paper) carried in `data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlobRef {
    pub sha256: String,
    pub size: u64,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklist_item: Option<String>,
}

/// How much of a blob the gateway has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlobStatus {
    pub received: u64,
    pub complete: bool,
}

/// The witness of an office's audit chain and journals (`PUT`/`GET /v1/witness`); the types
/// live with the desk, which makes and checks them.
pub use crate::desk::audit_key::{JournalMark, Witness, WitnessPoint, Witnessed};

/// Whether `s` is a UUID written the one way the protocol allows: lower-case hex in the
/// 8-4-4-4-12 groups (what `Uuid::to_string` writes).
pub fn is_canonical_uuid(s: &str) -> bool {
    uuid::Uuid::try_parse(s).is_ok_and(|u| u.hyphenated().to_string() == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Envelope {
        Envelope {
            version: VERSION.into(),
            message_id: uuid::Uuid::now_v7().to_string(),
            correlation_id: None,
            service_id: "asp".into(),
            route_id: "0412".into(),
            message_type: MessageType::Request,
            message_date: "2026-11-22T10:00:00+05:00".into(),
            sender: Sender {
                sender_id: "con-0412".into(),
                workstation: None,
            },
            properties: vec![],
            data: serde_json::json!({"a": 1}),
            signature: None,
        }
    }

    #[test]
    fn signatures_cover_the_body() {
        let mut e = env();
        e.sign("secret");
        assert!(e.verify("secret").is_ok());
        assert!(e.verify("other").is_err());
        e.data = serde_json::json!({"a": 2});
        assert!(e.verify("secret").is_err());
        let j = serde_json::to_string(&env()).unwrap();
        assert!(
            j.contains("\"messageId\"") && j.contains("\"routeId\"") && j.contains("\"REQUEST\"")
        );
    }

    #[test]
    fn the_canonical_form_does_not_depend_on_field_order() {
        let mut e = env();
        e.data = serde_json::json!({"type": "status_notice", "status": "received", "n": [2, {"b": 1, "a": "Ә"}]});
        let shuffled: Envelope = serde_json::from_str(
            r#"{"data":{"n":[2,{"a":"Ә","b":1}],"status":"received","type":"status_notice"},
                "sender":{"senderId":"con-0412"},"messageDate":"2026-11-22T10:00:00+05:00",
                "messageType":"REQUEST","routeId":"0412","serviceId":"asp",
                "messageId":"MID","version":"mio-shep/1","correlationId":null}"#
                .replace("MID", &e.message_id)
                .as_str(),
        )
        .unwrap();
        assert_eq!(e.canonical(), shuffled.canonical());
        let text = String::from_utf8(e.canonical()).unwrap();
        assert!(
            text.starts_with(r#"{"data":{"n":[2,{"a":"Ә","b":1}],"status":"received""#),
            "{text}"
        );
        assert!(!text.contains("correlationId") && !text.contains("signature"));
    }

    /// The worked example of docs/gateway-protocol.md (checked there with jq and openssl).
    #[test]
    fn the_documented_signature_example() {
        let e: Envelope = serde_json::from_str(
            r#"{"version":"mio-shep/1","messageId":"01930000-0000-7000-8000-000000000001",
                "correlationId":"01930000-0000-7000-8000-0000000000aa","serviceId":"unemployed_certificate",
                "routeId":"con-0412","messageType":"NOTIFICATION","messageDate":"2026-11-16T10:00:00+05:00",
                "sender":{"senderId":"0413","workstation":"01"},
                "data":{"type":"status_notice","status":"received","statusText":{"kk":"Түскен","ru":"Поступившие"}}}"#,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(e.canonical()).unwrap(),
            r#"{"correlationId":"01930000-0000-7000-8000-0000000000aa","data":{"status":"received","statusText":{"kk":"Түскен","ru":"Поступившие"},"type":"status_notice"},"messageDate":"2026-11-16T10:00:00+05:00","messageId":"01930000-0000-7000-8000-000000000001","messageType":"NOTIFICATION","routeId":"con-0412","sender":{"senderId":"0413","workstation":"01"},"serviceId":"unemployed_certificate","version":"mio-shep/1"}"#
        );
        let mut signed = e.clone();
        signed.sign("example-token-of-0413");
        assert_eq!(
            signed.signature.unwrap().value,
            "2dKXxpATHcrbwv4mrSAjuKbB4064fRXZE0XjDAILQlA="
        );
    }

    #[test]
    fn structural_checks() {
        assert!(env().check().is_ok());
        let mut e = env();
        e.message_id = "x".into();
        assert_eq!(e.check(), Err(EnvelopeError::MessageId));
        let mut e = env();
        e.properties.push(Property {
            key: "k".repeat(31),
            value: String::new(),
        });
        assert_eq!(e.check(), Err(EnvelopeError::Property));
    }
}
