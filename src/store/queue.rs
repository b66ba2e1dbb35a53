//! Queue queries: applications by tab (status), filters and search, in pages of a fixed size
//! with keyset pagination (`WHERE (due_date, id) > (?, ?)`), so a deep page costs what the
//! first one does.

use rusqlite::params_from_iter;
use rusqlite::types::Value as V;
use serde::{Deserialize, Serialize};

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
    pub after: Option<Cursor>,
    pub limit: usize,
    /// Office-local today (`YYYY-MM-DD`), for the overdue tab.
    pub today: String,
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
    pub accepted_at: String,
    pub due_date: String,
    pub due_at: Option<String>,
    pub extended: bool,
    pub executor: Option<String>,
}

/// A page and the cursor of the next one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    pub rows: Vec<Row>,
    pub next: Option<Cursor>,
}

fn filters(q: &Query, sql: &mut String, vals: &mut Vec<V>, with_tab: bool) {
    if with_tab {
        match q.tab {
            Some(Tab::Overdue) => {
                sql.push_str(" AND a.is_open = 1 AND a.due_date < ?");
                vals.push(V::Text(q.today.clone()));
            }
            Some(Tab::All) | None => {}
            Some(t) => {
                sql.push_str(" AND a.status = ?");
                vals.push(V::Text(t.status().expect("status tab").code().into()));
            }
        }
    }
    if let Some(s) = &q.service {
        sql.push_str(" AND a.service = ?");
        vals.push(V::Text(s.clone()));
    }
    if let Some(c) = q.channel {
        sql.push_str(" AND a.channel = ?");
        vals.push(V::Text(c.code().into()));
    }
    if let Some(e) = q.executor {
        sql.push_str(" AND a.executor_id = ?");
        vals.push(V::Integer(e));
    }
    if let Some(f) = &q.accepted_from {
        sql.push_str(" AND a.accepted_at >= ?");
        vals.push(V::Text(f.clone()));
    }
    if let Some(t) = &q.accepted_to {
        sql.push_str(" AND a.accepted_at < ?");
        vals.push(V::Text(t.clone()));
    }
    match &q.search {
        Some(Search::Iin(i)) => {
            sql.push_str(" AND a.applicant_iin = ?");
            vals.push(V::Text(i.clone()));
        }
        Some(Search::Number(n)) => {
            sql.push_str(
                " AND (a.number = ? OR a.outgoing_number = ? OR (a.number >= ? AND a.number < ?))",
            );
            vals.push(V::Text(n.clone()));
            vals.push(V::Text(n.clone()));
            vals.push(V::Text(n.clone()));
            vals.push(V::Text(format!("{n}\u{10FFFF}")));
        }
        Some(Search::Name(n)) => {
            sql.push_str(" AND a.applicant_fold >= ? AND a.applicant_fold < ?");
            vals.push(V::Text(n.clone()));
            vals.push(V::Text(format!("{n}\u{10FFFF}")));
        }
        None => {}
    }
}

/// One page of the queue, ordered by due date then id (by name then id for a name search).
pub fn page(db: &impl Db, q: &Query) -> Result<Page> {
    let limit = q.limit.clamp(1, 500);
    let key = match q.search {
        Some(Search::Name(_)) => "a.applicant_fold",
        _ => "a.due_date",
    };
    let mut sql = format!(
        "SELECT a.id, a.number, a.service, a.channel, a.status, a.applicant_name, a.applicant_iin,
                a.accepted_at, a.due_date, a.due_at, a.extended, u.full_name, {key}
         FROM applications a LEFT JOIN users u ON u.id = a.executor_id WHERE 1 = 1",
    );
    let mut vals = Vec::new();
    filters(q, &mut sql, &mut vals, true);
    if let Some(c) = &q.after {
        sql.push_str(&format!(" AND ({key}, a.id) > (?, ?)"));
        vals.push(V::Text(c.due_date.clone()));
        vals.push(V::Integer(c.id));
    }
    sql.push_str(&format!(" ORDER BY {key}, a.id LIMIT ?"));
    vals.push(V::Integer(limit as i64 + 1));
    let mut st = db.conn().prepare_cached(&sql)?;
    let mut rows = st
        .query_map(params_from_iter(vals.iter()), |r| {
            let channel: String = r.get(3)?;
            let status: String = r.get(4)?;
            let row = Row {
                id: r.get(0)?,
                number: r.get(1)?,
                service: r.get(2)?,
                channel: channel.parse().unwrap_or(Channel::Office),
                status: status.parse().unwrap_or(Status::Registered),
                applicant: r.get(5)?,
                iin: r.get(6)?,
                accepted_at: r.get(7)?,
                due_date: r.get(8)?,
                due_at: r.get(9)?,
                extended: r.get::<_, i64>(10)? != 0,
                executor: r.get(11)?,
            };
            Ok((row, r.get::<_, String>(12)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
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
    let mut sql = String::from("SELECT a.status, count(*) FROM applications a WHERE 1 = 1");
    let mut vals = Vec::new();
    filters(q, &mut sql, &mut vals, false);
    sql.push_str(" GROUP BY a.status");
    if vals.is_empty() {
        // No filter (each one binds a value): the counts kept by triggers (migration 04),
        // no scan of the table.
        sql = "SELECT status, n FROM app_counts".into();
    }
    let mut st = db.conn().prepare_cached(&sql)?;
    let by_status: Vec<(String, i64)> = st
        .query_map(params_from_iter(vals.iter()), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut sql =
        String::from("SELECT count(*) FROM applications a WHERE a.is_open = 1 AND a.due_date < ?");
    let mut vals = vec![V::Text(q.today.clone())];
    filters(q, &mut sql, &mut vals, false);
    let overdue: i64 = db
        .conn()
        .prepare_cached(&sql)?
        .query_row(params_from_iter(vals.iter()), |r| r.get(0))?;
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
    let mut st = db.conn().prepare_cached(
        "SELECT service, status, count(*) FROM applications
         WHERE accepted_at >= ?1 AND accepted_at < ?2 GROUP BY service, status ORDER BY service, status",
    )?;
    let rows = st.query_map([accepted_from, accepted_to], |r| {
        let s: String = r.get(1)?;
        Ok((
            r.get(0)?,
            s.parse().unwrap_or(Status::Registered),
            r.get(2)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Applications accepted per ISO week (`YYYY-WW`) from a moment on.
pub fn per_week(db: &impl Db, accepted_from: &str) -> Result<Vec<(String, i64)>> {
    let mut st = db.conn().prepare_cached(
        "SELECT strftime('%Y-%W', accepted_at) AS w, count(*) FROM applications
         WHERE accepted_at >= ?1 GROUP BY w ORDER BY w",
    )?;
    let rows = st.query_map([accepted_from], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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
