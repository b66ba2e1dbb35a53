//! Every user-visible string, from the Fluent files `locales/kk/*.ftl` and `locales/ru/*.ftl`,
//! and dates, numbers and money written the way each language writes them.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

use crate::domain::model::Lang;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "ru",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static KK: LanguageIdentifier = langid!("kk");
static RU: LanguageIdentifier = langid!("ru");

fn id(lang: Lang) -> &'static LanguageIdentifier {
    match lang {
        Lang::Kk => &KK,
        Lang::Ru => &RU,
    }
}

/// The message `key` in `lang`. A missing key shows as the key itself (tests make sure none
/// is missing).
pub fn tr(lang: Lang, key: &str) -> String {
    LOCALES
        .try_lookup(id(lang), key)
        .unwrap_or_else(|| key.to_string())
}

/// The name of a language in that language (`ui-lang-name` of its own catalogue), for the
/// language switch: the same in whichever language the window is.
pub fn lang_name(lang: Lang) -> String {
    tr(lang, "ui-lang-name")
}

/// An argument of a message.
pub enum Arg<'a> {
    Str(Cow<'a, str>),
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(Cow::Borrowed(s))
    }
}
impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Arg::Str(Cow::Owned(s))
    }
}
impl From<&String> for Arg<'_> {
    fn from(s: &String) -> Self {
        Arg::Str(Cow::Owned(s.clone()))
    }
}
impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}
impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Arg::Num(n as i64)
    }
}
impl From<u32> for Arg<'_> {
    fn from(n: u32) -> Self {
        Arg::Num(i64::from(n))
    }
}

/// The message `key` in `lang` with named arguments.
pub fn tra(lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
    let mut map: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
    for (k, v) in args {
        let value = match v {
            Arg::Str(s) => FluentValue::from(s.to_string()),
            Arg::Num(n) => FluentValue::from(*n),
        };
        map.insert(Cow::Owned(k.to_string()), value);
    }
    LOCALES
        .try_lookup_with_args(id(lang), key, &map)
        .unwrap_or_else(|| key.to_string())
}

