//! Every template rendered in both languages, read back with lopdf: the Kazakh letters, the
//! Russian text and the field values are there; fonts are embedded subsets; the QR code
//! decodes from its drawn modules; the bytes are deterministic.

use chrono::NaiveDate;

use super::*;
use crate::domain::catalog::DocumentKind;
use crate::domain::document::*;
use crate::domain::model::{Channel, Lang, Status, Text};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn base(kind: DocumentKind, body: Body) -> Content {
    Content {
        kind,
        number: "0412-02-2026-R00017".into(),
        date: d(2026, 11, 22),
        issuer: Issuer {
            office_code: "0412".into(),
            name: Text::new(
                "«Ақсу ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі» ММ",
                "ГУ «Отдел занятости и социальных программ Аксуского района»",
            ),
        },
        application: Some(AppRef {
            number: "0412-02-2026-000137".into(),
            submitted_on: d(2026, 11, 16),
            service_code: "asp".into(),
            service: Text::new(
                "Мемлекеттік атаулы әлеуметтік көмек тағайындау",
                "Назначение государственной адресной социальной помощи",
            ),
            channel: Channel::Office,
        }),
        applicant: Some(Applicant {
            full_name: "Әбілқасымова Гүлшат Зиналбекқызы".into(),
            iin: Some("850315300128".into()),
            address: "Ақсу ауылы, Абай көшесі, 12".into(),
            phone: "+7 701 123 45 67".into(),
        }),
        body,
        specialist: Some("Нұрланов Ерлан".into()),
        head: Some("Өтегенова Сәуле".into()),
        paper_lang: None,
    }
}

