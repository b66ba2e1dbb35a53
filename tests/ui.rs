//! The clerk's window as a clerk uses it: iced_test Simulator tests that type and click through
//! the screens in Kazakh and in Russian (login → intake with a scan → assign → decide → sign →
//! issue), a refused login and a refused intake, a motivated refusal, a draft returned to the
//! executor, the buttons a role does not get, a wrong PIN, the keyboard and the idle lock.
//! Every step checks what the user sees on screen and what the database holds.
//! The main screens are compared with the snapshot baselines in `tests/snapshots/`.
//!
//! Run with `ICED_TEST_BACKEND=tiny-skia` (the pictures are rendered on the CPU). A missing
//! baseline fails the test; `MIO_UPDATE_SNAPSHOTS=1` writes new ones.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use futures::StreamExt;
use iced::keyboard::key::Named;
use iced::mouse;
use iced::{Event, Point, Size, Task};
use iced_test::Simulator;
use iced_test::selector::{self, Candidate};
use mio_desk::desk::{Desk, ManualClock, Session};
use mio_desk::domain::model::{Lang, Status};
use mio_desk::ui::app::{App, Message};
use mio_desk::ui::platform::{Fake, Platform};
use mio_desk::ui::theme;

/// A test run once in Kazakh and once in Russian.
macro_rules! in_both_languages {
    ($run:ident, $kazakh:ident, $russian:ident) => {
        #[test]
        fn $kazakh() {
            $run(Lang::Kk);
        }

        #[test]
        fn $russian() {
            $run(Lang::Ru);
        }
    };
}

/// The window of an office PC.
const WINDOW: Size = Size::new(1366.0, 768.0);
/// Taller than the window, so whole forms are on screen while clicking through them.
const TALL: Size = Size::new(1366.0, 1800.0);

pub const PASSWORD: &str = "Secret2026";

/// Simulator settings: the window's own fonts, loaded once into the shared font system.
fn settings() -> iced::Settings {
    static FONTS: OnceLock<()> = OnceLock::new();
    FONTS.get_or_init(|| {
        let _ = Simulator::<(), iced::Theme, iced::Renderer>::with_settings(
            iced::Settings {
                fonts: vec![theme::FONT_REGULAR.into(), theme::FONT_BOLD.into()],
                default_font: theme::FONT,
                ..Default::default()
            },
            iced::widget::text(""),
        );
    });
    iced::Settings {
        default_font: theme::FONT,
        ..Default::default()
    }
}

/// A window, driven like a user drives it: the runtime its tasks run on and the size it is
/// drawn at.
struct Win {
    rt: tokio::runtime::Runtime,
    app: App,
    size: Size,
    /// The widgets' own state (scroll offsets, focus) as the window's widget operations left
    /// it; the simulator starts from a fresh state each time, this one is kept.
    widgets: Option<iced_runtime::user_interface::Cache>,
}

/// Looks for a text and whether it is inside the visible part of every scrollable around it
/// (as `iced_selector` reckons visible bounds).
struct Visible {
    text: String,
    stack: Vec<(iced::Rectangle, iced::Vector)>,
    viewport: iced::Rectangle,
    translation: iced::Vector,
    /// `Some(visible)` once the text is found.
    seen: Option<bool>,
}

impl iced::advanced::widget::Operation for Visible {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn iced::advanced::widget::Operation)) {
        if self.seen.is_some() {
            return;
        }
        self.stack.push((self.viewport, self.translation));
        operate(self);
        let _ = self.stack.pop();
        let (viewport, translation) = *self.stack.last().unwrap();
        self.viewport = viewport;
        self.translation = translation;
    }

    fn scrollable(
        &mut self,
        _id: Option<&iced::widget::Id>,
        bounds: iced::Rectangle,
        _content_bounds: iced::Rectangle,
        translation: iced::Vector,
        _state: &mut dyn iced::advanced::widget::operation::Scrollable,
    ) {
        let visible = self.viewport.intersection(&(bounds + self.translation));
        self.translation -= translation;
        self.viewport = visible.unwrap_or_default();
    }

    fn text(&mut self, _id: Option<&iced::widget::Id>, bounds: iced::Rectangle, text: &str) {
        if self.seen.is_none() && text == self.text {
            let on = bounds + self.translation;
            if std::env::var("MIO_DEBUG_VISIBLE").is_ok() {
                eprintln!("{text:?} at {on:?} in {:?}", self.viewport);
            }
            self.seen = Some(
                self.viewport
                    .intersection(&on)
                    .is_some_and(|v| v.height >= on.height - 0.5),
            );
        }
    }
}

/// One office and one window on it, driven like a user drives it.
struct Ui {
    win: Win,
    desk: Arc<Desk>,
    clock: Arc<ManualClock>,
    fake: Fake,
    admin: Session,
    registrar: Session,
    head: Session,
    executor: Session,
    /// The head's key file.
    key: Vec<u8>,
    dir: tempfile::TempDir,
}

impl std::ops::Deref for Ui {
    type Target = Win;
    fn deref(&self) -> &Win {
        &self.win
    }
}

impl std::ops::DerefMut for Ui {
    fn deref_mut(&mut self) -> &mut Win {
        &mut self.win
    }
}

impl Win {
    /// A window on `app`, with the tasks its start returned run to the end.
    fn new(app: App, task: Task<Message>) -> Win {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut win = Win {
            rt,
            app,
            size: TALL,
            widgets: None,
        };
        win.run(task);
        win
    }

    /// Sends a message to the window and runs every task it returns, to the end.
    fn send(&mut self, m: Message) {
        // As in the window, `update` runs inside the executor's context.
        let t = {
            let _in = self.rt.enter();
            self.app.update(m)
        };
        self.run(t);
    }

    fn run(&mut self, t: Task<Message>) {
        let Some(mut stream) = iced_runtime::task::into_stream(t) else {
            return;
        };
        let mut outputs = Vec::new();
        while let Some(a) = self.rt.block_on(stream.next()) {
            match a {
                iced_runtime::Action::Output(m) => outputs.push(m),
                // Focus and scrolling act on the window's widgets at once, as in the window.
                iced_runtime::Action::Widget(op) => self.operate(op),
                _ => {}
            }
        }
        for m in outputs {
            self.send(m);
        }
    }

    /// The window's widgets as they are drawn now, with the state they keep.
    fn widgets<R>(
        &mut self,
        f: impl FnOnce(
            &mut iced_runtime::UserInterface<'_, Message, iced::Theme, iced::Renderer>,
            &iced::Renderer,
        ) -> R,
    ) -> R {
        use iced::advanced::renderer::Headless;
        settings();
        let backend = std::env::var("ICED_TEST_BACKEND").ok();
        let mut renderer = self
            .rt
            .block_on(<iced::Renderer as Headless>::new(
                theme::FONT,
                iced::Settings::default().default_text_size,
                backend.as_deref(),
            ))
            .expect("a headless renderer");
        let cache = self.widgets.take().unwrap_or_default();
        let mut ui =
            iced_runtime::UserInterface::build(self.app.view(), self.size, cache, &mut renderer);
        let r = f(&mut ui, &renderer);
        self.widgets = Some(ui.into_cache());
        r
    }

    /// Runs a widget operation (and the ones it chains) on the window's widgets.
    fn operate(&mut self, mut op: Box<dyn iced::advanced::widget::Operation>) {
        // (Also the user's own scrolling, in a test.)
        use iced::advanced::widget::operation::Outcome;
        self.widgets(|ui, renderer| {
            loop {
                ui.operate(renderer, op.as_mut());
                match op.finish() {
                    Outcome::Chain(next) => op = next,
                    _ => break,
                }
            }
        });
    }

    /// Whether `text` is drawn inside the window, scrolled as its widgets are now.
    fn on_screen(&mut self, text: &str) -> bool {
        let window = iced::Rectangle::with_size(self.size);
        let mut look = Visible {
            text: text.to_string(),
            stack: vec![(window, iced::Vector::ZERO)],
            viewport: window,
            translation: iced::Vector::ZERO,
            seen: None,
        };
        self.widgets(|ui, renderer| ui.operate(renderer, &mut look));
        look.seen
            .unwrap_or_else(|| panic!("{text:?} is not in the window at all"))
    }

    /// Renders the window, lets `f` act on it, then delivers what the user's actions produced.
    fn with<R>(&mut self, f: impl FnOnce(&mut Simulator<'_, Message>) -> R) -> R {
        let (r, messages) = {
            let mut sim = Simulator::with_size(settings(), self.size, self.app.view());
            let r = f(&mut sim);
            (r, sim.into_messages().collect::<Vec<_>>())
        };
        for m in messages {
            self.send(m);
        }
        r
    }

    /// Every text on screen, in order (for failure messages and "is it there" checks).
    fn texts(&mut self) -> Vec<String> {
        self.with(texts)
    }

    #[track_caller]
    fn assert_sees(&mut self, text: &str) {
        let all = self.texts();
        assert!(
            all.iter().any(|t| t == text),
            "{text:?} is not on screen; it shows:\n{all:#?}"
        );
    }

    #[track_caller]
    fn assert_sees_part(&mut self, part: &str) {
        let all = self.texts();
        assert!(
            all.iter().any(|t| t.contains(part)),
            "nothing on screen contains {part:?}; it shows:\n{all:#?}"
        );
    }

    #[track_caller]
    fn assert_not_sees(&mut self, text: &str) {
        let all = self.texts();
        assert!(
            !all.iter().any(|t| t == text),
            "{text:?} should not be on screen"
        );
    }

    /// Clicks the text (a button's label, a tab, a row).
    #[track_caller]
    fn click(&mut self, text: &str) {
        let r = self.with(|s| s.click(text).map(|_| ()).map_err(|e| (e, texts(s))));
        if let Err((e, all)) = r {
            panic!("cannot click {text:?}: {e}; the screen shows:\n{all:#?}");
        }
    }

    /// Clicks the first text on screen that contains `part`.
    #[track_caller]
    fn click_part(&mut self, part: &str) {
        let all = self.texts();
        let Some(t) = all.iter().find(|t| t.contains(part)).cloned() else {
            panic!("nothing on screen contains {part:?}; it shows:\n{all:#?}");
        };
        self.click(&t);
    }

    /// Clicks the widget with this id (a button wrapped in a container with the id).
    #[track_caller]
    fn click_id(&mut self, id: &'static str) {
        let ok = self.with(|s| s.click(selector::id(id)).is_ok());
        assert!(ok, "nothing with id {id:?} on screen");
    }

    /// Clicks into the input with this id and types.
    #[track_caller]
    fn type_in(&mut self, id: &'static str, text: &str) {
        let ok = self.with(|s| {
            if s.click(selector::id(id)).is_err() {
                return false;
            }
            let _ = s.typewrite(text);
            true
        });
        assert!(ok, "no input {id:?} on screen");
    }

    /// Clicks into the input with this id and presses a key.
    #[track_caller]
    fn key_in(&mut self, id: &'static str, key: Named) {
        let ok = self.with(|s| {
            if s.click(selector::id(id)).is_err() {
                return false;
            }
            let _ = s.tap_key(key);
            true
        });
        assert!(ok, "no input {id:?} on screen");
    }

    /// Empties the input with this id (End, then Backspace over what it holds) and types.
    #[track_caller]
    fn retype(&mut self, id: &'static str, text: &str) {
        let ok = self.with(|s| {
            let want = iced::widget::Id::from(id);
            let len = s
                .find(|c: Candidate<'_>| match c {
                    Candidate::TextInput {
                        id: Some(i), state, ..
                    } if *i == want => Some(state.text().chars().count()),
                    _ => None,
                })
                .unwrap_or(0);
            if s.click(selector::id(id)).is_err() {
                return false;
            }
            let _ = s.tap_key(Named::End);
            for _ in 0..len {
                let _ = s.tap_key(Named::Backspace);
            }
            let _ = s.typewrite(text);
            true
        });
        assert!(ok, "no input {id:?} on screen");
    }

    /// What the input with this id holds.
    fn value_of(&mut self, id: &'static str) -> Option<String> {
        self.with(|s| {
            let want = iced::widget::Id::from(id);
            s.find(|c: Candidate<'_>| match c {
                Candidate::TextInput {
                    id: Some(i), state, ..
                } if *i == want => Some(state.text().to_string()),
                _ => None,
            })
            .ok()
        })
    }

    /// `message` stands right under the field labelled `label` (its input in between).
    #[track_caller]
    fn assert_under(&mut self, label: &str, message: &str) {
        let all = self.texts();
        let Some(i) = all.iter().position(|t| t == label) else {
            panic!("no field {label:?} on screen; it shows:\n{all:#?}");
        };
        assert!(
            all[i + 1..(i + 3).min(all.len())]
                .iter()
                .any(|t| t == message),
            "{message:?} is not under {label:?}; the screen shows:\n{all:#?}"
        );
    }

    /// `message` stands under the field labelled `label` within its next `n` texts (a field
    /// holding buttons and an input).
    #[track_caller]
    fn assert_under_within(&mut self, label: &str, message: &str, n: usize) {
        let all = self.texts();
        let Some(i) = all.iter().position(|t| t == label) else {
            panic!("no field {label:?} on screen; it shows:\n{all:#?}");
        };
        assert!(
            all[i + 1..(i + 1 + n).min(all.len())]
                .iter()
                .any(|t| t == message),
            "{message:?} is not under {label:?}; the screen shows:\n{all:#?}"
        );
    }

    /// `message` is not right under the field labelled `label`.
    #[track_caller]
    fn assert_not_under(&mut self, label: &str, message: &str) {
        let all = self.texts();
        let Some(i) = all.iter().position(|t| t == label) else {
            panic!("no field {label:?} on screen; it shows:\n{all:#?}");
        };
        assert!(
            !all[i + 1..(i + 3).min(all.len())]
                .iter()
                .any(|t| t == message),
            "{message:?} is still under {label:?}; the screen shows:\n{all:#?}"
        );
    }

    /// Opens the pick list inside the container `id` and chooses its `index`th option.
    /// `text_size` is the list's text size (the menu's line height follows it).
    #[track_caller]
    fn pick(&mut self, id: &'static str, index: usize, text_size: f32) {
        let ok = self.with(|s| {
            let Ok(t) = s.click(selector::id(id)) else {
                return false;
            };
            let b = t.bounds();
            // A menu line: the text's line height (1.3) plus the button padding (5 + 5).
            let line = text_size * 1.3 + 10.0;
            let at = Point::new(
                b.x + 24.0,
                b.y + b.height + 1.0 + line * (index as f32 + 0.5),
            );
            s.point_at(at);
            let _ = s.simulate([Event::Mouse(mouse::Event::CursorMoved { position: at })]);
            let _ = s.simulate(iced_test::simulator::click());
            true
        });
        assert!(ok, "no pick list {id:?} on screen");
    }

    /// What the focusable widgets with an id are, in the order Tab visits them.
    fn tab_order(&mut self) -> Vec<String> {
        self.with(|s| {
            let mut out: Vec<String> = Vec::new();
            let _ = s.find(|c: Candidate<'_>| {
                if let Candidate::Focusable { id: Some(id), .. } = c {
                    let id = format!("{id:?}");
                    if out.last() != Some(&id) {
                        out.push(id);
                    }
                }
                None::<()>
            });
            out
        })
    }

    fn lang(&self) -> Lang {
        self.app.lang()
    }

    /// Types the ИИН and password on the login screen and presses Enter in the password.
    fn login(&mut self, iin: &str, lang: Lang) {
        self.type_in("login-iin", iin);
        // The user's remembered language is applied when the ИИН is complete; the user can
        // still switch before logging in, and the choice is remembered.
        if self.lang() != lang {
            self.click(match lang {
                Lang::Kk => "Қазақша",
                Lang::Ru => "Русский",
            });
        }
        self.type_in("login-password", PASSWORD);
        self.key_in("login-password", Named::Enter);
        assert!(
            self.app.session().is_some(),
            "login of {iin} failed; the screen shows:\n{:#?}",
            self.texts()
        );
        assert_eq!(self.lang(), lang);
    }

    fn logout(&mut self) {
        self.send(Message::Logout);
        assert!(self.app.session().is_none());
    }

    /// Compares the window at 1366×768 with its baseline in `tests/snapshots/`.
    #[track_caller]
    fn snapshot(&mut self, name: &str) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
        let snap = {
            let mut sim = Simulator::with_size(settings(), WINDOW, self.app.view());
            sim.snapshot(&theme::theme()).unwrap()
        };
        check_snapshot(&snap, &dir, name);
    }
}

