//! The checks a decision must pass before it can be signed, beyond each field's own kind:
//! dates in a possible order (not before the application, periods from the month of
//! application where the regulation says so, nothing after the decision), counts that are the
//! rows of their table, payment tables that agree with the stated amount and fall inside the
//! period, the applicant as member 1 of the family, values from the office's lists, and a
//! refusal ground from the service's own list. The catalogue says which field takes which
//! check (`checks = { … }`); the same function runs when the executor submits the draft and
//! when the head signs it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use super::catalog::{Anchor, FieldKind, FieldSpec, Service};
use super::decision::{Decision, Outcome};
use super::fields::{FieldError, FieldProblem, Rule, RuleBreak};
use super::model::Text;

/// What a decision is checked against: the case around it.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The day the application was accepted (office-local).
    pub submitted_on: NaiveDate,
    /// The day of the decision: today when the draft is submitted, and again when it is signed.
    pub decided_on: NaiveDate,
    /// The applicant's full name as in the application.
    pub applicant: &'a str,
    /// The application's own fields (intake stage).
    pub intake: &'a Value,
    /// The lists the office keeps, by name (`institutions`): each entry's name in both
    /// languages.
    pub lists: &'a BTreeMap<String, Vec<Text>>,
}

fn date(v: Option<&Value>) -> Option<NaiveDate> {
    v.and_then(Value::as_str).and_then(|s| s.parse().ok())
}

fn short(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// Tiyn as whole tenge with grouped digits and the tenge sign, as the papers print it.
fn money(tiyn: i64) -> String {
    let tenge = tiyn / 100;
    let digits = tenge.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if tenge < 0 {
        out.insert(0, '-');
    }
    format!("{out} ₸")
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

fn quarter_span(year: i32, quarter: u32) -> Option<(NaiveDate, NaiveDate)> {
    if !(1..=4).contains(&quarter) {
        return None;
    }
    let start = NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1)?;
    let next = if quarter == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, quarter * 3 + 1, 1)?
    };
    Some((start, next.pred_opt()?))
}

fn broke(path: impl Into<String>, rule: Rule, label: &Text, expected: String) -> FieldError {
    FieldError {
        path: path.into(),
        problem: FieldProblem::Rule(RuleBreak {
            rule,
            label: label.clone(),
            expected,
        }),
    }
}

fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

fn anchor_date(a: Anchor, f: &Facts<'_>) -> NaiveDate {
    match a {
        Anchor::Application => f.submitted_on,
        Anchor::ApplicationMonth => first_of_month(f.submitted_on),
        Anchor::Decision => f.decided_on,
    }
}

fn check_field(
    spec: &FieldSpec,
    v: &Value,
    d: &Decision,
    f: &Facts<'_>,
    out: &mut Vec<FieldError>,
) {
    let label = spec.label.text();
    let c = &spec.checks;
    if spec.kind == FieldKind::Date
        && let Some(day) = date(Some(v))
    {
        if let Some(a) = c.not_before {
            let limit = anchor_date(a, f);
            if day < limit {
                let rule = match a {
                    Anchor::ApplicationMonth => Rule::BeforeApplicationMonth,
                    _ => Rule::BeforeApplication,
                };
                out.push(broke(&spec.key, rule, &label, short(limit)));
            }
        }
        if let Some(a) = c.not_after {
            let limit = anchor_date(a, f);
            if day > limit {
                out.push(broke(&spec.key, Rule::AfterDecision, &label, short(limit)));
            }
        }
    }
    if let Some(table) = &c.count_of {
        let rows = f
            .intake
            .get(table)
            .and_then(Value::as_array)
            .map_or(0, Vec::len) as i64;
        if v.as_i64() != Some(rows) {
            out.push(broke(
                &spec.key,
                Rule::CountDiffers,
                &label,
                rows.to_string(),
            ));
        }
    }
    if let Some(list) = &c.list {
        let items = f.lists.get(list).map(Vec::as_slice).unwrap_or_default();
        // A name in one language matches either of an entry's names; a name in both must be
        // that one entry's.
        let on_list = match v {
            Value::Object(_) => super::decision::free_text(v).is_some_and(|t| {
                items
                    .iter()
                    .any(|i| same_name(&i.kk, &t.kk) && same_name(&i.ru, &t.ru))
            }),
            _ => {
                let name = v.as_str().unwrap_or_default();
                items
                    .iter()
                    .any(|i| same_name(&i.kk, name) || same_name(&i.ru, name))
            }
        };
        if !on_list {
            out.push(broke(&spec.key, Rule::NotOnList, &label, String::new()));
        }
    }
    if spec.kind == FieldKind::Table
        && let Some(rows) = v.as_array()
    {
        check_rows(spec, rows, d, f, out);
    }
}

