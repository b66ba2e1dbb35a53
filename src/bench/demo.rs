//! A realistic district for trying the program and for benchmarks (beside `bench`, which
//! measures on it; `gateway submit`, the stand-in for ЦОН, borrows its person and field makers): persons with valid ИИН and
//! Kazakh and Russian names, applications of every service, channel and state (some overdue),
//! made through the same use cases a clerk uses, in time order, so journals, receipts, signed
//! results, audit and outbox rows are all real. Work is committed in batches: a process killed
//! midway leaves a consistent database with whole applications only.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::desk::auth::{Actor, NewUserInput};
use crate::desk::flow::Target;
use crate::desk::intake::{CheckedFile, Registration};
use crate::desk::{
    DataDir, Desk, DeskError, ManualClock, NewOffice, Options, Result, Session, stamp,
};
use crate::domain::calendar::Calendar;
use crate::domain::catalog::{FieldKind, FieldSpec, FieldStage, Service, TermUnit};
use crate::domain::decision::{DecisionInput, Outcome};
use crate::domain::iin::{Iin, Sex};
use crate::domain::model::{Channel, Lang, Role};
use crate::domain::person::{IdentityDocument, PersonInput};
use crate::signing::KeyFileProvider;
use crate::store::{outbox, people};

/// A demo account, printed so a newcomer can log in.
#[derive(Debug, Clone, Serialize)]
pub struct DemoUser {
    pub role: Role,
    pub iin: String,
    pub name: String,
    pub password: String,
}

/// What the demo made.
#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    pub users: Vec<DemoUser>,
    pub head_pin: String,
    pub head_key_file: Option<String>,
    pub created: usize,
    pub skipped: usize,
    pub by_status: Vec<(crate::store::queue::Tab, usize)>,
    pub persons: i64,
}

pub const HEAD_PIN: &str = "246810";

const MALE_KK: &[&str] = &[
    "Ерлан",
    "Нұрлан",
    "Асқар",
    "Дәурен",
    "Бауыржан",
    "Ғалым",
    "Мұрат",
    "Серік",
    "Арман",
    "Қайрат",
    "Әлібек",
    "Данияр",
    "Ержан",
    "Нұрсұлтан",
    "Талғат",
    "Жандос",
];
const FEMALE_KK: &[&str] = &[
    "Әсел",
    "Гүлнар",
    "Айгерім",
    "Жанар",
    "Сәуле",
    "Динара",
    "Мөлдір",
    "Ләззат",
    "Нұргүл",
    "Айнұр",
    "Гүлшат",
    "Ұлжан",
    "Әйгерім",
    "Жұлдыз",
    "Ақмарал",
    "Іңкәр",
];
const SURNAME_KK: &[&str] = &[
    "Қасымов",
    "Әбілқасымов",
    "Нұрланов",
    "Серікбаев",
    "Жұмабаев",
    "Оспанов",
    "Төлеуов",
    "Бекмұхамедов",
    "Ахметов",
    "Сәрсенбаев",
    "Ержанов",
    "Құдайбергенов",
    "Мұхамеджанов",
    "Байжанов",
    "Әлиев",
    "Тұрсынбаев",
    "Өтегенов",
    "Ұзақбаев",
    "Шәріпов",
    "Ілиясов",
    "Қалиев",
    "Һашимов",
];
const MALE_RU: &[&str] = &[
    "Александр",
    "Сергей",
    "Андрей",
    "Дмитрий",
    "Николай",
    "Владимир",
    "Виктор",
    "Павел",
];
const FEMALE_RU: &[&str] = &[
    "Елена",
    "Ольга",
    "Татьяна",
    "Наталья",
    "Ирина",
    "Светлана",
    "Людмила",
    "Марина",
];
const SURNAME_RU: &[&str] = &[
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Соколов",
    "Морозов",
    "Новиков",
    "Федоров",
    "Ким",
    "Шевченко",
];
const VILLAGES: &[&str] = &[
    "Ақсу ауылы",
    "Қарасу ауылы",
    "Жаңаауыл ауылы",
    "Көктөбе ауылы",
    "Береке ауылы",
    "Ақсу қаласы",
];
const STREETS: &[&str] = &[
    "Абай көшесі",
    "Тәуелсіздік көшесі",
    "Құнанбаев көшесі",
    "Гагарин көшесі",
    "Бейбітшілік көшесі",
    "Жамбыл көшесі",
    "Достық көшесі",
];
/// Refusal comments for some grounds, each in both languages (the paper prints each half in
/// its own).
const REFUSALS: &[(&str, &str, &str)] = &[
    (
        "income_above_poverty_line",
        "Отбасының жан басына шаққандағы орташа табысы алдыңғы тоқсанда кедейлік шегінен асады.",
        "Среднедушевой доход семьи за предшествующий квартал превышает черту бедности.",
    ),
    (
        "incomplete_income_data",
        "Отбасының барлық мүшелерінің табысы туралы мәліметтер ұсынылмады.",
        "Не представлены сведения о доходах всех членов семьи.",
    ),
    (
        "employed",
        "Өтініш беруші тұрақты жұмысқа орналасқан (ЗТМО деректері).",
        "Заявитель трудоустроен на постоянную работу (сведения ГЦВП).",
    ),
    (
        "not_resident",
        "Өтініш беруші ауданда тұрғылықты жері бойынша тіркелмеген.",
        "Заявитель не зарегистрирован по месту жительства в районе.",
    ),
];

