//! The clerk's window (iced 0.14). `app.rs` holds the top state and routing, `theme.rs` and
//! `widget/` the design system, `screen/` one module per screen. Screens never touch the
//! database: their `update` returns tasks that call `desk` off the window's thread.

pub mod app;
pub mod desk_handle;
pub mod header;
pub mod keys;
pub mod platform;
pub mod scan;
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

/// What a screen before login (first run, its checklist, login) needs: the data directory,
/// the desk once there is one, the window's language and the platform's services.
#[derive(Clone)]
pub struct PreCtx {
    pub dir: DataDir,
    pub desk: Option<Arc<Desk>>,
    pub lang: Lang,
    pub platform: platform::Platform,
}

impl PreCtx {
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
    /// One message per form field when a form was refused, shown next to each field.
    pub fields: Vec<FieldMessage>,
}

/// What is wrong with one field, in both languages (without the field's name: it stands
/// next to its label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMessage {
    /// The field's path: `reason`, `period_from`, `family[1].name`.
    pub path: String,
    pub kk: String,
    pub ru: String,
}

impl FieldMessage {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Kk => &self.kk,
            Lang::Ru => &self.ru,
        }
    }
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
        if let Some(m) = self.fields.iter().find(|m| m.path == field) {
            return Some(m.text(lang));
        }
        (self.field.as_deref() == Some(field)).then(|| self.text(lang))
    }
    pub fn plain(key: &str) -> Failure {
        Failure {
            kk: tr(Lang::Kk, key),
            ru: tr(Lang::Ru, key),
            field: None,
            key: key.into(),
            fields: Vec::new(),
        }
    }
    /// A failure whose message names one thing (a file, a printer).
    pub fn with_arg(key: &str, name: &str, value: &str) -> Failure {
        Failure {
            kk: tra(Lang::Kk, key, &[(name, Arg::from(value))]),
            ru: tra(Lang::Ru, key, &[(name, Arg::from(value))]),
            field: None,
            key: key.into(),
            fields: Vec::new(),
        }
    }
    /// A failure whose cause comes from outside in its own words (the printer, a file):
    /// the sentence is the user's language, the detail is kept as it came.
    pub fn detail(key: &str, detail: &str) -> Failure {
        Failure {
            kk: tra(Lang::Kk, key, &[("detail", Arg::from(detail))]),
            ru: tra(Lang::Ru, key, &[("detail", Arg::from(detail))]),
            field: None,
            key: key.into(),
            fields: Vec::new(),
        }
    }
}

/// Drops the messages of the fields the user just changed: an error goes when its field is
/// fixed, the others stay until theirs are. A message that names no field stays.
pub fn clear_field_errors(error: &mut Option<Failure>, paths: &[&str]) {
    if let Some(e) = error {
        let had = !e.fields.is_empty() || e.field.is_some();
        let hit = |p: &str| {
            paths
                .iter()
                .any(|x| p == *x || p.starts_with(&format!("{x}[")))
        };
        e.fields.retain(|m| !hit(&m.path));
        if e.field.as_deref().is_some_and(hit) {
            e.field = None;
        }
        if had && e.fields.is_empty() && e.field.is_none() {
            *error = None;
        }
    }
}

/// The messages of a table field's cells: "row 2, Name: required", joined.
pub fn table_errors(
    e: &Failure,
    f: &crate::domain::catalog::FieldSpec,
    lang: Lang,
) -> Option<String> {
    let mut out = Vec::new();
    for m in &e.fields {
        let Some(rest) = m.path.strip_prefix(f.key.as_str()) else {
            continue;
        };
        if rest.is_empty() {
            out.push(m.text(lang).to_string());
            continue;
        }
        let Some(cell) = rest.strip_prefix('[') else {
            continue;
        };
        let (row, col) = cell.split_once(']').unwrap_or((cell, ""));
        let row: i64 = row.parse::<i64>().map(|r| r + 1).unwrap_or(0);
        let col = col.trim_start_matches('.');
        let col_label = f
            .columns
            .iter()
            .find(|c| c.key == col)
            .map(|c| c.label.get(lang).to_string())
            .unwrap_or_default();
        let place = tra(lang, "ui-row-n", &[("n", Arg::Num(row))]);
        out.push(if col_label.is_empty() {
            format!("{place}: {}", m.text(lang))
        } else {
            format!("{place}, {col_label}: {}", m.text(lang))
        });
    }
    if !out.is_empty() {
        return Some(out.join("; "));
    }
    // A refusal that names the table (or one of its cells) as a whole.
    e.field
        .as_deref()
        .filter(|p| *p == f.key || p.starts_with(&format!("{}[", f.key)))
        .map(|_| e.text(lang).to_string())
}

impl From<DeskError> for Failure {
    fn from(e: DeskError) -> Self {
        // A refused form: each field gets its own message next to it, and the banner says
        // where to look (the desk's one-line list names fields by their internal paths).
        fn field_messages(list: &[crate::domain::fields::FieldError]) -> Vec<FieldMessage> {
            list.iter()
                .map(|f| {
                    let problem = |l: Lang| crate::desk::error::field_problem(l, &f.problem);
                    FieldMessage {
                        path: f.path.clone(),
                        kk: problem(Lang::Kk),
                        ru: problem(Lang::Ru),
                    }
                })
                .collect()
        }
        let fields: Vec<FieldMessage> = match &e {
            DeskError::Fields(list) => field_messages(list),
            // Several problems at once: each at its field, in its own words.
            DeskError::Many(list) => list
                .iter()
                .flat_map(|e| match e {
                    DeskError::Fields(l) => field_messages(l),
                    other => other
                        .field()
                        .map(|path| FieldMessage {
                            path,
                            kk: other.message(Lang::Kk),
                            ru: other.message(Lang::Ru),
                        })
                        .into_iter()
                        .collect(),
                })
                .collect(),
            _ => Vec::new(),
        };
        let (kk, ru) = if fields.is_empty() {
            (e.message(Lang::Kk), e.message(Lang::Ru))
        } else {
            (tr(Lang::Kk, "ui-fix-fields"), tr(Lang::Ru, "ui-fix-fields"))
        };
        Failure {
            kk,
            ru,
            field: e.field(),
            key: e.key(),
            fields,
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
