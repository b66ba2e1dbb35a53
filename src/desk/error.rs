//! Errors of the use cases, each with a message in the user's language.

use crate::domain::attachment::AttachmentError;
use crate::domain::fields::{FieldError, FieldProblem};
use crate::domain::iin::IinError;
use crate::domain::lifecycle::LifecycleError;
use crate::domain::model::Lang;
use crate::domain::person::PersonError;
use crate::i18n::{Arg, tr, tra};
use crate::store::StoreError;

/// Why an action did not happen. Nothing was written when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("forbidden: {action} needs {needed}")]
    Forbidden { action: String, needed: String },
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Person(#[from] PersonError),
    #[error(transparent)]
    Iin(#[from] IinError),
    #[error("invalid fields: {0:?}")]
    Fields(Vec<FieldError>),
    /// Several problems of one form at once (each names its field).
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Many(Vec<DeskError>),
    #[error("unknown service {0:?}")]
    UnknownService(String),
    #[error("the service {service} is not offered through the channel {channel}")]
    ChannelNotOffered { service: String, channel: String },
    #[error("this person already has an open application {number} for this service")]
    DuplicateOpen { number: String },
    #[error("mandatory documents are missing ({}) and no reason was recorded", .items.join(", "))]
    MissingDocuments { items: Vec<String> },
    #[error(transparent)]
    Attachment(#[from] AttachmentError),
    #[error("{0} not found")]
    NotFound(String),
    #[error("the application was changed by someone else; reload it and try again")]
    Conflict,
    #[error("wrong IIN or password")]
    BadCredentials,
    #[error("the account is locked until {until} after too many failed logins")]
    Locked { until: String },
    #[error("the account is disabled")]
    Disabled,
    #[error("the password is too weak: {0}")]
    WeakPassword(&'static str),
    #[error("invalid {field}: {key}")]
    Invalid { field: String, key: String },
    /// The data typed for a known person differ from the stored ones and no reason for the
    /// change was given (people are changed on purpose).
    #[error("the person's {} would change; give the reason", .fields.join(", "))]
    PersonChanged { fields: Vec<String> },
    #[error("the data directory {0} is already set up")]
    AlreadyInitialized(String),
    #[error("the data directory {0} is not set up yet (run `mio-desk init` or open the window)")]
    NotInitialized(String),
    #[error("calendar data: {0}")]
    Calendar(String),
    #[error("a user with IIN {0} already exists")]
    DuplicateUser(String),
    #[error(transparent)]
    Signature(#[from] crate::signing::SigError),
    /// A signing key's password typed wrong; `left` more wrong ones in a row lock the key file
    /// (the holder is told, it is their own key).
    #[error("wrong PIN of the key ({left} attempts left)")]
    WrongKeyPin { left: i64 },
    #[error("document: {0}")]
    Document(String),
    #[error("backup: {0}")]
    Backup(String),
    /// A backup or restore refused for a reason with its own message (`error-{key}`), with
    /// the detail it names (a file, a hash).
    #[error("backup refused ({key}): {detail}")]
    BackupRefused { key: &'static str, detail: String },
    /// The office server could not be used (away, wrong password, not ours, too new…).
    #[error(transparent)]
    Server(crate::store::ServerProblem),
    /// Another PC of the office already uses this workstation code.
    #[error("workstation {0} is already used by another PC of this office")]
    WorkstationTaken(String),
    /// `init --database` on a server that already holds an office.
    #[error("the database already holds the office {0}; use `mio-desk join` to add this PC")]
    OfficeOnServer(String),
    /// `join` on a server without an office.
    #[error("the database holds no office yet; set it up with `mio-desk init --database …`")]
    NoOfficeOnServer,
    /// The office is on a server this PC has not joined.
    #[error(
        "this PC has not joined the office on {0}; run `mio-desk join --database … --workstation …`"
    )]
    NotJoined(String),
    /// The data was written by a newer program.
    #[error(
        "the database was written by a newer mio-desk (schema {found}; this program knows up to {known})"
    )]
    TooNew { found: i64, known: i64 },
    /// An akimat step or an exchange package that cannot go ahead (`key` names the message in
    /// the locales, `args` fill it).
    #[error("{key} {args:?}")]
    Akimat {
        key: &'static str,
        args: Vec<(&'static str, String)>,
    },
    /// Restored from a backup: no journal numbers until the gateway has told the last one.
    #[error("after a restore, journal numbers wait for the first exchange with the gateway")]
    NumbersHeld,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => DeskError::Conflict,
            StoreError::NotFound(w) => DeskError::NotFound(w),
            StoreError::Duplicate { what: "user", key } => DeskError::DuplicateUser(key),
            StoreError::Server(crate::store::ServerProblem::TooNew { found, known })
            | StoreError::TooNew { found, known } => DeskError::TooNew { found, known },
            StoreError::Server(p) => DeskError::Server(p),
            StoreError::NumbersHeld => DeskError::NumbersHeld,
            other => DeskError::Store(other),
        }
    }
}

