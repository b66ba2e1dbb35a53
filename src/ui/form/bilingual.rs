//! Free text that lands on a paper printed in both languages: a box for the Kazakh text and a
//! box for the Russian one. The second is filled from the first only when the user presses the
//! copy button (names read the same in both; sentences must be translated).

use iced::widget::{column, row, text};
use iced::{Alignment, Element, Length};

use crate::ui::theme;
use crate::ui::widget as w;

/// The labels of a pair of boxes.
pub struct Labels {
    pub field: String,
    pub kk: String,
    pub ru: String,
    pub copy: String,
}

/// Two labelled boxes (kk, ru) with a copy button between them and the error under them;
/// `id` is the Kazakh box's id, the Russian box's is [`super::ru_id`] of it.
#[allow(clippy::too_many_arguments)]
pub fn pair<'a, M: Clone + 'a>(
    labels: Labels,
    id: &str,
    kk: &str,
    ru: &str,
    on_kk: impl Fn(String) -> M + 'a,
    on_ru: impl Fn(String) -> M + 'a,
    copy: M,
    error: Option<&str>,
) -> Element<'a, M> {
    let mut c = column![
        text(labels.field).size(theme::SMALL).color(theme::MUTED),
        row![
            text(labels.kk)
                .size(theme::SMALL)
                .width(Length::Fixed(36.0)),
            w::input("", kk, on_kk, error.is_some())
                .id(id.to_string())
                .width(Length::Fill),
        ]
        .spacing(theme::XS)
        .align_y(Alignment::Center),
        row![
            text(labels.ru)
                .size(theme::SMALL)
                .width(Length::Fixed(36.0)),
            w::input("", ru, on_ru, error.is_some())
                .id(super::ru_id(id))
                .width(Length::Fill),
            w::secondary(labels.copy, (!kk.trim().is_empty()).then_some(copy)),
        ]
        .spacing(theme::XS)
        .align_y(Alignment::Center),
    ]
    .spacing(theme::XS);
    if let Some(e) = error {
        c = c.push(text(e.to_string()).size(theme::SMALL).color(theme::DANGER));
    }
    c.width(Length::Fill).into()
}
