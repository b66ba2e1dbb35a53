//! The Kazakhstan working-day calendar.
//!
//! Defaults come from the holiday rules (Law «О праздниках в Республике Казахстан» of
//! 13.12.2001 No. 267 art. 5; Labour Code art. 84 p. 5), see DOMAIN.md "Deadlines":
//! Saturday and Sunday off; 1–2 Jan, 7 Jan, 8 Mar, 21–23 Mar, 1 May, 7 May (from 2013), 9 May,
//! 6 Jul, 30 Aug, 25 Oct (from 2022), 1 Dec (2012–2021), 16 Dec (and 17 Dec before 2022),
//! Kurban ait day 1. A state holiday on a weekend moves to the next working day; 7 Jan and
//! Kurban ait do not move. Kurban ait and the government's yearly moves of days off are
//! **data**: a file per year (`assets/calendar/YYYY.toml`, overridable by the admin) holds them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::model::Text;

/// First and last year the shipped calendar covers.
pub const FIRST_YEAR: i32 = 2012;
pub const LAST_YEAR: i32 = 2030;

/// Why a day is off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayOff {
    pub date: NaiveDate,
    pub name: Text,
    pub kind: DayOffKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayOffKind {
    /// A national or state holiday.
    Holiday,
    /// A religious day off (7 Jan, Kurban ait): not moved when on a weekend.
    Religious,
    /// The working day that replaces a holiday that fell on a weekend.
    Transfer,
    /// Moved by government decree.
    Decree,
}

/// One year's data file: what the rules cannot know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct YearFile {
    pub year: i32,
    /// The first day of Kurban ait, set yearly with the Spiritual Administration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kurban_ait: Option<NaiveDate>,
    /// True when `kurban_ait` is an estimate that the admin should confirm.
    #[serde(default)]
    pub kurban_ait_estimated: bool,
    /// Days moved by government decree: `work` (usually a Saturday) becomes a working day and
    /// `off` becomes a day off.
    #[serde(default, rename = "moved")]
    pub moved: Vec<Moved>,
    /// Other days off decided for this year.
    #[serde(default, rename = "extra_day_off")]
    pub extra_days_off: Vec<ExtraDayOff>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Moved {
    pub work: NaiveDate,
    pub off: NaiveDate,
    #[serde(default)]
    pub decree: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraDayOff {
    pub date: NaiveDate,
    pub name_kk: String,
    pub name_ru: String,
}

/// Errors of a calendar data file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("calendar file {file}: {message}")]
    File { file: String, message: String },
}

