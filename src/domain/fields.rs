//! Values of a service's own fields (intake and decision), checked against the catalogue.
//!
//! Input comes as JSON (the window builds it from text inputs, the command line and the gateway
//! send it as JSON); numbers may arrive as strings the way a clerk typed them. The output is
//! normalised JSON: text trimmed, money in tiyn, dates `YYYY-MM-DD`, yes/no as booleans.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::catalog::{Column, FieldKind, FieldSpec, FieldStage, Service};

/// Longest single-line text a field accepts.
pub const MAX_TEXT: usize = 500;
/// Longest multi-line text.
pub const MAX_LONG_TEXT: usize = 4000;
/// Most rows in a table.
pub const MAX_ROWS: usize = 100;

/// Normalised field values, keyed by field key.
pub type Values = BTreeMap<String, Value>;

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldProblem {
    Missing,
    NotANumber,
    OutOfRange {
        min: Option<i64>,
        max: Option<i64>,
    },
    BadDate,
    /// A date in the right form that does not exist (31.02.2026).
    ImpossibleDate,
    /// A date after today where only a past one makes sense.
    FutureDate,
    /// A paper (a power of attorney) whose term is over.
    Expired,
    /// An ИИН of someone else than the person it must name.
    OtherPerson,
    /// A term longer than the law allows (a power of attorney: three years).
    TermTooLong {
        years: u32,
    },
    UnknownOption,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    TooFewRows {
        min: u32,
    },
    TooManyRows {
        max: usize,
    },
    NotAYesNo,
    UnknownField,
    NotATable,
    PeriodReversed,
    /// Free text in one language on a paper printed in both: give it in both languages, or
    /// print the paper in the one language it was written in.
    OneLanguageOnly,
    /// A consistency rule of the decision is broken (`domain::consistency`); carries the
    /// field's label so the message names it in the user's language.
    Rule(RuleBreak),
}

/// Which consistency rule a decision breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A date before the day of the application.
    BeforeApplication,
    /// A period that starts before the month of the application.
    BeforeApplicationMonth,
    /// A date after the day of the decision.
    AfterDecision,
    /// A count that is not the number of rows of its table.
    CountDiffers,
    /// A table row's amount that differs from the amount the paper states.
    AmountDiffers,
    /// A quarter outside the assigned period.
    OutsidePeriod,
    /// The same quarter twice.
    Repeated,
    /// A row marked as the applicant that names someone else, or two such rows.
    NotTheApplicant,
    /// A value that is not on the office's list.
    NotOnList,
    /// A refusal without a ground from the service's list.
    GroundMissing,
}

/// A broken rule: the field's label, and the value or date it was compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleBreak {
    pub rule: Rule,
    pub label: super::model::Text,
    /// What the value should be or not pass (a date, an amount, a count), as printed.
    pub expected: String,
}

impl Rule {
    pub fn key(self) -> &'static str {
        match self {
            Rule::BeforeApplication => "before-application",
            Rule::BeforeApplicationMonth => "before-application-month",
            Rule::AfterDecision => "after-decision",
            Rule::CountDiffers => "count-differs",
            Rule::AmountDiffers => "amount-differs",
            Rule::OutsidePeriod => "outside-period",
            Rule::Repeated => "repeated",
            Rule::NotTheApplicant => "not-the-applicant",
            Rule::NotOnList => "not-on-list",
            Rule::GroundMissing => "ground-missing",
        }
    }
}

