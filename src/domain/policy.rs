//! Who may do what: the one place that answers it.
//!
//! Two questions, two tables:
//! - **What may this user do with this application now** ([`decide`], [`allowed`]): the roles
//!   that own each step of the lifecycle on each channel ([`roles_for`]), the four-eyes rule and
//!   its office setting, the state, the assigned executor and the one extension. The desk
//!   enforces exactly this, and the window shows exactly the actions [`allowed`] returns.
//! - **What may this user do in the office** ([`Permission`]): reports, users, certificates,
//!   backups, the gateway, the catalogue and calendar, intake, lookups.
//!
//! Whether a key belongs to the user who signs (the certificate's ИИН) is a check of the
//! signature, not a permission: `signing` makes it when the key is unlocked.

use super::lifecycle::{Action, LifecycleError};
use super::model::{Channel, Role, Status};

/// The roles that may take this step of the lifecycle on an application of this channel.
/// "Who may sign" is the `Sign` row: the head at a department, the akim at an akimat.
pub fn roles_for(action: Action, channel: Channel) -> &'static [Role] {
    match (action, channel) {
        (Action::Register | Action::Issue, Channel::Akim) => &[Role::Registrar, Role::AkimClerk],
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

/// The user asking.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub id: i64,
    pub roles: &'a [Role],
}

/// What the rule needs to know about the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub status: Status,
    pub channel: Channel,
    /// The assigned executor, if any.
    pub executor_id: Option<i64>,
    /// Who submitted the current draft, if any.
    pub drafter_id: Option<i64>,
    pub extended: bool,
    /// At an akimat, an application whose package has left for the department (the akim signed
    /// its cover letter): whether the department's signed result has come back. `None` at a
    /// department, and at an akimat before the package left.
    pub at_department: Option<AtDepartment>,
}

/// Where an akimat's package stands with the department (see [`Facts::at_department`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtDepartment {
    /// Sent; the result has not come back. The citizen may still withdraw here (the
    /// withdrawal goes on to the department), and there is nothing to hand over yet.
    AwaitingResult,
    /// The department's signed result is here: it is handed over, no longer withdrawn.
    ResultBack,
}

/// The office's settings that change who may act.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rules {
    /// Allow the drafter of a result to sign it (audited when used); off by default.
    pub allow_self_sign: bool,
    /// Executors see every application of the office, not only those assigned to them.
    pub executors_see_all: bool,
}

/// Whether the user may see the application at all (enforced on every read; an application
/// one may not see is "not found", not "forbidden").
pub fn may_see(app: &Facts, who: Actor<'_>, rules: Rules) -> bool {
    let has = |r: Role| who.roles.contains(&r);
    let own = app.executor_id == Some(who.id);
    has(Role::Registrar)
        || has(Role::Head)
        || (has(Role::Executor) && (rules.executors_see_all || own))
        || ((has(Role::AkimClerk) || has(Role::Akim)) && app.channel == Channel::Akim)
        || (has(Role::AkimExecutor) && app.channel == Channel::Akim && own)
}

