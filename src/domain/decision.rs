//! The executor's decision: approve (certificate / assignment notice) or refuse (motivated
//! refusal with a mandatory reason). Refusal is a decision, not a state.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::catalog::{FieldKind, FieldStage, Service};
use super::fields::{self, FieldError, FieldProblem, Values};
use super::model::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approve,
    Refuse,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Approve => "approve",
            Outcome::Refuse => "refuse",
        }
    }
}

/// A checked decision, as stored with the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    /// The free comment of a refusal (beside its ground).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The comment in Russian when the paper is printed in both languages (`reason` is then
    /// the Kazakh one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_ru: Option<String>,
    /// The refusal ground: a code of the service's grounds in the catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground: Option<String>,
    pub values: Values,
    /// The one language the result is printed in, when its free text was written in that
    /// language only; `None`: both languages (and every free text in both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper_lang: Option<Lang>,
}

/// What the executor typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionInput {
    pub outcome: Outcome,
    /// The free comment of a refusal: in Kazakh when the paper is printed in both languages,
    /// else in the paper's language.
    #[serde(default)]
    pub reason: String,
    /// The comment in Russian (a paper in both languages).
    #[serde(default)]
    pub reason_ru: String,
    /// The refusal ground's code (one of the service's grounds).
    #[serde(default)]
    pub ground: Option<String>,
    #[serde(default)]
    pub values: Map<String, Value>,
    /// Print the result in this language only (its free text is in this language).
    #[serde(default)]
    pub paper_lang: Option<Lang>,
}

/// The fields a decision of this outcome fills in.
pub fn stages(outcome: Outcome) -> [FieldStage; 2] {
    match outcome {
        Outcome::Approve => [FieldStage::Decision, FieldStage::Approve],
        Outcome::Refuse => [FieldStage::Decision, FieldStage::Refuse],
    }
}

/// Free text as a paper prints it: in both languages, or one text for a paper printed in one
/// language. A value is `{"kk": …, "ru": …}` or a plain string.
pub fn free_text(v: &Value) -> Option<super::model::Text> {
    match v {
        Value::Object(m) => Some(super::model::Text::new(
            m.get("kk").and_then(Value::as_str).unwrap_or_default(),
            m.get("ru").and_then(Value::as_str).unwrap_or_default(),
        )),
        Value::String(s) => Some(super::model::Text::new(s.clone(), s.clone())),
        _ => None,
    }
}

/// Whether a text has letters (a name or a sentence), so that it reads in one language only.
fn has_letters(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
}

