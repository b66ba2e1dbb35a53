//! The command line (a contract: ARCHITECTURE.md "The command line"). Errors go to stderr in
//! the operator's language (`MIO_DESK_LANG=kk|ru`, else `LANG`), with a non-zero exit.

pub mod act;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use clap::{Args, Parser, Subcommand};

use crate::desk::auth::{Actor, NewUserInput};
use crate::desk::{DataDir, Desk, DeskError, NewOffice, Options, SystemClock};
use crate::domain::calendar::Calendar;
use crate::domain::catalog::Catalog;
use crate::domain::deadline;
use crate::domain::iin::Iin;
use crate::domain::model::{Channel, Lang, Role, Status};
use crate::i18n::tr;
use crate::store::queue::{Query, Tab};

#[derive(Parser, Debug)]
#[command(
    name = "mio-desk",
    version,
    about = "АРМ МИО: the workstation of a district employment and social programmes department"
)]
pub struct Cli {
    /// Data directory (database, scans, documents, keys).
    #[arg(long, global = true, env = "MIO_DESK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// The office server's database (`postgres://user:password@host:port/db`), for an office of
    /// several PCs; without it, the SQLite file in the data directory (or the server this PC
    /// joined, as its `server.toml` says).
    #[arg(long, global = true, env = "MIO_DESK_DATABASE")]
    pub database: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Set up the office in an empty data directory (or, with --database, on the office server).
    Init(InitArgs),
    /// Add this PC to an office whose database is on the office server.
    Join {
        /// This PC's workstation code (its journal prefix), e.g. 02.
        #[arg(long)]
        workstation: String,
    },
    /// Copy this PC's SQLite office into an empty database on the office server, and prove it.
    MoveTo,
    /// Manage users.
    #[command(subcommand)]
    User(UserCmd),
    /// Fill the data directory with a realistic demo district.
    Demo {
        #[arg(long, default_value_t = 2000)]
        requests: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// The clerk's actions, acting as a user (password, then PIN, on stdin).
    #[command(subcommand)]
    Act(act::ActCmd),
    /// Check an ИИН.
    #[command(subcommand)]
    Iin(IinCmd),
    /// Working-day calendar and deadlines.
    #[command(subcommand)]
    Calendar(CalendarCmd),
    /// Applications.
    #[command(subcommand)]
    Request(RequestCmd),
    /// Documents.
    #[command(subcommand)]
    Doc(DocCmd),
    /// The service catalogue: services, terms, documents, fields and refusal grounds.
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Check a signed paper (PDF). With `--trust ROOT.pem` (and, if at hand, `--crl FILE`)
    /// it needs no data directory: only those roots and lists are trusted.
    Verify {
        file: PathBuf,
        /// A trusted root certificate (PEM or DER); repeatable.
        #[arg(long)]
        trust: Vec<PathBuf>,
        /// A revocation list of a trusted root (PEM or DER); repeatable.
        #[arg(long)]
        crl: Vec<PathBuf>,
    },
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Back up the data directory into one file.
    Backup {
        #[arg(long)]
        out: PathBuf,
        /// Seal the backup with a passphrase read from the first line of stdin: the private
        /// keys inside are encrypted with it and the whole is authenticated with it.
        #[arg(long)]
        passphrase_stdin: bool,
    },
    /// Restore the data directory from a backup (checked before anything is replaced).
    Restore {
        #[arg(long)]
        from: PathBuf,
        /// The passphrase of a sealed backup, from the first line of stdin.
        #[arg(long)]
        passphrase_stdin: bool,
    },
    /// Certificates of the office CA (ЭЦП stand-in).
    #[command(subcommand)]
    Cert(CertCmd),
    /// The exchange package between an akimat and its department (a USB stick).
    #[command(subcommand)]
    Exchange(ExchangeCmd),
    /// Exchange with the regional gateway (the address and token are remembered).
    Sync {
        /// One exchange, then exit (otherwise keep exchanging every half minute).
        #[arg(long)]
        once: bool,
        #[arg(long)]
        gateway: Option<String>,
        /// Read the gateway's token from the first line of stdin (never from the command line,
        /// where `ps` shows it to everyone on the PC).
        #[arg(long)]
        token_stdin: bool,
    },
    /// The reference regional gateway and the tools that play ЦОН or the portal.
    #[command(subcommand)]
    Gateway(GatewayCmd),
    /// Performance figures on a synthetic district of the given size (made with `demo` the
    /// first time, then reused).
    Bench {
        #[arg(long, default_value_t = 300_000)]
        requests: usize,
        #[arg(long)]
        json: bool,
        /// Timed runs of each read operation.
        #[arg(long, default_value_t = 300)]
        runs: usize,
        /// Outbox messages to drain to a local gateway.
        #[arg(long, default_value_t = 10_000)]
        drain: usize,
        /// Where the synthetic districts are kept (never the office's data directory).
        #[arg(long)]
        bench_dir: Option<PathBuf>,
        /// The regional gateway under load instead: `--clients` at once for `--seconds`, on a
        /// SQLite file and (with `--db postgres://…`, a scratch database) on PostgreSQL.
        #[arg(long)]
        gateway: bool,
        #[arg(long, default_value_t = 300, requires = "gateway")]
        clients: usize,
        #[arg(long, default_value_t = 20, requires = "gateway")]
        seconds: u64,
        /// The gateway's PostgreSQL database for `--gateway`.
        #[arg(long, requires = "gateway")]
        db: Option<String>,
        /// Internal: open the desk given by --data-dir, load the first queue page, print
        /// "ready …" and exit (the bench times this process from start).
        #[arg(long, hide = true)]
        probe: bool,
    },
}

/// Where the gateway is and this client's token.
#[derive(Args, Debug)]
pub struct GatewayArgs {
    #[arg(long)]
    pub gateway: String,
    #[arg(long)]
    pub token: String,
}

impl GatewayArgs {
    fn client(&self) -> crate::sync::client::Client {
        crate::sync::client::Client::new(&self.gateway, &self.token)
    }
}

#[derive(Subcommand, Debug)]
pub enum GatewayCmd {
    /// Run the gateway.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8740")]
        listen: std::net::SocketAddr,
        /// Its store: a SQLite FILE (a rehearsal on one PC) or postgres://… (a region).
        #[arg(long)]
        db: crate::gateway::store::GatewayDb,
    },
    /// Per client: queue depth, oldest undelivered message, last contact.
    Status {
        /// FILE or postgres://…, as given to `gateway serve`.
        #[arg(long)]
        db: crate::gateway::store::GatewayDb,
        #[arg(long)]
        json: bool,
    },
    /// Print a new access token for a client: an office code, `con-…` (a ЦОН) or `portal`.
    Token {
        /// FILE or postgres://…, as given to `gateway serve`.
        #[arg(long)]
        db: crate::gateway::store::GatewayDb,
        #[arg(long)]
        client: String,
    },
    /// Send an application as ЦОН or the portal; prints its messageId.
    Submit {
        #[command(flatten)]
        gw: GatewayArgs,
        #[arg(long)]
        office: String,
        /// con or portal (must match the token's client).
        #[arg(long)]
        channel: String,
        #[arg(long)]
        service: String,
        #[arg(long)]
        iin: String,
        /// "Surname Given Patronymic" (made up when missing).
        #[arg(long)]
        name: Option<String>,
        /// The service's intake fields as JSON (made up when missing).
        #[arg(long)]
        fields_json: Option<String>,
        /// A scan: FILE, or ITEM=FILE to tag it with a checklist item.
        #[arg(long)]
        attach: Vec<String>,
    },
    /// Withdraw an application submitted through the portal.
    Withdraw {
        #[command(flatten)]
        gw: GatewayArgs,
        #[arg(long)]
        office: String,
        #[arg(long)]
        message_id: String,
        #[arg(long, default_value = "отозвано заявителем")]
        reason: String,
    },
    /// The notices and results that came back to this client.
    Inbox {
        #[command(flatten)]
        gw: GatewayArgs,
        #[arg(long)]
        json: bool,
        /// Save the signed results (PDF) into this folder.
        #[arg(long)]
        save: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct InitArgs {
    #[arg(long)]
    pub office_code: String,
    #[arg(long)]
    pub office_name_kk: String,
    #[arg(long)]
    pub office_name_ru: String,
    #[arg(long)]
    pub workstation: String,
    /// `department` (the default) or `akimat` (a rural akim's office that sends to --department).
    #[arg(long, default_value = "department")]
    pub kind: String,
    /// At an akimat: the code of the department it sends to.
    #[arg(long)]
    pub department: Option<String>,
    /// At an akimat: the department's name in Kazakh and in Russian (the cover letter's
    /// addressee).
    #[arg(long)]
    pub department_name_kk: Option<String>,
    #[arg(long)]
    pub department_name_ru: Option<String>,
}

/// The exchange package between an akimat and its department (a USB stick).
#[derive(Subcommand, Debug)]
pub enum ExchangeCmd {
    /// Write a signed, numbered package of everything waiting for the other side.
    Export {
        #[arg(long)]
        out: PathBuf,
        /// At a department: the akimat (needed when several have messages waiting).
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Apply a package from the other side (each message once).
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user; the password is read from the first line of stdin.
    Add {
        #[arg(long)]
        iin: String,
        #[arg(long)]
        name: String,
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, default_value = "kk")]
        lang: String,
    },
    /// List users.
    List,
}

#[derive(Subcommand, Debug)]
pub enum IinCmd {
    Check { iin: String },
}

#[derive(Subcommand, Debug)]
pub enum CalendarCmd {
    /// The due date of an application accepted on a date.
    Due {
        #[arg(long)]
        service: String,
        #[arg(long)]
        accepted: String,
        #[arg(long, default_value = "office")]
        channel: String,
    },
    /// The Nth working day after a date.
    WorkingDays {
        #[arg(long)]
        from: String,
        #[arg(long)]
        days: u32,
    },
    /// The days off of a year.
    Holidays {
        #[arg(long)]
        year: i32,
    },
}

#[derive(Subcommand, Debug)]
pub enum RequestCmd {
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
        /// At most this many (all when not given).
        #[arg(long)]
        limit: Option<usize>,
    },
    Show {
        number: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum DocCmd {
    /// Render a document of an application: the signed result if there is one, else the
    /// receipt (or the kind asked for).
    Render {
        #[arg(long)]
        number: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "both")]
        lang: String,
        /// receipt | result | extension_notice
        #[arg(long)]
        kind: Option<String>,
    },
    /// A page of the registration journal for a period (the paper the head prints).
    Journal {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        out: PathBuf,
        /// in: incoming applications; out: outgoing results.
        #[arg(long, default_value = "in")]
        journal: String,
        #[arg(long, default_value = "both")]
        lang: String,
    },
    /// The head's report for a period (counts by service and status, overdue, questionnaire).
    Report {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "both")]
        lang: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum CatalogCmd {
    /// Every service: code, names, channels, term.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One service: channels, terms, documents, fields (key, kind, stage), refusal grounds.
    Show {
        code: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Check the chain (in one snapshot); with --witness also against the head the regional
    /// gateway witnessed at the office's exchanges.
    Verify {
        #[arg(long)]
        witness: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum CertCmd {
    /// Issue a signing certificate to a user; the PIN is read from stdin.
    Issue {
        #[arg(long)]
        iin: String,
        #[arg(long)]
        pin_stdin: bool,
        #[arg(long, default_value_t = 365)]
        days: i64,
    },
    /// Revoke a certificate and publish a new revocation list.
    Revoke {
        #[arg(long)]
        serial: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// List certificates.
    List,
    /// Publish a fresh revocation list.
    Crl,
    /// Write the office CA's root certificate (PEM), to hand to whoever verifies papers.
    Ca {
        #[arg(long)]
        out: PathBuf,
    },
    /// Trust another root (e.g. НУЦ РК's) with its revocation list; again with a newer list
    /// to replace it.
    Trust {
        #[arg(long)]
        add: PathBuf,
        #[arg(long)]
        crl: Option<PathBuf>,
    },
    /// Register a user's own PKCS#12 key made elsewhere (its password on stdin).
    Import {
        #[arg(long)]
        iin: String,
        #[arg(long)]
        p12: PathBuf,
    },
}

/// The operator's language.
pub fn lang() -> Lang {
    let v = std::env::var("MIO_DESK_LANG")
        .or_else(|_| std::env::var("LANG"))
        .unwrap_or_default();
    if v.starts_with("kk") {
        Lang::Kk
    } else {
        Lang::Ru
    }
}

/// The default data directory.
pub fn default_data_dir() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("mio-desk-data"))
}

/// Where the bench keeps its districts unless told (they take minutes to hours to build).
fn default_bench_dir() -> PathBuf {
    project_dirs()
        .map(|d| d.cache_dir().join("bench"))
        .unwrap_or_else(|| std::env::temp_dir().join("mio-desk-bench"))
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("kz", "mio", "mio-desk")
}

/// A failure to report.
pub struct Failure(pub String);

impl From<DeskError> for Failure {
    fn from(e: DeskError) -> Self {
        Failure(e.message(lang()))
    }
}
impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        // The reader of our output went away (`mio-desk request list | head`): stop quietly,
        // as `cat` does. Files the commands write report their errors with the file's name.
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(CLOSED_PIPE_EXIT);
        }
        Failure(e.to_string())
    }
}

