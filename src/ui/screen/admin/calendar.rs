//! The holiday calendar per year: the holidays the program knows, and the admin's edits of
//! a year (Kurban ait's date, days moved by decree). The year is read off the window's thread:
//! the office's saved edit, else the year file the program carries.

use iced::widget::{column, container, row, scrollable, text};
use iced::{Alignment, Element, Length, Task};

use super::{Done, Outcome, Reply, act};
use crate::domain::calendar::{Moved, YearFile};
use crate::i18n::Arg;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

#[derive(Debug)]
pub struct State {
    year: i32,
    kurban: String,
    moved_work: String,
    moved_off: String,
    /// The year being edited (`None` while it is read).
    year_file: Option<YearFile>,
    pub outcome: Outcome,
}

/// Calendar section events.
#[derive(Debug, Clone)]
pub enum Message {
    /// The year typed (a year from 2000 to 2100 is read).
    Year(String),
    /// A year's file was read: the office's edit, else the program's own.
    YearRead(YearFile),
    /// Kurban ait's date as typed.
    Kurban(String),
    /// The working day of a move (the day off moved to it).
    MovedWork(String),
    /// The day off of a move.
    MovedOff(String),
    /// Add the move typed.
    AddMoved,
    /// Remove the move at this place.
    RemoveMoved(usize),
    /// Save the year.
    SaveYear,
    /// A change ended.
    Done(Done, Result<(), Failure>),
}

impl State {
    /// This year's calendar, read in the task.
    pub fn new(ctx: &Ctx) -> (State, Task<Message>) {
        let s = State {
            year: chrono::Datelike::year(&ctx.desk.today()),
            kurban: String::new(),
            moved_work: String::new(),
            moved_off: String::new(),
            year_file: None,
            outcome: Outcome::default(),
        };
        let t = s.load(ctx);
        (s, t)
    }

    /// Reads the year on show.
    pub fn load(&self, ctx: &Ctx) -> Task<Message> {
        let (desk, sess, year) = (ctx.desk.clone(), ctx.session.clone(), self.year);
        Task::perform(
            blocking(move || {
                desk.calendar_year(&sess, year).unwrap_or(YearFile {
                    year,
                    ..Default::default()
                })
            }),
            Message::YearRead,
        )
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Reply<Message> {
        let date = |s: &str| crate::domain::fields::parse_date(s);
        let t = match m {
            Message::Year(y) => {
                if let Ok(y) = y.trim().parse::<i32>()
                    && (2000..=2100).contains(&y)
                {
                    self.year = y;
                    self.year_file = None;
                    return Reply::Run(self.load(ctx));
                }
                Task::none()
            }
            Message::YearRead(file) => {
                // A year typed meanwhile wins.
                if file.year == self.year {
                    let kurban = file
                        .kurban_ait
                        .or_else(|| ctx.desk.calendar().kurban_ait(self.year));
                    self.kurban = kurban.map(crate::i18n::date_short).unwrap_or_default();
                    self.year_file = Some(file);
                }
                Task::none()
            }
            Message::Kurban(k) => {
                self.kurban = k;
                Task::none()
            }
            Message::MovedWork(v) => {
                self.moved_work = v;
                Task::none()
            }
            Message::MovedOff(v) => {
                self.moved_off = v;
                Task::none()
            }
            Message::AddMoved => {
                if let (Some(wd), Some(off), Some(f)) = (
                    date(&self.moved_work),
                    date(&self.moved_off),
                    &mut self.year_file,
                ) {
                    f.moved.push(Moved {
                        work: wd,
                        off,
                        decree: String::new(),
                    });
                    self.moved_work.clear();
                    self.moved_off.clear();
                } else {
                    self.outcome.fail(Failure::plain("ui-bad-date"));
                }
                Task::none()
            }
            Message::RemoveMoved(i) => {
                if let Some(f) = &mut self.year_file
                    && i < f.moved.len()
                {
                    f.moved.remove(i);
                }
                Task::none()
            }
            Message::SaveYear => {
                let Some(mut f) = self.year_file.clone() else {
                    return Reply::none();
                };
                f.year = self.year;
                f.kurban_ait = date(&self.kurban);
                f.kurban_ait_estimated = false;
                act(
                    ctx,
                    Done::Calendar,
                    move |d, s| d.save_calendar_year(s, &f),
                    Message::Done,
                )
            }
            Message::Done(done, r) => {
                if self.outcome.finished(ctx, done, r) {
                    return Reply::Saved(done, self.load(ctx));
                }
                Task::none()
            }
        };
        Reply::Run(t)
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let mut days = column![].spacing(2);
        for h in ctx.desk.calendar().holidays(self.year) {
            days = days.push(
                row![
                    text(crate::i18n::date_short(h.date))
                        .size(theme::SMALL)
                        .width(Length::Fixed(90.0)),
                    text(h.name.get(l).to_string()).size(theme::SMALL),
                ]
                .spacing(theme::S),
            );
        }
        let mut moved = column![].spacing(theme::XS);
        if let Some(f) = &self.year_file {
            for (i, m) in f.moved.iter().enumerate() {
                moved = moved.push(
                    row![
                        text(ctx.ta(
                            "ui-moved-line",
                            &[
                                ("work", Arg::from(crate::i18n::date_short(m.work))),
                                ("off", Arg::from(crate::i18n::date_short(m.off)))
                            ]
                        ))
                        .size(theme::SMALL),
                        w::secondary("×".into(), Some(Message::RemoveMoved(i))),
                    ]
                    .spacing(theme::S)
                    .align_y(Alignment::Center),
                );
            }
        }
        row![
            w::card(
                column![
                    w::section(ctx.ta(
                        "ui-calendar-year",
                        &[("year", Arg::Num(i64::from(self.year)))]
                    )),
                    w::text_field(
                        ctx.t("ui-year"),
                        "adm-year",
                        &self.year.to_string(),
                        "2026",
                        Message::Year,
                        None,
                        None
                    ),
                    scrollable(days).height(Length::Fixed(380.0)),
                ]
                .spacing(theme::S)
            ),
            w::card(
                column![
                    w::section(ctx.t("ui-calendar-edit")),
                    w::text_field(
                        ctx.t("ui-kurban"),
                        "adm-kurban",
                        &self.kurban,
                        &ctx.t("ui-hint-date"),
                        Message::Kurban,
                        None,
                        None
                    ),
                    w::muted(ctx.t("ui-moved-hint")),
                    moved,
                    row![
                        w::text_field(
                            ctx.t("ui-moved-work"),
                            "adm-mw",
                            &self.moved_work,
                            &ctx.t("ui-hint-date"),
                            Message::MovedWork,
                            None,
                            None
                        ),
                        w::text_field(
                            ctx.t("ui-moved-off"),
                            "adm-mo",
                            &self.moved_off,
                            &ctx.t("ui-hint-date"),
                            Message::MovedOff,
                            Some(Message::AddMoved),
                            None
                        ),
                        container(w::secondary(ctx.t("ui-add"), Some(Message::AddMoved)))
                            .padding([20, 0]),
                    ]
                    .spacing(theme::S),
                    w::primary(ctx.t("ui-save"), Some(Message::SaveYear)),
                ]
                .spacing(theme::S)
            ),
        ]
        .spacing(theme::M)
        .into()
    }
}