/// What is wrong with a field, without naming the field (shown next to it).
pub fn field_problem(lang: Lang, p: &FieldProblem) -> String {
    let key = format!("field-error-{}", p.key());
    match p {
        FieldProblem::OutOfRange { min, max } => tra(
            lang,
            &key,
            &[
                (
                    "min",
                    Arg::Str(min.map(|m| m.to_string()).unwrap_or("—".into()).into()),
                ),
                (
                    "max",
                    Arg::Str(max.map(|m| m.to_string()).unwrap_or("—".into()).into()),
                ),
            ],
        ),
        FieldProblem::TooLong { max } => tra(lang, &key, &[("max", Arg::from(*max))]),
        FieldProblem::TermTooLong { years } => {
            tra(lang, &key, &[("years", Arg::Num(i64::from(*years)))])
        }
        FieldProblem::TooShort { min } => tra(lang, &key, &[("min", Arg::from(*min))]),
        FieldProblem::TooFewRows { min } => tra(lang, &key, &[("min", Arg::from(*min))]),
        FieldProblem::TooManyRows { max } => tra(lang, &key, &[("max", Arg::from(*max))]),
        FieldProblem::Rule(b) => tra(
            lang,
            &format!("rule-{}", b.rule.key()),
            &[
                ("field", Arg::from(b.label.get(lang).to_string())),
                ("expected", Arg::from(b.expected.clone())),
            ],
        ),
        _ => tr(lang, &key),
    }
}

/// The message for one field error: "<path>: <problem>" (a broken rule names its field in
/// words itself).
pub fn field_error_message(lang: Lang, e: &FieldError) -> String {
    match &e.problem {
        FieldProblem::Rule(_) => field_problem(lang, &e.problem),
        p => format!("{}: {}", e.path, field_problem(lang, p)),
    }
}

/// The message for an ИИН error.
pub fn iin_message(lang: Lang, e: &IinError) -> String {
    let key = format!("iin-error-{}", e.key());
    match e {
        IinError::Length(n) => tra(lang, &key, &[("count", Arg::from(*n))]),
        IinError::NonDigit(c, pos) => tra(
            lang,
            &key,
            &[("char", Arg::from(c.to_string())), ("pos", Arg::from(*pos))],
        ),
        IinError::CenturyDigit(d) => tra(lang, &key, &[("digit", Arg::Num(i64::from(*d)))]),
        IinError::ImpossibleDate(s) => tra(lang, &key, &[("date", Arg::from(s.as_str()))]),
        IinError::CheckDigit { expected, found } => tra(
            lang,
            &key,
            &[
                ("expected", Arg::Num(i64::from(*expected))),
                ("found", Arg::Num(i64::from(*found))),
            ],
        ),
        IinError::Unissuable => tr(lang, &key),
    }
}