/// The exit code after the output pipe closed (what a shell reports for SIGPIPE).
pub const CLOSED_PIPE_EXIT: i32 = 141;

/// Makes a closed output pipe end the program quietly instead of with `println!`'s panic and
/// its backtrace.
pub fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.starts_with("failed printing to std") && text.contains("Broken pipe") {
            std::process::exit(CLOSED_PIPE_EXIT);
        }
        default(info)
    }));
}

fn open(dir: &DataDir) -> Result<Desk, Failure> {
    let desk = Desk::open(dir.clone(), Arc::new(SystemClock), Options::default())?;
    for (path, mode) in desk.rights_widened() {
        eprintln!("{}", crate::desk::rights::warning(lang(), path, *mode));
    }
    Ok(desk)
}

/// A file's bytes, or a message naming it.
fn read_file(l: Lang, file: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(file).map_err(|e| {
        Failure(crate::i18n::tra(
            l,
            "cli-cannot-read",
            &[
                ("file", crate::i18n::Arg::from(file.display().to_string())),
                ("error", crate::i18n::Arg::from(e.to_string())),
            ],
        ))
    })
}

fn read_secret(what: &str) -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let s = line.trim_end_matches(['\n', '\r']).to_string();
    if s.is_empty() {
        return Err(Failure(format!(
            "{what}: {}",
            tr(lang(), "cli-empty-stdin")
        )));
    }
    Ok(s)
}