impl Ui {
    fn new() -> Ui {
        let common::Office {
            dir,
            desk,
            clock,
            admin,
            registrar,
            head,
            executor,
            key,
            ..
        } = common::office();
        let desk = Arc::new(desk);
        let fake = Fake::default();
        let (app, task) =
            App::with_desk(desk.data_dir().clone(), desk.clone(), Platform::fake(&fake));
        Ui {
            win: Win::new(app, task),
            desk,
            clock,
            fake,
            admin,
            registrar,
            head,
            executor,
            key,
            dir,
        }
    }

    /// A scan file the fake file dialog returns.
    fn scan_file(&self, name: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, mio_desk::bench::demo::sample_png(7)).unwrap();
        p
    }

    fn status_of(&self, number: &str) -> Status {
        self.desk
            .application(&self.registrar, number)
            .unwrap()
            .app
            .status
    }
}

fn texts(s: &mut Simulator<'_, Message>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let _ = s.find(|c: Candidate<'_>| {
        match c {
            Candidate::Text { content, .. } => out.push(content.to_string()),
            Candidate::TextInput { state, .. } => out.push(state.text().to_string()),
            _ => {}
        }
        None::<()>
    });
    out
}

/// The baseline check: a missing baseline fails unless `MIO_UPDATE_SNAPSHOTS` is set, so a
/// clean checkout compares instead of silently creating. The picture of every run is written
/// under `target/ui-snapshots/` to look at, and a mismatch names it.
#[track_caller]
fn check_snapshot(snap: &iced_test::simulator::Snapshot, dir: &Path, name: &str) {
    let update = std::env::var_os("MIO_UPDATE_SNAPSHOTS").is_some_and(|v| v != "0");
    let out = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("ui-snapshots");
    std::fs::create_dir_all(&out).unwrap();
    // The picture of this run, to look at (iced names the file after the renderer).
    for e in std::fs::read_dir(&out).unwrap().flatten() {
        if e.file_name()
            .to_string_lossy()
            .starts_with(&format!("{name}-"))
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
    assert!(snap.matches_image(out.join(name)).unwrap());
    let baselines: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let f = p.file_name().unwrap().to_string_lossy().to_string();
                    // This snapshot's own baselines, one per renderer ("kk-head" must not
                    // take "kk-head-list"'s).
                    f.strip_prefix(&format!("{name}-"))
                        .is_some_and(|r| r.starts_with("tiny-skia") || r.starts_with("wgpu"))
                        && f.ends_with(".sha256")
                })
                .collect()
        })
        .unwrap_or_default();
    if update {
        for b in &baselines {
            std::fs::remove_file(b).unwrap();
        }
    } else {
        assert!(
            !baselines.is_empty(),
            "no baseline for snapshot {name:?} in {}: run with MIO_UPDATE_SNAPSHOTS=1, look at \
             the pictures in {} and commit the baselines",
            dir.display(),
            out.display()
        );
    }
    assert!(
        snap.matches_hash(dir.join(name)).unwrap(),
        "snapshot {name:?} differs from its baseline in {}; this run's picture is in {}",
        dir.display(),
        out.display()
    );
}

// ---------------------------------------------------------------------------------------
// The people of the test office (tests/common) and an applicant.

const REGISTRAR: &str = "850315300128";
const HEAD: &str = "791028302728";
const EXECUTOR: &str = "061211600012";
const ADMIN: &str = "780412441212";
/// Born 05.03.1992, a woman.
const APPLICANT: &str = "920305450121";

/// Picks the Kazakh or the Russian text.
fn k(lang: Lang, kk: &'static str, ru: &'static str) -> &'static str {
    match lang {
        Lang::Kk => kk,
        Lang::Ru => ru,
    }
}

fn prefix(lang: Lang) -> &'static str {
    k(lang, "kk", "ru")
}

/// Where a service is in the intake's list (the catalogue's order).
fn service_index(ui: &Ui, code: &str) -> usize {
    ui.desk
        .catalog()
        .services
        .iter()
        .position(|s| s.code == code)
        .unwrap()
}

/// The registrar takes a walk-in's application: ИИН, name, address, phone, the service from
/// the list, its fields, a scan for each mandatory document through the file dialog, then
/// "register". Returns the journal number shown on screen.
fn intake(ui: &mut Ui, lang: Lang, snapshot: bool) -> String {
    ui.click(k(lang, "Жаңа өтініш", "Новое заявление"));
    ui.assert_sees(k(lang, "Өтініш беруші", "Заявитель"));
    // The ИИН first: checked as it is typed, birth date and sex read from it.
    ui.type_in("intake-iin", "92030545012");
    ui.assert_not_sees(k(lang, "ЖСН бойынша", "По ИИН"));
    ui.type_in("intake-iin", "1");
    ui.assert_sees_part(k(
        lang,
        "ЖСН бойынша: туған күні 05.03.1992, жынысы әйел",
        "По ИИН: дата рождения 05.03.1992, пол женский",
    ));
    ui.type_in("intake-surname", "Әбілқасымова");
    ui.type_in("intake-given", "Гүлшат");
    ui.type_in("intake-patronymic", "Зиналбекқызы");
    ui.type_in("intake-address", "Ақсу ауылы, Абай көшесі, 12");
    ui.type_in("intake-phone", "+7 701 123 45 67");
    let i = service_index(ui, "unemployed_certificate");
    ui.pick(mio_desk::ui::screen::intake::SERVICE_ID, i, 16.0);
    // The service's own fields and its checklist appear.
    ui.assert_sees(k(lang, "Жылдан бастап *", "За период с (года) *"));
    ui.assert_sees(k(lang, "Құжаттар", "Документы"));
    ui.type_in("intake-f-period_from", "2025");
    ui.type_in("intake-f-period_to", "2026");
    // A scan for each mandatory document, through the (fake) file dialog.
    let id_scan = ui.scan_file("udostoverenie.png");
    *ui.fake.scans.lock().unwrap() = vec![id_scan];
    ui.click_id("attach-identity_document");
    let app_scan = ui.scan_file("zayavlenie.png");
    *ui.fake.scans.lock().unwrap() = vec![app_scan];
    ui.click_id("attach-application");
    ui.assert_sees("udostoverenie.png");
    ui.assert_sees("zayavlenie.png");
    ui.assert_sees(k(lang, "скан: 1", "сканов: 1"));
    if snapshot {
        ui.snapshot(&format!("{}-intake", prefix(lang)));
    }
    ui.click(k(lang, "Тіркеу", "Зарегистрировать"));
    ui.assert_sees(k(lang, "Өтініш тіркелді", "Заявление зарегистрировано"));
    let number = ui
        .texts()
        .into_iter()
        .find(|t| t.starts_with("0412-02-2026-"))
        .expect("the journal number is shown");
    // The receipt is offered for printing, shown as it will print, on the office printer.
    ui.assert_sees(k(
        lang,
        "Басып шығару: Құжаттарды қабылдау туралы қолхат",
        "Печать: Расписка о приеме документов",
    ));
    assert!(ui.fake.printed.lock().unwrap().is_empty());
    ui.click_id(mio_desk::ui::screen::print::PRINT_ID);
    ui.assert_sees_part(k(
        lang,
        "«Құжаттарды қабылдау туралы қолхат» Kense-HP принтеріне жіберілді",
        "«Расписка о приеме документов» отправлен на принтер Kense-HP",
    ));
    let printed = ui.fake.printed.lock().unwrap().clone();
    assert!(
        printed
            .iter()
            .any(|(n, len)| n == &format!("receipt-{number}") && *len > 1000),
        "{printed:?}"
    );
    // In the database: registered, with both scans tagged, and the person as typed.
    let v = ui.desk.application(&ui.registrar, &number).unwrap();
    assert_eq!(v.app.status, Status::Registered);
    assert_eq!(v.app.service, "unemployed_certificate");
    assert_eq!(v.person.full_name(), "Әбілқасымова Гүлшат Зиналбекқызы");
    assert_eq!(v.person.phone, "+7 701 123 45 67");
    let mut items: Vec<_> = v
        .attachments
        .iter()
        .map(|a| (a.checklist_item.clone().unwrap(), a.file_name.clone()))
        .collect();
    items.sort();
    assert_eq!(
        items,
        vec![
            ("application".to_string(), "zayavlenie.png".to_string()),
            (
                "identity_document".to_string(),
                "udostoverenie.png".to_string()
            ),
        ]
    );
    assert_eq!(v.app.intake["period_from"], serde_json::json!(2025));
    number
}

/// The head opens the new application from the queue and assigns the executor with a
/// resolution (Enter in the resolution field).
fn assign(ui: &mut Ui, lang: Lang, number: &str, snapshot: bool) {
    ui.click(k(lang, "Кезектер", "Очереди"));
    ui.click_part(k(lang, "Түскен ·", "Поступившие ·"));
    ui.click(number);
    ui.assert_sees(k(lang, "Орындаушыны тағайындау", "Назначить исполнителя"));
    let execs = ui.desk.executors(&ui.head).unwrap();
    let i = execs
        .iter()
        .position(|(id, _)| *id == ui.executor.user_id)
        .unwrap();
    ui.pick(mio_desk::ui::screen::application::EXECUTOR_ID, i, 16.0);
    ui.type_in("app-resolution", "Қарап, анықтама дайындаңыз");
    if snapshot {
        ui.snapshot(&format!("{}-application", prefix(lang)));
    }
    ui.key_in("app-resolution", Named::Enter);
    ui.assert_sees(k(lang, "Орындаушы тағайындалды.", "Исполнитель назначен."));
    let v = ui.desk.application(&ui.head, number).unwrap();
    assert_eq!(v.app.status, Status::InWork);
    assert_eq!(v.app.executor_id, Some(ui.executor.user_id));
    assert_eq!(
        v.app.resolution.as_deref(),
        Some("Қарап, анықтама дайындаңыз")
    );
}

/// The executor fills the certificate's fields, sees the live preview, and sends it for
/// signature.
fn decide_approve(ui: &mut Ui, lang: Lang, number: &str) {
    ui.click(number);
    ui.assert_sees(k(lang, "Шешім", "Решение"));
    ui.type_in("dec-registered_on", "10.11.2026");
    ui.click(k(
        lang,
        "Қоғамдық, әлеуметтік жұмыстарға қатысуы",
        "Участие в общественных, социальных работах",
    ));
    // Free text on a paper in both languages: the Kazakh box, then the Russian one.
    ui.type_in("dec-presented_to", "талап ету орны бойынша");
    ui.type_in("dec-presented_to-ru", "по месту требования");
    // The live preview shows the paper that will be printed.
    ui.assert_sees(k(
        lang,
        "Жұмыссыздық ретінде тіркеу туралы анықтама",
        "Справка о регистрации в качестве безработного",
    ));
    ui.click(k(lang, "Қол қоюға жіберу", "Направить на подпись"));
    ui.assert_sees(k(
        lang,
        "Жоба қол қоюға жіберілді.",
        "Проект направлен на подпись.",
    ));
    let v = ui.desk.application(&ui.executor, number).unwrap();
    assert_eq!(v.app.status, Status::AwaitingSignature);
    let d = serde_json::to_value(v.app.decision.unwrap()).unwrap();
    assert_eq!(d["outcome"], serde_json::json!("approve"));
    assert_eq!(d["values"]["public_works"], serde_json::json!(true));
    assert_eq!(d["values"]["training"], serde_json::json!(false));
}

/// The head signs from the desk: the sign dialog, the PIN, Enter.
fn sign(ui: &mut Ui, lang: Lang, number: &str, snapshot: bool) {
    ui.assert_sees(k(lang, "Бастықтың жұмыс үстелі", "Рабочий стол начальника"));
    ui.assert_sees(number);
    if snapshot {
        ui.snapshot(&format!("{}-head", prefix(lang)));
    }
    ui.click(k(lang, "ЭЦҚ арқылы қол қою", "Подписать ЭЦП"));
    ui.type_in("app-pin", common::PIN);
    ui.key_in("app-pin", Named::Enter);
    ui.assert_sees(k(
        lang,
        "Құжатқа ЭЦҚ арқылы қол қойылды.",
        "Документ подписан ЭЦП.",
    ));
    let v = ui.desk.application(&ui.head, number).unwrap();
    assert_eq!(v.app.status, Status::Signed);
    assert!(v.app.outgoing_number.is_some());
    assert_eq!(v.app.signed_by, Some(ui.head.user_id));
}

