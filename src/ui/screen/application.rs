//! One application: applicant, service data, scans with preview, documents, the history
//! timeline, and the actions the user's role allows right now: assign (head), the decision
//! form with a live preview (executor), return and sign with key file and PIN (head), extend
//! (head), issue with the collector's ИИН and the questionnaire (registrar), withdraw.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use iced::widget::{checkbox, column, container, radio, row, scrollable, text, text_editor};
use iced::{Alignment, Element, Length, Task};
use serde_json::{Map, Value};

use super::intake::Input;
use super::queues::Choice;
use crate::desk::flow::Target;
use crate::desk::query::ApplicationView;
use crate::domain::catalog::{FieldKind, FieldSpec, Service};
use crate::domain::decision::{Decision, DecisionInput, Outcome};
use crate::domain::document::Content;
use crate::domain::iin::Iin;
use crate::domain::model::{Channel, Lang, Role, Status};
use crate::i18n::Arg;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// The id of the executor list (for focus and for tests).
pub const EXECUTOR_ID: &str = "app-executor";

/// The dialog open over the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    Return,
    Sign,
    Extend,
    Withdraw,
}

#[derive(Debug)]
pub struct State {
    pub id: i64,
    catalog: std::sync::Arc<crate::domain::catalog::Catalog>,
    pub view: Option<ApplicationView>,
    names: HashMap<String, String>,
    executors: Vec<(i64, String)>,
    pub executor: Option<i64>,
    pub resolution: String,
    pub outcome: Outcome,
    pub reason: text_editor::Content,
    /// The refusal comment in Russian (`reason` is the Kazakh one on a paper in both).
    pub reason_ru: text_editor::Content,
    /// The refusal ground chosen from the service's grounds.
    pub ground: Option<String>,
    /// The result printed in one language only (its free text in that language), or both.
    pub paper_lang: Option<Lang>,
    /// The office's active institutions (kk, ru) a decision may name.
    institutions: Vec<(String, String)>,
    pub inputs: BTreeMap<String, Input>,
    /// The result as it will print: its content and its pages.
    preview: Option<(Content, crate::desk::papers::Paper)>,
    preview_gen: u64,
    pub comment: String,
    pub key_path: String,
    pub pin: String,
    pub extend_reason: String,
    pub withdraw_reason: String,
    pub collector: String,
    /// The collector's name and power of attorney, when the collector is not the applicant.
    pub proxy: ProxyForm,
    pub q1: Option<u8>,
    pub q2: Option<u8>,
    pub dialog: Option<Dialog>,
    scan: Option<super::scan_view::Viewer>,
    busy: bool,
    pub error: Option<Failure>,
    pub notice: Option<String>,
    /// What printing did (kept apart from `notice`, so "issued" is not replaced by it).
    pub printed: Option<String>,
    /// The print dialog.
    pub print: super::print::State,
}

/// What the registrar types from a power of attorney at issue.
#[derive(Debug, Default, Clone)]
pub struct ProxyForm {
    pub name: String,
    pub number: String,
    pub date: String,
    pub valid_until: String,
    pub issuer: String,
    pub principal_iin: String,
    /// The scan: file name and bytes.
    pub scan: Option<(String, std::sync::Arc<Vec<u8>>)>,
    /// A path typed when no file dialog opens.
    pub path: String,
}

/// A field of the power-of-attorney form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyField {
    Name,
    Number,
    Date,
    ValidUntil,
    Issuer,
    PrincipalIin,
    Path,
}

/// Application screen events.
#[derive(Debug, Clone)]
pub enum Message {
    #[allow(clippy::type_complexity)]
    Loaded(
        Result<
            (
                Box<ApplicationView>,
                HashMap<String, String>,
                Vec<(String, String)>,
            ),
            Failure,
        >,
    ),
    /// The refusal ground (a code of the service's grounds).
    Ground(String),
    /// An edit of the Russian refusal comment.
    ReasonRu(text_editor::Action),
    /// Print the result in both languages (`None`) or in one.
    PaperLang(Option<Lang>),
    /// Copy the Kazakh text of a field (or of the comment, `reason`) into its Russian box.
    CopyToRu(String),
    Executors(Vec<(i64, String)>),
    Executor(Choice<i64>),
    Resolution(String),
    Assign,
    Outcome(Outcome),
    Reason(text_editor::Action),
    Field(String, String),
    Flag(String, bool),
    Cell(String, usize, String, String),
    AddRow(String),
    RemoveRow(String, usize),
    PreviewTick(u64),
    Previewed(
        u64,
        Result<Box<(Content, crate::desk::papers::Paper)>, Failure>,
    ),
    SaveDraft,
    Submit,
    Comment(String),
    KeyPath(String),
    PickKey,
    KeyPicked(Option<PathBuf>),
    Pin(String),
    ExtendReason(String),
    WithdrawReason(String),
    Collector(String),
    /// Typing in the power-of-attorney form.
    Proxy(ProxyField, String),
    /// Open the file dialog for the power of attorney's scan.
    PickProxyScan,
    /// Take the scan from the path typed (when no dialog opens).
    LoadProxyPath,
    ProxyPicked(Option<PathBuf>),
    ProxyRead(Result<(String, Vec<u8>), String>),
    Q1(u8),
    Q2(u8),
    Open(Dialog),
    Close,
    Return,
    Sign,
    Extend,
    Withdraw,
    Issue,
    Questionnaire,
    Done(&'static str, Result<(), Failure>),
    /// Open the print dialog on a document (`receipt`, `result`, …).
    Print(String),
    /// The print dialog.
    Paper(super::print::Message),
    ShowScan(i64),
    /// The scan opened in the viewer (`None`: it could not be read).
    Scan(Option<Box<super::scan_view::Viewer>>),
    /// The scan viewer.
    ScanView(super::scan_view::Msg),
    Dropped(PathBuf),
    Attached(Result<usize, Failure>),
}

/// The input key of a free-text field's Russian box.
fn ru_key(key: &str) -> String {
    format!("{key}@ru")
}

fn fail(e: crate::desk::DeskError) -> Failure {
    Failure::from(e)
}

impl State {
    pub fn new(ctx: &Ctx, id: i64) -> (State, Task<Message>) {
        let key_path = ctx
            .desk
            .default_key_file(&ctx.session.iin)
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let s = State {
            id,
            catalog: ctx.desk.catalog(),
            view: None,
            names: HashMap::new(),
            executors: Vec::new(),
            executor: None,
            resolution: String::new(),
            outcome: Outcome::Approve,
            reason: text_editor::Content::new(),
            reason_ru: text_editor::Content::new(),
            ground: None,
            paper_lang: None,
            institutions: Vec::new(),
            inputs: BTreeMap::new(),
            preview: None,
            preview_gen: 0,
            comment: String::new(),
            key_path,
            pin: String::new(),
            extend_reason: String::new(),
            withdraw_reason: String::new(),
            collector: String::new(),
            proxy: ProxyForm::default(),
            q1: None,
            q2: None,
            dialog: None,
            scan: None,
            busy: false,
            error: None,
            notice: None,
            printed: None,
            print: super::print::State::default(),
        };
        let mut tasks = vec![s.load(ctx)];
        if ctx.session.has(Role::Head) {
            let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
            tasks.push(Task::perform(
                blocking(move || desk.executors(&sess).unwrap_or_default()),
                Message::Executors,
            ));
        }
        (s, Task::batch(tasks))
    }

    fn load(&self, ctx: &Ctx) -> Task<Message> {
        let (desk, sess, id) = (ctx.desk.clone(), ctx.session.clone(), self.id);
        Task::perform(
            blocking(move || {
                let v = desk.application(&sess, &id.to_string())?;
                let names = desk.staff_names()?;
                let institutions = desk
                    .institutions()?
                    .into_iter()
                    .filter(|i| i.active)
                    .map(|i| (i.name_kk, i.name_ru))
                    .collect();
                Ok((Box::new(v), names, institutions))
            }),
            |r: Result<_, crate::desk::DeskError>| Message::Loaded(r.map_err(fail)),
        )
    }

    /// Esc: close the dialog or the scan first; `false` when there was nothing to close.
    pub fn escape(&mut self) -> bool {
        if self.print.is_open() {
            self.print.close();
            true
        } else if self.scan.is_some() {
            self.scan = None;
            true
        } else if self.dialog.is_some() {
            self.dialog = None;
            true
        } else {
            false
        }
    }

