//! Applicants. One person per ИИН; persons without ИИН (foreigners, stateless) carry an
//! identity document instead.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::iin::{Iin, Sex};

/// Longest name part accepted.
pub const MAX_NAME: usize = 100;

/// An identity document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct IdentityDocument {
    /// e.g. "id_card", "passport", "residence_permit".
    pub kind: String,
    pub number: String,
    #[serde(default)]
    pub issued_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<NaiveDate>,
}

/// The data a clerk types about an applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PersonInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iin: Option<String>,
    pub surname: String,
    pub given_name: String,
    #[serde(default)]
    pub patronymic: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_document: Option<IdentityDocument>,
}

/// A stored person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub iin: Option<Iin>,
    pub surname: String,
    pub given_name: String,
    pub patronymic: String,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub address: String,
    pub phone: String,
    pub id_document: Option<IdentityDocument>,
}

impl Person {
    pub fn full_name(&self) -> String {
        full_name(&self.surname, &self.given_name, &self.patronymic)
    }
}

/// "Surname Given Patronymic" without double spaces.
pub fn full_name(surname: &str, given: &str, patronymic: &str) -> String {
    [surname, given, patronymic]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The lowercase form names are searched by (Cyrillic-aware, ё folded to е).
pub fn fold_name(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace('ё', "е")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Kazakh Cyrillic alphabet in its order (Russian's 33 letters are in it, in their own
/// order), lowercase: what names sort by.
const KAZAKH_ALPHABET: &str = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя";

/// The key a folded name ([`fold_name`]) sorts by in Kazakh alphabet order: each letter of the
/// alphabet becomes a character of the Private Use Area in its alphabet position, so a plain
/// byte comparison (SQLite's `BINARY`, PostgreSQL's `"C"`) orders Ә after А and before Б, Қ
/// after К, І after Ы, where code points put them after Я. Other characters (space, hyphen,
/// Latin letters) keep their code points and so sort before every Cyrillic letter. One character
/// maps to one, so the key of a prefix is a prefix of the key.
pub fn name_sort_key(folded: &str) -> String {
    folded
        .chars()
        .map(|c| match KAZAKH_ALPHABET.chars().position(|a| a == c) {
            Some(i) => char::from_u32(0xE000 + i as u32).expect("private use character"),
            None => c,
        })
        .collect()
}

/// What is wrong with a person's data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonError {
    #[error("invalid IIN: {0}")]
    Iin(#[from] super::iin::IinError),
    #[error("the {0} is missing")]
    Missing(&'static str),
    #[error("the {0} is too long")]
    TooLong(&'static str),
    #[error("the {0} contains characters that are not letters")]
    BadName(&'static str),
    #[error("a person without an IIN needs an identity document")]
    NoIdentity,
    #[error("the birth date {given} does not match the IIN ({from_iin})")]
    BirthDateMismatch {
        given: NaiveDate,
        from_iin: NaiveDate,
    },
    #[error("the phone number has characters other than digits, spaces, + ( ) -")]
    BadPhone,
}

impl PersonError {
    pub fn key(&self) -> &'static str {
        match self {
            PersonError::Iin(e) => e.key(),
            PersonError::Missing(_) => "missing",
            PersonError::TooLong(_) => "too-long",
            PersonError::BadName(_) => "bad-name",
            PersonError::NoIdentity => "no-identity",
            PersonError::BirthDateMismatch { .. } => "birth-mismatch",
            PersonError::BadPhone => "bad-phone",
        }
    }
    /// Which input field the error belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            PersonError::Iin(_) => "iin",
            PersonError::Missing(f) | PersonError::TooLong(f) | PersonError::BadName(f) => f,
            PersonError::NoIdentity => "id_document",
            PersonError::BirthDateMismatch { .. } => "birth_date",
            PersonError::BadPhone => "phone",
        }
    }
}

/// A checked person ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPerson {
    pub iin: Option<Iin>,
    pub surname: String,
    pub given_name: String,
    pub patronymic: String,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub address: String,
    pub phone: String,
    pub id_document: Option<IdentityDocument>,
}

fn check_name(s: &str, field: &'static str, required: bool) -> Result<String, PersonError> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return if required {
            Err(PersonError::Missing(field))
        } else {
            Ok(t)
        };
    }
    if t.chars().count() > MAX_NAME {
        return Err(PersonError::TooLong(field));
    }
    if !t
        .chars()
        .all(|c| c.is_alphabetic() || c == '-' || c == ' ' || c == '\'' || c == '’' || c == '.')
    {
        return Err(PersonError::BadName(field));
    }
    Ok(t)
}

