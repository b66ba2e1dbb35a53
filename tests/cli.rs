//! Black-box tests of the command line (ARCHITECTURE.md "The command line"): every test runs
//! the built `mio-desk` binary against its own fresh data directory and checks exit codes,
//! stdout, stderr, and that a failed command left the data directory as it was.
//!
//! The demo district (150 requests) is made once per test run and copied into each test that
//! needs it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_mio-desk");

/// Letters of the Kazakh alphabet that Russian does not have.
const KAZAKH_ONLY: &[char] = &[
    'ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і', 'Ә', 'Ғ', 'Қ', 'Ң', 'Ө', 'Ұ', 'Ү', 'Һ', 'І',
];

/// What one run of the binary gave.
#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    /// Exit 0.
    #[track_caller]
    fn ok(&self) -> &Self {
        assert_eq!(self.code, 0, "expected success, got {self:#?}");
        self
    }

    /// A refused command: a non-zero exit that is not a panic or a signal, with a message on
    /// stderr.
    #[track_caller]
    fn refused(&self) -> &Self {
        assert!(
            self.code != 0 && self.code != 101 && self.code != -1,
            "expected a clean failure, got {self:#?}"
        );
        assert!(
            !self.stderr.trim().is_empty(),
            "a failure must say why on stderr: {self:#?}"
        );
        assert!(
            !self.stderr.contains("panicked"),
            "the program panicked: {self:#?}"
        );
        self
    }

    /// Exit 1 with a verdict on stdout (iin check, verify, audit verify).
    #[track_caller]
    fn verdict_no(&self) -> &Self {
        assert_eq!(self.code, 1, "expected exit 1, got {self:#?}");
        self
    }
}

/// The binary with a language and a data directory (`--data-dir`), optionally with stdin.
fn run_in(lang: &str, dir: &Path, args: &[&str], stdin: Option<&str>) -> Out {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir").arg(dir).args(args);
    exec(cmd, lang, stdin)
}

/// The binary with the data directory given through `MIO_DESK_DATA_DIR`.
fn run_env(lang: &str, dir: &Path, args: &[&str], stdin: Option<&str>) -> Out {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env("MIO_DESK_DATA_DIR", dir);
    exec(cmd, lang, stdin)
}

fn exec(mut cmd: Command, lang: &str, stdin: Option<&str>) -> Out {
    cmd.env("MIO_DESK_LANG", lang)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = cmd.spawn().expect("start mio-desk");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait for mio-desk");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Every directory and file under `root` with the file bytes (empty when `root` is absent).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let e = e.expect("dir entry");
            let p = e.path();
            let rel = p.strip_prefix(root).expect("under root").to_path_buf();
            if e.file_type().expect("file type").is_dir() {
                out.insert(rel, None);
                walk(root, &p, out);
            } else {
                out.insert(rel, Some(std::fs::read(&p).expect("read file")));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Names of the entries of a directory.
fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[track_caller]
fn assert_unchanged(before: &BTreeMap<PathBuf, Option<Vec<u8>>>, root: &Path, what: &str) {
    let after = snapshot(root);
    let b: BTreeSet<_> = before.keys().collect();
    let a: BTreeSet<_> = after.keys().collect();
    assert_eq!(b, a, "{what}: the set of files changed");
    for (k, v) in before {
        assert!(after[k] == *v, "{what}: {} changed", k.display());
    }
}

/// The check digit of the decree (independent of the program): weights 1..11, then 3..11,1,2;
/// `None` when both give 10.
fn check_digit(first11: &[u8]) -> Option<u8> {
    let sum = |w: &[u32]| -> u32 {
        first11
            .iter()
            .zip(w)
            .map(|(d, w)| u32::from(*d) * w)
            .sum::<u32>()
            % 11
    };
    match sum(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) {
        10 => match sum(&[3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) {
            10 => None,
            k => Some(k as u8),
        },
        k => Some(k as u8),
    }
}

fn digits(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b - b'0').collect()
}

fn has_cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

fn has_kazakh_letter(s: &str) -> bool {
    s.chars().any(|c| KAZAKH_ONLY.contains(&c))
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

// ------------------------------------------------------------------------------------------
// The shared demo district.

struct DemoFixture {
    out: Out,
    /// Relative path, bytes (`None` for a directory), permissions.
    files: Vec<(PathBuf, Option<Vec<u8>>, std::fs::Permissions)>,
}

static DEMO: OnceLock<DemoFixture> = OnceLock::new();

fn demo() -> &'static DemoFixture {
    DEMO.get_or_init(|| {
        let t = tmp();
        let data = t.path().join("data");
        std::fs::create_dir(&data).expect("empty data dir");
        let out = run_in("ru", &data, &["demo", "--requests", "150"], None);
        let mut files = Vec::new();
        for (rel, bytes) in snapshot(&data) {
            let perms = std::fs::metadata(data.join(&rel))
                .expect("metadata")
                .permissions();
            files.push((rel, bytes, perms));
        }
        DemoFixture { out, files }
    })
}

/// A fresh copy of the demo district: the temp dir (keep it alive) and the data dir in it.
fn demo_copy() -> (tempfile::TempDir, PathBuf) {
    let d = demo();
    d.out.ok();
    let t = tmp();
    let data = t.path().join("data");
    std::fs::create_dir(&data).expect("data dir");
    for (rel, bytes, _) in &d.files {
        let p = data.join(rel);
        match bytes {
            None => std::fs::create_dir_all(&p).expect("mkdir"),
            Some(b) => {
                std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
                std::fs::write(&p, b).expect("write");
            }
        }
    }
    for (rel, _, perms) in &d.files {
        std::fs::set_permissions(data.join(rel), perms.clone()).expect("permissions");
    }
    (t, data)
}

/// Every application of a data directory, through the command line.
fn all_apps(dir: &Path) -> Vec<Value> {
    let out = run_in(
        "ru",
        dir,
        &["request", "list", "--json", "--limit", "100000"],
        None,
    );
    out.ok();
    let v: Value = serde_json::from_str(&out.stdout).expect("request list --json is JSON");
    v.as_array().expect("an array").clone()
}

fn field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

/// Service codes of the catalogue (`code = "..."` of assets/catalog/*.toml).
fn catalog_codes() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/catalog");
    let mut codes = BTreeSet::new();
    for e in std::fs::read_dir(dir).expect("catalog dir") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "toml") {
            let text = std::fs::read_to_string(&p).expect("catalog file");
            let code = text
                .lines()
                .find_map(|l| {
                    let l = l.trim();
                    l.strip_prefix("code")
                        .map(str::trim_start)
                        .and_then(|r| r.strip_prefix('='))
                        .map(|r| r.trim().trim_matches('"').to_string())
                })
                .unwrap_or_else(|| panic!("no code in {}", p.display()));
            codes.insert(code);
        }
    }
    codes
}

const STATUSES: &[&str] = &[
    "registered",
    "in_work",
    "awaiting_signature",
    "signed",
    "issued",
    "withdrawn",
];

