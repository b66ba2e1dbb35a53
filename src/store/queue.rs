//! Queue queries: applications by tab (status), filters and search, in pages of a fixed size
//! with keyset pagination (`WHERE (due_date, id) > (?, ?)`), so a deep page costs what the
//! first one does.

use serde::{Deserialize, Serialize};

use super::sql::{Built, params};
use super::{Db, Result};
use crate::domain::model::{Channel, Status};

/// A queue tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tab {
    Registered,
    InWork,
    AwaitingSignature,
    /// Signed, waiting to be handed over.
    ToIssue,
    Issued,
    /// Open applications past their due date.
    Overdue,
    Withdrawn,
    All,
}

impl Tab {
    pub const ALL: [Tab; 8] = [
        Tab::Registered,
        Tab::InWork,
        Tab::AwaitingSignature,
        Tab::ToIssue,
        Tab::Issued,
        Tab::Overdue,
        Tab::Withdrawn,
        Tab::All,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Tab::Registered => "registered",
            Tab::InWork => "in_work",
            Tab::AwaitingSignature => "awaiting_signature",
            Tab::ToIssue => "to_issue",
            Tab::Issued => "issued",
            Tab::Overdue => "overdue",
            Tab::Withdrawn => "withdrawn",
            Tab::All => "all",
        }
    }
    /// The tab's name in the locales (`ui-tab-…`), for the window and the command line alike.
    pub fn key(self) -> &'static str {
        match self {
            Tab::Registered => "ui-tab-registered",
            Tab::InWork => "ui-tab-in_work",
            Tab::AwaitingSignature => "ui-tab-awaiting_signature",
            Tab::ToIssue => "ui-tab-to_issue",
            Tab::Issued => "ui-tab-issued",
            Tab::Overdue => "ui-tab-overdue",
            Tab::Withdrawn => "ui-tab-withdrawn",
            Tab::All => "ui-tab-all",
        }
    }
    pub fn status(self) -> Option<Status> {
        match self {
            Tab::Registered => Some(Status::Registered),
            Tab::InWork => Some(Status::InWork),
            Tab::AwaitingSignature => Some(Status::AwaitingSignature),
            Tab::ToIssue => Some(Status::Signed),
            Tab::Issued => Some(Status::Issued),
            Tab::Withdrawn => Some(Status::Withdrawn),
            Tab::Overdue | Tab::All => None,
        }
    }
    pub fn for_status(s: Status) -> Tab {
        match s {
            Status::Registered => Tab::Registered,
            Status::InWork => Tab::InWork,
            Status::AwaitingSignature => Tab::AwaitingSignature,
            Status::Signed => Tab::ToIssue,
            Status::Issued => Tab::Issued,
            Status::Withdrawn => Tab::Withdrawn,
        }
    }
}

/// What the clerk typed in the search box, classified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum Search {
    Iin(String),
    Number(String),
    Name(String),
}

impl Search {
    /// Twelve digits → ИИН; something with a dash and digits → journal number; else a name.
    pub fn classify(text: &str) -> Option<Search> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() == 12 && compact.chars().all(|c| c.is_ascii_digit()) {
            return Some(Search::Iin(compact));
        }
        if compact.chars().any(|c| c.is_ascii_digit())
            && compact
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Some(Search::Number(compact.to_uppercase()));
        }
        Some(Search::Name(crate::domain::person::fold_name(t)))
    }
}

/// Where the previous page ended: the sort key of its last row and its id. Pages are sorted
/// by due date, except a search by name, which is sorted by name (the name index gives the
/// first 50 matches of a short prefix without sorting thousands); then `due_date` carries the
/// folded name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub due_date: String,
    pub id: i64,
}

/// The column a queue is sorted by (the clerk clicks a column's header).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// The statutory due date: what is most urgent first.
    #[default]
    Due,
    /// The moment of acceptance.
    Accepted,
    /// The applicant's name in Kazakh alphabet order (`domain::person::name_sort_key`: case
    /// ignored, Ә after А, Қ after К, І after Ы).
    Applicant,
    /// The journal number.
    Number,
    /// When the application entered its present state (issued, withdrawn): what the closed
    /// tabs show most recent first.
    Changed,
}

impl Sort {
    fn column(self) -> &'static str {
        match self {
            Sort::Due => "a.due_date",
            Sort::Accepted => "a.accepted_at",
            Sort::Applicant => "a.applicant_sort",
            Sort::Number => "a.number",
            Sort::Changed => "a.status_since",
        }
    }

    /// The order a tab opens in, and whether from the largest: the closed tabs (issued,
    /// withdrawn) most recently closed first, the others most urgent first.
    pub fn default_for(tab: Tab) -> (Sort, bool) {
        match tab {
            Tab::Issued | Tab::Withdrawn => (Sort::Changed, true),
            _ => (Sort::Due, false),
        }
    }
}

