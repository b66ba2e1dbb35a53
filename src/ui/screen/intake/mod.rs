//! Intake of a new application: the ИИН first (checked as it is typed, an existing person is
//! found and filled in), the applicant, the service and channel, the service's own fields from
//! the catalogue, the documents checklist with scans (file dialog or dropped on the window) and
//! previews in the scan viewer (PDF pages too); registration gives the journal number, the
//! due date and the receipt.
//! `view.rs` draws it.

mod scans;
mod view;

use scans::read_files;
pub use scans::{Scan, Unread};

use std::path::PathBuf;
use std::sync::Arc;

use iced::Task;
use iced::widget::text_editor;

use super::queues::Choice;
use crate::desk::intake::{NewFile, Registered, Registration};
use crate::domain::catalog::{FieldKind, FieldStage, RequiredDocument, Service};
use crate::domain::iin::Iin;
use crate::domain::model::Channel;
use crate::domain::person::{IdentityDocument, Person, PersonInput};
use crate::ui::form::{self, Form};
use crate::ui::platform::blocking;
use crate::ui::{Ctx, Failure};

/// The ids of the service and channel lists (for focus and for tests).
pub const SERVICE_ID: &str = "intake-service";
pub const CHANNEL_ID: &str = "intake-channel";
pub const SERVICE_SEARCH_ID: &str = "intake-service-search";
/// The id of the scrolled form (to bring a field with a problem into view).
pub const FORM_ID: &str = "intake-form";
/// The error path of the identity document's date (checked here: a date that cannot be read
/// must not be dropped silently).
const DOC_DATE: &str = "id_document_issued_on";
/// The start of the ids of the service's own fields.
const FIELD_PREFIX: &str = "intake-f-";

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
    if path.is_empty() {
        return None;
    }
    let id = match path {
        "iin" => "intake-iin",
        "surname" => "intake-surname",
        "given_name" => "intake-given",
        "patronymic" => "intake-patronymic",
        "address" => "intake-address",
        "phone" => "intake-phone",
        "id_document" => "intake-doc",
        DOC_DATE => "intake-doc-on",
        "person_change_reason" => "intake-person-reason",
        "missing_reason" => "intake-missing-reason",
        "service" => SERVICE_ID,
        "channel" => CHANNEL_ID,
        key => return Some(form::input_id(FIELD_PREFIX, key)),
    };
    Some(id.to_string())
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
    /// The service's own fields.
    pub form: Form,
    pub scans: Vec<Scan>,
    pub active_item: Option<String>,
    pub missing_reason: text_editor::Content,
    busy: bool,
    pub error: Option<Failure>,
    pub registered: Option<Registered>,
    printed: Option<String>,
    /// A scan open in the viewer (pages, zoom, a quarter turn) before it is registered.
    viewer: Option<Box<crate::ui::screen::scan_view::Viewer>>,
    /// The print dialog.
    pub print: super::print::State,
}

/// Intake events.
#[derive(Debug, Clone)]
pub enum Message {
    /// The applicant's ИИН typed (digits only are kept).
    Iin(String),
    /// The person the desk knows by that ИИН (`None`: a new person).
    Found(Option<Person>),
    /// The reason a known person's data are changed.
    PersonReason(String),
    /// The applicant has no ИИН (ticked) or has one.
    NoIin(bool),
    /// A field of the applicant's data typed.
    Person(PersonField, String),
    /// A service chosen from the list or from the search.
    Service(Choice<String>),
    /// Typing in the service search.
    ServiceQuery(String),
    /// Enter in the service search: take the first service found.
    ServiceQuerySubmit,
    /// A channel chosen.
    Channel(Choice<Channel>),
    /// The service's own fields.
    Form(form::Message),
    /// Open the file dialog for a checklist item.
    Attach(Option<String>),
    /// Ctrl+O: the file dialog for the first mandatory document without a scan (or the
    /// selected one).
    AttachNext,
    /// The files the dialog gave for a checklist item (none: no dialog, or nothing chosen).
    Picked(Option<String>, Vec<PathBuf>),
    /// The files read for a checklist item (or why each could not be).
    Read(Option<String>, Vec<Result<(String, Vec<u8>), Unread>>),
    /// A scan's path typed (when no file dialog opens).
    ScanPath(String),
    /// Attach the file at the typed path to the selected document.
    LoadScanPath,
    /// A file dropped on the window: a scan of the selected document.
    Dropped(PathBuf),
    /// A checklist item selected (the scans that come next are its).
    Select(Option<String>),
    /// A scan taken off the list.
    RemoveScan(usize),
    /// A scan opened in the viewer (`None`: closed).
    Preview(Option<usize>),
    /// The scan viewer's own events (page, zoom, turn, close).
    Viewer(crate::ui::screen::scan_view::Msg),
    /// An edit of why mandatory documents are missing.
    MissingReason(text_editor::Action),
    /// Register the application.
    Submit,
    /// The desk registered it, or refused the form.
    Registered(Result<Registered, Failure>),
    /// Open the print dialog on the receipt.
    Print,
    /// The print dialog.
    Paper(super::print::Message),
    /// Start another application.
    New,
    /// Open the application just registered.
    Open,
}

