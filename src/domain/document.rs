//! The content of every output document: what is printed, hashed and signed. Rendering to PDF
//! lives in `documents`; this module only holds data, so the same content always gives the
//! same canonical bytes (serde_json of these types, field order fixed by the declarations).

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::catalog::DocumentKind;
use super::model::{Channel, Status, Text};

/// The department that issues the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issuer {
    pub office_code: String,
    /// «… Жұмыспен қамту және әлеуметтік бағдарламалар бөлімі» ММ / ГУ «Отдел занятости …».
    pub name: Text,
}

/// The applicant as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub full_name: String,
    pub iin: Option<String>,
    pub address: String,
    pub phone: String,
}

/// The application a document answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRef {
    pub number: String,
    pub submitted_on: NaiveDate,
    pub service_code: String,
    pub service: Text,
    pub channel: Channel,
}

/// A value shown on a document, typed so each language formats it its own way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Shown {
    Text(String),
    Date(NaiveDate),
    /// Tiyn.
    Money(i64),
    Int(i64),
    YesNo(bool),
    Choice(Text),
    Quarter(u8),
}

/// A labelled line (notices built from the catalogue's fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub label: Text,
    pub value: Shown,
}

/// A row of a table printed on a document (family members, payments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub title: Text,
    pub columns: Vec<Text>,
    pub rows: Vec<Vec<Shown>>,
}

/// An item of the receipt's document list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedItem {
    pub name: Text,
    pub mandatory: bool,
    /// Scans attached for it.
    pub scans: u32,
}

/// A quarterly payment (disabled children's material support).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub quarter: u8,
    pub year: i32,
    pub amount: i64,
}

/// A journal line on a printed journal page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalRow {
    pub number: String,
    pub registered_at: NaiveDateTime,
    pub application: String,
    pub applicant: String,
    pub service: Text,
    pub status: Status,
    pub due: NaiveDate,
    pub user: String,
}

/// One service's line of the period report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLine {
    pub service: Text,
    /// Counts in the order of [`Status::ALL`].
    pub by_status: Vec<i64>,
    pub total: i64,
}

/// An overdue application in the period report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueLine {
    pub number: String,
    pub applicant: String,
    pub service: Text,
    pub due: NaiveDate,
    pub working_days_late: i64,
    pub executor: String,
}

/// The body of each kind of output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "body", rename_all = "snake_case")]
pub enum Body {
    Receipt {
        accepted_at: NaiveDateTime,
        items: Vec<ReceivedItem>,
        missing_reason: Option<String>,
        due: NaiveDate,
        registrar: String,
    },
    UnemployedCertificate {
        registered_on: NaiveDate,
        public_works: bool,
        training: bool,
        asp_housing: bool,
        presented_to: String,
    },
    AspAssignment {
        family_size: i64,
        period_from: NaiveDate,
        period_to: NaiveDate,
        amount: i64,
        family_registration_number: Option<String>,
        family: Option<Table>,
    },
    /// A motivated refusal (АСП refusal notice and the generic letter).
    Refusal {
        reason: String,
        /// The right of appeal is stated (АСП).
        appeal: bool,
        commission_conclusion: Option<String>,
    },
    DisabledChildren {
        child_name: String,
        period_from: NaiveDate,
        period_to: NaiveDate,
        amount: i64,
        payments: Vec<Payment>,
    },
    AspMembership {
        is_recipient: bool,
        period_from: Option<NaiveDate>,
        period_to: Option<NaiveDate>,
    },
    EmploymentReferral {
        referral_type: Text,
        lines: Vec<Line>,
    },
    /// The notices of the other services: labelled lines from the catalogue's fields.
    Notice {
        lines: Vec<Line>,
        tables: Vec<Table>,
    },
    Extension {
        previous_due: NaiveDate,
        new_due: NaiveDate,
        reason: String,
    },
    AkimCoverLetter {
        akim_office: String,
        items: Vec<ReceivedItem>,
    },
    JournalPage {
        journal: String,
        from: NaiveDate,
        to: NaiveDate,
        rows: Vec<JournalRow>,
    },
    PeriodReport {
        from: NaiveDate,
        to: NaiveDate,
        lines: Vec<ReportLine>,
        overdue: Vec<OverdueLine>,
        /// Questionnaire answers: per question, counts of not / partly / satisfied.
        questionnaire: [[i64; 3]; 2],
    },
}

/// A whole output document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub kind: DocumentKind,
    /// The unique number (outgoing journal number; the receipt carries the incoming one).
    pub number: String,
    pub date: NaiveDate,
    pub issuer: Issuer,
    pub application: Option<AppRef>,
    pub applicant: Option<Applicant>,
    pub body: Body,
    /// Маман / Специалист.
    pub specialist: Option<String>,
    /// Бөлім бастығы / Начальник отдела.
    pub head: Option<String>,
}

impl Content {
    /// The canonical bytes: what is hashed and signed.
    pub fn canonical(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("document content serialises")
    }

    /// SHA-256 of the canonical bytes, hex.
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.canonical()))
    }

    /// The applicant's ИИН as printable in public places (QR): the serial hidden.
    pub fn masked_iin(&self) -> Option<String> {
        self.applicant
            .as_ref()
            .and_then(|a| a.iin.as_deref())
            .and_then(|i| super::iin::Iin::parse(i).ok())
            .map(|i| i.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Content {
        Content {
            kind: DocumentKind::UnemployedCertificate,
            number: "0412-02-2026-R00001".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            issuer: Issuer {
                office_code: "0412".into(),
                name: Text::new("бөлім", "отдел"),
            },
            application: None,
            applicant: Some(Applicant {
                full_name: "Қасымов Ерлан".into(),
                iin: Some("850315300128".into()),
                address: String::new(),
                phone: String::new(),
            }),
            body: Body::UnemployedCertificate {
                registered_on: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                public_works: true,
                training: false,
                asp_housing: false,
                presented_to: "по месту требования".into(),
            },
            specialist: Some("Маманов".into()),
            head: Some("Бастықов".into()),
        }
    }

    #[test]
    fn canonical_bytes_are_stable_and_sensitive() {
        let a = sample();
        assert_eq!(a.sha256(), sample().sha256());
        let round: Content = serde_json::from_slice(&a.canonical()).unwrap();
        assert_eq!(round.canonical(), a.canonical());
        let mut b = sample();
        b.number.push('1');
        assert_ne!(a.sha256(), b.sha256());
        assert_eq!(a.masked_iin().unwrap(), "850315*****8");
    }
}