pub(crate) fn samples() -> Vec<(Content, Vec<&'static str>)> {
    let mut v = vec![(
        base(
            DocumentKind::Receipt,
            Body::Receipt {
                accepted_at: d(2026, 11, 16).and_hms_opt(10, 5, 0).unwrap(),
                items: vec![
                    ReceivedItem {
                        name: Text::new(
                            "Жеке басын куәландыратын құжат",
                            "Документ, удостоверяющий личность",
                        ),
                        mandatory: true,
                        scans: 1,
                    },
                    ReceivedItem {
                        name: Text::new(
                            "Отбасының құрамы туралы анықтама",
                            "Справка о составе семьи",
                        ),
                        mandatory: true,
                        scans: 2,
                    },
                ],
                missing_reason: None,
                due: d(2026, 12, 7),
                registrar: "Нұрланов Ерлан".into(),
            },
        ),
        vec![
            "ҚОЛХАТ",
            "РАСПИСКА",
            "Отбасының құрамы",
            "Справка о составе семьи",
            "7 декабря 2026 года",
            "16.11.2026 10:05",
        ],
    )];
    v.push((
        base(
            DocumentKind::UnemployedCertificate,
            Body::UnemployedCertificate {
                registered_on: d(2026, 3, 10),
                public_works: true,
                training: false,
                asp_housing: false,
                presented_to: Free::Both(Text::new(
                    "талап ету орны бойынша",
                    "по месту требования",
                )),
            },
        ),
        vec![
            "АНЫҚТАМА",
            "СПРАВКА О РЕГИСТРАЦИИ",
            "10.03.2026",
            "по месту требования",
            "Начальник отдела",
        ],
    ));
    v.push((
        base(
            DocumentKind::AspAssignmentNotice,
            Body::AspAssignment {
                family_size: 4,
                period_from: d(2026, 12, 1),
                period_to: d(2027, 2, 28),
                amount: 1_234_500,
                family_registration_number: Some("17-АӘК".into()),
                family: Some(Table {
                    title: Text::new("Отбасы мүшелері", "Члены семьи"),
                    columns: vec![
                        Text::new("Т.А.Ә.", "Ф.И.О."),
                        Text::new("Туған жылы", "Год рождения"),
                    ],
                    rows: vec![vec![
                        Shown::Text("Әбілқасымов Нұрбол".into()),
                        Shown::Int(2012),
                    ]],
                }),
            },
        ),
        vec![
            "12 345 ₸",
            "1 декабря 2026 года",
            "2026 жылғы 1 желтоқсан",
            "Әбілқасымов Нұрбол",
        ],
    ));
    v.push((
        base(
            DocumentKind::AspRefusalNotice,
            Body::Refusal {
                reason: Free::Both(Text::new(
                    "Отбасының жан басына шаққандағы орташа табысы кедейлік шегінен асады (табыс туралы анықтама).",
                    "Среднедушевой доход семьи превышает черту бедности (справка о доходах).",
                )),
                appeal: true,
                commission_conclusion: None,
                ground: None,
                family_registration_number: Some("17-АӘК".into()),
            },
        ),
        vec!["Среднедушевой доход", "обжал", "шағым"],
    ));
    v.push((
        base(
            DocumentKind::DisabledChildrenNotice,
            Body::DisabledChildren {
                child_name: "Әбілқасымов Ілияс".into(),
                period_from: d(2026, 10, 1),
                period_to: d(2027, 6, 30),
                amount: 1_202_500,
                payments: vec![
                    Payment {
                        quarter: 4,
                        year: 2026,
                        amount: 1_202_500,
                    },
                    Payment {
                        quarter: 1,
                        year: 2027,
                        amount: 1_202_500,
                    },
                ],
            },
        ),
        vec!["Әбілқасымов Ілияс", "Тоқсан", "Квартал", "12 025 ₸"],
    ));
    v.push((
        base(
            DocumentKind::AspMembershipCertificate,
            Body::AspMembership {
                is_recipient: false,
                period_from: None,
                period_to: None,
            },
        ),
        vec!["не является получателем", "жатпайтынын"],
    ));
    v.push((
        base(
            DocumentKind::EmploymentReferral,
            Body::EmploymentReferral {
                referral_type: Text::new(
                    "Қоғамдық жұмыстарға жолдама",
                    "Направление на общественные работы",
                ),
                lines: vec![Line {
                    label: Text::new("Жұмыс беруші", "Работодатель"),
                    value: Shown::Text("«Ақсу Көгалдандыру» МКК".into()),
                }],
            },
        ),
        vec![
            "Направление на общественные работы",
            "«Ақсу Көгалдандыру» МКК",
        ],
    ));
    for kind in [
        DocumentKind::ChildBenefitNotice,
        DocumentKind::SpecialServicesNotice,
        DocumentKind::FuelAssistanceNotice,
        DocumentKind::JobSeekerRegistrationNotice,
        DocumentKind::UnemployedRegistrationNotice,
    ] {
        v.push((
            base(
                kind,
                Body::Notice {
                    lines: vec![Line {
                        label: Text::new("Мөлшері", "Размер"),
                        value: Shown::Money(720_000),
                    }],
                    tables: vec![],
                },
            ),
            vec!["7 200 ₸", "Мөлшері", "Размер"],
        ));
    }
    v.push((
        base(
            DocumentKind::MotivatedRefusal,
            Body::Refusal {
                reason: Free::Both(Text::new(
                    "Өтініш беруші 01.11.2026 бастап жұмысқа орналасқан (МЗТО деректері).",
                    "Заявитель трудоустроен с 01.11.2026 (сведения ГЦВП).",
                )),
                appeal: false,
                commission_conclusion: Some(Free::Both(Text::new(
                    "Комиссия: үйде оқыту расталмады.",
                    "Комиссия: не подтверждено обучение на дому.",
                ))),
                ground: None,
                family_registration_number: None,
            },
        ),
        vec!["трудоустроен", "Комиссия"],
    ));
    v.push((
        base(
            DocumentKind::ExtensionNotice,
            Body::Extension {
                previous_due: d(2026, 12, 7),
                new_due: d(2027, 1, 6),
                reason: "Запрос сведений в ГБД ФЛ".into(),
            },
        ),
        vec!["6 января 2027 года", "Запрос сведений"],
    ));
    v.push((
        base(
            DocumentKind::AkimCoverLetter,
            Body::AkimCoverLetter {
                akim_office: "Қарасу ауылдық округі әкімінің аппараты".into(),
                items: vec![ReceivedItem {
                    name: Text::new("Өтініш", "Заявление"),
                    mandatory: true,
                    scans: 1,
                }],
                addressee: Some(Text::new(
                    "Жұмыспен қамту бөлімі",
                    "Отдел занятости и социальных программ",
                )),
            },
        ),
        vec![
            "Қарасу ауылдық округі",
            "СОПРОВОДИТЕЛЬНОЕ",
            "Кому",
            "Кімге",
            "Отдел занятости и социальных программ",
        ],
    ));
    let rows: Vec<JournalRow> = (1..=90)
        .map(|i| JournalRow {
            number: format!("0412-02-2026-{i:06}"),
            registered_at: d(2026, 11, 2).and_hms_opt(9, 0, 0).unwrap(),
            application: format!("0412-02-2026-{i:06}"),
            applicant: format!("Қасымов Ерлан {i}"),
            service: Text::new("АӘК", "АСП"),
            status: Status::InWork,
            due: d(2026, 11, 20),
            user: "Нұрланов Е.".into(),
        })
        .collect();
    v.push((
        base(
            DocumentKind::JournalPage,
            Body::JournalPage {
                journal: "in".into(),
                from: d(2026, 11, 1),
                to: d(2026, 11, 30),
                rows,
            },
        ),
        vec!["0412-02-2026-000090", "Қасымов Ерлан 90", "Журнал"],
    ));
    v.push((
        base(
            DocumentKind::PeriodReport,
            Body::PeriodReport {
                from: d(2026, 11, 1),
                to: d(2026, 11, 30),
                lines: vec![ReportLine {
                    service: Text::new("АӘК", "АСП"),
                    by_status: vec![3, 4, 1, 0, 12, 1],
                    total: 21,
                }],
                overdue: vec![OverdueLine {
                    number: "0412-02-2026-000101".into(),
                    applicant: "Сейітова Әйгерім".into(),
                    service: Text::new("АӘК", "АСП"),
                    due: d(2026, 11, 10),
                    working_days_late: 8,
                    executor: "Нұрланов Е.".into(),
                }],
                questionnaire: [[1, 2, 17], [0, 3, 17]],
            },
        ),
        vec!["Сейітова Әйгерім", "0412-02-2026-000101", "17"],
    ));
    v
}

