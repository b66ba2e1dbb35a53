//! The reference regional gateway (РШЭП stand-in): an HTTP server (axum) with its own durable
//! store. It accepts messages idempotently on `messageId` (a replay gets the stored answer, the
//! same id with another body is refused), routes them by `routeId`, lets each client pull what
//! is routed to it and acknowledge it, and keeps scans and signed papers as blobs named by
//! SHA-256 with resumable upload. Every request is authenticated by a client token; a client
//! reads only its own messages.

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
use crate::store::gateway::{Accept, BlobError, GatewayStore};
use crate::sync::protocol::{
    Accepted, Ack, BlobStatus, Delivery, DeliveryState, Envelope, ErrorInfo, MAX_BLOB, MAX_ENVELOPE,
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

async fn send(
    State(s): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (name, token) = match client(&s, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let body = match body {
        Ok(b) => b,
        Err(e) => return body_refused(e),
    };
    if body.len() > MAX_ENVELOPE {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
            format!("an envelope is at most {MAX_ENVELOPE} bytes"),
        );
    }
    let env: Envelope = match serde_json::from_slice(&body) {
        Ok(e) => e,
        Err(e) => return error(StatusCode::BAD_REQUEST, "MALFORMED", e.to_string()),
    };
    if let Err(e) = env.check() {
        return error(StatusCode::BAD_REQUEST, "MALFORMED", e.to_string());
    }
    if env.sender.sender_id != name {
        return error(
            StatusCode::FORBIDDEN,
            "SENDER",
            format!("this token belongs to {name}, not {}", env.sender.sender_id),
        );
    }
    if env.verify(&token).is_err() {
        return error(
            StatusCode::FORBIDDEN,
            "SIGNATURE",
            "the sender's signature does not match",
        );
    }
    let route = env.route_id.clone();
    let known = match with_store(&s, move |st| st.client_exists(&route)).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    if !known {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "ROUTE",
            format!("no recipient {}", env.route_id),
        );
    }
    let mut refs = Vec::new();
    blob_refs(&env.data, &mut refs);
    // A message may refer only to blobs that are whole and that its sender may read: the
    // recipient must be able to fetch them, and nobody gets another's blob by naming it.
    let (check, who) = (refs.clone(), name.clone());
    let unusable = match with_store(&s, move |st| {
        for sha in &check {
            if !st.may_read(sha, &who)? {
                return Ok(Some(sha.clone()));
            }
        }
        Ok(None)
    })
    .await
    {
        Ok(u) => u,
        Err(r) => return r,
    };
    if let Some(sha) = unusable {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "BLOB",
            format!("blob {sha} is not uploaded whole by this client"),
        );
    }
    let text = String::from_utf8_lossy(&body).to_string();
    let message_id = env.message_id.clone();
    let hash = env.body_hash();
    let sender = name.clone();
    let route = env.route_id.clone();
    let mtype = serde_json::to_value(env.message_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let corr = env.correlation_id.clone();
    let r = with_store(&s, move |st| {
        st.accept(
            &message_id,
            &hash,
            &sender,
            &route,
            &mtype,
            corr.as_deref(),
            &text,
            &refs,
            |seq| {
                serde_json::to_string(&Accepted {
                    message_id: message_id.clone(),
                    seq,
                    state: DeliveryState::OnDelivery,
                    response_date: chrono::Utc::now().to_rfc3339(),
                })
                .expect("answer")
            },
        )
    })
    .await;
    match r {
        Ok(Accept::New(a)) | Ok(Accept::Replay(a)) => {
            (StatusCode::OK, [("content-type", "application/json")], a).into_response()
        }
        Ok(Accept::Conflict) => error(
            StatusCode::CONFLICT,
            "DUPLICATE_ID",
            "this messageId was used for another message",
        ),
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

async fn pull(State(s): State<Shared>, headers: HeaderMap, Query(q): Query<PullQuery>) -> Response {
    let (name, _) = match client(&s, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let limit = q.limit.clamp(1, 500);
    match with_store(&s, move |st| st.pull(&name, q.after, limit)).await {
        Ok(rows) => Json(deliveries(rows)).into_response(),
        Err(r) => r,
    }
}

async fn inbox(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<PullQuery>,
) -> Response {
    let (name, _) = match client(&s, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let limit = q.limit.clamp(1, 500);
    match with_store(&s, move |st| st.all_for(&name, q.after, limit)).await {
        Ok(rows) => Json(deliveries(rows)).into_response(),
        Err(r) => r,
    }
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
        .route("/v1/inbox", get(inbox))
        .route("/v1/whoami", get(whoami))
        .route("/v1/messages/{id}/ack", post(ack))
        .route("/v1/messages/{id}/status", get(status))
        .route("/v1/blobs/{sha}", get(blob_get).put(blob_put))
        .route("/v1/blobs/{sha}/status", get(blob_status))
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
