//! The reference regional gateway (РШЭП stand-in): an HTTP server (axum) with its own durable
//! store. It accepts messages idempotently on `messageId` (a replay gets the stored answer, the
//! same id with another body is refused), routes them by `routeId`, lets each client pull what
//! is routed to it and acknowledge it, and keeps scans and signed papers as blobs named by
//! SHA-256 with resumable upload. Every request is authenticated by a client token; a client
//! reads only its own messages.

mod verify;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::store::StoreError;
use crate::store::gateway::{Accept, BlobError, GatewayStore, Incoming};
use crate::sync::protocol::{
    Accepted, Ack, BatchResult, BlobStatus, Delivery, DeliveryState, Envelope, ErrorInfo,
    MAX_BATCH, MAX_BLOB, MAX_ENVELOPE,
};

/// The largest chunk of a blob upload.
pub const MAX_CHUNK: usize = 1024 * 1024;

struct Inner {
    store: Mutex<GatewayStore>,
}

type Shared = Arc<Inner>;

/// A new random access token.
pub fn new_token() -> String {
    use base64::Engine;
    use ring::rand::SecureRandom;
    let mut b = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .expect("randomness");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub fn token_hash(token: &str) -> String {
    crate::store::files::sha256_hex(token.as_bytes())
}

/// Registers a client (an office code, `con-…`, `portal`) and returns its new token.
pub fn add_client(db: &Path, name: &str) -> Result<String, StoreError> {
    let valid = !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(StoreError::Corrupt(format!(
            "client name {name:?}: latin letters, digits, - and _"
        )));
    }
    let mut s = GatewayStore::open(db)?;
    let token = new_token();
    s.set_client(name, &token_hash(&token))?;
    Ok(token)
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(ErrorInfo {
            error_code: code.into(),
            error_message: message.into(),
        }),
    )
        .into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", e.to_string())
}

/// Runs a store call off the async threads.
async fn with_store<T: Send + 'static>(
    s: &Shared,
    f: impl FnOnce(&mut GatewayStore) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    let s = s.clone();
    tokio::task::spawn_blocking(move || {
        let mut g = s.store.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut g)
    })
    .await
    .map_err(internal)?
    .map_err(internal)
}

/// The authenticated client and its token.
async fn client(s: &Shared, headers: &HeaderMap) -> Result<(String, String), Response> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string)
        .ok_or_else(|| {
            error(
                StatusCode::UNAUTHORIZED,
                "AUTH",
                "a Bearer token is required",
            )
        })?;
    let hash = token_hash(&token);
    let name = with_store(s, move |st| st.client_by_token_hash(&hash)).await?;
    match name {
        Some(n) => Ok((n, token)),
        None => Err(error(StatusCode::UNAUTHORIZED, "AUTH", "unknown token")),
    }
}

/// Every `sha256` string inside a message's data (the blobs it refers to).
fn blob_refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k == "sha256"
                    && let Some(s) = x.as_str()
                {
                    out.push(s.to_string());
                }
                blob_refs(x, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| blob_refs(x, out)),
        _ => {}
    }
}

/// The refusal of a request body that could not be read (too large, cut short), in the ШЭП
/// error shape.
fn body_refused(e: BytesRejection) -> Response {
    let status = e.status();
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "TOO_LARGE"
    } else {
        "MALFORMED"
    };
    error(status, code, e.body_text())
}

/// Why the gateway refuses one message.
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            code,
            message: message.into(),
        }
    }

    fn response(self) -> Response {
        error(self.status, self.code, self.message)
    }

    fn result(self) -> BatchResult {
        BatchResult {
            status: self.status.as_u16(),
            accepted: None,
            error: Some(ErrorInfo {
                error_code: self.code.into(),
                error_message: self.message,
            }),
        }
    }
}

/// A message that passed every check and may be stored.
struct Checked {
    message_id: String,
    hash: String,
    route: String,
    message_type: String,
    correlation_id: Option<String>,
    text: String,
    refs: Vec<String>,
}

