//! The HTTP client of the gateway protocol (used by the workstation's engine and by the
//! `gateway submit` / `gateway inbox` tools).

use std::time::Duration;

use super::protocol::{Accepted, Ack, BatchResult, BlobStatus, Delivery, Envelope, ErrorInfo};
use crate::store::files::sha256_hex;

/// Size of an upload chunk.
pub const CHUNK: usize = 256 * 1024;

/// A failed call: worth retrying later, or not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("gateway unreachable: {0}")]
    Transient(String),
    #[error("gateway refused ({status}): {message}")]
    Permanent {
        status: u16,
        code: String,
        message: String,
    },
}

impl CallError {
    pub fn is_transient(&self) -> bool {
        matches!(self, CallError::Transient(_))
    }

    /// The gateway refuses this workstation, not the message: the token is unknown (401) or
    /// belongs to another client than the office code (403 SENDER). Every message would be
    /// refused alike, so they stay queued until the settings are fixed.
    pub fn is_config(&self) -> bool {
        matches!(self, CallError::Permanent { status: 401, .. })
            || matches!(self, CallError::Permanent { status: 403, code, .. } if code == "SENDER")
    }

    /// Worth sending again later (the gateway is away, or refuses every message alike).
    pub fn retry_later(&self) -> bool {
        self.is_transient() || self.is_config()
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

fn transient(e: reqwest::Error) -> CallError {
    CallError::Transient(e.to_string())
}

async fn check(resp: reqwest::Response) -> Result<reqwest::Response, CallError> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let code = status.as_u16();
    let body = resp.text().await.unwrap_or_default();
    let info: Option<ErrorInfo> = serde_json::from_str(&body).ok();
    Err(classify(
        code,
        info.unwrap_or(ErrorInfo {
            error_code: "HTTP".into(),
            error_message: body,
        }),
    ))
}

/// A refusal with this status: worth retrying (the gateway's trouble) or not.
fn classify(status: u16, info: ErrorInfo) -> CallError {
    if (500..600).contains(&status) || status == 408 || status == 429 {
        CallError::Transient(format!("{status} {}", info.error_message))
    } else {
        CallError::Permanent {
            status,
            code: info.error_code,
            message: info.error_message,
        }
    }
}

impl Client {
    pub fn new(base: &str, token: &str) -> Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client");
        Client {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a (signed) envelope.
    pub async fn send(&self, env: &Envelope) -> Result<Accepted, CallError> {
        let resp = self
            .http
            .post(self.url("/v1/messages"))
            .bearer_auth(&self.token)
            .json(env)
            .send()
            .await
            .map_err(transient)?;
        check(resp).await?.json().await.map_err(transient)
    }

    /// Sends signed envelopes in one request (`POST /v1/messages/batch`): one answer per
    /// envelope, in order. `Ok(None)` when the gateway has no batch endpoint (404/405): send
    /// them one by one.
    pub async fn send_batch(
        &self,
        envs: &[&Envelope],
    ) -> Result<Option<Vec<Result<Accepted, CallError>>>, CallError> {
        let resp = self
            .http
            .post(self.url("/v1/messages/batch"))
            .bearer_auth(&self.token)
            .json(envs)
            .send()
            .await
            .map_err(transient)?;
        if matches!(resp.status().as_u16(), 404 | 405) {
            return Ok(None);
        }
        let results: Vec<BatchResult> = check(resp).await?.json().await.map_err(transient)?;
        if results.len() != envs.len() {
            return Err(CallError::Transient(format!(
                "the gateway answered {} of {} messages",
                results.len(),
                envs.len()
            )));
        }
        Ok(Some(
            results
                .into_iter()
                .map(|r| match (r.status, r.accepted, r.error) {
                    (200, Some(a), _) => Ok(a),
                    (status, _, error) => Err(classify(
                        status,
                        error.unwrap_or(ErrorInfo {
                            error_code: "HTTP".into(),
                            error_message: format!("status {status}"),
                        }),
                    )),
                })
                .collect(),
        ))
    }

    /// Undelivered messages for this client after a sequence number.
    pub async fn pull(&self, after: i64, limit: usize) -> Result<Vec<Delivery>, CallError> {
        let resp = self
            .http
            .get(self.url(&format!("/v1/messages?after={after}&limit={limit}")))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(transient)?;
        check(resp).await?.json().await.map_err(transient)
    }

    /// Every message routed to this client (delivered or not).
    pub async fn inbox(&self, after: i64, limit: usize) -> Result<Vec<Delivery>, CallError> {
        let resp = self
            .http
            .get(self.url(&format!("/v1/inbox?after={after}&limit={limit}")))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(transient)?;
        check(resp).await?.json().await.map_err(transient)
    }

    pub async fn ack(&self, message_id: &str, ack: &Ack) -> Result<(), CallError> {
        let resp = self
            .http
            .post(self.url(&format!("/v1/messages/{message_id}/ack")))
            .bearer_auth(&self.token)
            .json(ack)
            .send()
            .await
            .map_err(transient)?;
        check(resp).await.map(|_| ())
    }

    /// The delivery state of a message this client sent or receives.
    pub async fn status(&self, message_id: &str) -> Result<serde_json::Value, CallError> {
        let resp = self
            .http
            .get(self.url(&format!("/v1/messages/{message_id}/status")))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(transient)?;
        check(resp).await?.json().await.map_err(transient)
    }

    /// Uploads bytes as a blob, resuming where an earlier attempt stopped. Returns the hash.
    pub async fn upload(&self, bytes: &[u8]) -> Result<String, CallError> {
        let sha = sha256_hex(bytes);
        let resp = self
            .http
            .get(self.url(&format!("/v1/blobs/{sha}/status")))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(transient)?;
        let st: BlobStatus = check(resp).await?.json().await.map_err(transient)?;
        if st.complete {
            return Ok(sha);
        }
        let total = bytes.len() as u64;
        let mut offset = st.received.min(total);
        while offset < total || total == 0 {
            let end = (offset as usize + CHUNK).min(bytes.len());
            let resp = self
                .http
                .put(self.url(&format!("/v1/blobs/{sha}?offset={offset}&total={total}")))
                .bearer_auth(&self.token)
                .body(bytes[offset as usize..end].to_vec())
                .send()
                .await
                .map_err(transient)?;
            let st: BlobStatus = check(resp).await?.json().await.map_err(transient)?;
            if st.complete {
                break;
            }
            offset = st.received;
            if total == 0 {
                break;
            }
        }
        Ok(sha)
    }

    /// Downloads a blob and checks its hash.
    pub async fn download(&self, sha: &str) -> Result<Vec<u8>, CallError> {
        let resp = self
            .http
            .get(self.url(&format!("/v1/blobs/{sha}")))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(transient)?;
        let bytes = check(resp)
            .await?
            .bytes()
            .await
            .map_err(transient)?
            .to_vec();
        if sha256_hex(&bytes) != sha {
            return Err(CallError::Transient(format!("blob {sha} arrived damaged")));
        }
        Ok(bytes)
    }

    /// Reports the office's audit head and journal counters (the gateway keeps them as a
    /// witness). `Ok(false)` when the gateway has no witness endpoint.
    pub async fn put_witness(&self, w: &super::protocol::Witness) -> Result<bool, CallError> {
        let resp = self
            .http
            .put(self.url("/v1/witness"))
            .bearer_auth(&self.token)
            .json(w)
            .send()
            .await
            .map_err(transient)?;
        if matches!(resp.status().as_u16(), 404 | 405) {
            return Ok(false);
        }
        check(resp).await.map(|_| true)
    }

    /// What the gateway witnessed for this client.
    pub async fn witness(&self) -> Result<super::protocol::Witnessed, CallError> {
        let resp = self
            .http
            .get(self.url("/v1/witness"))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(transient)?;
        check(resp).await?.json().await.map_err(transient)
    }

    /// The name this token belongs to.
    pub async fn whoami(&self) -> Result<String, CallError> {
        let resp = self
            .http
            .get(self.url("/v1/whoami"))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(transient)?;
        let v: serde_json::Value = check(resp).await?.json().await.map_err(transient)?;
        Ok(v["client"].as_str().unwrap_or_default().to_string())
    }
}