/// The registrar hands the result over: the collector's ИИН is the applicant's, "issue and
/// print", then the questionnaire.
fn issue(ui: &mut Ui, lang: Lang, number: &str) {
    ui.click_part(k(lang, "Беруге ·", "К выдаче ·"));
    ui.click(number);
    ui.assert_sees(k(lang, "Нәтижені беру", "Выдача результата"));
    // The collector's ИИН starts empty (the input shows its placeholder): it is typed from the
    // identity document shown.
    assert_eq!(
        ui.value_of("app-collector").as_deref(),
        Some("000000000000")
    );
    ui.type_in("app-collector", APPLICANT);
    ui.assert_sees(k(
        lang,
        "Алушы — өтініш берушінің өзі.",
        "Получатель — сам заявитель.",
    ));
    ui.click(k(lang, "Беру және басып шығару", "Выдать и напечатать"));
    ui.assert_sees(k(lang, "Нәтиже берілді.", "Результат выдан."));
    assert_eq!(ui.status_of(number), Status::Issued);
    let v = ui.desk.application(&ui.registrar, number).unwrap();
    assert_eq!(
        v.app.collector_iin.map(|i| i.as_string()).as_deref(),
        Some(APPLICANT)
    );
    // The result is offered for printing at once.
    ui.click_id(mio_desk::ui::screen::print::PRINT_ID);
    let printed = ui.fake.printed.lock().unwrap().clone();
    assert!(
        printed.iter().any(|(n, _)| n.starts_with("result-")),
        "{printed:?}"
    );
    // The questionnaire is offered once the result is handed over.
    ui.assert_sees(k(
        lang,
        "Сапа сауалнамасы (өтініш берушінің қалауы бойынша)",
        "Анкета качества (по желанию заявителя)",
    ));
}

fn whole_path(lang: Lang) {
    let mut ui = Ui::new();
    if lang == Lang::Ru {
        ui.click("Русский");
    }
    ui.assert_sees(k(
        lang,
        "ЖСН мен құпиясөзді енгізіңіз.",
        "Введите ИИН и пароль.",
    ));
    ui.snapshot(&format!("{}-login", prefix(lang)));
    ui.login(REGISTRAR, lang);
    ui.assert_sees(k(lang, "Өтініштер кезегі", "Очереди заявлений"));
    ui.assert_sees(k(lang, "Өтініштер жоқ.", "Заявлений нет."));
    let number = intake(&mut ui, lang, true);
    // The queue shows it among the new ones.
    ui.click(k(lang, "Кезектер", "Очереди"));
    ui.assert_sees(number.as_str());
    ui.assert_sees(k(lang, "Түскен · 1", "Поступившие · 1"));
    ui.snapshot(&format!("{}-queues", prefix(lang)));
    ui.logout();

    ui.login(HEAD, lang);
    assign(&mut ui, lang, &number, true);
    ui.logout();

    ui.login(EXECUTOR, lang);
    decide_approve(&mut ui, lang, &number);
    ui.logout();

    ui.login(HEAD, lang);
    sign(&mut ui, lang, &number, true);
    ui.logout();

    ui.login(REGISTRAR, lang);
    issue(&mut ui, lang, &number);
    ui.logout();

    // The admin's screen, and anyone's paper check on the signed result.
    ui.login(ADMIN, lang);
    ui.assert_sees(k(lang, "Пайдаланушылар", "Пользователи"));
    ui.snapshot(&format!("{}-admin", prefix(lang)));
    let pdf = ui
        .desk
        .document_pdf(
            &ui.registrar,
            &number,
            Some("result"),
            mio_desk::documents::Langs::Both,
        )
        .unwrap();
    let file = ui.dir.path().join("anyqtama.pdf");
    std::fs::write(&file, pdf).unwrap();
    *ui.fake.file.lock().unwrap() = Some(file);
    ui.click(k(lang, "Құжатты тексеру", "Проверка документа"));
    ui.click(k(lang, "PDF ашу…", "Открыть PDF…"));
    ui.assert_sees(k(lang, "Құжат түпнұсқа", "Документ подлинный"));
    ui.assert_sees("anyqtama.pdf");
    ui.snapshot(&format!("{}-verify", prefix(lang)));
}

in_both_languages!(
    whole_path,
    the_whole_path_in_kazakh,
    the_whole_path_in_russian
);

// ---------------------------------------------------------------------------------------
// Refusals, permissions and the keyboard.

/// An application registered and assigned through the desk, for the screens that follow.
fn registered_and_assigned(ui: &Ui) -> (i64, String) {
    let r = ui
        .desk
        .register(
            Some(&ui.registrar),
            mio_desk::desk::intake::Registration {
                service: "unemployed_certificate".into(),
                channel: mio_desk::domain::model::Channel::Office,
                person: common::applicant(APPLICANT),
                intake: common::unemployed_intake(),
                files: common::scans(&ui.desk, "unemployed_certificate"),
                missing_reason: None,
                accepted_at: None,
                external: None,
            },
        )
        .unwrap();
    ui.desk
        .assign(
            &ui.head,
            mio_desk::desk::flow::Target::id(r.id),
            ui.executor.user_id,
            "Қарау",
        )
        .unwrap();
    (r.id, r.number)
}

/// An application whose approval the executor has sent for the head's signature.
fn awaiting_signature(ui: &Ui) -> String {
    let (id, number) = registered_and_assigned(ui);
    ui.desk
        .submit_draft(
            &ui.executor,
            mio_desk::desk::flow::Target::id(id),
            &common::unemployed_decision(),
        )
        .unwrap();
    assert_eq!(ui.status_of(&number), Status::AwaitingSignature);
    number
}

/// How many applications the office holds.
fn applications(ui: &Ui) -> usize {
    ui.desk
        .queue(&ui.registrar, mio_desk::store::queue::Query::default())
        .unwrap()
        .rows
        .len()
}

/// The login screen in `lang`, as the window opens.
fn login_screen(lang: Lang) -> Ui {
    let mut ui = Ui::new();
    if lang == Lang::Ru {
        ui.click("Русский");
    }
    ui
}

/// Types the ИИН on the login screen (over what is there) and keeps the screen in `lang`:
/// a complete ИИН brings up its user's remembered language.
fn login_iin(ui: &mut Ui, iin: &str, lang: Lang) {
    ui.retype("login-iin", iin);
    if ui.lang() != lang {
        ui.click(k(lang, "Қазақша", "Русский"));
    }
}

/// Enter in the password field with `password` typed over what is there.
fn try_password(ui: &mut Ui, password: &str) {
    ui.retype("login-password", password);
    ui.key_in("login-password", Named::Enter);
}

fn login_refused(lang: Lang) {
    let mut ui = login_screen(lang);
    let hint = k(
        lang,
        "ЖСН мен құпиясөзді енгізіңіз.",
        "Введите ИИН и пароль.",
    );
    let wrong = k(
        lang,
        "ЖСН немесе құпиясөз қате.",
        "Неверный ИИН или пароль.",
    );

    // A wrong password: refused without saying which half was wrong, still on the login
    // screen, the password emptied for the next try.
    login_iin(&mut ui, REGISTRAR, lang);
    try_password(&mut ui, "Wrong2026");
    assert!(ui.app.session().is_none());
    ui.assert_sees(wrong);
    // The lockout rule is said before it bites (the same words for any ИИН).
    ui.assert_sees(k(
        lang,
        "Құпиясөз қатарынан 5 рет қате енгізілсе, кіру 15 минутқа бұғатталады.",
        "После 5 неверных паролей подряд вход блокируется на 15 минут.",
    ));
    ui.assert_sees(hint);
    ui.assert_sees(REGISTRAR);
    ui.assert_not_sees("Wrong2026");

    // A mistyped check digit is said while typing, under the ИИН, and Enter does not try it.
    login_iin(&mut ui, "850315300129", lang);
    ui.assert_not_sees(wrong);
    let check = k(
        lang,
        "ЖСН-нің бақылау цифры дұрыс емес: 8 болуы керек, 9 енгізілді. Енгізгенде қате \
         кетпегенін тексеріңіз.",
        "Контрольная цифра ИИН неверна: должна быть 8, введено 9. Проверьте, не ошиблись ли \
         при вводе.",
    );
    ui.assert_under(k(lang, "ЖСН", "ИИН"), check);
    try_password(&mut ui, PASSWORD);
    assert!(ui.app.session().is_none());
    ui.assert_under(k(lang, "ЖСН", "ИИН"), check);
    ui.assert_not_sees(wrong);

    // A short ИИН is not an error while it is being typed; Enter says what is wrong with it.
    login_iin(&mut ui, "85031530012", lang);
    let short = k(
        lang,
        "ЖСН 12 цифрдан тұрады, 11 цифр енгізілді.",
        "ИИН состоит из 12 цифр, введено 11.",
    );
    ui.assert_not_sees(short);
    try_password(&mut ui, PASSWORD);
    assert!(ui.app.session().is_none());
    ui.assert_under(k(lang, "ЖСН", "ИИН"), short);
    ui.assert_not_sees(wrong);
    // Typing on clears it.
    ui.type_in("login-iin", "8");
    ui.assert_not_sees(short);

    // An account the admin switched off.
    ui.desk
        .set_user_disabled(&ui.admin, EXECUTOR, true)
        .unwrap();
    login_iin(&mut ui, EXECUTOR, lang);
    try_password(&mut ui, PASSWORD);
    assert!(ui.app.session().is_none());
    ui.assert_sees(k(
        lang,
        "Тіркелгі өшірілген. Әкімшіге хабарласыңыз.",
        "Учетная запись отключена. Обратитесь к администратору.",
    ));

    // Five wrong passwords lock the account for 15 minutes (the office's clock says
    // 16.11.2026 10:00), even against the right one; afterwards the right one works.
    login_iin(&mut ui, HEAD, lang);
    for _ in 0..4 {
        try_password(&mut ui, "Wrong2026");
        ui.assert_sees(wrong);
    }
    try_password(&mut ui, "Wrong2026");
    let locked = k(
        lang,
        "Бірнеше рет сәтсіз кіру әрекетінен кейін тіркелгі 16.11.2026 10:15 дейін бұғатталды.",
        "Учетная запись заблокирована до 16.11.2026 10:15 после нескольких неудачных попыток \
         входа.",
    );
    ui.assert_sees(locked);
    ui.clock.advance(chrono::Duration::minutes(14));
    try_password(&mut ui, PASSWORD);
    assert!(ui.app.session().is_none());
    ui.assert_sees(locked);
    ui.clock.advance(chrono::Duration::minutes(2));
    try_password(&mut ui, PASSWORD);
    assert_eq!(
        ui.app.session().map(|s| s.iin.clone()),
        Some(HEAD.to_string()),
        "{:#?}",
        ui.texts()
    );
    ui.assert_sees(k(lang, "Бастықтың жұмыс үстелі", "Рабочий стол начальника"));
}

in_both_languages!(
    login_refused,
    login_refused_in_kazakh,
    login_refused_in_russian
);

fn intake_refused(lang: Lang) {
    let mut ui = Ui::new();
    ui.login(REGISTRAR, lang);
    ui.click(k(lang, "Жаңа өтініш", "Новое заявление"));
    // Nothing typed, no service: the service and every problem of the applicant at once.
    ui.click(k(lang, "Тіркеу", "Зарегистрировать"));
    ui.assert_sees(k(lang, "Қызметті таңдаңыз.", "Выберите услугу."));
    ui.assert_under(
        k(lang, "Тегі *", "Фамилия *"),
        k(
            lang,
            "«Тегі» өрісі толтырылмаған.",
            "Не заполнено поле «Фамилия».",
        ),
    );
    ui.assert_under(
        k(lang, "Аты *", "Имя *"),
        k(
            lang,
            "«Аты» өрісі толтырылмаған.",
            "Не заполнено поле «Имя».",
        ),
    );
    // Everything but the surname, the end of the period and the scans.
    ui.type_in("intake-iin", APPLICANT);
    ui.type_in("intake-given", "Гүлшат");
    ui.type_in("intake-patronymic", "Зиналбекқызы");
    ui.type_in("intake-address", "Ақсу ауылы, Абай көшесі, 12");
    ui.type_in("intake-phone", "+7 701 123 45 67");
    let i = service_index(&ui, "unemployed_certificate");
    ui.pick(mio_desk::ui::screen::intake::SERVICE_ID, i, 16.0);
    ui.type_in("intake-f-period_from", "2025");
    let register = k(lang, "Тіркеу", "Зарегистрировать");
    let typed = [
        APPLICANT,
        "Гүлшат",
        "Зиналбекқызы",
        "Ақсу ауылы, Абай көшесі, 12",
        "+7 701 123 45 67",
        "2025",
    ];

    // The surname: said under it; nothing registered; the form as typed.
    ui.click(register);
    ui.assert_under(
        k(lang, "Тегі *", "Фамилия *"),
        k(
            lang,
            "«Тегі» өрісі толтырылмаған.",
            "Не заполнено поле «Фамилия».",
        ),
    );
    // Every problem at once, not one per click: the end of the period and the scans too.
    ui.assert_under(
        k(lang, "Жылға дейін *", "По (год) *"),
        k(
            lang,
            "міндетті өріс толтырылмаған",
            "обязательное поле не заполнено",
        ),
    );
    ui.assert_sees_part(k(
        lang,
        "Міндетті құжаттар тіркелмеген",
        "Не приложены обязательные документы",
    ));
    assert_eq!(applications(&ui), 0);
    for t in typed {
        ui.assert_sees(t);
    }

    // A field fixed loses its message at once; the others keep theirs.
    ui.type_in("intake-surname", "Әбілқасымова");
    ui.assert_not_sees(k(
        lang,
        "«Тегі» өрісі толтырылмаған.",
        "Не заполнено поле «Фамилия».",
    ));
    ui.assert_under(
        k(lang, "Жылға дейін *", "По (год) *"),
        k(
            lang,
            "міндетті өріс толтырылмаған",
            "обязательное поле не заполнено",
        ),
    );
    // The end of the period: the field's own message under it, and the banner says where
    // to look.
    ui.click(register);
    ui.assert_under(
        k(lang, "Жылға дейін *", "По (год) *"),
        k(
            lang,
            "міндетті өріс толтырылмаған",
            "обязательное поле не заполнено",
        ),
    );
    ui.assert_sees(k(
        lang,
        "Қызылмен белгіленген өрістерді түзетіңіз: әрқайсысының астында не дұрыс емес екені \
         жазылған.",
        "Исправьте поля, отмеченные красным: под каждым написано, что не так.",
    ));
    ui.assert_not_sees(k(
        lang,
        "«Тегі» өрісі толтырылмаған.",
        "Не заполнено поле «Фамилия».",
    ));
    assert_eq!(applications(&ui), 0);
    ui.assert_sees("Әбілқасымова");
    for t in typed {
        ui.assert_sees(t);
    }

    // No scans of the mandatory documents and no reason why.
    ui.type_in("intake-f-period_to", "2026");
    ui.click(register);
    let missing = k(
        lang,
        "Міндетті құжаттар тіркелмеген: Жеке басын куәландыратын құжат, Өтініш. Сканерлік \
         көшірмелерін тіркеңіз немесе себебін көрсетіңіз.",
        "Не приложены обязательные документы: Документ, удостоверяющий личность, Заявление. \
         Приложите сканы или укажите причину.",
    );
    ui.assert_under(
        k(
            lang,
            "Құжаттардың жоқ болу себебі",
            "Причина отсутствия документов",
        ),
        missing,
    );
    assert_eq!(applications(&ui), 0);
    for t in typed.iter().chain(&["Әбілқасымова", "2026"]) {
        ui.assert_sees(t);
    }

    // With the scans the same form goes through, as it was typed.
    let id_scan = ui.scan_file("udostoverenie.png");
    *ui.fake.scans.lock().unwrap() = vec![id_scan];
    ui.click_id("attach-identity_document");
    let app_scan = ui.scan_file("zayavlenie.png");
    *ui.fake.scans.lock().unwrap() = vec![app_scan];
    ui.click_id("attach-application");
    ui.click(register);
    ui.assert_sees(k(lang, "Өтініш тіркелді", "Заявление зарегистрировано"));
    assert_eq!(applications(&ui), 1);
    let number = ui
        .texts()
        .into_iter()
        .find(|t| t.starts_with("0412-02-2026-"))
        .expect("the journal number is shown");
    let v = ui.desk.application(&ui.registrar, &number).unwrap();
    assert_eq!(v.person.full_name(), "Әбілқасымова Гүлшат Зиналбекқызы");
    assert_eq!(v.person.address, "Ақсу ауылы, Абай көшесі, 12");
    assert_eq!(v.app.intake["period_from"], serde_json::json!(2025));
    assert_eq!(v.app.intake["period_to"], serde_json::json!(2026));
}

