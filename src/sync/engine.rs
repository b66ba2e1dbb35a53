//! The workstation's exchange with the gateway: drain the outbox in order (idempotent on the
//! message id, retried with exponential backoff and jitter), then pull what is routed to the
//! office, apply each message exactly once and acknowledge it. Nothing here is needed for
//! clerk work: with the gateway down, everything waits in the outbox.

use std::sync::Arc;

use serde::Serialize;

use super::client::{CallError, Client};
use super::protocol::{
    Ack, BlobRef, Envelope, MAX_BATCH, MAX_BATCH_BYTES, MessageType, Sender, VERSION,
};
use crate::desk::Desk;
use crate::desk::exchange::{Applied, Delivered, Inbound};
use crate::desk::intake::NewFile;
use crate::domain::model::Lang;
use crate::store::outbox::OutboxRow;

/// What one exchange did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub sent: usize,
    pub retry_later: usize,
    pub failed: usize,
    pub received: usize,
    pub applied: usize,
    pub duplicates: usize,
    pub rejected: usize,
    pub waiting: usize,
    pub conflicts: usize,
    pub errors: Vec<String>,
}

impl Report {
    pub fn line(&self) -> String {
        format!(
            "sent {} (retry later {}, failed {}), received {} (applied {}, duplicates {}, rejected {}, waiting {}, conflicts {})",
            self.sent,
            self.retry_later,
            self.failed,
            self.received,
            self.applied,
            self.duplicates,
            self.rejected,
            self.waiting,
            self.conflicts
        )
    }
}

