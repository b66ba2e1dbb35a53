//! The reference regional gateway (РШЭП stand-in): an HTTP server (axum) with its own durable
//! store ([`store`]: a SQLite file for a rehearsal on one PC, a PostgreSQL database for a
//! region; store calls run on blocking threads, as many at once as the backend takes). It accepts messages idempotently on `messageId` (a replay gets the stored answer, the
//! same id with another body is refused), routes them by `routeId`, lets each client pull what
//! is routed to it and acknowledge it, and keeps scans and signed papers as blobs named by
//! SHA-256 with resumable upload. Every request is authenticated by a client token; a client
//! reads only its own messages.

pub mod store;
mod verify;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::store::{Backend, StoreError};
use crate::sync::protocol::{
    Accepted, Ack, BatchResult, BlobStatus, Delivery, DeliveryState, Envelope, ErrorInfo,
    MAX_BATCH, MAX_BLOB, MAX_ENVELOPE,
};
use store::{Accept, BlobError, GatewayDb, GatewayStore, Incoming};

/// The largest chunk of a blob upload.
pub const MAX_CHUNK: usize = 1024 * 1024;

/// The largest request body (a chunk and its framing).
pub const MAX_BODY: usize = MAX_CHUNK + 64 * 1024;

/// A body announced larger than [`MAX_BODY`] but at most this is read and thrown away before
/// the `413` answer, so that the client, still sending, can read it (closing the connection
/// on a client that is still sending resets it, and the client sees no answer at all).
const DRAIN_AT_MOST: u64 = 64 * 1024 * 1024;

/// How long a client may take: to send a request's headers, and to send a whole request (its
/// body included) and get the answer.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub header: std::time::Duration,
    pub request: std::time::Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header: std::time::Duration::from_secs(10),
            request: std::time::Duration::from_secs(60),
        }
    }
}

struct Inner {
    store: Arc<GatewayStore>,
    /// Store calls running at once (each on a blocking thread, on PostgreSQL each with a
    /// connection of its own); more wait here rather than pile up threads.
    permits: tokio::sync::Semaphore,
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
pub fn add_client(db: impl Into<GatewayDb>, name: &str) -> Result<String, StoreError> {
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
    let s = GatewayStore::at(&db.into())?;
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
    f: impl FnOnce(&GatewayStore) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    let _permit = s.permits.acquire().await.map_err(internal)?;
    let store = s.store.clone();
    tokio::task::spawn_blocking(move || f(&store))
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
    /// `data.type` (a withdrawal, a status notice…), for the routing table.
    data_type: String,
    correlation_id: Option<String>,
    text: String,
    refs: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// The routing table (docs/gateway-protocol.md §1): who may send which message type to whom,
// and only about applications they are party to. Kept in one place.

/// The kind of a gateway client, told by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// A department (МИО): its office code.
    Office,
    /// A ЦОН: `con-<office code>`, serving that office's district.
    Con,
    /// The e-gov portal: `portal`.
    Portal,
}

impl ClientKind {
    pub fn of(name: &str) -> ClientKind {
        if name == "portal" {
            ClientKind::Portal
        } else if name.starts_with("con-") {
            ClientKind::Con
        } else {
            ClientKind::Office
        }
    }
}

/// Who may send what to whom: (sender kind, message type, `data.type` or `*`, recipient kind).
pub const ROUTES: &[(ClientKind, &str, &str, ClientKind)] = &[
    (ClientKind::Con, "REQUEST", "*", ClientKind::Office),
    (ClientKind::Portal, "REQUEST", "*", ClientKind::Office),
    (ClientKind::Con, "UPDATE", "withdraw", ClientKind::Office),
    (ClientKind::Portal, "UPDATE", "withdraw", ClientKind::Office),
    (ClientKind::Office, "NOTIFICATION", "*", ClientKind::Con),
    (ClientKind::Office, "NOTIFICATION", "*", ClientKind::Portal),
    (ClientKind::Office, "RESPONSE", "*", ClientKind::Con),
    (ClientKind::Office, "RESPONSE", "*", ClientKind::Portal),
    // A rural akimat is a client under its own code, as an office is: its package to the
    // department, and the handover or the citizen's withdrawal that follows; the department's
    // notices and result back. The party check holds both ends to the akimat's own package.
    (
        ClientKind::Office,
        "REQUEST",
        "akimat_package",
        ClientKind::Office,
    ),
    (ClientKind::Office, "UPDATE", "issued", ClientKind::Office),
    (ClientKind::Office, "UPDATE", "withdraw", ClientKind::Office),
    (ClientKind::Office, "NOTIFICATION", "*", ClientKind::Office),
    (ClientKind::Office, "RESPONSE", "*", ClientKind::Office),
];

/// Whether the routing table lets `sender` send this message to its recipient, judged on the
/// message alone (the party checks against stored messages follow in [`party_check`]).
fn route_allowed(sender: &str, c: &Checked) -> Result<(), Refusal> {
    let (from, to) = (ClientKind::of(sender), ClientKind::of(&c.route));
    let listed = ROUTES.iter().any(|(f, t, d, r)| {
        *f == from && *t == c.message_type && (*d == "*" || *d == c.data_type) && *r == to
    });
    if !listed {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "ROUTE_FORBIDDEN",
            format!(
                "a {from:?} client may not send {} {} to a {to:?} client ({})",
                c.message_type,
                if c.data_type.is_empty() {
                    String::new()
                } else {
                    format!("({})", c.data_type)
                },
                c.route
            ),
        ));
    }
    // A ЦОН serves its own district's office.
    if from == ClientKind::Con && sender.strip_prefix("con-") != Some(c.route.as_str()) {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "ROUTE_FORBIDDEN",
            format!("{sender} serves another district than {}", c.route),
        ));
    }
    Ok(())
}

