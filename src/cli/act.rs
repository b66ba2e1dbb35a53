//! `mio-desk act …`: the clerk's actions from the command line, for office scripts and for the
//! tests that play several PCs. Each logs in as the user (password on the first line of stdin;
//! `sign` reads the key's PIN or password from the second), then calls the same desk function
//! the window calls, so the checks and the messages are the window's.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{Map, Value};

use super::{Failure, bad, lang, open};
use crate::desk::flow::Target;
use crate::desk::intake::{NewFile, Registration};
use crate::desk::{DataDir, Desk, Session};
use crate::domain::catalog::FieldKind;
use crate::domain::decision::{DecisionInput, Outcome};
use crate::domain::model::Channel;
use crate::domain::person::PersonInput;
use crate::i18n::tr;

/// Who acts, and how the result is printed.
#[derive(Args, Debug, Clone)]
pub struct Who {
    /// The ИИН of the user who acts (password on the first line of stdin).
    #[arg(long)]
    pub user: String,
    /// Print {"number": …, "status": …} instead of a sentence.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum ActCmd {
    /// Register an application (registrar; at an akimat, the akim's office specialist).
    Register {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        service: String,
        /// The applicant's ИИН.
        #[arg(long)]
        iin: String,
        #[arg(long)]
        surname: String,
        #[arg(long)]
        first_name: String,
        #[arg(long, default_value = "")]
        patronymic: String,
        /// office, akim, … (at an akimat always akim, the default there).
        #[arg(long)]
        channel: Option<String>,
        /// A field of the service's application form, KEY=VALUE.
        #[arg(long = "field")]
        fields: Vec<String>,
        /// A scan for a checklist item, ITEM=FILE.
        #[arg(long = "attach")]
        attach: Vec<String>,
        /// Why mandatory documents are missing, when they are.
        #[arg(long)]
        missing_reason: Option<String>,
    },
    /// Name the responsible executor (the head's resolution).
    Assign {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        number: String,
        /// The executor's ИИН.
        #[arg(long)]
        executor: String,
        #[arg(long, default_value = "")]
        resolution: String,
    },
    /// Submit the decision for signature (the executor).
    Submit {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        number: String,
        #[arg(long, conflicts_with = "refuse")]
        approve: bool,
        /// Refuse, on this ground (its code, as `catalog show CODE` lists the grounds).
        #[arg(long)]
        refuse: Option<String>,
        /// A field of the decision form, KEY=VALUE; a text printed in both languages as
        /// KEY.kk=… and KEY.ru=….
        #[arg(long = "field")]
        fields: Vec<String>,
    },
    /// Return the draft to the executor with a comment (the head).
    Return {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        number: String,
        #[arg(long)]
        comment: String,
    },
    /// Sign the result with ЭЦП (the head); the key's PIN on the second line of stdin.
    Sign {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        number: String,
        /// The key file (the user's own key in the data directory when not given).
        #[arg(long)]
        key: Option<PathBuf>,
    },
    /// Hand the signed result over (registrar).
    Issue {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        number: String,
        /// The ИИН of who takes the paper (the applicant or a collector).
        #[arg(long)]
        collector: String,
        /// A collector who is not the applicant: their name as in their identity document.
        #[arg(long)]
        collector_name: Option<String>,
        /// The power of attorney's number (a collector who is not the applicant).
        #[arg(long)]
        proxy_number: Option<String>,
        /// The day it was made (YYYY-MM-DD or DD.MM.YYYY).
        #[arg(long)]
        proxy_date: Option<String>,
        /// The last day it is valid (one year from its date when it names no term).
        #[arg(long)]
        proxy_valid_until: Option<String>,
        /// The notary or organisation that certified it.
        #[arg(long)]
        proxy_issuer: Option<String>,
        /// The ИИН of the person who gave it, as written in it (the applicant's).
        #[arg(long)]
        proxy_principal: Option<String>,
        /// Its scan (PDF, JPEG, PNG or TIFF).
        #[arg(long)]
        proxy_scan: Option<PathBuf>,
    },
    /// Extend the term, with the reason sent to the applicant (the head).
    Extend {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        number: String,
        #[arg(long)]
        reason: String,
    },
    /// Withdraw the application at the applicant's request (registrar).
    Withdraw {
        #[command(flatten)]
        who: Who,
        #[arg(long)]
        number: String,
        #[arg(long)]
        reason: String,
    },
}

/// The secrets an action reads from stdin, in order.
fn stdin_lines(n: usize) -> Result<Vec<String>, Failure> {
    let stdin = std::io::stdin();
    let mut out = Vec::new();
    let mut lock = stdin.lock();
    for i in 0..n {
        let mut line = String::new();
        lock.read_line(&mut line)?;
        let s = line.trim_end_matches(['\n', '\r']).to_string();
        if s.is_empty() {
            return Err(Failure(format!(
                "{}: {}",
                if i == 0 { "password" } else { "PIN" },
                tr(lang(), "cli-empty-stdin")
            )));
        }
        out.push(s);
    }
    Ok(out)
}