fn text_of(pdf: &[u8]) -> String {
    let doc = extract::load(pdf).unwrap();
    extract::page_texts(&doc).join("\n")
}

#[test]
fn every_template_renders_both_languages_with_its_values() {
    let kazakh = ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'і'];
    let mut kinds = std::collections::BTreeSet::new();
    for (content, expected) in samples() {
        kinds.insert(content.kind);
        let pdf = render(&content, Langs::Both, &Stamp::unsigned(&content)).unwrap();
        // Lines wrap where they wrap: compare with whitespace collapsed.
        let text = text_of(&pdf)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let lower = text.to_lowercase();
        for ch in kazakh {
            assert!(lower.contains(ch), "{:?}: no {ch} in\n{text}", content.kind);
        }
        for want in expected.iter().chain(&[
            "0412-02-2026-R00017",
            "Отдел занятости и социальных программ",
            "жұмыспен қамту",
            // Unsigned: the paper says so, and claims no equivalence to a signed one.
            "Документ не подписан электронной цифровой подписью",
            "электрондық цифрлық қолтаңба қойылмаған",
        ]) {
            assert!(
                text.contains(want),
                "{:?}: {want:?} missing in\n{text}",
                content.kind
            );
        }
        assert!(!text.contains("равнозначен"), "{:?}", content.kind);
        // Signed, the same paper carries the equivalence clause instead.
        let signed = render(&content, Langs::Both, &stamp_of_signed(&content)).unwrap();
        let text = text_of(&signed)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for want in [
            "равнозначен документу на бумажном носителе",
            "қағаз тасығыштағы құжатқа тең",
        ] {
            assert!(text.contains(want), "{:?}: {want:?} missing", content.kind);
        }
        assert!(!text.contains("не подписан"), "{:?}", content.kind);
        // A copy names its original and claims no signature either.
        let copy = render(
            &content,
            Langs::Ru,
            &Stamp::copy("MIO1|x".into(), "0412-02-2026-R00017"),
        )
        .unwrap();
        let text = text_of(&copy)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // (A paper written in Kazakh only prints in Kazakh.)
        assert!(
            text.contains("КОПИЯ подписанного оригинала № 0412-02-2026-R00017")
                || text.contains("№ 0412-02-2026-R00017 түпнұсқаның КӨШІРМЕСІ"),
            "{:?}: {text}",
            content.kind
        );
        assert!(!text.contains("равнозначен"), "{:?}", content.kind);
    }
    // Every output kind of the catalogue has a sample.
    assert_eq!(kinds.len(), DocumentKind::ALL.len(), "{kinds:?}");
}