/// The party checks: a withdrawal names a request its sender sent to that office (or a
/// registration number, which the office checks), a notice or result answers a request the
/// recipient sent to the notifying office, and an akimat's handover or withdrawal names its
/// own package to that department.
fn party_check(
    st: &GatewayStore,
    sender: &str,
    c: &Checked,
) -> Result<Result<(), Refusal>, StoreError> {
    let not_party = |why: String| Ok(Err(Refusal::new(StatusCode::FORBIDDEN, "NOT_PARTY", why)));
    let (from, message_type) = (ClientKind::of(sender), c.message_type.as_str());
    let Some(corr) = c.correlation_id.as_deref() else {
        return match message_type {
            "REQUEST" => Ok(Ok(())),
            _ => not_party(format!(
                "a {message_type} must name its application (correlationId)"
            )),
        };
    };
    if message_type == "REQUEST" {
        return Ok(Ok(()));
    }
    // The request this message is about: sent by `requester` to `office`.
    let (requester, office) = match (from, c.data_type.as_str()) {
        // An akimat's handover or withdrawal answers its own package to the department.
        (ClientKind::Office, "issued" | "withdraw") => (sender, c.route.as_str()),
        (ClientKind::Office, _) => (c.route.as_str(), sender),
        _ => (sender, c.route.as_str()),
    };
    if from != ClientKind::Office && !crate::sync::protocol::is_canonical_uuid(corr) {
        // A registration number from the citizen's receipt: the office checks whose it is.
        return Ok(Ok(()));
    }
    match st.route_of(corr)? {
        Some((s, r, t)) if s == requester && r == office && t == "REQUEST" => Ok(Ok(())),
        // A withdrawal may overtake its application: the office keeps it waiting and checks,
        // when the application arrives, that the same client sent both.
        None if from != ClientKind::Office => Ok(Ok(())),
        // An akimat's handover or withdrawal of a package that went on a USB stick (the
        // gateway never carried it): the department checks the package is that akimat's, as
        // it checks a ЦОН's withdrawal. A package the gateway did carry is checked here.
        None if matches!(c.data_type.as_str(), "issued" | "withdraw")
            && crate::sync::protocol::is_canonical_uuid(corr) =>
        {
            Ok(Ok(()))
        }
        _ => not_party(format!(
            "{corr} is not a request from {requester} to {office}: {sender} is not party to it"
        )),
    }
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
        data_type: env.data["type"].as_str().unwrap_or_default().to_string(),
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
    if let Err(refusal) = route_allowed(name, c) {
        return Ok(Err(refusal));
    }
    party_check(st, name, c)
}

/// Stores checked messages from `sender` in one transaction and answers each (a refusal for
/// an id already used for another body).
fn store_checked(
    st: &GatewayStore,
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
    limit: i64,
}

fn default_limit() -> i64 {
    100
}

/// The largest page of a pull or an inbox read.
pub const MAX_LIMIT: i64 = 500;

