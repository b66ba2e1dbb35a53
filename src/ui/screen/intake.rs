//! Intake of a new application: the ИИН first (checked as it is typed, an existing person is
//! found and filled in), the applicant, the service and channel, the service's own fields from
//! the catalogue, the documents checklist with scans (file dialog or dropped on the window) and
//! image previews; registration gives the journal number, the due date and the receipt.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use iced::widget::{checkbox, column, container, image, row, scrollable, text, text_editor};
use iced::{Alignment, Element, Length, Task};
use serde_json::{Map, Value};

use super::queues::Choice;
use crate::desk::intake::{NewFile, Registered, Registration};
use crate::domain::catalog::{FieldKind, FieldSpec, FieldStage, RequiredDocument, Service};
use crate::domain::iin::Iin;
use crate::domain::model::{Channel, Role};
use crate::domain::person::{IdentityDocument, Person, PersonInput};
use crate::i18n::Arg;
use crate::ui::platform::blocking;
use crate::ui::widget as w;
use crate::ui::{Ctx, Failure, theme};

/// What is typed into a service field.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Text(String),
    Flag(bool),
    Rows(Vec<BTreeMap<String, String>>),
}

/// The ids of the service and channel lists (for focus and for tests).
pub const SERVICE_ID: &str = "intake-service";
pub const CHANNEL_ID: &str = "intake-channel";
pub const SERVICE_SEARCH_ID: &str = "intake-service-search";

/// Services whose name (in either language, or the short name) contains every word typed.
pub fn find_services<'a>(
    cat: &'a crate::domain::catalog::Catalog,
    query: &str,
) -> Vec<&'a Service> {
    let words: Vec<String> = query.split_whitespace().map(|w| w.to_lowercase()).collect();
    if words.is_empty() {
        return Vec::new();
    }
    cat.services
        .iter()
        .filter(|s| {
            let hay = format!(
                "{} {} {} {}",
                s.name.kk, s.name.ru, s.short_name.kk, s.short_name.ru
            )
            .to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect()
}

/// The input a field's error belongs to (the person's fields, the service's own fields).
fn input_id(path: &str) -> Option<String> {
    let id = match path {
        "iin" => "intake-iin",
        "surname" => "intake-surname",
        "given_name" => "intake-given",
        "patronymic" => "intake-patronymic",
        "address" => "intake-address",
        "phone" => "intake-phone",
        "id_document" => "intake-doc",
        "person_change_reason" => "intake-person-reason",
        "missing_reason" | "service" | "channel" => return None,
        key if !key.contains('[') => return Some(format!("intake-f-{key}")),
        _ => return None,
    };
    Some(id.to_string())
}

/// A scan waiting to be registered with the application.
#[derive(Debug, Clone)]
pub struct Scan {
    pub item: Option<String>,
    pub name: String,
    pub bytes: Arc<Vec<u8>>,
    pub preview: Option<image::Handle>,
}

#[derive(Debug, Default)]
pub struct State {
    catalog: Arc<crate::domain::catalog::Catalog>,
    pub iin: String,
    pub no_iin: bool,
    pub surname: String,
    pub given_name: String,
    pub patronymic: String,
    pub address: String,
    pub phone: String,
    pub doc_number: String,
    pub doc_issued_by: String,
    pub doc_issued_on: String,
    found: Option<Person>,
    /// A scan's path typed when no file dialog opens.
    pub scan_path: String,
    /// The file dialog gave nothing the last time.
    no_dialog: bool,
    /// Why a known person's data are being changed (required when they differ).
    pub person_reason: String,
    pub service: Option<String>,
    /// What is typed into the service search (choosing a service without the mouse).
    pub service_query: String,
    pub channel: Option<Channel>,
    pub inputs: BTreeMap<String, Input>,
    pub scans: Vec<Scan>,
    pub active_item: Option<String>,
    pub missing_reason: text_editor::Content,
    busy: bool,
    pub error: Option<Failure>,
    pub registered: Option<Registered>,
    printed: Option<String>,
    preview: Option<usize>,
    /// The print dialog.
    pub print: super::print::State,
}

/// Intake events.
#[derive(Debug, Clone)]
pub enum Message {
    Iin(String),
    Found(Option<Person>),
    /// The reason a known person's data are changed.
    PersonReason(String),
    NoIin(bool),
    Surname(String),
    GivenName(String),
    Patronymic(String),
    Address(String),
    Phone(String),
    DocNumber(String),
    DocIssuedBy(String),
    DocIssuedOn(String),
    Service(Choice<String>),
    /// Typing in the service search.
    ServiceQuery(String),
    /// Enter in the service search: take the first service found.
    ServiceQuerySubmit,
    Channel(Choice<Channel>),
    Field(String, String),
    Flag(String, bool),
    Cell(String, usize, String, String),
    AddRow(String),
    RemoveRow(String, usize),
    /// Open the file dialog for a checklist item.
    Attach(Option<String>),
    /// Ctrl+O: the file dialog for the first mandatory document without a scan (or the
    /// selected one).
    AttachNext,
    Picked(Option<String>, Vec<PathBuf>),
    Read(Option<String>, Vec<Result<(String, Vec<u8>), Unread>>),
    /// A scan's path typed (when no file dialog opens).
    ScanPath(String),
    /// Attach the file at the typed path to the selected document.
    LoadScanPath,
    Dropped(PathBuf),
    Select(Option<String>),
    RemoveScan(usize),
    Preview(Option<usize>),
    MissingReason(text_editor::Action),
    Submit,
    Registered(Result<Registered, Failure>),
    /// Open the print dialog on the receipt.
    Print,
    /// The print dialog.
    Paper(super::print::Message),
    New,
    Open,
}

pub enum Outcome {
    Run(Task<Message>),
    Open(i64),
    Again,
}

/// A file that could not be read: its path as shown, and why.
pub type Unread = (String, std::io::ErrorKind);

fn read_files(paths: Vec<PathBuf>) -> Vec<Result<(String, Vec<u8>), Unread>> {
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            // Refuse huge files before reading them whole.
            let shown = p.display().to_string();
            match std::fs::metadata(&p) {
                Ok(m) if m.len() > 500 * 1024 * 1024 => {
                    Err((shown, std::io::ErrorKind::FileTooLarge))
                }
                Ok(m) if m.is_dir() => Err((shown, std::io::ErrorKind::IsADirectory)),
                Ok(_) => std::fs::read(&p)
                    .map(|b| (name.clone(), b))
                    .map_err(|e| (shown, e.kind())),
                Err(e) => Err((shown, e.kind())),
            }
        })
        .collect()
}