/// A queue request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    pub tab: Option<Tab>,
    pub service: Option<String>,
    pub channel: Option<Channel>,
    pub executor: Option<i64>,
    /// Accepted on or after (UTC RFC 3339).
    pub accepted_from: Option<String>,
    /// Accepted before (UTC RFC 3339).
    pub accepted_to: Option<String>,
    pub search: Option<Search>,
    /// The column to sort by, and whether from the largest; a search by name is always by name.
    #[serde(default)]
    pub sort: Sort,
    #[serde(default)]
    pub descending: bool,
    pub after: Option<Cursor>,
    pub limit: usize,
    /// Office-local today (`YYYY-MM-DD`), for the overdue tab.
    pub today: String,
    /// The user asking, set by the desk: a line is new for them when someone else moved it
    /// into its present state since they last opened it.
    #[serde(default)]
    pub viewer: Option<i64>,
}

/// A queue line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub id: i64,
    pub number: String,
    pub service: String,
    pub channel: Channel,
    pub status: Status,
    pub applicant: String,
    pub iin: Option<String>,
    pub accepted_at: chrono::DateTime<chrono::Utc>,
    pub due_date: chrono::NaiveDate,
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    pub extended: bool,
    pub executor: Option<String>,
    /// The edition of the service's regulation it was registered under.
    pub service_version: String,
    /// When it entered its present state.
    pub status_since: chrono::DateTime<chrono::Utc>,
    /// Someone else moved it into its present state since the user asking last opened it.
    pub new: bool,
    /// At an akimat: the department's signed result has come back (to be handed over).
    pub result_back: bool,
}

/// A page and the cursor of the next one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    pub rows: Vec<Row>,
    pub next: Option<Cursor>,
}

fn filters(q: &Query, b: &mut Built, with_tab: bool) {
    if with_tab {
        match q.tab {
            Some(Tab::Overdue) => {
                let p = b.bind(q.today.as_str());
                b.push(&format!(" AND a.is_open = 1 AND a.due_date < {p}"));
            }
            Some(Tab::All) | None => {}
            Some(t) => {
                let p = b.bind(t.status().expect("status tab").code());
                b.push(&format!(" AND a.status = {p}"));
            }
        }
    }
    if let Some(s) = &q.service {
        let p = b.bind(s.as_str());
        b.push(&format!(" AND a.service = {p}"));
    }
    if let Some(c) = q.channel {
        let p = b.bind(c.code());
        b.push(&format!(" AND a.channel = {p}"));
    }
    if let Some(e) = q.executor {
        let p = b.bind(e);
        b.push(&format!(" AND a.executor_id = {p}"));
    }
    if let Some(f) = &q.accepted_from {
        let p = b.bind(f.as_str());
        b.push(&format!(" AND a.accepted_at >= {p}"));
    }
    if let Some(t) = &q.accepted_to {
        let p = b.bind(t.as_str());
        b.push(&format!(" AND a.accepted_at < {p}"));
    }
    match &q.search {
        Some(Search::Iin(i)) => {
            let p = b.bind(i.as_str());
            b.push(&format!(" AND a.applicant_iin = {p}"));
        }
        Some(Search::Number(n)) => {
            let p = b.bind(n.as_str());
            let hi = b.bind(format!("{n}\u{10FFFF}"));
            b.push(&format!(
                " AND (a.number = {p} OR a.outgoing_number = {p} OR (a.number >= {p} AND a.number < {hi}))"
            ));
        }
        Some(Search::Name(n)) => {
            let p = b.bind(n.as_str());
            let hi = b.bind(format!("{n}\u{10FFFF}"));
            b.push(&format!(
                " AND a.applicant_fold >= {p} AND a.applicant_fold < {hi}"
            ));
        }
        None => {}
    }
}

/// One page of the queue, ordered by due date then id (by name then id for a name search).
pub fn page(db: &impl Db, q: &Query) -> Result<Page> {
    let limit = q.limit.clamp(1, 500);
    let (key, desc) = match q.search {
        Some(Search::Name(_)) => ("a.applicant_fold", false),
        _ => (q.sort.column(), q.descending),
    };
    let (cmp, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
    let mut b = Built::new("");
    let pv = b.bind(q.viewer.unwrap_or(-1));
    b.push(&format!(
        "SELECT a.id, a.number, a.service, a.channel, a.status, a.applicant_name, a.applicant_iin,
                a.accepted_at, a.due_date, a.due_at, a.extended, u.full_name, {key},
                a.service_version, coalesce(a.status_since, a.updated_at),
                CASE WHEN (a.status_by IS NULL OR a.status_by <> {pv})
                      AND (sn.at IS NULL OR sn.at < coalesce(a.status_since, a.updated_at))
                     THEN 1 ELSE 0 END,
                CASE WHEN al.result_sha256 IS NULL THEN 0 ELSE 1 END
         FROM applications a LEFT JOIN users u ON u.id = a.executor_id
              LEFT JOIN seen sn ON sn.application_id = a.id AND sn.user_id = {pv}
              LEFT JOIN akimat_links al ON al.application_id = a.id
         WHERE 1 = 1",
    ));
    filters(q, &mut b, true);
    if let Some(c) = &q.after {
        let pk = b.bind(c.due_date.as_str());
        let pi = b.bind(c.id);
        b.push(&format!(" AND ({key}, a.id) {cmp} ({pk}, {pi})"));
    }
    let pl = b.bind(limit as i64 + 1);
    b.push(&format!(" ORDER BY {key} {dir}, a.id {dir} LIMIT {pl}"));
    let mut rows = db
        .query(&b.sql, &b.params())?
        .iter()
        .map(|r| {
            let row = Row {
                id: r.get(0)?,
                number: r.get(1)?,
                service: r.get(2)?,
                channel: r.parse(3)?,
                status: r.parse(4)?,
                applicant: r.get(5)?,
                iin: r.get(6)?,
                accepted_at: r.moment(7)?,
                due_date: r.parse(8)?,
                due_at: r.moment_opt(9)?,
                extended: r.get(10)?,
                executor: r.get(11)?,
                service_version: r.get(13)?,
                status_since: r.moment(14)?,
                new: q.viewer.is_some() && r.get::<i64>(15)? == 1,
                result_back: r.get::<i64>(16)? == 1,
            };
            Ok((row, r.get::<String>(12)?))
        })
        .collect::<Result<Vec<_>>>()?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|(r, key)| Cursor {
            due_date: key.clone(),
            id: r.id,
        })
    } else {
        None
    };
    Ok(Page {
        rows: rows.into_iter().map(|(r, _)| r).collect(),
        next,
    })
}

