//! Every template rendered in both languages, read back with lopdf: the Kazakh letters, the
//! Russian text and the field values are there; fonts are embedded subsets; the QR code
//! decodes from its drawn modules; the bytes are deterministic.

use chrono::NaiveDate;

use super::*;
use crate::domain::catalog::DocumentKind;
use crate::domain::document::*;
use crate::domain::model::{Channel, Status, Text};

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
                presented_to: "по месту требования".into(),
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
                reason: "Среднедушевой доход семьи превышает черту бедности (справка о доходах)."
                    .into(),
                appeal: true,
                commission_conclusion: None,
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
                reason: "Заявитель трудоустроен с 01.11.2026 (сведения ГЦВП).".into(),
                appeal: false,
                commission_conclusion: Some("Комиссия: не подтверждено обучение на дому.".into()),
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
            },
        ),
        vec!["Қарасу ауылдық округі", "СОПРОВОДИТЕЛЬНОЕ"],
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
            "равнозначен документу на бумажном носителе",
            "қағаз тасығыштағы құжатқа тең",
        ]) {
            assert!(
                text.contains(want),
                "{:?}: {want:?} missing in\n{text}",
                content.kind
            );
        }
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
fn single_language_where_the_form_allows_it() {
    let (c, _) = samples().remove(3); // АСП refusal
    let ru = text_of(&render(&c, Langs::Ru, &Stamp::unsigned(&c)).unwrap());
    assert!(ru.contains("Уникальный номер"));
    assert!(!ru.contains("Бірегей нөмір"), "{ru}");
    let kk = text_of(&render(&c, Langs::Kk, &Stamp::unsigned(&c)).unwrap());
    assert!(kk.contains("Бірегей нөмір"));
    assert!(!kk.contains("Уникальный номер"));
    // The certificate of registration as unemployed is bilingual only.
    let (cert, _) = samples().remove(1);
    assert_eq!(
        render(&cert, Langs::Ru, &Stamp::unsigned(&cert)),
        Err(RenderError::BilingualOnly)
    );
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
        *presented_to = "очень длинное место предъявления справки ".repeat(60);
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
    assert!(
        pages
            .last()
            .unwrap()
            .contains(&format!("{} / {}", pages.len(), pages.len()))
    );
}

/// Writes every sample to `$MIO_DUMP_DIR` for looking at (`pdftoppm`); run by hand.
#[test]
#[ignore]
fn dump_samples() {
    let dir = std::env::var("MIO_DUMP_DIR").unwrap_or_else(|_| "/tmp/mio-docs".into());
    std::fs::create_dir_all(&dir).unwrap();
    for (c, _) in samples() {
        let pdf = render(&c, Langs::Both, &Stamp::unsigned(&c)).unwrap();
        std::fs::write(format!("{dir}/{}.pdf", c.kind.code()), pdf).unwrap();
    }
}