impl FieldProblem {
    pub fn key(&self) -> &'static str {
        match self {
            FieldProblem::Missing => "missing",
            FieldProblem::NotANumber => "not-a-number",
            FieldProblem::OutOfRange { .. } => "out-of-range",
            FieldProblem::BadDate => "bad-date",
            FieldProblem::ImpossibleDate => "impossible-date",
            FieldProblem::FutureDate => "future-date",
            FieldProblem::Expired => "expired",
            FieldProblem::OtherPerson => "other-person",
            FieldProblem::TermTooLong { .. } => "term-too-long",
            FieldProblem::UnknownOption => "unknown-option",
            FieldProblem::TooLong { .. } => "too-long",
            FieldProblem::TooShort { .. } => "too-short",
            FieldProblem::TooFewRows { .. } => "too-few-rows",
            FieldProblem::TooManyRows { .. } => "too-many-rows",
            FieldProblem::NotAYesNo => "not-yes-no",
            FieldProblem::UnknownField => "unknown-field",
            FieldProblem::NotATable => "not-a-table",
            FieldProblem::PeriodReversed => "period-reversed",
            FieldProblem::OneLanguageOnly => "one-language-only",
            FieldProblem::Rule(_) => "rule",
        }
    }
}

/// A problem at a path such as `family_members[2].birth_year`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{path}: {problem:?}")]
pub struct FieldError {
    pub path: String,
    pub problem: FieldProblem,
}

/// Parses a date typed as `YYYY-MM-DD` or `DD.MM.YYYY`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d.%m.%Y"))
        .ok()
        .filter(|d| {
            use chrono::Datelike;
            (1800..=2200).contains(&d.year())
        })
}

/// A typed date, or why it is not one: a date in the right form that the calendar does not
/// have (31.02.2026) is named impossible rather than blamed on the form.
pub fn check_date(s: &str) -> Result<NaiveDate, FieldProblem> {
    if let Some(d) = parse_date(s) {
        return Ok(d);
    }
    let t = s.trim();
    let parts: Vec<&str> = t.split(['.', '-']).collect();
    let digits = |p: &str, n: usize| p.len() == n && p.chars().all(|c| c.is_ascii_digit());
    let shaped = parts.len() == 3
        && ((t.contains('.') && digits(parts[0], 2) && digits(parts[1], 2) && digits(parts[2], 4))
            || (t.contains('-')
                && digits(parts[0], 4)
                && digits(parts[1], 2)
                && digits(parts[2], 2)));
    Err(if shaped {
        FieldProblem::ImpossibleDate
    } else {
        FieldProblem::BadDate
    })
}