// ------------------------------------------------------------------------------------------
// 1. iin check

#[test]
fn iin_check_accepts_valid_numbers() {
    let t = tmp();
    let nowhere = t.path().join("no-data");
    for (iin, line) in [
        ("061211600012", "valid 2006-12-11 female"),
        ("791028302728", "valid 1979-10-28 male"),
    ] {
        for lang in ["ru", "kk"] {
            let o = run_in(lang, &nowhere, &["iin", "check", iin], None);
            o.ok();
            assert_eq!(o.stdout.trim_end(), line, "{iin} ({lang})");
            assert!(o.stderr.is_empty(), "{o:#?}");
        }
    }
    assert!(!nowhere.exists(), "iin check must not create a data dir");
}

/// One number per reason, with a fragment the Russian reason must carry.
const INVALID_IINS: &[(&str, &str, &str)] = &[
    ("length", "06121160001", "11"),
    ("length", "0612116000123", "13"),
    ("non-digit", "06121160001A", "«A»"),
    ("non-digit", "0612-1160001", "«-»"),
    ("century 0", "061211000012", "0"),
    ("century 9", "061211900012", "9"),
    ("date", "850231300000", "850231"),
    ("date", "851301300000", "851301"),
    ("check", "061211600013", "3"),
    ("unissuable", "850315302600", "11"),
];

#[test]
fn iin_check_explains_each_kind_of_invalid_number_in_russian() {
    let t = tmp();
    let nowhere = t.path().join("no-data");
    // Each reason, with its numbers and quoted characters blanked, belongs to one class only.
    let mut class_of: BTreeMap<String, &str> = BTreeMap::new();
    for (kind, iin, fragment) in INVALID_IINS {
        let o = run_in("ru", &nowhere, &["iin", "check", iin], None);
        o.verdict_no();
        let reason = o
            .stdout
            .trim_end()
            .strip_prefix("invalid: ")
            .unwrap_or_else(|| panic!("{kind} {iin}: {o:#?}"));
        assert!(!reason.is_empty(), "{kind}: empty reason");
        assert!(has_cyrillic(reason), "{kind}: not Russian: {reason}");
        assert!(
            !has_kazakh_letter(reason),
            "{kind}: Kazakh letters in Russian: {reason}"
        );
        assert!(
            reason.contains(fragment),
            "{kind} {iin}: {reason:?} lacks {fragment:?}"
        );
        assert!(o.stderr.is_empty(), "{o:#?}");
        let class = kind.split(' ').next().unwrap_or(kind);
        let shape: String = reason
            .replace(|c: char| c.is_ascii_digit(), "#")
            .split('«')
            .map(|part| part.split_once('»').map(|(_, rest)| rest).unwrap_or(part))
            .collect();
        let previous = class_of.insert(shape.clone(), class);
        assert!(
            previous.is_none() || previous == Some(class),
            "{class} and {previous:?} give the same reason: {shape}"
        );
    }
    let classes: BTreeSet<&str> = class_of.values().copied().collect();
    assert_eq!(classes.len(), 6, "{class_of:#?}");
    // The check-digit reason says what the digit should be.
    let o = run_in("ru", &nowhere, &["iin", "check", "061211600013"], None);
    assert!(o.stdout.contains('2'), "expected digit 2: {o:#?}");
    assert!(!nowhere.exists());
}

#[test]
fn iin_check_explains_in_kazakh() {
    let t = tmp();
    let nowhere = t.path().join("no-data");
    let mut any_special = false;
    for (kind, iin, _) in INVALID_IINS {
        let kk = run_in("kk", &nowhere, &["iin", "check", iin], None);
        kk.verdict_no();
        let ru = run_in("ru", &nowhere, &["iin", "check", iin], None);
        let reason = kk
            .stdout
            .trim_end()
            .strip_prefix("invalid: ")
            .unwrap_or_else(|| panic!("{kind}: {kk:#?}"));
        assert!(
            has_kazakh_letter(reason),
            "{kind}: no Kazakh letter in {reason}"
        );
        assert_ne!(kk.stdout, ru.stdout, "{kind}: same text in kk and ru");
        any_special |= reason.contains(['ң', 'ғ', 'ә']);
    }
    assert!(any_special, "some Kazakh reason should use ң, ғ or ә");
}

#[test]
fn iin_check_unissuable_prefix_matches_the_decree() {
    // The prefix 85031530260: both weight rows give 10, so no last digit makes a valid ИИН.
    assert_eq!(check_digit(&digits("85031530260")), None);
    let t = tmp();
    let nowhere = t.path().join("no-data");
    let unissuable = run_in("ru", &nowhere, &["iin", "check", "850315302600"], None)
        .stdout
        .clone();
    for last in 0..=9 {
        let iin = format!("85031530260{last}");
        let o = run_in("ru", &nowhere, &["iin", "check", &iin], None);
        o.verdict_no();
        assert_eq!(
            o.stdout, unissuable,
            "{iin}: every ending gives the same reason"
        );
    }
    // And the reason is not the check-digit one.
    let check = run_in("ru", &nowhere, &["iin", "check", "061211600013"], None);
    assert_ne!(
        unissuable.replace(|c: char| c.is_ascii_digit(), ""),
        check.stdout.replace(|c: char| c.is_ascii_digit(), "")
    );
}

#[test]
fn iin_check_agrees_with_the_decree_on_many_numbers() {
    let t = tmp();
    let nowhere = t.path().join("no-data");
    // A small deterministic generator of plausible numbers (valid dates, century 3..6).
    let mut x: u64 = 0x2026_1116;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) % m
    };
    let mut valid = 0;
    for _ in 0..30 {
        let first11 = format!(
            "{:02}{:02}{:02}{}{:04}",
            next(100),
            next(12) + 1,
            next(28) + 1,
            next(4) + 3,
            next(10_000)
        );
        let d = digits(&first11);
        let last = next(10) as u8;
        let iin = format!("{first11}{last}");
        let expected = check_digit(&d) == Some(last);
        let o = run_in("ru", &nowhere, &["iin", "check", &iin], None);
        if expected {
            valid += 1;
            o.ok();
            assert!(o.stdout.starts_with("valid "), "{iin}: {o:#?}");
            let sex = if d[6] % 2 == 1 { "male" } else { "female" };
            assert!(o.stdout.trim_end().ends_with(sex), "{iin}: {o:#?}");
        } else {
            o.verdict_no();
            assert!(o.stdout.starts_with("invalid: "), "{iin}: {o:#?}");
        }
        // The right last digit always makes it valid.
        if let Some(k) = check_digit(&d) {
            let good = format!("{first11}{k}");
            let o = run_in("ru", &nowhere, &["iin", "check", &good], None);
            o.ok();
            valid += 1;
        }
    }
    assert!(valid > 20);
}

// ------------------------------------------------------------------------------------------
// 2. calendar