/// Decides a step: the state it leads to, or why not.
pub fn decide(
    action: Action,
    app: &Facts,
    who: Actor<'_>,
    rules: Rules,
) -> Result<Status, LifecycleError> {
    let needed = roles_for(action, app.channel);
    if !who.roles.iter().any(|r| needed.contains(r)) {
        return Err(LifecycleError::Forbidden {
            action: action.code(),
            needed: needed
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(" or "),
            has: if who.roles.is_empty() {
                "no role".into()
            } else {
                who.roles
                    .iter()
                    .map(|r| r.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        });
    }
    let to = match (action, app.status, app.at_department) {
        // At an akimat `signed` means the package has left; until the department's result
        // comes back the citizen may still withdraw (the department then withdraws it too, or
        // its head sees a late withdrawal), and there is nothing to hand over.
        (Action::Withdraw, Status::Signed, Some(AtDepartment::AwaitingResult)) => Status::Withdrawn,
        (Action::Issue, Status::Signed, Some(AtDepartment::AwaitingResult)) => {
            return Err(LifecycleError::AwaitingResult);
        }
        // A result that came back after the citizen withdrew is kept, not handed over.
        (Action::Issue, Status::Withdrawn, Some(AtDepartment::ResultBack)) => {
            return Err(LifecycleError::ResultAfterWithdrawal);
        }
        _ => action
            .target(app.status)
            .ok_or(LifecycleError::NotAllowedInState {
                action: action.code(),
                from: app.status,
            })?,
    };
    match action {
        Action::SubmitDraft if app.executor_id != Some(who.id) => {
            Err(LifecycleError::NotAssignedExecutor)
        }
        Action::Sign if app.drafter_id == Some(who.id) && !rules.allow_self_sign => {
            Err(LifecycleError::FourEyes)
        }
        Action::Extend if app.extended => Err(LifecycleError::AlreadyExtended),
        _ => Ok(to),
    }
}

/// Every step this user may take with this application now, in the lifecycle's order: what
/// the window shows as buttons, and exactly what [`decide`] accepts.
pub fn allowed(app: &Facts, who: Actor<'_>, rules: Rules) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| *a != Action::Register && decide(*a, app, who, rules).is_ok())
        .collect()
}

/// What a user may do in the office, apart from the steps of one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See the queues of applications (each role its own part of them).
    Queues,
    /// Find a person by ИИН or name and read the history of their data.
    PersonLookup,
    /// Change a person's data on purpose, with a reason.
    PersonUpdate,
    /// Take a new application (the department's registrar; the akim's office specialist).
    Intake,
    /// Attach more scans to an open application.
    AddScans,
    /// Record the citizen's answers to the quality questionnaire.
    Questionnaire,
    /// Choose among the executors (the head's assignment, the akim's resolution, the
    /// registrar's queue filter).
    ListExecutors,
    /// Name an executor by ИИН (the command line's assignment at a department).
    Assign,
    /// The akim's resolution naming his responsible executor (at an akimat).
    AkimResolution,
    /// Save the decision's draft (the executor; that it is theirs is checked by the lifecycle).
    SaveDraft,
    /// Unlock a signing key to sign (the head's results, the akim's cover letters).
    SigningKey,
    /// The head's desk: the dashboard, the reports, the list awaiting signature.
    Reports,
    /// The registration journals printed for a period.
    Journals,
    /// See the conflicts the exchange with the gateway found.
    SeeConflicts,
    /// Mark such a conflict dealt with.
    ResolveConflicts,
    /// The office's settings (institutions, gateway address, four-eyes, …).
    Settings,
    /// The working-day calendar's moved days.
    Calendar,
    /// The service catalogue's editions.
    Catalogue,
    /// Add users, reset passwords, disable and unlock accounts.
    Users,
    /// The list of users.
    ListUsers,
    /// Issue, import and revoke certificates; trust other roots.
    Certificates,
    /// The list of certificates.
    ListCertificates,
    /// Make, list and restore backups.
    Backup,
    /// The exchange with the gateway: its state, the messages, a retry.
    Gateway,
}

impl Permission {
    pub const ALL: [Permission; 24] = [
        Permission::Queues,
        Permission::AkimResolution,
        Permission::PersonLookup,
        Permission::PersonUpdate,
        Permission::Intake,
        Permission::AddScans,
        Permission::Questionnaire,
        Permission::ListExecutors,
        Permission::Assign,
        Permission::SaveDraft,
        Permission::SigningKey,
        Permission::Reports,
        Permission::Journals,
        Permission::SeeConflicts,
        Permission::ResolveConflicts,
        Permission::Settings,
        Permission::Calendar,
        Permission::Catalogue,
        Permission::Users,
        Permission::ListUsers,
        Permission::Certificates,
        Permission::ListCertificates,
        Permission::Backup,
        Permission::Gateway,
    ];

    /// The roles that hold it.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Permission::Queues => &[Registrar, Executor, Head, AkimClerk, Akim, AkimExecutor],
            Permission::PersonLookup => &[Registrar, AkimClerk, Executor, Head],
            Permission::PersonUpdate | Permission::Intake | Permission::Questionnaire => {
                &[Registrar, AkimClerk]
            }
            Permission::AddScans => &[Registrar, Executor, AkimClerk],
            Permission::ListExecutors => &[Head, Registrar, Akim],
            Permission::Assign | Permission::Reports | Permission::ResolveConflicts => &[Head],
            Permission::AkimResolution => &[Akim],
            Permission::SaveDraft => &[Executor],
            Permission::SigningKey => &[Head, Akim],
            Permission::Journals => &[Head, Registrar],
            Permission::SeeConflicts | Permission::ListUsers | Permission::ListCertificates => {
                &[Head, Admin]
            }
            Permission::Settings
            | Permission::Calendar
            | Permission::Catalogue
            | Permission::Users
            | Permission::Certificates
            | Permission::Backup => &[Admin],
            // The akimat's clerk sends its packages (and carries them by hand) too.
            Permission::Gateway => &[Admin, Head, Registrar, AkimClerk],
        }
    }

    /// The name the refusal and the audit give it.
    pub fn code(self) -> &'static str {
        match self {
            Permission::Queues => "queue",
            Permission::PersonLookup => "person_lookup",
            Permission::PersonUpdate => "person_update",
            Permission::Intake => "register",
            Permission::AddScans => "attach",
            Permission::Questionnaire => "questionnaire",
            Permission::ListExecutors | Permission::Assign | Permission::AkimResolution => "assign",
            Permission::SaveDraft => "submit_draft",
            Permission::SigningKey => "sign",
            Permission::Reports
            | Permission::Journals
            | Permission::SeeConflicts
            | Permission::ResolveConflicts => "report",
            Permission::Settings | Permission::Calendar | Permission::Catalogue => "setting_change",
            Permission::Users => "users_manage",
            Permission::ListUsers => "users",
            Permission::Certificates => "certificates",
            Permission::ListCertificates => "cert_list",
            Permission::Backup => "backup",
            Permission::Gateway => "gateway_view",
        }
    }

    /// The translation key of its name in a refusal ("… may not {action}").
    pub fn key(self) -> &'static str {
        match self {
            Permission::Queues => "action-queue",
            Permission::PersonLookup => "action-person_lookup",
            Permission::PersonUpdate => "action-person_update",
            Permission::Intake => "action-register",
            Permission::AddScans => "action-attach",
            Permission::Questionnaire => "action-questionnaire",
            Permission::ListExecutors | Permission::Assign | Permission::AkimResolution => {
                "action-assign"
            }
            Permission::SaveDraft => "action-submit_draft",
            Permission::SigningKey => "action-sign",
            Permission::Reports
            | Permission::Journals
            | Permission::SeeConflicts
            | Permission::ResolveConflicts => "action-report",
            Permission::Settings | Permission::Calendar | Permission::Catalogue => {
                "action-setting_change"
            }
            Permission::Users => "action-users_manage",
            Permission::ListUsers => "action-users",
            Permission::Certificates => "action-certificates",
            Permission::ListCertificates => "action-cert_list",
            Permission::Backup => "action-backup",
            Permission::Gateway => "action-gateway_view",
        }
    }

    /// Whether a user holding these roles has it.
    pub fn held_by(self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.roles().contains(r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: Status) -> Facts {
        Facts {
            status,
            channel: Channel::Office,
            executor_id: Some(7),
            drafter_id: None,
            extended: false,
            at_department: None,
        }
    }

    fn who(roles: &[Role]) -> Actor<'_> {
        Actor { id: 7, roles }
    }

    #[test]
    fn the_happy_path() {
        use Status::*;
        let r = Rules::default();
        let head = who(&[Role::Head]);
        assert_eq!(
            decide(Action::Assign, &facts(Registered), head, r),
            Ok(InWork)
        );
        assert_eq!(
            decide(
                Action::SubmitDraft,
                &facts(InWork),
                who(&[Role::Executor]),
                r
            ),
            Ok(AwaitingSignature)
        );
        assert_eq!(
            decide(Action::Return, &facts(AwaitingSignature), head, r),
            Ok(InWork)
        );
        assert_eq!(
            decide(Action::Sign, &facts(AwaitingSignature), head, r),
            Ok(Signed)
        );
        assert_eq!(
            decide(Action::Issue, &facts(Signed), who(&[Role::Registrar]), r),
            Ok(Issued)
        );
        assert_eq!(decide(Action::Extend, &facts(InWork), head, r), Ok(InWork));
        assert_eq!(
            decide(
                Action::Withdraw,
                &facts(Registered),
                who(&[Role::Registrar]),
                r
            ),
            Ok(Withdrawn)
        );
    }

    /// Every (action, state) pair outside the diagram is refused, for a user holding every role.
    #[test]
    fn every_forbidden_transition_is_refused() {
        let all = Role::ALL;
        let allowed_pairs: &[(Action, Status)] = &[
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
                let r = decide(action, &facts(from), who(&all), Rules::default());
                if allowed_pairs.contains(&(action, from)) {
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

    /// Each role is refused every step it does not own, whatever the state.
    #[test]
    fn each_role_only_does_its_own_steps() {
        for role in Role::ALL {
            for action in Action::ALL {
                for channel in Channel::ALL {
                    let mut f = facts(Status::AwaitingSignature);
                    f.channel = channel;
                    let owns = roles_for(action, channel).contains(&role);
                    let r = decide(
                        action,
                        &f,
                        who(std::slice::from_ref(&role)),
                        Rules::default(),
                    );
                    if !owns {
                        assert!(
                            matches!(r, Err(LifecycleError::Forbidden { .. })),
                            "{role:?} {action:?} {channel:?}: {r:?}"
                        );
                    }
                }
            }
        }
        assert!(!roles_for(Action::Sign, Channel::Office).contains(&Role::Registrar));
        assert!(roles_for(Action::Issue, Channel::Akim).contains(&Role::AkimClerk));
        assert!(!roles_for(Action::Issue, Channel::Office).contains(&Role::AkimClerk));
        assert!(roles_for(Action::Sign, Channel::Akim).contains(&Role::Akim));
        assert!(!roles_for(Action::Sign, Channel::Office).contains(&Role::Akim));
    }

    #[test]
    fn four_eyes_and_its_relaxation() {
        let mut f = facts(Status::AwaitingSignature);
        f.drafter_id = Some(7);
        let both = who(&[Role::Head, Role::Executor]);
        assert_eq!(
            decide(Action::Sign, &f, both, Rules::default()),
            Err(LifecycleError::FourEyes)
        );
        // What the window shows follows: no sign button for the drafter, a return button still.
        assert_eq!(
            allowed(&f, both, Rules::default()),
            vec![Action::Return, Action::Extend]
        );
        let relaxed = Rules {
            allow_self_sign: true,
            ..Rules::default()
        };
        assert_eq!(decide(Action::Sign, &f, both, relaxed), Ok(Status::Signed));
        assert!(allowed(&f, both, relaxed).contains(&Action::Sign));
    }

    #[test]
    fn only_the_assigned_executor_submits() {
        let mut f = facts(Status::InWork);
        f.executor_id = Some(8);
        assert_eq!(
            decide(
                Action::SubmitDraft,
                &f,
                who(&[Role::Executor]),
                Rules::default()
            ),
            Err(LifecycleError::NotAssignedExecutor)
        );
        assert!(allowed(&f, who(&[Role::Executor]), Rules::default()).is_empty());
    }

    /// At an akimat a `signed` application is one whose package has left: the akim's clerk
    /// may still withdraw it until the department's result comes back, and hands over only
    /// what came back, never a result that arrived after the withdrawal. At a department (no
    /// package) `signed` stays closed to a withdrawal.
    #[test]
    fn an_akimat_withdraws_a_sent_package_until_the_result_is_back() {
        let r = Rules::default();
        let clerk = who(&[Role::AkimClerk]);
        let mut f = facts(Status::Signed);
        f.channel = Channel::Akim;
        assert!(matches!(
            decide(Action::Withdraw, &f, clerk, r),
            Err(LifecycleError::NotAllowedInState { .. })
        ));
        f.at_department = Some(AtDepartment::AwaitingResult);
        assert_eq!(
            decide(Action::Withdraw, &f, clerk, r),
            Ok(Status::Withdrawn)
        );
        assert_eq!(
            decide(Action::Issue, &f, clerk, r),
            Err(LifecycleError::AwaitingResult)
        );
        // What the case file offers: the withdrawal, not the handover.
        assert_eq!(allowed(&f, clerk, r), vec![Action::Withdraw]);
        // The akim and his executor do not withdraw.
        for other in [Role::Akim, Role::AkimExecutor] {
            assert!(matches!(
                decide(Action::Withdraw, &f, who(&[other]), r),
                Err(LifecycleError::Forbidden { .. })
            ));
        }
        f.at_department = Some(AtDepartment::ResultBack);
        assert!(matches!(
            decide(Action::Withdraw, &f, clerk, r),
            Err(LifecycleError::NotAllowedInState { .. })
        ));
        assert_eq!(allowed(&f, clerk, r), vec![Action::Issue]);
        f.status = Status::Withdrawn;
        assert_eq!(
            decide(Action::Issue, &f, clerk, r),
            Err(LifecycleError::ResultAfterWithdrawal)
        );
        assert!(allowed(&f, clerk, r).is_empty());
        // The other states are as everywhere: an open one is withdrawn, issued stays issued.
        f.at_department = Some(AtDepartment::AwaitingResult);
        f.status = Status::Issued;
        assert!(decide(Action::Withdraw, &f, clerk, r).is_err());
    }

    #[test]
    fn one_extension_only() {
        let mut f = facts(Status::InWork);
        f.extended = true;
        assert_eq!(
            decide(Action::Extend, &f, who(&[Role::Head]), Rules::default()),
            Err(LifecycleError::AlreadyExtended)
        );
    }

    /// What [`allowed`] lists is exactly what [`decide`] accepts, for every role set, state
    /// and channel: the window cannot show a button the desk refuses.
    #[test]
    fn allowed_is_exactly_what_decide_accepts() {
        let sets: Vec<Vec<Role>> = (0u32..(1 << Role::ALL.len()))
            .map(|m| {
                Role::ALL
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| m & (1 << i) != 0)
                    .map(|(_, r)| *r)
                    .collect()
            })
            .collect();
        for roles in &sets {
            for status in Status::ALL {
                for channel in Channel::ALL {
                    for (drafter, at_department) in [None, Some(7)].into_iter().flat_map(|d| {
                        [
                            None,
                            Some(AtDepartment::AwaitingResult),
                            Some(AtDepartment::ResultBack),
                        ]
                        .map(|a| (d, a))
                    }) {
                        for rules in [
                            Rules::default(),
                            Rules {
                                allow_self_sign: true,
                                ..Rules::default()
                            },
                        ] {
                            let f = Facts {
                                status,
                                channel,
                                executor_id: Some(7),
                                drafter_id: drafter,
                                extended: false,
                                at_department,
                            };
                            let list = allowed(&f, who(roles), rules);
                            for a in Action::ALL {
                                if a == Action::Register {
                                    continue;
                                }
                                assert_eq!(
                                    list.contains(&a),
                                    decide(a, &f, who(roles), rules).is_ok(),
                                    "{roles:?} {status:?} {channel:?} {at_department:?} {a:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn who_sees_what() {
        let mut f = facts(Status::InWork);
        f.executor_id = Some(8);
        let r = Rules::default();
        assert!(may_see(&f, who(&[Role::Registrar]), r));
        assert!(!may_see(&f, who(&[Role::Executor]), r));
        let all = Rules {
            executors_see_all: true,
            ..r
        };
        assert!(may_see(&f, who(&[Role::Executor]), all));
        assert!(!may_see(&f, who(&[Role::AkimClerk]), r));
        assert!(!may_see(&f, who(&[Role::Admin]), all));
        f.channel = Channel::Akim;
        assert!(may_see(&f, who(&[Role::AkimClerk]), r));
        assert!(!may_see(&f, who(&[Role::AkimExecutor]), r));
        f.executor_id = Some(7);
        assert!(may_see(&f, who(&[Role::AkimExecutor]), r));
    }

    #[test]
    fn office_permissions() {
        assert!(Permission::Backup.held_by(&[Role::Admin]));
        assert!(!Permission::Backup.held_by(&[Role::Head, Role::Registrar]));
        assert!(Permission::SigningKey.held_by(&[Role::Akim]));
        assert!(!Permission::SigningKey.held_by(&[Role::Executor, Role::Registrar]));
        assert!(Permission::Intake.held_by(&[Role::AkimClerk]));
        assert!(!Permission::Intake.held_by(&[Role::Admin]));
        assert!(!Permission::Queues.held_by(&[Role::Admin]));
        // Every permission is held by somebody, nobody without a role holds any, and each
        // names its action with a key of the action family.
        for p in Permission::ALL {
            assert!(p.key().starts_with("action-"), "{p:?}");
        }
        for p in Permission::ALL {
            assert!(!p.roles().is_empty(), "{p:?}");
            assert!(!p.held_by(&[]), "{p:?}");
        }
    }
}