in_both_languages!(
    intake_refused,
    intake_refused_in_kazakh,
    intake_refused_in_russian
);

/// The reason of the refusal, as the executor types it.
const REFUSAL: &str = "Өтініш беруші жұмыспен қамту органында тіркелмеген";

fn refusal(lang: Lang) {
    let mut ui = Ui::new();
    let (_, number) = registered_and_assigned(&ui);

    // The executor chooses a motivated refusal and writes why.
    ui.login(EXECUTOR, lang);
    ui.click(&number);
    // (A radio's label is drawn by the radio itself: it is clicked by its id.)
    ui.click_id("app-refuse");
    ui.assert_sees(k(lang, "Бас тарту негізі", "Основание отказа"));
    // The ground comes from the service's own list.
    ui.pick("app-ground", 0, 16.0);
    // The comment is written in Kazakh only, so the paper is printed in Kazakh only.
    ui.click_id("app-paper-kk");
    // The approval's own fields are gone.
    ui.assert_not_sees(k(
        lang,
        "Қоғамдық, әлеуметтік жұмыстарға қатысуы",
        "Участие в общественных, социальных работах",
    ));
    ui.type_in("app-reason", REFUSAL);
    ui.click(k(lang, "Қол қоюға жіберу", "Направить на подпись"));
    ui.assert_sees(k(
        lang,
        "Жоба қол қоюға жіберілді.",
        "Проект направлен на подпись.",
    ));
    let v = ui.desk.application(&ui.executor, &number).unwrap();
    assert_eq!(v.app.status, Status::AwaitingSignature);
    let d = serde_json::to_value(v.app.decision.unwrap()).unwrap();
    assert_eq!(d["outcome"], serde_json::json!("refuse"));
    assert_eq!(d["reason"], serde_json::json!(REFUSAL));
    assert_eq!(d["ground"], serde_json::json!("not_registered_unemployed"));
    assert_eq!(d["paper_lang"], serde_json::json!("kk"));
    ui.logout();

    // The head reads the paper to be signed, page by page, and the decision in words beside
    // it, and signs.
    ui.login(HEAD, lang);
    ui.assert_sees(&number);
    ui.assert_sees("1 / 1");
    ui.assert_sees_part(REFUSAL);
    ui.click(k(lang, "ЭЦҚ арқылы қол қою", "Подписать ЭЦП"));
    ui.type_in("app-pin", common::PIN);
    ui.key_in("app-pin", Named::Enter);
    ui.assert_sees(k(
        lang,
        "Құжатқа ЭЦҚ арқылы қол қойылды.",
        "Документ подписан ЭЦП.",
    ));
    let v = ui.desk.application(&ui.head, &number).unwrap();
    assert_eq!(v.app.status, Status::Signed);
    assert!(v.app.outgoing_number.is_some());
    let d = serde_json::to_value(v.app.decision.unwrap()).unwrap();
    assert_eq!(d["outcome"], serde_json::json!("refuse"));
    assert_eq!(d["reason"], serde_json::json!(REFUSAL));
    ui.logout();

    // The registrar who hands it over sees the status and why it was refused.
    ui.login(REGISTRAR, lang);
    ui.click_part(k(lang, "Беруге ·", "К выдаче ·"));
    ui.click(&number);
    ui.assert_sees(k(lang, "Қол қойылды, беруге дайын", "Подписано, к выдаче"));
    ui.assert_under(
        k(lang, "Шешім", "Решение"),
        k(lang, "Дәлелді бас тарту", "Мотивированный отказ"),
    );
    ui.assert_under(
        k(lang, "Бас тартудың себебі", "Причина отказа"),
        k(
            lang,
            "Өтініш берушінің жұмыссыз ретінде тіркелмеуі",
            "Заявитель не зарегистрирован в качестве безработного",
        ),
    );
    ui.assert_under(k(lang, "Түсініктеме", "Комментарий"), REFUSAL);
}

in_both_languages!(
    refusal,
    refusal_signed_as_written_in_kazakh,
    refusal_signed_as_written_in_russian
);

fn wrong_pin(lang: Lang) {
    let mut ui = Ui::new();
    let number = awaiting_signature(&ui);
    ui.login(HEAD, lang);
    ui.assert_sees(&number);
    ui.click(k(lang, "ЭЦҚ арқылы қол қою", "Подписать ЭЦП"));
    ui.type_in("app-pin", "000000");
    ui.key_in("app-pin", Named::Enter);
    ui.assert_sees(k(
        lang,
        "Кілттің PIN-коды қате. Қалған әрекет саны: 4; олардан кейін кілт 15 минутқа бұғатталады.",
        "Неверный PIN-код ключа. Осталось попыток: 4; после них ключ блокируется на 15 минут.",
    ));
    ui.assert_not_sees(k(
        lang,
        "Құжатқа ЭЦҚ арқылы қол қойылды.",
        "Документ подписан ЭЦП.",
    ));
    assert_eq!(ui.status_of(&number), Status::AwaitingSignature);
    let v = ui.desk.application(&ui.head, &number).unwrap();
    assert!(v.app.outgoing_number.is_none());
    // The dialog stays open with the PIN emptied; the right one signs.
    ui.type_in("app-pin", common::PIN);
    ui.key_in("app-pin", Named::Enter);
    ui.assert_sees(k(
        lang,
        "Құжатқа ЭЦҚ арқылы қол қойылды.",
        "Документ подписан ЭЦП.",
    ));
    assert_eq!(ui.status_of(&number), Status::Signed);
}

in_both_languages!(wrong_pin, wrong_pin_in_kazakh, wrong_pin_in_russian);

/// The head's comment on a returned draft.
const COMMENT: &str = "Тіркелген күнін анықтамадағы күнмен тексеріңіз";

fn returned(lang: Lang) {
    let mut ui = Ui::new();
    let number = awaiting_signature(&ui);
    ui.login(HEAD, lang);
    ui.assert_sees(&number);
    ui.click(k(lang, "Пысықтауға қайтару", "Вернуть на доработку"));
    ui.assert_sees(k(lang, "Орындаушыға қайтару", "Возврат исполнителю"));
    // Without a comment it is refused, next to the comment field.
    ui.key_in("app-comment", Named::Enter);
    ui.assert_under(
        k(lang, "Түсініктеме", "Комментарий"),
        k(
            lang,
            "Толтырылмаған: «Түсініктеме».",
            "Не заполнено: «Комментарий».",
        ),
    );
    assert_eq!(ui.status_of(&number), Status::AwaitingSignature);
    ui.type_in("app-comment", COMMENT);
    ui.key_in("app-comment", Named::Enter);
    ui.assert_sees(k(
        lang,
        "Пысықтауға қайтарылды.",
        "Возвращено на доработку.",
    ));
    let v = ui.desk.application(&ui.head, &number).unwrap();
    assert_eq!(v.app.status, Status::InWork);
    assert_eq!(v.app.return_comment.as_deref(), Some(COMMENT));
    ui.logout();

    // The executor finds it back in work with the head's comment over the decision form.
    ui.login(EXECUTOR, lang);
    ui.click(&number);
    ui.assert_sees(k(lang, "Жұмыста", "В работе"));
    ui.assert_sees(&format!(
        "{}{COMMENT}",
        k(lang, "Пысықтауға қайтарылды: ", "Возвращено на доработку: ")
    ));
    ui.assert_sees(k(lang, "Қол қоюға жіберу", "Направить на подпись"));
}

in_both_languages!(
    returned,
    returned_to_executor_in_kazakh,
    returned_to_executor_in_russian
);

fn no_buttons_for_others(lang: Lang) {
    let mut ui = Ui::new();
    let number = awaiting_signature(&ui);
    let sign = k(lang, "ЭЦҚ арқылы қол қою", "Подписать ЭЦП");
    let give_back = k(lang, "Пысықтауға қайтару", "Вернуть на доработку");
    let admin_tab = k(lang, "Әкімшілік", "Администрирование");
    let new_tab = k(lang, "Жаңа өтініш", "Новое заявление");
    let head_tab = k(lang, "Бастықтың жұмыс үстелі", "Рабочий стол начальника");

    // The registrar sees the application awaiting signature but cannot sign or return it.
    ui.login(REGISTRAR, lang);
    ui.click_part(k(lang, "Барлығы ·", "Все ·"));
    ui.click(&number);
    ui.assert_sees(k(lang, "Қол қоюда", "На подписи"));
    ui.assert_not_sees(sign);
    ui.assert_not_sees(give_back);
    ui.assert_not_sees(k(lang, "Орындаушыны тағайындау", "Назначить исполнителя"));
    ui.assert_not_sees(admin_tab);
    ui.assert_not_sees(head_tab);
    ui.assert_sees(new_tab);
    ui.logout();

    // The executor: neither signing, nor the admin's or the head's screens, nor intake.
    ui.login(EXECUTOR, lang);
    ui.click_part(k(lang, "Қол қоюда ·", "На подписи ·"));
    ui.click(&number);
    ui.assert_sees(k(lang, "Қол қоюда", "На подписи"));
    ui.assert_not_sees(sign);
    ui.assert_not_sees(give_back);
    ui.assert_not_sees(k(lang, "Қол қоюға жіберу", "Направить на подпись"));
    ui.assert_not_sees(admin_tab);
    ui.assert_not_sees(head_tab);
    ui.assert_not_sees(new_tab);
    ui.logout();

    // The admin manages users but takes no applications and signs nothing.
    ui.login(ADMIN, lang);
    ui.assert_sees(admin_tab);
    ui.assert_not_sees(new_tab);
    ui.assert_not_sees(head_tab);
    ui.assert_not_sees(k(lang, "Кезектер", "Очереди"));
    ui.logout();

    // The head does sign.
    ui.login(HEAD, lang);
    ui.assert_sees(sign);
    ui.assert_sees(give_back);
    ui.assert_not_sees(admin_tab);
    ui.assert_not_sees(new_tab);
}

in_both_languages!(
    no_buttons_for_others,
    no_buttons_for_others_in_kazakh,
    no_buttons_for_others_in_russian
);

/// The registrar sorts the queue by a column's header, and the other way round with a second
/// click; the header shows the direction.
fn queue_sorted_by_a_column(lang: Lang) {
    let mut ui = Ui::new();
    let mut numbers = Vec::new();
    for iin in [APPLICANT, "850115300205"] {
        let r = ui
            .desk
            .register(
                Some(&ui.registrar),
                mio_desk::desk::intake::Registration {
                    service: "unemployed_certificate".into(),
                    channel: mio_desk::domain::model::Channel::Office,
                    person: common::applicant(iin),
                    intake: common::unemployed_intake(),
                    files: common::scans(&ui.desk, "unemployed_certificate"),
                    missing_reason: None,
                    accepted_at: None,
                    external: None,
                },
            )
            .unwrap();
        numbers.push(r.number);
    }
    let (first, second) = (numbers[0].clone(), numbers[1].clone());
    ui.login(REGISTRAR, lang);
    ui.click_part(k(lang, "Барлығы ·", "Все ·"));
    let order = |ui: &mut Ui| {
        let all = ui.texts();
        let at = |n: &str| {
            all.iter()
                .position(|t| t == n)
                .expect("the number is listed")
        };
        at(&first) < at(&second)
    };
    let header = k(lang, "Нөмір", "Номер");
    ui.click(header);
    ui.assert_sees(&format!("{header} ▲"));
    assert!(order(&mut ui), "ascending by number");
    ui.click(&format!("{header} ▲"));
    ui.assert_sees(&format!("{header} ▼"));
    assert!(!order(&mut ui), "descending by number");
}

in_both_languages!(
    queue_sorted_by_a_column,
    queue_sorted_by_a_column_in_kazakh,
    queue_sorted_by_a_column_in_russian
);

#[test]
fn intake_tab_order_follows_the_form() {
    let mut ui = Ui::new();
    ui.login(REGISTRAR, Lang::Kk);
    ui.click("Жаңа өтініш");
    let i = service_index(&ui, "unemployed_certificate");
    ui.pick(mio_desk::ui::screen::intake::SERVICE_ID, i, 16.0);
    let order = ui.tab_order();
    let at = |id: &str| {
        order
            .iter()
            .position(|o| o.contains(&format!("{id:?}")))
            .unwrap_or_else(|| panic!("{id} is not reached by Tab: {order:#?}"))
    };
    let visual = [
        "intake-iin",
        "intake-surname",
        "intake-given",
        "intake-patronymic",
        "intake-address",
        "intake-phone",
        "intake-doc",
        "intake-doc-by",
        "intake-doc-on",
        mio_desk::ui::screen::intake::SERVICE_SEARCH_ID,
        "intake-f-period_from",
        "intake-f-period_to",
    ];
    let got: Vec<usize> = visual.iter().map(|id| at(id)).collect();
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(
        got, sorted,
        "Tab does not follow the form's order {visual:?}: {order:#?}"
    );
}