/// The medico-social institutions of the demo district (the admin's list).
const INSTITUTIONS: &[(&str, &str, &str)] = &[
    (
        "«Ақсу аудандық психоневрологиялық медициналық-әлеуметтік мекемесі» КММ",
        "КГУ «Аксуское районное психоневрологическое медико-социальное учреждение»",
        "Ақсу қаласы, Абай көшесі, 41",
    ),
    (
        "«Қарт адамдар мен мүгедектерге арналған медициналық-әлеуметтік мекеме» КММ",
        "КГУ «Медико-социальное учреждение для престарелых и инвалидов»",
        "Береке ауылы, Достық көшесі, 7",
    ),
    (
        "«Балаларға арналған медициналық-әлеуметтік мекеме» КММ",
        "КГУ «Детское медико-социальное учреждение»",
        "Ақсу қаласы, Жамбыл көшесі, 15",
    ),
];

/// Free text of a decision in both languages.
fn bilingual(rng: &mut StdRng, key: &str) -> Value {
    let pairs: &[(&str, &str)] = match key {
        k if k.contains("presented") => &[
            ("талап ету орны бойынша", "по месту требования"),
            ("банкке ұсыну үшін", "для предъявления в банк"),
            ("мектепке ұсыну үшін", "для предъявления в школу"),
        ],
        k if k.contains("employer") => &[
            ("«Ақсу Құрылыс» ЖШС", "ТОО «Аксу Курылыс»"),
            ("«Береке» шаруа қожалығы", "Крестьянское хозяйство «Береке»"),
            ("Ақсу аудандық ауруханасы", "Аксуская районная больница"),
            ("№3 орта мектеп", "Средняя школа №3"),
        ],
        k if k.contains("position") => &[
            ("мұғалім", "учитель"),
            ("медбике", "медицинская сестра"),
            ("жұмысшы", "рабочий"),
            ("аспаз", "повар"),
            ("күзетші", "сторож"),
            ("тракторшы", "тракторист"),
        ],
        k if k.contains("commission") => &[
            (
                "Комиссия: үйде оқыту қажеттілігі расталмады.",
                "Комиссия: необходимость обучения на дому не подтверждена.",
            ),
            (
                "Комиссия: мүгедектік мерзімі өткен.",
                "Комиссия: срок инвалидности истек.",
            ),
        ],
        _ => &[("есепке алынды", "принято к сведению")],
    };
    let (kk, ru) = pick(rng, pairs);
    json!({"kk": kk, "ru": ru})
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1")
}

/// The last day of the month `months` after the month of `d` (a period of whole months).
fn end_of_months(d: NaiveDate, months: u32) -> NaiveDate {
    let m0 = d.year() * 12 + d.month0() as i32 + months as i32;
    NaiveDate::from_ymd_opt(m0 / 12, (m0 % 12) as u32 + 1, 1)
        .and_then(|x| x.pred_opt())
        .expect("a month end")
}

/// The full name and birth year of a person, as a family table names the applicant.
pub(crate) fn name_and_birth_year(p: &PersonInput) -> (String, Option<i32>) {
    (
        crate::domain::person::full_name(&p.surname, &p.given_name, &p.patronymic),
        p.iin
            .as_deref()
            .and_then(|i| Iin::parse(i).ok())
            .map(|i| i.birth_date().year()),
    )
}

/// Makes an application's own fields true to the case: the applicant is member 1 of a family
/// table, and no other member is marked as the applicant.
pub(crate) fn true_intake(
    svc: &Service,
    intake: &mut Map<String, Value>,
    applicant: &str,
    birth_year: Option<i32>,
) {
    for f in &svc.fields {
        let Some(opt) = &f.checks.applicant_option else {
            continue;
        };
        let Some(Value::Array(rows)) = intake.get_mut(&f.key) else {
            continue;
        };
        // Birth years that fit the relationship to the applicant.
        let born = birth_year.unwrap_or(1980);
        let this_year = chrono::Utc::now().year();
        for (i, r) in rows.iter_mut().enumerate() {
            if r.get("relationship").and_then(Value::as_str) == Some(opt.as_str()) {
                r["relationship"] = json!("child");
            }
            let k = i as i32;
            let year = match r.get("relationship").and_then(Value::as_str) {
                Some("spouse") => born + (k % 5) - 2,
                Some("child") => (born + 22 + 3 * k).min(this_year - 1),
                Some("parent") => born - 24 - k,
                _ => born - 3 + 2 * k,
            };
            r["birth_year"] = json!(year);
        }
        let mut first = Map::new();
        first.insert("full_name".into(), json!(applicant));
        first.insert("relationship".into(), json!(opt));
        first.insert("birth_year".into(), json!(birth_year.unwrap_or(1980)));
        rows.insert(0, Value::Object(first));
    }
}