#[test]
fn calendar_due_without_a_data_dir() {
    let t = tmp();
    let nowhere = t.path().join("no-data");
    let due = |service: &str, channel: Option<&str>| {
        let mut args = vec![
            "calendar",
            "due",
            "--service",
            service,
            "--accepted",
            "2026-11-16",
        ];
        if let Some(c) = channel {
            args.extend(["--channel", c]);
        }
        run_env("ru", &nowhere, &args, None)
    };
    let o = due("unemployed_certificate", None);
    o.ok();
    assert_eq!(o.stdout.trim_end(), "2026-11-20");

    // ASP: 15 working days at the office, 18 through the rural akim.
    let office = due("asp", Some("office"));
    office.ok();
    let akim = due("asp", Some("akim"));
    akim.ok();
    assert_eq!(office.stdout.trim_end(), "2026-12-07");
    assert_eq!(akim.stdout.trim_end(), "2026-12-10");
    assert!(akim.stdout.trim_end() > office.stdout.trim_end());
    // The default channel is the office.
    assert_eq!(due("asp", None).stdout, office.stdout);

    assert!(!nowhere.exists(), "calendar must not create a data dir");
}

#[test]
fn calendar_due_refuses_bad_input() {
    let t = tmp();
    let nowhere = t.path().join("no-data");
    let o = run_env(
        "ru",
        &nowhere,
        &[
            "calendar",
            "due",
            "--service",
            "no_such_service",
            "--accepted",
            "2026-11-16",
        ],
        None,
    );
    o.refused();
    assert!(o.stdout.is_empty(), "{o:#?}");
    assert!(o.stderr.contains("no_such_service"), "{o:#?}");

    for lang in ["ru", "kk"] {
        let o = run_env(
            lang,
            &nowhere,
            &[
                "calendar",
                "due",
                "--service",
                "unemployed_certificate",
                "--accepted",
                "22.11.2026",
            ],
            None,
        );
        o.refused();
        assert!(o.stdout.is_empty(), "{o:#?}");
        assert!(o.stderr.contains("22.11.2026"), "{o:#?}");
        let format = if lang == "ru" {
            "ГГГГ-ММ-ДД"
        } else {
            "ЖЖЖЖ-АА-КК"
        };
        assert!(o.stderr.contains(format), "{lang}: {o:#?}");
    }

    // Not a real day.
    let o = run_env(
        "ru",
        &nowhere,
        &[
            "calendar",
            "due",
            "--service",
            "asp",
            "--accepted",
            "2026-02-30",
        ],
        None,
    );
    o.refused();

    // A channel the service does not offer.
    let o = run_env(
        "ru",
        &nowhere,
        &[
            "calendar",
            "due",
            "--service",
            "special_social_services_home",
            "--accepted",
            "2026-11-16",
            "--channel",
            "akim",
        ],
        None,
    );
    o.refused();
    assert!(o.stdout.is_empty());
    assert!(!nowhere.exists());
}

#[test]
fn calendar_working_days_skip_nauryz() {
    let t = tmp();
    let nowhere = t.path().join("no-data");
    let o = run_env(
        "ru",
        &nowhere,
        &[
            "calendar",
            "working-days",
            "--from",
            "2026-03-20",
            "--days",
            "1",
        ],
        None,
    );
    o.ok();
    assert_eq!(o.stdout.trim_end(), "2026-03-26");
    let o = run_env(
        "ru",
        &nowhere,
        &[
            "calendar",
            "working-days",
            "--from",
            "20.03.2026",
            "--days",
            "1",
        ],
        None,
    );
    o.refused();
    assert!(o.stderr.contains("20.03.2026"));
    assert!(!nowhere.exists());
}

#[test]
fn calendar_holidays_of_2026() {
    let t = tmp();
    let nowhere = t.path().join("no-data");
    let ru = run_env(
        "ru",
        &nowhere,
        &["calendar", "holidays", "--year", "2026"],
        None,
    );
    ru.ok();
    let kk = run_env(
        "kk",
        &nowhere,
        &["calendar", "holidays", "--year", "2026"],
        None,
    );
    kk.ok();
    let days: BTreeMap<&str, &str> = ru
        .stdout
        .lines()
        .map(|l| {
            let (d, name) = l.split_once(' ').unwrap_or((l, ""));
            assert!(
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok() && d.starts_with("2026-"),
                "not a 2026 date: {l:?}"
            );
            assert!(!name.trim().is_empty(), "a day off without a name: {l:?}");
            (d, name.trim())
        })
        .collect();
    for d in ["2026-01-01", "2026-03-22", "2026-05-27"] {
        assert!(days.contains_key(d), "{d} missing from {}", ru.stdout);
    }
    assert!(
        days["2026-05-27"].contains("Курбан"),
        "{}",
        days["2026-05-27"]
    );
    assert!(
        days["2026-03-22"].contains("Наурыз"),
        "{}",
        days["2026-03-22"]
    );
    // The same days in Kazakh, with Kazakh names.
    let kk_days: Vec<&str> = kk.stdout.lines().map(|l| &l[..10]).collect();
    let ru_days: Vec<&str> = ru.stdout.lines().map(|l| &l[..10]).collect();
    assert_eq!(kk_days, ru_days);
    assert!(has_kazakh_letter(&kk.stdout), "{}", kk.stdout);
    assert!(!nowhere.exists());
}

// ------------------------------------------------------------------------------------------
// 3. init and users

fn init(lang: &str, dir: &Path) -> Out {
    run_in(
        lang,
        dir,
        &[
            "init",
            "--office-code",
            "0412",
            "--office-name-kk",
            "Ақсу ауданының жұмыспен қамту бөлімі",
            "--office-name-ru",
            "Отдел занятости Аксуского района",
            "--workstation",
            "01",
        ],
        None,
    )
}

fn add_user(lang: &str, dir: &Path, iin: &str, role: &str, password: &str) -> Out {
    run_in(
        lang,
        dir,
        &[
            "user",
            "add",
            "--iin",
            iin,
            "--name",
            "Нұрланов Ерлан Серікұлы",
            "--role",
            role,
            "--password-stdin",
        ],
        Some(&format!("{password}\n")),
    )
}

#[test]
fn user_add_before_init_says_to_run_init() {
    let t = tmp();
    let data = t.path().join("data");
    for lang in ["ru", "kk"] {
        let o = add_user(lang, &data, "850315300128", "registrar", "Registrar2026");
        o.refused();
        assert!(o.stderr.contains("mio-desk init"), "{o:#?}");
        assert!(o.stdout.is_empty(), "{o:#?}");
    }
    assert!(!data.exists(), "nothing may be created before init");
    assert!(names(t.path()).is_empty(), "{:?}", names(t.path()));
}