/// A page request within the documented bounds: `after` ≥ 0, `limit` 1…500.
fn page(q: Result<Query<PullQuery>, QueryRejection>) -> Result<(i64, usize), Refusal> {
    let Query(q) =
        q.map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, "MALFORMED", e.body_text()))?;
    if q.after < 0 {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "MALFORMED",
            format!("after must be 0 or more, not {}", q.after),
        ));
    }
    if !(1..=MAX_LIMIT).contains(&q.limit) {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "MALFORMED",
            format!("limit must be 1…{MAX_LIMIT}, not {}", q.limit),
        ));
    }
    Ok((q.after, q.limit as usize))
}

/// A query string that could not be read, in the ШЭП error shape.
fn query_refused(e: QueryRejection) -> Response {
    error(StatusCode::BAD_REQUEST, "MALFORMED", e.body_text())
}

fn deliveries(rows: Vec<store::StoredMessage>) -> Vec<Delivery> {
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
    q: Result<Query<PullQuery>, QueryRejection>,
    undelivered_only: bool,
) -> Response {
    let (name, _) = match client(s, headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (after, limit) = match page(q) {
        Ok(p) => p,
        Err(refusal) => return refusal.response(),
    };
    let rows = with_store(s, move |st| {
        st.touch(&name)?;
        if undelivered_only {
            st.pull(&name, after, limit)
        } else {
            st.all_for(&name, after, limit)
        }
    });
    match rows.await {
        Ok(rows) => Json(deliveries(rows)).into_response(),
        Err(r) => r,
    }
}

async fn pull(
    State(s): State<Shared>,
    headers: HeaderMap,
    q: Result<Query<PullQuery>, QueryRejection>,
) -> Response {
    messages_for(&s, &headers, q, true).await
}

async fn inbox(
    State(s): State<Shared>,
    headers: HeaderMap,
    q: Result<Query<PullQuery>, QueryRejection>,
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
    q: Result<Query<ChunkQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (name, _) = match client(&s, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let q = match q {
        Ok(Query(q)) => q,
        Err(e) => return query_refused(e),
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

/// How many witnessed heads `GET /v1/witness` gives at most.
pub const WITNESS_HISTORY: usize = 1000;

/// An office reports its audit chain's head and journal counters (kept as a witness).
async fn witness_put(
    State(s): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (name, _) = match client(&s, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if ClientKind::of(&name) != ClientKind::Office {
        return error(
            StatusCode::FORBIDDEN,
            "ROUTE_FORBIDDEN",
            "only an office has an audit chain to witness",
        );
    }
    let body = match body {
        Ok(b) => b,
        Err(e) => return body_refused(e),
    };
    let w: crate::sync::protocol::Witness = match serde_json::from_slice(&body) {
        Ok(w) => w,
        Err(e) => return error(StatusCode::BAD_REQUEST, "MALFORMED", e.to_string()),
    };
    let hex_hash = w.audit_hash.len() == 64 && w.audit_hash.bytes().all(|b| b.is_ascii_hexdigit());
    if w.audit_count < 0 || !hex_hash {
        return error(
            StatusCode::BAD_REQUEST,
            "MALFORMED",
            "auditCount is 0 or more and auditHash 64 hex digits",
        );
    }
    let mut journals = w.journals.clone();
    journals.sort();
    let journals = serde_json::to_string(&journals).unwrap_or_default();
    match with_store(&s, move |st| {
        st.put_witness(&name, w.audit_count, &w.audit_hash, &journals, w.restored)
    })
    .await
    {
        Ok(()) => Json(serde_json::json!({"witnessed": true})).into_response(),
        Err(r) => r,
    }
}

/// What the gateway witnessed for the caller.
async fn witness_get(State(s): State<Shared>, headers: HeaderMap) -> Response {
    let (name, _) = match client(&s, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match with_store(&s, move |st| st.witness(&name, WITNESS_HISTORY)).await {
        Ok(rows) => {
            let latest = rows
                .last()
                .map(|(c, h, j, _)| crate::sync::protocol::Witness {
                    audit_count: *c,
                    audit_hash: h.clone(),
                    journals: serde_json::from_str(j).unwrap_or_default(),
                    restored: false,
                });
            let history = rows
                .into_iter()
                .map(|(c, h, _, at)| crate::sync::protocol::WitnessPoint {
                    audit_count: c,
                    audit_hash: h,
                    at,
                })
                .collect();
            Json(crate::sync::protocol::Witnessed { latest, history }).into_response()
        }
        Err(r) => r,
    }
}

async fn whoami(State(s): State<Shared>, headers: HeaderMap) -> Response {
    match client(&s, &headers).await {
        Ok((name, _)) => Json(serde_json::json!({"client": name})).into_response(),
        Err(r) => r,
    }
}

/// Answers a body announced too large with a readable `413` (see [`DRAIN_AT_MOST`]).
async fn refuse_large_bodies(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let announced = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(len) = announced
        && len > MAX_BODY as u64
    {
        if len <= DRAIN_AT_MOST {
            use futures::StreamExt;
            let mut body = req.into_body().into_data_stream();
            let _ = tokio::time::timeout(std::time::Duration::from_secs(30), async {
                while let Some(Ok(_)) = body.next().await {}
            })
            .await;
        }
        let mut r = error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TOO_LARGE",
            format!("a request body is at most {MAX_BODY} bytes, this one is {len}"),
        );
        r.headers_mut().insert(
            axum::http::header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
        return r;
    }
    next.run(req).await
}

/// Ends a request that takes longer than `limit` (a slow client trickling its body) with
/// `408 TIMEOUT`.
async fn time_limit(
    limit: std::time::Duration,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => error(
            StatusCode::REQUEST_TIMEOUT,
            "TIMEOUT",
            format!(
                "the request was not received and answered within {} s",
                limit.as_secs()
            ),
        ),
    }
}

/// The gateway's routes.
pub fn router(store: Arc<GatewayStore>) -> Router {
    router_with(store, Timeouts::default())
}

/// The gateway's routes, with the given request time limit.
pub fn router_with(store: Arc<GatewayStore>, timeouts: Timeouts) -> Router {
    let permits = match store.backend() {
        Backend::Sqlite => 4,
        Backend::Postgres => store::PG_CONNECTIONS,
    };
    let shared: Shared = Arc::new(Inner {
        store,
        permits: tokio::sync::Semaphore::new(permits),
    });
    let limit = timeouts.request;
    Router::new()
        .route("/v1/messages", post(send).get(pull))
        .route("/v1/messages/batch", post(send_batch))
        .route("/v1/inbox", get(inbox))
        .route("/v1/whoami", get(whoami))
        .route("/v1/witness", get(witness_get).put(witness_put))
        .route("/v1/messages/{id}/ack", post(ack))
        .route("/v1/messages/{id}/status", get(status))
        .route("/v1/blobs/{sha}", get(blob_get).put(blob_put))
        .route("/v1/blobs/{sha}/status", get(blob_status))
        .route("/verify/{number}", get(verify::verify_page))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such endpoint") })
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD",
                "this endpoint does not take that method",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn(refuse_large_bodies))
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                time_limit(limit, req, next)
            },
        ))
        .with_state(shared)
}

/// Serves on a bound listener until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    db: impl Into<GatewayDb>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, db, Timeouts::default(), shutdown).await
}

