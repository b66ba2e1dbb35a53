//! ИИН (ЖСН): the 12-digit individual identification number of a person.
//!
//! Layout `YYMMDDCSSSSK`: birth date, a century-and-sex digit C (1/2 = 1800s, 3/4 = 1900s,
//! 5/6 = 2000s; odd = male), a serial and a check digit K (Government decree No. 406 of
//! 22.05.2007). K = Σ(dᵢ·wᵢ) mod 11 with weights 1..11; if that is 10 the weights
//! 3,4,5,6,7,8,9,10,11,1,2 are used; if the result is still 10 no ИИН has that prefix.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

const WEIGHTS_1: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEIGHTS_2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// A validated ИИН. Only [`Iin::parse`] makes one, so holding an `Iin` means the number passed
/// every check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iin([u8; 12]);

/// Sex as encoded in the 7th digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

/// Why a string is not a valid ИИН. Each variant is a distinct reason a clerk can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IinError {
    #[error("an IIN has 12 digits, this has {0}")]
    Length(usize),
    #[error("an IIN has only digits; found {0:?} at position {1}")]
    NonDigit(char, usize),
    #[error("the 7th digit (century and sex) must be 1 to 6, found {0}")]
    CenturyDigit(u8),
    #[error("the first six digits are not a real birth date ({0})")]
    ImpossibleDate(String),
    #[error("the check digit is {found}, it should be {expected}")]
    CheckDigit { expected: u8, found: u8 },
    #[error("no IIN can start with these 11 digits (the check digit cannot be computed)")]
    Unissuable,
}

impl IinError {
    /// Stable key for messages in `locales/` (`iin-error-<key>`).
    pub fn key(&self) -> &'static str {
        match self {
            IinError::Length(_) => "length",
            IinError::NonDigit(..) => "non-digit",
            IinError::CenturyDigit(_) => "century",
            IinError::ImpossibleDate(_) => "date",
            IinError::CheckDigit { .. } => "check",
            IinError::Unissuable => "unissuable",
        }
    }
}

/// The check digit for the first 11 digits, or `None` when no valid ИИН has that prefix.
pub fn check_digit(first11: &[u8; 11]) -> Option<u8> {
    let sum = |w: &[u32; 11]| -> u32 {
        first11
            .iter()
            .zip(w)
            .map(|(d, w)| u32::from(*d) * w)
            .sum::<u32>()
            % 11
    };
    match sum(&WEIGHTS_1) {
        10 => match sum(&WEIGHTS_2) {
            10 => None,
            k => Some(k as u8),
        },
        k => Some(k as u8),
    }
}

impl Iin {
    /// Validates a typed ИИН. Spaces are tolerated (clerks copy numbers with spaces), nothing else.
    pub fn parse(input: &str) -> Result<Iin, IinError> {
        let compact: Vec<char> = input.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some((pos, c)) = compact
            .iter()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_digit())
        {
            return Err(IinError::NonDigit(*c, pos + 1));
        }
        if compact.len() != 12 {
            return Err(IinError::Length(compact.len()));
        }
        let mut d = [0u8; 12];
        for (i, c) in compact.iter().enumerate() {
            d[i] = *c as u8 - b'0';
        }
        let century = d[6];
        if !(1..=6).contains(&century) {
            return Err(IinError::CenturyDigit(century));
        }
        let iin = Iin(d);
        if iin.birth_date_unchecked().is_none() {
            return Err(IinError::ImpossibleDate(compact[..6].iter().collect()));
        }
        let mut first = [0u8; 11];
        first.copy_from_slice(&d[..11]);
        match check_digit(&first) {
            None => Err(IinError::Unissuable),
            Some(k) if k != d[11] => Err(IinError::CheckDigit {
                expected: k,
                found: d[11],
            }),
            Some(_) => Ok(iin),
        }
    }

    fn birth_date_unchecked(&self) -> Option<NaiveDate> {
        let d = &self.0;
        let yy = i32::from(d[0]) * 10 + i32::from(d[1]);
        let mm = u32::from(d[2]) * 10 + u32::from(d[3]);
        let dd = u32::from(d[4]) * 10 + u32::from(d[5]);
        let century = match d[6] {
            1 | 2 => 1800,
            3 | 4 => 1900,
            5 | 6 => 2000,
            _ => return None,
        };
        NaiveDate::from_ymd_opt(century + yy, mm, dd)
    }

    /// The birth date encoded in the number.
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date_unchecked()
            .expect("validated at parse time")
    }

    pub fn sex(&self) -> Sex {
        if self.0[6] % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The number as 12 ASCII digits.
    pub fn as_string(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// The number with the serial hidden, for printing in QR codes and public notices:
    /// `850315*****8`.
    pub fn masked(&self) -> String {
        let s = self.as_string();
        format!("{}*****{}", &s[..6], &s[11..])
    }

    /// Builds a valid ИИН from a birth date, sex and serial; `None` if that serial has no
    /// check digit. Used by the demo generator and tests.
    pub fn compose(birth: NaiveDate, sex: Sex, serial: u16) -> Option<Iin> {
        use chrono::Datelike;
        let year = birth.year();
        let century_digit = match (year / 100, sex) {
            (18, Sex::Male) => 1,
            (18, Sex::Female) => 2,
            (19, Sex::Male) => 3,
            (19, Sex::Female) => 4,
            (20, Sex::Male) => 5,
            (20, Sex::Female) => 6,
            _ => return None,
        };
        let yy = (year % 100) as u8;
        let mm = birth.month() as u8;
        let dd = birth.day() as u8;
        let serial = serial % 10_000;
        let first = [
            yy / 10,
            yy % 10,
            mm / 10,
            mm % 10,
            dd / 10,
            dd % 10,
            century_digit,
            (serial / 1000) as u8,
            (serial / 100 % 10) as u8,
            (serial / 10 % 10) as u8,
            (serial % 10) as u8,
        ];
        let k = check_digit(&first)?;
        let mut d = [0u8; 12];
        d[..11].copy_from_slice(&first);
        d[11] = k;
        Some(Iin(d))
    }
}

impl fmt::Display for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

impl FromStr for Iin {
    type Err = IinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Iin::parse(s)
    }
}