/// Whether the user may register an application of this channel (the policy's table).
fn may_register(ctx: &Ctx, channel: Channel) -> bool {
    crate::domain::policy::roles_for(crate::domain::lifecycle::Action::Register, channel)
        .iter()
        .any(|r| ctx.session.roles.contains(r))
}

/// Whether this user can take the service at all: it is offered through a channel they may
/// register (an akimat's clerk sees only the services citizens apply for through the akim).
fn offered(ctx: &Ctx, svc: &Service) -> bool {
    svc.channels.iter().any(|c| may_register(ctx, *c))
}

/// A field of the applicant's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonField {
    Surname,
    GivenName,
    Patronymic,
    Address,
    Phone,
    DocNumber,
    DocIssuedBy,
    DocIssuedOn,
}

impl PersonField {
    /// The path the desk's messages name it by.
    fn path(self) -> &'static str {
        match self {
            PersonField::Surname => "surname",
            PersonField::GivenName => "given_name",
            PersonField::Patronymic => "patronymic",
            PersonField::Address => "address",
            PersonField::Phone => "phone",
            PersonField::DocNumber => "id_document",
            PersonField::DocIssuedBy => "id_document_issued_by",
            PersonField::DocIssuedOn => DOC_DATE,
        }
    }
}

/// What the parent does after an intake event.
pub enum Action {
    /// Run these tasks.
    Run(Task<Message>),
    /// Open the application with this id.
    Open(i64),
    /// Start a new intake.
    Again,
}

impl Action {
    /// Nothing to do.
    pub fn none() -> Action {
        Action::Run(Task::none())
    }
}

impl State {
    pub fn new(ctx: &Ctx) -> (State, Task<Message>) {
        let channel = if may_register(ctx, Channel::Office) {
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
        } else if self.viewer.is_some() {
            self.viewer = None;
        } else {
            self.error = None;
        }
    }

