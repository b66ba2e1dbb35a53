//! The header line of the window: the office, the navigation a user's rights open, the
//! gateway's status (a click opens the message view), the language switch and logout; and the
//! banner under it while the office server is out of reach.

use chrono::{DateTime, Utc};
use iced::widget::{button, column, container, row, text};
use iced::{Alignment, Element, Length};

use super::app::{Message, Nav};
use super::theme;
use super::widget as w;
use crate::desk::Session;
use crate::domain::model::Lang;
use crate::domain::policy::Permission;
use crate::i18n::{Arg, tr, tra};

/// The gateway line of the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayLine {
    pub configured: bool,
    pub online: bool,
    pub pending: i64,
    pub failed: i64,
    /// How long the oldest undelivered message has been waiting, in minutes.
    pub oldest_age_minutes: Option<i64>,
    pub last_contact: Option<String>,
    pub last_error: Option<String>,
    /// Another program or PC of the office is exchanging now.
    pub elsewhere: bool,
}

/// What the header shows.
pub struct Header<'a> {
    pub lang: Lang,
    /// The office's name in the window's language (empty before there is an office).
    pub office: String,
    pub session: Option<&'a Session>,
    /// The navigation item of the screen on show.
    pub active: Option<Nav>,
    pub gateway: &'a GatewayLine,
}

/// Who sees the per-message gateway view (and may retry a failed message).
pub fn may_see_gateway(s: &Session) -> bool {
    s.may(Permission::Gateway)
}

/// Who opens administration: anyone holding one of its sections.
pub fn may_administer(s: &Session) -> bool {
    super::screen::admin::Section::ALL
        .iter()
        .any(|x| s.may(x.permission()))
}

/// The navigation items a user gets, with their keys, in order.
pub fn nav_items(s: &Session) -> Vec<(Nav, &'static str)> {
    let mut items: Vec<(Nav, &'static str)> = Vec::new();
    if s.may(Permission::Queues) {
        items.push((Nav::Queues, "ui-nav-queues"));
    }
    if s.may(Permission::Intake) {
        items.push((Nav::NewApplication, "ui-nav-new"));
    }
    if s.may(Permission::Reports) {
        items.push((Nav::Head, "ui-nav-head"));
    }
    if may_administer(s) {
        items.push((Nav::Admin, "ui-nav-admin"));
    }
    if may_see_gateway(s) {
        items.push((Nav::Gateway, "ui-nav-gateway"));
    }
    items.push((Nav::Verify, "ui-nav-verify"));
    items
}

/// The line under the header while the office server is out of reach (`local`: since when,
/// in office time).
pub fn server_banner<'a>(lang: Lang, local: DateTime<Utc>) -> Element<'a, Message> {
    w::banner(
        text(tra(
            lang,
            "ui-server-away",
            &[("since", Arg::from(local.format("%H:%M").to_string()))],
        ))
        .size(theme::BODY)
        .color(iced::Color::WHITE),
        theme::DANGER,
    )
}

/// The header.
pub fn view<'a>(h: Header<'a>) -> Element<'a, Message> {
    let l = h.lang;
    let mut nav = row![].spacing(theme::XS).align_y(Alignment::Center);
    if let Some(s) = h.session {
        for (n, key) in nav_items(s) {
            let is = h.active.as_ref() == Some(&n);
            nav = nav.push(
                button(text(tr(l, key)).size(theme::BODY))
                    .padding([6, 12])
                    .style(theme::nav(is))
                    .on_press(Message::Nav(n)),
            );
        }
        nav = nav.push(w::hfill());
        nav = nav.push(gateway_line(&h));
    }
    let lang_button = |lang: Lang| {
        button(text(crate::i18n::lang_name(lang)).size(theme::SMALL))
            .padding([4, 8])
            .style(theme::nav(l == lang))
            .on_press(Message::SetLang(lang))
    };
    let mut right = row![lang_button(Lang::Kk), lang_button(Lang::Ru),]
        .spacing(theme::S)
        .align_y(Alignment::Center);
    if let Some(s) = h.session {
        right = right.push(text(s.full_name.clone()).size(theme::SMALL));
        right = right.push(
            button(text(tr(l, "ui-logout")).size(theme::SMALL))
                .padding([4, 10])
                .style(theme::nav(false))
                .on_press(Message::Logout),
        );
    }
    container(
        column![
            row![
                text(tr(l, "ui-app-title"))
                    .size(theme::H2)
                    .font(theme::BOLD),
                text(h.office.clone()).size(theme::SMALL),
                w::hfill(),
                right,
            ]
            .spacing(theme::M)
            .align_y(Alignment::Center),
            nav,
        ]
        .spacing(theme::S),
    )
    .padding([theme::S, theme::L])
    .width(Length::Fill)
    .style(theme::header_bar)
    .into()
}

/// The gateway in the header: online or not, what waits and for how long, the last
/// contact, failures and the last error; a click opens the message view.
fn gateway_line<'a>(h: &Header<'a>) -> Element<'a, Message> {
    let l = h.lang;
    let g = h.gateway;
    let mut parts: Vec<String> = Vec::new();
    if !g.configured {
        parts.push(tr(l, "ui-gw-none"));
    } else {
        parts.push(tr(
            l,
            if g.online {
                "ui-gw-online"
            } else {
                "ui-gw-offline"
            },
        ));
    }
    if g.elsewhere {
        parts.push(tr(l, "ui-gw-elsewhere"));
    }
    if g.configured || g.pending > 0 {
        parts.push(tra(l, "ui-gw-pending", &[("n", Arg::Num(g.pending))]));
    }
    if let Some(m) = g.oldest_age_minutes {
        parts.push(tra(l, "ui-gw-oldest", &[("age", Arg::from(w::age(l, m)))]));
    }
    if let Some(c) = &g.last_contact {
        parts.push(format!("{} {c}", tr(l, "ui-gw-last")));
    }
    if g.failed > 0 {
        parts.push(tra(l, "ui-gw-failed", &[("n", Arg::Num(g.failed))]));
    }
    let mut lines = column![text(parts.join(" · ")).size(theme::SMALL)];
    if let Some(e) = &g.last_error {
        let short: String = e.chars().take(70).collect();
        let short = if short.len() < e.len() {
            format!("{short}…")
        } else {
            short
        };
        lines = lines.push(
            text(tra(l, "ui-gw-last-error", &[("error", Arg::from(short))]))
                .size(theme::SMALL)
                .color(theme::ERROR_ON_DARK),
        );
    }
    let status: Element<'a, Message> = match h.session {
        Some(s) if may_see_gateway(s) => button(lines)
            .padding([3, 8])
            .style(theme::nav(h.active == Some(Nav::Gateway)))
            .on_press(Message::Nav(Nav::Gateway))
            .into(),
        _ => container(lines).padding([3, 8]).into(),
    };
    let mut r = row![status].spacing(theme::XS).align_y(Alignment::Center);
    if g.configured && h.session.is_some() {
        r = r.push(
            button(text(tr(l, "ui-gw-sync-now")).size(theme::SMALL))
                .padding([3, 8])
                .style(theme::nav(false))
                .on_press(Message::SyncNow),
        );
    }
    r.into()
}