#[test]
fn init_then_user_add() {
    let t = tmp();
    let data = t.path().join("data");
    let o = init("ru", &data);
    o.ok();
    assert!(o.stdout.contains("0412"), "{o:#?}");
    assert!(data.join("desk.sqlite").exists());
    assert!(data.join("keys").is_dir());

    let password = "Registrar2026";
    let o = add_user("ru", &data, "850315300128", "registrar", password);
    o.ok();
    assert!(o.stdout.contains("850315300128"), "{o:#?}");
    assert!(!o.stdout.contains(password) && !o.stderr.contains(password));

    // Two roles at once, data dir through the environment.
    let o = run_env(
        "kk",
        &data,
        &[
            "user",
            "add",
            "--iin",
            "791028302728",
            "--name",
            "Өтегенова Сәуле",
            "--role",
            "head",
            "--role",
            "executor",
            "--password-stdin",
        ],
        Some("Head2026x\r\n"),
    );
    o.ok();

    let list = run_in("ru", &data, &["user", "list"], None);
    list.ok();
    let line = list
        .stdout
        .lines()
        .find(|l| l.contains("850315300128"))
        .unwrap_or_else(|| panic!("user missing: {list:#?}"));
    assert!(line.contains("registrar"), "{line}");
    let line = list
        .stdout
        .lines()
        .find(|l| l.contains("791028302728"))
        .unwrap_or_else(|| panic!("user missing: {list:#?}"));
    assert!(line.contains("head") && line.contains("executor"), "{line}");

    // The password is not kept in clear anywhere in the data dir.
    for (p, bytes) in snapshot(&data) {
        if let Some(b) = bytes {
            assert!(
                !b.windows(password.len()).any(|w| w == password.as_bytes()),
                "the password is in clear in {}",
                p.display()
            );
        }
    }
    assert_eq!(
        run_in("ru", &data, &["audit", "verify"], None).code,
        0,
        "audit after user add"
    );
}

#[test]
fn user_add_refusals_write_nothing() {
    let t = tmp();
    let data = t.path().join("data");
    init("ru", &data).ok();
    add_user("ru", &data, "850315300128", "registrar", "Registrar2026").ok();
    let before = snapshot(&data);

    // The same ИИН again, even with another role.
    let o = add_user("ru", &data, "850315300128", "executor", "Executor2026");
    o.refused();
    assert!(o.stderr.contains("850315300128"), "{o:#?}");
    assert_unchanged(&before, &data, "duplicate IIN");

    // An unknown role.
    let o = add_user("ru", &data, "061211600012", "wizard", "Executor2026");
    o.refused();
    assert!(o.stderr.contains("wizard"), "{o:#?}");
    assert_unchanged(&before, &data, "unknown role");

    // Weak passwords: too short, no digits, no letters.
    for weak in ["Ab1", "password", "12345678901"] {
        let o = add_user("ru", &data, "061211600012", "executor", weak);
        o.refused();
        assert!(has_cyrillic(&o.stderr), "{o:#?}");
        assert!(!o.stderr.contains(weak), "the password is echoed: {o:#?}");
        assert_unchanged(&before, &data, &format!("weak password {weak}"));
    }

    // An invalid ИИН.
    let o = add_user("ru", &data, "061211600013", "executor", "Executor2026");
    o.refused();
    assert_unchanged(&before, &data, "invalid IIN");

    // No --password-stdin, and an empty stdin.
    let o = run_in(
        "ru",
        &data,
        &[
            "user",
            "add",
            "--iin",
            "061211600012",
            "--name",
            "Ким Ольга",
            "--role",
            "executor",
        ],
        Some("Executor2026\n"),
    );
    o.refused();
    assert!(o.stderr.contains("--password-stdin"), "{o:#?}");
    let o = add_user("ru", &data, "061211600012", "executor", "");
    o.refused();
    assert_unchanged(&before, &data, "no password");

    let list = run_in("ru", &data, &["user", "list"], None);
    list.ok();
    assert_eq!(list.stdout.lines().count(), 1, "{list:#?}");
}

#[test]
fn init_twice_fails_and_changes_nothing() {
    let t = tmp();
    let data = t.path().join("data");
    init("ru", &data).ok();
    let before = snapshot(&data);
    let o = init("ru", &data);
    o.refused();
    assert!(o.stderr.contains(&*data.to_string_lossy()), "{o:#?}");
    assert_unchanged(&before, &data, "second init");

    // A malformed office code is refused before anything is created.
    let other = t.path().join("other");
    let o = run_in(
        "ru",
        &other,
        &[
            "init",
            "--office-code",
            "04-12",
            "--office-name-kk",
            "Бөлім",
            "--office-name-ru",
            "Отдел",
            "--workstation",
            "01",
        ],
        None,
    );
    o.refused();
    assert!(!other.exists());
}

// ------------------------------------------------------------------------------------------
// 4. demo and requests

#[test]
fn demo_fills_an_empty_data_dir_and_prints_the_accounts() {
    let d = demo();
    d.out.ok();
    let out = &d.out.stdout;
    // Account lines: a role, a valid ИИН, a password, a name.
    let mut accounts = Vec::new();
    for line in out.lines() {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        if let Some(i) = tokens
            .iter()
            .position(|t| t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit()))
        {
            let iin = tokens[i];
            let d = digits(iin);
            assert_eq!(check_digit(&d[..11]), Some(d[11]), "bad IIN in {line:?}");
            let password = tokens.get(i + 1).copied().unwrap_or("");
            assert!(password.len() >= 8, "no password in {line:?}");
            accounts.push((iin.to_string(), password.to_string()));
        }
    }
    assert!(accounts.len() >= 5, "accounts: {accounts:?}\n{out}");
    for role in [
        "Администратор",
        "Работник канцелярии",
        "Начальник отдела",
        "Ответственный исполнитель",
    ] {
        assert!(out.contains(role), "{role} missing:\n{out}");
    }
    let pin_line = out
        .lines()
        .find(|l| l.contains("PIN"))
        .unwrap_or_else(|| panic!("no PIN line:\n{out}"));
    let pin = pin_line.rsplit(':').next().unwrap_or("").trim();
    assert!(
        pin.len() >= 6 && pin.bytes().all(|b| b.is_ascii_digit()),
        "{pin_line}"
    );

    // The accounts exist.
    let (_t, data) = demo_copy();
    let users = run_in("ru", &data, &["user", "list"], None);
    users.ok();
    for (iin, _) in &accounts {
        assert!(users.stdout.contains(iin.as_str()), "{iin} not a user");
    }
}

#[test]
fn request_list_json_has_the_contract_fields() {
    let (_t, data) = demo_copy();
    let o = run_in("ru", &data, &["request", "list", "--json"], None);
    o.ok();
    let v: Value = serde_json::from_str(&o.stdout).expect("JSON");
    let rows = v.as_array().expect("array");
    assert!(!rows.is_empty());
    let codes = catalog_codes();
    let mut numbers = BTreeSet::new();
    for r in rows {
        for k in [
            "number",
            "service",
            "channel",
            "status",
            "iin",
            "applicant",
            "due",
        ] {
            assert!(r.get(k).is_some(), "{k} missing in {r}");
        }
        assert!(numbers.insert(field(r, "number").to_string()), "duplicate");
        assert!(codes.contains(field(r, "service")), "{r}");
        assert!(STATUSES.contains(&field(r, "status")), "{r}");
        assert!(
            ["office", "con", "portal", "akim"].contains(&field(r, "channel")),
            "{r}"
        );
        assert!(
            chrono::NaiveDate::parse_from_str(field(r, "due"), "%Y-%m-%d").is_ok(),
            "{r}"
        );
        assert!(!field(r, "applicant").is_empty());
        let iin = field(r, "iin");
        let d = digits(iin);
        assert!(
            d.len() == 12 && check_digit(&d[..11]) == Some(d[11]),
            "{iin}"
        );
    }
    // The plain listing has one line per application too.
    let plain = run_in("ru", &data, &["request", "list"], None);
    plain.ok();
    assert_eq!(plain.stdout.lines().count(), rows.len());
}