#[test]
fn the_letter_h_with_descender_and_other_letters_survive() {
    // Һ/һ is rare in names; make sure it is drawn and extracted too.
    let mut c = samples().remove(0).0;
    if let Some(a) = c.applicant.as_mut() {
        a.full_name = "Һәкімов Шаһмардан".into();
    }
    let pdf = render(&c, Langs::Both, &Stamp::unsigned(&c)).unwrap();
    assert!(text_of(&pdf).contains("Һәкімов Шаһмардан"));
}

#[test]
fn each_language_alone_and_free_text_in_its_own_language() {
    for (c, _) in samples() {
        let ru = text_of(&render(&c, Langs::Ru, &Stamp::unsigned(&c)).unwrap());
        assert!(ru.contains("Уникальный номер"), "{:?}", c.kind);
        assert!(!ru.contains("Бірегей нөмір"), "{ru}");
        let kk = text_of(&render(&c, Langs::Kk, &Stamp::unsigned(&c)).unwrap());
        assert!(kk.contains("Бірегей нөмір"), "{:?}", c.kind);
        assert!(!kk.contains("Уникальный номер"));
    }
    // A refusal comment written in both languages: each half of the paper in its own.
    let (c, _) = samples().remove(3);
    let ru = text_of(&render(&c, Langs::Ru, &Stamp::unsigned(&c)).unwrap());
    assert!(ru.contains("Среднедушевой доход"), "{ru}");
    assert!(!ru.contains("кедейлік шегінен"), "{ru}");
    let kk = text_of(&render(&c, Langs::Kk, &Stamp::unsigned(&c)).unwrap());
    assert!(kk.contains("кедейлік шегінен"), "{kk}");
    assert!(!kk.contains("Среднедушевой"), "{kk}");
    // A paper whose free text was written in Kazakh only is printed in Kazakh only, whatever
    // was asked for.
    let mut one = c.clone();
    one.paper_lang = Some(Lang::Kk);
    if let Body::Refusal { reason, .. } = &mut one.body {
        *reason = Free::One("Табыс туралы анықтама ұсынылмады".into());
    }
    let text = text_of(&render(&one, Langs::Both, &Stamp::unsigned(&one)).unwrap());
    assert!(text.contains("Табыс туралы анықтама ұсынылмады"));
    assert!(!text.contains("Уникальный номер"), "{text}");
}

#[test]
fn fonts_are_embedded_subsets() {
    let (c, _) = samples().remove(1);
    let pdf = render(&c, Langs::Both, &Stamp::unsigned(&c)).unwrap();
    let doc = extract::load(&pdf).unwrap();
    let mut base_fonts = Vec::new();
    let mut programs = 0;
    for (_, obj) in doc.objects.iter() {
        if let Ok(dict) = obj.as_dict() {
            if let Ok(name) = dict.get(b"BaseFont").and_then(|o| o.as_name()) {
                base_fonts.push(String::from_utf8_lossy(name).to_string());
            }
            if dict.has(b"FontFile2") || dict.has(b"FontFile3") {
                programs += 1;
            }
        }
    }
    assert!(
        base_fonts.iter().any(|f| f.starts_with("MIOREG+NotoSans")),
        "{base_fonts:?}"
    );
    assert!(
        base_fonts.iter().any(|f| f.starts_with("MIOBLD+NotoSans")),
        "{base_fonts:?}"
    );
    assert!(programs >= 2, "font programs embedded: {programs}");
    assert!(pdf.len() < 60_000, "a certificate is {} bytes", pdf.len());
}

