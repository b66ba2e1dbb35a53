//! The application as every layer above the store sees it: typed once, when the store reads
//! its row (dates as dates, the decision as a [`Decision`], ИИНs as [`Iin`]s), so no caller
//! parses a column again or guesses what a bad one means.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::decision::Decision;
use super::iin::Iin;
use super::model::{Channel, Status};
use super::policy::Facts;

/// A stored application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Application {
    pub id: i64,
    /// The journal number (`0412-02-2026-000137`).
    pub number: String,
    pub service: String,
    /// The edition of the service's regulation in force at registration.
    pub service_version: String,
    pub channel: Channel,
    pub status: Status,
    pub person_id: i64,
    /// The applicant's name as registered with this application.
    pub applicant_name: String,
    pub applicant_iin: Option<Iin>,
    pub accepted_at: DateTime<Utc>,
    /// The statutory due date, in working days from acceptance (extended at most once).
    pub due_date: NaiveDate,
    /// For terms in hours or minutes: the moment itself.
    pub due_at: Option<DateTime<Utc>>,
    pub extended: bool,
    pub executor_id: Option<i64>,
    pub drafter_id: Option<i64>,
    pub registered_by: Option<i64>,
    /// The intake form as typed: the service's fields, the checklist, the channel's extras.
    pub intake: serde_json::Value,
    pub missing_docs_reason: Option<String>,
    /// The executor's decision (draft or submitted).
    pub decision: Option<Decision>,
    pub resolution: Option<String>,
    pub return_comment: Option<String>,
    /// The result's number in the outgoing journal, once signed.
    pub outgoing_number: Option<String>,
    pub signed_by: Option<i64>,
    pub signed_at: Option<DateTime<Utc>>,
    pub issued_at: Option<DateTime<Utc>>,
    pub collector_iin: Option<Iin>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdraw_reason: Option<String>,
    /// The gateway's messageId for ЦОН, portal and akimat applications.
    pub external_id: Option<String>,
    /// Who sent it through the gateway.
    pub origin: Option<String>,
    pub office_code: String,
    pub updated_at: DateTime<Utc>,
    /// Raised by every change; a stale one means someone else changed it meanwhile.
    pub row_version: i64,
}

impl Application {
    /// What [`super::policy`] needs to decide what may be done with it.
    pub fn facts(&self) -> Facts {
        Facts {
            status: self.status,
            channel: self.channel,
            executor_id: self.executor_id,
            drafter_id: self.drafter_id,
            extended: self.extended,
            // Where an akimat's package stands is the akimat's link, not the row:
            // `Desk::facts` adds it.
            at_department: None,
        }
    }
}

/// How a user or a script names an application: by its id (the window) or by its journal
/// number (the command line, a receipt), told apart by their form, not guessed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AppRef {
    Id(i64),
    /// An incoming or outgoing journal number (`0412-02-2026-000137`, `…-R00017`).
    Number(String),
}

impl AppRef {
    /// All digits: an id; anything else: a number (journal numbers always hold dashes).
    pub fn parse(s: &str) -> AppRef {
        let t = s.trim();
        match t.parse::<i64>() {
            Ok(id) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => AppRef::Id(id),
            _ => AppRef::Number(t.to_string()),
        }
    }
}

impl From<i64> for AppRef {
    fn from(id: i64) -> AppRef {
        AppRef::Id(id)
    }
}

impl From<&str> for AppRef {
    fn from(s: &str) -> AppRef {
        AppRef::parse(s)
    }
}

impl From<&String> for AppRef {
    fn from(s: &String) -> AppRef {
        AppRef::parse(s)
    }
}

impl std::fmt::Display for AppRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppRef::Id(id) => write!(f, "{id}"),
            AppRef::Number(n) => f.write_str(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_is_told_by_its_form() {
        assert_eq!(AppRef::parse("137"), AppRef::Id(137));
        assert_eq!(AppRef::parse(" 137 "), AppRef::Id(137));
        assert_eq!(
            AppRef::parse("0412-02-2026-000137"),
            AppRef::Number("0412-02-2026-000137".into())
        );
        // A signed number is not an id (the old guess took "-5" for one).
        assert_eq!(AppRef::parse("-5"), AppRef::Number("-5".into()));
        assert_eq!(AppRef::parse("+5"), AppRef::Number("+5".into()));
        assert_eq!(
            AppRef::parse("0412-02-2026-R00017"),
            AppRef::Number("0412-02-2026-R00017".into())
        );
    }
}