/// A decision that passes the consistency rules of its case (`domain::consistency`): periods
/// from the month of application, dates between the application and the decision, counts that
/// are their table's rows, payments that agree with the amount and the period, an institution
/// from the list, free text in both languages.
pub(crate) fn true_decision(
    rng: &mut StdRng,
    svc: &Service,
    outcome: Outcome,
    v: &mut Map<String, Value>,
    intake: &Value,
    submitted_on: NaiveDate,
    decided_on: NaiveDate,
) {
    use crate::domain::catalog::Anchor;
    let stages = crate::domain::decision::stages(outcome);
    let fields: Vec<&FieldSpec> = svc
        .fields
        .iter()
        .filter(|f| stages.contains(&f.stage))
        .collect();
    for f in &fields {
        if !v.contains_key(&f.key) {
            continue;
        }
        let c = &f.checks;
        match f.kind {
            FieldKind::Date => {
                let d = if let Some(from_key) =
                    f.key.strip_suffix("_to").map(|k| format!("{k}_from"))
                    && let Some(from) = v
                        .get(&from_key)
                        .and_then(Value::as_str)
                        .and_then(|s| s.parse::<NaiveDate>().ok())
                {
                    end_of_months(from, *pick(rng, &[5u32, 11]))
                } else {
                    match (c.not_before, c.not_after) {
                        (Some(Anchor::ApplicationMonth), _) => first_of_month(submitted_on),
                        (Some(Anchor::Application), Some(Anchor::Decision)) => {
                            let span = (decided_on - submitted_on).num_days().max(0);
                            submitted_on + Duration::days(rng.random_range(0..=span))
                        }
                        (Some(Anchor::Application), _) => {
                            decided_on + Duration::days(rng.random_range(0..10))
                        }
                        (None, Some(Anchor::Decision)) => {
                            submitted_on - Duration::days(rng.random_range(0..300))
                        }
                        _ => continue,
                    }
                };
                v.insert(f.key.clone(), json!(d.to_string()));
            }
            FieldKind::Text | FieldKind::LongText if c.list.is_none() => {
                v.insert(f.key.clone(), bilingual(rng, &f.key));
            }
            _ => {}
        }
    }
    for f in &fields {
        let c = &f.checks;
        if let Some(table) = &c.count_of {
            let n = intake
                .get(table)
                .and_then(Value::as_array)
                .map_or(1, Vec::len);
            v.insert(f.key.clone(), json!(n));
        }
        if c.list.is_some() {
            let (kk, ru, _) = pick(rng, INSTITUTIONS);
            v.insert(f.key.clone(), json!({"kk": kk, "ru": ru}));
        }
        if let Some([from, to]) = &c.within {
            let date = |k: &str| {
                v.get(k)
                    .and_then(Value::as_str)
                    .and_then(|s| s.parse::<NaiveDate>().ok())
            };
            let (Some(from), Some(to)) = (date(from), date(to)) else {
                continue;
            };
            let amount_key = f
                .columns
                .iter()
                .find_map(|col| col.equals.clone())
                .unwrap_or_else(|| "amount".into());
            let amount = v.get(&amount_key).and_then(Value::as_i64).unwrap_or(0);
            let mut rows = Vec::new();
            let mut q = (from.year(), from.month0() / 3 + 1);
            while rows.len() < 8 {
                let start = NaiveDate::from_ymd_opt(q.0, (q.1 - 1) * 3 + 1, 1).expect("quarter");
                if start > to {
                    break;
                }
                rows.push(json!({"quarter": q.1, "year": q.0, "amount": amount}));
                q = if q.1 == 4 {
                    (q.0 + 1, 1)
                } else {
                    (q.0, q.1 + 1)
                };
            }
            v.insert(f.key.clone(), Value::Array(rows));
        }
    }
}

fn pick<'a, T>(rng: &mut StdRng, v: &'a [T]) -> &'a T {
    &v[rng.random_range(0..v.len())]
}

fn patronymic_kk(father: &str, male: bool) -> String {
    format!("{father}{}", if male { "ұлы" } else { "қызы" })
}

fn patronymic_ru(father: &str, male: bool) -> String {
    let stem = father.trim_end_matches('й');
    match (father.ends_with('й'), male) {
        (true, true) => format!("{stem}евич"),
        (true, false) => format!("{stem}евна"),
        (false, true) => format!("{father}ович"),
        (false, false) => format!("{father}овна"),
    }
}

fn female_surname(s: &str) -> String {
    if s.ends_with("ов") || s.ends_with("ев") || s.ends_with("ин") {
        format!("{s}а")
    } else {
        s.to_string()
    }
}

/// A person with a valid ИИН and a name in the Kazakh or Russian tradition.
pub fn person(rng: &mut StdRng, today: NaiveDate) -> PersonInput {
    let male = rng.random_bool(0.48);
    person_of(rng, today, male)
}

/// A person of the given sex (the ИИН's sex when one is given).
pub fn person_of(rng: &mut StdRng, today: NaiveDate, male: bool) -> PersonInput {
    let kazakh = rng.random_bool(0.75);
    let (given, surname, patronymic) = if kazakh {
        let father = pick(rng, MALE_KK);
        let s = pick(rng, SURNAME_KK);
        (
            pick(rng, if male { MALE_KK } else { FEMALE_KK }).to_string(),
            if male {
                s.to_string()
            } else {
                female_surname(s)
            },
            patronymic_kk(father, male),
        )
    } else {
        let father = pick(rng, MALE_RU);
        let s = pick(rng, SURNAME_RU);
        (
            pick(rng, if male { MALE_RU } else { FEMALE_RU }).to_string(),
            if male {
                s.to_string()
            } else {
                female_surname(s)
            },
            patronymic_ru(father, male),
        )
    };
    let age_days = rng.random_range(18 * 365..75 * 365);
    let birth = today - Duration::days(age_days);
    let sex = if male { Sex::Male } else { Sex::Female };
    let iin = loop {
        if let Some(i) = Iin::compose(birth, sex, rng.random_range(0..10_000)) {
            break i;
        }
    };
    PersonInput {
        iin: Some(iin.as_string()),
        surname,
        given_name: given,
        patronymic,
        birth_date: None,
        address: format!(
            "{}, {}, {}",
            pick(rng, VILLAGES),
            pick(rng, STREETS),
            rng.random_range(1..140)
        ),
        phone: format!(
            "+7 70{} {:03} {:02} {:02}",
            rng.random_range(0..9),
            rng.random_range(100..999),
            rng.random_range(10..99),
            rng.random_range(10..99)
        ),
        id_document: Some(IdentityDocument {
            kind: "id_card".into(),
            number: format!("0{:08}", rng.random_range(10_000_000..99_999_999)),
            issued_by: "ҚР ІІМ".into(),
            issued_on: Some(today - Duration::days(rng.random_range(100..3000))),
        }),
    }
}