fn check_rows(
    spec: &FieldSpec,
    rows: &[Value],
    d: &Decision,
    f: &Facts<'_>,
    out: &mut Vec<FieldError>,
) {
    let c = &spec.checks;
    let period = c
        .within
        .as_ref()
        .and_then(|[a, b]| Some((date(d.values.get(a))?, date(d.values.get(b))?)));
    let mut seen = std::collections::BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        let at = |col: &str| format!("{}[{i}].{col}", spec.key);
        if c.within.is_some() {
            let q = row.get("quarter").and_then(Value::as_i64).unwrap_or(0);
            let y = row.get("year").and_then(Value::as_i64).unwrap_or(0);
            let label = spec
                .columns
                .iter()
                .find(|c| c.key == "quarter")
                .map(|c| c.label.text())
                .unwrap_or_else(|| spec.label.text());
            if !seen.insert((y, q)) {
                out.push(broke(
                    at("quarter"),
                    Rule::Repeated,
                    &label,
                    format!("{q}/{y}"),
                ));
            }
            if let (Some((from, to)), Some((qs, qe))) = (period, quarter_span(y as i32, q as u32))
                && (qe < from || qs > to)
            {
                out.push(broke(
                    at("quarter"),
                    Rule::OutsidePeriod,
                    &label,
                    format!("{} — {}", short(from), short(to)),
                ));
            }
        }
        for col in &spec.columns {
            if let Some(other) = &col.equals
                && let Some(want) = d.values.get(other).and_then(Value::as_i64)
                && let Some(got) = row.get(&col.key).and_then(Value::as_i64)
                && got != want
            {
                out.push(broke(
                    at(&col.key),
                    Rule::AmountDiffers,
                    &col.label.text(),
                    money(want),
                ));
            }
        }
        if let Some(opt) = &c.applicant_option
            && row.get("relationship").and_then(Value::as_str) == Some(opt.as_str())
        {
            let name = row
                .get("full_name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let label = spec
                .columns
                .iter()
                .find(|c| c.key == "full_name")
                .map(|c| c.label.text())
                .unwrap_or_else(|| spec.label.text());
            if !same_name(name, f.applicant) {
                out.push(broke(
                    at("full_name"),
                    Rule::NotTheApplicant,
                    &label,
                    f.applicant.to_string(),
                ));
            }
        }
    }
    if let Some(opt) = &c.applicant_option {
        let marked = rows
            .iter()
            .filter(|r| r.get("relationship").and_then(Value::as_str) == Some(opt.as_str()))
            .count();
        if marked > 1 {
            out.push(broke(
                &spec.key,
                Rule::NotTheApplicant,
                &spec.label.text(),
                f.applicant.to_string(),
            ));
        }
    }
}