impl DeskError {
    /// A stable key for tests and logs.
    pub fn key(&self) -> String {
        match self {
            DeskError::Forbidden { .. } => "forbidden".into(),
            DeskError::Lifecycle(e) => format!("lifecycle-{}", e.key()),
            DeskError::Person(e) => format!("person-{}", e.key()),
            DeskError::Iin(e) => format!("iin-{}", e.key()),
            DeskError::Fields(_) => "fields".into(),
            DeskError::Many(_) => "many".into(),
            DeskError::UnknownService(_) => "unknown-service".into(),
            DeskError::ChannelNotOffered { .. } => "channel-not-offered".into(),
            DeskError::DuplicateOpen { .. } => "duplicate-open".into(),
            DeskError::MissingDocuments { .. } => "missing-documents".into(),
            DeskError::Attachment(e) => format!("attachment-{}", e.key()),
            DeskError::NotFound(_) => "not-found".into(),
            DeskError::Conflict => "conflict".into(),
            DeskError::BadCredentials => "bad-credentials".into(),
            DeskError::Locked { .. } => "locked".into(),
            DeskError::Disabled => "disabled".into(),
            DeskError::WeakPassword(_) => "weak-password".into(),
            DeskError::Invalid { .. } => "invalid".into(),
            DeskError::PersonChanged { .. } => "person-changed".into(),
            DeskError::AlreadyInitialized(_) => "already-initialized".into(),
            DeskError::NotInitialized(_) => "not-initialized".into(),
            DeskError::Calendar(_) => "calendar".into(),
            DeskError::DuplicateUser(_) => "duplicate-user".into(),
            DeskError::Signature(e) => format!("signature-{}", e.key()),
            DeskError::WrongKeyPin { .. } => "signature-wrong-pin".into(),
            DeskError::Document(_) => "document".into(),
            DeskError::Backup(_) => "backup".into(),
            DeskError::BackupRefused { key, .. } => (*key).into(),
            DeskError::Server(p) => p.key().into(),
            DeskError::WorkstationTaken(_) => "workstation-taken".into(),
            DeskError::OfficeOnServer(_) => "office-on-server".into(),
            DeskError::NoOfficeOnServer => "no-office-on-server".into(),
            DeskError::NotJoined(_) => "not-joined".into(),
            DeskError::TooNew { .. } => "too-new".into(),
            DeskError::Akimat { key, .. } => (*key).into(),
            DeskError::NumbersHeld => "numbers-held".into(),
            DeskError::Store(_) => "store".into(),
        }
    }

    /// The field of the form the error belongs to, so the window can show it there.
    pub fn field(&self) -> Option<String> {
        match self {
            DeskError::Person(e) => Some(e.field().to_string()),
            DeskError::Iin(_) => Some("iin".into()),
            DeskError::Fields(f) => f.first().map(|e| e.path.clone()),
            DeskError::Many(list) => list.first().and_then(|e| e.field()),
            DeskError::Invalid { field, .. } => Some(field.clone()),
            DeskError::WeakPassword(_) => Some("password".into()),
            DeskError::MissingDocuments { .. } => Some("missing_reason".into()),
            DeskError::PersonChanged { .. } => Some("person_change_reason".into()),
            _ => None,
        }
    }

