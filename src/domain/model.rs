//! Small shared vocabulary of the domain: roles, channels, languages, statuses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The two working languages. Every user-visible string exists in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Kk,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Kk, Lang::Ru];
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
        }
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "kk" => Ok(Lang::Kk),
            "ru" => Ok(Lang::Ru),
            other => Err(format!("unknown language {other:?} (kk or ru)")),
        }
    }
}

/// A text in both languages, as the catalogue and documents carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    pub kk: String,
    pub ru: String,
}

impl Text {
    pub fn new(kk: impl Into<String>, ru: impl Into<String>) -> Text {
        Text {
            kk: kk.into(),
            ru: ru.into(),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
        }
    }
}

/// Roles of DOMAIN.md. One user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Registrar,
    Executor,
    Head,
    AkimClerk,
    Admin,
    /// The rural akim: the resolution naming the responsible person, and the signature on the
    /// cover letter (at an akimat's own workstation).
    Akim,
    /// The akim's responsible executor: prepares the cover letter (at an akimat).
    AkimExecutor,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Registrar,
        Role::Executor,
        Role::Head,
        Role::AkimClerk,
        Role::Admin,
        Role::Akim,
        Role::AkimExecutor,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Role::Registrar => "registrar",
            Role::Executor => "executor",
            Role::Head => "head",
            Role::AkimClerk => "akim_clerk",
            Role::Admin => "admin",
            Role::Akim => "akim",
            Role::AkimExecutor => "akim_executor",
        }
    }
    /// Its name's translation key.
    pub fn key(self) -> &'static str {
        match self {
            Role::Registrar => "role-registrar",
            Role::Executor => "role-executor",
            Role::Head => "role-head",
            Role::AkimClerk => "role-akim_clerk",
            Role::Admin => "role-admin",
            Role::Akim => "role-akim",
            Role::AkimExecutor => "role-akim_executor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| {
                format!("unknown role {s:?}; one of registrar, executor, head, akim_clerk, admin, akim, akim_executor")
            })
    }
}

/// How an application reached the department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// Walk-in at the department.
    Office,
    /// ЦОН / State Corporation, through the regional gateway.
    Con,
    /// e-gov portal, through the regional gateway.
    Portal,
    /// Rural akim's office, with a cover letter.
    Akim,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Office,
        Channel::Con,
        Channel::Portal,
        Channel::Akim,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Channel::Office => "office",
            Channel::Con => "con",
            Channel::Portal => "portal",
            Channel::Akim => "akim",
        }
    }
    /// Its name's translation key.
    pub fn key(self) -> &'static str {
        match self {
            Channel::Office => "channel-office",
            Channel::Con => "channel-con",
            Channel::Portal => "channel-portal",
            Channel::Akim => "channel-akim",
        }
    }
    /// Channels whose originator waits for status notices through the gateway.
    pub fn via_gateway(self) -> bool {
        matches!(self, Channel::Con | Channel::Portal)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Channel::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| format!("unknown channel {s:?}; one of office, con, portal, akim"))
    }
}

/// Internal state of an application (DOMAIN.md "Lifecycle").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Registered,
    InWork,
    AwaitingSignature,
    Signed,
    Issued,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Registered,
        Status::InWork,
        Status::AwaitingSignature,
        Status::Signed,
        Status::Issued,
        Status::Withdrawn,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::InWork => "in_work",
            Status::AwaitingSignature => "awaiting_signature",
            Status::Signed => "signed",
            Status::Issued => "issued",
            Status::Withdrawn => "withdrawn",
        }
    }
    /// Its name's translation key.
    pub fn key(self) -> &'static str {
        match self {
            Status::Registered => "status-registered",
            Status::InWork => "status-in_work",
            Status::AwaitingSignature => "status-awaiting_signature",
            Status::Signed => "status-signed",
            Status::Issued => "status-issued",
            Status::Withdrawn => "status-withdrawn",
        }
    }
    /// Its short name's translation key (chips, narrow columns).
    pub fn short_key(self) -> &'static str {
        match self {
            Status::Registered => "status-short-registered",
            Status::InWork => "status-short-in_work",
            Status::AwaitingSignature => "status-short-awaiting_signature",
            Status::Signed => "status-short-signed",
            Status::Issued => "status-short-issued",
            Status::Withdrawn => "status-short-withdrawn",
        }
    }
    /// The status ЦОН and the portal see.
    pub fn public(self) -> Option<PublicStatus> {
        match self {
            Status::Registered => Some(PublicStatus::Received),
            Status::InWork | Status::AwaitingSignature => Some(PublicStatus::InWork),
            Status::Signed | Status::Issued => Some(PublicStatus::Completed),
            Status::Withdrawn => None,
        }
    }
    /// Still waiting for the department (the statutory term runs).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Registered | Status::InWork | Status::AwaitingSignature
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| {
                format!(
                    "unknown status {s:?}; one of registered, in_work, awaiting_signature, signed, issued, withdrawn"
                )
            })
    }
}

/// Public statuses attested in seeds 000–002: Түскен / Поступившие, Жұмыста / В работе,
/// Орындалған / Исполнено.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicStatus {
    Received,
    InWork,
    Completed,
}

impl PublicStatus {
    pub fn code(self) -> &'static str {
        match self {
            PublicStatus::Received => "received",
            PublicStatus::InWork => "in_work",
            PublicStatus::Completed => "completed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>().unwrap(), r);
        }
        for c in Channel::ALL {
            assert_eq!(c.code().parse::<Channel>().unwrap(), c);
        }
        for s in Status::ALL {
            assert_eq!(s.code().parse::<Status>().unwrap(), s);
        }
        assert!("clerk".parse::<Role>().is_err());
        assert!("mail".parse::<Channel>().is_err());
    }

    #[test]
    fn public_status_mapping_follows_the_seeds() {
        assert_eq!(Status::Registered.public(), Some(PublicStatus::Received));
        assert_eq!(
            Status::AwaitingSignature.public(),
            Some(PublicStatus::InWork)
        );
        assert_eq!(Status::Issued.public(), Some(PublicStatus::Completed));
    }
}