/// Checks a decision against the service's fields: each field's kind, the refusal ground
/// from the service's own grounds, and free text in both languages unless the paper is
/// printed in one.
pub fn validate(service: &Service, input: &DecisionInput) -> Result<Decision, Vec<FieldError>> {
    let mut errors = Vec::new();
    let refusal = input.outcome == Outcome::Refuse && service.results.negative_is_refusal;
    let ground = if refusal {
        match input
            .ground
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            None => {
                errors.push(FieldError {
                    path: "ground".into(),
                    problem: FieldProblem::Missing,
                });
                None
            }
            Some(g) if service.refusal(g).is_none() => {
                errors.push(FieldError {
                    path: "ground".into(),
                    problem: FieldProblem::UnknownOption,
                });
                None
            }
            Some(g) => Some(g.to_string()),
        }
    } else {
        None
    };
    let mut comment = |path: &str, text: &str| {
        let t = text.trim();
        if t.chars().count() > fields::MAX_LONG_TEXT {
            errors.push(FieldError {
                path: path.into(),
                problem: FieldProblem::TooLong {
                    max: fields::MAX_LONG_TEXT,
                },
            });
            None
        } else if t.is_empty() {
            None
        } else {
            Some(t.to_string())
        }
    };
    let reason = comment("reason", &input.reason);
    let reason_ru = comment("reason_ru", &input.reason_ru);
    let (reason, reason_ru) = match input.paper_lang {
        // One language: one comment, whichever box it was typed in.
        Some(_) => (reason.or(reason_ru), None),
        None => (reason, reason_ru),
    };
    if input.paper_lang.is_none() {
        match (&reason, &reason_ru) {
            (Some(_), None) => errors.push(FieldError {
                path: "reason_ru".into(),
                problem: FieldProblem::OneLanguageOnly,
            }),
            (None, Some(_)) => errors.push(FieldError {
                path: "reason".into(),
                problem: FieldProblem::OneLanguageOnly,
            }),
            _ => {}
        }
    }
    let values = match fields::validate(service, &stages(input.outcome), &input.values) {
        Ok(v) => v,
        Err(mut e) => {
            errors.append(&mut e);
            Values::new()
        }
    };
    if input.paper_lang.is_none() {
        for f in service.fields.iter().filter(|f| {
            stages(input.outcome).contains(&f.stage)
                && matches!(f.kind, FieldKind::Text | FieldKind::LongText)
                && f.checks.list.is_none()
        }) {
            if let Some(Value::String(s)) = values.get(&f.key)
                && has_letters(s)
            {
                errors.push(FieldError {
                    path: f.key.clone(),
                    problem: FieldProblem::OneLanguageOnly,
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(Decision {
            outcome: input.outcome,
            reason,
            reason_ru,
            ground,
            values,
            paper_lang: input.paper_lang,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::Catalog;

    fn input(outcome: Outcome) -> DecisionInput {
        DecisionInput {
            outcome,
            reason: String::new(),
            reason_ru: String::new(),
            ground: None,
            values: Map::new(),
            paper_lang: None,
        }
    }

    #[test]
    fn a_refusal_names_a_ground_of_its_own_service() {
        let cat = Catalog::builtin();
        let s = cat.service("unemployed_certificate").unwrap();
        let e = validate(s, &input(Outcome::Refuse)).unwrap_err();
        assert_eq!(e[0].path, "ground");
        assert_eq!(e[0].problem, FieldProblem::Missing);
        let asp_ground = DecisionInput {
            ground: Some("income_above_poverty_line".into()),
            ..input(Outcome::Refuse)
        };
        assert_eq!(
            validate(s, &asp_ground).unwrap_err()[0].problem,
            FieldProblem::UnknownOption
        );
        let ok = DecisionInput {
            ground: Some("employed".into()),
            ..input(Outcome::Refuse)
        };
        let d = validate(s, &ok).unwrap();
        assert_eq!(d.outcome, Outcome::Refuse);
        assert_eq!(d.ground.as_deref(), Some("employed"));
        assert_eq!(d.reason, None);
    }

    #[test]
    fn free_text_on_a_bilingual_paper_is_in_both_languages() {
        let cat = Catalog::builtin();
        let s = cat.service("unemployed_certificate").unwrap();
        // A comment in one language on a paper in both.
        let one = DecisionInput {
            ground: Some("employed".into()),
            reason: "Өтініш беруші 2026 жылғы 1 қарашадан жұмысқа орналасқан".into(),
            ..input(Outcome::Refuse)
        };
        let e = validate(s, &one).unwrap_err();
        assert_eq!(e[0].path, "reason_ru");
        assert_eq!(e[0].problem, FieldProblem::OneLanguageOnly);
        // The same comment on a paper printed in Kazakh only.
        let kk_only = DecisionInput {
            paper_lang: Some(Lang::Kk),
            ..one.clone()
        };
        let d = validate(s, &kk_only).unwrap();
        assert_eq!(d.paper_lang, Some(Lang::Kk));
        assert!(d.reason.unwrap().starts_with("Өтініш"));
        // Both languages.
        let both = DecisionInput {
            reason_ru: "Заявитель трудоустроен с 1 ноября 2026 года".into(),
            ..one
        };
        let d = validate(s, &both).unwrap();
        assert!(d.reason_ru.unwrap().starts_with("Заявитель"));
        // A text field of the decision: plain text in one language is refused, both accepted.
        let mut values = Map::new();
        values.insert("registered_on".into(), "2026-11-02".into());
        values.insert("public_works".into(), false.into());
        values.insert("training".into(), false.into());
        values.insert("asp_housing".into(), false.into());
        values.insert("presented_to".into(), "по месту требования".into());
        let plain = DecisionInput {
            values: values.clone(),
            ..input(Outcome::Approve)
        };
        let e = validate(s, &plain).unwrap_err();
        assert_eq!(e[0].path, "presented_to");
        assert_eq!(e[0].problem, FieldProblem::OneLanguageOnly);
        values.insert(
            "presented_to".into(),
            serde_json::json!({"kk": "талап ету орны бойынша", "ru": "по месту требования"}),
        );
        let d = validate(
            s,
            &DecisionInput {
                values,
                ..input(Outcome::Approve)
            },
        )
        .unwrap();
        assert_eq!(
            free_text(&d.values["presented_to"]).unwrap(),
            crate::domain::model::Text::new("талап ету орны бойынша", "по месту требования")
        );
    }

    #[test]
    fn not_a_recipient_is_an_answer_not_a_refusal() {
        let cat = Catalog::builtin();
        let s = cat.service("asp_membership_certificate").unwrap();
        assert!(validate(s, &input(Outcome::Refuse)).is_ok());
    }
}
