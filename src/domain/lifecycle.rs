//! The state machine of an application (DOMAIN.md "Lifecycle") and who may move it.
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
//! issues applications of the akim channel.

use serde::{Deserialize, Serialize};

use super::model::{Channel, Role, Status};

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

    /// Roles that may take this action on an application of this channel.
    pub fn allowed_roles(self, channel: Channel) -> &'static [Role] {
        match (self, channel) {
            (Action::Register | Action::Issue, Channel::Akim) => {
                &[Role::Registrar, Role::AkimClerk]
            }
            (Action::Register | Action::Issue, _) => &[Role::Registrar],
            (Action::Withdraw, Channel::Akim) => &[Role::Registrar, Role::AkimClerk],
            (Action::Withdraw, _) => &[Role::Registrar],
            // At the akimat the akim names the responsible person, and signs the cover letter
            // his executor prepared; at the department its head and executor do their steps.
            (Action::Assign | Action::Return | Action::Sign, Channel::Akim) => {
                &[Role::Head, Role::Akim]
            }
            (Action::SubmitDraft, Channel::Akim) => &[Role::Executor, Role::AkimExecutor],
            (Action::Assign | Action::Return | Action::Sign | Action::Extend, _) => &[Role::Head],
            (Action::SubmitDraft, _) => &[Role::Executor],
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
}

impl LifecycleError {
    pub fn key(&self) -> &'static str {
        match self {
            LifecycleError::NotAllowedInState { .. } => "state",
            LifecycleError::Forbidden { .. } => "forbidden",
            LifecycleError::FourEyes => "four-eyes",
            LifecycleError::NotAssignedExecutor => "not-assigned",
            LifecycleError::AlreadyExtended => "already-extended",
        }
    }
}

/// Everything the rule needs to know about the application and the user.
#[derive(Debug, Clone)]
pub struct Check<'a> {
    pub action: Action,
    pub from: Status,
    pub channel: Channel,
    pub user_roles: &'a [Role],
    pub user_id: i64,
    /// The assigned executor, if any.
    pub executor_id: Option<i64>,
    /// Who submitted the current draft, if any.
    pub drafter_id: Option<i64>,
    /// Office setting: allow the drafter to sign their own result (audited when used).
    pub allow_self_sign: bool,
    pub already_extended: bool,
}