/// A localised "unknown value" error.
fn bad(l: Lang, key: &str, value: &str) -> Failure {
    Failure(crate::i18n::tra(
        l,
        key,
        &[("value", crate::i18n::Arg::from(value))],
    ))
}

fn parse_date(s: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        Failure(crate::i18n::tra(
            lang(),
            "cli-bad-date",
            &[("value", crate::i18n::Arg::from(s))],
        ))
    })
}

/// The data directory and where the office's database is, from `--data-dir`/`--database`
/// (or their environment variables).
pub fn data_dir(cli: &Cli) -> Result<DataDir, Failure> {
    let dir = DataDir::new(cli.data_dir.clone().unwrap_or_else(default_data_dir));
    match cli
        .database
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(url) => Ok(dir.with_database(url)?),
        None => Ok(dir),
    }
}

/// Runs the command line; returns the exit code. `None` command means "open the window",
/// which the binary handles.
pub fn run(cli: Cli) -> i32 {
    let dir = match data_dir(&cli) {
        Ok(d) => d,
        Err(Failure(m)) => {
            eprintln!("{m}");
            return 1;
        }
    };
    let Some(command) = cli.command else {
        return 0;
    };
    match execute(command, &dir) {
        Ok(code) => code,
        Err(Failure(m)) => {
            eprintln!("{m}");
            1
        }
    }
}

/// Writes a file whole or not at all.
fn write_atomically(out: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    let tmp = out.with_extension("partial");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, out)?;
    Ok(())
}

/// The catalogue the office uses (its own terms when the data directory is set up, else the
/// one shipped with the program) and, per service, the edition it follows.
fn office_catalog(dir: &DataDir) -> (Arc<Catalog>, Option<Desk>) {
    match open(dir) {
        Ok(desk) => (desk.catalog(), Some(desk)),
        Err(_) => (Arc::new(Catalog::builtin()), None),
    }
}

fn text_json(t: &crate::domain::catalog::LText) -> serde_json::Value {
    serde_json::json!({"kk": t.kk, "ru": t.ru, "unverified": t.unverified})
}

