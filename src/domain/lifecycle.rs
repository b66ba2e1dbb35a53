//! The state machine of an application (DOMAIN.md "Lifecycle"). Who may take each step is
//! decided in [`super::policy`].
//!
//! ```text
//! registered ──assign(head)──▶ in_work ──submit_draft(executor)──▶ awaiting_signature
//!     │                           ▲  │                                 │        │
//!     │                           │  └─extend(head, notice)            │ return(head, comment)
//!     │                           └────────────────────────────────────┘        │
//!     │                                                                 sign(head, ЭЦП)
//!     └─withdraw(registrar)──▶ withdrawn                                         ▼
//!                                                                   signed ──issue(registrar)──▶ issued
//! ```
//! Withdrawal is allowed from every open state (a citizen may withdraw until the result is
//! signed); an extension keeps the state and may happen once. The akim's clerk registers and
//! issues applications of the akim channel. At an akimat, `signed` is the akim's signature on
//! the cover letter: the package has left, and until the department's result comes back the
//! citizen may still withdraw there (`domain::policy::decide`, which knows where the package
//! stands).

use serde::{Deserialize, Serialize};

use super::model::Status;

/// What a user asks to do with an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Register,
    Assign,
    SubmitDraft,
    Return,
    Sign,
    Issue,
    Extend,
    Withdraw,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::Register,
        Action::Assign,
        Action::SubmitDraft,
        Action::Return,
        Action::Sign,
        Action::Issue,
        Action::Extend,
        Action::Withdraw,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Action::Register => "register",
            Action::Assign => "assign",
            Action::SubmitDraft => "submit_draft",
            Action::Return => "return",
            Action::Sign => "sign",
            Action::Issue => "issue",
            Action::Extend => "extend",
            Action::Withdraw => "withdraw",
        }
    }
    /// Its name's translation key.
    pub fn key(self) -> &'static str {
        match self {
            Action::Register => "action-register",
            Action::Assign => "action-assign",
            Action::SubmitDraft => "action-submit_draft",
            Action::Return => "action-return",
            Action::Sign => "action-sign",
            Action::Issue => "action-issue",
            Action::Extend => "action-extend",
            Action::Withdraw => "action-withdraw",
        }
    }

    /// The state an action leads to from `from`, or `None` if it is not a transition of the
    /// lifecycle.
    pub fn target(self, from: Status) -> Option<Status> {
        use Status::*;
        match (self, from) {
            (Action::Assign, Registered | InWork) => Some(InWork),
            (Action::SubmitDraft, InWork) => Some(AwaitingSignature),
            (Action::Return, AwaitingSignature) => Some(InWork),
            (Action::Sign, AwaitingSignature) => Some(Signed),
            (Action::Issue, Signed) => Some(Issued),
            (Action::Extend, s) if s.is_open() => Some(s),
            (Action::Withdraw, s) if s.is_open() => Some(Withdrawn),
            _ => None,
        }
    }
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("{action} is not possible for an application in state {from}")]
    NotAllowedInState { action: &'static str, from: Status },
    #[error("{action} needs the role {needed}; the user has {has}")]
    Forbidden {
        action: &'static str,
        needed: String,
        has: String,
    },
    #[error("the drafter of a result cannot sign it (four-eyes rule)")]
    FourEyes,
    #[error("only the assigned executor can submit the draft")]
    NotAssignedExecutor,
    #[error("the term was already extended once")]
    AlreadyExtended,
    /// At an akimat: the package has left, the department's result has not come back.
    #[error("the department's signed result has not come back yet")]
    AwaitingResult,
    /// At an akimat: the result came back after the citizen withdrew the application.
    #[error("the result came back after the application was withdrawn; it is not handed over")]
    ResultAfterWithdrawal,
}

impl LifecycleError {
    pub fn key(&self) -> &'static str {
        match self {
            LifecycleError::NotAllowedInState { .. } => "state",
            LifecycleError::Forbidden { .. } => "forbidden",
            LifecycleError::FourEyes => "four-eyes",
            LifecycleError::NotAssignedExecutor => "not-assigned",
            LifecycleError::AlreadyExtended => "already-extended",
            LifecycleError::AwaitingResult => "awaiting-result",
            LifecycleError::ResultAfterWithdrawal => "result-after-withdrawal",
        }
    }
}
