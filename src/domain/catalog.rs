//! The service catalogue: every state service is data (`assets/catalog/<code>.toml`), not code.
//!
//! A service carries its names (kk/ru), channels, required documents, the fields the intake and
//! the decision need, the output document kinds, and one or more **versions** taken from the
//! regulations (seeds), each with effective dates, the statutory term and the per-role step
//! norms. Unattested text carries `unverified = true` so a reviewer can find every such term.
//!
//! Loading never panics: a bad file is reported with the file, the entry and the field.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{Channel, Lang, Text};

/// A catalogue text in both languages, with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LText {
    pub kk: String,
    pub ru: String,
    /// True when at least one language is not attested in the seeds or the research notes.
    #[serde(default)]
    pub unverified: bool,
    /// Where the wording comes from (seed and line), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl LText {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
        }
    }
    pub fn text(&self) -> Text {
        Text::new(self.kk.clone(), self.ru.clone())
    }
}

/// Unit of a statutory term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermUnit {
    WorkingDays,
    CalendarDays,
    Minutes,
}

impl TermUnit {
    pub fn code(self) -> &'static str {
        match self {
            TermUnit::WorkingDays => "working_days",
            TermUnit::CalendarDays => "calendar_days",
            TermUnit::Minutes => "minutes",
        }
    }
    /// Its short name's translation key.
    pub fn key(self) -> &'static str {
        match self {
            TermUnit::WorkingDays => "ui-unit-working_days",
            TermUnit::CalendarDays => "ui-unit-calendar_days",
            TermUnit::Minutes => "ui-unit-minutes",
        }
    }
}

/// A statutory term: how long the department has from acceptance to the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub value: u32,
    pub unit: TermUnit,
    /// Whether the day the application was accepted is the first day of the term.
    #[serde(default)]
    pub acceptance_day_counted: bool,
    /// Whether the day of issue is inside the term (seed 001: "the day of acceptance and of
    /// issue are not counted" means the result is handed over the working day after the term).
    #[serde(default = "yes")]
    pub issue_day_counted: bool,
}

fn yes() -> bool {
    true
}

/// A different term for one channel (the rural akim channel is longer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelTerm {
    pub channel: Channel,
    pub value: u32,
    pub unit: TermUnit,
    #[serde(default)]
    pub acceptance_day_counted: bool,
    #[serde(default = "yes")]
    pub issue_day_counted: bool,
}

/// How much an extension adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    pub value: u32,
    pub unit: TermUnit,
    /// Working days within which the applicant must be notified of the extension, if the
    /// regulation says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_within_working_days: Option<u32>,
}

/// Unit of a per-step norm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NormUnit {
    Minutes,
    Hours,
    WorkingDays,
}

/// Who performs a step of the regulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepActor {
    Registrar,
    Head,
    Executor,
    AkimClerk,
    Akim,
    AkimExecutor,
    ConOperator,
}

/// One step of the procedure with its time norm (seed 003 tables).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The channel this step belongs to; `None` = the department's own procedure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    pub actor: StepActor,
    pub action: LText,
    pub norm: u32,
    pub unit: NormUnit,
}