    fn decision_input(&self, svc: &Service) -> DecisionInput {
        let mut values = Map::new();
        for f in svc
            .fields
            .iter()
            .filter(|f| crate::domain::decision::stages(self.outcome).contains(&f.stage))
        {
            match self.inputs.get(&f.key) {
                // The institution chosen from the list: its name in both languages.
                Some(Input::Text(t)) if f.checks.list.is_some() && !t.trim().is_empty() => {
                    let v = match self.institutions.iter().find(|(_, ru)| ru == t) {
                        Some((kk, ru)) => serde_json::json!({"kk": kk, "ru": ru}),
                        None => Value::String(t.clone()),
                    };
                    values.insert(f.key.clone(), v);
                }
                // Free text: both languages on a paper in both, else the one typed.
                Some(Input::Text(t))
                    if matches!(f.kind, FieldKind::Text | FieldKind::LongText)
                        && self.paper_lang.is_none()
                        && !t.trim().is_empty() =>
                {
                    let ru = match self.inputs.get(&ru_key(&f.key)) {
                        Some(Input::Text(r)) if !r.trim().is_empty() => Some(r.clone()),
                        _ => None,
                    };
                    values.insert(
                        f.key.clone(),
                        match ru {
                            Some(ru) => serde_json::json!({"kk": t, "ru": ru}),
                            None => Value::String(t.clone()),
                        },
                    );
                }
                Some(Input::Text(t)) if !t.trim().is_empty() => {
                    values.insert(f.key.clone(), Value::String(t.clone()));
                }
                Some(Input::Flag(b)) => {
                    values.insert(f.key.clone(), Value::Bool(*b));
                }
                None if f.kind == FieldKind::YesNo => {
                    values.insert(f.key.clone(), Value::Bool(false));
                }
                Some(Input::Rows(rows)) => {
                    values.insert(
                        f.key.clone(),
                        Value::Array(
                            rows.iter()
                                .map(|r| {
                                    Value::Object(
                                        r.iter()
                                            .filter(|(_, v)| !v.trim().is_empty())
                                            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                                            .collect(),
                                    )
                                })
                                .collect(),
                        ),
                    );
                }
                _ => {}
            }
        }
        DecisionInput {
            outcome: self.outcome,
            reason: self.reason.text().trim().to_string(),
            reason_ru: if self.paper_lang.is_none() {
                self.reason_ru.text().trim().to_string()
            } else {
                String::new()
            },
            ground: self.ground.clone(),
            values,
            paper_lang: self.paper_lang,
        }
    }

    /// Fills the decision form from a saved draft.
    fn fill_from(&mut self, d: &Decision, svc: &Service) {
        self.outcome = d.outcome;
        self.reason = text_editor::Content::with_text(d.reason.as_deref().unwrap_or(""));
        self.reason_ru = text_editor::Content::with_text(d.reason_ru.as_deref().unwrap_or(""));
        self.ground = d.ground.clone();
        self.paper_lang = d.paper_lang;
        self.inputs.clear();
        for f in &svc.fields {
            let Some(v) = d.values.get(&f.key) else {
                continue;
            };
            let input = match (f.kind, v) {
                (FieldKind::YesNo, Value::Bool(b)) => Input::Flag(*b),
                (FieldKind::Table, Value::Array(rows)) => Input::Rows(
                    rows.iter()
                        .map(|r| {
                            r.as_object()
                                .map(|o| {
                                    o.iter()
                                        .map(|(k, v)| (k.clone(), show_raw(f, k, v)))
                                        .collect()
                                })
                                .unwrap_or_default()
                        })
                        .collect(),
                ),
                // Free text in both languages: one box each.
                (_, Value::Object(o)) => {
                    let side = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    self.inputs.insert(ru_key(&f.key), Input::Text(side("ru")));
                    Input::Text(if f.checks.list.is_some() {
                        side("ru")
                    } else {
                        side("kk")
                    })
                }
                _ => Input::Text(show_raw(f, &f.key, v)),
            };
            self.inputs.insert(f.key.clone(), input);
        }
    }

    fn schedule_preview(&mut self) -> Task<Message> {
        self.preview_gen += 1;
        let g = self.preview_gen;
        Task::perform(
            async { tokio::time::sleep(std::time::Duration::from_millis(300)).await },
            move |_| Message::PreviewTick(g),
        )
    }

    fn act(
        &mut self,
        ctx: &Ctx,
        what: &'static str,
        f: impl FnOnce(
            &crate::desk::Desk,
            &crate::desk::Session,
            Target,
        ) -> Result<(), crate::desk::DeskError>
        + Send
        + 'static,
    ) -> Task<Message> {
        if self.busy {
            return Task::none();
        }
        self.busy = true;
        self.error = None;
        let version = self.view.as_ref().map(|v| v.app.row_version);
        let (desk, sess, id) = (ctx.desk.clone(), ctx.session.clone(), self.id);
        Task::perform(
            blocking(move || f(&desk, &sess, Target { id, version })),
            move |r| Message::Done(what, r.map_err(fail)),
        )
    }

    fn print(&mut self, ctx: &Ctx, kind: String) -> Task<Message> {
        self.print
            .open(
                ctx,
                super::print::application_paper(self.id.to_string(), kind),
            )
            .map(Message::Paper)
    }

    /// Drops the errors of fields the user just changed (the others stay until fixed).
    fn clear_error(&mut self, paths: &[&str]) {
        crate::ui::clear_field_errors(&mut self.error, paths);
    }