/// Serves with the given time limits: a client that has not sent a request's headers within
/// `timeouts.header` is disconnected, one that has not sent the whole request within
/// `timeouts.request` gets `408`. On shutdown, connections finish the request in hand.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    db: impl Into<GatewayDb>,
    timeouts: Timeouts,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let db = db.into();
    // The PostgreSQL client is synchronous: it is opened, used and closed on blocking threads.
    let store = tokio::task::spawn_blocking(move || GatewayStore::at(&db))
        .await
        .map_err(std::io::Error::other)?
        .map_err(std::io::Error::other)?;
    let store = Arc::new(store);
    let app = router_with(store.clone(), timeouts);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut conns = tokio::task::JoinSet::new();
    let shutdown = std::pin::pin!(shutdown);
    let mut shutdown = shutdown;
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    Err(_) => {
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = hyper_util::service::TowerToHyperService::new(app.clone());
                let mut stop = stop_rx.clone();
                conns.spawn(async move {
                    let mut builder = hyper::server::conn::http1::Builder::new();
                    builder
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(timeouts.header);
                    let conn = builder
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                    let mut conn = std::pin::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = stop.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    let _ = stop_tx.send(true);
    while conns.join_next().await.is_some() {}
    drop(app);
    let _ = tokio::task::spawn_blocking(move || drop(store)).await;
    Ok(())
}

/// Binds `addr` and serves (the `gateway serve` command).
pub fn run(addr: SocketAddr, db: GatewayDb) -> std::io::Result<()> {
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        eprintln!(
            "gateway listening on {} ({})",
            listener.local_addr()?,
            db.shown()
        );
        serve(listener, db, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    })
}