    /// The message shown to the user.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            DeskError::Forbidden { action, needed } => tra(
                lang,
                "error-forbidden",
                &[
                    ("action", Arg::from(tr(lang, action_key(action)))),
                    ("roles", Arg::from(roles_text(lang, needed))),
                ],
            ),
            DeskError::Lifecycle(e) => match e {
                LifecycleError::NotAllowedInState { action, from } => tra(
                    lang,
                    "error-lifecycle-state",
                    &[
                        ("action", Arg::from(tr(lang, action_key(action)))),
                        ("status", Arg::from(tr(lang, from.key()))),
                    ],
                ),
                LifecycleError::Forbidden { action, needed, .. } => tra(
                    lang,
                    "error-forbidden",
                    &[
                        ("action", Arg::from(tr(lang, action_key(action)))),
                        ("roles", Arg::from(roles_text(lang, needed))),
                    ],
                ),
                other => tr(lang, &format!("error-lifecycle-{}", other.key())),
            },
            DeskError::Person(PersonError::Iin(e)) | DeskError::Iin(e) => iin_message(lang, e),
            DeskError::Person(e) => tra(
                lang,
                &format!("error-person-{}", e.key()),
                &[(
                    "field",
                    Arg::from(tr(lang, &format!("field-{}", e.field()))),
                )],
            ),
            DeskError::Fields(errs) => {
                let list: Vec<String> = errs.iter().map(|e| field_error_message(lang, e)).collect();
                format!("{} {}", tr(lang, "error-fields"), list.join("; "))
            }
            DeskError::Many(list) => list
                .iter()
                .map(|e| e.message(lang))
                .collect::<Vec<_>>()
                .join(" "),
            DeskError::UnknownService(s) => tra(
                lang,
                "error-unknown-service",
                &[("code", Arg::from(s.as_str()))],
            ),
            DeskError::ChannelNotOffered { channel, .. } => tra(
                lang,
                "error-channel-not-offered",
                &[(
                    "channel",
                    Arg::from(match channel.parse::<crate::domain::model::Channel>() {
                        Ok(c) => tr(lang, c.key()),
                        Err(_) => channel.clone(),
                    }),
                )],
            ),
            DeskError::DuplicateOpen { number } => tra(
                lang,
                "error-duplicate-open",
                &[("number", Arg::from(number.as_str()))],
            ),
            DeskError::MissingDocuments { items } => tra(
                lang,
                "error-missing-documents",
                &[("items", Arg::from(items.join(", ")))],
            ),
            DeskError::Attachment(e) => match e {
                AttachmentError::TooLarge { size, max } => tra(
                    lang,
                    "error-attachment-too-large",
                    &[("size", Arg::from(mb(*size))), ("max", Arg::from(mb(*max)))],
                ),
                AttachmentError::ApplicationTooLarge { total, max } => tra(
                    lang,
                    "error-attachment-application-too-large",
                    &[
                        ("size", Arg::from(mb(*total))),
                        ("max", Arg::from(mb(*max))),
                    ],
                ),
                AttachmentError::UnknownChecklistItem(i) => tra(
                    lang,
                    "error-attachment-unknown-item",
                    &[("item", Arg::from(i.as_str()))],
                ),
                other => tr(lang, &format!("error-attachment-{}", other.key())),
            },
            DeskError::NotFound(w) => {
                tra(lang, "error-not-found", &[("what", Arg::from(w.as_str()))])
            }
            DeskError::Conflict => tr(lang, "error-conflict"),
            DeskError::BadCredentials => tr(lang, "error-bad-credentials"),
            DeskError::Locked { until } => tra(
                lang,
                "error-locked",
                &[("until", Arg::from(until.as_str()))],
            ),
            DeskError::Disabled => tr(lang, "error-disabled"),
            DeskError::WeakPassword(why) => tr(lang, &format!("error-weak-password-{why}")),
            DeskError::Invalid { field, key } => tra(
                lang,
                &format!("error-invalid-{key}"),
                &[("field", Arg::from(tr(lang, &format!("field-{field}"))))],
            ),
            DeskError::PersonChanged { fields } => tra(
                lang,
                "error-person-changed",
                &[(
                    "fields",
                    Arg::from(
                        fields
                            .iter()
                            .map(|f| tr(lang, &format!("field-{f}")))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                )],
            ),
            DeskError::AlreadyInitialized(d) => tra(
                lang,
                "error-already-initialized",
                &[("dir", Arg::from(d.as_str()))],
            ),
            DeskError::NotInitialized(d) => tra(
                lang,
                "error-not-initialized",
                &[("dir", Arg::from(d.as_str()))],
            ),
            DeskError::Calendar(m) => {
                tra(lang, "error-calendar", &[("detail", Arg::from(m.as_str()))])
            }
            DeskError::DuplicateUser(i) => tra(
                lang,
                "error-duplicate-user",
                &[("iin", Arg::from(i.as_str()))],
            ),
            DeskError::Signature(e) => e.message(lang),
            DeskError::WrongKeyPin { left } => tra(
                lang,
                "error-wrong-key-pin",
                &[
                    ("left", Arg::from(*left)),
                    (
                        "minutes",
                        Arg::from(crate::desk::signature::KEY_LOCK_MINUTES),
                    ),
                ],
            ),
            DeskError::Document(m) => {
                tra(lang, "error-document", &[("detail", Arg::from(m.as_str()))])
            }
            DeskError::Backup(m) => tra(lang, "error-backup", &[("detail", Arg::from(m.as_str()))]),
            DeskError::BackupRefused { key, detail } => tra(
                lang,
                &format!("error-{key}"),
                &[("detail", Arg::from(detail.as_str()))],
            ),
            DeskError::Server(p) => server_message(lang, p),
            DeskError::WorkstationTaken(w) => tra(
                lang,
                "error-workstation-taken",
                &[("code", Arg::from(w.as_str()))],
            ),
            DeskError::OfficeOnServer(c) => tra(
                lang,
                "error-office-on-server",
                &[("code", Arg::from(c.as_str()))],
            ),
            DeskError::NoOfficeOnServer => tr(lang, "error-no-office-on-server"),
            DeskError::NotJoined(d) => tra(
                lang,
                "error-not-joined",
                &[("server", Arg::from(d.as_str()))],
            ),
            DeskError::TooNew { found, known } => tra(
                lang,
                "error-too-new",
                &[("found", Arg::Num(*found)), ("known", Arg::Num(*known))],
            ),
            DeskError::Akimat { key, args } => {
                let args: Vec<(&str, Arg<'_>)> = args
                    .iter()
                    .map(|(k, v)| (*k, Arg::from(v.as_str())))
                    .collect();
                tra(lang, key, &args)
            }
            DeskError::NumbersHeld => tr(lang, "error-numbers-held"),
            DeskError::Store(e) => {
                tra(lang, "error-store", &[("detail", Arg::from(e.to_string()))])
            }
        }
    }
}