impl PersonInput {
    /// Every problem of the input at once (empty when [`PersonInput::validate`] passes), so a
    /// form can mark all its wrong fields in one go.
    pub fn problems(&self) -> Vec<PersonError> {
        let mut out = Vec::new();
        let mut iin = None;
        let mut iin_given = false;
        if let Some(s) = self.iin.as_deref().map(str::trim)
            && !s.is_empty()
        {
            iin_given = true;
            match Iin::parse(s) {
                Ok(i) => iin = Some(i),
                Err(e) => out.push(PersonError::Iin(e)),
            }
        }
        for (v, f, required) in [
            (&self.surname, "surname", true),
            (&self.given_name, "given_name", true),
            (&self.patronymic, "patronymic", false),
        ] {
            if let Err(e) = check_name(v, f, required) {
                out.push(e);
            }
        }
        let has_doc = self
            .id_document
            .as_ref()
            .is_some_and(|d| !d.number.trim().is_empty());
        if !iin_given && !has_doc {
            out.push(PersonError::NoIdentity);
        }
        if let (Some(i), Some(b)) = (iin, self.birth_date)
            && i.birth_date() != b
        {
            out.push(PersonError::BirthDateMismatch {
                given: b,
                from_iin: i.birth_date(),
            });
        }
        if self.address.trim().chars().count() > 300 {
            out.push(PersonError::TooLong("address"));
        }
        let phone = self.phone.trim();
        if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-".contains(c))
        {
            out.push(PersonError::BadPhone);
        } else if phone.len() > 30 {
            out.push(PersonError::TooLong("phone"));
        }
        out
    }