#[test]
fn request_list_filters_by_status() {
    let (_t, data) = demo_copy();
    let all = all_apps(&data);
    let mut seen = 0;
    for status in STATUSES {
        let o = run_in(
            "ru",
            &data,
            &[
                "request", "list", "--status", status, "--json", "--limit", "100000",
            ],
            None,
        );
        o.ok();
        let v: Value = serde_json::from_str(&o.stdout).expect("JSON");
        let rows = v.as_array().expect("array");
        for r in rows {
            assert_eq!(field(r, "status"), *status, "{r}");
        }
        let expected = all.iter().filter(|r| field(r, "status") == *status).count();
        assert_eq!(rows.len(), expected, "{status}");
        seen += rows.len();
    }
    assert_eq!(seen, all.len(), "every application has one of the statuses");
    // The demo made issued applications and some still open.
    assert!(all.iter().any(|r| field(r, "status") == "issued"));
    assert!(all.iter().any(|r| field(r, "status") != "issued"));

    let before = snapshot(&data);
    for bogus in ["bogus", "to_issue", "ISSUED", ""] {
        let o = run_in("ru", &data, &["request", "list", "--status", bogus], None);
        o.refused();
        assert!(o.stdout.is_empty(), "{bogus}: {o:#?}");
    }
    assert_unchanged(&before, &data, "bad status");
}

#[test]
fn request_show_by_number() {
    let (_t, data) = demo_copy();
    let all = all_apps(&data);
    let some = &all[all.len() / 2];
    let number = field(some, "number");
    let o = run_in("ru", &data, &["request", "show", number, "--json"], None);
    o.ok();
    let v: Value = serde_json::from_str(&o.stdout).expect("JSON");
    assert_eq!(v["app"]["number"], *number, "{v}");
    assert_eq!(v["app"]["service"], some["service"]);
    assert_eq!(v["app"]["status"], some["status"]);
    let o = run_in("kk", &data, &["request", "show", number], None);
    o.ok();
    assert!(o.stdout.starts_with(number), "{o:#?}");

    let before = snapshot(&data);
    for missing in ["0412-01-2026-999999", "nonsense"] {
        let o = run_in("ru", &data, &["request", "show", missing, "--json"], None);
        o.refused();
        assert!(o.stdout.is_empty(), "{o:#?}");
        assert!(o.stderr.contains(missing), "{o:#?}");
    }
    assert_unchanged(&before, &data, "unknown number");
}

#[test]
fn audit_of_the_demo_is_intact() {
    let (_t, data) = demo_copy();
    let o = run_in("ru", &data, &["audit", "verify"], None);
    o.ok();
    assert!(!o.stdout.trim().is_empty());
    run_in("kk", &data, &["audit", "verify"], None).ok();
}

// ------------------------------------------------------------------------------------------
// 5. documents and verify

fn render(dir: &Path, number: &str, out: &Path, extra: &[&str]) -> Vec<u8> {
    let mut args = vec![
        "doc",
        "render",
        "--number",
        number,
        "--out",
        out.to_str().expect("utf-8 path"),
    ];
    args.extend(extra);
    let o = run_in("ru", dir, &args, None);
    o.ok();
    let bytes = std::fs::read(out).expect("rendered file");
    assert!(bytes.starts_with(b"%PDF"), "{number}: not a PDF");
    assert!(
        bytes.len() < 60_000,
        "{number}: {} bytes is too big",
        bytes.len()
    );
    bytes
}

fn verify(dir: &Path, file: &Path) -> Out {
    run_in(
        "ru",
        dir,
        &["verify", file.to_str().expect("utf-8 path")],
        None,
    )
}

/// The outgoing (result) number of an application.
fn outgoing_number(dir: &Path, number: &str) -> Option<String> {
    let o = run_in("ru", dir, &["request", "show", number, "--json"], None);
    o.ok();
    let v: Value = serde_json::from_str(&o.stdout).expect("JSON");
    v["app"]["outgoing_number"].as_str().map(str::to_string)
}

#[test]
fn doc_render_every_service_and_verify_signed_results() {
    let (t, data) = demo_copy();
    let all = all_apps(&data);
    let present: BTreeSet<String> = all
        .iter()
        .map(|r| field(r, "service").to_string())
        .collect();
    assert_eq!(
        present,
        catalog_codes(),
        "the demo should have every service of the catalogue"
    );
    let mut valid = 0;
    for service in &present {
        let of: Vec<&Value> = all
            .iter()
            .filter(|r| field(r, "service") == service)
            .collect();
        // One with a signed result if there is one, and one without.
        let signed = of
            .iter()
            .find(|r| ["issued", "signed"].contains(&field(r, "status")));
        let unsigned = of.iter().find(|r| {
            ["registered", "in_work", "awaiting_signature"].contains(&field(r, "status"))
        });
        for app in signed.iter().chain(unsigned.iter()) {
            let number = field(app, "number");
            let out = t.path().join(format!("{number}.pdf"));
            render(&data, number, &out, &[]);
            let v = verify(&data, &out);
            if ["issued", "signed"].contains(&field(app, "status")) {
                v.ok();
                let line = v.stdout.lines().next().unwrap_or("");
                assert!(line.starts_with("VALID "), "{number}: {v:#?}");
                let outgoing = outgoing_number(&data, number)
                    .unwrap_or_else(|| panic!("{number} has no result number"));
                assert!(line.contains(&outgoing), "{number}: {line}");
                valid += 1;
            } else {
                v.verdict_no();
                assert!(v.stdout.starts_with("INVALID:"), "{number}: {v:#?}");
            }
        }
    }
    assert!(valid >= 1, "no signed result to verify");
}

#[test]
fn doc_render_refusals_write_no_file() {
    let (t, data) = demo_copy();
    let all = all_apps(&data);
    let number = field(&all[0], "number");
    let before = snapshot(&data);
    let out = t.path().join("out");
    std::fs::create_dir(&out).expect("out dir");

    let o = run_in(
        "ru",
        &data,
        &[
            "doc",
            "render",
            "--number",
            "0412-01-2026-999999",
            "--out",
            out.join("a.pdf").to_str().expect("path"),
        ],
        None,
    );
    o.refused();
    let o = run_in(
        "ru",
        &data,
        &[
            "doc",
            "render",
            "--number",
            number,
            "--out",
            out.join("b.pdf").to_str().expect("path"),
            "--lang",
            "fr",
        ],
        None,
    );
    o.refused();
    let o = run_in(
        "ru",
        &data,
        &[
            "doc",
            "render",
            "--number",
            number,
            "--out",
            out.join("c.pdf").to_str().expect("path"),
            "--kind",
            "no_such_kind",
        ],
        None,
    );
    o.refused();
    assert!(names(&out).is_empty(), "files left: {:?}", names(&out));
    assert_unchanged(&before, &data, "failed renders");
}

fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("readable PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap_or_default()
}

#[test]
fn doc_render_receipt_in_russian_only() {
    let (t, data) = demo_copy();
    let all = all_apps(&data);
    let number = field(&all[0], "number");
    let both = render(
        &data,
        number,
        &t.path().join("both.pdf"),
        &["--kind", "receipt"],
    );
    let ru = render(
        &data,
        number,
        &t.path().join("ru.pdf"),
        &["--kind", "receipt", "--lang", "ru"],
    );
    let kk = render(
        &data,
        number,
        &t.path().join("kk.pdf"),
        &["--kind", "receipt", "--lang", "kk"],
    );
    assert_ne!(ru, both);
    assert_ne!(ru, kk);
    let squash = |s: String| s.to_lowercase().split_whitespace().collect::<String>();
    let ru_text = squash(pdf_text(&ru));
    let both_text = squash(pdf_text(&both));
    assert!(ru_text.contains("расписка"), "{ru_text}");
    assert!(both_text.contains("расписка"), "{both_text}");
    assert!(
        !ru_text.contains("қолхат"),
        "the Russian copy has the Kazakh title"
    );
    assert!(both_text.contains("қолхат"), "{both_text}");
    // A receipt is not a signed paper.
    let v = verify(&data, &t.path().join("ru.pdf"));
    v.verdict_no();
    assert!(v.stdout.starts_with("INVALID:"));
}

/// Where the page content stream of a PDF lies: (start, end) of its bytes.
fn content_stream_range(bytes: &[u8]) -> (usize, usize) {
    let doc = lopdf::Document::load_mem(bytes).expect("PDF");
    let (_, page) = doc.get_pages().into_iter().next().expect("a page");
    let id = doc.get_page_contents(page)[0];
    let header = format!("{} {} obj", id.0, id.1);
    let find = |from: usize, what: &[u8]| {
        bytes[from..]
            .windows(what.len())
            .position(|w| w == what)
            .map(|p| p + from)
    };
    let at = (0..bytes.len())
        .find(|&i| bytes[i..].starts_with(header.as_bytes()) && (i == 0 || bytes[i - 1] == b'\n'))
        .expect("content object");
    let s = find(at, b"stream").expect("stream") + b"stream".len();
    let s = if bytes[s] == b'\r' { s + 2 } else { s + 1 };
    let e = find(s, b"endstream").expect("endstream");
    (s, e)
}

#[test]
fn verify_rejects_a_signed_paper_with_any_flipped_byte() {
    let (t, data) = demo_copy();
    let all = all_apps(&data);
    let app = all
        .iter()
        .find(|r| field(r, "status") == "issued")
        .expect("an issued application");
    let number = field(app, "number");
    let good_path = t.path().join("good.pdf");
    let good = render(&data, number, &good_path, &[]);
    let v = verify(&data, &good_path);
    v.ok();
    assert!(v.stdout.starts_with("VALID "), "{v:#?}");

    let n = good.len();
    let (cs, ce) = content_stream_range(&good);
    assert!(ce > cs + 100, "content stream too small");
    let info = good
        .windows(b"/Identifier".len())
        .rposition(|w| w == b"/Identifier")
        .expect("the verification record");
    let mut positions = vec![
        ("header", 3),
        ("middle of the file", n / 2),
        ("verification record", info + 40),
        ("near the end", n - 10),
        ("last byte before EOF", n - 3),
    ];
    // Many places inside the page's content stream (the text and the QR code).
    for k in 0..24 {
        positions.push(("content stream", cs + (ce - cs) * k / 24));
    }
    positions.push(("content stream end", ce - 1));
    let before = snapshot(&data);
    let bad = t.path().join("bad.pdf");
    for (what, p) in positions {
        let mut b = good.clone();
        b[p] ^= 0x01;
        std::fs::write(&bad, &b).expect("write");
        let v = verify(&data, &bad);
        assert_eq!(v.code, 1, "{what} @{p}: {v:#?}");
        assert!(v.stdout.starts_with("INVALID: "), "{what} @{p}: {v:#?}");
        assert!(v.stdout.trim_end().len() > "INVALID: ".len());
        assert!(!v.stderr.contains("panicked"), "{what} @{p}: {v:#?}");
    }
    // The untouched copy is still valid, and checking changed nothing.
    verify(&data, &good_path).ok();
    assert_unchanged(&before, &data, "verify");
}

#[test]
fn verify_rejects_files_that_are_not_papers() {
    let (t, data) = demo_copy();
    let cases: [(&str, &[u8]); 3] = [
        ("text.pdf", b"hello, this is not a PDF\n"),
        ("empty.pdf", b""),
        ("half.pdf", b"%PDF-1.3\n1 0 obj\n<< /Type /Catalog"),
    ];
    for (name, bytes) in cases {
        let p = t.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        let v = verify(&data, &p);
        v.verdict_no();
        assert!(v.stdout.starts_with("INVALID: "), "{name}: {v:#?}");
    }
    let v = verify(&data, &t.path().join("missing.pdf"));
    v.refused();
    assert!(!v.stdout.starts_with("VALID"));
}

// ------------------------------------------------------------------------------------------
// 6. backup and restore

#[test]
fn backup_then_restore_into_a_new_dir() {
    let (t, data) = demo_copy();
    let file = t.path().join("office.backup");
    let o = run_in(
        "ru",
        &data,
        &["backup", "--out", file.to_str().expect("path")],
        None,
    );
    o.ok();
    assert!(file.is_file());
    assert!(!t.path().join("office.partial").exists());

    let restored = t.path().join("restored").join("data");
    let o = run_in(
        "ru",
        &restored,
        &["restore", "--from", file.to_str().expect("path")],
        None,
    );
    o.ok();
    assert!(restored.join("desk.sqlite").is_file());
    run_in("ru", &restored, &["audit", "verify"], None).ok();
    // No staging leftovers beside it.
    assert_eq!(
        names(restored.parent().expect("parent")),
        BTreeSet::from(["data".to_string()])
    );

    // The same applications, and a signed result still verifies in the restored office.
    let a = all_apps(&data);
    let b = all_apps(&restored);
    assert_eq!(a, b);
    let issued = b
        .iter()
        .find(|r| field(r, "status") == "issued")
        .expect("issued");
    let pdf = t.path().join("r.pdf");
    render(&restored, field(issued, "number"), &pdf, &[]);
    let v = verify(&restored, &pdf);
    v.ok();
    assert!(v.stdout.starts_with("VALID "));
}