/// Checks one envelope (its text as sent) from the authenticated client `name` as far as it
/// can without the store: size, shape, the sender and its signature; finds the blobs it names.
/// Runs before the store is locked, so other clients do not wait on this work.
fn parse_and_verify(name: &str, token: &str, text: String) -> Result<Checked, Refusal> {
    if text.len() > MAX_ENVELOPE {
        return Err(Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
            format!("an envelope is at most {MAX_ENVELOPE} bytes"),
        ));
    }
    let env: Envelope = serde_json::from_str(&text)
        .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, "MALFORMED", e.to_string()))?;
    env.check()
        .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, "MALFORMED", e.to_string()))?;
    if env.sender.sender_id != name {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "SENDER",
            format!("this token belongs to {name}, not {}", env.sender.sender_id),
        ));
    }
    if env.verify(token).is_err() {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "SIGNATURE",
            "the sender's signature does not match",
        ));
    }
    let mut refs = Vec::new();
    blob_refs(&env.data, &mut refs);
    Ok(Checked {
        hash: env.body_hash(),
        message_type: serde_json::to_value(env.message_type)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        message_id: env.message_id,
        route: env.route_id,
        correlation_id: env.correlation_id,
        text,
        refs,
    })
}

/// The rest of the checks, against the store: a known recipient, and blobs the sender may
/// name.
fn check_in_store(
    st: &GatewayStore,
    name: &str,
    c: &Checked,
) -> Result<Result<(), Refusal>, StoreError> {
    if !st.client_exists(&c.route)? {
        return Ok(Err(Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "ROUTE",
            format!("no recipient {}", c.route),
        )));
    }
    // A message may refer only to blobs that are whole and that its sender may read: the
    // recipient must be able to fetch them, and nobody gets another's blob by naming it.
    for sha in &c.refs {
        if !st.may_read(sha, name)? {
            return Ok(Err(Refusal::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "BLOB",
                format!("blob {sha} is not uploaded whole by this client"),
            )));
        }
    }
    Ok(Ok(()))
}

/// Stores checked messages from `sender` in one transaction and answers each (a refusal for
/// an id already used for another body).
fn store_checked(
    st: &mut GatewayStore,
    sender: &str,
    checked: &[Checked],
) -> Result<Vec<Result<String, Refusal>>, StoreError> {
    let items: Vec<Incoming<'_>> = checked
        .iter()
        .map(|c| Incoming {
            message_id: &c.message_id,
            body_hash: &c.hash,
            sender,
            route_id: &c.route,
            message_type: &c.message_type,
            correlation_id: c.correlation_id.as_deref(),
            envelope: &c.text,
            blob_refs: &c.refs,
        })
        .collect();
    verify::learn(st, sender, checked.iter().map(|c| c.text.as_str()));
    let answers = st.accept_many(&items, |message_id, seq| {
        serde_json::to_string(&Accepted {
            message_id: message_id.to_string(),
            seq,
            state: DeliveryState::OnDelivery,
            response_date: chrono::Utc::now().to_rfc3339(),
        })
        .expect("answer")
    })?;
    Ok(answers
        .into_iter()
        .map(|a| match a {
            Accept::New(a) | Accept::Replay(a) => Ok(a),
            Accept::Conflict => Err(Refusal::new(
                StatusCode::CONFLICT,
                "DUPLICATE_ID",
                "this messageId was used for another message",
            )),
        })
        .collect())
}

