//! Reusable pieces of the window, built only from the design system in `theme.rs`.

pub mod paper;

use iced::widget::text::Wrapping;
use iced::widget::{
    Space, button, center, column, container, mouse_area, opaque, row, stack, text, text_input,
};
use iced::{Alignment, Color, Element, Length};

use super::theme;
use crate::domain::deadline::TimeLeft;
use crate::domain::model::{Lang, Status};
use crate::i18n::{Arg, tr, tra};

/// A labelled form field with its error under it.
pub fn field<'a, M: 'a>(
    label: String,
    input: Element<'a, M>,
    error: Option<&str>,
) -> Element<'a, M> {
    let mut c =
        column![text(label).size(theme::SMALL).color(theme::MUTED), input].spacing(theme::XS);
    if let Some(e) = error {
        c = c.push(text(e.to_string()).size(theme::SMALL).color(theme::DANGER));
    }
    c.width(Length::Fill).into()
}

/// A text input with the design system's style.
pub fn input<'a, M: Clone + 'a>(
    placeholder: &str,
    value: &str,
    on_input: impl Fn(String) -> M + 'a,
    has_error: bool,
) -> iced::widget::TextInput<'a, M> {
    text_input(placeholder, value)
        .on_input(on_input)
        .padding([6, 10])
        .size(theme::BODY)
        .style(theme::input(has_error))
}

/// A drop-down list in the design system's style (white like the inputs, not the theme's
/// grey).
pub fn pick<'a, T, L, V, M>(
    options: L,
    selected: Option<V>,
    on_selected: impl Fn(T) -> M + 'a,
) -> iced::widget::PickList<'a, T, L, V, M>
where
    T: ToString + PartialEq + Clone + 'a,
    L: std::borrow::Borrow<[T]> + 'a,
    V: std::borrow::Borrow<T> + 'a,
    M: Clone,
{
    iced::widget::pick_list(options, selected, on_selected)
        .style(theme::pick)
        .menu_style(theme::menu)
}

/// A labelled text input with an id (for focus) and an error.
#[allow(clippy::too_many_arguments)]
pub fn text_field<'a, M: Clone + 'a>(
    label: String,
    id: impl Into<iced::widget::Id>,
    value: &str,
    placeholder: &str,
    on_input: impl Fn(String) -> M + 'a,
    on_submit: Option<M>,
    error: Option<&str>,
) -> Element<'a, M> {
    let i = input(placeholder, value, on_input, error.is_some())
        .id(id)
        .on_submit_maybe(on_submit);
    field(label, i.into(), error)
}

pub fn title<'a, M: 'a>(s: String) -> Element<'a, M> {
    text(s).size(theme::H1).font(theme::BOLD).into()
}

pub fn section<'a, M: 'a>(s: String) -> Element<'a, M> {
    text(s)
        .size(theme::H3)
        .font(theme::BOLD)
        .color(theme::PRIMARY_DARK)
        .into()
}

pub fn muted<'a, M: 'a>(s: String) -> Element<'a, M> {
    text(s).size(theme::SMALL).color(theme::MUTED).into()
}

pub fn card<'a, M: 'a>(content: impl Into<Element<'a, M>>) -> Element<'a, M> {
    container(content)
        .padding(theme::L)
        .width(Length::Fill)
        .style(theme::card)
        .into()
}

/// A card of a fixed width, centred in the space it is given (login, dialogs on a page).
pub fn narrow_card<'a, M: 'a>(content: impl Into<Element<'a, M>>, width: f32) -> Element<'a, M> {
    center(
        container(content)
            .padding(theme::XL)
            .width(Length::Fixed(width))
            .style(theme::card),
    )
    .into()
}

/// A small coloured label; the colour always comes with words. It never wraps: a chip is
/// one line, and the tables give its column room for the longest one.
pub fn chip<'a, M: 'a>(label: String, color: Color) -> Element<'a, M> {
    container(
        text(label)
            .size(theme::SMALL)
            .font(theme::BOLD)
            .wrapping(Wrapping::None),
    )
    .padding([2, 8])
    .style(theme::chip(color))
    .into()
}

/// A status shown as a coloured label with its name.
pub fn status_chip<'a, M: 'a>(lang: Lang, s: Status) -> Element<'a, M> {
    chip(tr(lang, s.key()), theme::status_color(s))
}

/// A status as the akimat says it: once the akim signed the cover letter the application is
/// at the department ("signed, to issue" is the department's word for its result), until
/// the department's signed result comes back to be handed over.
pub fn status_chip_here<'a, M: 'a>(
    lang: Lang,
    s: Status,
    at_akimat: bool,
    result_back: bool,
) -> Element<'a, M> {
    match (at_akimat, s, result_back) {
        (true, Status::Signed, false) => chip(
            tr(lang, "status-akimat-at-department"),
            theme::status_color(Status::InWork),
        ),
        (true, Status::Signed, true) => chip(
            tr(lang, "status-akimat-result-back"),
            theme::status_color(s),
        ),
        _ => status_chip(lang, s),
    }
}