    fn service<'a>(&self, cat: &'a crate::domain::catalog::Catalog) -> Option<&'a Service> {
        self.service.as_deref().and_then(|c| cat.service(c))
    }

    /// How the intake shows the service's fields.
    fn form_options(&self) -> form::Options<'static> {
        form::Options {
            prefix: FIELD_PREFIX,
            institutions: &[],
            bilingual: false,
            submit_on_enter: true,
        }
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

    fn person_slot(&mut self, f: PersonField) -> &mut String {
        match f {
            PersonField::Surname => &mut self.surname,
            PersonField::GivenName => &mut self.given_name,
            PersonField::Patronymic => &mut self.patronymic,
            PersonField::Address => &mut self.address,
            PersonField::Phone => &mut self.phone,
            PersonField::DocNumber => &mut self.doc_number,
            PersonField::DocIssuedBy => &mut self.doc_issued_by,
            PersonField::DocIssuedOn => &mut self.doc_issued_on,
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

    /// Takes a service: its fields start empty, scans keep their file but lose their tag.
    fn choose_service(&mut self, code: Option<String>, ctx: &Ctx) {
        if self.service == code {
            return;
        }
        self.service = code;
        self.form = Form::default();
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
            self.form = Form::new(svc.fields_for(FieldStage::Intake));
        }
    }

    pub fn update(&mut self, m: Message, ctx: &Ctx) -> Action {
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
            Message::Person(f, v) => {
                *self.person_slot(f) = v;
                crate::ui::clear_field_errors(&mut self.error, &[f.path()]);
                Task::none()
            }
            Message::ServiceQuery(q) => {
                self.service_query = q;
                Task::none()
            }
            Message::ServiceQuerySubmit => {
                let cat = ctx.desk.catalog();
                let Some(code) = find_services(&cat, &self.service_query)
                    .into_iter()
                    .find(|s| offered(ctx, s))
                    .map(|s| s.code.clone())
                else {
                    return Action::none();
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
                        .map(|f| form::input_id(FIELD_PREFIX, &f.key))
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
            Message::Form(form::Message::Submit) => self.submit(ctx),
            Message::Form(m) => {
                let fixed = self.form.update(m);
                form::clear(&mut self.error, &fixed);
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
                    return Action::none();
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
                    return Action::none();
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
                self.viewer = None;
                Task::none()
            }
            Message::Preview(i) => {
                self.viewer = i.and_then(|i| self.scans.get(i)).map(|s| {
                    let mime = crate::domain::attachment::sniff(&s.bytes)
                        .map(|k| k.mime())
                        .unwrap_or_default();
                    Box::new(crate::ui::screen::scan_view::Viewer::open(
                        s.name.clone(),
                        mime,
                        s.bytes.to_vec(),
                    ))
                });
                Task::none()
            }
            Message::Viewer(m) => {
                if let Some(v) = &mut self.viewer
                    && !v.update(m)
                {
                    self.viewer = None;
                }
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
                        return Action::Run(Task::done(Message::Print));
                    }
                    Err(e) => {
                        // The form scrolls to the first field that needs fixing, and the
                        // cursor goes there.
                        let first = e
                            .fields
                            .first()
                            .map(|m| m.path.clone())
                            .or_else(|| e.field.clone());
                        self.error = Some(e);
                        if let Some(id) = first.and_then(|p| input_id(&p)) {
                            return Action::Run(Task::batch([
                                form::reveal(FORM_ID, id.clone()),
                                iced::widget::operation::focus(id),
                            ]));
                        }
                    }
                }
                Task::none()
            }
            Message::Print => {
                let Some(reg) = &self.registered else {
                    return Action::none();
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
            Message::New => return Action::Again,
            Message::Open => {
                if let Some(r) = &self.registered {
                    return Action::Open(r.id);
                }
                Task::none()
            }
        };
        Action::Run(t)
    }

    fn submit(&mut self, ctx: &Ctx) -> Task<Message> {
        if self.busy || self.registered.is_some() {
            return Task::none();
        }
        let cat = ctx.desk.catalog();
        let (Some(svc), Some(channel)) = (self.service(&cat), self.channel) else {
            // No service or channel yet: say it, and everything else wrong with the applicant
            // now too (the desk's own checks of a person), not one problem per click.
            let said = |path: &str, key: &str| crate::ui::FieldMessage {
                path: path.into(),
                kk: crate::i18n::tr(crate::domain::model::Lang::Kk, key),
                ru: crate::i18n::tr(crate::domain::model::Lang::Ru, key),
            };
            let problems: Vec<crate::desk::DeskError> = self
                .person()
                .problems()
                .into_iter()
                .map(crate::desk::DeskError::Person)
                .collect();
            let mut failure = if problems.is_empty() {
                Failure::plain("ui-fix-fields")
            } else {
                Failure::from(crate::desk::DeskError::Many(problems))
            };
            let fields = &mut failure.fields;
            if self.service(&cat).is_none() {
                fields.push(said("service", "ui-choose-service"));
            }
            if self.channel.is_none() {
                fields.push(said("channel", "ui-choose-channel"));
            }
            let first = failure.fields.first().map(|f| f.path.clone());
            failure.field = first.clone();
            self.error = Some(failure);
            return match first.and_then(|f| input_id(&f)) {
                Some(id) => form::reveal(FORM_ID, id),
                None => Task::none(),
            };
        };
        // The identity document's date: typed but impossible or unreadable is said so.
        if let Some(problem) = Some(self.doc_issued_on.trim())
            .filter(|d| !d.is_empty())
            .and_then(|d| crate::domain::fields::check_date(d).err())
        {
            let message = |l| crate::desk::error::field_problem(l, &problem);
            self.error = Some(Failure {
                fields: vec![crate::ui::FieldMessage {
                    path: DOC_DATE.into(),
                    kk: message(crate::domain::model::Lang::Kk),
                    ru: message(crate::domain::model::Lang::Ru),
                }],
                ..Failure::plain("ui-fix-fields")
            });
            return Task::batch([
                form::reveal(FORM_ID, "intake-doc-on"),
                iced::widget::operation::focus("intake-doc-on"),
            ]);
        }
        let reason = self.missing_reason.text().trim().to_string();
        let reg = Registration {
            service: svc.code.clone(),
            channel,
            person: self.person(),
            intake: self
                .form
                .values(svc.fields_for(FieldStage::Intake), &self.form_options()),
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
}
