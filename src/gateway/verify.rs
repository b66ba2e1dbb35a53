//! The public verification page a paper's QR code leads to: `GET /verify/{number}?h=…` (the
//! content's SHA-256, base64url, as printed in the QR). It shows only what is printed on the
//! paper — number, date, office, kind of paper, masked holder, signer — and whether it is
//! signed or revoked. A number it does not know and a hash that does not match get the same
//! answer, so the page does not tell which numbers exist.
//!
//! The gateway learns a paper's facts when its signed result travels through it (the status
//! notice «Исполнено» of a ЦОН or portal application carries them).

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;

use super::store::{GatewayStore, PaperFacts};
use super::{Shared, with_store};
use crate::domain::model::Lang;
use crate::i18n::tr;

/// Learns the facts of signed papers from envelopes an office sent (their
/// `data.extra.paper`). Damaged facts are ignored: the page then answers «unknown».
pub(super) fn learn<'a>(st: &GatewayStore, sender: &str, envelopes: impl Iterator<Item = &'a str>) {
    for text in envelopes {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
            continue;
        };
        let Some(paper) = v.pointer("/data/extra/paper") else {
            continue;
        };
        let Ok(facts) = serde_json::from_value::<PaperFacts>(paper.clone()) else {
            continue;
        };
        if let Err(e) = st.learn_paper(sender, &facts) {
            tracing::warn!("verification facts of {} not stored: {e}", facts.number);
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct VerifyQuery {
    h: Option<String>,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn both(key: &str) -> String {
    format!(
        "{} / {}",
        escape(&tr(Lang::Kk, key)),
        escape(&tr(Lang::Ru, key))
    )
}

fn page(body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"kk\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>body{{font-family:sans-serif;max-width:40em;margin:1em auto;padding:0 1em}}\
         th{{text-align:left;padding-right:1em;vertical-align:top}}.ok{{color:#1b6e2a}}.bad{{color:#a31515}}</style>\
         </head><body><h1>{title}</h1>{body}</body></html>",
        title = both("gw-verify-title")
    )
}

/// The page for a paper number.
pub(super) async fn verify_page(
    State(s): State<Shared>,
    UrlPath(number): UrlPath<String>,
    Query(q): Query<VerifyQuery>,
) -> Response {
    let wanted = q.h.as_deref().and_then(|h| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(h)
            .ok()
            .filter(|b| b.len() == 32)
            .map(hex::encode)
    });
    let found = if number.len() > 64 {
        Ok(None)
    } else {
        with_store(&s, move |st| st.paper(&number)).await
    };
    let facts = match found {
        Ok(f) => f,
        Err(r) => return r,
    };
    let known = match (facts, wanted) {
        (Some(f), Some(h)) if f.content_sha256 == h => Some(f),
        _ => None,
    };
    let Some(f) = known else {
        return (
            StatusCode::OK,
            Html(page(&format!(
                "<p class=\"bad\"><b>{}</b></p><p>{}</p>",
                both("gw-verify-unknown"),
                both("gw-verify-unknown-hint")
            ))),
        )
            .into_response();
    };
    let status = if f.status == "revoked" {
        format!("<b class=\"bad\">{}</b>", both("gw-verify-revoked"))
    } else {
        format!("<b class=\"ok\">{}</b>", both("gw-verify-signed"))
    };
    let kind = format!(
        "{} / {}",
        escape(&tr(Lang::Kk, &format!("doc-title-{}", f.kind))),
        escape(&tr(Lang::Ru, &format!("doc-title-{}", f.kind)))
    );
    let row = |k: &str, v: &str| format!("<tr><th>{}</th><td>{v}</td></tr>", both(k));
    let body = format!(
        "<p>{status}</p><table>{}{}{}{}{}{}</table><p>{}</p>",
        row("doc-unique-number", &escape(&f.number)),
        row("doc-date", &escape(&f.date)),
        row("gw-verify-office", &escape(&f.office)),
        row("gw-verify-kind", &kind),
        row("gw-verify-holder", &escape(&f.holder)),
        row("gw-verify-signer", &escape(&f.signer)),
        both("gw-verify-offline-hint")
    );
    (StatusCode::OK, Html(page(&body))).into_response()
}