fn idle_lock(lang: Lang) {
    let mut ui = Ui::new();
    ui.login(REGISTRAR, lang);
    ui.click(k(lang, "Жаңа өтініш", "Новое заявление"));
    ui.type_in("intake-iin", APPLICANT);
    ui.type_in("intake-surname", "Әбілқасымова");
    // Nine minutes away from the desk (by the office's clock) keep the window open; ten
    // (the office's setting) lock it.
    ui.clock.advance(chrono::Duration::minutes(9));
    ui.send(Message::Tick);
    assert!(ui.app.session().is_some());
    ui.clock.advance(chrono::Duration::minutes(1));
    ui.send(Message::Tick);
    assert!(ui.app.session().is_none());
    ui.assert_sees(k(
        lang,
        "Әрекетсіздікке байланысты терезе бұғатталды. Қайта кіріңіз: енгізілген деректер \
         сақталды.",
        "Окно заблокировано из-за бездействия. Войдите снова: введенные данные сохранены.",
    ));
    ui.assert_not_sees("Әбілқасымова");
    // The same clerk comes back to the form as it was left.
    ui.login(REGISTRAR, lang);
    ui.assert_sees(k(lang, "Өтініш беруші", "Заявитель"));
    ui.assert_sees(APPLICANT);
    ui.assert_sees("Әбілқасымова");
}

in_both_languages!(
    idle_lock,
    idle_lock_keeps_the_form_in_kazakh,
    idle_lock_keeps_the_form_in_russian
);

// ---------------------------------------------------------------------------------------
// An office on the office server: first run with *Test connection*, a second PC joining,
// and the live queue.

/// The parts of a test database's address, as the first-run form asks for them.
fn server_parts(url: &str) -> (String, String, String, String) {
    let cfg: postgres::Config = url.parse().unwrap();
    let host = match &cfg.get_hosts()[0] {
        postgres::config::Host::Tcp(h) => h.clone(),
        other => panic!("the test server is not on TCP: {other:?}"),
    };
    (
        host,
        cfg.get_ports().first().copied().unwrap_or(5432).to_string(),
        cfg.get_dbname().unwrap().to_string(),
        cfg.get_user().unwrap().to_string(),
    )
}

/// Fills the first-run form's server part (database `db`) and presses *Test connection*.
fn test_connection(w: &mut Win, lang: Lang, url: &str, db: &str) {
    let (host, port, _, user) = server_parts(url);
    w.retype("fr-db-host", &host);
    w.retype("fr-db-port", &port);
    w.retype("fr-db-name", db);
    w.retype("fr-db-user", &user);
    w.click(k(lang, "Қосылуды тексеру", "Проверить подключение"));
}

fn office_server_first_run(lang: Lang) {
    let Some(db) = mio_desk::store::testing::TestDb::empty() else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let fake = Fake::default();
    let boot = |pc: &str| {
        let (app, task) = App::boot(
            mio_desk::desk::DataDir::new(root.path().join(pc)),
            Platform::fake(&fake),
        );
        let mut w = Win::new(app, task);
        w.click(&mio_desk::i18n::lang_name(lang));
        w.click(k(lang, "Бөлімнің серверінде", "На сервере отдела"));
        w
    };
    // PC 01 sets the office up on the server. A database name that is not there first.
    let mut pc1 = boot("pc01");
    test_connection(&mut pc1, lang, &db.url, "no_such_office_db");
    pc1.assert_sees_part(k(
        lang,
        "Кеңсе серверінде мұндай дерекқор жоқ",
        "На сервере отдела нет такой базы данных",
    ));
    // Nothing is asked about the office before the server answers.
    pc1.assert_not_sees(k(lang, "Бөлім", "Отдел"));
    test_connection(&mut pc1, lang, &db.url, &db.name);
    pc1.assert_sees_part(k(lang, "дерекқор бос", "база пуста"));
    pc1.type_in("fr-code", "0412");
    pc1.type_in("fr-ws", "01");
    pc1.type_in("fr-kk", "Ақсу ауданының бөлімі");
    pc1.type_in("fr-ru", "Отдел Аксуского района");
    pc1.type_in("fr-iin", ADMIN);
    pc1.type_in("fr-name", "Сейітова Жанар");
    pc1.type_in("fr-pass", PASSWORD);
    pc1.type_in("fr-repeat", PASSWORD);
    pc1.click(k(lang, "Баптау", "Настроить"));
    // The first run ends on what the office still needs.
    assert!(
        matches!(pc1.app.screen(), mio_desk::ui::app::Screen::Setup(_)),
        "{:#?}",
        pc1.texts()
    );
    let toml = std::fs::read_to_string(root.path().join("pc01/server.toml")).unwrap();
    assert!(toml.contains(&db.name) && toml.contains("\"01\""), "{toml}");
    // PC 02 finds the office there and joins it; the taken code 01 is refused by name.
    let mut pc2 = boot("pc02");
    test_connection(&mut pc2, lang, &db.url, &db.name);
    pc2.assert_sees_part("0412");
    pc2.type_in("fr-ws", "01");
    let join = k(lang, "Осы компьютерді қосу", "Подключить этот компьютер");
    pc2.click(join);
    pc2.assert_sees_part(k(
        lang,
        "01 жұмыс орнының коды",
        "Код рабочего места 01 уже занят",
    ));
    pc2.retype("fr-ws", "02");
    pc2.click(join);
    assert!(
        matches!(pc2.app.screen(), mio_desk::ui::app::Screen::Setup(_)),
        "{:#?}",
        pc2.texts()
    );
    // The admin made on PC 01 logs in on PC 02: one office, one set of users.
    pc2.send(Message::Setup(
        mio_desk::ui::screen::checklist::Message::Login,
    ));
    pc2.login(ADMIN, lang);
}

in_both_languages!(
    office_server_first_run,
    office_server_first_run_and_join_in_kazakh,
    office_server_first_run_and_join_in_russian
);

/// Waits (up to `limit`) for the listener to pass on an event `want` accepts; the events heard
/// on the way are returned with it, in order.
fn hear(
    rx: &std::sync::mpsc::Receiver<mio_desk::store::live::Event>,
    limit: std::time::Duration,
    want: impl Fn(&mio_desk::store::live::Event) -> bool,
) -> Vec<mio_desk::store::live::Event> {
    let start = std::time::Instant::now();
    let mut heard = Vec::new();
    while start.elapsed() < limit {
        if let Ok(e) = rx.recv_timeout(std::time::Duration::from_millis(50)) {
            if mio_desk::store::live::is_keepalive(&e) {
                continue;
            }
            let done = want(&e);
            heard.push(e);
            if done {
                return heard;
            }
        }
    }
    panic!("not heard within {limit:?}; heard {heard:#?}");
}

fn live_queue(lang: Lang) {
    use mio_desk::store::live::Event;
    // PC 02 is the test office (tests/common) on the server; PC 03 joins it and shows its
    // queue to the registrar.
    let Some(o) = common::office_on(common::Backend::Postgres) else {
        return;
    };
    let url = o.db.as_ref().unwrap().url.clone();
    let pc3_dir = tempfile::tempdir().unwrap();
    let pc3 = Arc::new(common::join_pc(&o, "03", pc3_dir.path()));
    let rx = pc3.listen().expect("an office on the server listens");
    hear(&rx, std::time::Duration::from_secs(10), |e| {
        *e == Event::Connected
    });
    let fake = Fake::default();
    let (app, task) = App::with_desk(pc3.data_dir().clone(), pc3.clone(), Platform::fake(&fake));
    let mut w = Win::new(app, task);
    w.login(REGISTRAR, lang);
    // PC 02 registers; PC 03 hears it within a second and its queue shows it, marked new.
    let started = std::time::Instant::now();
    let r = o
        .desk
        .register(
            Some(&o.registrar),
            common::registration(
                &o,
                "unemployed_certificate",
                mio_desk::domain::model::Channel::Office,
                APPLICANT,
                common::unemployed_intake(),
            ),
        )
        .unwrap();
    let heard = hear(
        &rx,
        std::time::Duration::from_secs(1),
        |e| matches!(e, Event::Changed(n) if n.app == Some(r.id)),
    );
    let delay = started.elapsed();
    assert!(delay < std::time::Duration::from_secs(1), "{delay:?}");
    for e in heard {
        w.send(Message::Live(e));
    }
    assert!(w.app.new_apps().contains(&r.id));
    w.assert_sees(&r.number);
    w.assert_sees("●");
    // Opening it clears the mark.
    w.click(&r.number);
    assert!(!w.app.new_apps().contains(&r.id));
    // The server drops PC 03's listening connection (as when it restarts): the window says
    // the server is away, and stops saying so when the listener is back by itself.
    {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
            &[],
        )
        .unwrap();
    }
    let away = k(
        lang,
        "Бөлімнің сервері қолжетімсіз",
        "Сервер отдела недоступен",
    );
    for e in hear(&rx, std::time::Duration::from_secs(10), |e| {
        matches!(e, Event::Lost(_))
    }) {
        w.send(Message::Live(e));
    }
    assert!(w.app.server_away().is_some());
    w.assert_sees_part(away);
    for e in hear(&rx, std::time::Duration::from_secs(30), |e| {
        *e == Event::Connected
    }) {
        w.send(Message::Live(e));
    }
    assert!(w.app.server_away().is_none());
    let all = w.texts();
    assert!(!all.iter().any(|t| t.contains(away)), "{all:#?}");
}

in_both_languages!(
    live_queue,
    the_queue_shows_another_pcs_application_at_once_in_kazakh,
    the_queue_shows_another_pcs_application_at_once_in_russian
);

// Issue 16: a paper handed to a representative; people changed on purpose.

/// An application the head has signed, ready to hand over.
fn signed(ui: &Ui) -> String {
    let number = awaiting_signature(ui);
    let id = ui.desk.application(&ui.registrar, &number).unwrap().app.id;
    ui.desk
        .sign(
            &ui.head,
            mio_desk::desk::flow::Target::id(id),
            &ui.key,
            common::PIN,
        )
        .unwrap();
    number
}

/// A representative takes the paper: the power of attorney is asked for, every problem of
/// it is said at once under its field and goes when fixed, its scan comes through the dialog
/// or, when no dialog opens, from a typed path; the history and the application say who took
/// the paper and by which power of attorney.
fn issue_to_a_representative(lang: Lang) {
    let mut ui = Ui::new();
    let number = signed(&ui);
    ui.login(REGISTRAR, lang);
    ui.click_part(k(lang, "Беруге ·", "К выдаче ·"));
    ui.click(&number);
    assert_eq!(
        ui.value_of("app-collector").as_deref(),
        Some("000000000000")
    );
    // Someone else's ИИН: the power-of-attorney form appears.
    let collector = "900101300017";
    ui.type_in("app-collector", collector);
    ui.assert_sees(k(
        lang,
        "Алушы — сенімхат бойынша өкіл",
        "Получатель — представитель по доверенности",
    ));
    let issue = k(lang, "Беру және басып шығару", "Выдать и напечатать");
    let required = k(
        lang,
        "міндетті өріс толтырылмаған",
        "обязательное поле не заполнено",
    );
    let name_l = k(lang, "Алушының Т.А.Ә. *", "Ф.И.О. получателя *");
    let number_l = k(lang, "Сенімхат нөмірі *", "Номер доверенности *");
    let date_l = k(lang, "Сенімхат күні *", "Дата доверенности *");
    let issuer_l = k(
        lang,
        "Кім куәландырған (нотариус, ұйым) *",
        "Кем удостоверена (нотариус, организация) *",
    );
    let principal_l = k(
        lang,
        "Сенімхаттағы сенім білдірушінің ЖСН *",
        "ИИН доверителя в доверенности *",
    );
    let scan_l = k(lang, "Сенімхаттың сканы *", "Скан доверенности *");
    // Issue with nothing filled: every field says what is missing, all at once.
    ui.click(issue);
    for label in [name_l, number_l, date_l, issuer_l, principal_l] {
        ui.assert_under(label, required);
    }
    ui.assert_under_within(scan_l, required, 5);
    assert_eq!(ui.status_of(&number), Status::Signed);
    // Filled, but an impossible date and the collector's own ИИН as the principal.
    ui.type_in("app-collector-name", "Серікбаев Нұрлан");
    ui.type_in("app-proxy-number", "2-1234");
    ui.type_in("app-proxy-date", "31.02.2026");
    ui.type_in("app-proxy-issuer", "Нотариус Қасымова А.Б.");
    ui.type_in("app-proxy-principal", collector);
    // A field fixed loses its message; the others keep theirs.
    for label in [name_l, number_l, date_l, issuer_l, principal_l] {
        ui.assert_not_under(label, required);
    }
    ui.assert_under_within(scan_l, required, 5);
    ui.click(issue);
    ui.assert_under(
        date_l,
        k(
            lang,
            "күнтізбеде мұндай күн жоқ",
            "такой даты нет в календаре",
        ),
    );
    let other = k(lang, "бұл басқа адамның ЖСН", "это ИИН другого человека");
    ui.assert_under(principal_l, other);
    ui.assert_under_within(scan_l, required, 5);
    ui.retype("app-proxy-principal", APPLICANT);
    ui.assert_not_sees(other);
    ui.retype("app-proxy-date", "10.11.2026");
    // No file dialog opens (the fake returns nothing): the typed path brings the scan.
    *ui.fake.file.lock().unwrap() = None;
    ui.click_id("app-proxy-attach");
    ui.assert_under_within(scan_l, required, 5);
    let scan = ui.scan_file("doverennost.png");
    ui.type_in("app-proxy-path", scan.to_str().unwrap());
    ui.key_in("app-proxy-path", Named::Enter);
    ui.assert_sees("Скан: doverennost.png");
    ui.click(issue);
    ui.assert_sees(k(lang, "Нәтиже берілді.", "Результат выдан."));
    assert_eq!(ui.status_of(&number), Status::Issued);
    let v = ui.desk.application(&ui.registrar, &number).unwrap();
    assert_eq!(
        v.app.collector_iin.map(|i| i.as_string()).as_deref(),
        Some(collector)
    );
    assert_eq!(
        v.handover.collector_name.as_deref(),
        Some("Серікбаев Нұрлан")
    );
    assert_eq!(v.handover.proxy.as_ref().unwrap().number, "2-1234");
    // The application says who took the paper; the history too.
    ui.assert_sees_part(&format!("Серікбаев Нұрлан ({collector})"));
    ui.assert_sees_part(k(
        lang,
        "10.11.2026 күнгі № 2-1234 сенімхат бойынша",
        "по доверенности № 2-1234 от 10.11.2026",
    ));
    ui.assert_sees(&format!(
        "{}: Серікбаев Нұрлан (№ 2-1234)",
        k(lang, "Берілді", "Выдано")
    ));
    ui.assert_sees_part("doverennost.png");
}

in_both_languages!(
    issue_to_a_representative,
    issue_to_a_representative_in_kazakh,
    issue_to_a_representative_in_russian
);