/// `22.11.2026`.
pub fn date_short(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// `22.11.2026 14:05`.
pub fn datetime_short(d: NaiveDateTime) -> String {
    d.format("%d.%m.%Y %H:%M").to_string()
}

/// The month names' keys: nominative, genitive (Russian dates) and locative (Kazakh headers).
const MONTH: [&str; 12] = [
    "month-1", "month-2", "month-3", "month-4", "month-5", "month-6", "month-7", "month-8",
    "month-9", "month-10", "month-11", "month-12",
];
const MONTH_GEN: [&str; 12] = [
    "month-gen-1",
    "month-gen-2",
    "month-gen-3",
    "month-gen-4",
    "month-gen-5",
    "month-gen-6",
    "month-gen-7",
    "month-gen-8",
    "month-gen-9",
    "month-gen-10",
    "month-gen-11",
    "month-gen-12",
];
const MONTH_LOC: [&str; 12] = [
    "month-loc-1",
    "month-loc-2",
    "month-loc-3",
    "month-loc-4",
    "month-loc-5",
    "month-loc-6",
    "month-loc-7",
    "month-loc-8",
    "month-loc-9",
    "month-loc-10",
    "month-loc-11",
    "month-loc-12",
];

fn month_key(table: &[&'static str; 12], d: NaiveDate) -> &'static str {
    table[d.month0() as usize]
}

/// Kazakh «2026 жылғы 22 қараша», Russian «22 ноября 2026 года».
pub fn date_long(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Kk => format!(
            "{} {} {} {}",
            d.year(),
            tr(lang, "year-of"),
            d.day(),
            tr(lang, month_key(&MONTH, d))
        ),
        Lang::Ru => format!(
            "{} {} {} {}",
            d.day(),
            tr(lang, month_key(&MONTH_GEN, d)),
            d.year(),
            tr(lang, "year-gen")
        ),
    }
}

/// The attributive form used in official headers: Kazakh «2026 жылғы 22 қарашадағы», Russian
/// «от 22 ноября 2026 года».
pub fn date_of(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Kk => format!(
            "{} {} {} {}",
            d.year(),
            tr(lang, "year-of"),
            d.day(),
            tr(lang, month_key(&MONTH_LOC, d))
        ),
        Lang::Ru => format!("{} {}", tr(lang, "date-from"), date_long(lang, d)),
    }
}

/// Groups digits by three with spaces: `12 345`.
pub fn group_digits(n: i64) -> String {
    let neg = n < 0;
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if neg { format!("-{out}") } else { out }
}

/// Money in tiyn as `12 345 ₸` or `12 345,50 ₸` (the same in both languages).
pub fn money(tiyn: i64) -> String {
    let whole = tiyn / 100;
    let frac = (tiyn % 100).abs();
    if frac == 0 {
        format!("{} ₸", group_digits(whole))
    } else {
        format!("{},{frac:02} ₸", group_digits(whole))
    }
}

/// "да"/"иә" style yes/no.
pub fn yes_no(lang: Lang, v: bool) -> String {
    tr(lang, if v { "yes" } else { "no" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_languages() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(date_of(Lang::Kk, d), "2026 жылғы 22 қарашадағы");
        assert_eq!(date_long(Lang::Ru, d), "22 ноября 2026 года");
        assert_eq!(date_long(Lang::Kk, d), "2026 жылғы 22 қараша");
        assert_eq!(date_short(d), "22.11.2026");
        for m in 1..=12 {
            let d = NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
            assert!(!date_of(Lang::Kk, d).contains("month"), "{m}");
            assert!(!date_long(Lang::Ru, d).contains("month"), "{m}");
        }
    }

    #[test]
    fn money_and_numbers() {
        assert_eq!(money(1_234_500), "12 345 ₸");
        assert_eq!(money(1_234_550), "12 345,50 ₸");
        assert_eq!(money(0), "0 ₸");
        assert_eq!(group_digits(1_000_000), "1 000 000");
        assert_eq!(group_digits(999), "999");
    }

    /// Message ids of every `.ftl` file of a language.
    fn keys(lang: &str) -> std::collections::BTreeMap<String, String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut out = std::collections::BTreeMap::new();
        for f in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            for line in text.lines() {
                if let Some((k, v)) = line.split_once(" = ")
                    && !k.starts_with(' ')
                    && !k.starts_with('#')
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    assert!(
                        out.insert(k.to_string(), v.to_string()).is_none(),
                        "{lang}: {k} twice"
                    );
                }
            }
        }
        out
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        let kk = keys("kk");
        let ru = keys("ru");
        let only_kk: Vec<_> = kk.keys().filter(|k| !ru.contains_key(*k)).collect();
        let only_ru: Vec<_> = ru.keys().filter(|k| !kk.contains_key(*k)).collect();
        assert!(
            only_kk.is_empty() && only_ru.is_empty(),
            "only kk: {only_kk:?}\nonly ru: {only_ru:?}"
        );
        assert!(kk.len() > 100);
    }

    #[test]
    fn kazakh_uses_kazakh_letters_not_latin_lookalikes() {
        for (k, v) in keys("kk") {
            assert_eq!(
                crate::domain::catalog::lookalike_latin(&v),
                None,
                "{k} = {v}"
            );
        }
    }

    #[test]
    fn every_key_family_the_code_builds_exists() {
        use crate::domain::catalog::DocumentKind;
        use crate::domain::model::{Channel, Role, Status};
        let kk = keys("kk");
        let mut want: Vec<String> = Vec::new();
        for r in Role::ALL {
            want.push(r.key().into());
        }
        for s in Status::ALL {
            want.push(s.key().into());
            want.push(s.short_key().into());
        }
        for c in Channel::ALL {
            want.push(c.key().into());
        }
        for k in DocumentKind::ALL {
            want.push(format!("doc-title-{}", k.code()));
        }
        for a in crate::domain::lifecycle::Action::ALL {
            want.push(a.key().into());
        }
        for p in crate::domain::policy::Permission::ALL {
            want.push(p.key().into());
        }
        want.push("action-unknown".into());
        for m in 0..12 {
            want.push(MONTH[m].into());
            want.push(MONTH_GEN[m].into());
            want.push(MONTH_LOC[m].into());
        }
        for k in [
            "length",
            "non-digit",
            "century",
            "date",
            "check",
            "unissuable",
        ] {
            want.push(format!("iin-error-{k}"));
        }
        for k in [
            "four-eyes",
            "not-assigned",
            "already-extended",
            "awaiting-result",
            "result-after-withdrawal",
        ] {
            want.push(format!("error-lifecycle-{k}"));
        }
        for k in [
            "missing",
            "too-long",
            "bad-name",
            "no-identity",
            "birth-mismatch",
            "bad-phone",
        ] {
            want.push(format!("error-person-{k}"));
        }
        for k in [
            "empty",
            "too-large",
            "application-too-large",
            "unsupported",
            "malformed",
            "unknown-item",
        ] {
            want.push(format!("error-attachment-{k}"));
        }
        for k in ["short", "iin", "repeated", "letters-digits", "same"] {
            want.push(format!("error-weak-password-{k}"));
        }
        // `DeskError::BackupRefused` keys.
        for k in [
            "backup-audit-broken",
            "backup-blob-damaged",
            "backup-stopped",
            "restore-on-server",
        ] {
            want.push(format!("error-{k}"));
        }
        for k in [
            "missing",
            "not-a-number",
            "out-of-range",
            "bad-date",
            "unknown-option",
            "too-long",
            "too-short",
            "too-few-rows",
            "too-many-rows",
            "not-yes-no",
            "unknown-field",
            "not-a-table",
            "period-reversed",
            "one-language-only",
        ] {
            want.push(format!("field-error-{k}"));
        }
        for r in [
            crate::domain::fields::Rule::BeforeApplication,
            crate::domain::fields::Rule::BeforeApplicationMonth,
            crate::domain::fields::Rule::AfterDecision,
            crate::domain::fields::Rule::CountDiffers,
            crate::domain::fields::Rule::AmountDiffers,
            crate::domain::fields::Rule::OutsidePeriod,
            crate::domain::fields::Rule::Repeated,
            crate::domain::fields::Rule::NotTheApplicant,
            crate::domain::fields::Rule::NotOnList,
            crate::domain::fields::Rule::GroundMissing,
        ] {
            want.push(format!("rule-{}", r.key()));
        }
        want.push("doc-page-of".into());
        for k in [
            DocumentKind::ChildBenefitNotice,
            DocumentKind::SpecialServicesNotice,
            DocumentKind::FuelAssistanceNotice,
            DocumentKind::JobSeekerRegistrationNotice,
            DocumentKind::UnemployedRegistrationNotice,
        ] {
            want.push(format!("doc-statement-{}", k.code()));
        }
        // The window's own families (keys it builds with `format!`).
        for t in crate::store::queue::Tab::ALL {
            want.push(format!("ui-tab-{}", t.code()));
        }
        for c in Channel::ALL {
            want.push(format!("ui-channel-short-{}", c.code()));
        }
        for u in [
            crate::domain::catalog::TermUnit::WorkingDays,
            crate::domain::catalog::TermUnit::CalendarDays,
            crate::domain::catalog::TermUnit::Minutes,
        ] {
            want.push(format!("ui-unit-{}", u.code()));
        }
        for s in [
            crate::domain::iin::Sex::Male,
            crate::domain::iin::Sex::Female,
        ] {
            want.push(format!("sex-{}", s.code()));
        }
        for k in ["all", "today", "week", "month", "quarter"] {
            want.push(format!("ui-period-{k}"));
        }
        for n in 1..=2 {
            want.push(format!("q-question-{n}"));
        }
        for n in 1..=3 {
            want.push(format!("q-answer-{n}"));
        }
        // What the application screen says after each action.
        for k in [
            "assign",
            "save_draft",
            "submit_draft",
            "return",
            "sign",
            "extend",
            "withdraw",
            "issue",
            "questionnaire",
        ] {
            want.push(format!("ui-done-{k}"));
        }
        for k in [
            "user_add",
            "password_reset",
            "user_disable",
            "cert_issue",
            "cert_revoke",
            "calendar",
            "term",
            "settings",
            "gateway",
            "backup",
        ] {
            want.push(format!("ui-admin-done-{k}"));
        }
        // Every action the desk writes to an application's audit (its history timeline).
        for k in [
            "register",
            "attach",
            "gateway_conflict",
            "print",
            "assign",
            "reassign",
            "save_draft",
            "submit_draft",
            "return",
            "sign",
            "issue",
            "extend",
            "withdraw",
            "questionnaire",
        ] {
            want.push(format!("history-{k}"));
        }
        // The gateway view: outbox states and kinds, and the conflicts shown to the head.
        for k in ["pending", "retrying", "delivered", "failed", "stopped"] {
            want.push(format!("ui-outbox-state-{k}"));
        }
        want.push("ui-outbox-kind-status_notice".into());
        for k in ["received", "in_work", "completed", "rejected"] {
            want.push(format!("public-status-{k}"));
        }
        for k in ["electronic-request", "withdrawn-on-portal"] {
            want.push(format!("exchange-{k}"));
        }
        for k in ["foreign_withdrawal", "late_withdrawal", "other"] {
            want.push(format!("ui-conflict-{k}"));
            want.push(format!("ui-conflict-{k}-hint"));
        }
        let missing: Vec<_> = want.iter().filter(|k| !kk.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{missing:?}");
    }

    /// Every key written literally in a `tr`, `tra`, `per`, `per_args`, `label_in` or `title`
    /// call of the source exists.
    #[test]
    fn every_literal_key_in_the_code_exists() {
        let kk = keys("kk");
        let mut missing = Vec::new();
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                for call in [
                    "tr(",
                    "tra(",
                    "per(",
                    "per_args(",
                    "label_in(",
                    "title(",
                    "t(",
                    "ta(",
                ] {
                    let mut rest = text.as_str();
                    while let Some(i) = rest.find(call) {
                        let before = rest[..i].chars().last();
                        rest = &rest[i + call.len()..];
                        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                            continue;
                        }
                        let window: String = rest.chars().take(60).collect();
                        let Some(q) = window.find('"') else { continue };
                        if window[..q].contains(')') {
                            continue;
                        }
                        let after = &window[q + 1..];
                        let Some(end) = after.find('"') else { continue };
                        let key = &after[..end];
                        if key.is_empty()
                            || !key.contains('-')
                            || !key.chars().all(|c| {
                                c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                            })
                            || key.ends_with('-')
                        {
                            continue;
                        }
                        if !kk.contains_key(key) {
                            missing.push(format!("{}: {key}", p.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }

    /// The key families that have an enum behind them are written whole (`Status::key()`,
    /// `Channel::key()`, `Role::key()`, `Action::key()`, `TermUnit::key()`, the month tables),
    /// never built with `format!`, so a search for a key finds where it is used.
    #[test]
    fn enum_keys_are_never_built_with_format() {
        let families = [
            "status-",
            "status-short-",
            "channel-",
            "role-",
            "action-",
            "month-",
            "month-gen-",
            "month-loc-",
            "ui-unit-",
        ];
        let mut built = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().is_none_or(|x| x != "rs") || p.ends_with("i18n/mod.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                for f in families {
                    let needle = format!("format!(\"{f}{{");
                    for (n, line) in text.lines().enumerate() {
                        if line.contains(&needle) {
                            built.push(format!("{}:{}: {}", p.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
        assert!(built.is_empty(), "{built:#?}");
    }

    #[test]
    fn arguments_are_substituted_without_isolation_marks() {
        let s = tra(Lang::Ru, "iin-error-length", &[("count", Arg::Num(5))]);
        assert!(s.contains('5'), "{s}");
        assert!(!s.contains('\u{2068}'));
    }
}