#[test]
fn the_qr_decodes_from_the_drawn_modules_to_the_payload() {
    for (c, _) in samples().into_iter().take(3) {
        let stamp = Stamp::unsigned(&c);
        let pdf = render(&c, Langs::Both, &stamp).unwrap();
        let doc = extract::load(&pdf).unwrap();
        let decoded = extract::qr_text(&doc).unwrap();
        assert_eq!(decoded, stamp.qr);
        let p = VerificationPayload::parse(&decoded).unwrap();
        assert_eq!(p.number, c.number);
        assert_eq!(p.masked_iin.as_deref(), Some("850315*****8"));
        assert!(!decoded.contains("850315300128"));
        assert_eq!(hex::encode(p.content_sha256), c.sha256());
    }
}

#[test]
fn the_same_content_renders_to_the_same_bytes() {
    for (c, _) in samples() {
        let a = render(&c, Langs::Both, &Stamp::unsigned(&c)).unwrap();
        let b = render(&c, Langs::Both, &Stamp::unsigned(&c)).unwrap();
        assert!(a == b, "{:?} is not deterministic", c.kind);
        let mut other = c.clone();
        other.number.push('9');
        let x = render(&other, Langs::Both, &Stamp::unsigned(&other)).unwrap();
        assert_ne!(a, x);
    }
}

#[test]
fn a_field_that_cannot_fit_fails_naming_it() {
    let (mut c, _) = samples().remove(1);
    if let Body::UnemployedCertificate { presented_to, .. } = &mut c.body {
        *presented_to = Free::One("очень длинное место предъявления справки ".repeat(60));
    }
    let e = render(&c, Langs::Both, &Stamp::unsigned(&c)).unwrap_err();
    assert_eq!(
        e,
        RenderError::DoesNotFit(layout::DoesNotFit {
            field: "presented_to".into()
        })
    );
}

#[test]
fn a_long_journal_repeats_its_header_on_every_page() {
    let (c, _) = samples()
        .into_iter()
        .find(|(c, _)| c.kind == DocumentKind::JournalPage)
        .unwrap();
    let pdf = render(&c, Langs::Both, &Stamp::unsigned(&c)).unwrap();
    let doc = extract::load(&pdf).unwrap();
    let pages = extract::page_texts(&doc);
    assert!(
        pages.len() >= 3,
        "90 rows should take several pages, got {}",
        pages.len()
    );
    for (i, p) in pages.iter().enumerate().take(pages.len() - 1) {
        assert!(
            p.contains("Тіркеу нөмірі"),
            "page {} has no header:\n{p}",
            i + 1
        );
    }
    let n = pages.len();
    for (i, p) in pages.iter().enumerate() {
        let flat = p.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(&format!("бет {} / {n} — стр. {} из {n}", i + 1, i + 1)),
            "page {} has no page line:\n{flat}",
            i + 1
        );
        assert!(flat.contains(&c.number), "page {} has no number", i + 1);
    }
}

/// The longest values the demo (and the field limits) can put on a paper.
fn longest(mut c: Content) -> Content {
    c.issuer.name = Text::new(
        "«Қызылорда облысы Жаңақорған ауданының жұмыспен қамту және әлеуметтік бағдарламалар бөлімі» коммуналдық мемлекеттік мекемесі",
        "Коммунальное государственное учреждение «Отдел занятости и социальных программ Жанакорганского района Кызылординской области»",
    );
    if let Some(a) = &mut c.applicant {
        a.full_name = "Құдайбергенова-Мұхамеджанова Ақмарал Бекмұхамедқызы".into();
        a.address = "Қызылорда облысы, Жаңақорған ауданы, Жаңаауыл ауылы, Тәуелсіздік көшесі, 125-үй, 147-пәтер".into();
    }
    c.specialist = Some("Құдайбергенова-Мұхамеджанова Ақмарал Бекмұхамедқызы".into());
    c.head = Some("Бекмұхамедов-Құдайбергенов Нұрсұлтан Мұхамеджанұлы".into());
    c
}