/// One edition of a service's regulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceVersion {
    /// Stable id, e.g. `aktobe-2012`.
    pub id: String,
    /// The act and lines this edition comes from.
    pub source: String,
    pub effective_from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
    /// The service's name in this edition, when it differs from the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<LText>,
    pub term: Term,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channel_terms: Vec<ChannelTerm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// True when the term of this edition is inferred rather than read in a source.
    #[serde(default)]
    pub unverified: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ServiceVersion {
    /// At a rural akimat: the akim's own step an application in `status` is at, with its
    /// norm (seed 003's akim-channel steps): the akim's resolution while it is registered, the
    /// cover letter by the akim's responsible executor while in work, the akim's signature
    /// while awaiting it. `None` in other states, or where this edition lists no such steps.
    pub fn akimat_step(&self, status: super::model::Status) -> Option<&Step> {
        use super::model::Status;
        let akim: Vec<&Step> = self
            .steps
            .iter()
            .filter(|s| s.channel == Some(Channel::Akim))
            .collect();
        let exec = akim
            .iter()
            .position(|s| s.actor == StepActor::AkimExecutor)?;
        match status {
            Status::Registered => akim[..exec]
                .iter()
                .rev()
                .find(|s| s.actor == StepActor::Akim)
                .copied(),
            Status::InWork => Some(akim[exec]),
            Status::AwaitingSignature => akim[exec + 1..]
                .iter()
                .find(|s| s.actor == StepActor::Akim)
                .copied(),
            _ => None,
        }
    }

    /// The term that applies to an application of this channel.
    pub fn term_for(&self, channel: Channel) -> Term {
        self.channel_terms
            .iter()
            .find(|t| t.channel == channel)
            .map(|t| Term {
                value: t.value,
                unit: t.unit,
                acceptance_day_counted: t.acceptance_day_counted,
                issue_day_counted: t.issue_day_counted,
            })
            .unwrap_or(self.term)
    }
}

/// A document the applicant brings (the intake checklist).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredDocument {
    pub key: String,
    pub name: LText,
    #[serde(default = "yes")]
    pub mandatory: bool,
}

/// Kinds of values a service field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    LongText,
    Integer,
    /// Tenge, stored in tiyn.
    Money,
    Date,
    Year,
    /// 1–4.
    Quarter,
    YesNo,
    Choice,
    Table,
}

/// At which step a field is filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldStage {
    /// Filled by the registrar at intake (part of the application form).
    Intake,
    /// Filled by the executor for a positive decision.
    Approve,
    /// Filled by the executor for a refusal (the reason itself is always asked).
    Refuse,
    /// Filled by the executor whatever the outcome.
    Decision,
}

/// An option of a `choice` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub key: String,
    pub label: LText,
}

/// A column of a `table` field (scalar kinds only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub key: String,
    pub label: LText,
    pub kind: FieldKind,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// A money column whose every row must equal this decision field (a payment table
    /// against the amount the notice states).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
}

/// A moment of the case a date is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The day the application was accepted.
    Application,
    /// The first day of the month the application was accepted in (АСП is assigned from the
    /// month of application).
    ApplicationMonth,
    /// The day of the decision (submitting the draft, and again signing it).
    Decision,
}

/// The consistency checks a field takes part in (`domain::consistency`), besides its kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    /// A date that may not come before this moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<Anchor>,
    /// A date that may not come after this moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<Anchor>,
    /// An integer that must equal the number of rows of this table of the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_of: Option<String>,
    /// A text chosen from a list the office keeps (`institutions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// A table of quarters (`quarter` and `year` columns) whose rows must fall inside the
    /// period these two date fields give.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<[String; 2]>,
    /// A family table: the option of its `relationship` column that marks the applicant. The
    /// applicant is member 1 and comes from the application; a typed row for the applicant
    /// must carry the applicant's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant_option: Option<String>,
}

impl Checks {
    pub fn is_empty(&self) -> bool {
        self == &Checks::default()
    }
}

/// A field of the service's own form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub key: String,
    pub label: LText,
    pub kind: FieldKind,
    pub stage: FieldStage,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Column>,
    /// Rows a table needs at least (e.g. one family member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_rows: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<u32>,
    #[serde(default, skip_serializing_if = "Checks::is_empty")]
    pub checks: Checks,
}