#[test]
fn restore_over_an_existing_dir_keeps_the_old_one() {
    let (t, data) = demo_copy();
    let file = t.path().join("office.backup");
    run_in(
        "ru",
        &data,
        &["backup", "--out", file.to_str().expect("path")],
        None,
    )
    .ok();
    let target = t.path().join("office");
    init("ru", &target).ok();
    let old = snapshot(&target);
    let o = run_in(
        "ru",
        &target,
        &["restore", "--from", file.to_str().expect("path")],
        None,
    );
    o.ok();
    run_in("ru", &target, &["audit", "verify"], None).ok();
    let kept: Vec<String> = names(t.path())
        .into_iter()
        .filter(|n| n.starts_with("office.before-restore"))
        .collect();
    assert_eq!(kept.len(), 1, "{:?}", names(t.path()));
    assert!(o.stdout.contains(&kept[0]), "{o:#?}");
    assert_unchanged(&old, &t.path().join(&kept[0]), "kept data dir");
}

#[test]
fn a_damaged_backup_is_refused_and_nothing_is_touched() {
    let (t, data) = demo_copy();
    let file = t.path().join("office.backup");
    run_in(
        "ru",
        &data,
        &["backup", "--out", file.to_str().expect("path")],
        None,
    )
    .ok();
    let good = std::fs::read(&file).expect("backup");

    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x01;
    let mut late = good.clone();
    let near_end = late.len() - 100;
    late[near_end] ^= 0x01;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("flipped middle", flipped),
        ("flipped near the end", late),
        ("cut in half", good[..good.len() / 2].to_vec()),
        ("extra byte", [good.clone(), vec![0]].concat()),
        ("not a backup", b"hello\n".to_vec()),
    ];
    // The target exists with an office of its own.
    let parent = t.path().join("site");
    let target = parent.join("office");
    init("ru", &target).ok();
    add_user("ru", &target, "850315300128", "registrar", "Registrar2026").ok();
    let before = snapshot(&target);
    let absent = parent.join("absent");
    for (what, bytes) in cases {
        let bad = t.path().join("bad.backup");
        std::fs::write(&bad, &bytes).expect("write");
        for dir in [&target, &absent] {
            let o = run_in(
                "ru",
                dir,
                &["restore", "--from", bad.to_str().expect("path")],
                None,
            );
            o.refused();
            assert!(has_cyrillic(&o.stderr), "{what}: {o:#?}");
        }
        assert_unchanged(&before, &target, what);
        assert!(!absent.exists(), "{what}: created the target");
        // No staging or kept directories beside it.
        assert_eq!(
            names(&parent),
            BTreeSet::from(["office".to_string()]),
            "{what}"
        );
    }
    run_in("ru", &target, &["audit", "verify"], None).ok();
}

// ------------------------------------------------------------------------------------------
// 7. tampering with the audit log

/// Edits the database around the append-only triggers: drops them, runs `sql`, recreates
/// them exactly as they were.
fn tamper(data: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(data.join("desk.sqlite")).expect("open db");
    let triggers: Vec<(String, String)> = {
        let mut st = conn
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'",
            )
            .expect("prepare");
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    assert!(!triggers.is_empty(), "the audit table should have triggers");
    // The triggers do refuse a plain edit.
    assert!(
        conn.execute_batch(sql).is_err(),
        "the triggers let {sql:?} through"
    );
    for (name, _) in &triggers {
        conn.execute_batch(&format!("DROP TRIGGER {name};"))
            .expect("drop trigger");
    }
    conn.execute_batch(sql).expect("tamper");
    for (_, create) in &triggers {
        conn.execute_batch(create).expect("recreate trigger");
    }
}

fn audit_count(data: &Path) -> i64 {
    let conn = rusqlite::Connection::open(data.join("desk.sqlite")).expect("open db");
    conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn audit_verify_catches_an_edited_entry() {
    let (_t, data) = demo_copy();
    run_in("ru", &data, &["audit", "verify"], None).ok();
    let n = audit_count(&data);
    assert!(n > 100);
    let id = n / 2;
    tamper(
        &data,
        &format!(
            "UPDATE audit SET details = replace(details, '\"', '''') WHERE id = {id};\
             UPDATE audit SET details = details || ' ' WHERE id = {id};"
        ),
    );
    for lang in ["ru", "kk"] {
        let o = run_in(lang, &data, &["audit", "verify"], None);
        o.verdict_no();
        let mentions = o
            .stdout
            .split(|c: char| !c.is_ascii_digit())
            .any(|w| w == id.to_string());
        assert!(mentions, "{lang}: entry {id} not named: {o:#?}");
    }
}

#[test]
fn audit_verify_catches_a_deleted_entry() {
    let (_t, data) = demo_copy();
    let id = audit_count(&data) / 3;
    tamper(&data, &format!("DELETE FROM audit WHERE id = {id};"));
    let o = run_in("ru", &data, &["audit", "verify"], None);
    o.verdict_no();
    assert!(
        o.stdout.contains(&(id - 1).to_string()) || o.stdout.contains(&(id + 1).to_string()),
        "{o:#?}"
    );
}

// ------------------------------------------------------------------------------------------
// Found bugs (ignored until fixed).

#[test]
fn errors_of_unknown_values_follow_the_operators_language() {
    let t = tmp();
    let data = t.path().join("data");
    init("ru", &data).ok();
    let cases: Vec<(&str, Out)> = vec![
        (
            "role",
            add_user("ru", &data, "061211600012", "wizard", "Executor2026"),
        ),
        (
            "status",
            run_in("ru", &data, &["request", "list", "--status", "bogus"], None),
        ),
        (
            "channel",
            run_in(
                "ru",
                &data,
                &[
                    "calendar",
                    "due",
                    "--service",
                    "asp",
                    "--accepted",
                    "2026-11-16",
                    "--channel",
                    "fax",
                ],
                None,
            ),
        ),
        (
            "user language",
            run_in(
                "ru",
                &data,
                &[
                    "user",
                    "add",
                    "--iin",
                    "061211600012",
                    "--name",
                    "Ким Ольга",
                    "--role",
                    "executor",
                    "--password-stdin",
                    "--lang",
                    "en",
                ],
                Some("Executor2026\n"),
            ),
        ),
    ];
    let mut english = Vec::new();
    for (what, o) in cases {
        o.refused();
        if !has_cyrillic(&o.stderr) {
            english.push(format!("{what}: {}", o.stderr.trim_end()));
        }
    }
    assert!(
        english.is_empty(),
        "messages not in Russian:\n{}",
        english.join("\n")
    );
}

#[test]
fn verify_of_a_missing_file_names_it() {
    let (t, data) = demo_copy();
    let missing = t.path().join("missing-paper.pdf");
    let o = verify(&data, &missing);
    o.refused();
    assert!(o.stderr.contains("missing-paper.pdf"), "{o:#?}");
    assert!(has_cyrillic(&o.stderr), "{o:#?}");
}

#[test]
fn request_list_lists_every_application() {
    let (_t, data) = demo_copy();
    let every = all_apps(&data);
    assert!(
        every.len() > 100,
        "the demo has {} applications",
        every.len()
    );
    let o = run_in("ru", &data, &["request", "list", "--json"], None);
    o.ok();
    let v: Value = serde_json::from_str(&o.stdout).expect("JSON");
    assert_eq!(
        v.as_array().expect("array").len(),
        every.len(),
        "request list --json left applications out without a word"
    );
}

#[cfg(unix)]
#[test]
fn restore_keeps_private_keys_private() {
    use std::os::unix::fs::PermissionsExt;
    let (t, data) = demo_copy();
    let file = t.path().join("office.backup");
    run_in(
        "ru",
        &data,
        &["backup", "--out", file.to_str().expect("path")],
        None,
    )
    .ok();
    let restored = t.path().join("restored");
    run_in(
        "ru",
        &restored,
        &["restore", "--from", file.to_str().expect("path")],
        None,
    )
    .ok();
    let mut checked = 0;
    for name in names(&data.join("keys")) {
        let mode = |d: &Path| {
            std::fs::metadata(d.join("keys").join(&name))
                .expect("key file")
                .permissions()
                .mode()
                & 0o777
        };
        if mode(&data) & 0o077 == 0 {
            checked += 1;
            assert_eq!(
                mode(&restored) & 0o077,
                0,
                "{name}: {:o} after restore, {:o} before",
                mode(&restored),
                mode(&data)
            );
        }
    }
    assert!(checked >= 2, "expected private key files in keys/");
}

#[cfg(unix)]
#[test]
fn backup_archive_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let (t, data) = demo_copy();
    let file = t.path().join("office.backup");
    run_in(
        "ru",
        &data,
        &["backup", "--out", file.to_str().expect("path")],
        None,
    )
    .ok();
    let bytes = std::fs::read(&file).expect("backup");
    assert!(
        bytes
            .windows(b"keys/office-ca.key".len())
            .any(|w| w == b"keys/office-ca.key"),
        "the archive should carry the CA key"
    );
    let mode = std::fs::metadata(&file)
        .expect("backup")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode & 0o077, 0, "backup mode {mode:o}");
}

