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
    /// Why the exchange did not run at all, if it did not.
    pub stopped: Option<Stopped>,
    /// What the first exchange after a restore recovered.
    pub recovery: Option<Recovery>,
}

pub use crate::desk::restore::Recovery;

/// Why an exchange stopped before it sent or acknowledged anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "stopped", rename_all = "snake_case")]
pub enum Stopped {
    /// Another process on this data directory, or another PC of the office, is exchanging now.
    Elsewhere,
    /// The token is another client's: the gateway knows it as `token_of`.
    WrongOffice { token_of: String, office: String },
}

impl Stopped {
    /// The message for the operator, in their language.
    pub fn message(&self, l: Lang) -> String {
        match self {
            Stopped::Elsewhere => crate::i18n::tr(l, "sync-elsewhere"),
            Stopped::WrongOffice { token_of, office } => crate::i18n::tra(
                l,
                "sync-wrong-office",
                &[
                    ("client", token_of.as_str().into()),
                    ("office", office.as_str().into()),
                ],
            ),
        }
    }
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
    /// How long to wait for another exchange of this office to finish (zero: do not wait).
    pub lock_wait: std::time::Duration,
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
    // An akimat's package, its handover and its withdrawal of a package sent.
    let akimat = matches!(
        payload["type"].as_str(),
        Some("akimat_package" | "issued" | "withdraw")
    );
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

/// Fetches the scans a message refers to and applies it at the office.
async fn apply_delivery(
    desk: &Arc<Desk>,
    client: &Client,
    delivery: &super::protocol::Delivery,
) -> Result<Applied, CallError> {
    let env = &delivery.envelope;
    // Fetch the scans a request refers to (checked by hash). A scan the gateway refuses for
    // good makes the application unacceptable, not the queue stuck.
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
    let inbound = inbound_of(delivery, files);
    // The sender's claim is checked by the gateway (its token); here the envelope must still
    // be well formed.
    if let Err(e) = env.check() {
        refused = Some(crate::i18n::tra(
            Lang::Ru,
            "sync-reject-envelope",
            &[("error", e.to_string().into())],
        ));
    }
    let d = desk.clone();
    blocking(move || match refused {
        Some(reason) => d.reject_inbound(&inbound, &reason),
        None => d.apply_inbound(&inbound),
    })
    .await
    .map_err(|e| CallError::Transient(e.to_string()))
}

/// A delivery as the desk takes it.
fn inbound_of(delivery: &super::protocol::Delivery, files: Vec<NewFile>) -> Inbound {
    let env = &delivery.envelope;
    Inbound {
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
        envelope: serde_json::to_string(env).unwrap_or_default(),
        files,
    }
}

/// Counts what applying did and makes the acknowledgement.
fn ack_of(applied: &Applied, report: &mut Report) -> Ack {
    match applied {
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
            let applied = apply_delivery(desk, client, &delivery).await?;
            let ack = ack_of(&applied, report);
            if opts.stop_before_ack {
                return Ok(());
            }
            client.ack(&delivery.envelope.message_id, &ack).await?;
            let (d, seq) = (desk.clone(), delivery.seq);
            blocking(move || d.set_gateway_cursor(seq))
                .await
                .map_err(|e| CallError::Transient(e.to_string()))?;
        }
    }
}

/// After a restore from a backup: the journal counters are raised to what the gateway
/// witnessed before, and every message the gateway delivered to the office since the
/// backup's cursor is asked for again and applied (exactly once: the inbox knows what the
/// restored office has). Messages the gateway still holds come in the ordinary pull after.
async fn recover(desk: &Arc<Desk>, client: &Client, report: &mut Report) -> Result<(), CallError> {
    let d = desk.clone();
    let Some(pending) = blocking(move || d.restore_pending()).await else {
        return Ok(());
    };
    let witnessed = client.witness().await?;
    let d = desk.clone();
    let marks = witnessed
        .latest
        .as_ref()
        .map(|w| w.journals.clone())
        .unwrap_or_default();
    let lost = blocking(move || d.raise_journals(&marks))
        .await
        .map_err(|e| CallError::Transient(e.to_string()))?;
    let mut recovery = Recovery {
        lost_numbers: lost,
        ..Default::default()
    };
    let mut after = pending.cursor;
    loop {
        let page = client.inbox(after, 500).await?;
        if page.is_empty() {
            break;
        }
        for delivery in page {
            after = after.max(delivery.seq);
            use super::protocol::DeliveryState as S;
            match delivery.state {
                // Still to deliver: the ordinary pull takes it.
                S::OnDelivery => continue,
                S::Delivered => {
                    let applied = apply_delivery(desk, client, &delivery).await?;
                    match applied {
                        Applied::Duplicate => {}
                        Applied::Rejected { reason } => recovery
                            .not_recovered
                            .push(format!("{}: {reason}", delivery.envelope.message_id)),
                        _ => recovery.recovered += 1,
                    }
                }
                // Refused before the restore: recorded as refused again, nobody told twice.
                S::NotDelivered | S::DeliveryStopped => {
                    let (d, m) = (desk.clone(), inbound_of(&delivery, vec![]));
                    let done = blocking(move || d.record_refused_before(&m))
                        .await
                        .map_err(|e| CallError::Transient(e.to_string()))?;
                    if done {
                        recovery.refused_before += 1;
                    }
                }
            }
        }
    }
    let (d, r) = (desk.clone(), recovery.clone());
    blocking(move || d.finish_recovery(&r, after))
        .await
        .map_err(|e| CallError::Transient(e.to_string()))?;
    report.recovery = Some(recovery);
    Ok(())
}