/// Parses an amount of tenge typed as `12 345`, `12345,50` or `12 345.5 ₸` into tiyn.
pub fn parse_money(s: &str) -> Option<i64> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '₸' && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    let cleaned = cleaned
        .trim_end_matches("тг")
        .trim_end_matches("тг.")
        .replace(',', ".");
    if cleaned.is_empty() || cleaned.starts_with('-') {
        return None;
    }
    let (whole, frac) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || whole.len() > 13
    {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    let f: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    w.checked_mul(100)?.checked_add(f)
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn is_blank(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

struct Scalar<'a> {
    kind: FieldKind,
    min: Option<i64>,
    max: Option<i64>,
    options: &'a [super::catalog::ChoiceOption],
}

fn check_scalar(s: &Scalar<'_>, v: &Value) -> Result<Value, FieldProblem> {
    let int = |v: &Value| -> Result<i64, FieldProblem> {
        match v {
            Value::Number(n) => n.as_i64().ok_or(FieldProblem::NotANumber),
            Value::String(t) => t
                .trim()
                .replace([' ', '\u{a0}'], "")
                .parse::<i64>()
                .map_err(|_| FieldProblem::NotANumber),
            _ => Err(FieldProblem::NotANumber),
        }
    };
    let range = |n: i64, min: Option<i64>, max: Option<i64>| -> Result<i64, FieldProblem> {
        if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
            Err(FieldProblem::OutOfRange { min, max })
        } else {
            Ok(n)
        }
    };
    match s.kind {
        FieldKind::Text | FieldKind::LongText => {
            let max = if s.kind == FieldKind::Text {
                MAX_TEXT
            } else {
                MAX_LONG_TEXT
            };
            // Free text in both languages: {"kk": …, "ru": …}; one side alone is plain text.
            if let Value::Object(m) = v {
                let side = |k: &str| {
                    m.get(k)
                        .and_then(Value::as_str)
                        .map(|t| t.trim().to_string())
                        .unwrap_or_default()
                };
                let (kk, ru) = (side("kk"), side("ru"));
                if m.keys().any(|k| k != "kk" && k != "ru") {
                    return Err(FieldProblem::UnknownField);
                }
                if kk.chars().count() > max || ru.chars().count() > max {
                    return Err(FieldProblem::TooLong { max });
                }
                return match (kk.is_empty(), ru.is_empty()) {
                    (true, true) => Err(FieldProblem::Missing),
                    (false, true) => Ok(Value::String(kk)),
                    (true, false) => Ok(Value::String(ru)),
                    (false, false) => Ok(serde_json::json!({"kk": kk, "ru": ru})),
                };
            }
            let t = as_text(v).ok_or(FieldProblem::Missing)?;
            if t.chars().count() > max {
                return Err(FieldProblem::TooLong { max });
            }
            Ok(Value::String(t))
        }
        FieldKind::Integer => Ok(Value::from(range(int(v)?, s.min, s.max)?)),
        FieldKind::Year => Ok(Value::from(range(
            int(v)?,
            Some(s.min.unwrap_or(1900)),
            Some(s.max.unwrap_or(2100)),
        )?)),
        FieldKind::Quarter => Ok(Value::from(range(int(v)?, Some(1), Some(4))?)),
        FieldKind::Money => {
            let tiyn = match v {
                Value::Number(n) => n
                    .as_i64()
                    .filter(|n| *n >= 0)
                    .ok_or(FieldProblem::NotANumber)?,
                Value::String(t) => parse_money(t).ok_or(FieldProblem::NotANumber)?,
                _ => return Err(FieldProblem::NotANumber),
            };
            // min/max of a money field are in whole tenge.
            range(tiyn, s.min.map(|m| m * 100), s.max.map(|m| m * 100)).map_err(|_| {
                FieldProblem::OutOfRange {
                    min: s.min,
                    max: s.max,
                }
            })?;
            Ok(Value::from(tiyn))
        }
        FieldKind::Date => {
            let t = as_text(v).ok_or(FieldProblem::BadDate)?;
            let d = check_date(&t)?;
            Ok(Value::String(d.format("%Y-%m-%d").to_string()))
        }
        FieldKind::YesNo => match v {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(t) => match t.trim().to_lowercase().as_str() {
                "yes" | "true" | "да" | "иә" | "1" => Ok(Value::Bool(true)),
                "no" | "false" | "нет" | "жоқ" | "0" => Ok(Value::Bool(false)),
                _ => Err(FieldProblem::NotAYesNo),
            },
            _ => Err(FieldProblem::NotAYesNo),
        },
        FieldKind::Choice => {
            let t = as_text(v).ok_or(FieldProblem::UnknownOption)?;
            if s.options.iter().any(|o| o.key == t) {
                Ok(Value::String(t))
            } else {
                Err(FieldProblem::UnknownOption)
            }
        }
        FieldKind::Table => Err(FieldProblem::NotATable),
    }
}

fn check_column(c: &Column, v: &Value) -> Result<Value, FieldProblem> {
    check_scalar(
        &Scalar {
            kind: c.kind,
            min: None,
            max: None,
            options: &c.options,
        },
        v,
    )
}