/// A form's typed values from `KEY=VALUE` pairs: a table is a JSON array, everything else text
/// the desk parses as the window's form does.
fn form_values(
    desk: &Desk,
    service: &str,
    pairs: &[String],
) -> Result<Map<String, Value>, Failure> {
    let l = lang();
    let cat = desk.catalog();
    let svc = cat
        .service(service)
        .ok_or_else(|| bad(l, "cli-bad-service", service))?;
    // Unknown keys are left for the desk, which names them as the window does.
    let mut out = Map::new();
    for p in pairs {
        let Some((k, v)) = p.split_once('=') else {
            return Err(bad(l, "cli-bad-field", p));
        };
        // A text printed on a paper in both languages: `KEY.kk=…` and `KEY.ru=…`.
        if let Some((key, lang @ ("kk" | "ru"))) = k.rsplit_once('.') {
            let entry = out
                .entry(key.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(both) = entry else {
                return Err(bad(l, "cli-bad-field", p));
            };
            both.insert(lang.to_string(), Value::String(v.to_string()));
            continue;
        }
        let kind = svc.fields.iter().find(|f| f.key == k).map(|f| f.kind);
        let value = match kind {
            Some(FieldKind::Table) => {
                serde_json::from_str::<Value>(v).map_err(|_| bad(l, "cli-bad-table", p))?
            }
            _ => Value::String(v.to_string()),
        };
        out.insert(k.to_string(), value);
    }
    Ok(out)
}

fn login(desk: &Desk, who: &Who, password: &str) -> Result<Session, Failure> {
    Ok(desk.login(&who.user, password)?)
}

fn target(desk: &Desk, s: &Session, number: &str) -> Result<Target, Failure> {
    let v = desk.application(s, number)?;
    Ok(Target {
        id: v.app.id,
        version: Some(v.app.row_version),
    })
}

/// Prints the outcome: `{"number": …, "status": …}` or a sentence.
fn report(desk: &Desk, s: &Session, who: &Who, number: &str) -> Result<(), Failure> {
    let v = desk.application(s, number)?;
    if who.json {
        let mut m = BTreeMap::new();
        m.insert("number", Value::String(v.app.number.clone()));
        m.insert("status", Value::String(v.app.status.code().to_string()));
        if let Some(o) = &v.app.outgoing_number {
            m.insert("outgoing_number", Value::String(o.clone()));
        }
        m.insert("due", Value::String(v.app.due_date.to_string()));
        println!(
            "{}",
            serde_json::to_string(&m).map_err(|e| Failure(e.to_string()))?
        );
    } else {
        println!(
            "{} {} — {}",
            tr(lang(), "cli-act-done"),
            v.app.number,
            tr(lang(), v.app.status.key())
        );
    }
    Ok(())
}

/// Runs one action; the exit code.
pub fn run(cmd: ActCmd, dir: &DataDir) -> Result<i32, Failure> {
    let l = lang();
    let desk = open(dir)?;
    match cmd {
        ActCmd::Register {
            who,
            service,
            iin,
            surname,
            first_name,
            patronymic,
            channel,
            fields,
            attach,
            missing_reason,
        } => {
            let default = if desk.is_akimat() { "akim" } else { "office" };
            let channel = channel.unwrap_or_else(|| default.to_string());
            let channel: Channel = channel
                .parse()
                .map_err(|_| bad(l, "cli-bad-channel", &channel))?;
            let intake = form_values(&desk, &service, &fields)?;
            let mut files = Vec::new();
            for a in &attach {
                let (item, path) = match a.split_once('=') {
                    Some((i, p)) => (Some(i.to_string()), PathBuf::from(p)),
                    None => (None, PathBuf::from(a)),
                };
                let bytes = std::fs::read(&path)
                    .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
                files.push(NewFile {
                    checklist_item: item,
                    file_name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default(),
                    bytes,
                });
            }
            let password = stdin_lines(1)?.remove(0);
            let s = login(&desk, &who, &password)?;
            let r = desk.register(
                Some(&s),
                Registration {
                    service,
                    channel,
                    person: PersonInput {
                        iin: Some(iin),
                        surname,
                        given_name: first_name,
                        patronymic,
                        ..Default::default()
                    },
                    intake,
                    files,
                    missing_reason,
                    accepted_at: None,
                    external: None,
                },
            )?;
            report(&desk, &s, &who, &r.number)?;
        }
        ActCmd::Assign {
            who,
            number,
            executor,
            resolution,
        } => {
            let password = stdin_lines(1)?.remove(0);
            let s = login(&desk, &who, &password)?;
            let t = target(&desk, &s, &number)?;
            if desk.is_akimat() {
                // The akim's resolution naming his responsible executor.
                let exec = desk
                    .akim_executor_by_iin(&s, &executor)?
                    .ok_or_else(|| bad(l, "cli-bad-executor", &executor))?;
                desk.akim_resolution(&s, t, exec, &resolution)?;
                report(&desk, &s, &who, &number)?;
                return Ok(0);
            }
            let exec = desk
                .executor_by_iin(&s, &executor)?
                .ok_or_else(|| bad(l, "cli-bad-executor", &executor))?;
            desk.assign(&s, t, exec, &resolution)?;
            report(&desk, &s, &who, &number)?;
        }
        ActCmd::Submit {
            who,
            number,
            approve,
            refuse,
            fields,
        } => {
            let password = stdin_lines(1)?.remove(0);
            let s = login(&desk, &who, &password)?;
            let v = desk.application(&s, &number)?;
            if desk.is_akimat() {
                // The cover letter is ready for the akim's signature.
                desk.cover_letter_ready(
                    &s,
                    Target {
                        id: v.app.id,
                        version: Some(v.app.row_version),
                    },
                )?;
                report(&desk, &s, &who, &number)?;
                return Ok(0);
            }
            let values = form_values(&desk, &v.app.service, &fields)?;
            let (outcome, ground) = match (approve, refuse) {
                (_, Some(ground)) => (Outcome::Refuse, Some(ground)),
                (true, None) => (Outcome::Approve, None),
                (false, None) => return Err(Failure(tr(l, "cli-act-approve-or-refuse"))),
            };
            let t = Target {
                id: v.app.id,
                version: Some(v.app.row_version),
            };
            desk.submit_draft(
                &s,
                t,
                &DecisionInput {
                    outcome,
                    reason: String::new(),
                    reason_ru: String::new(),
                    ground,
                    values,
                    paper_lang: None,
                },
            )?;
            report(&desk, &s, &who, &number)?;
        }
        ActCmd::Return {
            who,
            number,
            comment,
        } => {
            let password = stdin_lines(1)?.remove(0);
            let s = login(&desk, &who, &password)?;
            let t = target(&desk, &s, &number)?;
            desk.return_draft(&s, t, &comment)?;
            report(&desk, &s, &who, &number)?;
        }
        ActCmd::Sign { who, number, key } => {
            let mut lines = stdin_lines(2)?;
            let pin = lines.remove(1);
            let password = lines.remove(0);
            let s = login(&desk, &who, &password)?;
            let key_path = match key {
                Some(k) => k,
                None => desk
                    .default_key_file(&s.iin)
                    .ok_or_else(|| Failure(tr(l, "cli-act-no-key")))?,
            };
            let key_bytes = std::fs::read(&key_path)
                .map_err(|e| Failure(format!("{}: {e}", key_path.display())))?;
            let t = target(&desk, &s, &number)?;
            desk.sign(&s, t, &key_bytes, &pin)?;
            report(&desk, &s, &who, &number)?;
        }
        ActCmd::Issue {
            who,
            number,
            collector,
            collector_name,
            proxy_number,
            proxy_date,
            proxy_valid_until,
            proxy_issuer,
            proxy_principal,
            proxy_scan,
        } => {
            let password = stdin_lines(1)?.remove(0);
            let s = login(&desk, &who, &password)?;
            let t = target(&desk, &s, &number)?;
            if desk.is_akimat() {
                desk.akimat_handover(&s, t, &collector)?;
            } else {
                let any_proxy = proxy_number.is_some()
                    || proxy_date.is_some()
                    || proxy_issuer.is_some()
                    || proxy_principal.is_some()
                    || proxy_scan.is_some();
                let scan = match &proxy_scan {
                    Some(p) => Some((
                        p.file_name()
                            .map(|n| n.to_string_lossy().to_string())
                            .unwrap_or_default(),
                        std::fs::read(p).map_err(|e| Failure(format!("{}: {e}", p.display())))?,
                    )),
                    None => None,
                };
                desk.issue_to(
                    &s,
                    t,
                    &crate::desk::handover::Collector {
                        iin: collector,
                        name: collector_name.unwrap_or_default(),
                        proxy: any_proxy.then(|| crate::desk::handover::ProxyInput {
                            number: proxy_number.unwrap_or_default(),
                            date: proxy_date.unwrap_or_default(),
                            valid_until: proxy_valid_until.unwrap_or_default(),
                            issuer: proxy_issuer.unwrap_or_default(),
                            principal_iin: proxy_principal.unwrap_or_default(),
                            scan,
                        }),
                    },
                )?;
            }
            report(&desk, &s, &who, &number)?;
        }
        ActCmd::Extend {
            who,
            number,
            reason,
        } => {
            let password = stdin_lines(1)?.remove(0);
            let s = login(&desk, &who, &password)?;
            let t = target(&desk, &s, &number)?;
            desk.extend(&s, t, &reason)?;
            report(&desk, &s, &who, &number)?;
        }
        ActCmd::Withdraw {
            who,
            number,
            reason,
        } => {
            let password = stdin_lines(1)?.remove(0);
            let s = login(&desk, &who, &password)?;
            let t = target(&desk, &s, &number)?;
            desk.withdraw(Some(&s), t, &reason)?;
            report(&desk, &s, &who, &number)?;
        }
    }
    Ok(0)
}