/// The working-day calendar.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    days_off: BTreeMap<NaiveDate, DayOff>,
    working_weekends: BTreeSet<NaiveDate>,
    /// Years for which days off were generated.
    years: BTreeSet<i32>,
    /// Kurban ait per year, as the year files give it (the rules cannot know it).
    kurban_ait: BTreeMap<i32, NaiveDate>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid fixed holiday")
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The state holidays of a year by the rules (without transfers), and the religious days.
pub fn rule_holidays(year: i32) -> Vec<(NaiveDate, Text, DayOffKind)> {
    let h = DayOffKind::Holiday;
    let mut v = vec![
        (d(year, 1, 1), Text::new("Жаңа жыл", "Новый год"), h),
        (d(year, 1, 2), Text::new("Жаңа жыл", "Новый год"), h),
        (
            d(year, 1, 7),
            Text::new("Православиелік Рождество", "Православное Рождество"),
            DayOffKind::Religious,
        ),
        (
            d(year, 3, 8),
            Text::new("Халықаралық әйелдер күні", "Международный женский день"),
            h,
        ),
        (
            d(year, 3, 21),
            Text::new("Наурыз мейрамы", "Наурыз мейрамы"),
            h,
        ),
        (
            d(year, 3, 22),
            Text::new("Наурыз мейрамы", "Наурыз мейрамы"),
            h,
        ),
        (
            d(year, 3, 23),
            Text::new("Наурыз мейрамы", "Наурыз мейрамы"),
            h,
        ),
        (
            d(year, 5, 1),
            Text::new(
                "Қазақстан халқының бірлігі мерекесі",
                "Праздник единства народа Казахстана",
            ),
            h,
        ),
        (d(year, 5, 9), Text::new("Жеңіс күні", "День Победы"), h),
        (d(year, 7, 6), Text::new("Астана күні", "День Столицы"), h),
        (
            d(year, 8, 30),
            Text::new("Конституция күні", "День Конституции"),
            h,
        ),
    ];
    if year >= 2013 {
        v.push((
            d(year, 5, 7),
            Text::new("Отан қорғаушы күні", "День защитника Отечества"),
            h,
        ));
    }
    if year >= 2022 {
        v.push((
            d(year, 10, 25),
            Text::new("Республика күні", "День Республики"),
            h,
        ));
    }
    if (2012..=2021).contains(&year) {
        v.push((
            d(year, 12, 1),
            Text::new("Тұңғыш Президент күні", "День Первого Президента"),
            h,
        ));
    }
    v.push((
        d(year, 12, 16),
        Text::new("Тәуелсіздік күні", "День Независимости"),
        h,
    ));
    if year < 2022 {
        v.push((
            d(year, 12, 17),
            Text::new("Тәуелсіздік күні", "День Независимости"),
            h,
        ));
    }
    v.sort_by_key(|x| x.0);
    v
}

/// The shipped year files (`assets/calendar/`), built into the program.
static FILES: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/assets/calendar");

/// The shipped year file of `year` as the program carries it (`None`: the rules alone).
pub fn builtin_year_file(year: i32) -> Option<&'static str> {
    FILES
        .get_file(format!("{year}.toml"))
        .and_then(|f| f.contents_utf8())
}