impl State {
    pub fn new(ctx: &Ctx) -> (State, Task<Message>) {
        let channel = if ctx.session.has(Role::Registrar) {
            Channel::Office
        } else {
            Channel::Akim
        };
        (
            State {
                catalog: ctx.desk.catalog(),
                channel: Some(channel),
                ..Default::default()
            },
            iced::widget::operation::focus("intake-iin"),
        )
    }

    pub fn escape(&mut self) {
        if self.print.is_open() {
            self.print.close();
        } else if self.preview.is_some() {
            self.preview = None;
        } else {
            self.error = None;
        }
    }

    fn service<'a>(&self, cat: &'a crate::domain::catalog::Catalog) -> Option<&'a Service> {
        self.service.as_deref().and_then(|c| cat.service(c))
    }

    fn intake_values(&self, svc: &Service) -> Map<String, Value> {
        let mut m = Map::new();
        for f in svc.fields_for(FieldStage::Intake) {
            match self.inputs.get(&f.key) {
                Some(Input::Text(t)) if !t.trim().is_empty() => {
                    m.insert(f.key.clone(), Value::String(t.clone()));
                }
                Some(Input::Flag(b)) => {
                    m.insert(f.key.clone(), Value::Bool(*b));
                }
                Some(Input::Rows(rows)) => {
                    let rows: Vec<Value> = rows
                        .iter()
                        .map(|r| {
                            Value::Object(
                                r.iter()
                                    .filter(|(_, v)| !v.trim().is_empty())
                                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                                    .collect(),
                            )
                        })
                        .collect();
                    m.insert(f.key.clone(), Value::Array(rows));
                }
                _ => {}
            }
        }
        m
    }

    /// What the clerk is changing in a known person's data (empty when nothing, or when the
    /// person is new).
    fn person_changes(&self) -> Vec<&'static str> {
        let Some(found) = &self.found else {
            return Vec::new();
        };
        match self.person().validate() {
            Ok(v) => crate::desk::handover::changed_fields(
                found,
                &crate::desk::handover::merged(found, &v),
            ),
            Err(_) => Vec::new(),
        }
    }

    fn person(&self) -> PersonInput {
        PersonInput {
            iin: (!self.no_iin).then(|| self.iin.clone()),
            surname: self.surname.clone(),
            given_name: self.given_name.clone(),
            patronymic: self.patronymic.clone(),
            birth_date: None,
            address: self.address.clone(),
            phone: self.phone.clone(),
            id_document: (!self.doc_number.trim().is_empty()).then(|| IdentityDocument {
                kind: "id_card".into(),
                number: self.doc_number.trim().to_string(),
                issued_by: self.doc_issued_by.trim().to_string(),
                issued_on: crate::domain::fields::parse_date(&self.doc_issued_on),
            }),
        }
    }

    fn missing_mandatory(&self, svc: &Service) -> bool {
        self.first_missing_mandatory(svc).is_some()
    }

    /// The first mandatory document of the checklist with no scan yet.
    fn first_missing_mandatory<'s>(&self, svc: &'s Service) -> Option<&'s RequiredDocument> {
        svc.documents.iter().find(|d| {
            d.mandatory
                && !self
                    .scans
                    .iter()
                    .any(|s| s.item.as_deref() == Some(d.key.as_str()))
        })
    }

    fn add_scans(&mut self, item: Option<String>, files: Vec<Result<(String, Vec<u8>), Unread>>) {
        for f in files {
            match f {
                Ok((name, bytes)) => {
                    let kind = crate::domain::attachment::sniff(&bytes);
                    match kind {
                        Ok(k) => {
                            let preview = k
                                .is_image()
                                .then(|| image::Handle::from_bytes(bytes.clone()));
                            self.scans.push(Scan {
                                item: item.clone(),
                                name,
                                bytes: Arc::new(bytes),
                                preview,
                            });
                        }
                        Err(e) => {
                            let d = crate::desk::DeskError::Attachment(e);
                            self.error = Some(Failure::from(d));
                        }
                    }
                }
                Err((file, kind)) => {
                    self.error = Some(super::print::io_failure(
                        kind,
                        "ui-scan-read-failed",
                        &file,
                        true,
                    ))
                }
            }
        }
    }

    /// Takes a service: its fields start empty, scans keep their file but lose their tag.
    fn choose_service(&mut self, code: Option<String>, ctx: &Ctx) {
        if self.service == code {
            return;
        }
        self.service = code;
        self.inputs.clear();
        self.active_item = None;
        // Scans keep their file but lose their checklist tag.
        for s in &mut self.scans {
            s.item = None;
        }
        let cat = ctx.desk.catalog();
        if let Some(svc) = self.service(&cat) {
            if let Some(ch) = self.channel
                && !svc.channels.contains(&ch)
            {
                self.channel = None;
            }
            for f in svc.fields_for(FieldStage::Intake) {
                if f.kind == FieldKind::Table {
                    let n = f.min_rows.unwrap_or(0).max(1) as usize;
                    self.inputs
                        .insert(f.key.clone(), Input::Rows(vec![BTreeMap::new(); n]));
                }
            }
        }
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Outcome {
        let t = match m {
            Message::Iin(v) => {
                self.iin = v.chars().filter(|c| c.is_ascii_digit()).take(12).collect();
                self.found = None;
                if Iin::parse(&self.iin).is_ok() {
                    let (desk, s, iin) = (ctx.desk.clone(), ctx.session.clone(), self.iin.clone());
                    Task::perform(
                        blocking(move || desk.find_person(&s, &iin).ok().flatten()),
                        Message::Found,
                    )
                } else {
                    Task::none()
                }
            }
            Message::Found(p) => {
                if let Some(p) = &p
                    && p.iin.map(|i| i.as_string()) == Some(self.iin.clone())
                {
                    self.surname = p.surname.clone();
                    self.given_name = p.given_name.clone();
                    self.patronymic = p.patronymic.clone();
                    self.address = p.address.clone();
                    self.phone = p.phone.clone();
                    if let Some(d) = &p.id_document {
                        self.doc_number = d.number.clone();
                        self.doc_issued_by = d.issued_by.clone();
                        self.doc_issued_on =
                            d.issued_on.map(crate::i18n::date_short).unwrap_or_default();
                    }
                    self.found = Some(p.clone());
                }
                Task::none()
            }
            Message::NoIin(b) => {
                self.no_iin = b;
                Task::none()
            }
            Message::PersonReason(v) => {
                self.person_reason = v;
                crate::ui::clear_field_errors(&mut self.error, &["person_change_reason"]);
                Task::none()
            }
            Message::Surname(v) => {
                self.surname = v;
                crate::ui::clear_field_errors(&mut self.error, &["surname"]);
                Task::none()
            }
            Message::GivenName(v) => {
                self.given_name = v;
                crate::ui::clear_field_errors(&mut self.error, &["given_name"]);
                Task::none()
            }
            Message::Patronymic(v) => {
                self.patronymic = v;
                crate::ui::clear_field_errors(&mut self.error, &["patronymic"]);
                Task::none()
            }
            Message::Address(v) => {
                self.address = v;
                crate::ui::clear_field_errors(&mut self.error, &["address"]);
                Task::none()
            }
            Message::Phone(v) => {
                self.phone = v;
                crate::ui::clear_field_errors(&mut self.error, &["phone"]);
                Task::none()
            }
            Message::DocNumber(v) => {
                self.doc_number = v;
                crate::ui::clear_field_errors(&mut self.error, &["id_document"]);
                Task::none()
            }
            Message::DocIssuedBy(v) => {
                self.doc_issued_by = v;
                Task::none()
            }
            Message::DocIssuedOn(v) => {
                self.doc_issued_on = v;
                Task::none()
            }
            Message::ServiceQuery(q) => {
                self.service_query = q;
                Task::none()
            }
            Message::ServiceQuerySubmit => {
                let cat = ctx.desk.catalog();
                let Some(code) = find_services(&cat, &self.service_query)
                    .first()
                    .map(|s| s.code.clone())
                else {
                    return Outcome::Run(Task::none());
                };
                self.service_query.clear();
                self.choose_service(Some(code), ctx);
                // Straight on to the service's first field, or to the next field.
                let first = self.service(&cat).and_then(|svc| {
                    svc.fields_for(FieldStage::Intake)
                        .into_iter()
                        .find(|f| {
                            !matches!(
                                f.kind,
                                FieldKind::Table | FieldKind::YesNo | FieldKind::Choice
                            )
                        })
                        .map(|f| format!("intake-f-{}", f.key))
                });
                match first {
                    Some(id) => iced::widget::operation::focus(id),
                    None => iced::widget::operation::focus_next(),
                }
            }
            Message::Service(c) => {
                self.service_query.clear();
                self.choose_service(c.value, ctx);
                Task::none()
            }
            Message::Channel(c) => {
                self.channel = c.value;
                Task::none()
            }
            Message::Field(k, v) => {
                crate::ui::clear_field_errors(&mut self.error, &[k.as_str()]);
                self.inputs.insert(k, Input::Text(v));
                Task::none()
            }
            Message::Flag(k, b) => {
                crate::ui::clear_field_errors(&mut self.error, &[k.as_str()]);
                self.inputs.insert(k, Input::Flag(b));
                Task::none()
            }
            Message::Cell(k, i, col, v) => {
                let cell = format!("{k}[{i}].{col}");
                crate::ui::clear_field_errors(&mut self.error, &[cell.as_str()]);
                if let Some(Input::Rows(rows)) = self.inputs.get_mut(&k)
                    && let Some(r) = rows.get_mut(i)
                {
                    r.insert(col, v);
                }
                Task::none()
            }
            Message::AddRow(k) => {
                if let Some(Input::Rows(rows)) = self.inputs.get_mut(&k) {
                    rows.push(BTreeMap::new());
                }
                Task::none()
            }
            Message::RemoveRow(k, i) => {
                if let Some(Input::Rows(rows)) = self.inputs.get_mut(&k)
                    && i < rows.len()
                {
                    rows.remove(i);
                }
                Task::none()
            }
            Message::Attach(item) => {
                self.active_item = item.clone();
                let picker = ctx.platform.picker.clone();
                let title = ctx.t("ui-attach-title");
                Task::perform(async move { picker.pick_scans(title).await }, move |p| {
                    Message::Picked(item.clone(), p)
                })
            }
            Message::AttachNext => {
                let cat = ctx.desk.catalog();
                let Some(svc) = self.service(&cat) else {
                    return Outcome::Run(Task::none());
                };
                let item = self
                    .first_missing_mandatory(svc)
                    .map(|d| d.key.clone())
                    .or_else(|| self.active_item.clone())
                    .or_else(|| svc.documents.first().map(|d| d.key.clone()));
                return self.update(Message::Attach(item), ctx);
            }
            Message::Picked(item, paths) => {
                if paths.is_empty() {
                    // No dialog, or nothing chosen: say how else a scan comes in.
                    self.no_dialog = true;
                    Task::none()
                } else {
                    self.no_dialog = false;
                    Task::perform(blocking(move || read_files(paths)), move |r| {
                        Message::Read(item.clone(), r)
                    })
                }
            }
            Message::Read(item, files) => {
                self.error = None;
                self.add_scans(item, files);
                Task::none()
            }
            Message::ScanPath(p) => {
                self.scan_path = p;
                Task::none()
            }
            Message::LoadScanPath => {
                let p = self.scan_path.trim().to_string();
                if p.is_empty() {
                    return Outcome::Run(Task::none());
                }
                self.scan_path.clear();
                self.no_dialog = false;
                let item = self.active_item.clone();
                Task::perform(
                    blocking(move || read_files(vec![PathBuf::from(p)])),
                    move |r| Message::Read(item.clone(), r),
                )
            }
            Message::Dropped(path) => {
                let item = self.active_item.clone();
                Task::perform(blocking(move || read_files(vec![path])), move |r| {
                    Message::Read(item.clone(), r)
                })
            }
            Message::Select(item) => {
                self.active_item = item;
                Task::none()
            }
            Message::RemoveScan(i) => {
                if i < self.scans.len() {
                    self.scans.remove(i);
                }
                self.preview = None;
                Task::none()
            }
            Message::Preview(i) => {
                self.preview = i;
                Task::none()
            }
            Message::MissingReason(a) => {
                self.missing_reason.perform(a);
                crate::ui::clear_field_errors(&mut self.error, &["missing_reason"]);
                Task::none()
            }
            Message::Submit => self.submit(ctx),
            Message::Registered(r) => {
                self.busy = false;
                match r {
                    Ok(reg) => {
                        self.registered = Some(reg);
                        self.error = None;
                        // The receipt is offered for printing at once.
                        return Outcome::Run(Task::done(Message::Print));
                    }
                    Err(e) => {
                        // The cursor goes to the first field that needs fixing.
                        let first = e
                            .fields
                            .first()
                            .map(|m| m.path.clone())
                            .or_else(|| e.field.clone());
                        self.error = Some(e);
                        if let Some(id) = first.and_then(|p| input_id(&p)) {
                            return Outcome::Run(iced::widget::operation::focus(id));
                        }
                    }
                }
                Task::none()
            }
            Message::Print => {
                let Some(reg) = &self.registered else {
                    return Outcome::Run(Task::none());
                };
                self.print
                    .open(
                        ctx,
                        super::print::application_paper(reg.number.clone(), "receipt".into()),
                    )
                    .map(Message::Paper)
            }
            Message::Paper(m) => {
                let t = self.print.update(m, ctx).map(Message::Paper);
                if let Some(d) = self.print.done.take() {
                    self.printed = Some(d);
                }
                t
            }
            Message::New => return Outcome::Again,
            Message::Open => {
                if let Some(r) = &self.registered {
                    return Outcome::Open(r.id);
                }
                Task::none()
            }
        };
        Outcome::Run(t)
    }

    fn submit(&mut self, ctx: &Ctx) -> Task<Message> {
        if self.busy || self.registered.is_some() {
            return Task::none();
        }
        let cat = ctx.desk.catalog();
        let Some(svc) = self.service(&cat) else {
            self.error = Some(Failure {
                field: Some("service".into()),
                ..Failure::plain("ui-choose-service")
            });
            return Task::none();
        };
        let Some(channel) = self.channel else {
            self.error = Some(Failure {
                field: Some("channel".into()),
                ..Failure::plain("ui-choose-channel")
            });
            return Task::none();
        };
        let reason = self.missing_reason.text().trim().to_string();
        let reg = Registration {
            service: svc.code.clone(),
            channel,
            person: self.person(),
            intake: self.intake_values(svc),
            files: self
                .scans
                .iter()
                .map(|s| NewFile {
                    checklist_item: s.item.clone(),
                    file_name: s.name.clone(),
                    bytes: s.bytes.as_ref().clone(),
                })
                .collect(),
            missing_reason: (!reason.is_empty()).then_some(reason),
            accepted_at: None,
            external: None,
        };
        self.busy = true;
        self.error = None;
        let (desk, s) = (ctx.desk.clone(), ctx.session.clone());
        let why = self.person_reason.trim().to_string();
        let why = (!why.is_empty() && !self.person_changes().is_empty()).then_some(why);
        Task::perform(
            blocking(move || desk.register_with(Some(&s), reg, why.as_deref())),
            |r| Message::Registered(r.map_err(Failure::from)),
        )
    }

    fn scalar<'a>(&'a self, ctx: &Ctx, f: &'a FieldSpec) -> Element<'a, Message> {
        let l = ctx.lang;
        // A yes/no box always has an answer (unticked is "no"): no "required" star on it.
        let star = f.required && f.kind != FieldKind::YesNo;
        let label = format!("{}{}", f.label.get(l), if star { " *" } else { "" });
        let err = self.error.as_ref().and_then(|e| e.for_field(&f.key, l));
        let key = f.key.clone();
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
                    err,
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
                    FieldKind::Year => "2026".into(),
                    _ => String::new(),
                };
                w::field(
                    label,
                    w::input(
                        &hint,
                        v,
                        move |s| Message::Field(key.clone(), s),
                        err.is_some(),
                    )
                    .id(format!("intake-f-{}", f.key))
                    .on_submit(Message::Submit)
                    .into(),
                    err,
                )
            }
        }
    }

    fn table<'a>(&'a self, ctx: &Ctx, f: &'a FieldSpec) -> Element<'a, Message> {
        let l = ctx.lang;
        let rows = match self.inputs.get(&f.key) {
            Some(Input::Rows(r)) => r.as_slice(),
            _ => &[],
        };
        let mut c = column![
            text(format!(
                "{}{}",
                f.label.get(l),
                if f.required { " *" } else { "" }
            ))
            .size(theme::SMALL)
            .color(theme::MUTED)
        ]
        .spacing(theme::XS);
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
        for (i, r) in rows.iter().enumerate() {
            let mut line = row![].spacing(theme::XS).align_y(Alignment::Center);
            for col in &f.columns {
                let (key, ck) = (f.key.clone(), col.key.clone());
                let v = r.get(&col.key).map(String::as_str).unwrap_or("");
                let path = format!("{}[{i}].{}", f.key, col.key);
                let err = self
                    .error
                    .as_ref()
                    .and_then(|e| e.for_field(&path, l))
                    .is_some();
                if col.kind == FieldKind::Choice {
                    let opts: Vec<Choice<String>> = col
                        .options
                        .iter()
                        .map(|o| Choice {
                            value: Some(o.key.clone()),
                            label: o.label.get(l).to_string(),
                        })
                        .collect();
                    let sel = opts.iter().find(|o| o.value.as_deref() == Some(v)).cloned();
                    line = line.push(
                        w::pick(opts, sel, move |c: Choice<String>| {
                            Message::Cell(key.clone(), i, ck.clone(), c.value.unwrap_or_default())
                        })
                        .text_size(theme::SMALL)
                        .width(Length::Fill),
                    );
                } else {
                    line = line.push(
                        w::input(
                            "",
                            v,
                            move |s| Message::Cell(key.clone(), i, ck.clone(), s),
                            err,
                        )
                        .size(theme::SMALL)
                        .width(Length::Fill),
                    );
                }
            }
            line = line.push(w::button_with(
                "×".into(),
                Some(Message::RemoveRow(f.key.clone(), i)),
                theme::secondary,
            ));
            c = c.push(line);
        }
        if let Some(e) = self
            .error
            .as_ref()
            .and_then(|e| crate::ui::table_errors(e, f, l))
        {
            c = c.push(text(e.to_string()).size(theme::SMALL).color(theme::DANGER));
        }
        c = c.push(w::secondary(
            ctx.t("ui-add-row"),
            Some(Message::AddRow(f.key.clone())),
        ));
        container(c).padding(theme::S).style(theme::card).into()
    }

    pub fn view(&self, ctx: &Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        if let Some(r) = &self.registered {
            let mut c = column![
                w::title(ctx.t("ui-registered-title")),
                w::pair(ctx.t("doc-unique-number"), r.number.clone()),
                w::pair(ctx.t("doc-due"), crate::i18n::date_long(l, r.due.date)),
            ]
            .spacing(theme::M);
            if let Some(p) = &self.printed {
                c = c.push(w::notice(p, theme::SUCCESS));
            }
            if let Some(e) = &self.error {
                c = c.push(w::error_banner(e.text(l)));
            }
            c = c.push(
                row![
                    w::primary(ctx.t("ui-print-receipt"), Some(Message::Print)),
                    w::secondary(ctx.t("ui-open-application"), Some(Message::Open)),
                    w::secondary(ctx.t("ui-new-application"), Some(Message::New)),
                ]
                .spacing(theme::S),
            );
            if self.print.is_open() {
                // The dialog is laid out over the whole screen, not only over the card.
                return w::modal(
                    container(w::card(c))
                        .width(Length::Fill)
                        .height(Length::Fill)
                        .into(),
                    self.print.view(ctx).map(Message::Paper),
                    Message::Paper(super::print::Message::Close),
                );
            }
            return w::card(c);
        }
        let cat = &self.catalog;
        let err = |f: &str| self.error.as_ref().and_then(|e| e.for_field(f, l));
        let iin_err = if self.no_iin || self.iin.is_empty() || self.iin.len() < 12 {
            err("iin").map(str::to_string)
        } else {
            Iin::parse(&self.iin)
                .err()
                .map(|e| crate::desk::error::iin_message(l, &e))
        };
        // Applicant.
        let mut who = column![w::section(ctx.t("ui-intake-applicant"))].spacing(theme::S);
        who = who.push(
            row![
                w::text_field(
                    ctx.t("field-iin"),
                    "intake-iin",
                    &self.iin,
                    "000000000000",
                    Message::Iin,
                    Some(Message::Submit),
                    iin_err.as_deref()
                ),
                container(
                    checkbox(self.no_iin)
                        .label(ctx.t("ui-no-iin"))
                        .text_size(theme::BODY)
                        .on_toggle(Message::NoIin)
                )
                // Centred on the input beside it (under its label).
                .padding(iced::padding::top(25).bottom(19)),
            ]
            .spacing(theme::M),
        );
        if let Some(p) = &self.found {
            let birth = p
                .birth_date
                .map(crate::i18n::date_short)
                .unwrap_or_default();
            who = who.push(w::notice(
                &ctx.ta(
                    "ui-person-found",
                    &[
                        ("name", Arg::from(p.full_name())),
                        ("birth", Arg::from(birth)),
                    ],
                ),
                theme::INFO,
            ));
        } else if let Ok(i) = Iin::parse(&self.iin) {
            who = who.push(w::muted(ctx.ta(
                "ui-iin-decoded",
                &[
                    ("birth", Arg::from(crate::i18n::date_short(i.birth_date()))),
                    ("sex", Arg::from(ctx.t(&format!("sex-{}", i.sex().code())))),
                ],
            )));
        }
        who = who.push(
            row![
                w::text_field(
                    format!("{} *", ctx.t("field-surname")),
                    "intake-surname",
                    &self.surname,
                    "",
                    Message::Surname,
                    Some(Message::Submit),
                    err("surname")
                ),
                w::text_field(
                    format!("{} *", ctx.t("field-given_name")),
                    "intake-given",
                    &self.given_name,
                    "",
                    Message::GivenName,
                    Some(Message::Submit),
                    err("given_name")
                ),
                w::text_field(
                    ctx.t("field-patronymic"),
                    "intake-patronymic",
                    &self.patronymic,
                    "",
                    Message::Patronymic,
                    Some(Message::Submit),
                    err("patronymic")
                ),
            ]
            .spacing(theme::M),
        );
        who = who.push(
            row![
                w::text_field(
                    ctx.t("field-address"),
                    "intake-address",
                    &self.address,
                    "",
                    Message::Address,
                    Some(Message::Submit),
                    err("address")
                ),
                w::text_field(
                    ctx.t("field-phone"),
                    "intake-phone",
                    &self.phone,
                    "+7",
                    Message::Phone,
                    Some(Message::Submit),
                    err("phone")
                ),
            ]
            .spacing(theme::M),
        );
        who = who.push(
            row![
                w::text_field(
                    ctx.t("ui-doc-number"),
                    "intake-doc",
                    &self.doc_number,
                    "",
                    Message::DocNumber,
                    Some(Message::Submit),
                    err("id_document")
                ),
                w::text_field(
                    ctx.t("ui-doc-issued-by"),
                    "intake-doc-by",
                    &self.doc_issued_by,
                    "",
                    Message::DocIssuedBy,
                    Some(Message::Submit),
                    None
                ),
                w::text_field(
                    ctx.t("ui-doc-issued-on"),
                    "intake-doc-on",
                    &self.doc_issued_on,
                    &ctx.t("ui-hint-date"),
                    Message::DocIssuedOn,
                    Some(Message::Submit),
                    None
                ),
            ]
            .spacing(theme::M),
        );
        // A known person's data changed on purpose: say what changes and ask why.
        let changes = self.person_changes();
        if !changes.is_empty() {
            let names = changes
                .iter()
                .map(|f| ctx.t(&format!("field-{f}")))
                .collect::<Vec<_>>()
                .join(", ");
            who = who.push(w::notice(
                &ctx.ta("ui-person-changing", &[("fields", Arg::from(names))]),
                theme::WARNING,
            ));
            who = who.push(w::text_field(
                format!("{} *", ctx.t("field-person_change_reason")),
                "intake-person-reason",
                &self.person_reason,
                "",
                Message::PersonReason,
                Some(Message::Submit),
                err("person_change_reason"),
            ));
        }
        // Service and channel.
        let services: Vec<Choice<String>> = cat
            .services
            .iter()
            .map(|s| Choice {
                value: Some(s.code.clone()),
                label: s.name.get(l).to_string(),
            })
            .collect();
        let sel = services.iter().find(|c| c.value == self.service).cloned();
        let svc = self.service(cat);
        let allowed: Vec<Channel> = Channel::ALL
            .into_iter()
            .filter(|c| svc.is_none_or(|s| s.channels.contains(c)))
            .filter(|c| match c {
                Channel::Akim => {
                    ctx.session.has(Role::AkimClerk) || ctx.session.has(Role::Registrar)
                }
                _ => ctx.session.has(Role::Registrar),
            })
            .collect();
        let channels: Vec<Choice<Channel>> = allowed
            .iter()
            .map(|c| Choice {
                value: Some(*c),
                label: ctx.t(&format!("channel-{}", c.code())),
            })
            .collect();
        let ch_sel = channels.iter().find(|c| c.value == self.channel).cloned();
        let found = find_services(cat, &self.service_query);
        let mut what = column![
            w::section(ctx.t("ui-intake-service")),
            row![
                w::text_field(
                    ctx.t("ui-service-search"),
                    SERVICE_SEARCH_ID,
                    &self.service_query,
                    &ctx.t("ui-service-search-hint"),
                    Message::ServiceQuery,
                    Some(Message::ServiceQuerySubmit),
                    None
                ),
                w::field(
                    ctx.t("field-service"),
                    container(
                        w::pick(services, sel, Message::Service)
                            .placeholder(ctx.t("ui-choose-service"))
                            .width(Length::Fill)
                    )
                    .id(SERVICE_ID)
                    .into(),
                    err("service")
                ),
                w::field(
                    ctx.t("field-channel"),
                    container(
                        w::pick(channels, ch_sel, Message::Channel)
                            .placeholder(ctx.t("ui-choose-channel"))
                            .width(Length::Fill)
                    )
                    .id(CHANNEL_ID)
                    .into(),
                    err("channel")
                ),
            ]
            .spacing(theme::M),
        ]
        .spacing(theme::S);
        // What the search finds: Enter takes the first, a click any of them.
        if !self.service_query.trim().is_empty() {
            let mut list = column![].spacing(2);
            if found.is_empty() {
                list = list.push(w::muted(ctx.t("ui-service-none-found")));
            }
            for (i, f) in found.iter().take(6).enumerate() {
                let label = f.name.get(l).to_string();
                let line = if i == 0 {
                    format!("{label} — Enter")
                } else {
                    label.clone()
                };
                list = list.push(
                    iced::widget::button(text(line).size(theme::SMALL))
                        .width(Length::Fill)
                        .padding([4, 8])
                        .style(theme::table_row(i == 0))
                        .on_press(Message::Service(Choice {
                            value: Some(f.code.clone()),
                            label,
                        })),
                );
            }
            what = what.push(container(list).padding(2).style(theme::card));
        }
        let mut checklist = column![].spacing(theme::S);
        if let Some(svc) = svc {
            if let Some(v) = svc.versions.iter().max_by_key(|v| v.effective_from) {
                let term = v.term_for(self.channel.unwrap_or(Channel::Office));
                what = what.push(w::muted(ctx.ta(
                    "ui-term",
                    &[
                        ("value", Arg::from(term.value)),
                        (
                            "unit",
                            Arg::from(ctx.t(&format!("ui-unit-{}", term.unit.code()))),
                        ),
                    ],
                )));
            }
            for f in svc.fields_for(FieldStage::Intake) {
                if f.kind == FieldKind::Table {
                    what = what.push(self.table(ctx, f));
                } else {
                    what = what.push(self.scalar(ctx, f));
                }
            }
            // Checklist.
            checklist = checklist.push(w::section(ctx.t("ui-intake-documents")));
            checklist = checklist.push(w::muted(ctx.t("ui-drop-hint")));
            for d in &svc.documents {
                let n = self
                    .scans
                    .iter()
                    .filter(|s| s.item.as_deref() == Some(d.key.as_str()))
                    .count();
                let active = self.active_item.as_deref() == Some(d.key.as_str());
                // Noto Sans has "•" (a ✓ would fall back to whatever font the PC has); the
                // colour says attached / missing and the scan count says it in words.
                let mark = "•";
                let color = if n > 0 {
                    theme::SUCCESS
                } else if d.mandatory {
                    theme::DANGER
                } else {
                    theme::MUTED
                };
                checklist = checklist.push(
                    row![
                        text(mark)
                            .size(theme::BODY)
                            .color(color)
                            .width(Length::Fixed(16.0)),
                        iced::widget::button(
                            text(format!(
                                "{}{}",
                                d.name.get(l),
                                if d.mandatory { " *" } else { "" }
                            ))
                            .size(theme::SMALL)
                        )
                        .style(theme::table_row(active))
                        .on_press(Message::Select(Some(d.key.clone())))
                        .width(Length::Fill),
                        text(if n > 0 {
                            ctx.ta("ui-scans-n", &[("n", Arg::from(n))])
                        } else {
                            String::new()
                        })
                        .size(theme::SMALL)
                        .color(theme::MUTED),
                        container(w::secondary(
                            ctx.t("ui-attach"),
                            Some(Message::Attach(Some(d.key.clone())))
                        ))
                        .id(format!("attach-{}", d.key)),
                    ]
                    .spacing(theme::S)
                    .align_y(Alignment::Center),
                );
            }
            // When no file dialog opens: the path of the scan, for the selected document.
            if self.no_dialog {
                checklist = checklist.push(w::notice(&ctx.t("ui-no-dialog"), theme::WARNING));
            }
            let target = self
                .active_item
                .as_deref()
                .and_then(|k| svc.document(k))
                .map(|d| d.name.get(l).to_string());
            checklist = checklist.push(
                row![
                    w::input(
                        &ctx.t("ui-scan-path-hint"),
                        &self.scan_path,
                        Message::ScanPath,
                        false
                    )
                    .id("intake-scan-path")
                    .on_submit(Message::LoadScanPath),
                    w::secondary(
                        match &target {
                            Some(t) =>
                                ctx.ta("ui-scan-path-attach", &[("doc", Arg::from(t.clone()))]),
                            None => ctx.t("ui-attach"),
                        },
                        (!self.scan_path.trim().is_empty()).then_some(Message::LoadScanPath)
                    ),
                ]
                .spacing(theme::S)
                .align_y(Alignment::Center),
            );
            if self.missing_mandatory(svc) {
                checklist = checklist.push(w::field(
                    ctx.t("field-missing_reason"),
                    text_editor(&self.missing_reason)
                        .on_action(Message::MissingReason)
                        .height(Length::Fixed(60.0))
                        .into(),
                    err("missing_reason"),
                ));
            }
        }
        // Scans with previews.
        let mut scans = row![].spacing(theme::S);
        for (i, s) in self.scans.iter().enumerate() {
            let item = s
                .item
                .as_deref()
                .and_then(|k| svc.and_then(|v| v.document(k)))
                .map(|d| d.name.get(l).to_string())
                .unwrap_or_else(|| ctx.t("ui-untagged"));
            let thumb: Element<'_, Message> = match &s.preview {
                Some(h) => iced::widget::button(
                    image(h.clone())
                        .width(Length::Fixed(96.0))
                        .height(Length::Fixed(72.0)),
                )
                .style(theme::secondary)
                .on_press(Message::Preview(Some(i)))
                .into(),
                None => container(text("PDF / TIFF").size(theme::SMALL))
                    .width(Length::Fixed(96.0))
                    .height(Length::Fixed(72.0))
                    .center_x(Length::Fixed(96.0))
                    .center_y(Length::Fixed(72.0))
                    .style(theme::card)
                    .into(),
            };
            scans = scans.push(
                column![
                    thumb,
                    text(s.name.clone()).size(11),
                    text(item).size(11).color(theme::MUTED),
                    w::button_with(
                        ctx.t("ui-remove"),
                        Some(Message::RemoveScan(i)),
                        theme::secondary
                    ),
                ]
                .spacing(2)
                .width(Length::Fixed(120.0)),
            );
        }
        let mut form = column![
            row![
                w::title(ctx.t("ui-intake-title")),
                w::hfill(),
                w::muted(ctx.t("ui-intake-shortcuts"))
            ]
            .align_y(Alignment::Center),
            w::card(who),
            w::card(what),
        ]
        .spacing(theme::M);
        if svc.is_some() {
            form = form.push(w::card(
                column![
                    checklist,
                    scrollable(scans).direction(scrollable::Direction::Horizontal(
                        scrollable::Scrollbar::default()
                    ))
                ]
                .spacing(theme::S),
            ));
        }
        if let Some(e) = &self.error
            && (e.field.is_none()
                || e.key == "fields"
                || e.key == "many"
                || e.key == "missing-documents"
                || e.key.starts_with("attachment"))
        {
            form = form.push(w::error_banner(e.text(l)));
        }
        form = form.push(w::primary(
            ctx.t("ui-register"),
            (!self.busy).then_some(Message::Submit),
        ));
        let base: Element<'_, Message> = scrollable(form.padding([0, theme::M as u16]))
            .height(Length::Fill)
            .into();
        match self
            .preview
            .and_then(|i| self.scans.get(i))
            .and_then(|s| s.preview.clone())
        {
            Some(h) => w::modal(
                base,
                column![
                    image(h).width(Length::Fill),
                    w::secondary(ctx.t("ui-close"), Some(Message::Preview(None)))
                ]
                .spacing(theme::M)
                .into(),
                Message::Preview(None),
            ),
            None => base,
        }
    }
}