/// The authenticated sender (name, token) and the body of a send.
async fn sender_and_body(
    s: &Shared,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(String, String, Bytes), Response> {
    let (name, token) = client(s, headers).await?;
    let body = body.map_err(body_refused)?;
    Ok((name, token, body))
}

async fn send(
    State(s): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (name, token, body) = match sender_and_body(&s, &headers, body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let text = match String::from_utf8(body.to_vec()) {
        Ok(t) => t,
        Err(e) => return error(StatusCode::BAD_REQUEST, "MALFORMED", e.to_string()),
    };
    let checked = match parse_and_verify(&name, &token, text) {
        Ok(c) => c,
        Err(refusal) => return refusal.response(),
    };
    let r = with_store(&s, move |st| {
        Ok(match check_in_store(st, &name, &checked)? {
            Err(refusal) => Err(refusal),
            Ok(()) => store_checked(st, &name, &[checked])?.remove(0),
        })
    })
    .await;
    match r {
        Ok(Ok(a)) => (StatusCode::OK, [("content-type", "application/json")], a).into_response(),
        Ok(Err(refusal)) => refusal.response(),
        Err(r) => r,
    }
}

/// Many messages in one request (a JSON array of envelopes, at most `MAX_BATCH`), stored in
/// one transaction, in order. Each gets the answer the single send would give it: an
/// `Accepted`, or an error with the status it would have had.
async fn send_batch(
    State(s): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (name, token, body) = match sender_and_body(&s, &headers, body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    // Each envelope is kept as the sender wrote it (raw), as a single send keeps it.
    let list: Vec<Box<serde_json::value::RawValue>> = match serde_json::from_slice(&body) {
        Ok(l) => l,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "MALFORMED",
                format!("a batch is a JSON array of envelopes: {e}"),
            );
        }
    };
    if list.len() > MAX_BATCH {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
            format!("a batch is at most {MAX_BATCH} envelopes"),
        );
    }
    let parsed: Vec<Result<Checked, Refusal>> = list
        .into_iter()
        .map(|raw| parse_and_verify(&name, &token, raw.get().to_string()))
        .collect();
    let r = with_store(&s, move |st| {
        let mut results: Vec<Option<BatchResult>> = Vec::with_capacity(parsed.len());
        let mut checked = Vec::new();
        for p in parsed {
            let ok = match p {
                Ok(c) => check_in_store(st, &name, &c)?.map(|()| c),
                Err(refusal) => Err(refusal),
            };
            match ok {
                Ok(c) => {
                    checked.push(c);
                    results.push(None);
                }
                Err(refusal) => results.push(Some(refusal.result())),
            }
        }
        let mut stored = store_checked(st, &name, &checked)?.into_iter();
        Ok(results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| match stored.next() {
                    Some(Ok(a)) => BatchResult {
                        status: 200,
                        accepted: serde_json::from_str(&a).ok(),
                        error: None,
                    },
                    Some(Err(refusal)) => refusal.result(),
                    None => {
                        Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "lost answer")
                            .result()
                    }
                })
            })
            .collect::<Vec<_>>())
    })
    .await;
    match r {
        Ok(results) => Json(results).into_response(),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct PullQuery {
    #[serde(default)]
    after: i64,
    #[serde(default = "default_limit")]
    limit: usize,
}

fn default_limit() -> usize {
    100
}

fn deliveries(rows: Vec<crate::store::gateway::StoredMessage>) -> Vec<Delivery> {
    rows.into_iter()
        .filter_map(|m| {
            Some(Delivery {
                seq: m.seq,
                state: DeliveryState::parse(&m.state)?,
                envelope: serde_json::from_str(&m.envelope).ok()?,
            })
        })
        .collect()
}

/// A page of the messages routed to the caller: those still to deliver (`pull`) or all of
/// them (`inbox`).
async fn messages_for(
    s: &Shared,
    headers: &HeaderMap,
    q: PullQuery,
    undelivered_only: bool,
) -> Response {
    let (name, _) = match client(s, headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let limit = q.limit.clamp(1, 500);
    let rows = with_store(s, move |st| {
        st.touch(&name)?;
        if undelivered_only {
            st.pull(&name, q.after, limit)
        } else {
            st.all_for(&name, q.after, limit)
        }
    });
    match rows.await {
        Ok(rows) => Json(deliveries(rows)).into_response(),
        Err(r) => r,
    }
}

async fn pull(State(s): State<Shared>, headers: HeaderMap, Query(q): Query<PullQuery>) -> Response {
    messages_for(&s, &headers, q, true).await
}

async fn inbox(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<PullQuery>,
) -> Response {
    messages_for(&s, &headers, q, false).await
}

async fn ack(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (name, _) = match client(&s, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let body = match body {
        Ok(b) => b,
        Err(e) => return body_refused(e),
    };
    let a: Ack = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => return error(StatusCode::BAD_REQUEST, "MALFORMED", e.to_string()),
    };
    match with_store(&s, move |st| {
        st.ack(&name, &id, a.accepted, a.error.as_deref())
    })
    .await
    {
        Ok(Some(state)) => Json(serde_json::json!({"state": state})).into_response(),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "no such message for this client",
        ),
        Err(r) => r,
    }
}

async fn status(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let (name, _) = match client(&s, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match with_store(&s, move |st| st.by_id(&id)).await {
        Ok(Some(m)) if m.sender == name || m.route_id == name => {
            Json(serde_json::json!({"messageId": m.message_id, "state": m.state, "error": m.error}))
                .into_response()
        }
        Ok(_) => error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "no such message for this client",
        ),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct ChunkQuery {
    offset: u64,
    total: u64,
}

async fn blob_put(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(sha): UrlPath<String>,
    Query(q): Query<ChunkQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (name, _) = match client(&s, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let body = match body {
        Ok(b) => b,
        Err(e) => return body_refused(e),
    };
    if q.total > MAX_BLOB {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
            format!("a blob is at most {MAX_BLOB} bytes"),
        );
    }
    match with_store(&s, move |st| {
        st.blob_append(&sha, q.offset, q.total, &body, &name)
    })
    .await
    {
        Ok(Ok((received, complete))) => Json(BlobStatus { received, complete }).into_response(),
        Ok(Err(BlobError::Busy)) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "BLOB_BUSY",
            "another client is uploading the same blob; try again later",
        ),
        Ok(Err(e)) => error(
            StatusCode::CONFLICT,
            "BLOB",
            match e {
                BlobError::NotSha => "not a SHA-256",
                BlobError::Hash => "the bytes do not match their SHA-256",
                _ => "offset or size does not match the upload",
            },
        ),
        Err(r) => r,
    }
}

async fn blob_status(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(sha): UrlPath<String>,
) -> Response {
    let (name, _) = match client(&s, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match with_store(&s, move |st| st.blob_status(&sha, &name)).await {
        Ok(Some((received, _, complete))) => {
            Json(BlobStatus { received, complete }).into_response()
        }
        Ok(None) => Json(BlobStatus {
            received: 0,
            complete: false,
        })
        .into_response(),
        Err(r) => r,
    }
}

async fn blob_get(
    State(s): State<Shared>,
    headers: HeaderMap,
    UrlPath(sha): UrlPath<String>,
) -> Response {
    let (name, _) = match client(&s, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match with_store(&s, move |st| st.blob_get(&sha, &name)).await {
        Ok(Some(b)) => (
            StatusCode::OK,
            [("content-type", "application/octet-stream")],
            b,
        )
            .into_response(),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "no such blob for this client",
        ),
        Err(r) => r,
    }
}

async fn whoami(State(s): State<Shared>, headers: HeaderMap) -> Response {
    match client(&s, &headers).await {
        Ok((name, _)) => Json(serde_json::json!({"client": name})).into_response(),
        Err(r) => r,
    }
}

/// The gateway's routes.
pub fn router(store: GatewayStore) -> Router {
    let shared: Shared = Arc::new(Inner {
        store: Mutex::new(store),
    });
    Router::new()
        .route("/v1/messages", post(send).get(pull))
        .route("/v1/messages/batch", post(send_batch))
        .route("/v1/inbox", get(inbox))
        .route("/v1/whoami", get(whoami))
        .route("/v1/messages/{id}/ack", post(ack))
        .route("/v1/messages/{id}/status", get(status))
        .route("/v1/blobs/{sha}", get(blob_get).put(blob_put))
        .route("/v1/blobs/{sha}/status", get(blob_status))
        .route("/verify/{number}", get(verify::verify_page))
        .layer(DefaultBodyLimit::max(MAX_CHUNK + 64 * 1024))
        .with_state(shared)
}

/// Serves on a bound listener until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    db: PathBuf,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let store = GatewayStore::open(&db).map_err(std::io::Error::other)?;
    axum::serve(listener, router(store))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Binds `addr` and serves (the `gateway serve` command).
pub fn run(addr: SocketAddr, db: PathBuf) -> std::io::Result<()> {
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        eprintln!("gateway listening on {}", listener.local_addr()?);
        serve(listener, db, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    })
}