impl Serialize for Iin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_string())
    }
}

impl<'de> Deserialize<'de> for Iin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Iin::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn documented_examples_are_valid() {
        let a = Iin::parse("061211600012").unwrap();
        assert_eq!(
            a.birth_date(),
            NaiveDate::from_ymd_opt(2006, 12, 11).unwrap()
        );
        assert_eq!(a.sex(), Sex::Female);
        let b = Iin::parse("791028302728").unwrap();
        assert_eq!(
            b.birth_date(),
            NaiveDate::from_ymd_opt(1979, 10, 28).unwrap()
        );
        assert_eq!(b.sex(), Sex::Male);
        assert!(Iin::parse("850315300128").is_ok());
        assert!(Iin::parse("850315301801").is_ok());
        assert!(Iin::parse("850115300205").is_ok());
    }

    #[test]
    fn each_reason_is_reported() {
        assert_eq!(Iin::parse("12345"), Err(IinError::Length(5)));
        assert_eq!(Iin::parse("8503153001a8"), Err(IinError::NonDigit('a', 11)));
        assert_eq!(Iin::parse("850315000128"), Err(IinError::CenturyDigit(0)));
        assert_eq!(Iin::parse("850315900128"), Err(IinError::CenturyDigit(9)));
        assert!(matches!(
            Iin::parse("850231300128"),
            Err(IinError::ImpossibleDate(_))
        ));
        assert_eq!(
            Iin::parse("850315300127"),
            Err(IinError::CheckDigit {
                expected: 8,
                found: 7
            })
        );
        // 85031530260? has no check digit under either weight set.
        for k in 0..10 {
            assert_eq!(
                Iin::parse(&format!("85031530260{k}")),
                Err(IinError::Unissuable)
            );
        }
    }

    #[test]
    fn spaces_are_tolerated_and_masking_hides_the_serial() {
        let i = Iin::parse("850315 300128").unwrap();
        assert_eq!(i.as_string(), "850315300128");
        assert_eq!(i.masked(), "850315*****8");
    }

    #[test]
    fn leap_day_only_in_leap_years() {
        let ok = Iin::compose(NaiveDate::from_ymd_opt(2000, 2, 29).unwrap(), Sex::Male, 1);
        let ok = ok
            .or_else(|| Iin::compose(NaiveDate::from_ymd_opt(2000, 2, 29).unwrap(), Sex::Male, 2));
        assert!(ok.is_some());
        // 1900 was not a leap year: 000229 3xxxx is impossible.
        assert!(matches!(
            Iin::parse("000229300000"),
            Err(IinError::ImpossibleDate(_))
        ));
    }

    proptest! {
        #[test]
        fn composed_numbers_round_trip(days in 0i64..(365*200), male in any::<bool>(), serial in 0u16..10000) {
            let birth = NaiveDate::from_ymd_opt(1850, 1, 1).unwrap() + chrono::Duration::days(days);
            let sex = if male { Sex::Male } else { Sex::Female };
            if let Some(iin) = Iin::compose(birth, sex, serial) {
                let parsed = Iin::parse(&iin.as_string()).unwrap();
                prop_assert_eq!(parsed.birth_date(), birth);
                prop_assert_eq!(parsed.sex(), sex);
            }
        }

        #[test]
        fn a_changed_digit_is_caught(days in 0i64..(365*100), serial in 0u16..10000, pos in 7usize..12, delta in 1u8..10) {
            let birth = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap() + chrono::Duration::days(days);
            if let Some(iin) = Iin::compose(birth, Sex::Female, serial) {
                let mut s: Vec<u8> = iin.as_string().into_bytes();
                s[pos] = b'0' + (s[pos] - b'0' + delta) % 10;
                let changed = String::from_utf8(s.clone()).unwrap();
                let digits: Vec<u8> = s.iter().map(|b| b - b'0').collect();
                let first_weights = |d: &[u8]| d[..11].iter().zip(WEIGHTS_1).map(|(d, w)| u32::from(*d) * w).sum::<u32>() % 11;
                let orig: Vec<u8> = iin.as_string().bytes().map(|b| b - b'0').collect();
                // With weights 1..10 and a prime modulus, one changed digit among the first ten
                // always changes the sum, so whenever neither number falls back to the second
                // weights the change is caught; a changed check digit is caught always. (The
                // 11th digit has weight 11 ≡ 0 mod 11: the algorithm itself cannot see it.)
                if pos == 11 || (pos < 10 && first_weights(&orig) != 10 && first_weights(&digits) != 10) {
                    prop_assert!(Iin::parse(&changed).is_err(), "{} accepted", changed);
                }
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = Iin::parse(&s);
        }

        #[test]
        fn weighted_sum_definition_holds(digits in proptest::array::uniform11(0u8..10)) {
            let s1: u32 = digits.iter().zip(WEIGHTS_1).map(|(d, w)| u32::from(*d) * w).sum::<u32>() % 11;
            let s2: u32 = digits.iter().zip(WEIGHTS_2).map(|(d, w)| u32::from(*d) * w).sum::<u32>() % 11;
            let expect = if s1 != 10 { Some(s1 as u8) } else if s2 != 10 { Some(s2 as u8) } else { None };
            prop_assert_eq!(check_digit(&digits), expect);
        }
    }
}