/// A paper laid out as it is handed over: a result with the signature record of its seal,
/// the receipt, journal, report and cover letter without one.
fn stamp_of(c: &Content) -> Stamp {
    if matches!(
        c.kind,
        DocumentKind::Receipt
            | DocumentKind::JournalPage
            | DocumentKind::PeriodReport
            | DocumentKind::AkimCoverLetter
    ) {
        return Stamp::unsigned(c);
    }
    Stamp {
        qr: Stamp::unsigned(c).qr,
        seal: Some(SealLine {
            signer: c.head.clone().unwrap_or_default(),
            signed_at: c.date.and_hms_opt(16, 45, 0).unwrap(),
            cert_serial: "4f3a9b0c1d2e3f405162738495a6b7c8".into(),
        }),
        record: None,
        copy_of: None,
    }
}

/// The stamp of a signed paper, whatever its kind.
fn stamp_of_signed(c: &Content) -> Stamp {
    Stamp::pades(
        Stamp::unsigned(c).qr,
        SealLine {
            signer: "Өтегенова Сәуле".into(),
            signed_at: c.date.and_hms_opt(16, 45, 0).unwrap(),
            cert_serial: "4f3a9b0c1d2e3f40".into(),
        },
        "mio-pades:1:test".into(),
    )
}

fn laid_out(c: &Content, langs: Langs) -> Paper {
    layout(c, langs, &stamp_of(c)).unwrap_or_else(|e| panic!("{:?} {langs:?}: {e}", c.kind))
}

fn every_lang(c: &Content) -> Vec<Langs> {
    if c.kind == DocumentKind::UnemployedCertificate {
        vec![Langs::Both]
    } else {
        vec![Langs::Kk, Langs::Ru, Langs::Both]
    }
}

#[test]
fn nothing_crosses_the_margins_even_with_the_longest_names() {
    let (l, t, r, b) = (
        layout::MARGIN_L - 0.01,
        layout::MARGIN_T - 0.01,
        layout::PAGE_W - layout::MARGIN_R + 0.01,
        layout::PAGE_H - layout::MARGIN_B + 0.01,
    );
    for (c, _) in samples() {
        for c in [c.clone(), longest(c)] {
            for langs in every_lang(&c) {
                let paper = laid_out(&c, langs);
                for (i, page) in paper.pages.iter().enumerate() {
                    for item in page {
                        let (x0, y0, x1, y1) = item.bounds();
                        assert!(
                            x0 >= l && y0 >= t && x1 <= r && y1 <= b,
                            "{:?} {langs:?} page {}: {item:?} outside the margins",
                            c.kind,
                            i + 1
                        );
                    }
                }
            }
        }
    }
}

/// Where the closing block (signature lines, or the clauses when there are none) starts on a
/// page.
fn closing_top(page: &[layout::Draw], sign_labels: &[String]) -> Option<f32> {
    let sign = page
        .iter()
        .filter_map(|d| match d {
            // A signature label: bold body text at the left margin.
            layout::Draw::Text {
                text,
                y,
                x,
                size,
                bold: true,
                ..
            } if (*x - layout::MARGIN_L).abs() < 0.01
                && (*size - 10.0).abs() < 0.01
                && sign_labels.iter().any(|s| s.starts_with(text.as_str())) =>
            {
                Some(*y)
            }
            _ => None,
        })
        .fold(None, |a: Option<f32>, y| Some(a.map_or(y, |a| a.min(y))));
    let qr = page.iter().find_map(|d| match d {
        layout::Draw::Qr { y, .. } => Some(*y - 2.0),
        _ => None,
    });
    match (sign, qr) {
        (Some(s), _) => Some(s),
        (None, q) => q,
    }
}