fn service_json(
    svc: &crate::domain::catalog::Service,
    version: &crate::domain::catalog::ServiceVersion,
    full: bool,
) -> serde_json::Value {
    let term = |t: crate::domain::catalog::Term| serde_json::json!({"value": t.value, "unit": t.unit.code()});
    let mut v = serde_json::json!({
        "code": svc.code,
        "name": text_json(&svc.name),
        "short_name": text_json(&svc.short_name),
        "channels": svc.channels.iter().map(|c| c.code()).collect::<Vec<_>>(),
        "version": version.id,
        "term": term(version.term),
        "channel_terms": version.channel_terms.iter().map(|t| serde_json::json!({
            "channel": t.channel.code(), "value": t.value, "unit": t.unit.code()
        })).collect::<Vec<_>>(),
        "results": {"positive": svc.results.positive.code(), "negative": svc.results.negative.code()},
    });
    if full {
        v["versions"] = svc
            .versions
            .iter()
            .map(|x| {
                serde_json::json!({
                    "id": x.id, "source": x.source, "effective_from": x.effective_from,
                    "effective_to": x.effective_to, "term": term(x.term),
                })
            })
            .collect();
        v["extension"] = version
            .extension
            .map(|e| serde_json::json!({"value": e.value, "unit": e.unit.code()}))
            .unwrap_or(serde_json::Value::Null);
        v["documents"] = svc
            .documents
            .iter()
            .map(|d| {
                serde_json::json!({
                    "key": d.key, "kk": d.name.kk, "ru": d.name.ru,
                    "mandatory": d.mandatory, "unverified": d.name.unverified,
                })
            })
            .collect();
        v["fields"] = svc
            .fields
            .iter()
            .map(|f| {
                serde_json::json!({
                    "key": f.key,
                    "kind": serde_json::to_value(f.kind).unwrap_or_default(),
                    "stage": serde_json::to_value(f.stage).unwrap_or_default(),
                    "required": f.required,
                    "kk": f.label.kk, "ru": f.label.ru,
                    "columns": f.columns.iter().map(|c| serde_json::json!({
                        "key": c.key, "kind": serde_json::to_value(c.kind).unwrap_or_default(),
                        "kk": c.label.kk, "ru": c.label.ru,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        v["refusal_grounds"] = svc
            .refusals
            .iter()
            .map(|g| {
                serde_json::json!({
                    "code": g.code, "kk": g.text.kk, "ru": g.text.ru,
                    "unverified": g.text.unverified,
                })
            })
            .collect();
    }
    v
}

fn catalog(c: CatalogCmd, dir: &DataDir, l: Lang) -> Result<i32, Failure> {
    let (cat, desk) = office_catalog(dir);
    let version_of = |svc: &crate::domain::catalog::Service| {
        desk.as_ref()
            .and_then(|d| d.service_version_id(&svc.code).ok())
            .and_then(|id| svc.version(&id).cloned())
            .unwrap_or_else(|| svc.latest_version().clone())
    };
    let term_text =
        |t: crate::domain::catalog::Term| format!("{} {}", t.value, tr(l, t.unit.key()));
    match c {
        CatalogCmd::List { json } => {
            if json {
                let v: Vec<serde_json::Value> = cat
                    .services
                    .iter()
                    .map(|s| service_json(s, &version_of(s), false))
                    .collect();
                json_out(&v)?;
            } else {
                for s in &cat.services {
                    let v = version_of(s);
                    println!(
                        "{:<38}  {:<22}  {:<12}  {}",
                        s.code,
                        s.channels
                            .iter()
                            .map(|c| c.code())
                            .collect::<Vec<_>>()
                            .join(","),
                        term_text(v.term),
                        s.name.get(l)
                    );
                }
            }
        }
        CatalogCmd::Show { code, json } => {
            let s = cat
                .service(&code)
                .ok_or_else(|| Failure::from(DeskError::UnknownService(code.clone())))?;
            let v = version_of(s);
            if json {
                json_out(&service_json(s, &v, true))?;
            } else {
                println!("{}  {}", s.code, s.name.get(l));
                println!(
                    "  {}: {}",
                    tr(l, "cli-catalog-channels"),
                    s.channels
                        .iter()
                        .map(|c| tr(l, c.key()))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                println!(
                    "  {} ({}): {}",
                    tr(l, "cli-catalog-term"),
                    v.id,
                    term_text(v.term)
                );
                for t in &v.channel_terms {
                    println!(
                        "    {}: {} {}",
                        tr(l, t.channel.key()),
                        t.value,
                        tr(l, t.unit.key())
                    );
                }
                println!("  {}:", tr(l, "cli-catalog-documents"));
                for d in &s.documents {
                    println!(
                        "    {:<22} {} {}",
                        d.key,
                        if d.mandatory { "*" } else { " " },
                        d.name.get(l)
                    );
                }
                println!("  {}:", tr(l, "cli-catalog-fields"));
                for f in &s.fields {
                    println!(
                        "    {:<28} {:<10} {:<9} {}",
                        f.key,
                        serde_json::to_value(f.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        serde_json::to_value(f.stage)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        f.label.get(l)
                    );
                }
                println!("  {}:", tr(l, "cli-catalog-refusals"));
                for g in &s.refusals {
                    println!("    {:<28} {}", g.code, g.text.kk);
                    println!("    {:<28} {}", "", g.text.ru);
                }
            }
        }
    }
    Ok(0)
}

/// An akim-channel application's other side, for `request list --json` (null otherwise).
fn akimat_of_row(desk: &Desk, number: &str) -> serde_json::Value {
    desk.application_as_operator(number)
        .ok()
        .and_then(|v| v.akimat)
        .map(|l| crate::desk::akimat::link_json(desk, &l))
        .unwrap_or(serde_json::Value::Null)
}

fn json_out<T: serde::Serialize>(v: &T) -> Result<(), Failure> {
    let s = serde_json::to_string_pretty(v).map_err(|e| Failure(e.to_string()))?;
    println!("{s}");
    Ok(())
}

fn execute(command: Command, dir: &DataDir) -> Result<i32, Failure> {
    let l = lang();
    match command {
        Command::Init(a) => {
            let akimat_of = match (a.kind.as_str(), a.department) {
                ("department", None) => None,
                ("akimat", Some(code)) => Some(crate::desk::akimat::Department {
                    code,
                    name_kk: a.department_name_kk.unwrap_or_default(),
                    name_ru: a.department_name_ru.unwrap_or_default(),
                }),
                ("akimat", None) => return Err(Failure(tr(l, "cli-akimat-needs-department"))),
                ("department", Some(_)) => {
                    return Err(Failure(tr(l, "cli-department-only-akimat")));
                }
                (other, _) => return Err(bad(l, "cli-bad-kind", other)),
            };
            let desk = Desk::init_as(
                dir.clone(),
                NewOffice {
                    code: a.office_code,
                    name_kk: a.office_name_kk,
                    name_ru: a.office_name_ru,
                    workstation: a.workstation,
                },
                akimat_of,
                Arc::new(SystemClock),
                Options::default(),
            )?;
            println!(
                "{} {} ({})",
                tr(l, "cli-initialised"),
                desk.office().code,
                dir.root.display()
            );
        }
        Command::Act(cmd) => return act::run(cmd, dir),
        Command::Join { workstation } => {
            let desk = Desk::join(
                dir.clone(),
                &workstation,
                Arc::new(SystemClock),
                Options::default(),
            )?;
            println!(
                "{} {} / {} ({})",
                tr(l, "cli-joined"),
                desk.office().code,
                desk.office().workstation,
                desk.store().shown()
            );
        }
        Command::MoveTo => {
            let Some(target) = dir.database.clone() else {
                return Err(Failure(tr(l, "cli-move-to-needs-database")));
            };
            let source = DataDir::new(dir.root.clone());
            let report = crate::desk::move_to::run(&source, &target, &mut |step| {
                eprintln!("move-to: {step}");
            })?;
            for line in report.lines(l) {
                println!("{line}");
            }
        }
        Command::User(UserCmd::Add {
            iin,
            name,
            roles,
            password_stdin,
            lang: user_lang,
        }) => {
            let desk = open(dir)?;
            if !password_stdin {
                return Err(Failure(tr(l, "cli-password-stdin")));
            }
            let roles = roles
                .iter()
                .map(|r| r.parse::<Role>().map_err(|_| bad(l, "cli-bad-role", r)))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            let user_lang = user_lang
                .parse::<Lang>()
                .map_err(|_| bad(l, "cli-bad-user-lang", &user_lang))?;
            let password = read_secret("password")?;
            desk.add_user(
                Actor::System,
                &NewUserInput {
                    iin: iin.clone(),
                    full_name: name,
                    roles,
                    password,
                    lang: user_lang,
                    must_change_password: false,
                },
            )?;
            println!("{} {iin}", tr(l, "cli-user-added"));
        }
        Command::User(UserCmd::List) => {
            let desk = open(dir)?;
            let users = desk.users_as(None)?;
            for u in users {
                let roles: Vec<&str> = u.roles.iter().map(|r| r.code()).collect();
                println!(
                    "{}  {}  {}{}",
                    u.iin,
                    u.full_name,
                    roles.join(","),
                    if u.disabled { "  (disabled)" } else { "" }
                );
            }
        }
        Command::Demo { requests, seed } => {
            let started = Instant::now();
            let mut last = Instant::now();
            let report = crate::bench::demo::run(
                dir.clone(),
                requests,
                seed,
                Options::default(),
                &mut |done, total| {
                    if last.elapsed().as_secs() >= 2 || done == total {
                        eprintln!("demo: {done}/{total} {}", tr(l, "cli-steps"));
                        last = Instant::now();
                    }
                },
            )?;
            let secs = started.elapsed().as_secs_f64();
            println!("{}", tr(l, "cli-demo-done"));
            println!(
                "  {}: {} ({} {}), {:.1} s",
                tr(l, "cli-demo-applications"),
                report.created,
                report.persons,
                tr(l, "cli-demo-persons"),
                secs
            );
            let size = std::fs::metadata(dir.db()).map(|m| m.len()).unwrap_or(0);
            println!(
                "  {}: {:.1} MB",
                tr(l, "cli-demo-db-size"),
                size as f64 / 1_048_576.0
            );
            println!("  {}:", tr(l, "cli-demo-accounts"));
            // The role column as wide as its longest name (the akim's specialist is long).
            let roles: Vec<String> = report.users.iter().map(|u| tr(l, u.role.key())).collect();
            let wide = roles.iter().map(|r| r.chars().count()).max().unwrap_or(0);
            for (u, role) in report.users.iter().zip(&roles) {
                println!("    {role:<wide$} {}  {}  {}", u.iin, u.password, u.name);
            }
            println!("  {}: {}", tr(l, "cli-demo-pin"), report.head_pin);
            if let Some(k) = &report.head_key_file {
                println!("  {}: {k}", tr(l, "cli-demo-key-file"));
            }
            println!("  {}:", tr(l, "cli-demo-by-status"));
            for (tab, n) in &report.by_status {
                println!("    {}: {n}", tr(l, tab.key()));
            }
        }
        Command::Iin(IinCmd::Check { iin }) => match Iin::parse(&iin) {
            Ok(i) => {
                println!("valid {} {}", i.birth_date(), i.sex().code());
            }
            Err(e) => {
                println!("invalid: {}", crate::desk::error::iin_message(l, &e));
                return Ok(1);
            }
        },
        Command::Calendar(c) => return calendar(c, dir),
        Command::Request(RequestCmd::List {
            status,
            json,
            limit,
        }) => {
            let desk = open(dir)?;
            let tab = match status.as_deref() {
                None => Tab::All,
                Some(s) => Tab::for_status(
                    s.parse::<Status>()
                        .map_err(|_| bad(l, "cli-bad-status", s))?,
                ),
            };
            let limit = limit.unwrap_or(usize::MAX);
            let mut q = Query {
                tab: Some(tab),
                limit: limit.clamp(1, 500),
                ..Default::default()
            };
            let mut rows = Vec::new();
            loop {
                let page = desk.queue_as_operator(q.clone())?;
                let next = page.next.clone();
                rows.extend(page.rows);
                if rows.len() >= limit || next.is_none() {
                    break;
                }
                q.after = next;
            }
            rows.truncate(limit);
            if json {
                let v: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "number": r.number,
                            "service": r.service,
                            "channel": r.channel,
                            "status": r.status,
                            "iin": r.iin,
                            "applicant": r.applicant,
                            "due": r.due_date.to_string(),
                            "accepted_at": crate::desk::stamp(r.accepted_at),
                            "executor": r.executor,
                            "akimat": akimat_of_row(&desk, &r.number),
                        })
                    })
                    .collect();
                json_out(&v)?;
            } else {
                for r in rows {
                    println!(
                        "{}  {:<18}  {:<34}  {:<6}  {}  {}",
                        r.number,
                        r.status.code(),
                        r.service,
                        r.channel.code(),
                        r.due_date,
                        r.applicant
                    );
                }
            }
        }
        Command::Request(RequestCmd::Show { number, json }) => {
            let desk = open(dir)?;
            let v = desk.application_as_operator(&number)?;
            if json {
                let mut j = serde_json::to_value(&v).map_err(|e| Failure(e.to_string()))?;
                if let Some(link) = desk.akimat_link(v.app.id)? {
                    j["akimat"] = crate::desk::akimat::link_json(&desk, &link);
                }
                json_out(&j)?;
            } else {
                let a = &v.app;
                println!("{}  {}", a.number, tr(l, a.status.key()));
                println!("  {}: {}", tr(l, "field-service"), a.service);
                println!("  {}: {}", tr(l, "field-channel"), tr(l, a.channel.key()));
                println!(
                    "  {}: {} {}",
                    tr(l, "doc-applicant"),
                    v.person.full_name(),
                    a.applicant_iin.map(|i| i.as_string()).unwrap_or_default()
                );
                println!(
                    "  {}: {}",
                    tr(l, "doc-accepted-at"),
                    crate::desk::stamp(a.accepted_at)
                );
                println!("  {}: {}", tr(l, "doc-due"), a.due_date);
                if let Some(e) = &v.executor {
                    println!("  {}: {e}", tr(l, "field-executor"));
                }
                if let Some(o) = &a.outgoing_number {
                    println!("  {}: {o}", tr(l, "doc-unique-number"));
                }
                for h in &v.history {
                    println!(
                        "    {}  {}  {}",
                        h.at,
                        h.action,
                        h.user_iin.clone().unwrap_or_default()
                    );
                }
            }
        }
        Command::Doc(DocCmd::Render {
            number,
            out,
            lang: langs,
            kind,
        }) => {
            let desk = open(dir)?;
            let langs = crate::documents::Langs::parse(&langs)
                .ok_or_else(|| bad(l, "cli-bad-lang", &langs))?;
            let bytes = desk.document_pdf_as_operator(&number, kind.as_deref(), langs)?;
            let tmp = out.with_extension("partial");
            std::fs::write(&tmp, &bytes)?;
            std::fs::rename(&tmp, &out)?;
            println!("{} ({} bytes)", out.display(), bytes.len());
        }
        Command::Doc(DocCmd::Journal {
            from,
            to,
            out,
            journal,
            lang: langs,
        }) => {
            let desk = open(dir)?;
            let langs = crate::documents::Langs::parse(&langs)
                .ok_or_else(|| bad(l, "cli-bad-lang", &langs))?;
            let (from, to) = (parse_date(&from)?, parse_date(&to)?);
            let content = desk.journal_content(None, &journal, from, to)?;
            let bytes = desk.print_content(None, &content, langs)?;
            write_atomically(&out, &bytes)?;
            println!("{} ({} bytes)", out.display(), bytes.len());
        }
        Command::Doc(DocCmd::Report {
            from,
            to,
            out,
            lang: langs,
        }) => {
            let desk = open(dir)?;
            let langs = crate::documents::Langs::parse(&langs)
                .ok_or_else(|| bad(l, "cli-bad-lang", &langs))?;
            let (from, to) = (parse_date(&from)?, parse_date(&to)?);
            let content = desk.period_report(None, from, to)?;
            let bytes = desk.print_content(None, &content, langs)?;
            write_atomically(&out, &bytes)?;
            println!("{} ({} bytes)", out.display(), bytes.len());
        }
        Command::Catalog(c) => return catalog(c, dir, l),
        Command::Verify { file, trust, crl } => {
            let bytes = read_file(l, &file)?;
            let v = if trust.is_empty() {
                open(dir)?.verify_pdf(&bytes)?
            } else {
                // No data directory: only the roots and lists given are trusted.
                let mut t = crate::signing::Trust::default();
                for p in &trust {
                    let der = crate::signing::from_pem(&read_file(l, p)?, "CERTIFICATE")
                        .ok_or_else(|| bad(l, "cli-not-a-certificate", &p.display().to_string()))?;
                    t.ca_certs.push(der);
                }
                for p in &crl {
                    let der = crate::signing::from_pem(&read_file(l, p)?, "X509 CRL")
                        .ok_or_else(|| bad(l, "cli-not-a-crl", &p.display().to_string()))?;
                    t.crls.push(der);
                }
                let verifier = crate::desk::signature::PaperVerifier {
                    trust: t,
                    now: chrono::Utc::now().timestamp(),
                    // Kazakhstan keeps one zone, UTC+5.
                    tz: chrono::FixedOffset::east_opt(5 * 3600).expect("valid offset"),
                    require_revocation: false,
                };
                verifier.verify(&bytes).0
            };
            println!("{}", v.line(l));
            return Ok(if v.is_valid() { 0 } else { 1 });
        }
        Command::Audit(AuditCmd::Verify { witness }) => {
            let desk = open(dir)?;
            let problems = desk.integrity_check()?;
            let v = if witness {
                let cfg = desk
                    .gateway_config()
                    .ok_or_else(|| Failure(tr(l, "ui-gw-none")))?;
                let client = crate::sync::client::Client::new(&cfg.url, &cfg.token);
                let w = runtime()?
                    .block_on(client.witness())
                    .map_err(|e| Failure(format!("{}: {e}", tr(l, "cli-witness-unreachable"))))?;
                desk.verify_audit_witnessed(&w)?
            } else {
                desk.verify_audit()?
            };
            if !problems.is_empty() {
                println!("{}: {}", tr(l, "cli-db-damaged"), problems.join("; "));
                return Ok(1);
            }
            match v.problem {
                None => println!(
                    "{} ({} {})",
                    tr(l, "cli-audit-ok"),
                    v.entries,
                    tr(l, "cli-entries")
                ),
                Some(p) => {
                    println!("{}: {p}", tr(l, "cli-audit-broken"));
                    return Ok(1);
                }
            }
        }
        Command::Backup {
            out,
            passphrase_stdin,
        } => {
            let desk = open(dir)?;
            let passphrase = if passphrase_stdin {
                Some(read_secret("passphrase")?)
            } else {
                None
            };
            let r = desk.backup_sealed(None, &out, passphrase.as_deref(), &mut |_, _| true)?;
            println!(
                "{} {} ({} files, {:.1} MB)",
                tr(l, "cli-backup-done"),
                r.path,
                r.files,
                r.bytes as f64 / 1_048_576.0
            );
        }
        Command::Restore {
            from,
            passphrase_stdin,
        } => {
            let passphrase = if passphrase_stdin {
                Some(read_secret("passphrase")?)
            } else {
                None
            };
            let r = crate::desk::backup::restore_sealed(dir, &from, passphrase.as_deref())?;
            println!("{} ({} files)", tr(l, "cli-restore-done"), r.files);
            if !r.path.is_empty() {
                println!("  {}: {}", tr(l, "cli-restore-kept"), r.path);
            }
            println!("  {}", tr(l, "cli-restore-pending"));
        }
        Command::Exchange(ExchangeCmd::Export { out, to, json }) => {
            let desk = open(dir)?;
            let r = desk.exchange_export(to.as_deref(), &out)?;
            if json {
                json_out(&r)?;
            } else {
                println!("{}", r.said(l, &out));
            }
        }
        Command::Exchange(ExchangeCmd::Import { file, json }) => {
            let desk = open(dir)?;
            let bytes =
                std::fs::read(&file).map_err(|e| Failure(format!("{}: {e}", file.display())))?;
            let r = desk.exchange_import(&bytes)?;
            if json {
                json_out(&r)?;
            } else {
                println!("{}", r.said(l));
            }
        }
        Command::Sync {
            once,
            gateway,
            token_stdin,
        } => return sync_command(dir, once, gateway, token_stdin),
        Command::Gateway(g) => return gateway_command(g),
        Command::Bench {
            requests,
            json,
            runs,
            drain,
            bench_dir,
            probe,
            gateway,
            clients,
            seconds,
            db,
        } => {
            if probe {
                println!("{}", crate::bench::probe(dir.clone())?);
                return Ok(0);
            }
            let root = bench_dir.unwrap_or_else(default_bench_dir);
            if gateway {
                let settings = crate::bench::gateway::GatewaySettings {
                    clients: clients.max(2),
                    seconds: seconds.max(1),
                    scratch: root.join("gateway"),
                    server: db,
                };
                let report = crate::bench::gateway::run(&settings, &mut |what| {
                    eprintln!("bench: {what}");
                })?;
                if json {
                    json_out(&report)?;
                } else {
                    print!("{}", crate::bench::gateway::table(&report));
                }
                return Ok(0);
            }
            let exe = std::env::current_exe()?;
            let settings = crate::bench::Settings {
                requests,
                root,
                runs: runs.max(20),
                drain,
            };
            let mut last: Option<Instant> = None;
            if let Some(target) = &dir.database {
                // The office on the server: 8 workstations at once, beside the SQLite file.
                let report = crate::bench::office::run(&settings, &target.url, &mut |what| {
                    if last.is_none_or(|t| t.elapsed().as_secs() >= 2) {
                        eprintln!("bench: {what}");
                        last = Some(Instant::now());
                    }
                })?;
                if json {
                    json_out(&report)?;
                } else {
                    print!("{}", crate::bench::office::table(&report));
                }
                return Ok(0);
            }
            let report = crate::bench::run(&settings, &exe, &mut |what| {
                if last.is_none_or(|t| t.elapsed().as_secs() >= 2) {
                    eprintln!("bench: {what}");
                    last = Some(Instant::now());
                }
            })?;
            if json {
                json_out(&report)?;
            } else {
                print!("{}", crate::bench::table(&report));
            }
        }
        Command::Cert(c) => {
            let desk = open(dir)?;
            match c {
                CertCmd::Issue {
                    iin,
                    pin_stdin,
                    days,
                } => {
                    if !pin_stdin {
                        return Err(Failure(tr(l, "cli-pin-stdin")));
                    }
                    let pin = read_secret("PIN")?;
                    let c = desk.issue_certificate_as(None, &iin, &pin, days)?;
                    println!("{} {} {}", c.serial, c.not_after, c.key_file.display());
                }
                CertCmd::Revoke { serial, reason } => {
                    desk.revoke_certificate_as(None, &serial, &reason)?;
                    println!("{} {serial}", tr(l, "cli-cert-revoked"));
                }
                CertCmd::List => {
                    let certs = desk.certificates_as(None)?;
                    for c in certs {
                        println!(
                            "{}  {}  {}  {}  {}{}",
                            c.serial,
                            c.iin,
                            c.common_name,
                            c.not_after,
                            if c.imported { "imported " } else { "" },
                            c.revoked_at
                                .map(|r| format!("revoked {r}"))
                                .unwrap_or_default()
                        );
                    }
                }
                CertCmd::Crl => {
                    desk.publish_crl(None)?;
                    println!("{}", tr(l, "cli-crl-published"));
                }
                CertCmd::Ca { out } => {
                    let der = desk.ca_certificate()?;
                    write_atomically(&out, crate::signing::to_pem(&der, "CERTIFICATE").as_bytes())?;
                    println!("{}", out.display());
                }
                CertCmd::Trust { add, crl } => {
                    let cert = read_file(l, &add)?;
                    let crl = crl.map(|p| read_file(l, &p)).transpose()?;
                    let r = desk.trust_root(None, &cert, crl.as_deref())?;
                    println!(
                        "{} {} {}",
                        tr(l, "cli-root-trusted"),
                        r.common_name,
                        r.crl_next_update.unwrap_or_default()
                    );
                }
                CertCmd::Import { iin, p12 } => {
                    let bytes = read_file(l, &p12)?;
                    let password = read_secret("password")?;
                    let c = desk.import_key(None, &iin, &bytes, &password)?;
                    println!("{} {} {}", c.serial, c.not_after, c.key_file.display());
                }
            }
        }
    }
    Ok(0)
}

fn calendar(c: CalendarCmd, dir: &DataDir) -> Result<i32, Failure> {
    let l = lang();
    // With a set-up data directory the office's own calendar and terms apply.
    let desk = if dir.is_initialized() {
        Some(open(dir)?)
    } else {
        None
    };
    let cal = desk
        .as_ref()
        .map(|d| d.calendar())
        .unwrap_or_else(|| Arc::new(Calendar::builtin()));
    match c {
        CalendarCmd::Due {
            service,
            accepted,
            channel,
        } => {
            let cat = desk
                .as_ref()
                .map(|d| d.catalog())
                .unwrap_or_else(|| Arc::new(Catalog::builtin()));
            let svc = cat
                .service(&service)
                .ok_or_else(|| Failure(DeskError::UnknownService(service.clone()).message(l)))?;
            let channel: Channel = channel
                .parse()
                .map_err(|_| bad(l, "cli-bad-channel", &channel))?;
            if !svc.channels.contains(&channel) {
                return Err(DeskError::ChannelNotOffered {
                    service: service.clone(),
                    channel: channel.code().into(),
                }
                .into());
            }
            let version = match &desk {
                Some(d) => d.service_version_id(&service)?,
                None => svc.latest_version().id.clone(),
            };
            let v = svc
                .version(&version)
                .unwrap_or_else(|| svc.latest_version());
            let date = parse_date(&accepted)?;
            let (first, last) = cal.known_years();
            // A date the calendar knows (the terms of the catalogue are days and months, so
            // the due date is computed without a runaway; it must fall in the years too).
            if !(first..=last).contains(&date.year()) {
                return Err(outside_calendar(&cal));
            }
            let due = deadline::due(
                &cal,
                v.term_for(channel),
                date.and_hms_opt(10, 0, 0).expect("10:00"),
            );
            if due.date.year() > last {
                return Err(outside_calendar(&cal));
            }
            println!("{}", due.date);
        }
        CalendarCmd::WorkingDays { from, days } => {
            let date = parse_date(&from)?;
            let day = cal
                .try_add_working_days(date, days)
                .ok_or_else(|| outside_calendar(&cal))?;
            println!("{day}");
        }
        CalendarCmd::Holidays { year } => {
            let (first, last) = cal.known_years();
            if !(first..=last).contains(&year) {
                return Err(outside_calendar(&cal));
            }
            let mut out = std::io::stdout().lock();
            for h in cal.holidays(year) {
                writeln!(out, "{}  {}", h.date, h.name.get(l))?;
            }
            for w in cal.working_weekends(year) {
                writeln!(out, "{}  {}", w, tr(l, "cli-working-weekend"))?;
            }
        }
    }
    Ok(0)
}

/// A date outside the years the working-day calendar knows.
fn outside_calendar(cal: &Calendar) -> Failure {
    let (first, last) = cal.known_years();
    Failure(crate::i18n::tra(
        lang(),
        "cli-outside-calendar",
        &[
            ("first", crate::i18n::Arg::from(first.to_string())),
            ("last", crate::i18n::Arg::from(last.to_string())),
        ],
    ))
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    Ok(tokio::runtime::Runtime::new()?)
}

fn sync_command(
    dir: &DataDir,
    once: bool,
    gateway: Option<String>,
    token_stdin: bool,
) -> Result<i32, Failure> {
    let l = lang();
    let desk = Arc::new(open(dir)?);
    match (gateway, token_stdin) {
        (Some(url), true) => {
            let token = read_secret("token")?;
            desk.set_gateway_config(None, &crate::desk::exchange::GatewayConfig { url, token })?;
        }
        (None, false) => {}
        _ => return Err(Failure(tr(l, "cli-sync-both"))),
    }
    if desk.gateway_config().is_none() {
        return Err(Failure(tr(l, "ui-gw-none")));
    }
    let rt = runtime()?;
    loop {
        // `sync` waits a little for an exchange running elsewhere (the window's) to finish.
        let opts = crate::sync::engine::Options {
            lock_wait: std::time::Duration::from_secs(10),
            ..Default::default()
        };
        let report = rt
            .block_on(crate::sync::run_once_with(desk.clone(), &opts))
            .map_err(Failure)?;
        if let Some(stop) = &report.stopped {
            eprintln!("{}", stop.message(l));
            if once {
                return Ok(1);
            }
        } else {
            println!("{}", report.line());
            if let Some(r) = &report.recovery {
                for line in crate::desk::restore::recovery_lines(l, r) {
                    println!("  {line}");
                }
            }
            for e in &report.errors {
                eprintln!("  {e}");
            }
        }
        if once {
            return Ok(if report.errors.is_empty() { 0 } else { 1 });
        }
        std::thread::sleep(std::time::Duration::from_secs(
            if report.errors.is_empty() { 30 } else { 60 },
        ));
    }
}

fn gateway_command(g: GatewayCmd) -> Result<i32, Failure> {
    match g {
        GatewayCmd::Serve { listen, db } => {
            crate::gateway::run(listen, db)?;
        }
        GatewayCmd::Status { db, json } => {
            if let crate::gateway::store::GatewayDb::File(p) = &db
                && !p.exists()
            {
                return Err(Failure(format!("{}: not found", p.display())));
            }
            let st = crate::gateway::store::GatewayStore::at_existing(&db)
                .and_then(|s| s.status())
                .map_err(|e| Failure(e.to_string()))?;
            if json {
                json_out(&st)?;
            } else {
                let l = lang();
                println!(
                    "{:<16} {:>7}  {:<25} {}",
                    tr(l, "cli-gw-client"),
                    tr(l, "cli-gw-queue"),
                    tr(l, "cli-gw-oldest"),
                    tr(l, "cli-gw-contact")
                );
                for c in st {
                    println!(
                        "{:<16} {:>7}  {:<25} {}",
                        c.client,
                        c.queue_depth,
                        c.oldest_undelivered.as_deref().unwrap_or("—"),
                        c.last_contact.as_deref().unwrap_or("—")
                    );
                }
            }
        }
        GatewayCmd::Token { db, client } => {
            let t = crate::gateway::add_client(&db, &client).map_err(|e| Failure(e.to_string()))?;
            println!("{t}");
        }
        GatewayCmd::Submit {
            gw,
            office,
            channel,
            service,
            iin,
            name,
            fields_json,
            attach,
        } => {
            let client = gw.client();
            let rt = runtime()?;
            let me = rt
                .block_on(client.whoami())
                .map_err(|e| Failure(e.to_string()))?;
            let ok = match channel.as_str() {
                "con" => me.starts_with("con"),
                "portal" => me == "portal",
                _ => false,
            };
            if !ok {
                return Err(Failure(crate::i18n::tra(
                    lang(),
                    "cli-submit-channel",
                    &[
                        ("channel", crate::i18n::Arg::from(channel.as_str())),
                        ("client", crate::i18n::Arg::from(me)),
                    ],
                )));
            }
            let intake = match fields_json {
                Some(j) => Some(
                    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&j)
                        .map_err(|e| Failure(format!("--fields-json: {e}")))?,
                ),
                None => None,
            };
            let id = rt
                .block_on(crate::sync::submit(
                    &client,
                    crate::sync::Submission {
                        office,
                        service,
                        iin,
                        name,
                        intake,
                        attach,
                    },
                ))
                .map_err(Failure)?;
            println!("{id}");
        }
        GatewayCmd::Withdraw {
            gw,
            office,
            message_id,
            reason,
        } => {
            let client = gw.client();
            let id = runtime()?
                .block_on(crate::sync::withdraw(
                    &client,
                    &office,
                    &message_id,
                    &reason,
                ))
                .map_err(Failure)?;
            println!("{id}");
        }
        GatewayCmd::Inbox { gw, json, save } => {
            let client = gw.client();
            let rt = runtime()?;
            let items = rt.block_on(crate::sync::inbox(&client)).map_err(Failure)?;
            if json {
                json_out(&items)?;
            } else {
                let l = lang();
                for d in &items {
                    let e = &d.envelope;
                    let text = e.data["statusText"][l.code()].as_str().unwrap_or("");
                    let app = e.data["application"].as_str().unwrap_or("");
                    let reason = e.data["reason"]
                        .as_str()
                        .map(|r| format!(" — {r}"))
                        .unwrap_or_default();
                    let doc = e.data["document"]["sha256"]
                        .as_str()
                        .map(|s| format!(" [{}]", &s[..12]))
                        .unwrap_or_default();
                    println!(
                        "{:>5}  {}  {:?}  {}  {}  {}{}{}",
                        d.seq,
                        e.message_date,
                        e.message_type,
                        e.correlation_id.clone().unwrap_or_default(),
                        app,
                        text,
                        reason,
                        doc
                    );
                }
            }
            if let Some(dir) = save {
                std::fs::create_dir_all(&dir)?;
                for d in &items {
                    if let Ok(r) = serde_json::from_value::<crate::sync::protocol::BlobRef>(
                        d.envelope.data["document"].clone(),
                    ) {
                        let bytes = rt
                            .block_on(client.download(&r.sha256))
                            .map_err(|e| Failure(e.to_string()))?;
                        std::fs::write(dir.join(&r.name), bytes)?;
                    }
                }
            }
        }
    }
    Ok(0)
}