/// Editing a known person's prefilled name at intake says so and asks why; without a reason
/// nothing is registered; with it, the new application has the new name, and the older one
/// keeps the name it was registered with and says the person changed since.
fn a_person_is_changed_on_purpose(lang: Lang) {
    let mut ui = Ui::new();
    let (_, older) = registered_and_assigned(&ui);
    ui.login(REGISTRAR, lang);
    ui.click(k(lang, "Жаңа өтініш", "Новое заявление"));
    ui.type_in("intake-iin", APPLICANT);
    assert_eq!(
        ui.value_of("intake-surname").as_deref(),
        Some("Әбілқасымова")
    );
    let warning = k(
        lang,
        "Сіз бөлімге бұрыннан белгілі адамның деректерін өзгертіп жатырсыз (Тегі)",
        "Вы меняете данные человека, уже известного отделу (Фамилия)",
    );
    ui.assert_not_sees(warning);
    ui.retype("intake-surname", "Abilkasymova");
    ui.assert_sees_part(warning);
    let i = service_index(&ui, "asp_membership_certificate");
    ui.pick(mio_desk::ui::screen::intake::SERVICE_ID, i, 16.0);
    *ui.fake.scans.lock().unwrap() = vec![ui.scan_file("udostoverenie.png")];
    ui.click_id("attach-identity_document");
    *ui.fake.scans.lock().unwrap() = vec![ui.scan_file("zayavlenie.png")];
    ui.click_id("attach-application");
    let register = k(lang, "Тіркеу", "Зарегистрировать");
    ui.click(register);
    let reason_l = k(
        lang,
        "Деректерді өзгерту себебі *",
        "Причина изменения данных *",
    );
    let why = k(
        lang,
        "Адамның деректері сақталғандардан өзгеше (Тегі). Егер олар өзгерсе, себебін \
         көрсетіңіз: өзгеріс тарихта сақталады, бұрынғы өтініштерде тіркеу кезіндегі деректер \
         қалады.",
        "Данные человека отличаются от сохраненных (Фамилия). Если они изменились, укажите \
         причину: изменение сохранится в истории, прежние заявления сохранят данные на момент \
         регистрации.",
    );
    ui.assert_under(reason_l, why);
    assert_eq!(applications(&ui), 1);
    ui.type_in("intake-person-reason", "Неке туралы куәлік");
    ui.assert_not_sees(why);
    ui.click(register);
    ui.assert_sees(k(lang, "Өтініш тіркелді", "Заявление зарегистрировано"));
    assert_eq!(applications(&ui), 2);
    let old = ui.desk.application(&ui.registrar, &older).unwrap();
    assert_eq!(old.applicant.person.surname, "Әбілқасымова");
    assert_eq!(old.person.surname, "Abilkasymova");
    // The older application, opened: the name as registered, and a word that it changed.
    ui.click(k(lang, "Кезектер", "Очереди"));
    ui.click_part(k(lang, "Жұмыста ·", "В работе ·"));
    ui.click(&older);
    ui.assert_sees("Әбілқасымова Гүлшат Зиналбекқызы");
    ui.assert_sees_part(k(
        lang,
        "Өтініш берушінің деректері осы өтініш тіркелгеннен кейін өзгертілді",
        "Данные заявителя изменены после регистрации этого заявления",
    ));
    ui.assert_sees_part("Неке туралы куәлік");
    ui.assert_sees_part("Abilkasymova Гүлшат Зиналбекқызы");
}

in_both_languages!(
    a_person_is_changed_on_purpose,
    a_person_is_changed_on_purpose_in_kazakh,
    a_person_is_changed_on_purpose_in_russian
);

/// Printing tells the truth: the paper is shown before it prints, on a printer the clerk
/// chooses; a refused job or a missing printer is said in the user's language, nothing is
/// recorded as printed, and "save as PDF" is always there; a bad folder is named in words.
fn printing_tells_the_truth(lang: Lang) {
    let mut ui = Ui::new();
    let (_, number) = registered_and_assigned(&ui);
    ui.login(REGISTRAR, lang);
    ui.click_part(k(lang, "Жұмыста ·", "В работе ·"));
    ui.click(&number);
    let prints = |ui: &Ui| {
        ui.desk
            .application(&ui.registrar, &number)
            .unwrap()
            .history
            .iter()
            .filter(|h| h.action == "print" || h.action == "save-pdf")
            .map(|h| (h.action.clone(), h.details.clone()))
            .collect::<Vec<_>>()
    };
    let receipt = k(lang, "Қолхатты басып шығару", "Печать расписки");
    ui.click(receipt);
    ui.assert_sees(k(
        lang,
        "Басып шығару: Құжаттарды қабылдау туралы қолхат",
        "Печать: Расписка о приеме документов",
    ));
    ui.snapshot(&format!("{}-print", prefix(lang)));
    // The printer refuses the job: said so, nothing recorded as printed.
    *ui.fake.reject.lock().unwrap() = Some("Out of paper".into());
    ui.click_id(mio_desk::ui::screen::print::PRINT_ID);
    ui.assert_sees(k(
        lang,
        "Kense-HP принтері тапсырманы қабылдамады, құжат басылмады. Принтердің қосулы екенін \
         және қағаз барын тексеріп, қайталаңыз — немесе құжатты PDF ретінде сақтаңыз. (Out of \
         paper)",
        "Принтер Kense-HP не принял задание, документ не напечатан. Проверьте, что принтер \
         включен и в нем есть бумага, и повторите — или сохраните документ как PDF. (Out of \
         paper)",
    ));
    assert!(prints(&ui).is_empty(), "{:?}", prints(&ui));
    assert!(ui.fake.printed.lock().unwrap().is_empty());
    // Saving into a folder that is not there: the folder named, in words.
    let nowhere = ui.dir.path().join("no-such-folder").join("qolhat.pdf");
    *ui.fake.file.lock().unwrap() = Some(nowhere.clone());
    ui.click_id(mio_desk::ui::screen::print::SAVE_ID);
    let shown = nowhere.display().to_string();
    ui.assert_sees(&match lang {
        Lang::Kk => {
            format!("{shown} сақтау мүмкін болмады: мұндай қалта жоқ. Басқа қалтаны таңдаңыз.")
        }
        Lang::Ru => {
            format!("Не удалось сохранить {shown}: такой папки нет. Выберите другую папку.")
        }
    });
    assert!(prints(&ui).is_empty());
    // Save as PDF always works: the file is the paper, and the save is recorded.
    let file = ui.dir.path().join("qolhat.pdf");
    *ui.fake.file.lock().unwrap() = Some(file.clone());
    ui.click_id(mio_desk::ui::screen::print::SAVE_ID);
    ui.assert_sees(&format!(
        "{} {}",
        k(lang, "Құжат сақталды:", "Документ сохранен:"),
        file.display()
    ));
    assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF-"));
    let p = prints(&ui);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].0, "save-pdf");
    // No printer on this PC: said before trying, "print" cannot be pressed.
    ui.fake.printers.lock().unwrap().clear();
    ui.click(receipt);
    ui.assert_sees(k(
        lang,
        "Бұл компьютерде бірде-бір принтер бапталмаған. Құжатты PDF ретінде сақтап, басқа \
         компьютерден басып шығарыңыз; принтерді әкімші қосады.",
        "На этом компьютере не настроен ни один принтер. Сохраните документ как PDF и \
         напечатайте его с другого компьютера; принтер подключает администратор.",
    ));
    ui.click_id(mio_desk::ui::screen::print::PRINT_ID);
    assert!(ui.fake.printed.lock().unwrap().is_empty());
    // The printer back and working: printed, and recorded with the printer and the job.
    *ui.fake.printers.lock().unwrap() = vec!["Kense-HP".into(), "Bastyq-Canon".into()];
    *ui.fake.reject.lock().unwrap() = None;
    ui.click(k(lang, "Жабу", "Закрыть"));
    ui.click(receipt);
    ui.click_id(mio_desk::ui::screen::print::PRINT_ID);
    ui.assert_sees_part(k(
        lang,
        "Kense-HP принтеріне жіберілді (Kense-HP-1 тапсырмасы)",
        "отправлен на принтер Kense-HP (задание Kense-HP-1)",
    ));
    let p = prints(&ui);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[1].0, "print");
    let d: serde_json::Value = serde_json::from_str(&p[1].1).unwrap();
    assert_eq!(d["printer"], serde_json::json!("Kense-HP"));
    assert_eq!(d["job"], serde_json::json!("Kense-HP-1"));
    assert_eq!(d["kind"], serde_json::json!("receipt"));
}

in_both_languages!(
    printing_tells_the_truth,
    printing_tells_the_truth_in_kazakh,
    printing_tells_the_truth_in_russian
);

/// The language chosen on the login screen wins over the one the user had saved, and becomes
/// the saved one.
fn the_language_chosen_at_login_wins(lang: Lang) {
    let mut ui = Ui::new();
    let other = match lang {
        Lang::Kk => Lang::Ru,
        Lang::Ru => Lang::Kk,
    };
    ui.desk.set_language(&ui.registrar, other).unwrap();
    ui.click(k(lang, "Қазақша", "Русский"));
    ui.type_in("login-iin", REGISTRAR);
    assert_eq!(
        ui.lang(),
        lang,
        "the saved language replaced the chosen one"
    );
    ui.type_in("login-password", PASSWORD);
    ui.key_in("login-password", Named::Enter);
    assert_eq!(ui.app.session().map(|s| s.lang), Some(lang));
    assert_eq!(ui.lang(), lang);
    assert_eq!(ui.desk.user_language(REGISTRAR), Some(lang));
    ui.assert_sees(k(lang, "Өтініштер кезегі", "Очереди заявлений"));
}

in_both_languages!(
    the_language_chosen_at_login_wins,
    the_language_chosen_at_login_wins_in_kazakh,
    the_language_chosen_at_login_wins_in_russian
);

/// An application of `iin` the executor has sent for signature.
fn awaiting_for(ui: &Ui, iin: &str) -> String {
    let r = ui
        .desk
        .register(
            Some(&ui.registrar),
            mio_desk::desk::intake::Registration {
                service: "unemployed_certificate".into(),
                channel: mio_desk::domain::model::Channel::Office,
                person: common::applicant(iin),
                intake: common::unemployed_intake(),
                files: common::scans(&ui.desk, "unemployed_certificate"),
                missing_reason: None,
                accepted_at: None,
                external: None,
            },
        )
        .unwrap();
    let t = mio_desk::desk::flow::Target::id(r.id);
    ui.desk
        .assign(&ui.head, t, ui.executor.user_id, "Қарау")
        .unwrap();
    ui.desk
        .submit_draft(&ui.executor, t, &common::unemployed_decision())
        .unwrap();
    r.number
}

/// The head sees every paper awaiting signature, filters and ticks them, and signs the ticked
/// ones with one PIN entry; a wrong PIN signs none.
fn the_head_signs_several(lang: Lang) {
    let mut ui = Ui::new();
    let one = awaiting_for(&ui, "900101300017");
    let two = awaiting_for(&ui, "920202400016");
    let three = awaiting_for(&ui, "920305450121");
    ui.login(HEAD, lang);
    ui.assert_sees(k(lang, "қол қоюды күтуде: 3", "ожидают подписи: 3"));
    for n in [&one, &two, &three] {
        ui.assert_sees(n.as_str());
    }
    ui.snapshot(&format!("{}-head-list", prefix(lang)));
    // The filter narrows the list; "tick all" ticks what it shows.
    ui.type_in("head-filter", &one);
    ui.click(k(lang, "Барлығын белгілеу", "Отметить все"));
    ui.assert_sees(k(
        lang,
        "Белгіленгендерге қол қою (1)",
        "Подписать отмеченные (1)",
    ));
    ui.retype("head-filter", "");
    let pick: &'static str = Box::leak(format!("pick-{three}").into_boxed_str());
    ui.click_id(pick);
    let sign = k(
        lang,
        "Белгіленгендерге қол қою (2)",
        "Подписать отмеченные (2)",
    );
    ui.click(sign);
    ui.assert_sees_part(&format!("{one}, {three}"));
    // A wrong PIN: said, nothing signed, the dialog stays.
    ui.type_in("batch-pin", "000000");
    ui.key_in("batch-pin", Named::Enter);
    ui.assert_sees(k(
        lang,
        "Кілттің PIN-коды қате. Қалған әрекет саны: 4; олардан кейін кілт 15 минутқа бұғатталады.",
        "Неверный PIN-код ключа. Осталось попыток: 4; после них ключ блокируется на 15 минут.",
    ));
    for n in [&one, &two, &three] {
        assert_eq!(ui.status_of(n), Status::AwaitingSignature);
    }
    ui.type_in("batch-pin", common::PIN);
    ui.key_in("batch-pin", Named::Enter);
    ui.assert_sees(k(
        lang,
        "Қол қойылған құжаттар: 2 / 2.",
        "Подписано документов: 2 из 2.",
    ));
    assert_eq!(ui.status_of(&one), Status::Signed);
    assert_eq!(ui.status_of(&two), Status::AwaitingSignature);
    assert_eq!(ui.status_of(&three), Status::Signed);
    ui.click(k(lang, "Жабу", "Закрыть"));
    ui.assert_sees(k(lang, "қол қоюды күтуде: 1", "ожидают подписи: 1"));
}

in_both_languages!(
    the_head_signs_several,
    the_head_signs_several_in_kazakh,
    the_head_signs_several_in_russian
);

/// Backups get a name with the date and time (a second one the same second gets its own),
/// are listed with their size and time, are restored from the list after a confirmation, and
/// the admin is told to copy them away from this disk.
fn backups_are_named_listed_and_restored_from_the_list(lang: Lang) {
    let mut ui = Ui::new();
    ui.login(ADMIN, lang);
    ui.click(k(lang, "Сақтық көшірме", "Резервная копия"));
    ui.assert_sees_part(k(
        lang,
        "Көшірмелер осы дискіде сақталады",
        "Копии хранятся на этом же диске",
    ));
    ui.assert_sees(k(
        lang,
        "Сақтық көшірмелер әзірге жоқ.",
        "Резервных копий пока нет.",
    ));
    let make = k(lang, "Көшірме жасау", "Создать копию");
    ui.click(make);
    ui.assert_sees(k(
        lang,
        "Сақтық көшірме жасалды.",
        "Резервная копия создана.",
    ));
    ui.click(make);
    let first = "mio-desk-2026-11-16-100000.miobak";
    let second = "mio-desk-2026-11-16-100000-2.miobak";
    ui.assert_sees(first);
    ui.assert_sees(second);
    ui.assert_sees_part("16.11.2026 10:00");
    let dir = ui.desk.data_dir().backups();
    assert!(dir.join(first).exists() && dir.join(second).exists());
    assert_eq!(ui.desk.backup_list(&ui.admin).unwrap().len(), 2);
    ui.snapshot(&format!("{}-backups", prefix(lang)));
    // Restore from the list asks first, naming the file; "cancel" changes nothing.
    ui.click(k(lang, "Қалпына келтіру…", "Восстановить…"));
    let ask = match lang {
        Lang::Kk => format!(
            "Деректерді {second} көшірмесінен қалпына келтіру керек пе? Ағымдағы деректер \
             көшірме деректерімен алмастырылады (олар жанында сақталады)."
        ),
        Lang::Ru => format!(
            "Восстановить данные из копии {second}? Текущие данные будут заменены данными \
             копии (они сохраняются рядом)."
        ),
    };
    ui.assert_sees(&ask);
    ui.click(k(lang, "Бас тарту", "Отмена"));
    ui.assert_not_sees(&ask);
}