/// Reports the office's audit head and journal counters to the gateway (its witness).
async fn witness(desk: &Arc<Desk>, client: &Client, restored: bool) -> Result<(), CallError> {
    let d = desk.clone();
    let mut w = blocking(move || d.witness_report())
        .await
        .map_err(|e| CallError::Transient(e.to_string()))?;
    w.restored = restored;
    client.put_witness(&w).await.map(|_| ())
}

/// One exchange: send, then receive, holding the office's exchange lock throughout (see
/// [`crate::store::exchange_lock`]): when another process or PC of the office is exchanging,
/// this one waits up to `opts.lock_wait` and then stops with [`Stopped::Elsewhere`], doing
/// nothing. Before it acknowledges anything it asks the gateway whose token it holds: a token
/// of another client stops it with [`Stopped::WrongOffice`], nothing sent or acknowledged.
pub async fn exchange(desk: Arc<Desk>, client: &Client, opts: &Options) -> Report {
    let mut report = Report::default();
    let (d, wait) = (desk.clone(), opts.lock_wait);
    let lock =
        blocking(move || crate::store::exchange_lock::exchange_lock_waiting(d.store(), wait)).await;
    let lock = match lock {
        Ok(Some(l)) => l,
        Ok(None) => {
            desk.note_exchange_elsewhere(true);
            report.stopped = Some(Stopped::Elsewhere);
            report.errors.push(Stopped::Elsewhere.message(Lang::Ru));
            return report;
        }
        Err(e) => {
            report.errors.push(e.to_string());
            return report;
        }
    };
    desk.note_exchange_elsewhere(false);
    let report = exchange_locked(desk, client, opts, report).await;
    blocking(move || lock.release()).await;
    report
}

/// The exchange itself, under the lock.
async fn exchange_locked(
    desk: Arc<Desk>,
    client: &Client,
    opts: &Options,
    mut report: Report,
) -> Report {
    // Who the gateway takes this token for. Sending is safe either way (the gateway refuses a
    // message whose sender is not the token's); acknowledging is not, so without an answer
    // nothing is pulled.
    let office = desk.office().code.clone();
    let identity = match client.whoami().await {
        Ok(name) if name == office => Ok(()),
        Ok(name) => {
            let stop = Stopped::WrongOffice {
                token_of: name,
                office,
            };
            let message = stop.message(Lang::Ru);
            report.errors.push(message.clone());
            report.stopped = Some(stop);
            let d = desk.clone();
            let _ = blocking(move || d.record_gateway_contact(false, Some(&message))).await;
            return report;
        }
        Err(e) => Err(e),
    };
    // After a restore, what came after the backup first (the outbox may hold notices about
    // it, and numbers must not be issued twice).
    let recovered = match &identity {
        Ok(()) => recover(&desk, client, &mut report).await,
        // Not known who we are: nothing is pulled (below), nothing recovered.
        Err(_) => Ok(()),
    };
    if let Err(e) = recovered {
        report.errors.push(e.to_string());
        let d = desk.clone();
        let (online, last) = (!e.retry_later(), e.to_string());
        let _ = blocking(move || d.record_gateway_contact(online, Some(&last))).await;
        return report;
    }
    let sent = drain(&desk, client, opts, &mut report).await;
    let received = match identity {
        Ok(()) => receive(&desk, client, opts, &mut report).await,
        Err(e) => Err(e),
    };
    let witnessed = match (&sent, &received) {
        (Ok(()), Ok(())) if !opts.stop_before_ack => {
            witness(&desk, client, report.recovery.is_some()).await
        }
        _ => Ok(()),
    };
    let error = sent.err().or(received.err()).or(witnessed.err());
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

/// One exchange with the configured gateway (not waiting if another is running).
pub async fn run_once(desk: Arc<Desk>) -> Result<Report, String> {
    run_once_with(desk, &Options::default()).await
}

/// One exchange with the configured gateway, with options.
pub async fn run_once_with(desk: Arc<Desk>, opts: &Options) -> Result<Report, String> {
    // Off the async threads: on the office server the settings are read with a blocking
    // client, which must not run inside the runtime.
    let d = desk.clone();
    let cfg = blocking(move || d.gateway_config())
        .await
        .ok_or_else(|| crate::i18n::tr(crate::domain::model::Lang::Ru, "ui-gw-none"))?;
    let client = Client::new(&cfg.url, &cfg.token);
    Ok(exchange(desk, &client, opts).await)
}