/// The output documents a service produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Расписка / қолхат at intake.
    Receipt,
    UnemployedCertificate,
    AspAssignmentNotice,
    AspRefusalNotice,
    ChildBenefitNotice,
    DisabledChildrenNotice,
    AspMembershipCertificate,
    EmploymentReferral,
    SpecialServicesNotice,
    FuelAssistanceNotice,
    JobSeekerRegistrationNotice,
    UnemployedRegistrationNotice,
    MotivatedRefusal,
    ExtensionNotice,
    AkimCoverLetter,
    JournalPage,
    PeriodReport,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 17] = [
        DocumentKind::Receipt,
        DocumentKind::UnemployedCertificate,
        DocumentKind::AspAssignmentNotice,
        DocumentKind::AspRefusalNotice,
        DocumentKind::ChildBenefitNotice,
        DocumentKind::DisabledChildrenNotice,
        DocumentKind::AspMembershipCertificate,
        DocumentKind::EmploymentReferral,
        DocumentKind::SpecialServicesNotice,
        DocumentKind::FuelAssistanceNotice,
        DocumentKind::JobSeekerRegistrationNotice,
        DocumentKind::UnemployedRegistrationNotice,
        DocumentKind::MotivatedRefusal,
        DocumentKind::ExtensionNotice,
        DocumentKind::AkimCoverLetter,
        DocumentKind::JournalPage,
        DocumentKind::PeriodReport,
    ];
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Receipt => "receipt",
            DocumentKind::UnemployedCertificate => "unemployed_certificate",
            DocumentKind::AspAssignmentNotice => "asp_assignment_notice",
            DocumentKind::AspRefusalNotice => "asp_refusal_notice",
            DocumentKind::ChildBenefitNotice => "child_benefit_notice",
            DocumentKind::DisabledChildrenNotice => "disabled_children_notice",
            DocumentKind::AspMembershipCertificate => "asp_membership_certificate",
            DocumentKind::EmploymentReferral => "employment_referral",
            DocumentKind::SpecialServicesNotice => "special_services_notice",
            DocumentKind::FuelAssistanceNotice => "fuel_assistance_notice",
            DocumentKind::JobSeekerRegistrationNotice => "job_seeker_registration_notice",
            DocumentKind::UnemployedRegistrationNotice => "unemployed_registration_notice",
            DocumentKind::MotivatedRefusal => "motivated_refusal",
            DocumentKind::ExtensionNotice => "extension_notice",
            DocumentKind::AkimCoverLetter => "akim_cover_letter",
            DocumentKind::JournalPage => "journal_page",
            DocumentKind::PeriodReport => "period_report",
        }
    }
    pub fn from_code(s: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// What the service produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub positive: DocumentKind,
    pub negative: DocumentKind,
    /// False when the negative result is a normal answer, not a refusal (the АСП membership
    /// certificate "not a recipient").
    #[serde(default = "yes")]
    pub negative_is_refusal: bool,
    /// Whether a refusal must state the applicant's right of appeal (АСП).
    #[serde(default)]
    pub appeal_right: bool,
}

/// A ground on which the service may be refused (the Standard's п. 10), in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefusalGround {
    pub code: String,
    pub text: LText,
}

/// One state service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub code: String,
    pub name: LText,
    pub short_name: LText,
    pub channels: Vec<Channel>,
    pub results: Results,
    #[serde(default, rename = "document")]
    pub documents: Vec<RequiredDocument>,
    #[serde(default, rename = "field")]
    pub fields: Vec<FieldSpec>,
    #[serde(rename = "version")]
    pub versions: Vec<ServiceVersion>,
    /// The grounds a refusal chooses from.
    #[serde(default, rename = "refusal", skip_serializing_if = "Vec::is_empty")]
    pub refusals: Vec<RefusalGround>,
}

impl Service {
    /// The most recent edition (the default for a new office).
    pub fn latest_version(&self) -> &ServiceVersion {
        self.versions
            .iter()
            .max_by_key(|v| v.effective_from)
            .expect("a loaded service has at least one version")
    }
    pub fn version(&self, id: &str) -> Option<&ServiceVersion> {
        self.versions.iter().find(|v| v.id == id)
    }
    pub fn fields_for(&self, stage: FieldStage) -> impl Iterator<Item = &FieldSpec> {
        self.fields.iter().filter(move |f| f.stage == stage)
    }
    pub fn document(&self, key: &str) -> Option<&RequiredDocument> {
        self.documents.iter().find(|d| d.key == key)
    }
    pub fn refusal(&self, code: &str) -> Option<&RefusalGround> {
        self.refusals.iter().find(|g| g.code == code)
    }
}

