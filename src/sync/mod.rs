//! The gateway protocol (`protocol`), its HTTP client (`client`), the workstation's exchange
//! engine (`engine`), and the tools that play ЦОН or the portal (`submit`, `inbox`).

pub mod client;
pub mod engine;
pub mod package;
pub mod protocol;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use rand::SeedableRng;
use serde_json::{Map, Value};

use crate::desk::Desk;
use crate::domain::catalog::{Catalog, FieldStage};
pub use engine::{Report, Stopped, run_once, run_once_with};
use protocol::{BlobRef, Delivery, Envelope, MessageType, Sender, VERSION};

/// Exchanges with the gateway every half minute while the window is open (longer after
/// failures, up to five minutes), yielding each report.
pub fn background(desk: Arc<Desk>) -> impl Stream<Item = Result<Report, String>> {
    futures::stream::unfold((desk, 0u32), |(desk, failures)| async move {
        tokio::time::sleep(background_wait(failures)).await;
        let r = run_once(desk.clone()).await;
        let failures = if exchange_failed(&r) { failures + 1 } else { 0 };
        Some((r, (desk, failures)))
    })
}

/// The pause before the next background exchange after `failures` failed ones in a row:
/// 30 s, then 1, 2 and at most 4 minutes.
pub fn background_wait(failures: u32) -> Duration {
    Duration::from_secs(30u64.saturating_mul(1 << failures.min(3)))
}

/// Whether an exchange failed (the next one waits longer).
pub fn exchange_failed(r: &Result<Report, String>) -> bool {
    match r {
        Ok(rep) => !rep.errors.is_empty(),
        Err(_) => true,
    }
}

/// An application sent by ЦОН or the portal.
#[derive(Debug, Clone)]
pub struct Submission {
    pub office: String,
    pub service: String,
    pub iin: String,
    /// "Surname Given Patronymic"; a plausible name is made up when missing.
    pub name: Option<String>,
    pub intake: Option<Map<String, Value>>,
    /// `ITEM=FILE` tags a scan with a checklist item; a bare file takes the next mandatory one.
    pub attach: Vec<String>,
}

/// Sends an application as the client of the token (a `con-…` ЦОН or `portal`); returns its
/// message id.
pub async fn submit(client: &client::Client, sub: Submission) -> Result<String, String> {
    let env = prepare(client, sub).await?;
    client.send(&env).await.map_err(|e| e.to_string())?;
    Ok(env.message_id)
}

/// Uploads the scans of an application and returns its signed envelope, not yet sent (its
/// `messageId` is known before it is sent: a withdrawal may refer to it).
pub async fn prepare(client: &client::Client, sub: Submission) -> Result<Envelope, String> {
    let me = client.whoami().await.map_err(|e| e.to_string())?;
    let cat = Catalog::builtin();
    let svc = cat
        .service(&sub.service)
        .ok_or_else(|| format!("unknown service {}", sub.service))?;
    let seed = sub
        .iin
        .bytes()
        .fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b)));
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let today = chrono::Utc::now().date_naive();
    let male = crate::domain::iin::Iin::parse(&sub.iin)
        .map(|i| i.sex() == crate::domain::iin::Sex::Male)
        .unwrap_or(true);
    let mut person = crate::bench::demo::person_of(&mut rng, today, male);
    person.iin = Some(sub.iin.clone());
    if let Some(n) = &sub.name {
        let parts: Vec<&str> = n.split_whitespace().collect();
        person.surname = parts.first().copied().unwrap_or_default().to_string();
        person.given_name = parts.get(1).copied().unwrap_or_default().to_string();
        person.patronymic = parts.get(2..).map(|p| p.join(" ")).unwrap_or_default();
    }
    let intake = sub
        .intake
        .clone()
        .unwrap_or_else(|| crate::bench::demo::values(&mut rng, svc, &[FieldStage::Intake], today));
    // A bare file takes the next mandatory item that no file is tagged with.
    let tagged: Vec<&str> = sub
        .attach
        .iter()
        .filter_map(|a| a.split_once('=').map(|(i, _)| i))
        .filter(|i| svc.document(i).is_some())
        .collect();
    let mut mandatory = svc
        .documents
        .iter()
        .filter(|d| d.mandatory && !tagged.contains(&d.key.as_str()))
        .map(|d| d.key.clone());
    let mut attachments = Vec::new();
    for a in &sub.attach {
        let (item, path) = match a.split_once('=') {
            Some((i, p)) if svc.document(i).is_some() => (Some(i.to_string()), PathBuf::from(p)),
            _ => (mandatory.next(), PathBuf::from(a)),
        };
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let sha = client.upload(&bytes).await.map_err(|e| e.to_string())?;
        attachments.push(BlobRef {
            sha256: sha,
            size: bytes.len() as u64,
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            checklist_item: item,
        });
    }
    let mut env = Envelope {
        version: VERSION.into(),
        message_id: uuid::Uuid::now_v7().to_string(),
        correlation_id: None,
        service_id: sub.service.clone(),
        route_id: sub.office.clone(),
        message_type: MessageType::Request,
        message_date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        sender: Sender {
            sender_id: me,
            workstation: None,
        },
        properties: vec![],
        data: serde_json::json!({
            "service": sub.service,
            "person": person,
            "intake": intake,
            "attachments": attachments,
        }),
        signature: None,
    };
    env.sign(client.token());
    Ok(env)
}

/// Asks the gateway to let an application be withdrawn (as the portal that submitted it).
pub async fn withdraw(
    client: &client::Client,
    office: &str,
    request_id: &str,
    reason: &str,
) -> Result<String, String> {
    let me = client.whoami().await.map_err(|e| e.to_string())?;
    let mut env = Envelope {
        version: VERSION.into(),
        message_id: uuid::Uuid::now_v7().to_string(),
        correlation_id: Some(request_id.to_string()),
        service_id: "mio".into(),
        route_id: office.to_string(),
        message_type: MessageType::Update,
        message_date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        sender: Sender {
            sender_id: me,
            workstation: None,
        },
        properties: vec![],
        data: serde_json::json!({"type": "withdraw", "reason": reason}),
        signature: None,
    };
    env.sign(client.token());
    client.send(&env).await.map_err(|e| e.to_string())?;
    Ok(env.message_id)
}

/// What came back to a client: notices and results.
pub async fn inbox(client: &client::Client) -> Result<Vec<Delivery>, String> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = client.inbox(after, 500).await.map_err(|e| e.to_string())?;
        if page.is_empty() {
            return Ok(all);
        }
        after = page.last().map(|d| d.seq).unwrap_or(after);
        all.extend(page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn background_exchanges_slow_down_only_after_failures() {
        let clean = Ok(Report::default());
        let failed = Ok(Report {
            errors: vec!["gateway unreachable".into()],
            ..Report::default()
        });
        assert!(!exchange_failed(&clean));
        assert!(exchange_failed(&failed));
        assert!(exchange_failed(&Err("no gateway".into())));
        let waits: Vec<u64> = (0..6).map(|f| background_wait(f).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 240, 240]);
    }
}