    /// Checks the input: a valid ИИН (birth date and sex come from it) or an identity document.
    pub fn validate(&self) -> Result<ValidPerson, PersonError> {
        let iin = match self.iin.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => Some(Iin::parse(s)?),
            _ => None,
        };
        let surname = check_name(&self.surname, "surname", true)?;
        let given_name = check_name(&self.given_name, "given_name", true)?;
        let patronymic = check_name(&self.patronymic, "patronymic", false)?;
        let id_document = self
            .id_document
            .clone()
            .filter(|d| !d.number.trim().is_empty());
        if iin.is_none() && id_document.is_none() {
            return Err(PersonError::NoIdentity);
        }
        if let (Some(i), Some(b)) = (iin, self.birth_date)
            && i.birth_date() != b
        {
            return Err(PersonError::BirthDateMismatch {
                given: b,
                from_iin: i.birth_date(),
            });
        }
        let address = self.address.trim().to_string();
        if address.chars().count() > 300 {
            return Err(PersonError::TooLong("address"));
        }
        let phone = self.phone.trim().to_string();
        if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-".contains(c))
        {
            return Err(PersonError::BadPhone);
        }
        if phone.len() > 30 {
            return Err(PersonError::TooLong("phone"));
        }
        Ok(ValidPerson {
            birth_date: iin.map(|i| i.birth_date()).or(self.birth_date),
            sex: iin.map(|i| i.sex()),
            iin,
            surname,
            given_name,
            patronymic,
            address,
            phone,
            id_document,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PersonInput {
        PersonInput {
            iin: Some("850315300128".into()),
            surname: "Қасымов".into(),
            given_name: "Ерлан".into(),
            patronymic: "Серікұлы".into(),
            ..Default::default()
        }
    }

    #[test]
    fn iin_gives_birth_date_and_sex() {
        let p = input().validate().unwrap();
        assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(1985, 3, 15));
        assert_eq!(p.sex, Some(Sex::Male));
    }

    #[test]
    fn every_problem_at_once() {
        let bad = PersonInput {
            iin: Some("850315300129".into()),
            surname: String::new(),
            given_name: "Ерлан2".into(),
            phone: "+7 701 abc".into(),
            ..Default::default()
        };
        let fields: Vec<&str> = bad.problems().iter().map(|e| e.field()).collect();
        assert_eq!(fields, ["iin", "surname", "given_name", "phone"]);
        assert!(input().problems().is_empty());
        assert!(bad.validate().is_err());
    }

    #[test]
    fn problems_are_named() {
        let mut i = input();
        i.iin = Some("850315300127".into());
        assert_eq!(i.validate().unwrap_err().field(), "iin");
        let mut i = input();
        i.surname = "  ".into();
        assert_eq!(i.validate().unwrap_err(), PersonError::Missing("surname"));
        let mut i = input();
        i.given_name = "Ер<script>".into();
        assert_eq!(
            i.validate().unwrap_err(),
            PersonError::BadName("given_name")
        );
        let mut i = input();
        i.iin = None;
        assert_eq!(i.validate().unwrap_err(), PersonError::NoIdentity);
        i.id_document = Some(IdentityDocument {
            kind: "passport".into(),
            number: "N1234567".into(),
            ..Default::default()
        });
        assert!(i.validate().is_ok());
        let mut i = input();
        i.birth_date = NaiveDate::from_ymd_opt(1985, 3, 16);
        assert!(matches!(
            i.validate(),
            Err(PersonError::BirthDateMismatch { .. })
        ));
        let mut i = input();
        i.phone = "+7 (701) 123-45-67".into();
        assert!(i.validate().is_ok());
        i.phone = "call me".into();
        assert_eq!(i.validate().unwrap_err(), PersonError::BadPhone);
    }

    #[test]
    fn folding_for_search() {
        assert_eq!(fold_name("  ҚАСЫМОВ  Ерлан "), "қасымов ерлан");
        assert_eq!(fold_name("Ёлкин"), "елкин");
    }

    #[test]
    fn names_sort_in_kazakh_alphabet_order() {
        // In code points Ә, Қ, Ө, Ұ, Ү, І, Һ, Ң, Ғ all come after Я.
        let mut names = vec![
            "Яковлев",
            "Әбілов",
            "Іскаков",
            "Ыбыраев",
            "Қасымов",
            "Кенжебаев",
            "Ұлықбек",
            "Үмбетов",
            "Уалиев",
            "Өмірзақ",
            "Оспанов",
            "Ғалымжан",
            "Гусев",
            "Ахметов",
            "Борисов",
            "Ахмет",
            "Ахмет-Оглы",
            "Smith",
            "Нұров",
            "Ңғ",
        ];
        names.sort_by_key(|n| name_sort_key(&fold_name(n)));
        assert_eq!(
            names,
            vec![
                "Smith",
                "Ахмет",
                "Ахмет-Оглы",
                "Ахметов",
                "Әбілов",
                "Борисов",
                "Гусев",
                "Ғалымжан",
                "Кенжебаев",
                "Қасымов",
                "Нұров",
                "Ңғ",
                "Оспанов",
                "Өмірзақ",
                "Уалиев",
                "Ұлықбек",
                "Үмбетов",
                "Ыбыраев",
                "Іскаков",
                "Яковлев",
            ]
        );
        // A prefix's key is a prefix of the key (the name search keeps working on keys).
        let (full, part) = (name_sort_key("қасымов ерлан"), name_sort_key("қасым"));
        assert!(full.starts_with(&part));
        assert_eq!(KAZAKH_ALPHABET.chars().count(), 42);
    }
}