/// The loaded catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Catalog {
    pub services: Vec<Service>,
}

/// A catalogue that does not load, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("catalogue file {file}, entry {entry}, field {field}: {message}")]
pub struct CatalogError {
    pub file: String,
    pub entry: String,
    pub field: String,
    pub message: String,
}

impl Catalog {
    /// The catalogue shipped with the program (`assets/catalog/*.toml`).
    pub fn builtin() -> Catalog {
        static FILES: include_dir::Dir<'_> =
            include_dir::include_dir!("$CARGO_MANIFEST_DIR/assets/catalog");
        let mut files: Vec<(String, String)> = FILES
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
            .map(|f| {
                (
                    format!("assets/catalog/{}", f.path().display()),
                    f.contents_utf8().unwrap_or_default().to_string(),
                )
            })
            .collect();
        files.sort();
        Catalog::load(&files).unwrap_or_else(|e| panic!("built-in catalogue is broken: {e}"))
    }

    /// Loads services from `(file name, TOML text)` pairs, one service per file.
    pub fn load(files: &[(String, String)]) -> Result<Catalog, CatalogError> {
        let mut services = Vec::new();
        for (file, text) in files {
            services.push(parse_service(file, text)?);
        }
        let cat = Catalog { services };
        cat.validate(files)?;
        Ok(cat)
    }