/// Time left as a coloured label: overdue, due today, days left.
pub fn due_chip<'a, M: 'a>(lang: Lang, t: TimeLeft) -> Element<'a, M> {
    let label = match t {
        TimeLeft::Overdue { working_days } if working_days > 0 => tra(
            lang,
            "ui-due-overdue-days",
            &[("n", Arg::Num(working_days))],
        ),
        TimeLeft::Overdue { .. } => tr(lang, "ui-due-overdue"),
        TimeLeft::Today => tr(lang, "ui-due-today"),
        TimeLeft::Days { working_days } => {
            tra(lang, "ui-due-days", &[("n", Arg::Num(working_days))])
        }
    };
    chip(label, theme::due_color(t))
}

/// A waiting time in words (`ui-age-minutes`, `ui-age-hours` or `ui-age-days`): the largest
/// unit and the one below it.
pub fn age(lang: Lang, minutes: i64) -> String {
    let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    if d > 0 {
        tra(
            lang,
            "ui-age-days",
            &[("d", Arg::Num(d)), ("h", Arg::Num(h))],
        )
    } else if h > 0 {
        tra(
            lang,
            "ui-age-hours",
            &[("h", Arg::Num(h)), ("m", Arg::Num(m))],
        )
    } else {
        tra(lang, "ui-age-minutes", &[("m", Arg::Num(m))])
    }
}

/// A button; disabled when `on_press` is `None`.
pub fn button_with<'a, M: Clone + 'a>(
    label: String,
    on_press: Option<M>,
    style: fn(&iced::Theme, button::Status) -> button::Style,
) -> Element<'a, M> {
    button(text(label).size(theme::BODY))
        .padding([7, 14])
        .style(style)
        .on_press_maybe(on_press)
        .into()
}

pub fn primary<'a, M: Clone + 'a>(label: String, on_press: Option<M>) -> Element<'a, M> {
    button_with(label, on_press, theme::primary)
}

pub fn secondary<'a, M: Clone + 'a>(label: String, on_press: Option<M>) -> Element<'a, M> {
    button_with(label, on_press, theme::secondary)
}

pub fn danger<'a, M: Clone + 'a>(label: String, on_press: Option<M>) -> Element<'a, M> {
    button_with(label, on_press, theme::danger)
}

/// An error panel.
pub fn error_banner<'a, M: 'a>(msg: &str) -> Element<'a, M> {
    notice(msg, theme::DANGER)
}

/// Under a screen's title: the last action's success notice, then its error, when there are.
pub fn with_outcome<'a, M: 'a>(
    mut page: iced::widget::Column<'a, M>,
    notice_text: Option<&str>,
    error: Option<&str>,
) -> iced::widget::Column<'a, M> {
    if let Some(n) = notice_text {
        page = page.push(notice(n, theme::SUCCESS));
    }
    if let Some(e) = error {
        page = page.push(error_banner(e));
    }
    page
}

/// A success or information panel.
pub fn notice<'a, M: 'a>(msg: &str, color: Color) -> Element<'a, M> {
    banner(text(msg.to_string()).size(theme::BODY), color)
}

/// A full-width panel in a state's colour around any content.
pub fn banner<'a, M: 'a>(content: impl Into<Element<'a, M>>, color: Color) -> Element<'a, M> {
    container(content)
        .padding(theme::M)
        .width(Length::Fill)
        .style(theme::banner(color))
        .into()
}

/// Label and value on one line.
pub fn pair<'a, M: 'a>(label: String, value: String) -> Element<'a, M> {
    row![
        text(label)
            .size(theme::SMALL)
            .color(theme::MUTED)
            .width(Length::FillPortion(2)),
        text(value).size(theme::BODY).width(Length::FillPortion(3)),
    ]
    .spacing(theme::S)
    .align_y(Alignment::Start)
    .into()
}

/// A dialog over the screen; clicking outside sends `on_blur`.
pub fn modal<'a, M: Clone + 'a>(
    base: Element<'a, M>,
    dialog: Element<'a, M>,
    on_blur: M,
) -> Element<'a, M> {
    stack![
        base,
        opaque(
            mouse_area(
                center(opaque(
                    container(dialog)
                        .width(Length::Fixed(560.0))
                        .padding(theme::XL)
                        .style(theme::card)
                ))
                .style(|_| container::Style {
                    background: Some(iced::Background::Color(Color {
                        a: 0.45,
                        ..Color::BLACK
                    })),
                    ..Default::default()
                })
            )
            .on_press(on_blur)
        )
    ]
    .into()
}

pub fn gap<'a, M: 'a>(h: f32) -> Element<'a, M> {
    Space::new().height(Length::Fixed(h)).into()
}

pub fn hfill<'a, M: 'a>() -> Element<'a, M> {
    Space::new().width(Length::Fill).into()
}
