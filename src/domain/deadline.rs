//! Statutory deadlines: the due date of an application from its service term, channel and
//! acceptance moment, the time left in working days, and extensions.
//!
//! Rules:
//! - working days: the term counts working days after the day of acceptance (or from it, where
//!   the regulation counts it); the due date is the last of them;
//! - calendar days: the due date is the acceptance date plus the term; a due date on a day off
//!   moves to the next working day;
//! - minutes: the due moment is the acceptance moment plus the term;
//! - where the day of issue is not counted (seed 001, service 1) the result is handed over on
//!   the next working day after the term, so that day is the due date.

use chrono::{Days, Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::catalog::{Extension, Term, TermUnit};

/// When an application must be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// The last day (office local date).
    pub date: NaiveDate,
    /// For terms in minutes, the exact local moment.
    pub at: Option<NaiveDateTime>,
}

/// Time left, as queues show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TimeLeft {
    /// Working days left after today.
    Days { working_days: i64 },
    /// Due today (or a minutes-term not yet run out).
    Today,
    /// Past due by this many working days (at least 1; a minutes-term past its moment counts 0).
    Overdue { working_days: i64 },
}

/// The due date for a term, counted from a local acceptance moment.
pub fn due(cal: &Calendar, term: Term, accepted: NaiveDateTime) -> Due {
    let day = accepted.date();
    let mut due = match term.unit {
        TermUnit::WorkingDays => {
            let date = if term.acceptance_day_counted && cal.is_working_day(day) {
                cal.add_working_days(day, term.value.saturating_sub(1))
                    .max(day)
            } else {
                cal.add_working_days(day, term.value)
            };
            Due { date, at: None }
        }
        TermUnit::CalendarDays => {
            let n = if term.acceptance_day_counted {
                term.value.saturating_sub(1)
            } else {
                term.value
            };
            let end = day + Days::new(u64::from(n));
            Due {
                date: cal.next_working_day_from(end),
                at: None,
            }
        }
        TermUnit::Minutes => {
            let at = accepted + Duration::minutes(i64::from(term.value));
            Due {
                date: at.date(),
                at: Some(at),
            }
        }
    };
    if !term.issue_day_counted && term.unit != TermUnit::Minutes {
        due.date = cal.add_working_days(due.date, 1);
    }
    due
}

/// The due date after an extension of `ext` from the current due date.
pub fn extend(cal: &Calendar, current: Due, ext: Extension) -> Due {
    match ext.unit {
        TermUnit::WorkingDays => Due {
            date: cal.add_working_days(current.date, ext.value),
            at: None,
        },
        TermUnit::CalendarDays => Due {
            date: cal.next_working_day_from(current.date + Days::new(u64::from(ext.value))),
            at: None,
        },
        TermUnit::Minutes => {
            let base = current
                .at
                .unwrap_or_else(|| current.date.and_hms_opt(18, 0, 0).expect("valid time"));
            let at = base + Duration::minutes(i64::from(ext.value));
            Due {
                date: at.date(),
                at: Some(at),
            }
        }
    }
}

/// The working day by which the applicant must be told of an extension.
pub fn extension_notice_by(
    cal: &Calendar,
    decided: NaiveDate,
    ext: Extension,
) -> Option<NaiveDate> {
    ext.notice_within_working_days
        .map(|n| cal.add_working_days(decided, n))
}