/// Decides a transition: the state it leads to, or why not.
pub fn decide(c: &Check<'_>) -> Result<Status, LifecycleError> {
    let needed = c.action.allowed_roles(c.channel);
    if !c.user_roles.iter().any(|r| needed.contains(r)) {
        return Err(LifecycleError::Forbidden {
            action: c.action.code(),
            needed: needed
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(" or "),
            has: if c.user_roles.is_empty() {
                "no role".into()
            } else {
                c.user_roles
                    .iter()
                    .map(|r| r.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        });
    }
    let to = c
        .action
        .target(c.from)
        .ok_or(LifecycleError::NotAllowedInState {
            action: c.action.code(),
            from: c.from,
        })?;
    match c.action {
        Action::SubmitDraft if c.executor_id != Some(c.user_id) => {
            Err(LifecycleError::NotAssignedExecutor)
        }
        Action::Sign if c.drafter_id == Some(c.user_id) && !c.allow_self_sign => {
            Err(LifecycleError::FourEyes)
        }
        Action::Extend if c.already_extended => Err(LifecycleError::AlreadyExtended),
        _ => Ok(to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(action: Action, from: Status, roles: &[Role]) -> Check<'_> {
        Check {
            action,
            from,
            channel: Channel::Office,
            user_roles: roles,
            user_id: 7,
            executor_id: Some(7),
            drafter_id: None,
            allow_self_sign: false,
            already_extended: false,
        }
    }

    #[test]
    fn the_happy_path() {
        use Status::*;
        assert_eq!(
            decide(&check(Action::Assign, Registered, &[Role::Head])),
            Ok(InWork)
        );
        assert_eq!(
            decide(&check(Action::SubmitDraft, InWork, &[Role::Executor])),
            Ok(AwaitingSignature)
        );
        assert_eq!(
            decide(&check(Action::Return, AwaitingSignature, &[Role::Head])),
            Ok(InWork)
        );
        assert_eq!(
            decide(&check(Action::Sign, AwaitingSignature, &[Role::Head])),
            Ok(Signed)
        );
        assert_eq!(
            decide(&check(Action::Issue, Signed, &[Role::Registrar])),
            Ok(Issued)
        );
        assert_eq!(
            decide(&check(Action::Extend, InWork, &[Role::Head])),
            Ok(InWork)
        );
        assert_eq!(
            decide(&check(Action::Withdraw, Registered, &[Role::Registrar])),
            Ok(Withdrawn)
        );
    }

    /// Every (action, state) pair outside the diagram is refused, for a user holding every role.
    #[test]
    fn every_forbidden_transition_is_refused() {
        let all = Role::ALL;
        let allowed: &[(Action, Status)] = &[
            (Action::Assign, Status::Registered),
            (Action::Assign, Status::InWork),
            (Action::SubmitDraft, Status::InWork),
            (Action::Return, Status::AwaitingSignature),
            (Action::Sign, Status::AwaitingSignature),
            (Action::Issue, Status::Signed),
            (Action::Extend, Status::Registered),
            (Action::Extend, Status::InWork),
            (Action::Extend, Status::AwaitingSignature),
            (Action::Withdraw, Status::Registered),
            (Action::Withdraw, Status::InWork),
            (Action::Withdraw, Status::AwaitingSignature),
        ];
        for action in Action::ALL {
            if action == Action::Register {
                continue;
            }
            for from in Status::ALL {
                let r = decide(&check(action, from, &all));
                if allowed.contains(&(action, from)) {
                    assert!(
                        r.is_ok(),
                        "{action:?} from {from:?} should be allowed: {r:?}"
                    );
                } else {
                    assert_eq!(
                        r,
                        Err(LifecycleError::NotAllowedInState {
                            action: action.code(),
                            from
                        }),
                        "{action:?} from {from:?}"
                    );
                }
            }
        }
    }

    /// Each role is refused every action it does not own, whatever the state.
    #[test]
    fn each_role_only_does_its_own_actions() {
        for role in Role::ALL {
            for action in Action::ALL {
                for channel in Channel::ALL {
                    let mut c = check(
                        action,
                        Status::AwaitingSignature,
                        std::slice::from_ref(&role),
                    );
                    c.channel = channel;
                    let owns = action.allowed_roles(channel).contains(&role);
                    let r = decide(&c);
                    if !owns {
                        assert!(
                            matches!(r, Err(LifecycleError::Forbidden { .. })),
                            "{role:?} {action:?} {channel:?}: {r:?}"
                        );
                    }
                }
            }
        }
        // Spot checks of the table itself.
        assert!(
            !Action::Sign
                .allowed_roles(Channel::Office)
                .contains(&Role::Registrar)
        );
        assert!(
            Action::Issue
                .allowed_roles(Channel::Akim)
                .contains(&Role::AkimClerk)
        );
        assert!(
            !Action::Issue
                .allowed_roles(Channel::Office)
                .contains(&Role::AkimClerk)
        );
    }

    #[test]
    fn four_eyes_and_its_relaxation() {
        let mut c = check(
            Action::Sign,
            Status::AwaitingSignature,
            &[Role::Head, Role::Executor],
        );
        c.drafter_id = Some(7);
        assert_eq!(decide(&c), Err(LifecycleError::FourEyes));
        c.allow_self_sign = true;
        assert_eq!(decide(&c), Ok(Status::Signed));
    }

    #[test]
    fn only_the_assigned_executor_submits() {
        let mut c = check(Action::SubmitDraft, Status::InWork, &[Role::Executor]);
        c.executor_id = Some(8);
        assert_eq!(decide(&c), Err(LifecycleError::NotAssignedExecutor));
    }

    #[test]
    fn one_extension_only() {
        let mut c = check(Action::Extend, Status::InWork, &[Role::Head]);
        c.already_extended = true;
        assert_eq!(decide(&c), Err(LifecycleError::AlreadyExtended));
    }
}