    pub fn service(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code == code)
    }

    pub fn codes(&self) -> Vec<&str> {
        self.services.iter().map(|s| s.code.as_str()).collect()
    }

    fn validate(&self, files: &[(String, String)]) -> Result<(), CatalogError> {
        let mut seen = BTreeSet::new();
        for (i, s) in self.services.iter().enumerate() {
            let file = files.get(i).map(|f| f.0.clone()).unwrap_or_default();
            let err = |field: &str, message: String| CatalogError {
                file: file.clone(),
                entry: s.code.clone(),
                field: field.to_string(),
                message,
            };
            if !seen.insert(s.code.clone()) {
                return Err(err("code", "the same service code appears twice".into()));
            }
            if s.code.is_empty()
                || !s
                    .code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
            {
                return Err(err(
                    "code",
                    "use lowercase latin letters, digits and _".into(),
                ));
            }
            for (name, t) in [("name", &s.name), ("short_name", &s.short_name)] {
                check_text(t).map_err(|m| err(name, m))?;
            }
            if s.channels.is_empty() {
                return Err(err(
                    "channels",
                    "a service needs at least one channel".into(),
                ));
            }
            if matches!(
                s.results.positive,
                DocumentKind::Receipt
                    | DocumentKind::JournalPage
                    | DocumentKind::PeriodReport
                    | DocumentKind::AkimCoverLetter
                    | DocumentKind::ExtensionNotice
            ) {
                return Err(err("results.positive", "not a result document".into()));
            }
            let mut keys = BTreeSet::new();
            for (j, d) in s.documents.iter().enumerate() {
                if !keys.insert(d.key.clone()) {
                    return Err(err(&format!("document[{j}].key"), "duplicate key".into()));
                }
                check_text(&d.name).map_err(|m| err(&format!("document[{j}].name"), m))?;
            }
            let mut codes = BTreeSet::new();
            for (j, g) in s.refusals.iter().enumerate() {
                if !codes.insert(g.code.clone()) {
                    return Err(err(&format!("refusal[{j}].code"), "duplicate code".into()));
                }
                check_text(&g.text).map_err(|m| err(&format!("refusal[{j}].text"), m))?;
            }
            if s.results.negative_is_refusal && s.refusals.is_empty() {
                return Err(err(
                    "refusal",
                    "a service that can be refused needs its refusal grounds".into(),
                ));
            }
            let mut keys = BTreeSet::new();
            for (j, f) in s.fields.iter().enumerate() {
                let at = |x: &str| format!("field[{j}] ({}).{x}", f.key);
                if !keys.insert(f.key.clone()) {
                    return Err(err(&at("key"), "duplicate key".into()));
                }
                check_text(&f.label).map_err(|m| err(&at("label"), m))?;
                match f.kind {
                    FieldKind::Table if f.columns.is_empty() => {
                        return Err(err(&at("columns"), "a table needs columns".into()));
                    }
                    FieldKind::Choice if f.options.is_empty() => {
                        return Err(err(&at("options"), "a choice needs options".into()));
                    }
                    _ => {}
                }
                for (k, c) in f.columns.iter().enumerate() {
                    if matches!(c.kind, FieldKind::Table) {
                        return Err(err(
                            &at(&format!("columns[{k}].kind")),
                            "a column cannot be a table".into(),
                        ));
                    }
                    if c.kind == FieldKind::Choice && c.options.is_empty() {
                        return Err(err(
                            &at(&format!("columns[{k}].options")),
                            "a choice needs options".into(),
                        ));
                    }
                    check_text(&c.label)
                        .map_err(|m| err(&at(&format!("columns[{k}].label")), m))?;
                }
                if let (Some(a), Some(b)) = (f.min, f.max)
                    && a > b
                {
                    return Err(err(&at("min"), "min is greater than max".into()));
                }
            }
            if s.versions.is_empty() {
                return Err(err(
                    "version",
                    "a service needs at least one version".into(),
                ));
            }
            let mut ids = BTreeSet::new();
            for (j, v) in s.versions.iter().enumerate() {
                let at = |x: &str| format!("version[{j}] ({}).{x}", v.id);
                if !ids.insert(v.id.clone()) {
                    return Err(err(&at("id"), "duplicate version id".into()));
                }
                if let Some(to) = v.effective_to
                    && to < v.effective_from
                {
                    return Err(err(&at("effective_to"), "ends before it starts".into()));
                }
                if v.term.value == 0 {
                    return Err(err(&at("term.value"), "a term must be positive".into()));
                }
                for (k, ct) in v.channel_terms.iter().enumerate() {
                    if !s.channels.contains(&ct.channel) {
                        return Err(err(
                            &at(&format!("channel_terms[{k}].channel")),
                            format!("{} is not a channel of this service", ct.channel),
                        ));
                    }
                    if ct.value == 0 {
                        return Err(err(
                            &at(&format!("channel_terms[{k}].value")),
                            "a term must be positive".into(),
                        ));
                    }
                }
                if let Some(n) = &v.name {
                    check_text(n).map_err(|m| err(&at("name"), m))?;
                }
                for (k, st) in v.steps.iter().enumerate() {
                    check_text(&st.action)
                        .map_err(|m| err(&at(&format!("steps[{k}].action")), m))?;
                }
            }
        }
        Ok(())
    }
}

fn check_text(t: &LText) -> Result<(), String> {
    if t.kk.trim().is_empty() || t.ru.trim().is_empty() {
        return Err("both kk and ru are needed".into());
    }
    if let Some(c) = lookalike_latin(&t.kk) {
        return Err(format!(
            "the Kazakh text has the Latin letter {c:?} inside a Cyrillic word"
        ));
    }
    Ok(())
}

/// A Latin letter used inside a Cyrillic word (a look-alike typed instead of the Kazakh
/// letter, e.g. Latin `i` for `і`).
pub fn lookalike_latin(s: &str) -> Option<char> {
    for word in s.split(|c: char| !c.is_alphabetic()) {
        let cyr = word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
        if cyr && let Some(c) = word.chars().find(|c| c.is_ascii_alphabetic()) {
            return Some(c);
        }
    }
    None
}