/// Time left at local moment `now`.
pub fn time_left(cal: &Calendar, due: Due, now: NaiveDateTime) -> TimeLeft {
    if let Some(at) = due.at {
        if now > at {
            let days = cal.working_days_between(at.date(), now.date());
            return TimeLeft::Overdue {
                working_days: days.max(0),
            };
        }
        if at.date() == now.date() {
            return TimeLeft::Today;
        }
    }
    let today = now.date();
    match cal.working_days_between(today, due.date) {
        0 => {
            if due.date == today {
                TimeLeft::Today
            } else if due.date > today {
                // Only days off between today and the due date: it is due on the next
                // working day, so nothing more can be done before it.
                TimeLeft::Days { working_days: 0 }
            } else {
                TimeLeft::Overdue { working_days: 1 }
            }
        }
        n if n > 0 => TimeLeft::Days { working_days: n },
        n => TimeLeft::Overdue { working_days: -n },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn at(y: i32, m: u32, day: u32, h: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, 0, 0).unwrap()
    }
    fn wd(value: u32) -> Term {
        Term {
            value,
            unit: TermUnit::WorkingDays,
            acceptance_day_counted: false,
            issue_day_counted: true,
        }
    }

    #[test]
    fn unemployed_certificate_three_working_days_without_acceptance_and_issue_day() {
        let cal = Calendar::builtin();
        // Accepted Monday 16 Nov 2026: Tue, Wed, Thu are the term, issue on Friday 20 Nov.
        let term = Term {
            issue_day_counted: false,
            ..wd(3)
        };
        assert_eq!(due(&cal, term, at(2026, 11, 16, 10)).date, d(2026, 11, 20));
    }

    #[test]
    fn working_days_skip_holidays() {
        let cal = Calendar::builtin();
        // Accepted Thu 12 Mar 2026, 10 working days: Nauryz 21–25 Mar is skipped.
        let due = due(&cal, wd(10), at(2026, 3, 12, 9)).date;
        assert_eq!(cal.working_days_between(d(2026, 3, 12), due), 10);
        assert!(due >= d(2026, 3, 30), "{due}");
    }

    #[test]
    fn calendar_days_end_on_a_working_day() {
        let cal = Calendar::builtin();
        let term = Term {
            value: 10,
            unit: TermUnit::CalendarDays,
            acceptance_day_counted: false,
            issue_day_counted: true,
        };
        // Accepted Thu 12 Nov 2026 + 10 = Sun 22 Nov → Mon 23 Nov.
        assert_eq!(due(&cal, term, at(2026, 11, 12, 9)).date, d(2026, 11, 23));
        // Accepted Mon 9 Nov + 10 = Thu 19 Nov (a working day) stays.
        assert_eq!(due(&cal, term, at(2026, 11, 9, 9)).date, d(2026, 11, 19));
    }

    #[test]
    fn minutes_terms_are_moments() {
        let cal = Calendar::builtin();
        let term = Term {
            value: 15,
            unit: TermUnit::Minutes,
            acceptance_day_counted: true,
            issue_day_counted: true,
        };
        let due = due(&cal, term, at(2026, 11, 20, 10));
        assert_eq!(due.at, Some(at(2026, 11, 20, 10) + Duration::minutes(15)));
        assert_eq!(time_left(&cal, due, at(2026, 11, 20, 10)), TimeLeft::Today);
        assert_eq!(
            time_left(&cal, due, at(2026, 11, 20, 11)),
            TimeLeft::Overdue { working_days: 0 }
        );
    }

    #[test]
    fn time_left_and_overdue() {
        let cal = Calendar::builtin();
        let due = Due {
            date: d(2026, 11, 25),
            at: None,
        };
        assert_eq!(
            time_left(&cal, due, at(2026, 11, 20, 9)),
            TimeLeft::Days { working_days: 3 }
        );
        assert_eq!(time_left(&cal, due, at(2026, 11, 25, 9)), TimeLeft::Today);
        assert_eq!(
            time_left(&cal, due, at(2026, 11, 27, 9)),
            TimeLeft::Overdue { working_days: 2 }
        );
    }

    #[test]
    fn asp_extension_adds_thirty_calendar_days_with_notice() {
        let cal = Calendar::builtin();
        let ext = Extension {
            value: 30,
            unit: TermUnit::CalendarDays,
            notice_within_working_days: Some(2),
        };
        let before = Due {
            date: d(2026, 11, 20),
            at: None,
        };
        let after = extend(&cal, before, ext);
        // 20 Nov + 30 = Sun 20 Dec → Mon 21 Dec.
        assert_eq!(after.date, d(2026, 12, 21));
        assert_eq!(
            extension_notice_by(&cal, d(2026, 11, 20), ext),
            Some(d(2026, 11, 24))
        );
    }

    proptest! {
        #[test]
        fn due_is_a_working_day_after_acceptance(start in 0u64..(365*18), value in 1u32..40, unit in 0u8..2, counted in any::<bool>(), issue in any::<bool>()) {
            let cal = Calendar::builtin();
            let accepted = (d(2012, 1, 1) + Days::new(start)).and_hms_opt(11, 0, 0).unwrap();
            let term = Term {
                value,
                unit: if unit == 0 { TermUnit::WorkingDays } else { TermUnit::CalendarDays },
                acceptance_day_counted: counted,
                issue_day_counted: issue,
            };
            let due = due(&cal, term, accepted);
            prop_assert!(cal.is_working_day(due.date));
            prop_assert!(due.date >= accepted.date());
            if term.unit == TermUnit::WorkingDays && !counted {
                let extra = if issue { 0 } else { 1 };
                prop_assert_eq!(cal.working_days_between(accepted.date(), due.date), i64::from(value + extra));
            }
            if term.unit == TermUnit::CalendarDays {
                prop_assert!(due.date >= accepted.date() + Days::new(u64::from(value.saturating_sub(1))));
            }
        }

        #[test]
        fn a_longer_term_is_never_due_earlier(start in 0u64..(365*18), value in 1u32..40) {
            let cal = Calendar::builtin();
            let accepted = (d(2012, 1, 1) + Days::new(start)).and_hms_opt(11, 0, 0).unwrap();
            let a = due(&cal, wd(value), accepted).date;
            let b = due(&cal, wd(value + 1), accepted).date;
            prop_assert!(b > a);
        }
    }
}
