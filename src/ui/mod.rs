//! The clerk's window (iced 0.14). `app.rs` holds the top state and routing, `theme.rs` and
//! `widget/` the design system, `screen/` one module per screen. Screens never touch the
//! database: their `update` returns tasks that call `desk` off the window's thread.

pub mod app;
pub mod platform;
pub mod screen;
pub mod theme;
pub mod widget;

use std::sync::Arc;

use crate::desk::{DataDir, Desk, DeskError, Session};
use crate::domain::model::Lang;
use crate::i18n::{Arg, tr, tra};

/// What a screen needs to know about the logged-in user.
#[derive(Clone)]
pub struct Ctx {
    pub desk: Arc<Desk>,
    pub session: Session,
    pub lang: Lang,
    pub platform: platform::Platform,
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        tr(self.lang, key)
    }
    pub fn ta(&self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        tra(self.lang, key, args)
    }
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("user", &self.session.iin)
            .finish()
    }
}

/// A failure carried in a message: its text in both languages (the user may switch) and the
/// form field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kk: String,
    pub ru: String,
    pub field: Option<String>,
    pub key: String,
}

impl Failure {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
        }
    }
    /// The message when it belongs to `field`.
    pub fn for_field(&self, field: &str, lang: Lang) -> Option<&str> {
        (self.field.as_deref() == Some(field)).then(|| self.text(lang))
    }
    pub fn plain(key: &str) -> Failure {
        Failure {
            kk: tr(Lang::Kk, key),
            ru: tr(Lang::Ru, key),
            field: None,
            key: key.into(),
        }
    }
}

impl From<DeskError> for Failure {
    fn from(e: DeskError) -> Self {
        Failure {
            kk: e.message(Lang::Kk),
            ru: e.message(Lang::Ru),
            field: e.field(),
            key: e.key(),
        }
    }
}

/// Opens the window on a data directory. Returns the exit code.
pub fn run(dir: DataDir) -> i32 {
    let platform = platform::Platform::system(dir.root.join("print"));
    let result = iced::application(
        move || app::App::boot(dir.clone(), platform.clone()),
        app::App::update,
        app::App::view,
    )
    .title(app::App::title)
    .subscription(app::App::subscription)
    .theme(|_: &app::App| theme::theme())
    .font(theme::FONT_REGULAR)
    .font(theme::FONT_BOLD)
    .default_font(theme::FONT)
    .window_size((1366.0, 768.0))
    .run();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}