fn check_field(f: &FieldSpec, v: Option<&Value>, errors: &mut Vec<FieldError>) -> Option<Value> {
    let err = |errors: &mut Vec<FieldError>, path: String, problem| {
        errors.push(FieldError { path, problem })
    };
    if is_blank(v) {
        if f.required {
            err(errors, f.key.clone(), FieldProblem::Missing);
        }
        return None;
    }
    let v = v.expect("not blank");
    if f.kind == FieldKind::Table {
        let Value::Array(rows) = v else {
            err(errors, f.key.clone(), FieldProblem::NotATable);
            return None;
        };
        let rows: Vec<&Value> = rows
            .iter()
            .filter(|r| match r {
                Value::Object(m) => m.values().any(|x| !is_blank(Some(x))),
                _ => true,
            })
            .collect();
        if let Some(min) = f.min_rows
            && rows.len() < min as usize
        {
            err(errors, f.key.clone(), FieldProblem::TooFewRows { min });
        }
        let max = f.max_rows.map(|m| m as usize).unwrap_or(MAX_ROWS);
        if rows.len() > max {
            err(errors, f.key.clone(), FieldProblem::TooManyRows { max });
            return None;
        }
        let mut out = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let Value::Object(cells) = row else {
                err(errors, format!("{}[{i}]", f.key), FieldProblem::NotATable);
                continue;
            };
            let mut clean = Map::new();
            for c in &f.columns {
                let path = format!("{}[{i}].{}", f.key, c.key);
                match cells.get(&c.key) {
                    x if is_blank(x) && c.required => err(errors, path, FieldProblem::Missing),
                    x if is_blank(x) => {}
                    Some(x) => match check_column(c, x) {
                        Ok(n) => {
                            clean.insert(c.key.clone(), n);
                        }
                        Err(p) => err(errors, path, p),
                    },
                    None => {}
                }
            }
            for k in cells.keys() {
                if !f.columns.iter().any(|c| &c.key == k) {
                    err(
                        errors,
                        format!("{}[{i}].{k}", f.key),
                        FieldProblem::UnknownField,
                    );
                }
            }
            out.push(Value::Object(clean));
        }
        return Some(Value::Array(out));
    }
    match check_scalar(
        &Scalar {
            kind: f.kind,
            min: f.min,
            max: f.max,
            options: &f.options,
        },
        v,
    ) {
        Ok(n) => Some(n),
        Err(p) => {
            err(errors, f.key.clone(), p);
            None
        }
    }
}