    fn set_input(&mut self, m: &Message) {
        match m {
            Message::Field(k, v) => {
                self.inputs.insert(k.clone(), Input::Text(v.clone()));
            }
            Message::Flag(k, b) => {
                self.inputs.insert(k.clone(), Input::Flag(*b));
            }
            Message::Cell(k, i, c, v) => {
                let e = self
                    .inputs
                    .entry(k.clone())
                    .or_insert_with(|| Input::Rows(vec![BTreeMap::new()]));
                if let Input::Rows(rows) = e {
                    while rows.len() <= *i {
                        rows.push(BTreeMap::new());
                    }
                    rows[*i].insert(c.clone(), v.clone());
                }
            }
            Message::AddRow(k) => {
                let e = self
                    .inputs
                    .entry(k.clone())
                    .or_insert_with(|| Input::Rows(Vec::new()));
                if let Input::Rows(rows) = e {
                    rows.push(BTreeMap::new());
                }
            }
            Message::RemoveRow(k, i) => {
                if let Some(Input::Rows(rows)) = self.inputs.get_mut(k)
                    && *i < rows.len()
                {
                    rows.remove(*i);
                }
            }
            _ => {}
        }
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Task<Message> {
        match m {
            Message::Loaded(r) => {
                self.busy = false;
                match r {
                    Ok((v, names, institutions)) => {
                        self.names = names;
                        self.institutions = institutions;
                        let cat = ctx.desk.catalog();
                        if let (Some(d), Some(svc)) =
                            (v.app.decision.clone(), cat.service(&v.app.service))
                        {
                            self.fill_from(&d, svc);
                        }
                        self.executor = v.app.executor_id.or(self.executor);
                        self.view = Some(*v);
                        return self.schedule_preview();
                    }
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
            Message::Executors(e) => {
                self.executors = e;
                Task::none()
            }
            Message::Executor(c) => {
                self.executor = c.value;
                Task::none()
            }
            Message::Resolution(s) => {
                self.resolution = s;
                Task::none()
            }
            Message::Assign => {
                let Some(ex) = self.executor else {
                    self.error = Some(Failure {
                        field: Some("executor".into()),
                        ..Failure::plain("ui-choose-executor")
                    });
                    return Task::none();
                };
                let res = self.resolution.clone();
                self.act(ctx, "assign", move |d, s, t| d.assign(s, t, ex, &res))
            }
            Message::Outcome(o) => {
                self.outcome = o;
                self.schedule_preview()
            }
            Message::Reason(a) => {
                let edit = a.is_edit();
                self.reason.perform(a);
                if edit {
                    self.schedule_preview()
                } else {
                    Task::none()
                }
            }
            Message::ReasonRu(a) => {
                let edit = a.is_edit();
                self.reason_ru.perform(a);
                if edit {
                    self.schedule_preview()
                } else {
                    Task::none()
                }
            }
            Message::Ground(g) => {
                self.ground = Some(g);
                self.schedule_preview()
            }
            Message::PaperLang(l) => {
                self.paper_lang = l;
                self.schedule_preview()
            }
            Message::CopyToRu(key) => {
                if key == "reason" {
                    self.reason_ru = text_editor::Content::with_text(self.reason.text().trim());
                } else if let Some(Input::Text(t)) = self.inputs.get(&key).cloned() {
                    self.inputs.insert(ru_key(&key), Input::Text(t));
                }
                self.schedule_preview()
            }
            m @ (Message::Field(..)
            | Message::Flag(..)
            | Message::Cell(..)
            | Message::AddRow(_)
            | Message::RemoveRow(..)) => {
                self.set_input(&m);
                self.schedule_preview()
            }
            Message::PreviewTick(g) if g == self.preview_gen => {
                let Some(v) = &self.view else {
                    return Task::none();
                };
                let cat = ctx.desk.catalog();
                let Some(svc) = cat.service(&v.app.service) else {
                    return Task::none();
                };
                if v.app.status != Status::InWork && v.app.status != Status::AwaitingSignature {
                    return Task::none();
                }
                let input = self.decision_input(svc);
                let (desk, sess, id) = (ctx.desk.clone(), ctx.session.clone(), self.id);
                Task::perform(
                    blocking(move || {
                        let c = desk.preview_result(&sess, id, &input)?;
                        let p = crate::desk::papers::paper_of(&c)?;
                        Ok(Box::new((c, p)))
                    }),
                    move |r| Message::Previewed(g, r.map_err(fail)),
                )
            }
            Message::PreviewTick(_) => Task::none(),
            Message::Previewed(g, r) => {
                if g == self.preview_gen {
                    self.preview = r.ok().map(|b| *b);
                }
                Task::none()
            }
            Message::SaveDraft | Message::Submit => {
                let Some(v) = &self.view else {
                    return Task::none();
                };
                let cat = ctx.desk.catalog();
                let Some(svc) = cat.service(&v.app.service) else {
                    return Task::none();
                };
                let input = self.decision_input(svc);
                if matches!(m, Message::SaveDraft) {
                    self.act(ctx, "save_draft", move |d, s, t| {
                        d.save_draft(s, t, &input).map(|_| ())
                    })
                } else {
                    self.act(ctx, "submit_draft", move |d, s, t| {
                        d.submit_draft(s, t, &input).map(|_| ())
                    })
                }
            }
            Message::Comment(s) => {
                self.comment = s;
                Task::none()
            }
            Message::KeyPath(s) => {
                self.key_path = s;
                Task::none()
            }
            Message::PickKey => {
                let picker = ctx.platform.picker.clone();
                let title = ctx.t("ui-sign-key");
                Task::perform(
                    async move { picker.pick_file(title).await },
                    Message::KeyPicked,
                )
            }
            Message::KeyPicked(p) => {
                if let Some(p) = p {
                    self.key_path = p.display().to_string();
                }
                Task::none()
            }
            Message::Pin(s) => {
                self.pin = s;
                Task::none()
            }
            Message::ExtendReason(s) => {
                self.extend_reason = s;
                Task::none()
            }
            Message::WithdrawReason(s) => {
                self.withdraw_reason = s;
                Task::none()
            }
            Message::Collector(s) => {
                self.collector = s.chars().filter(|c| c.is_ascii_digit()).take(12).collect();
                self.clear_error(&["iin", "collector_iin", "proxy_principal_iin"]);
                Task::none()
            }
            Message::Proxy(f, v) => {
                let p = &mut self.proxy;
                let (slot, path) = match f {
                    ProxyField::Name => (&mut p.name, "collector_name"),
                    ProxyField::Number => (&mut p.number, "proxy_number"),
                    ProxyField::Date => (&mut p.date, "proxy_date"),
                    ProxyField::ValidUntil => (&mut p.valid_until, "proxy_valid_until"),
                    ProxyField::Issuer => (&mut p.issuer, "proxy_issuer"),
                    ProxyField::PrincipalIin => (&mut p.principal_iin, "proxy_principal_iin"),
                    ProxyField::Path => (&mut p.path, "proxy_scan"),
                };
                *slot = if f == ProxyField::PrincipalIin {
                    v.chars().filter(|c| c.is_ascii_digit()).take(12).collect()
                } else {
                    v
                };
                self.clear_error(&[path]);
                Task::none()
            }
            Message::PickProxyScan => {
                let picker = ctx.platform.picker.clone();
                let title = ctx.t("field-proxy_scan");
                Task::perform(
                    async move { picker.pick_file(title).await },
                    Message::ProxyPicked,
                )
            }
            Message::LoadProxyPath => {
                let p = self.proxy.path.trim().to_string();
                if p.is_empty() {
                    return Task::none();
                }
                Task::done(Message::ProxyPicked(Some(PathBuf::from(p))))
            }
            Message::ProxyPicked(None) => Task::none(),
            Message::ProxyPicked(Some(path)) => Task::perform(
                blocking(move || {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    std::fs::read(&path)
                        .map(|b| (name, b))
                        .map_err(|_| path.display().to_string())
                }),
                Message::ProxyRead,
            ),
            Message::ProxyRead(r) => {
                match r {
                    Ok((name, bytes)) => {
                        self.proxy.scan = Some((name, std::sync::Arc::new(bytes)));
                        self.proxy.path.clear();
                        self.clear_error(&["proxy_scan"]);
                    }
                    Err(file) => {
                        self.error = Some(Failure {
                            field: Some("proxy_scan".into()),
                            ..Failure::with_arg("ui-proxy-unreadable", "file", &file)
                        });
                    }
                }
                Task::none()
            }
            Message::Q1(v) => {
                self.q1 = Some(v);
                Task::none()
            }
            Message::Q2(v) => {
                self.q2 = Some(v);
                Task::none()
            }
            Message::Open(d) => {
                self.dialog = Some(d);
                self.error = None;
                Task::none()
            }
            Message::Close => {
                self.dialog = None;
                Task::none()
            }
            Message::Return => {
                let c = self.comment.clone();
                self.act(ctx, "return", move |d, s, t| d.return_draft(s, t, &c))
            }
            Message::Sign => {
                let (path, pin) = (self.key_path.clone(), std::mem::take(&mut self.pin));
                self.act(ctx, "sign", move |d, s, t| {
                    let key = std::fs::read(&path).map_err(|_| {
                        crate::desk::DeskError::Signature(crate::signing::SigError::KeyFileDamaged)
                    })?;
                    d.sign(s, t, &key, &pin).map(|_| ())
                })
            }
            Message::Extend => {
                let r = self.extend_reason.clone();
                self.act(ctx, "extend", move |d, s, t| d.extend(s, t, &r).map(|_| ()))
            }
            Message::Withdraw => {
                let r = self.withdraw_reason.clone();
                self.act(ctx, "withdraw", move |d, s, t| d.withdraw(Some(s), t, &r))
            }
            Message::Issue => {
                let applicant = self
                    .view
                    .as_ref()
                    .and_then(|v| v.app.applicant_iin.map(|i| i.as_string()));
                let p = &self.proxy;
                let c = if applicant.as_deref() == Some(self.collector.as_str()) {
                    crate::desk::handover::Collector::applicant(&self.collector)
                } else {
                    crate::desk::handover::Collector {
                        iin: self.collector.clone(),
                        name: p.name.clone(),
                        proxy: Some(crate::desk::handover::ProxyInput {
                            number: p.number.clone(),
                            date: p.date.clone(),
                            valid_until: p.valid_until.clone(),
                            issuer: p.issuer.clone(),
                            principal_iin: p.principal_iin.clone(),
                            scan: p.scan.as_ref().map(|(n, b)| (n.clone(), b.to_vec())),
                        }),
                    }
                };
                self.act(ctx, "issue", move |d, s, t| d.issue_to(s, t, &c))
            }
            Message::Questionnaire => {
                let (Some(a), Some(b)) = (self.q1, self.q2) else {
                    return Task::none();
                };
                self.act(ctx, "questionnaire", move |d, s, t| {
                    d.record_questionnaire(s, t, a, b)
                })
            }
            Message::Done(what, r) => {
                self.busy = false;
                match r {
                    Ok(()) => {
                        self.dialog = None;
                        self.notice = Some(ctx.t(&format!("ui-done-{what}")));
                        self.printed = None;
                        let reload = self.load(ctx);
                        // Issuing prints the signed result for the citizen.
                        if what == "issue" {
                            return Task::batch([reload, self.print(ctx, "result".into())]);
                        }
                        return reload;
                    }
                    Err(e) => self.error = Some(e),
                }
                Task::none()
            }
            Message::Print(kind) => self.print(ctx, kind),
            Message::Paper(m) => {
                let t = self.print.update(m, ctx).map(Message::Paper);
                if let Some(d) = self.print.done.take() {
                    self.printed = Some(d);
                }
                t
            }
            Message::ShowScan(aid) => {
                let Some(v) = &self.view else {
                    return Task::none();
                };
                let Some(a) = v.attachments.iter().find(|a| a.id == aid).cloned() else {
                    return Task::none();
                };
                let (desk, sess) = (ctx.desk.clone(), ctx.session.clone());
                Task::perform(
                    blocking(move || {
                        desk.attachment_bytes(&sess, &a).ok().map(|b| {
                            Box::new(super::scan_view::Viewer::open(
                                a.file_name.clone(),
                                &a.mime,
                                b,
                            ))
                        })
                    }),
                    Message::Scan,
                )
            }
            Message::Scan(v) => {
                self.scan = v.map(|v| *v);
                Task::none()
            }
            Message::ScanView(m) => {
                if let Some(v) = &mut self.scan
                    && !v.update(m)
                {
                    self.scan = None;
                }
                Task::none()
            }
            Message::Dropped(path) => {
                let (desk, sess, id) = (ctx.desk.clone(), ctx.session.clone(), self.id);
                Task::perform(
                    blocking(move || {
                        let bytes = std::fs::read(&path)
                            .map_err(|e| crate::desk::DeskError::Store(e.into()))?;
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().to_string())
                            .unwrap_or_default();
                        desk.add_scans(
                            &sess,
                            id,
                            vec![crate::desk::intake::NewFile {
                                checklist_item: None,
                                file_name: name,
                                bytes,
                            }],
                        )
                    }),
                    |r| Message::Attached(r.map_err(fail)),
                )
            }
            Message::Attached(r) => match r {
                Ok(_) => self.load(ctx),
                Err(e) => {
                    self.error = Some(e);
                    Task::none()
                }
            },
        }
    }

    fn decision_field<'a>(
        &'a self,
        ctx: &Ctx,
        f: &'a FieldSpec,
        err: Option<&'a Failure>,
    ) -> Element<'a, Message> {
        let l = ctx.lang;
        // A yes/no box always has an answer (unticked is "no"): no "required" star on it.
        let star = f.required && f.kind != FieldKind::YesNo;
        let label = format!("{}{}", f.label.get(l), if star { " *" } else { "" });
        let key = f.key.clone();
        let e = err.and_then(|e| e.for_field(&f.key, l));
        match f.kind {
            FieldKind::YesNo => {
                let on = matches!(self.inputs.get(&f.key), Some(Input::Flag(true)));
                checkbox(on)
                    .label(label)
                    .text_size(theme::BODY)
                    .on_toggle(move |b| Message::Flag(key.clone(), b))
                    .into()
            }
            FieldKind::Choice => {
                let opts: Vec<Choice<String>> = f
                    .options
                    .iter()
                    .map(|o| Choice {
                        value: Some(o.key.clone()),
                        label: o.label.get(l).to_string(),
                    })
                    .collect();
                let sel = match self.inputs.get(&f.key) {
                    Some(Input::Text(t)) => opts
                        .iter()
                        .find(|o| o.value.as_deref() == Some(t.as_str()))
                        .cloned(),
                    _ => None,
                };
                w::field(
                    label,
                    w::pick(opts, sel, move |c: Choice<String>| {
                        Message::Field(key.clone(), c.value.unwrap_or_default())
                    })
                    .width(Length::Fill)
                    .into(),
                    e,
                )
            }
            FieldKind::Table => {
                let rows = match self.inputs.get(&f.key) {
                    Some(Input::Rows(r)) => r.clone(),
                    _ => vec![BTreeMap::new()],
                };
                let mut c =
                    column![text(label).size(theme::SMALL).color(theme::MUTED)].spacing(theme::XS);
                let mut head = row![].spacing(theme::XS);
                for col in &f.columns {
                    head = head.push(
                        text(col.label.get(l).to_string())
                            .size(theme::SMALL)
                            .font(theme::BOLD)
                            .width(Length::Fill),
                    );
                }
                c = c.push(head.push(text("").width(Length::Fixed(36.0))));
                for (i, r) in rows.into_iter().enumerate() {
                    let mut line = row![].spacing(theme::XS).align_y(Alignment::Center);
                    for col in &f.columns {
                        let (k, ck) = (f.key.clone(), col.key.clone());
                        let v = r.get(&col.key).cloned().unwrap_or_default();
                        line = line.push(
                            w::input(
                                "",
                                &v,
                                move |s| Message::Cell(k.clone(), i, ck.clone(), s),
                                false,
                            )
                            .size(theme::SMALL)
                            .width(Length::Fill),
                        );
                    }
                    line = line.push(w::button_with(
                        "×".into(),
                        Some(Message::RemoveRow(f.key.clone(), i)),
                        theme::secondary,
                    ));
                    c = c.push(line);
                }
                if let Some(e) = err.and_then(|e| crate::ui::table_errors(e, f, l)) {
                    c = c.push(text(e).size(theme::SMALL).color(theme::DANGER));
                }
                c.push(w::secondary(
                    ctx.t("ui-add-row"),
                    Some(Message::AddRow(f.key.clone())),
                ))
                .into()
            }
            _ if f.checks.list.is_some() => {
                let opts: Vec<Choice<String>> = self
                    .institutions
                    .iter()
                    .map(|(kk, ru)| Choice {
                        value: Some(ru.clone()),
                        label: if l == Lang::Kk {
                            kk.clone()
                        } else {
                            ru.clone()
                        },
                    })
                    .collect();
                let sel = match self.inputs.get(&f.key) {
                    Some(Input::Text(t)) => opts
                        .iter()
                        .find(|o| o.value.as_deref() == Some(t.as_str()))
                        .cloned(),
                    _ => None,
                };
                w::field(
                    label,
                    w::pick(opts, sel, move |c: Choice<String>| {
                        Message::Field(key.clone(), c.value.unwrap_or_default())
                    })
                    .width(Length::Fill)
                    .into(),
                    e,
                )
            }
            FieldKind::Text | FieldKind::LongText if self.paper_lang.is_none() => {
                let text_of = |k: &str| match self.inputs.get(k) {
                    Some(Input::Text(t)) => t.as_str(),
                    _ => "",
                };
                let (kk_key, ru) = (key.clone(), ru_key(&key));
                let ru2 = ru.clone();
                w::bilingual::pair(
                    w::bilingual::Labels {
                        field: label,
                        kk: ctx.t("ui-lang-short-kk"),
                        ru: ctx.t("ui-lang-short-ru"),
                        copy: ctx.t("ui-copy-to-russian"),
                    },
                    &f.key,
                    text_of(&f.key),
                    text_of(&ru),
                    move |s| Message::Field(kk_key.clone(), s),
                    move |s| Message::Field(ru2.clone(), s),
                    Message::CopyToRu(key.clone()),
                    e.or_else(|| err.and_then(|x| x.for_field(&ru, l))),
                )
            }
            _ => {
                let v = match self.inputs.get(&f.key) {
                    Some(Input::Text(t)) => t.as_str(),
                    _ => "",
                };
                let hint = match f.kind {
                    FieldKind::Date => ctx.t("ui-hint-date"),
                    FieldKind::Money => "0 ₸".into(),
                    _ => String::new(),
                };
                w::field(
                    label,
                    w::input(
                        &hint,
                        v,
                        move |s| Message::Field(key.clone(), s),
                        e.is_some(),
                    )
                    .id(format!("dec-{}", f.key))
                    .into(),
                    e,
                )
            }
        }
    }

