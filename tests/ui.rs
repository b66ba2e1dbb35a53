//! The clerk's window as a clerk uses it: iced_test Simulator tests that type and click through
//! the screens in Kazakh and in Russian (login → intake with a scan → assign → decide → sign →
//! issue), a refusal, a forbidden action, a wrong PIN, the keyboard, the idle lock, and the
//! gateway views. Every step checks what the user sees on screen and what the database holds.
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

/// One office and one window on it, driven like a user drives it.
struct Ui {
    rt: tokio::runtime::Runtime,
    app: App,
    desk: Arc<Desk>,
    clock: Arc<ManualClock>,
    fake: Fake,
    size: Size,
    admin: Session,
    registrar: Session,
    head: Session,
    executor: Session,
    dir: tempfile::TempDir,
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
            ..
        } = common::office();
        let desk = Arc::new(desk);
        let fake = Fake::default();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (app, task) =
            App::with_desk(desk.data_dir().clone(), desk.clone(), Platform::fake(&fake));
        let mut ui = Ui {
            rt,
            app,
            desk,
            clock,
            fake,
            size: TALL,
            admin,
            registrar,
            head,
            executor,
            dir,
        };
        ui.run(task);
        ui
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
        let Some(stream) = iced_runtime::task::into_stream(t) else {
            return;
        };
        let actions: Vec<_> = self.rt.block_on(stream.collect::<Vec<_>>());
        for a in actions {
            if let iced_runtime::Action::Output(m) = a {
                self.send(m);
            }
        }
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
        self.with(|s| texts(s))
    }

    fn sees(&mut self, text: &str) -> bool {
        self.with(|s| s.find(text).is_ok())
    }

    /// Some text on screen contains `part`.
    fn sees_part(&mut self, part: &str) -> bool {
        self.texts().iter().any(|t| t.contains(part))
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

    /// A scan file the fake file dialog returns.
    fn scan_file(&self, name: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, mio_desk::desk::demo::sample_png(7)).unwrap();
        p
    }

    fn status_of(&self, number: &str) -> Status {
        self.desk
            .application(&self.registrar, number)
            .unwrap()
            .app
            .status
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
                    f.starts_with(&format!("{name}-")) && f.ends_with(".sha256")
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
    // The receipt went to the printer.
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
    ui.type_in("dec-presented_to", "по месту требования");
    // The live preview shows the paper that will be printed.
    ui.assert_sees(k(
        lang,
        "Жұмыссыз ретінде тіркеу туралы анықтама",
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
    let d = v.app.decision.unwrap();
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
    ui.assert_sees(APPLICANT);
    ui.click(k(lang, "Беру және басып шығару", "Выдать и напечатать"));
    ui.assert_sees(k(lang, "Нәтиже берілді.", "Результат выдан."));
    assert_eq!(ui.status_of(number), Status::Issued);
    let v = ui.desk.application(&ui.registrar, number).unwrap();
    assert_eq!(v.app.collector_iin.as_deref(), Some(APPLICANT));
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

#[test]
fn the_whole_path_in_kazakh() {
    whole_path(Lang::Kk);
}

#[test]
fn the_whole_path_in_russian() {
    whole_path(Lang::Ru);
}