fn parse_service(file: &str, text: &str) -> Result<Service, CatalogError> {
    let value: toml::Value = toml::from_str(text).map_err(|e| CatalogError {
        file: file.to_string(),
        entry: "-".into(),
        field: "-".into(),
        message: e.to_string().trim().replace('\n', " "),
    })?;
    let entry = value
        .get("code")
        .and_then(|c| c.as_str())
        .unwrap_or("?")
        .to_string();
    serde_path_to_error::deserialize::<_, Service>(value).map_err(|e| CatalogError {
        file: file.to_string(),
        entry,
        field: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_has_the_eleven_services() {
        let c = Catalog::builtin();
        let mut codes = c.codes();
        codes.sort();
        assert_eq!(
            codes,
            vec![
                "asp",
                "asp_membership_certificate",
                "child_benefit",
                "disabled_children_home_schooling",
                "employment_referral",
                "job_seeker_registration",
                "rural_specialist_fuel",
                "special_social_services_home",
                "special_social_services_institution",
                "unemployed_certificate",
                "unemployed_registration",
            ]
        );
        for s in &c.services {
            assert!(
                !s.documents.is_empty(),
                "{} has no document checklist",
                s.code
            );
            assert!(
                !s.latest_version().steps.is_empty(),
                "{} has no steps",
                s.code
            );
        }
    }

    #[test]
    fn the_akimat_steps_follow_the_applications_state() {
        use crate::domain::model::Status;
        let c = Catalog::builtin();
        let v = c.service("child_benefit").unwrap().latest_version();
        let step = |s| v.akimat_step(s).map(|s| (s.actor, s.norm, s.unit));
        // Seed 003 L311, L315, L319: the akim's resolution in 1 working day, the cover
        // letter in 8, the akim's signature in 1.
        assert_eq!(
            step(Status::Registered),
            Some((StepActor::Akim, 1, NormUnit::WorkingDays))
        );
        assert_eq!(
            step(Status::InWork),
            Some((StepActor::AkimExecutor, 8, NormUnit::WorkingDays))
        );
        assert_eq!(
            step(Status::AwaitingSignature),
            Some((StepActor::Akim, 1, NormUnit::WorkingDays))
        );
        assert!(
            v.akimat_step(Status::AwaitingSignature)
                .unwrap()
                .action
                .ru
                .contains("Подписывает")
        );
        assert_eq!(step(Status::Signed), None);
        // A service with no akim channel steps has no akimat step.
        let office_only = c
            .service("unemployed_certificate")
            .unwrap()
            .latest_version();
        assert_eq!(office_only.akimat_step(Status::Registered), None);
    }

    #[test]
    fn asp_carries_family_income_period_and_amount() {
        let c = Catalog::builtin();
        let asp = c.service("asp").unwrap();
        let family = asp
            .fields
            .iter()
            .find(|f| f.kind == FieldKind::Table)
            .unwrap();
        let cols: Vec<_> = family.columns.iter().map(|c| c.key.as_str()).collect();
        assert!(cols.contains(&"relationship"), "{cols:?}");
        assert!(cols.contains(&"birth_year"), "{cols:?}");
        assert!(asp.fields.iter().any(|f| f.kind == FieldKind::Money));
        assert!(asp.results.appeal_right);
        // The akim channel has its own, longer term.
        let v = asp.latest_version();
        assert!(v.term_for(Channel::Akim) != v.term_for(Channel::Office));
    }

    #[test]
    fn the_unemployed_certificate_has_its_three_yes_no_lines() {
        let c = Catalog::builtin();
        let s = c.service("unemployed_certificate").unwrap();
        let yes_no = s
            .fields
            .iter()
            .filter(|f| f.kind == FieldKind::YesNo)
            .count();
        assert_eq!(yes_no, 3);
        let aktobe = s
            .versions
            .iter()
            .find(|v| v.term.unit == TermUnit::WorkingDays)
            .unwrap();
        assert_eq!(aktobe.term.value, 3);
        assert!(!aktobe.term.acceptance_day_counted);
        assert!(!aktobe.term.issue_day_counted);
    }

    #[test]
    fn membership_not_a_recipient_is_not_a_refusal() {
        let c = Catalog::builtin();
        let s = c.service("asp_membership_certificate").unwrap();
        assert!(!s.results.negative_is_refusal);
    }

    #[test]
    fn unattested_names_are_marked() {
        let c = Catalog::builtin();
        // DOMAIN.md: the Kazakh names of these are not in the seeds.
        for code in [
            "asp_membership_certificate",
            "employment_referral",
            "job_seeker_registration",
        ] {
            assert!(c.service(code).unwrap().name.unverified, "{code}");
        }
    }

    fn minimal(extra: &str) -> String {
        format!(
            r#"
code = "x"
name = {{ kk = "Қызмет", ru = "Услуга" }}
short_name = {{ kk = "Қ", ru = "У" }}
channels = ["office"]
results = {{ positive = "motivated_refusal", negative = "motivated_refusal" }}
{extra}
[[version]]
id = "v1"
source = "test"
effective_from = 2012-01-01
term = {{ value = 3, unit = "working_days" }}

[[refusal]]
code = "r"
text = {{ kk = "Себебі", ru = "Причина" }}
"#
        )
    }

    #[test]
    fn a_bad_file_names_file_entry_and_field() {
        let ok = Catalog::load(&[("x.toml".into(), minimal(""))]);
        assert!(ok.is_ok(), "{ok:?}");

        // A service that can be refused names its refusal grounds.
        let no_grounds = minimal("").replace("[[refusal]]", "[[ignored]]");
        let no_grounds = no_grounds[..no_grounds.find("[[ignored]]").unwrap()].to_string();
        let e = Catalog::load(&[("x.toml".into(), no_grounds)]).unwrap_err();
        assert_eq!(e.field, "refusal");

        let bad_unit = minimal("").replace("working_days", "weeks");
        let e = Catalog::load(&[("x.toml".into(), bad_unit)]).unwrap_err();
        assert_eq!(e.file, "x.toml");
        assert_eq!(e.entry, "x");
        assert_eq!(e.field, "version[0].term.unit");
        assert!(e.message.contains("weeks"), "{e}");

        let missing = minimal("").replace("short_name = { kk = \"Қ\", ru = \"У\" }\n", "");
        let e = Catalog::load(&[("x.toml".into(), missing)]).unwrap_err();
        assert!(e.message.contains("short_name"), "{e}");

        let latin = minimal("").replace("Қызмет", "Kызмет");
        let e = Catalog::load(&[("x.toml".into(), latin)]).unwrap_err();
        assert_eq!(e.field, "name");

        let dup = minimal(
            r#"[[document]]
key = "a"
name = { kk = "Құжат", ru = "Документ" }
[[document]]
key = "a"
name = { kk = "Құжат", ru = "Документ" }
"#,
        );
        let e = Catalog::load(&[("x.toml".into(), dup)]).unwrap_err();
        assert_eq!(e.field, "document[1].key");

        let e = Catalog::load(&[("y.toml".into(), "code = ".into())]).unwrap_err();
        assert_eq!(e.file, "y.toml");

        let bad_channel_term = minimal("").replace(
            "term = { value = 3, unit = \"working_days\" }",
            "term = { value = 3, unit = \"working_days\" }\nchannel_terms = [{ channel = \"akim\", value = 5, unit = \"working_days\" }]",
        );
        let e = Catalog::load(&[("x.toml".into(), bad_channel_term)]).unwrap_err();
        assert_eq!(e.field, "version[0] (v1).channel_terms[0].channel");
    }

    #[test]
    fn lookalikes_are_found() {
        assert_eq!(lookalike_latin("Қазақстан"), None);
        assert_eq!(lookalike_latin("Kазақстан"), Some('K'));
        assert_eq!(lookalike_latin("e.gov порталы"), None);
    }
}
