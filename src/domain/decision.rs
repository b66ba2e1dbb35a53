//! The executor's decision: approve (certificate / assignment notice) or refuse (motivated
//! refusal with a mandatory reason). Refusal is a decision, not a state.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::catalog::{FieldStage, Service};
use super::fields::{self, FieldError, FieldProblem, Values};

/// Shortest refusal reason accepted: a motivated refusal must say why.
pub const MIN_REASON: usize = 10;

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
    /// The reason of a refusal (mandatory when the negative result is a refusal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub values: Values,
}

/// What the executor typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionInput {
    pub outcome: Outcome,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub values: Map<String, Value>,
}

/// The fields a decision of this outcome fills in.
pub fn stages(outcome: Outcome) -> [FieldStage; 2] {
    match outcome {
        Outcome::Approve => [FieldStage::Decision, FieldStage::Approve],
        Outcome::Refuse => [FieldStage::Decision, FieldStage::Refuse],
    }
}

/// Checks a decision against the service's fields.
pub fn validate(service: &Service, input: &DecisionInput) -> Result<Decision, Vec<FieldError>> {
    let mut errors = Vec::new();
    let reason = input.reason.trim();
    let reason = if input.outcome == Outcome::Refuse && service.results.negative_is_refusal {
        if reason.is_empty() {
            errors.push(FieldError {
                path: "reason".into(),
                problem: FieldProblem::Missing,
            });
            None
        } else if reason.chars().count() < MIN_REASON {
            errors.push(FieldError {
                path: "reason".into(),
                problem: FieldProblem::TooShort { min: MIN_REASON },
            });
            None
        } else if reason.chars().count() > fields::MAX_LONG_TEXT {
            errors.push(FieldError {
                path: "reason".into(),
                problem: FieldProblem::TooLong {
                    max: fields::MAX_LONG_TEXT,
                },
            });
            None
        } else {
            Some(reason.to_string())
        }
    } else if reason.is_empty() {
        None
    } else {
        Some(reason.to_string())
    };
    let values = match fields::validate(service, &stages(input.outcome), &input.values) {
        Ok(v) => v,
        Err(mut e) => {
            errors.append(&mut e);
            Values::new()
        }
    };
    if errors.is_empty() {
        Ok(Decision {
            outcome: input.outcome,
            reason,
            values,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::Catalog;

    #[test]
    fn refusal_needs_a_reason() {
        let cat = Catalog::builtin();
        let s = cat.service("unemployed_certificate").unwrap();
        let input = DecisionInput {
            outcome: Outcome::Refuse,
            reason: "  ".into(),
            values: Map::new(),
        };
        let e = validate(s, &input).unwrap_err();
        assert_eq!(e[0].path, "reason");
        assert_eq!(e[0].problem, FieldProblem::Missing);
        let short = DecisionInput {
            reason: "нет".into(),
            ..input.clone()
        };
        assert!(matches!(
            validate(s, &short).unwrap_err()[0].problem,
            FieldProblem::TooShort { .. }
        ));
        let ok = DecisionInput {
            reason: "Заявитель трудоустроен с 01.11.2026 (сведения ГЦВП)".into(),
            ..input
        };
        let d = validate(s, &ok).unwrap();
        assert_eq!(d.outcome, Outcome::Refuse);
        assert!(d.reason.unwrap().starts_with("Заявитель"));
    }

    #[test]
    fn not_a_recipient_is_an_answer_not_a_refusal() {
        let cat = Catalog::builtin();
        let s = cat.service("asp_membership_certificate").unwrap();
        let input = DecisionInput {
            outcome: Outcome::Refuse,
            reason: String::new(),
            values: Map::new(),
        };
        assert!(validate(s, &input).is_ok());
    }
}