// ------------------------------------------------------------------------------------------
// catalog list / show, doc journal / report

#[test]
fn catalog_list_and_show_give_the_contract_fields() {
    let t = tmp();
    // Without a data directory: the catalogue shipped with the program.
    let o = run_in(
        "ru",
        &t.path().join("none"),
        &["catalog", "list", "--json"],
        None,
    );
    o.ok();
    let list: Value = serde_json::from_str(&o.stdout).expect("catalog list --json is JSON");
    let codes: BTreeSet<String> = list
        .as_array()
        .expect("an array")
        .iter()
        .map(|s| field(s, "code").to_string())
        .collect();
    assert_eq!(codes, catalog_codes());
    for s in list.as_array().unwrap() {
        assert!(
            s["channels"].as_array().is_some_and(|c| !c.is_empty()),
            "{s}"
        );
        assert!(s["term"]["value"].as_u64().is_some(), "{s}");
        assert!(
            s["name"]["kk"].as_str().is_some_and(has_kazakh_letter),
            "{s}"
        );
    }
    let o = run_in(
        "ru",
        &t.path().join("none"),
        &["catalog", "show", "unemployed_certificate", "--json"],
        None,
    );
    o.ok();
    let s: Value = serde_json::from_str(&o.stdout).expect("catalog show --json is JSON");
    assert_eq!(field(&s, "code"), "unemployed_certificate");
    let fields = s["fields"].as_array().expect("fields");
    let registered = fields
        .iter()
        .find(|f| f["key"] == "registered_on")
        .expect("registered_on");
    assert_eq!(field(registered, "kind"), "date");
    assert_eq!(field(registered, "stage"), "approve");
    assert!(s["documents"].as_array().is_some_and(|d| !d.is_empty()));
    let grounds = s["refusal_grounds"].as_array().expect("refusal grounds");
    let employed = grounds
        .iter()
        .find(|g| g["code"] == "employed")
        .expect("the ground «employed»");
    assert!(
        field(employed, "kk")
            .chars()
            .any(|c| KAZAKH_ONLY.contains(&c))
    );
    assert!(has_cyrillic(field(employed, "ru")));
    // An АСП ground is not a ground of this service.
    assert!(
        !grounds
            .iter()
            .any(|g| g["code"] == "income_above_poverty_line")
    );
    // In words, in the operator's language.
    let o = run_in(
        "kk",
        &t.path().join("none"),
        &["catalog", "show", "asp"],
        None,
    );
    o.ok();
    assert!(o.stdout.contains("Бас тарту негіздері"), "{}", o.stdout);
    assert!(
        o.stdout.contains("income_above_poverty_line"),
        "{}",
        o.stdout
    );
    // An unknown service is refused in plain words.
    let o = run_in(
        "ru",
        &t.path().join("none"),
        &["catalog", "show", "no_such"],
        None,
    );
    o.refused();
    assert!(o.stderr.contains("no_such"), "{o:#?}");
}

#[test]
fn doc_journal_and_report_make_the_window_papers() {
    let (t, data) = demo_copy();
    let all = all_apps(&data);
    let first = all
        .iter()
        .map(|r| &field(r, "accepted_at")[..10])
        .min()
        .expect("an application")
        .to_string();
    let today = chrono::Local::now().date_naive().to_string();
    let journal = t.path().join("journal.pdf");
    run_in(
        "ru",
        &data,
        &[
            "doc",
            "journal",
            "--from",
            &first,
            "--to",
            &today,
            "--out",
            journal.to_str().unwrap(),
        ],
        None,
    )
    .ok();
    let text = pdf_text(&std::fs::read(&journal).expect("journal written"));
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = squash(&text);
    assert!(text.contains("ТІРКЕУ ЖУРНАЛЫ"), "{text}");
    assert!(text.contains("ЖУРНАЛ РЕГИСТРАЦИИ"), "{text}");
    assert!(text.contains(field(&all[0], "number")), "{text}");
    assert!(text.contains("стр. 1 из"), "{text}");
    let report = t.path().join("report.pdf");
    run_in(
        "kk",
        &data,
        &[
            "doc",
            "report",
            "--from",
            &first,
            "--to",
            &today,
            "--out",
            report.to_str().unwrap(),
            "--lang",
            "kk",
        ],
        None,
    )
    .ok();
    let text = squash(&pdf_text(&std::fs::read(&report).expect("report written")));
    assert!(text.contains("КЕЗЕҢДІК ЕСЕП"), "{text}");
    assert!(!text.contains("ОТЧЕТ"), "{text}");
    // A bad date writes nothing.
    let bad = t.path().join("bad.pdf");
    run_in(
        "ru",
        &data,
        &[
            "doc",
            "report",
            "--from",
            "01.11.2026",
            "--to",
            &today,
            "--out",
            bad.to_str().unwrap(),
        ],
        None,
    )
    .refused();
    assert!(!bad.exists());
}