in_both_languages!(
    backups_are_named_listed_and_restored_from_the_list,
    backups_in_kazakh,
    backups_in_russian
);

/// A backup sealed with a passphrase from the window: too short a passphrase is refused in
/// the user's language; the sealed file is written; a restore of it without the passphrase
/// is refused with a message naming the passphrase field, and nothing is replaced.
fn a_sealed_backup_needs_its_passphrase_to_restore(lang: Lang) {
    let mut ui = Ui::new();
    ui.login(ADMIN, lang);
    ui.click(k(lang, "Сақтық көшірме", "Резервная копия"));
    let make = k(lang, "Көшірме жасау", "Создать копию");
    ui.type_in("adm-backup-passphrase", "қысқа");
    ui.click(make);
    ui.assert_sees_part(k(
        lang,
        "құпиясөзі кемінде 10 таңбадан",
        "не короче 10 символов",
    ));
    assert!(ui.desk.backup_list(&ui.admin).unwrap().is_empty());
    ui.retype("adm-backup-passphrase", "берік құпия сөз 2026");
    ui.click(make);
    ui.assert_sees(k(
        lang,
        "Сақтық көшірме жасалды.",
        "Резервная копия создана.",
    ));
    let list = ui.desk.backup_list(&ui.admin).unwrap();
    assert_eq!(list.len(), 1);
    let head = std::fs::read(&list[0].path).unwrap();
    let first_line = head.split(|b| *b == b'\n').next().unwrap().to_vec();
    assert_eq!(
        String::from_utf8_lossy(&first_line),
        "MIODESK-BACKUP-2",
        "the sealed kind of backup"
    );
    // The passphrase is forgotten once the backup is written; a restore without it is refused.
    assert_eq!(ui.value_of("adm-backup-passphrase").as_deref(), Some(""));
    ui.click(k(lang, "Қалпына келтіру…", "Восстановить…"));
    ui.click(k(lang, "Иә, қалпына келтіру", "Да, восстановить"));
    ui.assert_sees_part(k(
        lang,
        "«Көшірменің құпиясөзі» өрісі",
        "поле «Пароль копии»",
    ));
    // Nothing was replaced: the office is still the one it was, its backup still listed.
    assert_eq!(ui.desk.backup_list(&ui.admin).unwrap().len(), 1);
}

in_both_languages!(
    a_sealed_backup_needs_its_passphrase_to_restore,
    sealed_backup_in_kazakh,
    sealed_backup_in_russian
);

/// The exchange by USB stick from the gateway screen: a path is asked for, a file that is not
/// a package is refused in the user's language, and a department with no akimat to write for
/// is told which field names one.
fn the_usb_exchange_is_in_the_window(lang: Lang) {
    let mut ui = Ui::new();
    ui.login(REGISTRAR, lang);
    ui.click("Шлюз");
    let write = k(lang, "Пакетті жазу", "Записать пакет");
    let apply = k(lang, "Пакетті қолдану", "Применить пакет");
    ui.click(write);
    ui.assert_sees(k(
        lang,
        "Пакет файлының жолын енгізіңіз немесе файлды таңдаңыз.",
        "Укажите путь к файлу пакета или выберите файл.",
    ));
    let junk = ui.dir.path().join("paket.json");
    std::fs::write(&junk, b"not a package").unwrap();
    ui.type_in("gw-package", junk.to_str().unwrap());
    ui.click(apply);
    ui.assert_sees(k(
        lang,
        "Файл толық емес (үзіліп қалған) немесе ол алмасу пакеті емес. Пакетті қайта жазып \
         алыңыз.",
        "Файл неполный (оборван) или не является пакетом обмена. Перепишите пакет заново.",
    ));
    let out = ui.dir.path().join("out.json");
    ui.retype("gw-package", out.to_str().unwrap());
    ui.click(write);
    ui.assert_sees_part(k(lang, "«Әкімдік (коды)» өрісі", "поле «Акимат (код)»"));
    assert!(!out.exists(), "nothing written");
}

in_both_languages!(
    the_usb_exchange_is_in_the_window,
    usb_exchange_in_kazakh,
    usb_exchange_in_russian
);

/// Leaving the admin screen while a backup is on its way stops it: its task is aborted with
/// the screen, and no backup is written.
#[test]
fn leaving_the_admin_screen_stops_its_backup() {
    use mio_desk::ui::screen::admin;
    let mut ui = Ui::new();
    ui.login(ADMIN, Lang::Kk);
    ui.click("Сақтық көшірме");
    // The backup starts; the window has not run its task yet when the admin goes elsewhere.
    let task = {
        let _in = ui.rt.enter();
        ui.app.update(Message::Admin(admin::Message::Backup(
            admin::backup::Message::Start,
        )))
    };
    ui.click("Құжатты тексеру");
    ui.run(task);
    assert!(ui.desk.backup_list(&ui.admin).unwrap().is_empty());
    assert!(
        std::fs::read_dir(ui.desk.data_dir().backups())
            .map(|d| d.count() == 0)
            .unwrap_or(true),
        "a backup (or a part of one) was written after its screen closed"
    );
    ui.click("Әкімшілік");
    ui.click("Сақтық көшірме");
    ui.assert_sees("Сақтық көшірмелер әзірге жоқ.");
}

/// The first run ends on what the new office still needs, each step a click away; the admin's
/// screen keeps the list until every step is done.
fn the_first_run_ends_on_a_checklist(lang: Lang) {
    let mut ui = Ui::new();
    let fresh = ui.dir.path().join("fresh");
    let (app, task) = App::boot(
        mio_desk::desk::DataDir::new(&fresh),
        Platform::fake(&ui.fake),
    );
    ui.app = app;
    ui.run(task);
    if lang == Lang::Ru {
        ui.click("Русский");
    }
    ui.type_in("fr-code", "0412");
    ui.type_in("fr-ws", "01");
    ui.type_in("fr-kk", "Ақсу ауданының жұмыспен қамту бөлімі");
    ui.type_in("fr-ru", "Отдел занятости Аксуского района");
    ui.type_in("fr-iin", ADMIN);
    ui.type_in("fr-name", "Сейітова Жанар");
    ui.type_in("fr-pass", PASSWORD);
    ui.type_in("fr-repeat", PASSWORD);
    ui.click(k(lang, "Баптау", "Настроить"));
    ui.assert_sees(k(lang, "Бөлім құрылды", "Отдел создан"));
    for step in [
        k(
            lang,
            "• 1. Әкімші ретінде кіру",
            "• 1. Войти как администратор",
        ),
        k(
            lang,
            "• 2. Қызметкерлерді қосу: кеңсе қызметкерін, орындаушыны және бөлім бастығын",
            "• 2. Добавить сотрудников: регистратора, исполнителя и начальника отдела",
        ),
        k(
            lang,
            "• 3. Бөлім бастығына ЭЦҚ кілтін беру",
            "• 3. Выдать начальнику отдела ключ ЭЦП",
        ),
        k(
            lang,
            "• 4. Өңірлік шлюзді қосу",
            "• 4. Подключить региональный шлюз",
        ),
        k(
            lang,
            "• 5. Алғашқы сақтық көшірмені жасау",
            "• 5. Сделать первую резервную копию",
        ),
    ] {
        ui.assert_sees(step);
    }
    ui.snapshot(&format!("{}-first-run-checklist", prefix(lang)));
    ui.click(k(lang, "Кіру", "Войти"));
    ui.type_in("login-iin", ADMIN);
    ui.type_in("login-password", PASSWORD);
    ui.key_in("login-password", Named::Enter);
    assert!(ui.app.session().is_some(), "{:#?}", ui.texts());
    // On the admin's screen: logged in is done; the staff step opens the users.
    ui.assert_sees(k(
        lang,
        "✓ 1. Әкімші ретінде кіру",
        "✓ 1. Войти как администратор",
    ));
    ui.assert_sees_part(k(
        lang,
        "Әкімшілік → Сақтық көшірме",
        "Администрирование → Резервная копия",
    ));
}

in_both_languages!(
    the_first_run_ends_on_a_checklist,
    the_first_run_ends_on_a_checklist_in_kazakh,
    the_first_run_ends_on_a_checklist_in_russian
);

/// When no file dialog opens, intake says so and takes the scan's path instead; a path that is
/// not there is named in words.
fn a_scan_comes_in_by_its_path_when_no_dialog_opens(lang: Lang) {
    let mut ui = Ui::new();
    ui.login(REGISTRAR, lang);
    ui.click(k(lang, "Жаңа өтініш", "Новое заявление"));
    let i = service_index(&ui, "unemployed_certificate");
    ui.pick(mio_desk::ui::screen::intake::SERVICE_ID, i, 16.0);
    // The dialog gives nothing.
    ui.fake.scans.lock().unwrap().clear();
    ui.click_id("attach-identity_document");
    ui.assert_sees_part(k(
        lang,
        "Файл таңдау терезесі ашылмады",
        "Окно выбора файла не открылось",
    ));
    let missing = ui.dir.path().join("joq.png");
    ui.type_in("intake-scan-path", missing.to_str().unwrap());
    ui.key_in("intake-scan-path", Named::Enter);
    ui.assert_sees(&match lang {
        Lang::Kk => format!(
            "{} файлын оқу мүмкін болмады: мұндай файл жоқ.",
            missing.display()
        ),
        Lang::Ru => format!(
            "Не удалось прочитать файл {}: такого файла нет.",
            missing.display()
        ),
    });
    let scan = ui.scan_file("udostoverenie.png");
    ui.type_in("intake-scan-path", scan.to_str().unwrap());
    ui.key_in("intake-scan-path", Named::Enter);
    ui.assert_sees("udostoverenie.png");
    ui.assert_sees(k(lang, "скан: 1", "сканов: 1"));
    // A PDF scan of two pages opens in the viewer before it is registered, page by page.
    let pdf = ui.dir.path().join("anyqtama.pdf");
    std::fs::write(
        &pdf,
        mio_desk::ui::scan::sample_scan_pdf(&[(60, 80, [200, 30, 30]), (60, 80, [30, 30, 200])]),
    )
    .unwrap();
    ui.type_in("intake-scan-path", pdf.to_str().unwrap());
    ui.key_in("intake-scan-path", Named::Enter);
    ui.assert_sees(k(lang, "скан: 2", "сканов: 2"));
    ui.click_id("scan-thumb-1");
    let page = |n: u32| match lang {
        Lang::Kk => format!("2 беттің {n}-беті"),
        Lang::Ru => format!("Страница {n} из 2"),
    };
    ui.assert_sees(&page(1));
    ui.click("▶");
    ui.assert_sees(&page(2));
    ui.assert_not_sees(k(
        lang,
        "Бұл бетті салу мүмкін болмады: файл бүлінген немесе онда бағдарлама қолдамайтын нәрсе \
         бар. Файлды PDF бағдарламасында ашыңыз.",
        "Эту страницу не удалось отрисовать: файл поврежден или в нем то, что программа не \
         поддерживает. Откройте файл в программе для PDF.",
    ));
    ui.click(k(lang, "Жабу", "Закрыть"));
    ui.assert_not_sees(&page(2));
}

in_both_languages!(
    a_scan_comes_in_by_its_path_when_no_dialog_opens,
    scan_by_path_in_kazakh,
    scan_by_path_in_russian
);

/// The scan viewer: a PDF scan page by page, zoom, a quarter turn, close.
fn the_scan_viewer_shows_pages_zooms_turns_and_closes(lang: Lang) {
    let mut ui = Ui::new();
    let mut files = common::scans(&ui.desk, "unemployed_certificate");
    files[0].file_name = "pasport.pdf".into();
    files[0].bytes =
        mio_desk::ui::scan::sample_scan_pdf(&[(60, 80, [200, 30, 30]), (80, 60, [30, 30, 200])]);
    let r = ui
        .desk
        .register(
            Some(&ui.registrar),
            mio_desk::desk::intake::Registration {
                service: "unemployed_certificate".into(),
                channel: mio_desk::domain::model::Channel::Office,
                person: common::applicant(APPLICANT),
                intake: common::unemployed_intake(),
                files,
                missing_reason: None,
                accepted_at: None,
                external: None,
            },
        )
        .unwrap();
    ui.login(REGISTRAR, lang);
    ui.click(&r.number);
    ui.click(k(lang, "Қарау", "Просмотр"));
    ui.assert_sees("pasport.pdf");
    let page = |n: u32| match lang {
        Lang::Kk => format!("2 беттің {n}-беті"),
        Lang::Ru => format!("Страница {n} из 2"),
    };
    ui.assert_sees(&page(1));
    ui.assert_sees("100 %");
    ui.click("▶");
    ui.assert_sees(&page(2));
    ui.click("+");
    ui.assert_sees("150 %");
    ui.click(k(lang, "Бұру", "Повернуть"));
    ui.snapshot(&format!("{}-scan-viewer", prefix(lang)));
    ui.click(k(lang, "Жабу", "Закрыть"));
    ui.assert_not_sees(&page(2));
}

in_both_languages!(
    the_scan_viewer_shows_pages_zooms_turns_and_closes,
    scan_viewer_in_kazakh,
    scan_viewer_in_russian
);