/// Counts per tab under the same filters (the live counts on the tabs).
pub fn counts(db: &impl Db, q: &Query) -> Result<Vec<(Tab, i64)>> {
    let mut b = Built::new("SELECT a.status, count(*) FROM applications a WHERE 1 = 1");
    filters(q, &mut b, false);
    b.push(" GROUP BY a.status");
    if b.vals.is_empty() {
        // No filter (each one binds a value): the counts kept by triggers (migration 04),
        // no scan of the table.
        b.sql = "SELECT status, n FROM app_counts".into();
    }
    let by_status: Vec<(String, i64)> = db
        .query(&b.sql, &b.params())?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .collect::<Result<_>>()?;
    let mut b = Built::new("");
    let p = b.bind(q.today.as_str());
    b.push(&format!(
        "SELECT count(*) FROM applications a WHERE a.is_open = 1 AND a.due_date < {p}"
    ));
    filters(q, &mut b, false);
    let overdue: i64 = db.query_one(&b.sql, &b.params())?.get(0)?;
    let mut out = Vec::new();
    let mut all = 0;
    for tab in Tab::ALL {
        let n = match tab {
            Tab::Overdue => overdue,
            Tab::All => continue,
            t => {
                let code = t.status().expect("status tab").code();
                by_status
                    .iter()
                    .find(|(s, _)| s == code)
                    .map(|x| x.1)
                    .unwrap_or(0)
            }
        };
        if tab != Tab::Overdue {
            all += n;
        }
        out.push((tab, n));
    }
    out.push((Tab::All, all));
    Ok(out)
}

/// Counts by service and status (dashboard, period report).
pub fn counts_by_service_status(
    db: &impl Db,
    accepted_from: &str,
    accepted_to: &str,
) -> Result<Vec<(String, Status, i64)>> {
    db.query(
        "SELECT service, status, count(*) FROM applications
         WHERE accepted_at >= $1 AND accepted_at < $2 GROUP BY service, status ORDER BY service, status",
        params![accepted_from, accepted_to],
    )?
    .iter()
    .map(|r| {
        let s: String = r.get(1)?;
        Ok((
            r.get(0)?,
            s.parse().unwrap_or(Status::Registered),
            r.get(2)?,
        ))
    })
    .collect()
}

/// Applications accepted per week (`YYYY-WW`, weeks from Monday as `%W` numbers them) from a
/// moment on. The days are counted by the database and put into weeks here, the same on both
/// backends.
pub fn per_week(db: &impl Db, accepted_from: &str) -> Result<Vec<(String, i64)>> {
    let mut weeks: Vec<(String, i64)> = Vec::new();
    for r in db.query(
        "SELECT substr(accepted_at, 1, 10) AS d, count(*) FROM applications
         WHERE accepted_at >= $1 GROUP BY d ORDER BY d",
        params![accepted_from],
    )? {
        let day: String = r.get(0)?;
        let n: i64 = r.get(1)?;
        let Ok(d) = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d") else {
            return Err(super::StoreError::Corrupt(format!("acceptance date {day}")));
        };
        let w = d.format("%Y-%W").to_string();
        match weeks.last_mut() {
            Some((lw, c)) if *lw == w => *c += n,
            _ => weeks.push((w, n)),
        }
    }
    Ok(weeks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_classification() {
        assert_eq!(
            Search::classify("850315 300128"),
            Some(Search::Iin("850315300128".into()))
        );
        assert_eq!(
            Search::classify("0412-02-2026-000137"),
            Some(Search::Number("0412-02-2026-000137".into()))
        );
        assert_eq!(
            Search::classify("ҚАСЫМОВ Е"),
            Some(Search::Name("қасымов е".into()))
        );
        assert_eq!(Search::classify("   "), None);
    }
}