    /// Whether the result prints in both languages or in one (then its free text is in that
    /// one language only).
    fn paper_lang_choice<'a>(&'a self, ctx: &Ctx) -> Element<'a, Message> {
        let opt = |label: String, v: Option<Lang>, id: &'static str| {
            container(
                radio(label, v, Some(self.paper_lang), Message::PaperLang).text_size(theme::BODY),
            )
            .id(id)
        };
        w::field(
            ctx.t("ui-paper-lang"),
            row![
                opt(ctx.t("ui-paper-both"), None, "app-paper-both"),
                opt(ctx.t("ui-paper-kk"), Some(Lang::Kk), "app-paper-kk"),
                opt(ctx.t("ui-paper-ru"), Some(Lang::Ru), "app-paper-ru"),
            ]
            .spacing(theme::L)
            .into(),
            None,
        )
    }

    /// The hand-over: the collector's ИИН (empty until typed from their identity document);
    /// a collector who is not the applicant needs the power of attorney and its scan.
    fn issue_form<'a>(&'a self, ctx: &Ctx, v: &'a ApplicationView) -> Element<'a, Message> {
        let l = ctx.lang;
        let err = self.error.as_ref();
        let busy = self.busy;
        let fe = |f: &str| err.and_then(|e| e.for_field(f, l));
        let iin_err = if self.collector.len() == 12 {
            Iin::parse(&self.collector)
                .err()
                .map(|e| crate::desk::error::iin_message(l, &e))
                .or_else(|| fe("collector_iin").map(str::to_string))
        } else {
            fe("iin")
                .or_else(|| fe("collector_iin"))
                .map(str::to_string)
        };
        let mut form = column![
            w::section(ctx.t("ui-issue-title")),
            w::muted(ctx.t("ui-issue-hint")),
            w::text_field(
                format!("{} *", ctx.t("field-collector_iin")),
                "app-collector",
                &self.collector,
                "000000000000",
                Message::Collector,
                Some(Message::Issue),
                iin_err.as_deref()
            ),
        ]
        .spacing(theme::S);
        let valid = self.collector.len() == 12 && Iin::parse(&self.collector).is_ok();
        let applicant_s = v.app.applicant_iin.map(|i| i.as_string());
        let applicant = applicant_s.as_deref();
        if !valid {
            form = form.push(w::muted(ctx.t("ui-collector-hint-empty")));
        } else if applicant == Some(self.collector.as_str()) {
            form = form.push(w::notice(&ctx.t("ui-collector-is-applicant"), theme::INFO));
        } else {
            let p = &self.proxy;
            let field = |label: &str,
                         id: &'static str,
                         value: &'a str,
                         hint: String,
                         f: ProxyField,
                         path: &str| {
                w::text_field(
                    format!("{} *", ctx.t(label)),
                    id,
                    value,
                    &hint,
                    move |s| Message::Proxy(f, s),
                    None,
                    fe(path),
                )
            };
            form = form.push(w::section(ctx.t("ui-proxy-title")));
            form = form.push(w::muted(ctx.ta(
                "ui-proxy-hint",
                &[("iin", Arg::from(applicant.unwrap_or("—").to_string()))],
            )));
            form = form.push(field(
                "field-collector_name",
                "app-collector-name",
                &p.name,
                String::new(),
                ProxyField::Name,
                "collector_name",
            ));
            form = form.push(
                row![
                    field(
                        "field-proxy_number",
                        "app-proxy-number",
                        &p.number,
                        String::new(),
                        ProxyField::Number,
                        "proxy_number",
                    ),
                    field(
                        "field-proxy_date",
                        "app-proxy-date",
                        &p.date,
                        ctx.t("ui-hint-date"),
                        ProxyField::Date,
                        "proxy_date",
                    ),
                    w::text_field(
                        ctx.t("field-proxy_valid_until"),
                        "app-proxy-until",
                        &p.valid_until,
                        &ctx.t("ui-hint-date"),
                        |s| Message::Proxy(ProxyField::ValidUntil, s),
                        None,
                        fe("proxy_valid_until"),
                    ),
                ]
                .spacing(theme::S),
            );
            form = form.push(field(
                "field-proxy_issuer",
                "app-proxy-issuer",
                &p.issuer,
                String::new(),
                ProxyField::Issuer,
                "proxy_issuer",
            ));
            form = form.push(field(
                "field-proxy_principal_iin",
                "app-proxy-principal",
                &p.principal_iin,
                "000000000000".into(),
                ProxyField::PrincipalIin,
                "proxy_principal_iin",
            ));
            let scan: Element<'a, Message> = match &p.scan {
                Some((name, _)) => row![
                    text(ctx.ta("ui-proxy-attached", &[("name", Arg::from(name.clone()))]))
                        .size(theme::SMALL)
                        .width(Length::Fill),
                    w::secondary(ctx.t("ui-proxy-attach"), Some(Message::PickProxyScan)),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center)
                .into(),
                None => column![
                    container(w::secondary(
                        ctx.t("ui-proxy-attach"),
                        (!busy).then_some(Message::PickProxyScan)
                    ))
                    .id("app-proxy-attach"),
                    row![
                        w::input(
                            &ctx.t("ui-proxy-path-hint"),
                            &p.path,
                            |s| Message::Proxy(ProxyField::Path, s),
                            false
                        )
                        .id("app-proxy-path")
                        .on_submit(Message::LoadProxyPath),
                        w::secondary(
                            ctx.t("ui-proxy-path-load"),
                            (!p.path.trim().is_empty()).then_some(Message::LoadProxyPath)
                        ),
                    ]
                    .spacing(theme::S)
                    .align_y(Alignment::Center),
                ]
                .spacing(theme::XS)
                .into(),
            };
            form = form.push(w::field(
                format!("{} *", ctx.t("field-proxy_scan")),
                scan,
                fe("proxy_scan"),
            ));
        }
        form.push(w::primary(
            ctx.t("ui-issue"),
            (!busy && valid).then_some(Message::Issue),
        ))
        .into()
    }

    fn actions<'a>(
        &'a self,
        ctx: &Ctx,
        v: &'a ApplicationView,
        svc: Option<&'a Service>,
    ) -> Element<'a, Message> {
        let l = ctx.lang;
        let s = &ctx.session;
        let a = &v.app;
        let mut c = column![].spacing(theme::M);
        let err = self.error.as_ref();
        let busy = self.busy;
        // Head: assign.
        if s.has(Role::Head) && matches!(a.status, Status::Registered | Status::InWork) {
            let opts: Vec<Choice<i64>> = self
                .executors
                .iter()
                .map(|(id, n)| Choice {
                    value: Some(*id),
                    label: n.clone(),
                })
                .collect();
            let sel = opts.iter().find(|o| o.value == self.executor).cloned();
            c = c.push(w::card(
                column![
                    w::section(ctx.t(if a.status == Status::Registered {
                        "ui-assign-title"
                    } else {
                        "ui-reassign-title"
                    })),
                    w::field(
                        ctx.t("field-executor"),
                        container(
                            w::pick(opts, sel, Message::Executor)
                                .placeholder(ctx.t("ui-choose-executor"))
                                .width(Length::Fill)
                        )
                        .id(EXECUTOR_ID)
                        .into(),
                        err.and_then(|e| e.for_field("executor", l))
                    ),
                    w::text_field(
                        ctx.t("field-resolution"),
                        "app-resolution",
                        &self.resolution,
                        &ctx.t("ui-resolution-hint"),
                        Message::Resolution,
                        Some(Message::Assign),
                        None
                    ),
                    w::primary(ctx.t("ui-assign"), (!busy).then_some(Message::Assign)),
                ]
                .spacing(theme::S),
            ));
        }
        // Executor: the decision form.
        let may_draft =
            a.status == Status::InWork && a.executor_id == Some(s.user_id) && s.has(Role::Executor);
        if may_draft && let Some(svc) = svc {
            let mut form = column![
                w::section(ctx.t("ui-decision-title")),
                row![
                    container(
                        radio(
                            ctx.t("ui-approve"),
                            Outcome::Approve,
                            Some(self.outcome),
                            Message::Outcome
                        )
                        .text_size(theme::BODY)
                    )
                    .id("app-approve"),
                    container(
                        radio(
                            ctx.t(if svc.results.negative_is_refusal {
                                "ui-refuse"
                            } else {
                                "ui-negative-answer"
                            }),
                            Outcome::Refuse,
                            Some(self.outcome),
                            Message::Outcome
                        )
                        .text_size(theme::BODY)
                    )
                    .id("app-refuse"),
                ]
                .spacing(theme::L),
            ]
            .spacing(theme::S);
            if let Some(rc) = &a.return_comment {
                form = form.push(w::notice(
                    &ctx.ta("ui-returned-with", &[("comment", Arg::from(rc.as_str()))]),
                    theme::WARNING,
                ));
            }
            form = form.push(self.paper_lang_choice(ctx));
            if self.outcome == Outcome::Refuse && svc.results.negative_is_refusal {
                let grounds: Vec<Choice<String>> = svc
                    .refusals
                    .iter()
                    .map(|g| Choice {
                        value: Some(g.code.clone()),
                        label: g.text.get(l).to_string(),
                    })
                    .collect();
                let sel = grounds.iter().find(|g| g.value == self.ground).cloned();
                form = form.push(w::field(
                    ctx.t("field-ground"),
                    container(
                        w::pick(grounds, sel, |c: Choice<String>| {
                            Message::Ground(c.value.unwrap_or_default())
                        })
                        .placeholder(ctx.t("ui-choose-ground"))
                        .width(Length::Fill),
                    )
                    .id("app-ground")
                    .into(),
                    err.and_then(|e| e.for_field("ground", l)),
                ));
                let both = self.paper_lang.is_none();
                form = form.push(w::field(
                    if both {
                        format!(
                            "{} ({})",
                            ctx.t("doc-refusal-comment"),
                            ctx.t("ui-in-kazakh")
                        )
                    } else {
                        ctx.t("doc-refusal-comment")
                    },
                    text_editor(&self.reason)
                        .id("app-reason")
                        .on_action(Message::Reason)
                        .height(Length::Fixed(70.0))
                        .into(),
                    err.and_then(|e| e.for_field("reason", l)),
                ));
                if both {
                    form = form.push(w::field(
                        format!(
                            "{} ({})",
                            ctx.t("doc-refusal-comment"),
                            ctx.t("ui-in-russian")
                        ),
                        column![
                            text_editor(&self.reason_ru)
                                .id("app-reason-ru")
                                .on_action(Message::ReasonRu)
                                .height(Length::Fixed(70.0)),
                            w::secondary(
                                ctx.t("ui-copy-to-russian"),
                                (!self.reason.text().trim().is_empty())
                                    .then(|| Message::CopyToRu("reason".into())),
                            ),
                        ]
                        .spacing(theme::XS)
                        .into(),
                        err.and_then(|e| e.for_field("reason_ru", l)),
                    ));
                }
            }
            for f in svc
                .fields
                .iter()
                .filter(|f| crate::domain::decision::stages(self.outcome).contains(&f.stage))
            {
                form = form.push(self.decision_field(ctx, f, err));
            }
            form = form.push(
                row![
                    w::secondary(
                        ctx.t("ui-save-draft"),
                        (!busy).then_some(Message::SaveDraft)
                    ),
                    w::primary(ctx.t("ui-submit-draft"), (!busy).then_some(Message::Submit)),
                ]
                .spacing(theme::S),
            );
            c = c.push(w::card(form));
        }
        // The live preview of the output.
        if let Some(p) = &self.preview
            && (may_draft || a.status == Status::AwaitingSignature)
        {
            c = c.push(w::card(preview(ctx, &p.0, &p.1)));
        }
        // Head: return, sign, extend.
        if s.has(Role::Head) && a.status == Status::AwaitingSignature {
            c = c.push(
                row![
                    w::primary(
                        ctx.t("ui-sign"),
                        (!busy).then_some(Message::Open(Dialog::Sign))
                    ),
                    w::secondary(
                        ctx.t("ui-return"),
                        (!busy).then_some(Message::Open(Dialog::Return))
                    ),
                ]
                .spacing(theme::S),
            );
        }
        if s.has(Role::Head) && a.status.is_open() && !a.extended {
            let allowed = svc
                .and_then(|svc| svc.version(&a.service_version))
                .and_then(|v| v.extension)
                .is_some();
            if allowed {
                c = c.push(w::secondary(
                    ctx.t("ui-extend"),
                    (!busy).then_some(Message::Open(Dialog::Extend)),
                ));
            }
        }
        // Registrar / akim's clerk: issue, questionnaire, withdraw.
        let clerk =
            s.has(Role::Registrar) || (s.has(Role::AkimClerk) && a.channel == Channel::Akim);
        if clerk && a.status == Status::Signed {
            c = c.push(w::card(self.issue_form(ctx, v)));
        }
        if clerk && a.status == Status::Issued && v.questionnaire.is_none() {
            let q = |n: u8, sel: Option<u8>, f: fn(u8) -> Message| -> Element<'a, Message> {
                column![
                    text(ctx.t(&format!("q-question-{n}"))).size(theme::SMALL),
                    row![
                        radio(ctx.t("q-answer-3"), 3u8, sel, f).text_size(theme::BODY),
                        radio(ctx.t("q-answer-2"), 2u8, sel, f).text_size(theme::BODY),
                        radio(ctx.t("q-answer-1"), 1u8, sel, f).text_size(theme::BODY),
                    ]
                    .spacing(theme::M)
                ]
                .spacing(theme::XS)
                .into()
            };
            c = c.push(w::card(
                column![
                    w::section(ctx.t("ui-questionnaire-title")),
                    q(1, self.q1, Message::Q1),
                    q(2, self.q2, Message::Q2),
                    w::primary(
                        ctx.t("ui-save"),
                        (!busy && self.q1.is_some() && self.q2.is_some())
                            .then_some(Message::Questionnaire)
                    ),
                ]
                .spacing(theme::S),
            ));
        }
        if clerk && a.status.is_open() {
            c = c.push(w::danger(
                ctx.t("ui-withdraw"),
                (!busy).then_some(Message::Open(Dialog::Withdraw)),
            ));
        }
        c.into()
    }

    fn dialog<'a>(&'a self, ctx: &Ctx, d: Dialog) -> Element<'a, Message> {
        let l = ctx.lang;
        let err = self.error.as_ref();
        let busy = self.busy;
        let mut c = column![].spacing(theme::M);
        match d {
            Dialog::Return => {
                c = c.push(w::section(ctx.t("ui-return-title")));
                c = c.push(w::text_field(
                    ctx.t("field-comment"),
                    "app-comment",
                    &self.comment,
                    "",
                    Message::Comment,
                    Some(Message::Return),
                    err.and_then(|e| e.for_field("comment", l)),
                ));
                c = c.push(
                    row![
                        w::primary(ctx.t("ui-return"), (!busy).then_some(Message::Return)),
                        w::secondary(ctx.t("ui-cancel"), Some(Message::Close))
                    ]
                    .spacing(theme::S),
                );
            }
            Dialog::Sign => {
                c = c.push(w::section(ctx.t("ui-sign-title")));
                c = c.push(w::muted(ctx.t("ui-sign-hint")));
                c = c.push(
                    row![
                        w::text_field(
                            ctx.t("ui-sign-key"),
                            "app-key",
                            &self.key_path,
                            "",
                            Message::KeyPath,
                            None,
                            None
                        ),
                        container(w::secondary(
                            ctx.t("ui-choose-file"),
                            Some(Message::PickKey)
                        ))
                        .padding([20, 0]),
                    ]
                    .spacing(theme::S),
                );
                c = c.push(w::field(
                    ctx.t("ui-sign-pin"),
                    w::input("", &self.pin, Message::Pin, false)
                        .secure(true)
                        .id("app-pin")
                        .on_submit(Message::Sign)
                        .into(),
                    None,
                ));
                if let Some(e) = err {
                    c = c.push(w::error_banner(e.text(l)));
                }
                c = c.push(
                    row![
                        w::primary(
                            ctx.t("ui-sign"),
                            (!busy && !self.pin.is_empty()).then_some(Message::Sign)
                        ),
                        w::secondary(ctx.t("ui-cancel"), Some(Message::Close))
                    ]
                    .spacing(theme::S),
                );
            }
            Dialog::Extend => {
                c = c.push(w::section(ctx.t("ui-extend-title")));
                c = c.push(w::muted(ctx.t("ui-extend-hint")));
                c = c.push(w::text_field(
                    ctx.t("doc-extension-reason"),
                    "app-extend",
                    &self.extend_reason,
                    "",
                    Message::ExtendReason,
                    Some(Message::Extend),
                    err.and_then(|e| e.for_field("reason", l)),
                ));
                c = c.push(
                    row![
                        w::primary(ctx.t("ui-extend"), (!busy).then_some(Message::Extend)),
                        w::secondary(ctx.t("ui-cancel"), Some(Message::Close))
                    ]
                    .spacing(theme::S),
                );
            }
            Dialog::Withdraw => {
                c = c.push(w::section(ctx.t("ui-withdraw-title")));
                c = c.push(w::text_field(
                    ctx.t("field-reason"),
                    "app-withdraw",
                    &self.withdraw_reason,
                    "",
                    Message::WithdrawReason,
                    None,
                    err.and_then(|e| e.for_field("reason", l)),
                ));
                c = c.push(
                    row![
                        w::danger(
                            ctx.t("ui-withdraw-confirm"),
                            (!busy).then_some(Message::Withdraw)
                        ),
                        w::secondary(ctx.t("ui-cancel"), Some(Message::Close))
                    ]
                    .spacing(theme::S),
                );
            }
        }
        if let Some(e) = err
            && d != Dialog::Sign
            && e.field.is_none()
        {
            c = c.push(w::error_banner(e.text(l)));
        }
        c.into()
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let Some(v) = &self.view else {
            return match &self.error {
                Some(e) => w::error_banner(e.text(l)),
                None => w::muted(ctx.t("ui-loading")),
            };
        };
        let svc = self.catalog.service(&v.app.service);
        let a = &v.app;
        let title = row![
            w::title(a.number.clone()),
            w::status_chip(l, a.status),
            if a.status.is_open() {
                w::due_chip(l, v.time_left)
            } else {
                text("").into()
            },
            w::hfill(),
            w::muted(ctx.t(&format!("channel-{}", a.channel.code()))),
        ]
        .spacing(theme::M)
        .align_y(Alignment::Center);
        // Left: applicant (as registered), service data, scans, documents.
        let p = &v.applicant.person;
        let mut left = column![
            w::section(
                svc.map(|s| s.name.get(l).to_string())
                    .unwrap_or_else(|| a.service.clone())
            ),
            w::pair(ctx.t("doc-applicant"), p.full_name()),
            w::pair(
                ctx.t("field-iin"),
                p.iin.map(|i| i.as_string()).unwrap_or_else(|| "—".into())
            ),
            w::pair(
                ctx.t("field-birth_date"),
                p.birth_date
                    .map(crate::i18n::date_short)
                    .unwrap_or_default()
            ),
            w::pair(ctx.t("field-address"), p.address.clone()),
            w::pair(ctx.t("field-phone"), p.phone.clone()),
            w::pair(
                ctx.t("doc-accepted-at"),
                crate::i18n::datetime_short(ctx.desk.local(a.accepted_at))
            ),
            w::pair(ctx.t("doc-due"), crate::i18n::date_long(l, a.due_date)),
            w::pair(
                ctx.t("field-executor"),
                v.executor.clone().unwrap_or_else(|| "—".into())
            ),
        ]
        .spacing(theme::XS);
        if let Some(r) = &a.resolution
            && !r.is_empty()
        {
            left = left.push(w::pair(ctx.t("field-resolution"), r.clone()));
        }
        // The person's data changed after this application was registered: the application
        // keeps what was registered, and says so.
        if let Some(ch) = v.applicant.changes_since.last() {
            let now = &v.person;
            let current = [now.full_name(), now.address.clone(), now.phone.clone()]
                .into_iter()
                .filter(|x| !x.trim().is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            left = left.push(w::notice(
                &ctx.ta(
                    "ui-person-changed-since",
                    &[
                        (
                            "when",
                            Arg::from(ctx.desk.local_stamp(&ch.at).unwrap_or_default()),
                        ),
                        ("reason", Arg::from(ch.reason.clone())),
                        ("now", Arg::from(current)),
                    ],
                ),
                theme::WARNING,
            ));
            left = left.push(w::muted(ctx.t("ui-registered-as")));
        }
        // Who took the paper.
        if a.status == Status::Issued
            && let Some(iin) = &a.collector_iin
        {
            let name = v
                .handover
                .collector_name
                .clone()
                .unwrap_or_else(|| a.applicant_name.clone());
            let mut who = format!("{name} ({iin})");
            if let Some(pr) = &v.handover.proxy {
                who = format!(
                    "{who}, {}",
                    ctx.ta(
                        "ui-issued-to-proxy",
                        &[
                            ("number", Arg::from(pr.number.clone())),
                            ("date", Arg::from(crate::i18n::date_short(pr.date))),
                            ("issuer", Arg::from(pr.issuer.clone())),
                        ],
                    )
                );
            }
            left = left.push(w::pair(ctx.t("ui-issued-to"), who));
        }
        // The decision in words: the head reads it beside the paper to be signed, and whoever
        // hands the result over must know it is a refusal and why.
        if matches!(
            a.status,
            Status::AwaitingSignature | Status::Signed | Status::Issued
        ) && let Some(d) = &a.decision
        {
            let what = match d.outcome {
                Outcome::Approve => "ui-approve",
                Outcome::Refuse if svc.is_none_or(|s| s.results.negative_is_refusal) => "ui-refuse",
                Outcome::Refuse => "ui-negative-answer",
            };
            left = left.push(w::pair(ctx.t("ui-decision-title"), ctx.t(what)));
            if let Some(g) = d
                .ground
                .as_deref()
                .and_then(|g| svc.and_then(|s| s.refusal(g)))
            {
                left = left.push(w::pair(
                    ctx.t("doc-refusal-reason"),
                    g.text.get(l).to_string(),
                ));
            }
            let comment = match (d.reason.clone(), d.reason_ru.clone()) {
                (Some(kk), Some(ru)) if l == Lang::Ru => Some(format!("{ru} / {kk}")),
                (Some(kk), Some(ru)) => Some(format!("{kk} / {ru}")),
                (one, other) => one.or(other),
            };
            if let Some(r) = comment.filter(|r| !r.trim().is_empty()) {
                left = left.push(w::pair(ctx.t("doc-refusal-comment"), r));
            }
        }
        if let Some(r) = &a.missing_docs_reason {
            left = left.push(w::pair(ctx.t("field-missing_reason"), r.clone()));
        }
        if let Some(r) = &a.withdraw_reason {
            left = left.push(w::pair(ctx.t("field-reason"), r.clone()));
        }
        if let (Some(svc), Some(obj)) = (svc, a.intake.as_object())
            && !obj.is_empty()
        {
            left = left.push(w::gap(theme::S));
            left = left.push(w::section(ctx.t("ui-service-data")));
            for f in svc.fields.iter().filter(|f| obj.contains_key(&f.key)) {
                let val = &obj[&f.key];
                let shown = if f.kind == FieldKind::Table {
                    val.as_array()
                        .map(|rows| {
                            rows.iter()
                                .map(|r| {
                                    f.columns
                                        .iter()
                                        .map(|c| {
                                            r.get(&c.key)
                                                .map(|x| show_value(l, c.kind, &c.options, x))
                                                .unwrap_or_default()
                                        })
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                })
                                .collect::<Vec<_>>()
                                .join("\n")
                        })
                        .unwrap_or_default()
                } else {
                    show_value(l, f.kind, &f.options, val)
                };
                left = left.push(w::pair(f.label.get(l).to_string(), shown));
            }
        }
        left = left.push(w::gap(theme::S));
        left = left.push(w::section(ctx.t("ui-scans")));
        if v.attachments.is_empty() {
            left = left.push(w::muted(ctx.t("ui-no-scans")));
        }
        for at in &v.attachments {
            let item = at
                .checklist_item
                .as_deref()
                .and_then(|k| svc.and_then(|s| s.document(k)))
                .map(|d| d.name.get(l).to_string())
                .unwrap_or_else(|| {
                    if at.checklist_item.as_deref() == Some(crate::desk::handover::PROXY_ITEM) {
                        ctx.t("ui-proxy-scan-item")
                    } else {
                        ctx.t("ui-untagged")
                    }
                });
            let mut r = row![
                text(format!("{} — {}", at.file_name, item))
                    .size(theme::SMALL)
                    .width(Length::Fill)
            ]
            .spacing(theme::S)
            .align_y(Alignment::Center);
            if at.mime.starts_with("image/png")
                || at.mime.starts_with("image/jpeg")
                || at.mime == "application/pdf"
            {
                r = r.push(w::secondary(
                    ctx.t("ui-view"),
                    Some(Message::ShowScan(at.id)),
                ));
            }
            left = left.push(r);
        }
        left = left.push(w::gap(theme::S));
        left = left.push(w::section(ctx.t("ui-documents")));
        let mut docs = row![w::secondary(
            ctx.t("ui-print-receipt"),
            Some(Message::Print("receipt".into()))
        )]
        .spacing(theme::S);
        // At an akimat its own signed paper is the cover letter; the result is the
        // department's, once it came back.
        let at_akimat = ctx.desk.is_akimat();
        let result_here = if at_akimat {
            v.akimat.as_ref().is_some_and(|l| l.result_sha256.is_some())
        } else {
            a.outgoing_number.is_some()
        };
        if result_here {
            docs = docs.push(w::secondary(
                ctx.t("ui-print-result"),
                Some(Message::Print("result".into())),
            ));
        }
        if v.documents.iter().any(|d| d.kind == "extension_notice") {
            docs = docs.push(w::secondary(
                ctx.t("ui-print-extension"),
                Some(Message::Print("extension_notice".into())),
            ));
        }
        if a.channel == Channel::Akim {
            docs = docs.push(w::secondary(
                ctx.t("ui-print-cover"),
                Some(Message::Print("cover_letter".into())),
            ));
        }
        left = left.push(docs);
        if let Some(link) = &v.akimat {
            left = left.push(w::gap(theme::S));
            let line = if at_akimat {
                let status = link
                    .department_status
                    .as_deref()
                    .map(|s| ctx.t(&format!("public-status-{s}")))
                    .unwrap_or_else(|| ctx.t("ui-akimat-not-heard"));
                let heard = link
                    .heard_at
                    .as_deref()
                    .and_then(|h| ctx.desk.local_stamp(h))
                    .unwrap_or_else(|| "—".into());
                ctx.ta(
                    "ui-akimat-at-department",
                    &[
                        (
                            "number",
                            Arg::from(link.department_number.clone().unwrap_or("—".into())),
                        ),
                        ("status", Arg::from(status)),
                        ("heard", Arg::from(heard)),
                    ],
                )
            } else {
                let name = if l == Lang::Kk {
                    &link.akimat_name_kk
                } else {
                    &link.akimat_name_ru
                };
                let accepted = ctx
                    .desk
                    .local_stamp(&link.akimat_accepted_at)
                    .unwrap_or_default();
                ctx.ta(
                    "ui-akimat-from",
                    &[
                        ("akimat", Arg::from(name.as_str())),
                        ("number", Arg::from(link.akimat_number.as_str())),
                        ("accepted", Arg::from(accepted)),
                    ],
                )
            };
            left = left.push(w::section(ctx.t("ui-akimat-section")));
            left = left.push(text(line).size(theme::SMALL));
        }
        // History.
        let mut history = column![w::section(ctx.t("ui-history"))].spacing(theme::XS);
        for h in &v.history {
            let who = h
                .user_iin
                .as_ref()
                .and_then(|i| self.names.get(i).cloned())
                .unwrap_or_else(|| ctx.t("ui-history-system"));
            let when = ctx.desk.local_stamp(&h.at).unwrap_or_default();
            let key = format!("history-{}", h.action);
            let mut what = {
                let t = ctx.t(&key);
                if t == key { h.action.clone() } else { t }
            };
            // The issue names who took the paper (and by which power of attorney).
            if h.action == "issue"
                && let Ok(d) = serde_json::from_str::<Value>(&h.details)
                && let Some(name) = d.get("collector_name").and_then(Value::as_str)
            {
                what = match d.pointer("/proxy/number").and_then(Value::as_str) {
                    Some(n) => format!("{what}: {name} (№ {n})"),
                    None => format!("{what}: {name}"),
                };
            }
            history = history.push(
                row![
                    text(when)
                        .size(theme::SMALL)
                        .color(theme::MUTED)
                        .width(Length::Fixed(110.0)),
                    text(what)
                        .size(theme::SMALL)
                        .font(theme::BOLD)
                        .width(Length::FillPortion(2)),
                    text(who).size(theme::SMALL).width(Length::FillPortion(2)),
                ]
                .spacing(theme::S),
            );
        }
        let mut right = column![].spacing(theme::M);
        if let Some(n) = &self.notice {
            right = right.push(w::notice(n, theme::SUCCESS));
        }
        if let Some(n) = &self.printed {
            right = right.push(w::notice(n, theme::INFO));
        }
        if let Some(e) = &self.error
            && self.dialog.is_none()
        {
            right = right.push(w::error_banner(e.text(l)));
        }
        right = right.push(self.actions(ctx, v, svc));
        right = right.push(w::card(history));
        let body = column![
            title,
            row![
                scrollable(w::card(left))
                    .width(Length::FillPortion(5))
                    .height(Length::Fill),
                scrollable(right)
                    .width(Length::FillPortion(6))
                    .height(Length::Fill),
            ]
            .spacing(theme::M),
        ]
        .spacing(theme::M);
        let base: Element<'_, Message> = body.into();
        if self.print.is_open() {
            return w::modal(
                base,
                self.print.view(ctx).map(Message::Paper),
                Message::Paper(super::print::Message::Close),
            );
        }
        if let Some(v) = &self.scan {
            return w::modal(
                base,
                v.view(ctx.lang, Message::ScanView),
                Message::ScanView(super::scan_view::Msg::Close),
            );
        }
        match self.dialog {
            Some(d) => w::modal(base, self.dialog(ctx, d), Message::Close),
            None => base,
        }
    }
}