/// Checks the values of the fields of the given stages; unknown keys are errors too.
pub fn validate(
    service: &Service,
    stages: &[FieldStage],
    input: &Map<String, Value>,
) -> Result<Values, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Values::new();
    for f in service.fields.iter().filter(|f| stages.contains(&f.stage)) {
        if let Some(v) = check_field(f, input.get(&f.key), &mut errors) {
            out.insert(f.key.clone(), v);
        }
    }
    for k in input.keys() {
        if !service
            .fields
            .iter()
            .any(|f| &f.key == k && stages.contains(&f.stage))
        {
            errors.push(FieldError {
                path: k.clone(),
                problem: FieldProblem::UnknownField,
            });
        }
    }
    // A period from–to must not run backwards, whatever the service calls it.
    for (from, to) in [
        ("period_from", "period_to"),
        ("asp_period_from", "asp_period_to"),
        ("service_term_from", "service_term_to"),
    ] {
        if let (Some(a), Some(b)) = (out.get(from), out.get(to))
            && let (Some(a), Some(b)) = (as_order_key(a), as_order_key(b))
            && b < a
        {
            errors.push(FieldError {
                path: to.to_string(),
                problem: FieldProblem::PeriodReversed,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn as_order_key(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => n.as_i64().map(|n| format!("{n:010}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::Catalog;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn money_parsing() {
        assert_eq!(parse_money("12 345"), Some(1_234_500));
        assert_eq!(parse_money("12345,5"), Some(1_234_550));
        assert_eq!(parse_money("12 345.05 ₸"), Some(1_234_505));
        assert_eq!(parse_money("1.234"), None);
        assert_eq!(parse_money("-5"), None);
        assert_eq!(parse_money("abc"), None);
        assert_eq!(parse_money(""), None);
    }

    #[test]
    fn date_parsing() {
        assert_eq!(
            parse_date("22.11.2026"),
            NaiveDate::from_ymd_opt(2026, 11, 22)
        );
        assert_eq!(
            parse_date("2026-11-22"),
            NaiveDate::from_ymd_opt(2026, 11, 22)
        );
        assert_eq!(parse_date("31.02.2026"), None);
        assert_eq!(parse_date("22/11/2026"), None);
    }

    #[test]
    fn an_impossible_date_is_named_so() {
        assert_eq!(
            check_date("29.02.2028"),
            Ok(NaiveDate::from_ymd_opt(2028, 2, 29).unwrap())
        );
        assert_eq!(check_date("31.02.2026"), Err(FieldProblem::ImpossibleDate));
        assert_eq!(check_date("2026-02-30"), Err(FieldProblem::ImpossibleDate));
        assert_eq!(check_date("29.02.2027"), Err(FieldProblem::ImpossibleDate));
        assert_eq!(check_date("32.1.2026"), Err(FieldProblem::BadDate));
        assert_eq!(check_date("22/11/2026"), Err(FieldProblem::BadDate));
        assert_eq!(check_date("завтра"), Err(FieldProblem::BadDate));
    }

    #[test]
    fn asp_intake_and_decision() {
        let cat = Catalog::builtin();
        let asp = cat.service("asp").unwrap();
        let table = asp
            .fields
            .iter()
            .find(|f| f.kind == FieldKind::Table && f.stage == FieldStage::Intake)
            .unwrap();
        let rel = table
            .columns
            .iter()
            .find(|c| c.key == "relationship")
            .unwrap();
        let option = rel.options[0].key.clone();
        // A required table given with a bad year and an unknown option.
        let mut input = Map::new();
        input.insert(
            table.key.clone(),
            json!([{ "full_name": "Әсел Қасымова", "relationship": "cousin-twice-removed", "birth_year": "19x0" }]),
        );
        let errs = validate(asp, &[FieldStage::Intake], &input).unwrap_err();
        let paths: Vec<_> = errs.iter().map(|e| e.path.as_str()).collect();
        assert!(
            paths.contains(&format!("{}[0].relationship", table.key).as_str()),
            "{errs:?}"
        );
        assert!(
            paths.contains(&format!("{}[0].birth_year", table.key).as_str()),
            "{errs:?}"
        );

        // Decision: money typed with spaces becomes tiyn; a reversed period is refused.
        let approve: Vec<_> = asp.fields_for(FieldStage::Approve).collect();
        assert!(approve.iter().any(|f| f.key == "amount"));
        let mut dec = Map::new();
        for f in &approve {
            let v = match f.kind {
                FieldKind::Money => json!("12 345"),
                FieldKind::Date if f.key.ends_with("from") => json!("01.12.2026"),
                FieldKind::Date => json!("28.02.2027"),
                FieldKind::Integer => json!(4),
                FieldKind::Text => json!("A-17"),
                _ => continue,
            };
            dec.insert(f.key.clone(), v);
        }
        let ok = validate(asp, &[FieldStage::Approve, FieldStage::Decision], &dec).unwrap();
        assert_eq!(ok["amount"], json!(1_234_500));
        assert_eq!(ok["period_from"], json!("2026-12-01"));
        dec.insert("period_to".into(), json!("01.11.2026"));
        let errs = validate(asp, &[FieldStage::Approve, FieldStage::Decision], &dec).unwrap_err();
        assert_eq!(errs[0].path, "period_to");
        assert_eq!(errs[0].problem, FieldProblem::PeriodReversed);
        let _ = option;
    }

    #[test]
    fn unknown_and_missing_fields() {
        let cat = Catalog::builtin();
        let s = cat.service("unemployed_certificate").unwrap();
        let errs = validate(s, &[FieldStage::Approve], &obj(json!({"colour": "red"}))).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.path == "colour" && e.problem == FieldProblem::UnknownField)
        );
        assert!(errs.iter().any(|e| e.problem == FieldProblem::Missing));
    }

    #[test]
    fn yes_no_in_both_languages() {
        let cat = Catalog::builtin();
        let s = cat.service("unemployed_certificate").unwrap();
        let yn: Vec<_> = s
            .fields
            .iter()
            .filter(|f| f.kind == FieldKind::YesNo)
            .collect();
        let mut input = Map::new();
        for (f, v) in yn.iter().zip(["иә", "нет", "yes"]) {
            input.insert(f.key.clone(), json!(v));
        }
        let out = validate(s, &[FieldStage::Approve], &input).unwrap_err();
        // Other approve fields are missing, but the yes/no ones parsed.
        assert!(!out.iter().any(|e| e.problem == FieldProblem::NotAYesNo));
    }
}