/// What is wrong with the office server, in plain words (the first-run screen's *Test
/// connection* says the same).
pub fn server_message(lang: Lang, p: &crate::store::ServerProblem) -> String {
    use crate::store::ServerProblem as P;
    match p {
        P::Unreachable(d) => tra(
            lang,
            "error-server-unreachable",
            &[("detail", Arg::from(d.as_str()))],
        ),
        P::Auth(_) => tr(lang, "error-server-auth"),
        P::NoDatabase(_) => tr(lang, "error-server-no-database"),
        P::Privilege(d) => tra(
            lang,
            "error-server-privilege",
            &[("detail", Arg::from(d.as_str()))],
        ),
        P::NotOurs => tr(lang, "error-server-not-ours"),
        P::TooNew { found, known } => tra(
            lang,
            "error-too-new",
            &[("found", Arg::Num(*found)), ("known", Arg::Num(*known))],
        ),
        P::BadUrl(d) => tra(
            lang,
            "error-server-bad-url",
            &[("detail", Arg::from(d.as_str()))],
        ),
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

/// The translation key of a refused action's name: a step of the lifecycle or an office
/// permission, by the code the refusal carries.
fn action_key(code: &str) -> &'static str {
    use crate::domain::lifecycle::Action;
    use crate::domain::policy::Permission;
    Action::ALL
        .iter()
        .find(|a| a.code() == code)
        .map(|a| a.key())
        .or_else(|| {
            Permission::ALL
                .iter()
                .find(|p| p.code() == code)
                .map(|p| p.key())
        })
        .unwrap_or("action-unknown")
}

fn roles_text(lang: Lang, codes: &str) -> String {
    codes
        .split([' ', '/'])
        .filter(|s| !s.is_empty() && *s != "or")
        .map(|c| match c.parse::<crate::domain::model::Role>() {
            Ok(r) => tr(lang, r.key()),
            Err(_) => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" / ")
}