/// A stored value as typed again (for re-editing a draft).
fn show_raw(f: &FieldSpec, key: &str, v: &Value) -> String {
    let kind = if key == f.key {
        f.kind
    } else {
        f.columns
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.kind)
            .unwrap_or(FieldKind::Text)
    };
    match (kind, v) {
        (FieldKind::Money, Value::Number(n)) => {
            let t = n.as_i64().unwrap_or(0);
            if t % 100 == 0 {
                (t / 100).to_string()
            } else {
                format!("{},{:02}", t / 100, t % 100)
            }
        }
        (FieldKind::Date, Value::String(s)) => s
            .parse()
            .map(crate::i18n::date_short)
            .unwrap_or_else(|_| s.clone()),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Bool(b)) => b.to_string(),
        (_, other) => other.to_string(),
    }
}

fn show_value(
    l: Lang,
    kind: FieldKind,
    options: &[crate::domain::catalog::ChoiceOption],
    v: &Value,
) -> String {
    match (kind, v) {
        (FieldKind::Money, Value::Number(n)) => crate::i18n::money(n.as_i64().unwrap_or(0)),
        (FieldKind::Date, Value::String(s)) => s
            .parse()
            .map(crate::i18n::date_short)
            .unwrap_or_else(|_| s.clone()),
        (FieldKind::YesNo, Value::Bool(b)) => crate::i18n::yes_no(l, *b),
        (FieldKind::Choice, Value::String(s)) => options
            .iter()
            .find(|o| &o.key == s)
            .map(|o| o.label.get(l).to_string())
            .unwrap_or_else(|| s.clone()),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The live preview: the whole paper as it will print, page by page (the same pages the PDF
/// writer draws), under its title in the user's language.
fn preview<'a>(
    ctx: &Ctx,
    c: &Content,
    paper: &'a crate::desk::papers::Paper,
) -> Element<'a, Message> {
    column![
        w::muted(ctx.t("ui-preview")),
        text(ctx.t(&crate::desk::papers::title_key(c)))
            .size(theme::H3)
            .font(theme::BOLD),
        w::paper::paper(paper, theme::PAPER_W),
    ]
    .spacing(theme::XS)
    .into()
}