#[test]
fn the_closing_block_never_stands_alone_and_short_forms_keep_to_one_page() {
    let labels: Vec<String> = [
        "doc-specialist",
        "doc-head",
        "doc-received-by",
        "doc-akim",
        "doc-akim-specialist",
    ]
    .iter()
    .flat_map(|k| [Lang::Kk, Lang::Ru].map(|l| crate::i18n::tr(l, k)))
    .collect();
    let mut long_table = samples();
    // A family table that pushes the closing block over the page.
    for (c, _) in long_table.iter_mut() {
        if let Body::AspAssignment {
            family: Some(t),
            family_size,
            ..
        } = &mut c.body
        {
            let row = t.rows[0].clone();
            t.rows = vec![row; 14];
            *family_size = 14;
        }
    }
    for (c, _) in samples()
        .into_iter()
        .chain(long_table)
        .chain(samples().into_iter().map(|(c, e)| (longest(c), e)))
    {
        for langs in every_lang(&c) {
            let paper = laid_out(&c, langs);
            let last = paper.pages.last().unwrap();
            let top = closing_top(last, &labels).expect("a closing block on the last page");
            let body_above = last.iter().any(|d| match d {
                layout::Draw::Text { y, .. } => *y < top - 0.5,
                _ => false,
            });
            let texts: Vec<String> = last
                .iter()
                .filter_map(|d| match d {
                    layout::Draw::Text { y, text, .. } => Some(format!("{y:.1} {text}")),
                    _ => None,
                })
                .collect();
            assert!(
                body_above,
                "{:?} {langs:?}: the closing block stands alone on page {} (top {top:.1}):\n{}",
                c.kind,
                paper.pages.len(),
                texts.join("\n")
            );
        }
    }
    // The ordinary samples (all but the long journal) fit one page in every language.
    for (c, _) in samples() {
        if c.kind == DocumentKind::JournalPage {
            continue;
        }
        for langs in every_lang(&c) {
            assert_eq!(
                laid_out(&c, langs).pages.len(),
                1,
                "{:?} {langs:?} takes more than one page",
                c.kind
            );
        }
    }
}

#[test]
fn metadata_tells_the_truth() {
    let (c, _) = samples().remove(2);
    for (langs, title_word, not) in [
        (Langs::Kk, "ескерту", Some("Уведомление")),
        (Langs::Ru, "Уведомление", Some("ескерту")),
        (Langs::Both, "ескерту", None),
    ] {
        let pdf = render(&c, langs, &Stamp::unsigned(&c)).unwrap();
        let doc = extract::load(&pdf).unwrap();
        assert_eq!(extract::info_entry(&doc, b"GTS_PDFXVersion"), None);
        let title = extract::info_entry(&doc, b"Title").unwrap();
        assert!(title.contains(title_word), "{langs:?}: {title}");
        assert!(title.contains(&c.number), "{title}");
        if let Some(n) = not {
            assert!(!title.contains(n), "{langs:?}: {title}");
        }
        let author = extract::info_entry(&doc, b"Author").unwrap();
        let office_kk = c.issuer.name.get(Lang::Kk);
        let office_ru = c.issuer.name.get(Lang::Ru);
        match langs {
            Langs::Kk => assert_eq!(author, office_kk),
            Langs::Ru => assert_eq!(author, office_ru),
            Langs::Both => assert_eq!(author, format!("{office_kk} / {office_ru}")),
        }
        let text = text_of(&pdf);
        assert!(!text.contains("Электронный акимат"), "{text}");
        assert!(!text.contains("Электрондық әкімдік"), "{text}");
    }
}

/// Writes every sample to `$MIO_DUMP_DIR` for looking at (`pdftoppm`); run by hand.
#[test]
#[ignore]
fn dump_samples() {
    let dir = std::env::var("MIO_DUMP_DIR").unwrap_or_else(|_| "/tmp/mio-docs".into());
    std::fs::create_dir_all(&dir).unwrap();
    for (c, _) in samples() {
        for (langs, tag) in [(Langs::Kk, "kk"), (Langs::Ru, "ru"), (Langs::Both, "both")] {
            let pdf = render(&c, langs, &stamp_of(&c)).unwrap();
            std::fs::write(format!("{dir}/{}-{tag}.pdf", c.kind.code()), pdf).unwrap();
            let long = longest(c.clone());
            let pdf = render(&long, langs, &stamp_of(&long)).unwrap();
            std::fs::write(format!("{dir}/{}-{tag}-long.pdf", c.kind.code()), pdf).unwrap();
        }
    }
}
