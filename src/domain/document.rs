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

/// Free text on a paper: one text (typed in one language, or a name that reads the same in
/// both), or the same text written in each language. A plain JSON string is `One`, so papers
/// made before free text came in two languages read as they were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Free {
    One(String),
    Both(Text),
}

impl Free {
    pub fn get(&self, lang: super::model::Lang) -> &str {
        match self {
            Free::One(s) => s,
            Free::Both(t) => t.get(lang),
        }
    }
    pub fn is_empty(&self) -> bool {
        match self {
            Free::One(s) => s.trim().is_empty(),
            Free::Both(t) => t.kk.trim().is_empty() && t.ru.trim().is_empty(),
        }
    }
}

impl Default for Free {
    fn default() -> Self {
        Free::One(String::new())
    }
}

impl From<&str> for Free {
    fn from(s: &str) -> Free {
        Free::One(s.to_string())
    }
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
        presented_to: Free,
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
        /// The free comment (or, on papers made before grounds were chosen from the
        /// catalogue, the whole reason).
        reason: Free,
        /// The right of appeal is stated (АСП).
        appeal: bool,
        commission_conclusion: Option<Free>,
        /// The refusal ground chosen from the service's grounds in the catalogue.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ground: Option<Text>,
        /// Отбасының тіркелген № (the АСП refusal carries it, seed 001 L1053).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        family_registration_number: Option<String>,
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
        /// The department it goes to (on an akimat's own cover letter, issue 12).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        addressee: Option<Text>,
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
    /// The one language the paper is printed in (its free text was written in it); `None`:
    /// as asked (both languages by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper_lang: Option<super::model::Lang>,
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

/// What the QR code of a paper carries: enough to check it without the full ИИН.
///
/// `MIO1|number|YYYYMMDD|office|masked ИИН or -|content SHA-256` for an unsigned paper, and for
/// a signed one also `|PDF SHA-256|signed at (unix s)|certificate serial|signature`; hashes and
/// the signature are base64url without padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationPayload {
    pub number: String,
    pub date: NaiveDate,
    pub office: String,
    pub masked_iin: Option<String>,
    pub content_sha256: [u8; 32],
    pub seal: Option<SealRef>,
}

/// The signature part of a QR payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealRef {
    /// SHA-256 of the PDF rendered without the signature (what was signed).
    pub pdf_sha256: [u8; 32],
    pub signed_at: i64,
    /// The signer's certificate serial number, hex.
    pub cert_serial: String,
    pub signature: Vec<u8>,
}

const PAYLOAD_MAGIC: &str = "MIO1";

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .ok()
}

fn hash32(s: &str) -> Option<[u8; 32]> {
    unb64(s)?.try_into().ok()
}

impl VerificationPayload {
    /// The payload of a paper that is not signed.
    pub fn unsigned(c: &Content) -> VerificationPayload {
        VerificationPayload {
            number: c.number.clone(),
            date: c.date,
            office: c.issuer.office_code.clone(),
            masked_iin: c.masked_iin(),
            content_sha256: Sha256::digest(c.canonical()).into(),
            seal: None,
        }
    }

    fn head(&self) -> String {
        format!(
            "{PAYLOAD_MAGIC}|{}|{}|{}|{}|{}",
            self.number,
            self.date.format("%Y%m%d"),
            self.office,
            self.masked_iin.as_deref().unwrap_or("-"),
            b64(&self.content_sha256)
        )
    }

    /// The bytes a signature covers: every field but the signature itself.
    pub fn signed_message(
        &self,
        pdf_sha256: &[u8; 32],
        signed_at: i64,
        cert_serial: &str,
    ) -> Vec<u8> {
        format!(
            "mio-desk-signature-v1\n{}|{}|{}|{}",
            self.head(),
            b64(pdf_sha256),
            signed_at,
            cert_serial
        )
        .into_bytes()
    }

    pub fn encode(&self) -> String {
        match &self.seal {
            None => self.head(),
            Some(s) => format!(
                "{}|{}|{}|{}|{}",
                self.head(),
                b64(&s.pdf_sha256),
                s.signed_at,
                s.cert_serial,
                b64(&s.signature)
            ),
        }
    }

    /// Reads a payload; `None` when it is not one of ours or is damaged.
    pub fn parse(text: &str) -> Option<VerificationPayload> {
        let parts: Vec<&str> = text.trim().split('|').collect();
        if parts.first() != Some(&PAYLOAD_MAGIC) || (parts.len() != 6 && parts.len() != 10) {
            return None;
        }
        let date = NaiveDate::parse_from_str(parts[2], "%Y%m%d").ok()?;
        let seal = if parts.len() == 10 {
            Some(SealRef {
                pdf_sha256: hash32(parts[6])?,
                signed_at: parts[7].parse().ok()?,
                cert_serial: parts[8].to_string(),
                signature: unb64(parts[9])?,
            })
        } else {
            None
        };
        if parts[1].is_empty() || parts[3].is_empty() {
            return None;
        }
        Some(VerificationPayload {
            number: parts[1].to_string(),
            date,
            office: parts[3].to_string(),
            masked_iin: (parts[4] != "-").then(|| parts[4].to_string()),
            content_sha256: hash32(parts[5])?,
            seal,
        })
    }
}

/// What a signed paper carries for a verifier besides its QR code: the content it was
/// rendered from, the signer's certificate and the printed signature line. Embedded in the
/// PDF's document information, so a paper can be checked without the office database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationRecord {
    pub content: Content,
    /// The signer's certificate, DER in base64.
    pub certificate: String,
    pub qr: String,
    pub signer: String,
    pub signed_at_local: NaiveDateTime,
    pub cert_serial: String,
}

const RECORD_PREFIX: &str = "mio-verify:1:";

impl VerificationRecord {
    pub fn encode(&self) -> String {
        format!(
            "{RECORD_PREFIX}{}",
            b64(&serde_json::to_vec(self).expect("record serialises"))
        )
    }
    pub fn parse(s: &str) -> Option<VerificationRecord> {
        let body = s.strip_prefix(RECORD_PREFIX)?;
        serde_json::from_slice(&unb64(body)?).ok()
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
            paper_lang: None,
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

    #[test]
    fn payload_round_trip_and_no_full_iin() {
        let c = sample();
        let mut p = VerificationPayload::unsigned(&c);
        let text = p.encode();
        assert!(!text.contains("850315300128"), "{text}");
        assert!(text.contains("850315*****8"));
        assert_eq!(VerificationPayload::parse(&text), Some(p.clone()));
        p.seal = Some(SealRef {
            pdf_sha256: [7; 32],
            signed_at: 1_795_000_000,
            cert_serial: "0a1b".into(),
            signature: vec![1; 64],
        });
        let text = p.encode();
        assert_eq!(VerificationPayload::parse(&text), Some(p));
        assert_eq!(VerificationPayload::parse("MIO1|x"), None);
        assert_eq!(
            VerificationPayload::parse(&text.replace("MIO1", "MIO2")),
            None
        );
    }
}
