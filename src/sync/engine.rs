//! The workstation's exchange with the gateway: drain the outbox in order (idempotent on the
//! message id, retried with exponential backoff and jitter), then pull what is routed to the
//! office, apply each message exactly once and acknowledge it. Nothing here is needed for
//! clerk work: with the gateway down, everything waits in the outbox.

use std::sync::Arc;

use serde::Serialize;

use super::client::{CallError, Client};
use super::protocol::{Ack, BlobRef, Envelope, MessageType, Sender, VERSION};
use crate::desk::Desk;
use crate::desk::exchange::{Applied, Inbound};
use crate::desk::intake::NewFile;
use crate::domain::model::Lang;

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
    let paper = blocking(move || d.paper_for_notice(&p))
        .await
        .map_err(|e| CallError::Transient(e.to_string()))?;
    let message_type = if let Some(pdf) = paper {
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

/// Sends the outbox in order. Stops at the first message that must wait (the gateway is
/// unreachable), so notices about one application never overtake each other.
async fn drain(
    desk: &Arc<Desk>,
    client: &Client,
    opts: &Options,
    report: &mut Report,
) -> Result<(), CallError> {
    loop {
        let d = desk.clone();
        let due = blocking(move || d.outbox_due(200))
            .await
            .map_err(|e| CallError::Transient(e.to_string()))?;
        if due.is_empty() {
            return Ok(());
        }
        for row in due {
            if opts.max_send > 0 && report.sent >= opts.max_send {
                return Ok(());
            }
            let outcome = match envelope_of(desk, client, &row).await {
                Ok(env) if env.route_id.is_empty() => Err(CallError::Permanent {
                    status: 0,
                    code: "ROUTE".into(),
                    message: "the notice has no recipient".into(),
                }),
                Ok(env) => client.send(&env).await.map(|_| ()),
                Err(e) => Err(e),
            };
            let (id, attempts) = (row.id, row.attempts);
            let stop = matches!(&outcome, Err(e) if e.retry_later());
            match &outcome {
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
            let result = outcome
                .as_ref()
                .map(|_| ())
                .map_err(|e| (e.retry_later(), e.to_string()));
            let d = desk.clone();
            blocking(move || d.outbox_result(id, result, attempts))
                .await
                .map_err(|e| CallError::Transient(e.to_string()))?;
            if stop {
                return outcome;
            }
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
            if env.message_type == MessageType::Request
                && let Some(list) = env.data["attachments"].as_array()
            {
                for a in list {
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