/// Knobs for tests.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Stop after applying pulled messages, before acknowledging them (a workstation killed
    /// mid-sync).
    pub stop_before_ack: bool,
    /// Send at most this many outbox messages (0 = all due).
    pub max_send: usize,
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// When the message was made (the outbox row's creation), in the office's time zone. Fixed
/// for the life of the message: a retry must send the very same body, or the gateway would
/// take it for another message under a used id.
fn message_date(desk: &Desk, row: &crate::store::outbox::OutboxRow) -> String {
    crate::desk::parse_stamp(&row.created_at)
        .unwrap_or_else(|| desk.now())
        .with_timezone(&desk.tz())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// The envelope of an outbox message (its id is the outbox row's, fixed at creation).
async fn envelope_of(
    desk: &Arc<Desk>,
    client: &Client,
    row: &crate::store::outbox::OutboxRow,
) -> Result<Envelope, CallError> {
    let payload: serde_json::Value = serde_json::from_str(&row.payload).unwrap_or_default();
    let mut data = payload.clone();
    let d = desk.clone();
    let p = payload.clone();
    let akimat = matches!(payload["type"].as_str(), Some("akimat_package" | "issued"));
    let paper = if akimat {
        None
    } else {
        blocking(move || d.paper_for_notice(&p))
            .await
            .map_err(|e| CallError::Transient(e.to_string()))?
    };
    let message_type = if akimat {
        // An akimat's package (its scans and signed cover letter) or its handover.
        let d = desk.clone();
        let p = payload.clone();
        let files = blocking(move || d.outbox_files(&p))
            .await
            .map_err(|e| CallError::Transient(e.to_string()))?;
        let mut refs = Vec::with_capacity(files.len());
        for f in files {
            let size = f.bytes.len() as u64;
            let sha = client.upload(&f.bytes).await?;
            refs.push(BlobRef {
                sha256: sha,
                size,
                name: f.name,
                checklist_item: f.checklist_item,
            });
        }
        if !refs.is_empty() {
            data["attachments"] = serde_json::to_value(refs).expect("blob refs");
        }
        if payload["type"] == "akimat_package" {
            MessageType::Request
        } else {
            MessageType::Update
        }
    } else if let Some(pdf) = paper {
        let size = pdf.len() as u64;
        let sha = client.upload(&pdf).await?;
        data["document"] = serde_json::to_value(BlobRef {
            sha256: sha,
            size,
            name: format!(
                "{}.pdf",
                payload["extra"]["outgoing"].as_str().unwrap_or("result")
            ),
            checklist_item: None,
        })
        .expect("blob ref");
        MessageType::Response
    } else {
        MessageType::Notification
    };
    let service = match row.application_id {
        Some(id) => {
            let d = desk.clone();
            blocking(move || d.service_of(id))
                .await
                .unwrap_or_else(|| "mio".into())
        }
        None => "mio".into(),
    };
    let mut env = Envelope {
        version: VERSION.into(),
        message_id: row.message_id.clone(),
        correlation_id: payload["correlationId"].as_str().map(str::to_string),
        service_id: service,
        route_id: payload["recipient"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        message_type,
        message_date: message_date(desk, row),
        sender: Sender {
            sender_id: desk.office().code.clone(),
            workstation: Some(desk.office().workstation.clone()),
        },
        properties: vec![],
        data,
        signature: None,
    };
    env.sign(client.token());
    Ok(env)
}

/// Sends messages in order and returns the outcome of each one it tried. Many go in one
/// request when the gateway has the batch endpoint (`batches` is cleared when it has not);
/// one by one they stop at the first that must wait, leaving the rest untried.
async fn send_in_order(
    client: &Client,
    batch: Vec<(OutboxRow, Envelope)>,
    batches: &mut bool,
) -> Vec<(OutboxRow, Result<(), CallError>)> {
    if batch.is_empty() {
        return Vec::new();
    }
    if *batches && batch.len() > 1 {
        let envs: Vec<&Envelope> = batch.iter().map(|(_, e)| e).collect();
        match client.send_batch(&envs).await {
            Ok(Some(results)) => {
                // After the first message that must wait (the gateway refuses this
                // workstation), the others refused alike wait untried behind it; those the
                // gateway did take are delivered.
                let mut waiting = false;
                return batch
                    .into_iter()
                    .zip(results)
                    .filter_map(|((row, _), r)| {
                        let wait = matches!(&r, Err(e) if e.retry_later());
                        let keep = !(waiting && wait);
                        waiting |= wait;
                        keep.then(|| (row, r.map(|_| ())))
                    })
                    .collect();
            }
            // The whole request could not be made: the first message takes the attempt (and
            // its backoff), the others wait behind it untried.
            Err(e) if e.retry_later() => {
                let first = batch.into_iter().next().map(|(row, _)| row);
                return first.into_iter().map(|row| (row, Err(e.clone()))).collect();
            }
            // No batch endpoint, or the batch itself refused: one by one.
            Ok(None) | Err(_) => *batches = false,
        }
    }
    let mut out = Vec::with_capacity(batch.len());
    for (row, env) in batch {
        let r = client.send(&env).await.map(|_| ());
        let stop = matches!(&r, Err(e) if e.retry_later());
        out.push((row, r));
        if stop {
            break;
        }
    }
    out
}

/// Sends the outbox in order: up to `MAX_BATCH` messages per request and one local
/// transaction recording their outcomes. Stops at the first message that must wait (the
/// gateway is unreachable), so notices about one application never overtake each other.
/// A crash between the gateway's answer and the local record sends the batch again; the
/// gateway answers a repeated message id with its first answer.
async fn drain(
    desk: &Arc<Desk>,
    client: &Client,
    opts: &Options,
    report: &mut Report,
) -> Result<(), CallError> {
    let mut batches = true;
    loop {
        let d = desk.clone();
        let due = blocking(move || d.outbox_due(200))
            .await
            .map_err(|e| CallError::Transient(e.to_string()))?;
        if due.is_empty() {
            return Ok(());
        }
        let mut rows = due.into_iter();
        let mut stop: Option<CallError> = None;
        let mut limit_reached = false;
        while stop.is_none() && !limit_reached {
            // The next batch: envelopes in order, and outcomes known before sending.
            let mut batch: Vec<(OutboxRow, Envelope)> = Vec::new();
            let mut outcomes: Vec<(OutboxRow, Result<(), CallError>)> = Vec::new();
            let mut bytes = 0usize;
            let mut exhausted = true;
            for row in rows.by_ref() {
                if opts.max_send > 0 && report.sent + batch.len() >= opts.max_send {
                    limit_reached = true;
                    break;
                }
                match envelope_of(desk, client, &row).await {
                    Ok(env) if env.route_id.is_empty() => outcomes.push((
                        row,
                        Err(CallError::Permanent {
                            status: 0,
                            code: "ROUTE".into(),
                            message: "the notice has no recipient".into(),
                        }),
                    )),
                    Ok(env) => {
                        bytes += serde_json::to_vec(&env).map(|v| v.len()).unwrap_or(0);
                        batch.push((row, env));
                    }
                    Err(e) => {
                        if e.retry_later() {
                            stop = Some(e.clone());
                        }
                        outcomes.push((row, Err(e)));
                    }
                }
                if stop.is_some() || batch.len() >= MAX_BATCH || bytes >= MAX_BATCH_BYTES {
                    exhausted = false;
                    break;
                }
            }
            let sent = send_in_order(client, batch, &mut batches).await;
            if let Some(e) = sent
                .iter()
                .find_map(|(_, r)| r.as_ref().err().filter(|e| e.retry_later()))
            {
                // The gateway is away: a message prepared after the batch stays untried.
                stop = Some(e.clone());
                outcomes.retain(|(_, r)| !matches!(r, Err(e) if e.retry_later()));
            }
            // The batch's messages come before the one whose preparation stopped us.
            let mut all = sent;
            all.append(&mut outcomes);
            let mut delivered = Vec::with_capacity(all.len());
            for (row, r) in all {
                match &r {
                    Ok(()) => report.sent += 1,
                    Err(e) if e.retry_later() => {
                        report.retry_later += 1;
                        report.errors.push(e.to_string());
                    }
                    Err(e) => {
                        report.failed += 1;
                        report.errors.push(e.to_string());
                    }
                }
                delivered.push(Delivered {
                    id: row.id,
                    outcome: r.map_err(|e| (e.retry_later(), e.to_string())),
                    attempts: row.attempts,
                });
            }
            let d = desk.clone();
            blocking(move || d.outbox_results(delivered))
                .await
                .map_err(|e| CallError::Transient(e.to_string()))?;
            if exhausted {
                break;
            }
        }
        if let Some(e) = stop {
            return Err(e);
        }
        if limit_reached {
            return Ok(());
        }
    }
}

/// Pulls, applies and acknowledges what is routed to the office.
async fn receive(
    desk: &Arc<Desk>,
    client: &Client,
    opts: &Options,
    report: &mut Report,
) -> Result<(), CallError> {
    // Messages that waited for an application: it may have arrived in an exchange that was
    // cut short before they were tried again.
    let d = desk.clone();
    blocking(move || d.retry_waiting())
        .await
        .map_err(|e| CallError::Transient(e.to_string()))?;
    loop {
        let d = desk.clone();
        let after = blocking(move || d.gateway_cursor()).await;
        let batch = client.pull(after, 100).await?;
        if batch.is_empty() {
            return Ok(());
        }
        for delivery in batch {
            report.received += 1;
            let env = delivery.envelope;
            // Fetch the scans a request refers to (checked by hash). A scan the gateway
            // refuses for good makes the application unacceptable, not the queue stuck.
            let mut files = Vec::new();
            let mut refused = None;
            // A signed result comes with its paper (an akimat keeps it to hand over).
            let mut wanted: Vec<serde_json::Value> = Vec::new();
            if env.message_type == MessageType::Request
                && let Some(list) = env.data["attachments"].as_array()
            {
                wanted.extend(list.iter().cloned());
            }
            if env.message_type == MessageType::Response
                && desk.is_akimat()
                && env.data["document"].is_object()
            {
                wanted.push(env.data["document"].clone());
            }
            for a in &wanted {
                let Ok(r) = serde_json::from_value::<BlobRef>(a.clone()) else {
                    continue;
                };
                match client.download(&r.sha256).await {
                    Ok(bytes) => files.push(NewFile {
                        checklist_item: r.checklist_item,
                        file_name: r.name,
                        bytes,
                    }),
                    Err(e) if e.retry_later() => return Err(e),
                    Err(e) => {
                        refused = Some(crate::i18n::tra(
                            Lang::Ru,
                            "sync-reject-scan",
                            &[
                                ("name", r.name.as_str().into()),
                                ("error", e.to_string().into()),
                            ],
                        ));
                        break;
                    }
                }
            }
            let inbound = Inbound {
                message_id: env.message_id.clone(),
                seq: delivery.seq,
                sender: env.sender.sender_id.clone(),
                route_id: env.route_id.clone(),
                message_type: serde_json::to_value(env.message_type)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                correlation_id: env.correlation_id.clone(),
                data: env.data.clone(),
                envelope: serde_json::to_string(&env).unwrap_or_default(),
                files,
            };
            // The sender's claim is checked by the gateway (its token); here the envelope
            // must still be well formed.
            if let Err(e) = env.check() {
                refused = Some(crate::i18n::tra(
                    Lang::Ru,
                    "sync-reject-envelope",
                    &[("error", e.to_string().into())],
                ));
            }
            let d = desk.clone();
            let applied = blocking(move || match refused {
                Some(reason) => d.reject_inbound(&inbound, &reason),
                None => d.apply_inbound(&inbound),
            })
            .await;
            let applied = applied.map_err(|e| CallError::Transient(e.to_string()))?;
            let ack = match &applied {
                Applied::Rejected { reason } => {
                    report.rejected += 1;
                    Ack {
                        accepted: false,
                        error: Some(reason.clone()),
                    }
                }
                other => {
                    match other {
                        Applied::Duplicate => report.duplicates += 1,
                        Applied::Waiting => report.waiting += 1,
                        Applied::Conflict { .. } => report.conflicts += 1,
                        _ => report.applied += 1,
                    }
                    Ack {
                        accepted: true,
                        error: None,
                    }
                }
            };
            if opts.stop_before_ack {
                return Ok(());
            }
            client.ack(&env.message_id, &ack).await?;
            let (d, seq) = (desk.clone(), delivery.seq);
            blocking(move || d.set_gateway_cursor(seq))
                .await
                .map_err(|e| CallError::Transient(e.to_string()))?;
        }
    }
}

/// One exchange: send, then receive.
pub async fn exchange(desk: Arc<Desk>, client: &Client, opts: &Options) -> Report {
    let mut report = Report::default();
    let sent = drain(&desk, client, opts, &mut report).await;
    let received = receive(&desk, client, opts, &mut report).await;
    let error = sent.err().or(received.err());
    if let Some(e) = &error
        && !report.errors.contains(&e.to_string())
    {
        report.errors.push(e.to_string());
    }
    let online = !matches!(&error, Some(e) if e.retry_later());
    let d = desk.clone();
    let last = report.errors.last().cloned();
    let _ = blocking(move || d.record_gateway_contact(online, last.as_deref())).await;
    report
}

/// One exchange with the configured gateway.
pub async fn run_once(desk: Arc<Desk>) -> Result<Report, String> {
    let cfg = desk
        .gateway_config()
        .ok_or_else(|| crate::i18n::tr(crate::domain::model::Lang::Ru, "ui-gw-none"))?;
    let client = Client::new(&cfg.url, &cfg.token);
    Ok(exchange(desk, &client, &Options::default()).await)
}