/// Checks a decision in its case. Every broken rule is reported, each with the field's path
/// and label.
pub fn check(service: &Service, d: &Decision, f: &Facts<'_>) -> Result<(), Vec<FieldError>> {
    let mut out = Vec::new();
    if d.outcome == Outcome::Refuse && service.results.negative_is_refusal {
        match d.ground.as_deref() {
            Some(code) if service.refusal(code).is_some() => {}
            _ => out.push(broke(
                "ground",
                Rule::GroundMissing,
                &Text::new("Бас тарту негізі", "Основание отказа"),
                String::new(),
            )),
        }
    }
    for spec in &service.fields {
        let v = if spec.stage == super::catalog::FieldStage::Intake {
            f.intake.get(&spec.key)
        } else {
            d.values.get(&spec.key)
        };
        if let Some(v) = v {
            check_field(spec, v, d, f, &mut out);
        }
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::Catalog;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn decision(outcome: Outcome, values: Value) -> Decision {
        Decision {
            outcome,
            reason: None,
            reason_ru: None,
            ground: None,
            values: serde_json::from_value(values).unwrap(),
            paper_lang: None,
        }
    }

    fn rules(r: Result<(), Vec<FieldError>>) -> Vec<(String, Rule)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| match e.problem {
                FieldProblem::Rule(b) => (e.path, b.rule),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn asp_from_the_month_of_application_and_the_applicant_is_member_one() {
        let cat = Catalog::builtin();
        let s = cat.service("asp").unwrap();
        let intake = json!({"family_members": [
            {"full_name": "Қасымов Ерлан", "relationship": "applicant", "birth_year": 1985},
            {"full_name": "Қасымова Әсел", "relationship": "spouse", "birth_year": 1987},
        ]});
        let lists = BTreeMap::new();
        let facts = Facts {
            submitted_on: d("2026-11-16"),
            decided_on: d("2026-11-20"),
            applicant: "Қасымов  Ерлан",
            intake: &intake,
            lists: &lists,
        };
        let ok = decision(
            Outcome::Approve,
            json!({"period_from": "2026-11-01", "period_to": "2027-04-30", "amount": 1_234_500}),
        );
        assert_eq!(check(s, &ok, &facts), Ok(()));
        let early = decision(
            Outcome::Approve,
            json!({"period_from": "2026-10-31", "period_to": "2027-04-30", "amount": 1}),
        );
        assert_eq!(
            rules(check(s, &early, &facts)),
            vec![("period_from".into(), Rule::BeforeApplicationMonth)]
        );
        let other = json!({"family_members": [
            {"full_name": "Қасымов Ерлан", "relationship": "spouse", "birth_year": 1985},
            {"full_name": "Оспанов Мұрат", "relationship": "applicant", "birth_year": 1970},
        ]});
        let facts2 = Facts {
            intake: &other,
            ..facts
        };
        assert_eq!(
            rules(check(s, &ok, &facts2)),
            vec![("family_members[1].full_name".into(), Rule::NotTheApplicant)]
        );
    }

    #[test]
    fn payments_agree_with_the_amount_and_the_period() {
        let cat = Catalog::builtin();
        let s = cat.service("disabled_children_home_schooling").unwrap();
        let intake = json!({});
        let lists = BTreeMap::new();
        let facts = Facts {
            submitted_on: d("2026-11-16"),
            decided_on: d("2026-11-20"),
            applicant: "Әбілқасымова Гүлшат",
            intake: &intake,
            lists: &lists,
        };
        let good = decision(
            Outcome::Approve,
            json!({"period_from": "2026-11-01", "period_to": "2027-06-30", "amount": 4_840_000,
            "payments": [
                {"quarter": 4, "year": 2026, "amount": 4_840_000},
                {"quarter": 1, "year": 2027, "amount": 4_840_000},
                {"quarter": 2, "year": 2027, "amount": 4_840_000},
            ]}),
        );
        assert_eq!(check(s, &good, &facts), Ok(()));
        let bad = decision(
            Outcome::Approve,
            json!({"period_from": "2026-11-01", "period_to": "2027-06-30", "amount": 4_840_000,
            "payments": [
                {"quarter": 2, "year": 2026, "amount": 4_840_000},
                {"quarter": 1, "year": 2027, "amount": 1_750_000},
                {"quarter": 1, "year": 2027, "amount": 4_840_000},
            ]}),
        );
        assert_eq!(
            rules(check(s, &bad, &facts)),
            vec![
                ("payments[0].quarter".into(), Rule::OutsidePeriod),
                ("payments[1].amount".into(), Rule::AmountDiffers),
                ("payments[2].quarter".into(), Rule::Repeated),
            ]
        );
    }

    #[test]
    fn dates_counts_lists_and_grounds() {
        let cat = Catalog::builtin();
        let lists: BTreeMap<String, Vec<Text>> = [(
            "institutions".to_string(),
            vec![Text::new(
                "Ақсу медициналық-әлеуметтік мекемесі",
                "Аксуское медико-социальное учреждение",
            )],
        )]
        .into();
        let intake = json!({"children": [{"full_name": "А", "birth_date": "2015-01-01"}]});
        let facts = Facts {
            submitted_on: d("2026-11-16"),
            decided_on: d("2026-11-20"),
            applicant: "Қасымов Ерлан",
            intake: &intake,
            lists: &lists,
        };
        let cert = cat.service("unemployed_certificate").unwrap();
        let late = decision(
            Outcome::Approve,
            json!({"registered_on": "2026-11-21", "public_works": false, "training": false,
                "asp_housing": false, "presented_to": "x"}),
        );
        assert_eq!(
            rules(check(cert, &late, &facts)),
            vec![("registered_on".into(), Rule::AfterDecision)]
        );
        let refusal = decision(Outcome::Refuse, json!({}));
        assert_eq!(
            rules(check(cert, &refusal, &facts)),
            vec![("ground".into(), Rule::GroundMissing)]
        );
        // A ground of another service is no ground here.
        let mut asp_ground = refusal.clone();
        asp_ground.ground = Some("income_above_poverty_line".into());
        assert_eq!(
            rules(check(cert, &asp_ground, &facts)),
            vec![("ground".into(), Rule::GroundMissing)]
        );
        let mut own = refusal;
        own.ground = Some("not_registered_unemployed".into());
        assert_eq!(check(cert, &own, &facts), Ok(()));

        let child = cat.service("child_benefit").unwrap();
        let two = decision(
            Outcome::Approve,
            json!({"period_from": "2026-11-01", "period_to": "2027-10-31", "amount": 100, "children_count": 2}),
        );
        assert_eq!(
            rules(check(child, &two, &facts)),
            vec![("children_count".into(), Rule::CountDiffers)]
        );

        let inst = cat.service("special_social_services_institution").unwrap();
        let builder = decision(
            Outcome::Approve,
            json!({"service_term_from": "2026-11-16", "service_term_to": "2027-11-15",
                "institution": "ТОО «Құрылыс-Сервис»"}),
        );
        assert_eq!(
            rules(check(inst, &builder, &facts)),
            vec![("institution".into(), Rule::NotOnList)]
        );
        let listed = decision(
            Outcome::Approve,
            json!({"service_term_from": "2026-11-16", "service_term_to": "2027-11-15",
                "institution": "ақсу медициналық-әлеуметтік  мекемесі"}),
        );
        assert_eq!(check(inst, &listed, &facts), Ok(()));
        let both = decision(
            Outcome::Approve,
            json!({"service_term_from": "2026-11-16", "service_term_to": "2027-11-15",
                "institution": {"kk": "Ақсу медициналық-әлеуметтік мекемесі",
                    "ru": "Аксуское медико-социальное учреждение"}}),
        );
        assert_eq!(check(inst, &both, &facts), Ok(()));
        let mixed = decision(
            Outcome::Approve,
            json!({"service_term_from": "2026-11-16", "service_term_to": "2027-11-15",
                "institution": {"kk": "Ақсу медициналық-әлеуметтік мекемесі",
                    "ru": "ТОО «Стройсервис»"}}),
        );
        assert_eq!(
            rules(check(inst, &mixed, &facts)),
            vec![("institution".into(), Rule::NotOnList)]
        );
    }
}