/// The admin's screen for a clerk: the catalogue without developer notes and with old
/// editions folded, settings with units, disabling that names the person and asks first, and
/// lifting a lockout.
fn the_admin_screen_speaks_to_a_clerk(lang: Lang) {
    let mut ui = Ui::new();
    // The head locked out by five wrong passwords.
    for _ in 0..5 {
        let _ = ui.desk.login(HEAD, "Wrong2026");
    }
    assert!(ui.desk.login(HEAD, PASSWORD).is_err());
    ui.login(ADMIN, lang);
    ui.click(k(lang, "Бұғаттауды алу", "Снять блокировку"));
    ui.assert_sees(k(
        lang,
        "Бұғаттау алынды: қызметкер өз құпиясөзімен кіре алады.",
        "Блокировка снята: сотрудник может войти со своим паролем.",
    ));
    assert!(ui.desk.login(HEAD, PASSWORD).is_ok());
    // Disabling asks first, naming the person; cancel changes nothing.
    let disable = k(lang, "Кіруді өшіру", "Отключить вход");
    ui.click(disable);
    let ask = k(
        lang,
        "Бекмұхамедов Асқар (ЖСН 061211600012) үшін кіруді өшіру керек пе?",
        "Отключить вход для Бекмұхамедов Асқар (ИИН 061211600012)?",
    );
    ui.assert_sees_part(ask);
    ui.click(k(lang, "Бас тарту", "Отмена"));
    ui.assert_not_sees(ask);
    assert!(ui.desk.login(EXECUTOR, PASSWORD).is_ok());
    ui.click(disable);
    ui.click(k(lang, "Иә, кіруді өшіру", "Да, отключить вход"));
    assert_eq!(
        ui.desk.login(EXECUTOR, PASSWORD).unwrap_err().key(),
        "disabled"
    );
    // Settings say their units.
    ui.click(k(lang, "Баптаулар", "Настройки"));
    ui.assert_sees_part(k(lang, "(минут)", "(минут)"));
    ui.assert_sees_part("(МБ)");
    // The catalogue: the edition applied first, the old ones folded, no source notes.
    ui.click(k(lang, "Қызметтер каталогы", "Каталог услуг"));
    let i = service_index(&ui, "unemployed_certificate");
    ui.pick("adm-service", i, 16.0);
    ui.assert_sees_part(k(lang, "қолданылады", "применяется в отделе"));
    let all = ui.texts();
    assert!(
        !all.iter().any(|t| t.contains("seed ") || t.contains("(L")),
        "developer notes on screen: {all:#?}"
    );
    ui.click_part(k(
        lang,
        "Бұрынғы редакцияларды көрсету",
        "Показать прежние редакции",
    ));
    ui.assert_sees_part(k(
        lang,
        "Бұрынғы редакцияларды жасыру",
        "Скрыть прежние редакции",
    ));
    ui.assert_sees_part("28.05.2012");
}

in_both_languages!(
    the_admin_screen_speaks_to_a_clerk,
    admin_screen_in_kazakh,
    admin_screen_in_russian
);

/// A refused intake brings its first problem into view: the clerk who scrolled down to the
/// end of the form and pressed Enter is taken back up to the surname left empty. An identity
/// document's impossible date is named as impossible (not dropped), and its message goes when
/// the date is fixed.
fn a_refused_form_scrolls_to_its_first_problem(lang: Lang) {
    let mut ui = Ui::new();
    ui.login(REGISTRAR, lang);
    ui.click(k(lang, "Жаңа өтініш", "Новое заявление"));
    ui.type_in("intake-iin", APPLICANT);
    ui.type_in("intake-given", "Гүлшат");
    let i = service_index(&ui, "unemployed_certificate");
    ui.pick(mio_desk::ui::screen::intake::SERVICE_ID, i, 16.0);
    ui.type_in("intake-f-period_from", "2025");
    ui.type_in("intake-f-period_to", "2026");
    ui.type_in("intake-doc", "045123987");
    ui.type_in("intake-doc-on", "31.02.2026");
    ui.size = WINDOW;
    let issued_on = k(lang, "Берілген күні", "Дата выдачи");
    let impossible = k(
        lang,
        "күнтізбеде мұндай күн жоқ",
        "такой даты нет в календаре",
    );
    ui.key_in("intake-iin", Named::Enter);
    ui.assert_under(issued_on, impossible);
    assert_eq!(applications(&ui), 0);
    ui.retype("intake-doc-on", "12.03.2019");
    ui.assert_not_sees(impossible);

    // Scrolled to the end of the form, where the register button is.
    ui.operate(Box::new(
        iced::advanced::widget::operation::scrollable::snap_to(
            mio_desk::ui::screen::intake::FORM_ID.into(),
            iced::widget::operation::RelativeOffset::END.into(),
        ),
    ));
    let surname = k(lang, "Тегі *", "Фамилия *");
    assert!(
        !ui.on_screen(surname),
        "the surname is above the part on show"
    );
    ui.key_in("intake-iin", Named::Enter);
    ui.assert_under(
        surname,
        k(
            lang,
            "«Тегі» өрісі толтырылмаған.",
            "Не заполнено поле «Фамилия».",
        ),
    );
    assert!(ui.on_screen(surname), "the form scrolled up to the surname");
    assert_eq!(applications(&ui), 0);
}

in_both_languages!(
    a_refused_form_scrolls_to_its_first_problem,
    a_refused_form_scrolls_to_its_first_problem_in_kazakh,
    a_refused_form_scrolls_to_its_first_problem_in_russian
);

/// The decision form says every problem at once, each under its field (an impossible date
/// as impossible, a required text left empty); a message goes as soon as its field is edited;
/// free text in one language on a paper in both is refused until the Russian box is filled;
/// then the draft goes through.
fn the_decision_form_names_every_problem(lang: Lang) {
    let mut ui = Ui::new();
    let (_, number) = registered_and_assigned(&ui);
    ui.login(EXECUTOR, lang);
    ui.click(&number);
    ui.type_in("dec-registered_on", "31.02.2026");
    let submit = k(lang, "Қол қоюға жіберу", "Направить на подпись");
    ui.click(submit);
    let registered_on = k(
        lang,
        "Халықтың жұмыстылығы туралы Қазақстан Республикасы Заңының 15 бабына сәйкес, жұмыссыз \
         ретінде тіркелген *",
        "В соответствии со ст.15 Закона Республики Казахстан \"О занятости населения\" \
         зарегистрирован безработным *",
    );
    let presented_to = k(
        lang,
        "Анықтама ұсыну үшін берілген *",
        "Справка дана для предъявления *",
    );
    let impossible = k(
        lang,
        "күнтізбеде мұндай күн жоқ",
        "такой даты нет в календаре",
    );
    let required = k(
        lang,
        "міндетті өріс толтырылмаған",
        "обязательное поле не заполнено",
    );
    let one_language = k(
        lang,
        "мәтін бір тілде ғана: оны екі тілде жазыңыз немесе құжатты сол бір тілде басып шығарыңыз",
        "текст только на одном языке: введите его на обоих языках или печатайте документ на \
         этом одном языке",
    );
    ui.assert_under(registered_on, impossible);
    ui.assert_under_within(presented_to, required, 7);
    assert_eq!(ui.status_of(&number), Status::InWork);

    ui.retype("dec-registered_on", "10.11.2026");
    ui.assert_not_sees(impossible);
    ui.assert_under_within(presented_to, required, 7);
    ui.type_in("dec-presented_to", "талап ету орны бойынша");
    ui.assert_not_sees(required);

    ui.click(submit);
    ui.assert_under_within(presented_to, one_language, 7);
    ui.type_in("dec-presented_to-ru", "по месту требования");
    ui.assert_not_sees(one_language);

    ui.click(submit);
    ui.assert_sees(k(
        lang,
        "Жоба қол қоюға жіберілді.",
        "Проект направлен на подпись.",
    ));
    assert_eq!(ui.status_of(&number), Status::AwaitingSignature);
}

in_both_languages!(
    the_decision_form_names_every_problem,
    the_decision_form_names_every_problem_in_kazakh,
    the_decision_form_names_every_problem_in_russian
);

/// Four-eyes as the window shows it: a head who drafted the paper (the office's setting off)
/// is offered the return but no sign button, since the desk would refuse it; with the setting
/// on, the button is back. The window shows exactly the steps the desk accepts.
fn the_drafter_is_not_offered_the_signature(lang: Lang) {
    use mio_desk::domain::model::Role;
    let mut ui = Ui::new();
    ui.desk
        .set_user_roles(&ui.admin, &ui.head.iin, &[Role::Head, Role::Executor])
        .unwrap();
    let head = ui.desk.login(&ui.head.iin, PASSWORD).unwrap();
    let r = ui
        .desk
        .register(
            Some(&ui.registrar),
            mio_desk::desk::intake::Registration {
                service: "unemployed_certificate".into(),
                channel: mio_desk::domain::model::Channel::Office,
                person: common::applicant(APPLICANT),
                intake: common::unemployed_intake(),
                files: common::scans(&ui.desk, "unemployed_certificate"),
                missing_reason: None,
                accepted_at: None,
                external: None,
            },
        )
        .unwrap();
    let t = mio_desk::desk::flow::Target::id(r.id);
    ui.desk.assign(&head, t, head.user_id, "").unwrap();
    ui.desk
        .submit_draft(&head, t, &common::unemployed_decision())
        .unwrap();
    let sign = k(lang, "ЭЦҚ арқылы қол қою", "Подписать ЭЦП");
    let give_back = k(lang, "Пысықтауға қайтару", "Вернуть на доработку");

    ui.login(HEAD, lang);
    ui.click(k(lang, "Бастықтың жұмыс үстелі", "Рабочий стол начальника"));
    ui.assert_sees(&r.number);
    ui.assert_sees(give_back);
    ui.assert_not_sees(sign);
    ui.logout();

    ui.desk
        .change_setting(
            &ui.admin,
            mio_desk::desk::settings::SettingChange::AllowSelfSign(true),
        )
        .unwrap();
    ui.login(HEAD, lang);
    ui.click(k(lang, "Бастықтың жұмыс үстелі", "Рабочий стол начальника"));
    ui.assert_sees(&r.number);
    ui.assert_sees(sign);
}

in_both_languages!(
    the_drafter_is_not_offered_the_signature,
    the_drafter_is_not_offered_the_signature_in_kazakh,
    the_drafter_is_not_offered_the_signature_in_russian
);

/// An akimat's queue shows each line's own step and the last day of its norm (seed 003: the
/// akim's resolution within 1 working day of registration), in the clerk's language.
fn akimat_queue_shows_the_steps_norm(lang: Lang) {
    use mio_desk::desk::akimat::Department;
    use mio_desk::desk::auth::{Actor, NewUserInput};
    use mio_desk::desk::intake::Registration;
    use mio_desk::domain::model::{Channel, Role};
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 16, 5, 0, 0).unwrap(),
    ));
    let desk = Desk::init_as(
        mio_desk::desk::DataDir::new(dir.path().join("data")),
        mio_desk::desk::NewOffice {
            code: "AK01".into(),
            name_kk: "Қарасу ауылдық округі әкімінің аппараты".into(),
            name_ru: "Аппарат акима Карасуского сельского округа".into(),
            workstation: "01".into(),
        },
        Some(Department {
            code: "0412".into(),
            name_kk: "«Ақсу ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі» ММ"
                .into(),
            name_ru: "ГУ «Отдел занятости и социальных программ Аксуского района»".into(),
        }),
        clock.clone(),
        mio_desk::desk::Options {
            fast_password_hashing: true,
        },
    )
    .unwrap();
    desk.add_user(
        Actor::System,
        &NewUserInput {
            iin: REGISTRAR.into(),
            full_name: "Тұрсынбаев Дәурен".into(),
            roles: vec![Role::AkimClerk],
            password: PASSWORD.into(),
            lang: Lang::Kk,
            must_change_password: false,
        },
    )
    .unwrap();
    let clerk = desk.login(REGISTRAR, PASSWORD).unwrap();
    let r = desk
        .register(
            Some(&clerk),
            Registration {
                service: "rural_specialist_fuel".into(),
                channel: Channel::Akim,
                person: common::applicant(APPLICANT),
                intake: serde_json::json!({
                    "workplace": "Қарасу орта мектебі",
                    "position": "мұғалім",
                    "settlement": "Қарасу"
                })
                .as_object()
                .unwrap()
                .clone(),
                files: common::scans(&desk, "rural_specialist_fuel"),
                missing_reason: None,
                accepted_at: None,
                external: None,
            },
        )
        .unwrap();
    let desk = Arc::new(desk);
    let fake = Fake::default();
    let (app, task) = App::with_desk(desk.data_dir().clone(), desk.clone(), Platform::fake(&fake));
    let mut w = Win::new(app, task);
    w.login(REGISTRAR, lang);
    w.assert_sees(&r.number);
    w.assert_sees(k(
        lang,
        "Әкімнің бұрыштамасы: 17.11.2026 дейін",
        "Резолюция акима: до 17.11.2026",
    ));
    // A new application: only the services citizens apply for through the akim are offered
    // (not the home schooling of disabled children, which goes to the department or the
    // portal), and the channel stays the akim's once one is chosen.
    w.click(k(lang, "Жаңа өтініш", "Новое заявление"));
    w.type_in("intake-service-search", "мүгедек");
    w.assert_sees(k(
        lang,
        "Мұнда қабылданатын қызметтердің арасында мұндай қызмет жоқ.",
        "Среди услуг, которые принимаются здесь, такой нет.",
    ));
    w.retype("intake-service-search", "отын");
    w.key_in("intake-service-search", Named::Enter);
    w.assert_sees(k(
        lang,
        "Ауылдық елді мекендерде тұратын және жұмыс істейтін әлеуметтік сала мамандарына отын \
         сатып алу үшін әлеуметтік көмек тағайындау",
        "Назначение социальной помощи специалистам социальной сферы, проживающим и работающим \
         в сельских населенных пунктах, по приобретению топлива",
    ));
    // The term is the akim channel's (14 working days), not the department's own (9).
    w.assert_sees(k(
        lang,
        "Қызмет көрсету мерзімі: 14 жұм. күн",
        "Срок оказания услуги: 14 раб. дн.",
    ));
    // The akim's executor prepares the cover letter: no decision form (the decision is the
    // department's), one button that sends the letter to the akim.
    let staff = |iin: &str, name: &str, role: Role| {
        desk.add_user(
            Actor::System,
            &NewUserInput {
                iin: iin.into(),
                full_name: name.into(),
                roles: vec![role],
                password: PASSWORD.into(),
                lang: Lang::Kk,
                must_change_password: false,
            },
        )
        .unwrap();
        desk.login(iin, PASSWORD).unwrap()
    };
    let executor = staff("900101330039", "Тоқтаров Ерлан", Role::AkimExecutor);
    let akim = staff("780412310018", "Жұмабаев Нұрлан", Role::Akim);
    desk.akim_resolution(
        &akim,
        mio_desk::desk::flow::Target::id(r.id),
        executor.user_id,
        "Ілеспе хат дайындаңыз",
    )
    .unwrap();
    w.logout();
    w.login("900101330039", lang);
    w.click(&r.number);
    w.assert_sees(k(lang, "Ілеспе хат", "Сопроводительное письмо"));
    w.assert_not_sees(k(lang, "Оң шешім", "Положительное"));
    w.click(k(
        lang,
        "Ілеспе хат дайын: әкімнің қолына жіберу",
        "Письмо готово: направить на подпись акиму",
    ));
    w.assert_sees(k(
        lang,
        "Ілеспе хат әкімнің қолына жіберілді.",
        "Сопроводительное письмо направлено на подпись акиму.",
    ));
    assert_eq!(
        desk.application(&executor, &r.number).unwrap().app.status,
        Status::AwaitingSignature
    );
}

in_both_languages!(
    akimat_queue_shows_the_steps_norm,
    akimat_queue_shows_the_steps_norm_in_kazakh,
    akimat_queue_shows_the_steps_norm_in_russian
);