/// A plausible value for a catalogue field.
fn value_for(
    rng: &mut StdRng,
    f: &FieldSpec,
    today: NaiveDate,
    intake: &Map<String, Value>,
) -> Option<Value> {
    if !f.required && rng.random_bool(0.5) {
        return None;
    }
    let text = |rng: &mut StdRng, key: &str| -> String {
        match key {
            k if k.contains("employer") || k.contains("institution") || k.contains("workplace") => {
                pick(
                    rng,
                    &[
                        "«Ақсу Құрылыс» ЖШС",
                        "«Береке» ШҚ",
                        "Ақсу аудандық ауруханасы",
                        "№3 орта мектеп",
                        "«Ақсу Көгалдандыру» МКК",
                    ],
                )
                .to_string()
            }
            k if k.contains("position") => pick(
                rng,
                &[
                    "мұғалім",
                    "медбике",
                    "жұмысшы",
                    "аспаз",
                    "күзетші",
                    "тракторшы",
                ],
            )
            .to_string(),
            k if k.contains("settlement") => pick(rng, VILLAGES).to_string(),
            k if k.contains("bank_name") => {
                pick(rng, &["Halyk Bank", "Kaspi Bank", "Отбасы банк"]).to_string()
            }
            k if k.contains("bank_account") => format!(
                "KZ{:02}601A{:012}",
                rng.random_range(10..99),
                rng.random_range(100_000_000_000u64..999_999_999_999)
            ),
            k if k.contains("occupation") => pick(
                rng,
                &["жұмыссыз", "зейнеткер", "бала күтімінде", "уақытша жұмыс"],
            )
            .to_string(),
            k if k.contains("presented") => {
                pick(rng, &["по месту требования", "в банк", "в школу"]).to_string()
            }
            k if k.contains("full_name") || k.contains("child") => {
                format!("{} {}", pick(rng, SURNAME_KK), pick(rng, MALE_KK))
            }
            k if k.contains("number") => format!("{}-{}", rng.random_range(1..999), today.year()),
            _ => pick(rng, &["есепке алынды", "принято к сведению"]).to_string(),
        }
    };
    Some(match f.kind {
        FieldKind::Text | FieldKind::LongText => json!(text(rng, &f.key)),
        FieldKind::Integer => json!(
            rng.random_range(f.min.unwrap_or(1)..=f.max.unwrap_or(6).min(f.min.unwrap_or(1) + 5))
        ),
        FieldKind::Money => json!(rng.random_range(150..900) * 10_000),
        FieldKind::Year => {
            let y = today.year() as i64;
            if f.key.ends_with("to") {
                let from = intake
                    .get("period_from")
                    .and_then(|v| v.as_i64())
                    .unwrap_or(y - 1);
                json!(rng.random_range(from..=y))
            } else {
                json!(rng.random_range(y - 2..=y))
            }
        }
        FieldKind::Quarter => json!(rng.random_range(1..=4)),
        FieldKind::Date => {
            let d = if f.key.ends_with("_to") {
                today + Duration::days(rng.random_range(90..365))
            } else if f.key.ends_with("_from") {
                today + Duration::days(rng.random_range(0..30))
            } else {
                today - Duration::days(rng.random_range(0..400))
            };
            json!(d.to_string())
        }
        FieldKind::YesNo => json!(rng.random_bool(0.3)),
        FieldKind::Choice => json!(pick(rng, &f.options).key),
        FieldKind::Table => {
            let n = rng.random_range(f.min_rows.unwrap_or(1).max(1)..=4);
            let rows: Vec<Value> = (0..n)
                .map(|_| {
                    let mut row = Map::new();
                    for c in &f.columns {
                        let spec = FieldSpec {
                            key: c.key.clone(),
                            label: c.label.clone(),
                            kind: c.kind,
                            stage: f.stage,
                            required: true,
                            min: None,
                            max: None,
                            options: c.options.clone(),
                            columns: vec![],
                            min_rows: None,
                            max_rows: None,
                            checks: Default::default(),
                        };
                        let v = match c.kind {
                            FieldKind::Year if c.key.contains("birth") => {
                                json!(rng.random_range(1950..=today.year() as i64))
                            }
                            FieldKind::Year => json!(today.year() as i64 - rng.random_range(0..2)),
                            _ => value_for(rng, &spec, today, intake).unwrap_or(json!("-")),
                        };
                        row.insert(c.key.clone(), v);
                    }
                    Value::Object(row)
                })
                .collect();
            Value::Array(rows)
        }
    })
}

pub fn values(
    rng: &mut StdRng,
    service: &Service,
    stages: &[FieldStage],
    today: NaiveDate,
) -> Map<String, Value> {
    let mut m = Map::new();
    for f in service.fields.iter().filter(|f| stages.contains(&f.stage)) {
        if let Some(v) = value_for(rng, f, today, &m) {
            m.insert(f.key.clone(), v);
        }
    }
    m
}

/// A tiny but valid PNG "scan" (grey, with a few lines), made without image libraries.
pub fn sample_png(seed: u8) -> Vec<u8> {
    scan_png(u32::from(seed), 120, 80)
}

