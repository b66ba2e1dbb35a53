//! Translation keys of the window's own families, each written whole (no key is built with
//! `format!`), so the test that every key exists sees them all. The domain's own enums give
//! theirs (`Role::key`, `Status::key`, `Channel::key`, `TermUnit::key`).

use crate::domain::catalog::DocumentKind;
use crate::domain::model::Channel;
use crate::store::queue::Tab;

/// A channel's short name (a queue's column).
pub fn channel_short(c: Channel) -> &'static str {
    match c {
        Channel::Office => "ui-channel-short-office",
        Channel::Con => "ui-channel-short-con",
        Channel::Portal => "ui-channel-short-portal",
        Channel::Akim => "ui-channel-short-akim",
    }
}

/// A queue tab's name.
pub fn tab(t: Tab) -> &'static str {
    t.key()
}

/// A paper's title.
pub fn doc_title(k: DocumentKind) -> &'static str {
    match k {
        DocumentKind::Receipt => "doc-title-receipt",
        DocumentKind::UnemployedCertificate => "doc-title-unemployed_certificate",
        DocumentKind::AspAssignmentNotice => "doc-title-asp_assignment_notice",
        DocumentKind::AspRefusalNotice => "doc-title-asp_refusal_notice",
        DocumentKind::ChildBenefitNotice => "doc-title-child_benefit_notice",
        DocumentKind::DisabledChildrenNotice => "doc-title-disabled_children_notice",
        DocumentKind::AspMembershipCertificate => "doc-title-asp_membership_certificate",
        DocumentKind::EmploymentReferral => "doc-title-employment_referral",
        DocumentKind::SpecialServicesNotice => "doc-title-special_services_notice",
        DocumentKind::FuelAssistanceNotice => "doc-title-fuel_assistance_notice",
        DocumentKind::JobSeekerRegistrationNotice => "doc-title-job_seeker_registration_notice",
        DocumentKind::UnemployedRegistrationNotice => "doc-title-unemployed_registration_notice",
        DocumentKind::MotivatedRefusal => "doc-title-motivated_refusal",
        DocumentKind::ExtensionNotice => "doc-title-extension_notice",
        DocumentKind::AkimCoverLetter => "doc-title-akim_cover_letter",
        DocumentKind::JournalPage => "doc-title-journal_page",
        DocumentKind::PeriodReport => "doc-title-period_report",
    }
}

/// An akimat queue line's own step and its last day (`{ $date }`), by the state it is at.
pub fn akimat_step(s: crate::domain::model::Status) -> &'static str {
    use crate::domain::model::Status;
    match s {
        Status::Registered => "ui-akimat-step-resolution",
        Status::InWork => "ui-akimat-step-cover",
        _ => "ui-akimat-step-sign",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each whole key is the one its family names (a typo here would show the bare key).
    #[test]
    fn whole_keys_match_their_families() {
        for c in Channel::ALL {
            assert_eq!(channel_short(c), format!("ui-channel-short-{}", c.code()));
        }
        for t in Tab::ALL {
            assert_eq!(tab(t), format!("ui-tab-{}", t.code()));
        }
        for k in DocumentKind::ALL {
            assert_eq!(doc_title(k), format!("doc-title-{}", k.code()));
        }
        // And every one of them is translated.
        let all = Channel::ALL
            .iter()
            .map(|c| channel_short(*c))
            .chain(Tab::ALL.iter().map(|t| tab(*t)))
            .chain(DocumentKind::ALL.iter().map(|k| doc_title(*k)));
        for key in all {
            for lang in [
                crate::domain::model::Lang::Kk,
                crate::domain::model::Lang::Ru,
            ] {
                assert_ne!(crate::i18n::tr(lang, key), key, "{key} is not translated");
            }
        }
        // The akimat's steps, with the date they carry.
        use crate::domain::model::{Lang, Status};
        for s in [
            Status::Registered,
            Status::InWork,
            Status::AwaitingSignature,
        ] {
            for lang in [Lang::Kk, Lang::Ru] {
                let t = crate::i18n::tra(
                    lang,
                    akimat_step(s),
                    &[("date", crate::i18n::Arg::from("17.11.2026".to_string()))],
                );
                assert!(t.contains("17.11.2026") && !t.contains("ui-"), "{t}");
            }
        }
    }
}