impl Calendar {
    /// The calendar of the shipped year files (`assets/calendar/`), for 2012–2030.
    pub fn builtin() -> Calendar {
        let mut files: Vec<(String, String)> = FILES
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
            .map(|f| {
                (
                    format!("assets/calendar/{}", f.path().display()),
                    f.contents_utf8().unwrap_or_default().to_string(),
                )
            })
            .collect();
        files.sort();
        let parsed: Vec<YearFile> = files
            .iter()
            .map(|(name, text)| parse_year_file(name, text))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("built-in calendar is broken: {e}"));
        Calendar::from_year_files(&parsed)
    }

    /// Builds the calendar for 2012–2030 from the rules plus the given year files; a year
    /// without a file gets the rules alone.
    pub fn from_year_files(files: &[YearFile]) -> Calendar {
        let mut cal = Calendar::default();
        for year in FIRST_YEAR..=LAST_YEAR {
            let file = files.iter().rev().find(|f| f.year == year);
            cal.add_year(year, file);
        }
        cal
    }

    fn add_year(&mut self, year: i32, file: Option<&YearFile>) {
        self.years.insert(year);
        let mut list = rule_holidays(year);
        if let Some(k) = file.and_then(|f| f.kurban_ait) {
            self.kurban_ait.insert(year, k);
            list.push((
                k,
                Text::new("Құрбан айт", "Курбан айт"),
                DayOffKind::Religious,
            ));
        }
        list.sort_by_key(|x| x.0);
        for (date, name, kind) in &list {
            self.days_off.entry(*date).or_insert(DayOff {
                date: *date,
                name: name.clone(),
                kind: *kind,
            });
        }
        // A state holiday on a weekend moves to the next working day that is not a day off.
        for (date, name, kind) in &list {
            if *kind != DayOffKind::Holiday || !is_weekend(*date) {
                continue;
            }
            let mut next = *date;
            loop {
                next = next + Days::new(1);
                if !is_weekend(next) && !self.days_off.contains_key(&next) {
                    break;
                }
            }
            self.days_off.insert(
                next,
                DayOff {
                    date: next,
                    name: Text::new(
                        format!("{} (ауыстырылған демалыс)", name.kk),
                        format!("{} (перенос выходного)", name.ru),
                    ),
                    kind: DayOffKind::Transfer,
                },
            );
        }
        if let Some(f) = file {
            for m in &f.moved {
                self.working_weekends.insert(m.work);
                self.days_off.remove(&m.work);
                self.days_off.insert(
                    m.off,
                    DayOff {
                        date: m.off,
                        name: Text::new(
                            "Үкімет қаулысымен ауыстырылған демалыс күні",
                            "Перенос выходного дня постановлением Правительства",
                        ),
                        kind: DayOffKind::Decree,
                    },
                );
            }
            for x in &f.extra_days_off {
                self.days_off.insert(
                    x.date,
                    DayOff {
                        date: x.date,
                        name: Text::new(x.name_kk.clone(), x.name_ru.clone()),
                        kind: DayOffKind::Decree,
                    },
                );
            }
        }
    }

    /// Replaces one year with the rules plus an edited year file (the admin's change).
    pub fn with_year(&self, file: &YearFile) -> Calendar {
        let mut cal = self.clone();
        cal.days_off.retain(|k, _| k.year() != file.year);
        cal.working_weekends.retain(|k| k.year() != file.year);
        cal.kurban_ait.remove(&file.year);
        cal.add_year(file.year, Some(file));
        cal
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.working_weekends.contains(&date) {
            return true;
        }
        if is_weekend(date) {
            return false;
        }
        if !self.days_off.contains_key(&date) {
            // A year outside the data still follows the fixed rules.
            if !self.years.contains(&date.year()) {
                return !rule_holidays(date.year())
                    .iter()
                    .any(|(h, _, _)| *h == date);
            }
            return true;
        }
        false
    }

    /// The days off of a year that are not ordinary weekends, in date order.
    pub fn holidays(&self, year: i32) -> Vec<DayOff> {
        self.days_off
            .range(d(year, 1, 1)..=d(year, 12, 31))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Kurban ait of that year, when its year file gives it.
    pub fn kurban_ait(&self, year: i32) -> Option<NaiveDate> {
        self.kurban_ait.get(&year).copied()
    }

    /// Saturdays and Sundays made working days by decree in that year.
    pub fn working_weekends(&self, year: i32) -> Vec<NaiveDate> {
        self.working_weekends
            .iter()
            .copied()
            .filter(|d| d.year() == year)
            .collect()
    }

    /// The `n`th working day after `from` (`n = 0` gives `from` itself if it is a working
    /// day, else the next working day).
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        if n == 0 {
            while !self.is_working_day(day) {
                day = day + Days::new(1);
            }
            return day;
        }
        let mut left = n;
        while left > 0 {
            day = day + Days::new(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The first and last year the calendar has data for.
    pub fn known_years(&self) -> (i32, i32) {
        (
            self.years.first().copied().unwrap_or(FIRST_YEAR),
            self.years.last().copied().unwrap_or(LAST_YEAR),
        )
    }

    /// Like [`Calendar::add_working_days`], but `None` when the date or the answer falls outside
    /// the years the calendar knows (beyond them its days off are guesses).
    pub fn try_add_working_days(&self, from: NaiveDate, n: u32) -> Option<NaiveDate> {
        let (first, last) = self.known_years();
        if from.year() < first || from.year() > last {
            return None;
        }
        let mut day = from;
        let mut left = n;
        loop {
            if n == 0 {
                if self.is_working_day(day) {
                    return Some(day);
                }
            } else if left == 0 {
                return Some(day);
            }
            day = day.checked_add_days(Days::new(1))?;
            if day.year() > last {
                return None;
            }
            if n > 0 && self.is_working_day(day) {
                left -= 1;
            }
        }
    }

    /// The first working day on or after `date`.
    pub fn next_working_day_from(&self, date: NaiveDate) -> NaiveDate {
        self.add_working_days(date, 0)
    }

    /// Working days in `(from, to]` when `to > from`, negative of the count in `(to, from]`
    /// when `to < from`, 0 when equal.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to == from {
            return 0;
        }
        let (a, b, sign) = if to > from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0i64;
        let mut day = a;
        while day < b {
            day = day + Days::new(1);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        sign * count
    }
}

/// Parses one year file, naming the file on error.
pub fn parse_year_file(name: &str, text: &str) -> Result<YearFile, CalendarError> {
    // Through `toml::Value`, so TOML dates reach chrono as text.
    let f: YearFile = toml::from_str::<toml::Value>(text)
        .map_err(|e| e.to_string())
        .and_then(|v| YearFile::deserialize(v).map_err(|e| e.to_string()))
        .map_err(|e| CalendarError::File {
            file: name.to_string(),
            message: e.trim().replace('\n', " "),
        })?;
    let err = |message: String| CalendarError::File {
        file: name.to_string(),
        message,
    };
    if !(1990..=2100).contains(&f.year) {
        return Err(err(format!("year {} is out of range", f.year)));
    }
    if let Some(k) = f.kurban_ait
        && k.year() != f.year
    {
        return Err(err(format!("kurban_ait {k} is not in {}", f.year)));
    }
    for m in &f.moved {
        if m.work.year() != f.year || m.off.year() != f.year {
            return Err(err(format!(
                "moved day {} / {} is not in {}",
                m.work, m.off, f.year
            )));
        }
        if !is_weekend(m.work) {
            return Err(err(format!(
                "moved.work {} is already a working day (it should be a Saturday or Sunday)",
                m.work
            )));
        }
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_year_files_travel_inside_the_program() {
        let text = super::builtin_year_file(2026).expect("2026 is shipped");
        let file = super::parse_year_file("2026.toml", text).unwrap();
        assert_eq!(file.year, 2026);
        assert!(super::builtin_year_file(1999).is_none());
    }

    use super::*;

    #[test]
    fn fixed_holidays_and_weekends() {
        let c = Calendar::builtin();
        assert!(!c.is_working_day(d(2026, 1, 1)));
        assert!(!c.is_working_day(d(2026, 3, 23)));
        assert!(c.is_working_day(d(2026, 11, 23))); // Monday
        assert!(!c.is_working_day(d(2026, 11, 22))); // Sunday
        assert!(!c.is_working_day(d(2026, 10, 25)) || d(2026, 10, 25).weekday() == Weekday::Sun);
    }

    #[test]
    fn republic_day_and_first_president_day_by_year() {
        let c = Calendar::builtin();
        // 25 Oct 2023 is a Wednesday: a holiday since 2022.
        assert!(!c.is_working_day(d(2023, 10, 25)));
        // 25 Oct 2017 was a Wednesday and a working day.
        assert!(c.is_working_day(d(2017, 10, 25)));
        // 1 Dec 2015 (Tuesday) was a holiday; 1 Dec 2022 (Thursday) is not.
        assert!(!c.is_working_day(d(2015, 12, 1)));
        assert!(c.is_working_day(d(2022, 12, 1)));
        // 17 Dec 2019 (Tuesday) off; 17 Dec 2024 (Tuesday) working.
        assert!(!c.is_working_day(d(2019, 12, 17)));
        assert!(c.is_working_day(d(2024, 12, 17)));
        // 7 May became a holiday in 2013: 7 May 2012 was a Monday and a working day.
        assert!(c.is_working_day(d(2012, 5, 7)));
        assert!(!c.is_working_day(d(2014, 5, 7)));
    }

    #[test]
    fn weekend_holidays_move_but_religious_days_do_not() {
        let c = Calendar::builtin();
        // 2022: 1–2 Jan Sat–Sun → 3 and 4 Jan off.
        assert!(!c.is_working_day(d(2022, 1, 3)));
        assert!(!c.is_working_day(d(2022, 1, 4)));
        assert!(c.is_working_day(d(2022, 1, 5)));
        // 7 Jan 2023 is a Saturday: not moved, so Monday 9 Jan 2023 is a working day.
        assert!(c.is_working_day(d(2023, 1, 9)));
        // 8 Mar 2020 was a Sunday → Monday 9 Mar off.
        assert!(!c.is_working_day(d(2020, 3, 9)));
        // Kurban ait 2024 was Sunday 16 June: not moved, Monday 17 June works.
        assert!(c.is_working_day(d(2024, 6, 17)));
        let ka = c
            .holidays(2024)
            .into_iter()
            .find(|h| h.date == d(2024, 6, 16))
            .unwrap();
        assert_eq!(ka.kind, DayOffKind::Religious);
    }

    #[test]
    fn decree_moves_from_the_year_file() {
        let c = Calendar::builtin();
        // 2022: Saturday 22 Oct worked, Monday 24 Oct off (research/standards.md §5).
        assert!(c.is_working_day(d(2022, 10, 22)));
        assert!(!c.is_working_day(d(2022, 10, 24)));
        // An admin edit replaces the year.
        let edited = c.with_year(&YearFile {
            year: 2022,
            kurban_ait: Some(d(2022, 7, 9)),
            ..Default::default()
        });
        assert!(!edited.is_working_day(d(2022, 10, 22)));
        assert!(edited.is_working_day(d(2022, 10, 24)));
        assert_eq!(edited.kurban_ait(2022), Some(d(2022, 7, 9)));
    }

    #[test]
    fn every_year_has_a_year_file_with_kurban_ait() {
        let c = Calendar::builtin();
        for year in FIRST_YEAR..=LAST_YEAR {
            let hs = c.holidays(year);
            let k = c.kurban_ait(year);
            assert!(k.is_some(), "no Kurban ait date for {year}");
            assert!(
                hs.iter()
                    .any(|h| h.name.ru == "Курбан айт" && Some(h.date) == k),
                "no Kurban ait in {year}"
            );
        }
    }

    #[test]
    fn working_day_arithmetic() {
        let c = Calendar::builtin();
        // Friday 20 Nov 2026 + 1 working day = Monday 23 Nov.
        assert_eq!(c.add_working_days(d(2026, 11, 20), 1), d(2026, 11, 23));
        assert_eq!(c.working_days_between(d(2026, 11, 20), d(2026, 11, 23)), 1);
        assert_eq!(c.working_days_between(d(2026, 11, 23), d(2026, 11, 20)), -1);
        // Before Nauryz 2026: Fri 20 Mar + 1 = Tue 24 Mar (21–23 off; 21 Sat and 22 Sun move).
        let next = c.add_working_days(d(2026, 3, 20), 1);
        assert!(next > d(2026, 3, 23), "{next}");
    }

    #[test]
    fn bad_year_files_are_reported_with_the_file() {
        let e = parse_year_file("2026.toml", "year = 2026\nkurban_ait = 2025-06-06\n").unwrap_err();
        assert!(e.to_string().contains("2026.toml"));
        let e = parse_year_file(
            "2026.toml",
            "year = 2026\n[[moved]]\nwork = 2026-11-23\noff = 2026-11-24\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("already a working day"), "{e}");
        assert!(parse_year_file("x.toml", "yaer = 1").is_err());
    }

    use proptest::prelude::*;
    proptest! {
        #[test]
        fn add_then_count_agree(start in 0u64..(365*18), n in 0u32..60) {
            let c = Calendar::builtin();
            let from = d(2012, 1, 1) + Days::new(start);
            let to = c.add_working_days(from, n);
            prop_assert!(c.is_working_day(to));
            if n > 0 {
                prop_assert_eq!(c.working_days_between(from, to), i64::from(n));
            }
        }
    }
}