/// A valid grey PNG "scan" of `w`×`h` pixels (stored uncompressed, so about `w`·`h` bytes),
/// different for every `seed`.
pub fn scan_png(seed: u32, w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0u8);
        for x in 0..w {
            let ink = (y % 10 == 5 && x > 10 && x < w.saturating_sub(10))
                || (x + y * 7 + seed).is_multiple_of(97);
            raw.push(if ink { 60 } else { 235 });
        }
    }
    // zlib with stored blocks.
    let mut z = vec![0x78, 0x01];
    let chunks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, c) in chunks.iter().enumerate() {
        z.push(u8::from(i + 1 == chunks.len()));
        let len = c.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for x in &raw {
        a = (a + u32::from(*x)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |png: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc_data = kind.to_vec();
        crc_data.extend_from_slice(data);
        png.extend_from_slice(&crc_data);
        png.extend_from_slice(&crc32(&crc_data).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &z);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for b in data {
        c ^= u32::from(*b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A minimal one-page PDF "scan".
pub fn sample_pdf(title: &str) -> Vec<u8> {
    let stream = format!("BT /F1 14 Tf 40 760 Td ({title}) Tj ET");
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn working_moment(
    cal: &Calendar,
    tz: FixedOffset,
    day: NaiveDate,
    rng: &mut StdRng,
) -> DateTime<Utc> {
    let day = cal.next_working_day_from(day);
    let local =
        day.and_hms_opt(9, 0, 0).expect("9:00") + Duration::minutes(rng.random_range(0..8 * 60));
    tz.from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| local.and_utc())
}

/// When an application `age_days` old was accepted: a moment in office hours on or after that
/// day, but never after `now` (on a weekend or before 9:00 the next working morning would be
/// in the future; then an earlier day is taken).
fn accepted_moment(
    cal: &Calendar,
    tz: FixedOffset,
    now: DateTime<Utc>,
    age_days: i64,
    rng: &mut StdRng,
) -> DateTime<Utc> {
    let today = now.with_timezone(&tz).date_naive();
    let mut back = age_days.max(0);
    loop {
        let t = working_moment(cal, tz, today - Duration::days(back), rng);
        if t <= now {
            return t;
        }
        back += 1;
    }
}

/// The same moment if it falls in office hours (09:00–18:00 of a working day), else the next
/// working morning.
fn in_office_hours(desk: &Desk, t: DateTime<Utc>, rng: &mut StdRng) -> DateTime<Utc> {
    use chrono::Timelike;
    let local = desk.local(t);
    let cal = desk.calendar();
    if cal.is_working_day(local.date()) && (9..18).contains(&local.hour()) {
        return t;
    }
    let day = if local.hour() < 9 && cal.is_working_day(local.date()) {
        local.date()
    } else {
        cal.add_working_days(local.date(), 1)
    };
    let morning =
        day.and_hms_opt(9, 0, 0).expect("9:00") + Duration::minutes(rng.random_range(0..90));
    desk.tz()
        .from_local_datetime(&morning)
        .single()
        .map(|x| x.with_timezone(&Utc))
        .unwrap_or_else(|| morning.and_utc())
}

/// One step of one application's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Register,
    Assign,
    Submit,
    Sign,
    Issue,
    Questionnaire,
    Withdraw,
}

struct Plan {
    service: usize,
    channel: Channel,
    person: usize,
    outcome: Outcome,
    steps: Vec<(DateTime<Utc>, Step)>,
}

const DEMO_USERS: &[(Role, &str, &str, u16, &str)] = &[
    (
        Role::Admin,
        "Сейітова Жанар Болатқызы",
        "1978-04-12",
        4121,
        "Admin2026",
    ),
    (
        Role::Registrar,
        "Нұрланов Ерлан Серікұлы",
        "1985-03-15",
        3012,
        "Registrar2026",
    ),
    (
        Role::Head,
        "Өтегенова Сәуле Маратқызы",
        "1971-09-02",
        2210,
        "Head2026",
    ),
    (
        Role::Executor,
        "Бекмұхамедов Асқар Талғатұлы",
        "1988-11-23",
        1410,
        "Executor2026",
    ),
    (
        Role::Executor,
        "Ким Ольга Викторовна",
        "1990-06-30",
        1713,
        "Executor2026",
    ),
    (
        Role::AkimClerk,
        "Тұрсынбаев Дәурен Ержанұлы",
        "1993-01-08",
        5120,
        "Akim2026",
    ),
];

/// The demo accounts (the same every time, so a reused demo database can be logged into).
pub fn users() -> Vec<DemoUser> {
    DEMO_USERS
        .iter()
        .map(|(role, name, birth, serial, password)| DemoUser {
            role: *role,
            iin: demo_iin(birth, *role, *serial).as_string(),
            name: name.to_string(),
            password: password.to_string(),
        })
        .collect()
}

fn demo_iin(birth: &str, role: Role, serial: u16) -> Iin {
    let b: NaiveDate = birth.parse().expect("demo birth date");
    let sex = if matches!(role, Role::Admin | Role::Head) || serial == 1713 {
        Sex::Female
    } else {
        Sex::Male
    };
    (serial..serial + 100)
        .find_map(|s| Iin::compose(b, sex, s))
        .expect("a serial with a check digit")
}

/// Makes the demo district in `dir` (setting up a demo office if the directory is empty).
pub fn run(
    dir: DataDir,
    requests: usize,
    seed: u64,
    options: Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoReport> {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let real_now = Utc::now();
    let desk = if dir.is_initialized() {
        Desk::open(dir, clock.clone(), options)?
    } else {
        Desk::init(
            dir,
            NewOffice {
                code: "0412".into(),
                name_kk: "«Ақсу ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі» ММ"
                    .into(),
                name_ru: "ГУ «Отдел занятости и социальных программ Аксуского района»".into(),
                workstation: "01".into(),
            },
            clock.clone(),
            options,
        )?
    };
    desk.ensure_ca()?;
    let mut rng = StdRng::seed_from_u64(seed);
    let today = desk.local(real_now).date();
    // Accounts: one per role, two executors.
    let users = users();
    let mut sessions: BTreeMap<&'static str, Vec<Session>> = BTreeMap::new();
    // Everything the demo does is dated in the past; the accounts and the head's certificate
    // must already exist then.
    clock.set(real_now - Duration::days(400));
    for ((_, _, _, serial, _), d) in DEMO_USERS.iter().zip(&users) {
        let role = &d.role;
        let existing = desk.store.read(|r| people::user_by_iin(r, &d.iin))?;
        if existing.is_none() {
            desk.add_user(
                Actor::System,
                &NewUserInput {
                    iin: d.iin.clone(),
                    full_name: d.name.clone(),
                    roles: vec![*role],
                    password: d.password.clone(),
                    lang: if *role == Role::Executor && serial == &1713 {
                        Lang::Ru
                    } else {
                        Lang::Kk
                    },
                    must_change_password: false,
                },
            )?;
        }
        let u = desk
            .store
            .read(|r| people::user_by_iin(r, &d.iin))?
            .ok_or_else(|| DeskError::NotFound("demo user".into()))?;
        sessions.entry(role.code()).or_default().push(Session {
            user_id: u.id,
            iin: u.iin.clone(),
            full_name: u.full_name.clone(),
            roles: u.roles.clone(),
            lang: u.lang,
            must_change_password: false,
        });
    }
    let admin = sessions["admin"][0].clone();
    let head = sessions["head"][0].clone();
    let key_file = match desk.default_key_file(&head.iin) {
        Some(p) => p,
        None => {
            clock.set(real_now - Duration::days(400));
            desk.publish_crl(Some(&admin))?;
            desk.issue_certificate(&admin, &head.iin, HEAD_PIN, 3 * 365)?
                .key_file
        }
    };
    let key = std::fs::read(&key_file).map_err(crate::store::StoreError::from)?;
    clock.set(real_now);
    desk.publish_crl(Some(&admin))?;

    if desk.institutions()?.is_empty() {
        for (kk, ru, address) in INSTITUTIONS {
            desk.add_institution(&admin, kk, ru, address)?;
        }
    }
    let cat = desk.catalog();
    let weights: Vec<(usize, u32)> = cat
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let w = match s.code.as_str() {
                "asp" => 20,
                "unemployed_certificate" | "asp_membership_certificate" => 13,
                "child_benefit" | "job_seeker_registration" => 10,
                "unemployed_registration" | "employment_referral" => 8,
                "disabled_children_home_schooling" | "rural_specialist_fuel" => 5,
                _ => 4,
            };
            (i, w)
        })
        .collect();
    let total_w: u32 = weights.iter().map(|w| w.1).sum();
    let n_persons = (requests / 3).max(10);
    // One person per ИИН: a random ИИН drawn twice is drawn again (a person's data change only
    // on purpose, so two different people must not share one).
    let mut seen = std::collections::HashSet::new();
    let mut persons: Vec<PersonInput> = Vec::with_capacity(n_persons);
    while persons.len() < n_persons {
        let p = person(&mut rng, today);
        if seen.insert(p.iin.clone()) {
            persons.push(p);
        }
    }

    // Plan every application's history, then apply all steps in time order.
    let cal_now = desk.calendar();
    let mut plans = Vec::with_capacity(requests);
    let n_services = cat.services.len();
    for k in 0..requests {
        // The first applications go through every service from intake to issue, so each
        // service has a signed result to look at.
        let showcase = k < 2 * n_services;
        let mut r = rng.random_range(0..total_w);
        let service = if showcase {
            k % n_services
        } else {
            weights
                .iter()
                .find(|(_, w)| {
                    if r < *w {
                        true
                    } else {
                        r -= w;
                        false
                    }
                })
                .map(|x| x.0)
                .unwrap_or(0)
        };
        let svc = &cat.services[service];
        let channel = loop {
            let c = match rng.random_range(0..100) {
                0..60 => Channel::Office,
                60..80 => Channel::Con,
                80..90 => Channel::Portal,
                _ => Channel::Akim,
            };
            if svc.channels.contains(&c) {
                break c;
            }
            if rng.random_bool(0.3) {
                break svc.channels[0];
            }
        };
        let age_days = if showcase {
            40 + k as i64
        } else {
            (rng.random::<f64>().powf(1.6) * 240.0) as i64
        };
        let accepted = accepted_moment(&cal_now, desk.tz(), real_now, age_days, &mut rng);
        let version = svc.latest_version();
        let term = version.term_for(channel);
        let term_days = match term.unit {
            TermUnit::Minutes => 0,
            TermUnit::WorkingDays => i64::from(term.value),
            TermUnit::CalendarDays => i64::from(term.value) * 5 / 7,
        };
        let quick = term.unit == TermUnit::Minutes;
        let step_gap = |rng: &mut StdRng, wd: i64| -> Duration {
            if quick {
                Duration::minutes(rng.random_range(2..12))
            } else {
                Duration::days(wd + rng.random_range(0..2))
                    + Duration::minutes(rng.random_range(0..240))
            }
        };
        let mut steps = vec![(accepted, Step::Register)];
        let stuck = !showcase && rng.random_bool(0.06);
        let mut t = accepted;
        let plan_to = if !showcase && rng.random_bool(0.025) {
            Step::Withdraw
        } else if stuck {
            *pick(&mut rng, &[Step::Register, Step::Assign, Step::Submit])
        } else {
            Step::Questionnaire
        };
        if plan_to == Step::Withdraw {
            steps.push((t + step_gap(&mut rng, 1), Step::Withdraw));
        } else {
            for (step, wd) in [
                (Step::Assign, 1),
                (Step::Submit, (term_days * 6 / 10).max(1)),
                (Step::Sign, 1),
                (Step::Issue, 1),
                (Step::Questionnaire, 0),
            ] {
                if step > plan_to {
                    break;
                }
                t = in_office_hours(&desk, t + step_gap(&mut rng, wd), &mut rng);
                if t > real_now {
                    break;
                }
                if step == Step::Questionnaire && !rng.random_bool(0.4) {
                    break;
                }
                steps.push((t, step));
                if step == plan_to {
                    break;
                }
            }
        }
        plans.push(Plan {
            service,
            channel,
            person: rng.random_range(0..n_persons),
            outcome: if showcase || rng.random_bool(0.86) {
                Outcome::Approve
            } else {
                Outcome::Refuse
            },
            steps,
        });
    }
    let mut events: Vec<(DateTime<Utc>, usize, Step)> = plans
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.steps.iter().map(move |(t, s)| (*t, i, *s)))
        .collect();
    events.sort();

    let scans = [
        desk.attachments.put(&sample_png(1))?,
        desk.attachments.put(&sample_png(2))?,
        desk.attachments.put(&sample_pdf("Scan"))?,
    ];
    let unlocked = desk.unlock_for(&head, &KeyFileProvider, &key, HEAD_PIN)?;
    let mut ids: Vec<Option<(i64, usize)>> = vec![None; plans.len()];
    let mut submitted: Vec<Option<NaiveDate>> = vec![None; plans.len()];
    let mut skipped = 0usize;
    let total = events.len();
    let batch = 400;
    let mut done = 0;
    for chunk in events.chunks(batch) {
        desk.store.write(|tx| {
            for (t, i, step) in chunk {
                clock.set(*t);
                let plan = &plans[*i];
                let svc = &cat.services[plan.service];
                let target =
                    |ids: &Vec<Option<(i64, usize)>>| ids[*i].map(|(id, _)| Target::id(id));
                match step {
                    Step::Register => {
                        let registrar = if plan.channel == Channel::Akim {
                            &sessions["akim_clerk"][0]
                        } else {
                            &sessions["registrar"][0]
                        };
                        let by_gateway = plan.channel.via_gateway();
                        let files: Vec<CheckedFile> = svc
                            .documents
                            .iter()
                            .filter(|d| d.mandatory || rng.random_bool(0.3))
                            .enumerate()
                            .map(|(k, d)| CheckedFile {
                                checklist_item: Some(d.key.clone()),
                                name: format!(
                                    "{}.{}",
                                    d.key,
                                    if k % 3 == 2 { "pdf" } else { "png" }
                                ),
                                mime: if k % 3 == 2 {
                                    "application/pdf"
                                } else {
                                    "image/png"
                                },
                                size: 1500,
                                sha256: scans[k % 3].clone(),
                            })
                            .collect();
                        let (name, birth_year) = name_and_birth_year(&persons[plan.person]);
                        let mut intake = values(&mut rng, svc, &[FieldStage::Intake], today);
                        true_intake(svc, &mut intake, &name, birth_year);
                        submitted[*i] = Some(desk.local(*t).date());
                        let reg = Registration {
                            service: svc.code.clone(),
                            channel: plan.channel,
                            person: persons[plan.person].clone(),
                            intake,
                            files: vec![],
                            missing_reason: None,
                            accepted_at: Some(*t),
                            external: by_gateway.then(|| crate::desk::intake::External {
                                message_id: uuid::Uuid::now_v7().to_string(),
                                origin: if plan.channel == Channel::Con {
                                    "con-0412".into()
                                } else {
                                    "portal".into()
                                },
                            }),
                        };
                        let actor = if by_gateway { None } else { Some(registrar) };
                        let prepared = (
                            reg.person.validate()?,
                            crate::domain::fields::validate(
                                svc,
                                &[FieldStage::Intake],
                                &reg.intake,
                            )
                            .map_err(DeskError::Fields)?,
                        );
                        match desk.register_in(tx, actor, svc, &reg, prepared, &files, None) {
                            Ok(r) => ids[*i] = Some((r.id, 0)),
                            Err(DeskError::DuplicateOpen { .. }) => skipped += 1,
                            Err(e) => return Err(e),
                        }
                    }
                    Step::Assign => {
                        if let Some(t) = target(&ids) {
                            let ex = pick(&mut rng, &sessions["executor"]).clone();
                            desk.assign_in(
                                tx,
                                &head,
                                t,
                                ex.user_id,
                                "Қарап, шешім жобасын дайындаңыз / Рассмотреть, подготовить проект",
                            )?;
                            ids[*i] = ids[*i].map(|(id, _)| (id, ex.user_id as usize));
                        }
                    }
                    Step::Submit => {
                        if let Some((id, ex)) = ids[*i] {
                            let executor = sessions["executor"]
                                .iter()
                                .find(|s| s.user_id as usize == ex)
                                .cloned()
                                .unwrap_or_else(|| sessions["executor"][0].clone());
                            let outcome = plan.outcome;
                            let mut v = values(
                                &mut rng,
                                svc,
                                &crate::domain::decision::stages(outcome),
                                today,
                            );
                            if outcome == Outcome::Approve
                                && v.is_empty()
                                && svc
                                    .fields
                                    .iter()
                                    .any(|f| f.stage == FieldStage::Approve && f.required)
                            {
                                v = values(&mut rng, svc, &[FieldStage::Approve], today);
                            }
                            let intake = crate::store::apps::by_id(tx, id)?
                                .map(|a| a.intake)
                                .unwrap_or_default();
                            let decided_on = desk.local(*t).date();
                            true_decision(
                                &mut rng,
                                svc,
                                outcome,
                                &mut v,
                                &intake,
                                submitted[*i].unwrap_or(decided_on),
                                decided_on,
                            );
                            let refused = outcome == Outcome::Refuse;
                            let grounds: Vec<&str> = svc
                                .refusals
                                .iter()
                                .map(|g| g.code.as_str())
                                .filter(|g| {
                                    *g != "signature_not_confirmed"
                                        || plan.channel == Channel::Portal
                                })
                                .collect();
                            let ground = (refused && !grounds.is_empty())
                                .then(|| pick(&mut rng, &grounds).to_string());
                            // A comment that says more about the same ground, when there is one.
                            let (reason, reason_ru) = ground
                                .as_deref()
                                .and_then(|g| REFUSALS.iter().find(|(code, _, _)| *code == g))
                                .map(|(_, kk, ru)| (kk.to_string(), ru.to_string()))
                                .unwrap_or_default();
                            let input = DecisionInput {
                                outcome,
                                reason,
                                reason_ru,
                                ground,
                                values: v,
                                paper_lang: None,
                            };
                            desk.submit_draft_in(tx, &executor, Target::id(id), &input)?;
                        }
                    }
                    Step::Sign => {
                        if let Some(t) = target(&ids) {
                            desk.sign_in(tx, &head, t, &unlocked)?;
                        }
                    }
                    Step::Issue => {
                        if let Some((id, _)) = ids[*i] {
                            let clerk = if plan.channel == Channel::Akim {
                                &sessions["akim_clerk"][0]
                            } else {
                                &sessions["registrar"][0]
                            };
                            let iin = persons[plan.person].iin.clone().unwrap_or_default();
                            desk.issue_in(tx, clerk, Target::id(id), &iin)?;
                        }
                    }
                    Step::Questionnaire => {
                        if let Some((id, _)) = ids[*i] {
                            let clerk = if plan.channel == Channel::Akim {
                                &sessions["akim_clerk"][0]
                            } else {
                                &sessions["registrar"][0]
                            };
                            let q = |rng: &mut StdRng| {
                                if rng.random_bool(0.8) {
                                    3
                                } else {
                                    rng.random_range(1..=2)
                                }
                            };
                            let (a, b) = (q(&mut rng), q(&mut rng));
                            desk.record_questionnaire_in(tx, clerk, Target::id(id), a, b)?;
                        }
                    }
                    Step::Withdraw => {
                        if let Some(t) = target(&ids) {
                            let clerk = if plan.channel == Channel::Akim {
                                Some(&sessions["akim_clerk"][0])
                            } else {
                                Some(&sessions["registrar"][0])
                            };
                            desk.withdraw_in(
                                tx,
                                clerk,
                                t,
                                "Өтініш берушінің өтініші бойынша / По заявлению заявителя",
                            )?;
                        }
                    }
                }
            }
            Ok::<_, DeskError>(())
        })?;
        done += chunk.len();
        progress(done, total);
    }
    // Notices older than two days reached the gateway in this story.
    let cutoff = stamp(real_now - Duration::days(2));
    desk.store.write(|tx| {
        let pending = outbox::pending(tx, usize::MAX >> 1)?;
        for m in pending {
            if m.created_at < cutoff {
                outbox::mark_delivered(tx, m.id, &m.created_at)?;
            }
        }
        Ok::<_, DeskError>(())
    })?;
    clock.set(real_now);
    let mut by_status = Vec::new();
    let counts = desk.store.read(|r| {
        crate::store::queue::counts(
            r,
            &crate::store::queue::Query {
                today: today.to_string(),
                ..Default::default()
            },
        )
    })?;
    for (tab, n) in counts {
        by_status.push((tab, n as usize));
    }
    let persons_count = desk.store.read(|r| people::count_persons(r))?;
    Ok(DemoReport {
        users,
        head_pin: HEAD_PIN.into(),
        head_key_file: Some(key_file.display().to_string()),
        created: plans.len() - skipped,
        skipped,
        by_status,
        persons: persons_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sunday 22 November 2026, 14:57 in Almaty (UTC+5): a demo made then must not date
    /// applications on Monday morning, nor later today.
    #[test]
    fn applications_are_never_accepted_after_the_demo_is_made() {
        let cal = Calendar::builtin();
        let tz = FixedOffset::east_opt(5 * 3600).unwrap();
        let mut rng = StdRng::seed_from_u64(7);
        for now in [
            "2026-11-22T09:57:00Z", // Sunday
            "2026-11-23T03:30:00Z", // Monday 08:30, before office hours
            "2026-11-23T05:10:00Z", // Monday 10:10
        ] {
            let now: DateTime<Utc> = now.parse().unwrap();
            for age in [0, 1, 2, 5] {
                for _ in 0..50 {
                    let t = accepted_moment(&cal, tz, now, age, &mut rng);
                    assert!(t <= now, "{t} after {now} (age {age})");
                    let local = t.with_timezone(&tz);
                    assert!(cal.is_working_day(local.date_naive()), "{local}");
                    assert!((9..17).contains(&chrono::Timelike::hour(&local)), "{local}");
                    assert!(now - t < Duration::days(age + 7), "{t} too early for {now}");
                }
            }
        }
    }
}
