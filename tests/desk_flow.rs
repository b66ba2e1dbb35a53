//! The use cases end to end, each test body run on both backends (a real SQLite database in a
//! temp dir, and a database of its own on the PostgreSQL test server): the whole path, refusals,
//! every forbidden action, the ЭЦП checks, accounts, permissions, hostile scans, and that a
//! refused action writes nothing.

mod common;

use chrono::Duration;
use common::*;
use mio_desk::desk::DeskError;
use mio_desk::desk::flow::Target;
use mio_desk::desk::intake::NewFile;
use mio_desk::desk::settings::{ExecutorVisibility, SettingChange};
use mio_desk::documents::{Langs, Stamp, extract, render};
use mio_desk::domain::decision::{DecisionInput, Outcome};
use mio_desk::domain::model::{Channel, Lang, Status};
use mio_desk::store::queue::{Query, Search, Sort, Tab};
use serde_json::json;

fn audit_count(o: &Office) -> i64 {
    o.desk.verify_audit().unwrap().entries
}

fn the_whole_path_from_intake_to_issue() {
    let o = office();
    let r = o
        .desk
        .register(
            Some(&o.registrar),
            registration(
                &o,
                "unemployed_certificate",
                Channel::Office,
                "850315300128",
                unemployed_intake(),
            ),
        )
        .unwrap();
    assert!(r.number.starts_with("0412-02-2026-"), "{}", r.number);
    // Accepted Monday 16 Nov 2026: three working days without the acceptance and issue days.
    assert_eq!(r.due.date.to_string(), "2026-11-20");
    let t = Target::id(r.id);
    o.desk
        .assign(&o.head, t, o.executor.user_id, "Қарап шығыңыз")
        .unwrap();
    o.desk
        .submit_draft(&o.executor, t, &unemployed_decision())
        .unwrap();
    let signed = o.desk.sign(&o.head, t, &o.key, PIN).unwrap();
    assert!(
        signed.outgoing_number.contains("-R"),
        "{}",
        signed.outgoing_number
    );
    o.desk.issue(&o.registrar, t, "850315300128").unwrap();
    o.desk.record_questionnaire(&o.registrar, t, 3, 2).unwrap();
    let v = o.desk.application(&o.registrar, &r.number).unwrap();
    assert_eq!(v.app.status, Status::Issued);
    let actions: Vec<&str> = v.history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "register",
            "assign",
            "submit_draft",
            "sign",
            "issue",
            "questionnaire"
        ]
    );
    assert_eq!(v.questionnaire, Some((3, 2)));
    // The signed paper verifies; the register knows it.
    let paper = o.desk.signed_paper(signed.document_id).unwrap().unwrap();
    let verdict = o.desk.verify_pdf(&paper).unwrap();
    assert!(verdict.is_valid(), "{verdict:?}");
    assert!(
        verdict
            .line(Lang::Ru)
            .starts_with(&format!("VALID {}", signed.outgoing_number))
    );
    assert!(o.desk.verify_audit().unwrap().problem.is_none());
    assert!(o.desk.integrity_check().unwrap().is_empty());
}

fn a_refusal_needs_a_ground_and_prints_a_motivated_refusal() {
    let o = office();
    let r = o
        .desk
        .register(
            Some(&o.registrar),
            registration(
                &o,
                "unemployed_certificate",
                Channel::Office,
                "850315300128",
                unemployed_intake(),
            ),
        )
        .unwrap();
    let t = Target::id(r.id);
    o.desk.assign(&o.head, t, o.executor.user_id, "").unwrap();
    let no_ground = DecisionInput {
        outcome: Outcome::Refuse,
        reason: String::new(),
        reason_ru: String::new(),
        ground: None,
        values: Default::default(),
        paper_lang: None,
    };
    let e = o.desk.submit_draft(&o.executor, t, &no_ground).unwrap_err();
    assert_eq!(e.field().as_deref(), Some("ground"));
    assert!(
        e.message(Lang::Kk).contains("міндетті"),
        "{}",
        e.message(Lang::Kk)
    );
    // A comment in one language on a paper in both is refused, naming the missing box.
    let one_language = DecisionInput {
        ground: Some("employed".into()),
        reason: "Заявитель трудоустроен с 01.11.2026 (сведения ГЦВП)".into(),
        ..no_ground.clone()
    };
    let e = o
        .desk
        .submit_draft(&o.executor, t, &one_language)
        .unwrap_err();
    assert_eq!(e.field().as_deref(), Some("reason_ru"));
    let refuse = DecisionInput {
        reason: "Өтініш беруші 01.11.2026 бастап жұмысқа орналасқан (МЗТО деректері)".into(),
        reason_ru: "Заявитель трудоустроен с 01.11.2026 (сведения ГЦВП)".into(),
        ..one_language
    };
    o.desk.submit_draft(&o.executor, t, &refuse).unwrap();
    let s = o.desk.sign(&o.head, t, &o.key, PIN).unwrap();
    let pdf = o.desk.signed_paper(s.document_id).unwrap().unwrap();
    let doc = extract::load(&pdf).unwrap();
    let text = extract::page_texts(&doc)
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("трудоустроен"), "{text}");
    assert!(text.contains("жұмысқа орналасқан"), "{text}");
    // The ground from the catalogue, in both languages, and the seed's sentence.
    assert!(text.contains("Трудоустройство заявителя"), "{text}");
    assert!(text.contains("бас тартылғандығын жеткіземіз"), "{text}");
    assert!(
        text.contains("ДӘЛЕЛДІ БАС ТАРТУ") || text.contains("МОТИВИРОВАННЫЙ ОТКАЗ"),
        "{text}"
    );
}

fn returned_drafts_go_back_to_the_executor() {
    let o = office();
    let id = to_signature(&o, "850315300128");
    let t = Target::id(id);
    o.desk
        .return_draft(&o.head, t, "Уточните дату регистрации")
        .unwrap();
    let v = o.desk.application(&o.executor, &id.to_string()).unwrap();
    assert_eq!(v.app.status, Status::InWork);
    assert_eq!(
        v.app.return_comment.as_deref(),
        Some("Уточните дату регистрации")
    );
    o.desk
        .submit_draft(&o.executor, t, &unemployed_decision())
        .unwrap();
    o.desk.sign(&o.head, t, &o.key, PIN).unwrap();
}

fn forbidden_actions_fail_clearly_and_change_nothing() {
    let o = office();
    let id = to_signature(&o, "850315300128");
    let t = Target::id(id);
    let before = audit_count(&o);
    // A registrar cannot sign, an executor cannot assign, a head cannot register.
    assert!(matches!(
        o.desk.sign(&o.registrar, t, &o.key, PIN),
        Err(DeskError::Forbidden { .. })
    ));
    assert!(matches!(
        o.desk.assign(&o.executor, t, o.executor.user_id, ""),
        Err(DeskError::Lifecycle(_))
    ));
    let e = o
        .desk
        .register(
            Some(&o.head),
            registration(
                &o,
                "unemployed_certificate",
                Channel::Office,
                "791028302728",
                unemployed_intake(),
            ),
        )
        .unwrap_err();
    assert!(matches!(e, DeskError::Forbidden { .. }), "{e:?}");
    let msg = e.message(Lang::Ru);
    assert!(msg.contains("Нет права"), "{msg}");
    // Issue before signing, withdraw after... : a state error.
    assert!(matches!(
        o.desk.issue(&o.registrar, t, "850315300128"),
        Err(DeskError::Lifecycle(_))
    ));
    // The akim's clerk cannot register a walk-in at the department.
    assert!(
        o.desk
            .register(
                Some(&o.akim),
                registration(
                    &o,
                    "asp",
                    Channel::Office,
                    "791028302728",
                    Default::default()
                )
            )
            .is_err()
    );
    // Nothing was written by any of these.
    assert_eq!(audit_count(&o), before);
    let v = o.desk.application(&o.head, &id.to_string()).unwrap();
    assert_eq!(v.app.status, Status::AwaitingSignature);
}

fn four_eyes_and_its_audited_relaxation() {
    let o = office();
    // A user who is both executor and head drafts and then tries to sign.
    o.desk
        .set_user_roles(
            &o.admin,
            &o.head.iin,
            &[
                mio_desk::domain::model::Role::Head,
                mio_desk::domain::model::Role::Executor,
            ],
        )
        .unwrap();
    let head = o.desk.login(&o.head.iin, "Secret2026").unwrap();
    let r = o
        .desk
        .register(
            Some(&o.registrar),
            registration(
                &o,
                "unemployed_certificate",
                Channel::Office,
                "850315300128",
                unemployed_intake(),
            ),
        )
        .unwrap();
    let t = Target::id(r.id);
    o.desk.assign(&head, t, head.user_id, "").unwrap();
    o.desk
        .submit_draft(&head, t, &unemployed_decision())
        .unwrap();
    let e = o.desk.sign(&head, t, &o.key, PIN).unwrap_err();
    assert_eq!(e.key(), "lifecycle-four-eyes");
    o.desk
        .change_setting(&o.admin, SettingChange::AllowSelfSign(true))
        .unwrap();
    o.desk.sign(&head, t, &o.key, PIN).unwrap();
    let v = o.desk.application(&head, &r.number).unwrap();
    let sign = v.history.iter().find(|h| h.action == "sign").unwrap();
    assert!(
        sign.details.contains("\"self_signed\":true"),
        "{}",
        sign.details
    );
}

fn signature_checks_each_have_their_message() {
    let o = office();
    let t = Target::id(to_signature(&o, "850315300128"));
    // Wrong PIN.
    let e = o.desk.sign(&o.head, t, &o.key, "000000").unwrap_err();
    assert_eq!(e.key(), "signature-wrong-pin");
    // Someone else's key: the ИИН in the certificate is not the head's.
    let other = o
        .desk
        .issue_certificate(&o.admin, &o.executor.iin, PIN, 365)
        .unwrap();
    let other_key = std::fs::read(other.key_file).unwrap();
    let e = o.desk.sign(&o.head, t, &other_key, PIN).unwrap_err();
    assert_eq!(e.key(), "signature-iin-mismatch");
    assert!(
        e.message(Lang::Ru)
            .contains("подлинность ЭЦП не подтверждена")
    );
    // A revoked certificate.
    let certs = o.desk.certificates(&o.admin).unwrap();
    let head_cert = certs
        .iter()
        .find(|c| c.iin == o.head.iin)
        .unwrap()
        .serial
        .clone();
    o.desk
        .revoke_certificate(&o.admin, &head_cert, "key lost")
        .unwrap();
    let e = o.desk.sign(&o.head, t, &o.key, PIN).unwrap_err();
    assert_eq!(e.key(), "signature-revoked");
    // A fresh certificate works; then time passes past the CRL's next update: stale.
    let fresh = std::fs::read(
        o.desk
            .issue_certificate(&o.admin, &o.head.iin, PIN, 30)
            .unwrap()
            .key_file,
    )
    .unwrap();
    o.clock.advance(Duration::days(8));
    let e = o.desk.sign(&o.head, t, &fresh, PIN).unwrap_err();
    assert_eq!(e.key(), "signature-crl-stale");
    // A new list, but the 30-day certificate expires later.
    o.desk.publish_crl(Some(&o.admin)).unwrap();
    o.clock.advance(Duration::days(25));
    o.desk.publish_crl(Some(&o.admin)).unwrap();
    let e = o.desk.sign(&o.head, t, &fresh, PIN).unwrap_err();
    assert_eq!(e.key(), "signature-expired");
    // Nothing was signed by any attempt.
    let v = o.desk.application(&o.head, &t.id.to_string()).unwrap();
    assert_eq!(v.app.status, Status::AwaitingSignature);
    assert!(v.app.outgoing_number.is_none());
}

fn a_foreign_authority_is_not_trusted() {
    let o = office();
    let other = office();
    let t = Target::id(to_signature(&o, "850315300128"));
    // The head of another office (same ИИН by construction of the fixture) brings their key.
    let e = o.desk.sign(&o.head, t, &other.key, PIN).unwrap_err();
    assert_eq!(e.key(), "signature-untrusted");
    // A paper signed by the other office does not verify here.
    let paper = signed_paper(&other, "850315300128");
    assert!(other.desk.verify_pdf(&paper).unwrap().is_valid());
    let v = o.desk.verify_pdf(&paper).unwrap();
    assert!(!v.is_valid());
    assert!(
        v.line(Lang::Ru).contains("не доверенным"),
        "{}",
        v.line(Lang::Ru)
    );
}

fn tampered_papers_are_caught() {
    let o = office();
    let paper = signed_paper(&o, "850315300128");
    assert!(o.desk.verify_pdf(&paper).unwrap().is_valid());
    // One changed byte anywhere: never VALID.
    let step = paper.len() / 37;
    for pos in (100..paper.len() - 10).step_by(step) {
        let mut bad = paper.clone();
        bad[pos] ^= 0x01;
        let v = o.desk.verify_pdf(&bad).unwrap();
        assert!(!v.is_valid(), "byte {pos} changed but still {v:?}");
    }
    // A QR swapped in from another paper.
    let other = signed_paper(&o, "791028302728");
    let swapped = swap_info(&paper, &other);
    let v = o.desk.verify_pdf(&swapped).unwrap();
    assert!(!v.is_valid(), "{v:?}");
    // A revoked signer: papers become invalid.
    let serial = o.desk.certificates(&o.admin).unwrap()[0].serial.clone();
    o.desk
        .revoke_certificate(&o.admin, &serial, "compromised")
        .unwrap();
    let v = o.desk.verify_pdf(&paper).unwrap();
    assert!(
        v.line(Lang::Ru).contains("отозвано"),
        "{}",
        v.line(Lang::Ru)
    );
}

/// A result signed by the office's head for a new applicant with this ИИН: its paper.
fn signed_paper(o: &Office, iin: &str) -> Vec<u8> {
    let t = Target::id(to_signature(o, iin));
    let s = o.desk.sign(&o.head, t, &o.key, PIN).unwrap();
    o.desk.signed_paper(s.document_id).unwrap().unwrap()
}

/// The verification record embedded in a paper (its Identifier), as written.
fn record_text(paper: &[u8]) -> String {
    let doc = extract::load(paper).unwrap();
    extract::info_entry(&doc, b"Identifier").unwrap()
}

/// The printed signing time is inside the signed bytes: the paper re-rendered with another
/// time, with the original signature put back, is not valid (the signed part changed). With
/// the time unchanged the same path gives back the very same paper.
fn a_paper_with_another_signing_time_printed_is_not_valid() {
    let o = office();
    let id = to_signature(&o, "850315300128");
    let s = o.desk.sign(&o.head, Target::id(id), &o.key, PIN).unwrap();
    let paper = o.desk.signed_paper(s.document_id).unwrap().unwrap();
    let loc = mio_desk::signing::pades::locate(&paper).unwrap();
    let doc = extract::load(&paper).unwrap();
    let qr = extract::qr_text(&doc).unwrap();
    let record = extract::info_entry(&doc, b"Identifier").unwrap();
    let content: mio_desk::domain::document::Content = o
        .desk
        .store()
        .read(|r| mio_desk::store::apps::documents_of(r, id))
        .unwrap()
        .into_iter()
        .find(|d| d.number == s.outgoing_number)
        .map(|d| serde_json::from_str(&d.content).unwrap())
        .unwrap();
    let serial = o.desk.certificates(&o.admin).unwrap()[0].serial.clone();
    let room = (loc.range[2] - loc.range[1] - 2) / 2;
    let forge = |shift: Duration| {
        let stamp = Stamp::pades(
            qr.clone(),
            mio_desk::documents::SealLine {
                signer: "Өтегенова Сәуле".into(),
                signed_at: o.desk.local(o.desk.now()) + shift,
                cert_serial: serial.clone(),
            },
            record.clone(),
        );
        let base = render(&content, Langs::Both, &stamp).unwrap();
        mio_desk::signing::pades::prepare(
            &base,
            "Өтегенова Сәуле",
            "Басшының қолы / Подпись руководителя",
            o.desk.now().timestamp(),
            room,
        )
        .unwrap()
        .fill(&loc.cms)
        .unwrap()
    };
    assert_eq!(forge(Duration::zero()), paper);
    for shift in [Duration::minutes(-90), Duration::seconds(60)] {
        let forged = forge(shift);
        let v = o.desk.verify_pdf(&forged).unwrap();
        assert!(!v.is_valid(), "printed time moved by {shift} but {v:?}");
        assert!(
            v.line(Lang::Ru)
                .contains("подписанная часть документа изменена"),
            "{}",
            v.line(Lang::Ru)
        );
        assert!(
            v.line(Lang::Kk).contains("қол қойылған бөлігі"),
            "{}",
            v.line(Lang::Kk)
        );
    }
}

/// Every byte of the verification record flipped in turn: none is VALID. The sampled flips
/// above once hit the printed signing time (not itself signed) and this found the
/// certificate's outer algorithm (not covered by the issuer's signature).
fn no_byte_of_the_record_can_change() {
    let o = office();
    let paper = signed_paper(&o, "850315300128");
    let text = record_text(&paper);
    let at = paper
        .windows(text.len())
        .position(|w| w == text.as_bytes())
        .unwrap();
    for pos in at..at + text.len() {
        let mut bad = paper.clone();
        bad[pos] ^= 0x01;
        let v = o.desk.verify_pdf(&bad).unwrap();
        assert!(!v.is_valid(), "byte {pos} changed but still {v:?}");
    }
}

/// The first paper with the verification record (Identifier) of the second spliced in.
fn swap_info(a: &[u8], b: &[u8]) -> Vec<u8> {
    let (ra, rb) = (record_text(a), record_text(b));
    let i = a
        .windows(ra.len())
        .position(|w| w == ra.as_bytes())
        .unwrap();
    let mut out = a[..i].to_vec();
    out.extend_from_slice(rb.as_bytes());
    out.extend_from_slice(&a[i + ra.len()..]);
    out
}

fn pasted_qr_text_verifies_against_the_register() {
    let o = office();
    let paper = signed_paper(&o, "850315300128");
    let doc = extract::load(&paper).unwrap();
    let qr = extract::qr_text(&doc).unwrap();
    assert!(!qr.contains("850315300128"), "full IIN in the QR: {qr}");
    let v = o.desk.verify_payload(&qr).unwrap();
    assert!(v.is_valid(), "{v:?}");
    let forged = qr.replacen("R0000", "R0009", 1);
    assert!(!o.desk.verify_payload(&forged).unwrap().is_valid());
    assert!(!o.desk.verify_payload("hello").unwrap().is_valid());
}

fn one_person_per_iin_and_no_second_open_application() {
    let o = office();
    o.desk
        .register(
            Some(&o.registrar),
            registration(
                &o,
                "unemployed_certificate",
                Channel::Office,
                "850315300128",
                unemployed_intake(),
            ),
        )
        .unwrap();
    let before = audit_count(&o);
    let e = o
        .desk
        .register(
            Some(&o.registrar),
            registration(
                &o,
                "unemployed_certificate",
                Channel::Office,
                "850315300128",
                unemployed_intake(),
            ),
        )
        .unwrap_err();
    assert_eq!(e.key(), "duplicate-open");
    assert_eq!(audit_count(&o), before);
    // Another service for the same person reuses the person.
    o.desk
        .register(
            Some(&o.registrar),
            registration(
                &o,
                "asp_membership_certificate",
                Channel::Office,
                "850315300128",
                Default::default(),
            ),
        )
        .unwrap();
    let p = o
        .desk
        .find_person(&o.registrar, "850315300128")
        .unwrap()
        .unwrap();
    let apps = o.desk.applications_of_person(&o.registrar, p.id).unwrap();
    assert_eq!(apps.len(), 2);
}

fn bad_input_is_refused_with_the_field_named() {
    let o = office();
    let mut r = registration(
        &o,
        "unemployed_certificate",
        Channel::Office,
        "850315300127",
        unemployed_intake(),
    );
    let e = o.desk.register(Some(&o.registrar), r.clone()).unwrap_err();
    assert_eq!(e.field().as_deref(), Some("iin"));
    r.person.iin = Some("850315300128".into());
    r.service = "lottery".into();
    assert_eq!(
        o.desk
            .register(Some(&o.registrar), r.clone())
            .unwrap_err()
            .key(),
        "unknown-service"
    );
    r.service = "special_social_services_home".into();
    r.channel = Channel::Portal;
    assert_eq!(
        o.desk
            .register(Some(&o.registrar), r.clone())
            .unwrap_err()
            .key(),
        "channel-not-offered"
    );
    // Missing mandatory scans need a recorded reason.
    let mut r = registration(
        &o,
        "asp",
        Channel::Office,
        "850315300128",
        Default::default(),
    );
    r.files.clear();
    let e = o.desk.register(Some(&o.registrar), r.clone()).unwrap_err();
    // Every problem at once: the missing scans and the service's required fields together.
    let DeskError::Many(list) = &e else {
        panic!("{e:?}")
    };
    assert!(
        list.iter()
            .any(|x| matches!(x, DeskError::MissingDocuments { .. })),
        "{e:?}"
    );
    assert!(
        list.iter().any(|x| matches!(x, DeskError::Fields(_))),
        "{e:?}"
    );
    assert_eq!(e.field().as_deref(), Some("family_members"));
    // Intake fields of the service are checked (the АСП family table is required).
    let r = registration(
        &o,
        "asp",
        Channel::Office,
        "850315300128",
        Default::default(),
    );
    let e = o.desk.register(Some(&o.registrar), r).unwrap_err();
    assert!(matches!(e, DeskError::Fields(_)), "{e:?}");
    assert_eq!(audit_count(&o), o.desk.verify_audit().unwrap().entries);
}

fn hostile_scans_are_refused() {
    let o = office();
    let mut r = registration(
        &o,
        "unemployed_certificate",
        Channel::Office,
        "850315300128",
        unemployed_intake(),
    );
    r.files.push(NewFile {
        checklist_item: Some("identity_document".into()),
        file_name: "passport.pdf".into(),
        bytes: b"MZ\x90\0 an executable renamed".to_vec(),
    });
    assert_eq!(
        o.desk
            .register(Some(&o.registrar), r.clone())
            .unwrap_err()
            .key(),
        "attachment-unsupported"
    );
    r.files.pop();
    r.files.push(NewFile {
        checklist_item: None,
        file_name: "scan.png".into(),
        bytes: png()[..40].to_vec(),
    });
    assert_eq!(
        o.desk
            .register(Some(&o.registrar), r.clone())
            .unwrap_err()
            .key(),
        "attachment-malformed"
    );
    r.files.pop();
    o.desk
        .change_setting(&o.admin, SettingChange::MaxFileMib(1))
        .unwrap();
    let mut big = mio_desk::bench::demo::sample_pdf("big");
    big.splice(20..20, vec![b' '; 1_200_000]);
    r.files.push(NewFile {
        checklist_item: None,
        file_name: "../../etc/big.pdf".into(),
        bytes: big,
    });
    let e = o.desk.register(Some(&o.registrar), r.clone()).unwrap_err();
    assert_eq!(e.key(), "attachment-too-large");
    assert!(e.message(Lang::Kk).contains("МБ"));
    // A path-traversal name is cleaned, not followed.
    r.files.pop();
    r.files.push(NewFile {
        checklist_item: None,
        file_name: "..\\..\\windows\\паспорт.exe".into(),
        bytes: png(),
    });
    let reg = o.desk.register(Some(&o.registrar), r).unwrap();
    let v = o.desk.application(&o.registrar, &reg.number).unwrap();
    assert!(
        v.attachments.iter().any(|a| a.file_name == "паспорт.png"),
        "{:?}",
        v.attachments
    );
    for a in &v.attachments {
        let bytes = o.desk.attachment_bytes(&o.registrar, a).unwrap();
        assert_eq!(mio_desk::store::files::sha256_hex(&bytes), a.sha256);
    }
}

fn lockout_after_five_failures_for_fifteen_minutes() {
    let o = office();
    for _ in 0..4 {
        assert_eq!(
            o.desk.login(&o.registrar.iin, "wrong-1").unwrap_err().key(),
            "bad-credentials"
        );
    }
    assert_eq!(
        o.desk.login(&o.registrar.iin, "wrong-1").unwrap_err().key(),
        "locked"
    );
    // Even the right password is refused while locked.
    assert_eq!(
        o.desk
            .login(&o.registrar.iin, "Secret2026")
            .unwrap_err()
            .key(),
        "locked"
    );
    o.clock.advance(Duration::minutes(16));
    o.desk.login(&o.registrar.iin, "Secret2026").unwrap();
    let v = o.desk.verify_audit().unwrap();
    assert!(v.problem.is_none());
    // Disabled accounts cannot log in; the admin can re-enable them.
    o.desk
        .set_user_disabled(&o.admin, &o.registrar.iin, true)
        .unwrap();
    assert_eq!(
        o.desk
            .login(&o.registrar.iin, "Secret2026")
            .unwrap_err()
            .key(),
        "disabled"
    );
    o.desk
        .set_user_disabled(&o.admin, &o.registrar.iin, false)
        .unwrap();
    // Password change and admin reset.
    let s = o.desk.login(&o.registrar.iin, "Secret2026").unwrap();
    assert_eq!(
        o.desk
            .change_password(&s, "Secret2026", "short")
            .unwrap_err()
            .key(),
        "weak-password"
    );
    o.desk
        .change_password(&s, "Secret2026", "Жаңа2027пароль")
        .unwrap();
    o.desk.login(&o.registrar.iin, "Жаңа2027пароль").unwrap();
    o.desk
        .reset_password(&o.admin, &o.registrar.iin, "Temp12345")
        .unwrap();
    let s = o.desk.login(&o.registrar.iin, "Temp12345").unwrap();
    assert!(s.must_change_password);
    assert!(
        o.desk
            .reset_password(&o.registrar, &o.admin.iin, "Temp12345")
            .is_err()
    );
}

fn each_role_sees_what_the_policy_lets_it_see() {
    let o = office();
    let a = to_signature(&o, "850315300128");
    let r = o
        .desk
        .register(
            Some(&o.akim),
            registration(
                &o,
                "asp_membership_certificate",
                Channel::Akim,
                "791028302728",
                Default::default(),
            ),
        )
        .unwrap();
    let q = Query {
        tab: Some(Tab::All),
        ..Default::default()
    };
    let count = |s: &mio_desk::desk::Session| o.desk.queue(s, q.clone()).map(|p| p.rows.len());
    assert_eq!(count(&o.registrar).unwrap(), 2);
    assert_eq!(count(&o.head).unwrap(), 2);
    // Executors see their own by default.
    assert_eq!(count(&o.executor).unwrap(), 1);
    assert_eq!(count(&o.executor2).unwrap(), 0);
    assert!(o.desk.application(&o.executor2, &a.to_string()).is_err());
    o.desk
        .change_setting(
            &o.admin,
            SettingChange::ExecutorVisibility(ExecutorVisibility::All),
        )
        .unwrap();
    assert_eq!(count(&o.executor2).unwrap(), 2);
    // The akim's clerk sees the akim channel only; the admin sees no citizen data.
    assert_eq!(count(&o.akim).unwrap(), 1);
    assert!(o.desk.application(&o.akim, &a.to_string()).is_err());
    assert!(o.desk.application(&o.akim, &r.number).is_ok());
    assert!(matches!(count(&o.admin), Err(DeskError::Forbidden { .. })));
    assert!(o.desk.find_person(&o.admin, "850315300128").is_err());
}

/// Three applicants register one after another, the clock moving `first + i` hours before
/// the i-th.
fn register_three(o: &common::Office, first: i64) {
    for (i, iin) in ["850315300128", "791028302728", "061211600012"]
        .iter()
        .enumerate()
    {
        o.clock.advance(Duration::hours(first + i as i64));
        o.desk
            .register(
                Some(&o.registrar),
                registration(
                    o,
                    "unemployed_certificate",
                    Channel::Office,
                    iin,
                    unemployed_intake(),
                ),
            )
            .unwrap();
    }
}

fn queues_search_and_count() {
    let o = office();
    register_three(&o, 0);
    let by_iin = o
        .desk
        .queue(
            &o.registrar,
            Query {
                search: Search::classify("791028302728"),
                tab: Some(Tab::All),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(by_iin.rows.len(), 1);
    let by_name = o
        .desk
        .queue(
            &o.registrar,
            Query {
                search: Search::classify("ӘБІЛҚАСЫМ"),
                tab: Some(Tab::All),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(by_name.rows.len(), 3, "case-insensitive Cyrillic prefix");
    let number = by_iin.rows[0].number.clone();
    let by_number = o
        .desk
        .queue(
            &o.registrar,
            Query {
                search: Search::classify(&number),
                tab: Some(Tab::All),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(by_number.rows[0].number, number);
    // Pages of one row walk through all three by due date.
    let mut seen = Vec::new();
    let mut q = Query {
        tab: Some(Tab::Registered),
        limit: 1,
        ..Default::default()
    };
    loop {
        let p = o.desk.queue(&o.registrar, q.clone()).unwrap();
        seen.extend(p.rows.iter().map(|r| r.id));
        match p.next {
            Some(c) => q.after = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 3);
    let counts = o.desk.queue_counts(&o.registrar, Query::default()).unwrap();
    assert!(counts.contains(&(Tab::Registered, 3)));
    // Overdue: after the due date passes.
    o.clock.advance(Duration::days(10));
    let counts = o.desk.queue_counts(&o.registrar, Query::default()).unwrap();
    assert!(counts.contains(&(Tab::Overdue, 3)), "{counts:?}");
}

fn gateway_channels_write_outbox_notices_in_the_same_transaction() {
    let o = office();
    let mut reg = registration(
        &o,
        "unemployed_certificate",
        Channel::Con,
        "850315300128",
        unemployed_intake(),
    );
    reg.external = Some(mio_desk::desk::intake::External {
        message_id: "01890a5d-ac96-774b-bcce-b302099a8057".into(),
        origin: "con-0412".into(),
    });
    let r = o.desk.register(None, reg).unwrap();
    let t = Target::id(r.id);
    o.desk.assign(&o.head, t, o.executor.user_id, "").unwrap();
    o.desk
        .submit_draft(&o.executor, t, &unemployed_decision())
        .unwrap();
    o.desk.sign(&o.head, t, &o.key, PIN).unwrap();
    let msgs = o
        .desk
        .store()
        .read(|r| mio_desk::store::outbox::recent(r, 10))
        .unwrap();
    let statuses: Vec<String> = msgs
        .iter()
        .rev()
        .map(|m| {
            serde_json::from_str::<serde_json::Value>(&m.payload).unwrap()["status"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(statuses, ["received", "in_work", "completed"]);
    for m in &msgs {
        let p: serde_json::Value = serde_json::from_str(&m.payload).unwrap();
        assert_eq!(
            p["correlationId"],
            json!("01890a5d-ac96-774b-bcce-b302099a8057")
        );
    }
    // The same external message twice is refused, not doubled.
    let mut again = registration(
        &o,
        "asp_membership_certificate",
        Channel::Con,
        "791028302728",
        Default::default(),
    );
    again.external = Some(mio_desk::desk::intake::External {
        message_id: "01890a5d-ac96-774b-bcce-b302099a8057".into(),
        origin: "con-0412".into(),
    });
    assert!(o.desk.register(None, again).is_err());
}

fn extension_adds_the_allowed_term_once_with_a_notice() {
    let o = office();
    // АСП (egov 2019 edition) allows +30 calendar days.
    let intake = json!({
        "family_members": [{"full_name": "Әбілқасымова Гүлшат", "relationship": "applicant", "birth_year": 1985}],
        "income": [{"full_name": "Әбілқасымова Гүлшат", "year": 2026, "quarter": 3, "wages": "85 000"}],
        "occupation": "жұмыссыз"
    });
    let r = o
        .desk
        .register(
            Some(&o.registrar),
            registration(
                &o,
                "asp",
                Channel::Office,
                "850315300128",
                intake.as_object().unwrap().clone(),
            ),
        )
        .unwrap();
    let t = Target::id(r.id);
    o.desk.assign(&o.head, t, o.executor.user_id, "").unwrap();
    let due = o
        .desk
        .extend(&o.head, t, "Запрос сведений в ГБД ФЛ")
        .unwrap();
    assert!(due.date > r.due.date);
    assert_eq!(
        o.desk
            .extend(&o.head, t, "ещё раз продлить")
            .unwrap_err()
            .key(),
        "lifecycle-already-extended"
    );
    let pdf = o
        .desk
        .document_pdf(
            &o.head,
            &r.number,
            Some("extension_notice"),
            mio_desk::documents::Langs::Both,
        )
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // The reason was written in Russian: the notice is printed in Russian only.
    let text = extract::page_texts(&extract::load(&pdf).unwrap())
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Запрос сведений в ГБД ФЛ"), "{text}");
    assert!(text.contains("продлен"), "{text}");
    assert!(!text.contains("Бірегей нөмір"), "{text}");
    // The unemployed certificate's regulation has no extension.
    let id = to_signature(&o, "791028302728");
    o.desk
        .return_draft(&o.head, Target::id(id), "исправить")
        .unwrap();
    assert_eq!(
        o.desk
            .extend(&o.head, Target::id(id), "причина продления")
            .unwrap_err()
            .key(),
        "invalid"
    );
}

fn stale_views_are_refused() {
    let o = office();
    let id = to_signature(&o, "850315300128");
    let v = o.desk.application(&o.head, &id.to_string()).unwrap();
    o.desk
        .return_draft(&o.head, Target::id(id), "исправить")
        .unwrap();
    let e = o
        .desk
        .sign(
            &o.head,
            Target {
                id,
                version: Some(v.app.row_version),
            },
            &o.key,
            PIN,
        )
        .unwrap_err();
    assert!(
        matches!(e, DeskError::Conflict | DeskError::Lifecycle(_)),
        "{e:?}"
    );
}

#[test]
fn backup_and_restore_round_trip_and_refuse_damage() {
    let o = office();
    let t = Target::id(to_signature(&o, "850315300128"));
    o.desk.sign(&o.head, t, &o.key, PIN).unwrap();
    let file = o.dir.path().join("b.miobak");
    let mut calls = 0;
    let r = o
        .desk
        .backup(Some(&o.admin), &file, &mut |_, _| {
            calls += 1;
            true
        })
        .unwrap();
    assert!(r.files >= 4 && calls > 0);
    let target = mio_desk::desk::DataDir::new(o.dir.path().join("restored"));
    mio_desk::desk::backup::restore(&target, &file).unwrap();
    let d =
        mio_desk::desk::Desk::open(target.clone(), o.clock.clone(), Default::default()).unwrap();
    assert!(d.verify_audit().unwrap().problem.is_none());
    let pdf = d
        .document_pdf_as_operator(
            &d.queue_as_operator(Query {
                tab: Some(Tab::All),
                ..Default::default()
            })
            .unwrap()
            .rows[0]
                .number,
            None,
            mio_desk::documents::Langs::Both,
        )
        .unwrap();
    assert!(d.verify_pdf(&pdf).unwrap().is_valid());
    // A damaged archive is refused and the existing directory is left alone.
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    let damaged = o.dir.path().join("damaged.miobak");
    std::fs::write(&damaged, &bytes).unwrap();
    let before = std::fs::read(target.db()).unwrap();
    assert!(mio_desk::desk::backup::restore(&target, &damaged).is_err());
    assert_eq!(std::fs::read(target.db()).unwrap(), before);
    // A registrar may not make backups from the window.
    assert!(
        o.desk
            .backup(Some(&o.registrar), &file, &mut |_, _| true)
            .is_err()
    );
}

/// The tab counts kept by triggers agree with counting the table, through every kind of
/// status change (registration, assignment, draft, signature, issue, withdrawal).
fn kept_tab_counts_agree_with_the_table() {
    let o = office();
    let head = &o.head;
    let today = o.desk.today().to_string();
    let check = |what: &str| {
        let kept = o
            .desk
            .queue_counts(
                head,
                Query {
                    today: today.clone(),
                    ..Default::default()
                },
            )
            .unwrap();
        // Any filter takes the counting path; this one matches every application.
        let counted = o
            .desk
            .queue_counts(
                head,
                Query {
                    today: today.clone(),
                    accepted_from: Some("2000-01-01T00:00:00Z".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(kept, counted, "after {what}");
        kept
    };
    let a = to_signature(&o, "900101300017");
    let b = to_signature(&o, "920202400016");
    check("two drafts");
    o.desk.sign(head, Target::id(a), &o.key, PIN).unwrap();
    let counts = check("a signature");
    let of = |t: Tab| counts.iter().find(|(x, _)| *x == t).unwrap().1;
    assert_eq!(of(Tab::ToIssue), 1);
    assert_eq!(of(Tab::AwaitingSignature), 1);
    o.desk
        .issue(&o.registrar, Target::id(a), "900101300017")
        .unwrap();
    o.desk
        .withdraw(Some(&o.registrar), Target::id(b), "По заявлению заявителя")
        .unwrap();
    let counts = check("issue and withdrawal");
    let of = |t: Tab| counts.iter().find(|(x, _)| *x == t).unwrap().1;
    assert_eq!(of(Tab::Issued), 1);
    assert_eq!(of(Tab::Withdrawn), 1);
    assert_eq!(of(Tab::All), 2);
}

/// A search by name lists the matches in name order, page after page, none lost or repeated
/// (a short prefix can match thousands: the name index gives each page without sorting them).
fn name_search_pages_through_every_match_in_name_order() {
    use mio_desk::domain::iin::{Iin, Sex};
    let o = office();
    let names = [
        ("Қасымова", "Айгүл", Sex::Female),
        ("Қайратов", "Ерлан", Sex::Male),
        ("Қалиев", "Нұрлан", Sex::Male),
        ("Қаныш", "Сәуле", Sex::Female),
        ("Қарабаев", "Дәурен", Sex::Male),
        ("Омаров", "Арман", Sex::Male),
    ];
    for (k, (surname, given, sex)) in names.iter().enumerate() {
        let birth = chrono::NaiveDate::from_ymd_opt(1980 + k as i32, 3, 4).unwrap();
        let iin = (100..200u16)
            .find_map(|s| Iin::compose(birth, *sex, s))
            .unwrap()
            .as_string();
        let mut r = registration(
            &o,
            "unemployed_certificate",
            Channel::Office,
            &iin,
            unemployed_intake(),
        );
        r.person.surname = surname.to_string();
        r.person.given_name = given.to_string();
        r.person.patronymic = String::new();
        o.desk.register(Some(&o.registrar), r).unwrap();
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = o
            .desk
            .queue(
                &o.head,
                Query {
                    search: Search::classify("ҚА"),
                    limit: 2,
                    after: after.clone(),
                    today: o.desk.today().to_string(),
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(page.rows.len() <= 2);
        seen.extend(page.rows.iter().map(|r| r.applicant.clone()));
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    let mut want: Vec<String> = names[..5]
        .iter()
        .map(|(s, g, _)| format!("{s} {g}"))
        .collect();
    want.sort_by_key(|n| n.to_lowercase());
    assert_eq!(seen, want);
}

fn the_same_rules_check_a_decision_at_submit_and_at_sign() {
    let o = office();
    let (kk, ru) = (
        "Ақсу медициналық-әлеуметтік мекемесі",
        "Аксуское медико-социальное учреждение",
    );
    // Only the admin keeps the list of institutions.
    assert!(matches!(
        o.desk.add_institution(&o.registrar, kk, ru, ""),
        Err(DeskError::Forbidden { .. })
    ));
    let inst = o.desk.add_institution(&o.admin, kk, ru, "").unwrap();
    let r = o
        .desk
        .register(
            Some(&o.registrar),
            registration(
                &o,
                "special_social_services_institution",
                Channel::Office,
                "850315300128",
                Default::default(),
            ),
        )
        .unwrap();
    let t = Target::id(r.id);
    o.desk.assign(&o.head, t, o.executor.user_id, "").unwrap();
    let input = |from: &str, institution: serde_json::Value| DecisionInput {
        outcome: Outcome::Approve,
        reason: String::new(),
        reason_ru: String::new(),
        ground: None,
        values: json!({
            "service_term_from": from,
            "service_term_to": "2027-11-15",
            "institution": institution,
        })
        .as_object()
        .unwrap()
        .clone(),
        paper_lang: None,
    };
    // A term that starts before the application and a construction company: both refused,
    // each message naming its field in the user's language.
    let e = o
        .desk
        .submit_draft(
            &o.executor,
            t,
            &input("2026-11-01", json!("ТОО «Стройсервис»")),
        )
        .unwrap_err();
    let DeskError::Fields(errors) = &e else {
        panic!("{e:?}")
    };
    let paths: Vec<&str> = errors.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["service_term_from", "institution"]);
    let ru_message = e.message(Lang::Ru);
    assert!(
        ru_message.contains("раньше даты заявления (16.11.2026)"),
        "{ru_message}"
    );
    assert!(ru_message.contains("нет в списке"), "{ru_message}");
    let kk_message = e.message(Lang::Kk);
    assert!(kk_message.contains("тізімінде жоқ"), "{kk_message}");
    assert_eq!(
        o.desk.application(&o.head, &r.number).unwrap().app.status,
        Status::InWork
    );
    o.desk
        .submit_draft(
            &o.executor,
            t,
            &input("2026-11-16", json!({"kk": kk, "ru": ru})),
        )
        .unwrap();
    // The institution closes before the head signs: the same rule refuses the signature and
    // nothing is signed.
    o.desk
        .set_institution_active(&o.admin, inst, false)
        .unwrap();
    let e = o.desk.sign(&o.head, t, &o.key, PIN).unwrap_err();
    assert_eq!(e.field().as_deref(), Some("institution"));
    let app = o.desk.application(&o.head, &r.number).unwrap().app;
    assert_eq!(app.status, Status::AwaitingSignature);
    assert!(app.outgoing_number.is_none());
    o.desk.set_institution_active(&o.admin, inst, true).unwrap();
    let s = o.desk.sign(&o.head, t, &o.key, PIN).unwrap();
    let pdf = o.desk.signed_paper(s.document_id).unwrap().unwrap();
    let text = extract::page_texts(&extract::load(&pdf).unwrap())
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains(kk) && text.contains(ru), "{text}");
}

/// A signed unemployed certificate for the applicant `iin`, ready to hand over.
fn signed_for(o: &Office, iin: &str) -> (i64, String) {
    let id = to_signature(o, iin);
    o.desk.sign(&o.head, Target::id(id), &o.key, PIN).unwrap();
    let number = o
        .desk
        .application(&o.registrar, &id.to_string())
        .unwrap()
        .app
        .number;
    (id, number)
}

fn issue_to_a_collector_needs_a_power_of_attorney() {
    use mio_desk::desk::handover::{Collector, PROXY_ITEM, ProxyInput};
    use mio_desk::domain::fields::FieldProblem;
    let o = office();
    let applicant = "900101300017";
    let collector = "920305450121";
    let (id, number) = signed_for(&o, applicant);
    let t = Target::id(id);
    let before = audit_count(&o);

    // Another person's ИИН without a power of attorney: refused, nothing written.
    let e = o.desk.issue(&o.registrar, t, collector).unwrap_err();
    assert_eq!(e.field().as_deref(), Some("collector_iin"));
    assert!(
        e.message(Lang::Ru).contains("только по доверенности"),
        "{}",
        e.message(Lang::Ru)
    );
    assert!(e.message(Lang::Kk).contains("сенімхаты бойынша"));
    assert_eq!(audit_count(&o), before);

    // Every problem of the power of attorney at once, each at its field; an impossible date
    // is named impossible, the principal must be the applicant.
    let bad = Collector {
        iin: collector.into(),
        name: String::new(),
        proxy: Some(ProxyInput {
            number: " ".into(),
            date: "31.02.2026".into(),
            valid_until: String::new(),
            issuer: String::new(),
            principal_iin: collector.into(),
            scan: None,
        }),
    };
    let e = o.desk.issue_to(&o.registrar, t, &bad).unwrap_err();
    let DeskError::Fields(list) = &e else {
        panic!("{e:?}")
    };
    let got: Vec<(&str, &FieldProblem)> =
        list.iter().map(|f| (f.path.as_str(), &f.problem)).collect();
    assert_eq!(
        got,
        [
            ("collector_name", &FieldProblem::Missing),
            ("proxy_number", &FieldProblem::Missing),
            ("proxy_date", &FieldProblem::ImpossibleDate),
            ("proxy_issuer", &FieldProblem::Missing),
            ("proxy_principal_iin", &FieldProblem::OtherPerson),
            ("proxy_scan", &FieldProblem::Missing),
        ]
    );
    assert!(e.message(Lang::Ru).contains("такой даты нет в календаре"));

    let good = |date: &str, until: &str| Collector {
        iin: collector.into(),
        name: "Серікбаев  Нұрлан".into(),
        proxy: Some(ProxyInput {
            number: "2-1234".into(),
            date: date.into(),
            valid_until: until.into(),
            issuer: "Нотариус Ақсу ауданы Қасымова А.Б.".into(),
            principal_iin: applicant.into(),
            scan: Some(("doverennost.png".into(), png())),
        }),
    };
    // Made a year and more ago without a term: over (one year); made tomorrow: impossible.
    for (date, until, path, problem) in [
        ("2025-11-15", "", "proxy_date", FieldProblem::Expired),
        (
            "10.11.2025",
            "15.11.2026",
            "proxy_valid_until",
            FieldProblem::Expired,
        ),
        ("17.11.2026", "", "proxy_date", FieldProblem::FutureDate),
        (
            "10.11.2026",
            "09.11.2026",
            "proxy_valid_until",
            FieldProblem::PeriodReversed,
        ),
    ] {
        let e = o
            .desk
            .issue_to(&o.registrar, t, &good(date, until))
            .unwrap_err();
        let DeskError::Fields(list) = &e else {
            panic!("{date} {until}: {e:?}")
        };
        assert_eq!(list.len(), 1, "{date} {until}: {list:?}");
        assert_eq!((list[0].path.as_str(), &list[0].problem), (path, &problem));
    }
    assert_eq!(audit_count(&o), before);
    assert_eq!(
        o.desk
            .application(&o.registrar, &number)
            .unwrap()
            .app
            .status,
        Status::Signed
    );

    // A valid one: issued; the collector, the power of attorney and its scan are kept.
    o.desk
        .issue_to(&o.registrar, t, &good("10.11.2026", ""))
        .unwrap();
    let v = o.desk.application(&o.registrar, &number).unwrap();
    assert_eq!(v.app.status, Status::Issued);
    assert_eq!(
        v.app.collector_iin.map(|i| i.as_string()).as_deref(),
        Some(collector)
    );
    assert_eq!(
        v.handover.collector_name.as_deref(),
        Some("Серікбаев Нұрлан")
    );
    let p = v
        .handover
        .proxy
        .clone()
        .expect("the power of attorney is kept");
    assert_eq!(p.number, "2-1234");
    assert_eq!(p.date.to_string(), "2026-11-10");
    assert_eq!(p.valid_until.to_string(), "2027-11-10");
    assert_eq!(p.principal_iin.as_deref(), Some(applicant));
    let scan = v
        .attachments
        .iter()
        .find(|a| a.checklist_item.as_deref() == Some(PROXY_ITEM))
        .expect("the scan is among the attachments");
    assert_eq!(scan.id, p.attachment_id);
    assert_eq!(o.desk.attachment_bytes(&o.registrar, scan).unwrap(), png());
    let issue = v.history.iter().find(|h| h.action == "issue").unwrap();
    let d: serde_json::Value = serde_json::from_str(&issue.details).unwrap();
    assert_eq!(d["collector_iin"], json!(collector));
    assert_eq!(d["collector_name"], json!("Серікбаев Нұрлан"));
    assert_eq!(d["collector_is_applicant"], json!(false));
    assert_eq!(d["proxy"]["number"], json!("2-1234"));
    assert_eq!(d["proxy"]["scan_sha256"], json!(scan.sha256));

    // The applicant themselves needs no power of attorney; the name is the applicant's.
    let (id2, number2) = signed_for(&o, "920202400016");
    o.desk
        .issue(&o.registrar, Target::id(id2), "920202400016")
        .unwrap();
    let v = o.desk.application(&o.registrar, &number2).unwrap();
    assert_eq!(
        v.handover.collector_name.as_deref(),
        Some(v.app.applicant_name.as_str())
    );
    assert!(v.handover.proxy.is_none());
}

fn people_are_changed_on_purpose() {
    let o = office();
    let iin = "850315300128";
    let first = o
        .desk
        .register(
            Some(&o.registrar),
            registration(
                &o,
                "unemployed_certificate",
                Channel::Office,
                iin,
                unemployed_intake(),
            ),
        )
        .unwrap();
    let before = audit_count(&o);
    // The surname typed otherwise, the address left empty: refused without a reason, and the
    // message names what would change (only the surname: an empty address keeps the stored).
    let mut changed = registration(
        &o,
        "asp_membership_certificate",
        Channel::Office,
        iin,
        Default::default(),
    );
    changed.person.surname = "Abilkasymova".into();
    changed.person.address = String::new();
    let e = o
        .desk
        .register(Some(&o.registrar), changed.clone())
        .unwrap_err();
    assert_eq!(e.key(), "person-changed");
    assert_eq!(e.field().as_deref(), Some("person_change_reason"));
    assert!(
        e.message(Lang::Ru).contains("(Фамилия)"),
        "{}",
        e.message(Lang::Ru)
    );
    assert!(
        e.message(Lang::Kk).contains("(Тегі)"),
        "{}",
        e.message(Lang::Kk)
    );
    assert_eq!(audit_count(&o), before);
    let p = o.desk.find_person(&o.registrar, iin).unwrap().unwrap();
    assert_eq!(p.surname, "Әбілқасымова");
    assert_eq!(
        o.desk
            .applications_of_person(&o.registrar, p.id)
            .unwrap()
            .len(),
        1
    );

    // With the reason: registered, the person changed, the change kept as history.
    let reason = "Тегі неке туралы куәлік бойынша өзгерді";
    let second = o
        .desk
        .register_with(Some(&o.registrar), changed, Some(reason))
        .unwrap();
    let p = o.desk.find_person(&o.registrar, iin).unwrap().unwrap();
    assert_eq!(p.surname, "Abilkasymova");
    assert_eq!(p.address, "Ақсу ауылы, Абай көшесі, 12");
    let h = o.desk.person_history(&o.registrar, p.id).unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].reason, reason);
    assert_eq!(h[0].user_id, Some(o.registrar.user_id));
    assert_eq!(h[0].before["surname"], json!("Әбілқасымова"));
    assert_eq!(h[0].after["surname"], json!("Abilkasymova"));

    // The older application keeps the applicant as registered and says it changed since; the
    // new one has the new data and no change since.
    let a = o.desk.application(&o.registrar, &first.number).unwrap();
    assert_eq!(a.applicant.person.surname, "Әбілқасымова");
    assert_eq!(a.applicant.changes_since.len(), 1);
    assert_eq!(a.applicant.changes_since[0].reason, reason);
    assert_eq!(a.person.surname, "Abilkasymova");
    let b = o.desk.application(&o.registrar, &second.number).unwrap();
    assert_eq!(b.applicant.person.surname, "Abilkasymova");
    assert!(b.applicant.changes_since.is_empty());

    // The older application's paper still names the applicant as registered.
    o.desk
        .assign(&o.head, Target::id(first.id), o.executor.user_id, "Қарау")
        .unwrap();
    o.desk
        .submit_draft(&o.executor, Target::id(first.id), &unemployed_decision())
        .unwrap();
    let s = o
        .desk
        .sign(&o.head, Target::id(first.id), &o.key, PIN)
        .unwrap();
    let pdf = o.desk.signed_paper(s.document_id).unwrap().unwrap();
    let text = extract::page_texts(&extract::load(&pdf).unwrap())
        .join(" ")
        .to_uppercase();
    assert!(text.contains("ӘБІЛҚАСЫМОВА"), "{text}");
    assert!(!text.contains("ABILKASYMOVA"), "{text}");

    // The explicit step: a reason is required; the ИИН cannot be changed by it.
    let mut input = common::applicant(iin);
    input.phone = "+7 702 000 00 00".into();
    input.surname = "Abilkasymova".into();
    let e = o
        .desk
        .update_person(&o.registrar, p.id, &input, "  ")
        .unwrap_err();
    assert_eq!(e.key(), "person-changed");
    let updated = o
        .desk
        .update_person(&o.registrar, p.id, &input, "Жаңа телефон нөмірі")
        .unwrap();
    assert_eq!(updated.phone, "+7 702 000 00 00");
    assert_eq!(o.desk.person_history(&o.registrar, p.id).unwrap().len(), 2);
    let mut other = input.clone();
    other.iin = Some("900101300017".into());
    let e = o
        .desk
        .update_person(&o.registrar, p.id, &other, "ЖСН қате")
        .unwrap_err();
    assert_eq!(e.field().as_deref(), Some("iin"));
    // The executor may not change people.
    let e = o
        .desk
        .update_person(&o.executor, p.id, &input, "себеп")
        .unwrap_err();
    assert_eq!(e.key(), "forbidden");
}

fn the_head_signs_several_with_one_pin() {
    let o = office();
    let a = to_signature(&o, "900101300017");
    let b = to_signature(&o, "920202400016");
    let c = to_signature(&o, "920305450121");
    let ts = [Target::id(a), Target::id(b), Target::id(c)];
    let status = |id: i64| {
        o.desk
            .application(&o.head, &id.to_string())
            .unwrap()
            .app
            .status
    };
    let before = audit_count(&o);
    // A wrong PIN signs nothing.
    let e = o
        .desk
        .sign_many(&o.head, &ts, &o.key, "000000")
        .unwrap_err();
    assert_eq!(e.key(), "signature-wrong-pin", "{e:?}");
    // Nothing signed; at most the failed attempt itself is audited (the key file counts them).
    assert!(audit_count(&o) <= before + 1);
    for id in [a, b, c] {
        assert_eq!(status(id), Status::AwaitingSignature);
    }
    // Only the head; and something must be chosen.
    assert_eq!(
        o.desk
            .sign_many(&o.executor, &ts, &o.key, PIN)
            .unwrap_err()
            .key(),
        "forbidden"
    );
    assert_eq!(
        o.desk
            .sign_many(&o.head, &[], &o.key, PIN)
            .unwrap_err()
            .key(),
        "invalid"
    );
    // One of them is withdrawn meanwhile: it fails on its own, the others are signed, each
    // with its own audit entry.
    o.desk
        .withdraw(
            Some(&o.registrar),
            Target::id(b),
            "Өтініш берушінің өтініші бойынша",
        )
        .unwrap();
    let done = o.desk.sign_many(&o.head, &ts, &o.key, PIN).unwrap();
    assert_eq!(done.len(), 3);
    assert!(done[0].result.is_ok() && done[2].result.is_ok());
    let e = done[1].result.as_ref().unwrap_err();
    assert!(e.key().starts_with("lifecycle-"), "{e:?}");
    assert_eq!(status(a), Status::Signed);
    assert_eq!(status(b), Status::Withdrawn);
    assert_eq!(status(c), Status::Signed);
    let v = o.desk.verify_audit().unwrap();
    assert!(v.entries > before);
    for id in [a, c] {
        let h = o
            .desk
            .application(&o.head, &id.to_string())
            .unwrap()
            .history;
        assert_eq!(h.iter().filter(|e| e.action == "sign").count(), 1);
    }
    let signed: Vec<_> = done
        .iter()
        .filter_map(|d| d.result.as_ref().ok())
        .map(|s| s.outgoing_number.clone())
        .collect();
    assert_eq!(signed.len(), 2);
    assert_ne!(signed[0], signed[1]);
}

/// The registrar's queue tab walked to its end in keyset pages of `limit` rows.
fn walk_queue(
    o: &common::Office,
    tab: Tab,
    sort: Sort,
    descending: bool,
    limit: usize,
) -> Vec<mio_desk::store::queue::Row> {
    let mut rows = Vec::new();
    let mut q = Query {
        tab: Some(tab),
        limit,
        sort,
        descending,
        ..Default::default()
    };
    loop {
        let p = o.desk.queue(&o.registrar, q.clone()).unwrap();
        rows.extend(p.rows);
        match p.next {
            Some(c) => q.after = Some(c),
            None => return rows,
        }
    }
}

/// A clerk sorts a queue by a column, either way; pages of one row walk the same order with no
/// row twice or lost.
fn queues_sort_by_a_column() {
    let o = office();
    register_three(&o, 1);
    let walk = |sort: Sort, descending: bool| {
        walk_queue(&o, Tab::All, sort, descending, 1)
            .into_iter()
            .map(|r| (r.number, r.accepted_at, r.due_date))
            .collect::<Vec<_>>()
    };
    let numbers = walk(Sort::Number, false);
    assert_eq!(numbers.len(), 3);
    assert!(numbers.windows(2).all(|w| w[0].0 < w[1].0), "{numbers:?}");
    let mut back = walk(Sort::Number, true);
    back.reverse();
    assert_eq!(back, numbers);
    let accepted = walk(Sort::Accepted, true);
    assert!(accepted.windows(2).all(|w| w[0].1 > w[1].1), "{accepted:?}");
    let due = walk(Sort::Due, true);
    assert_eq!(due.len(), 3);
    assert!(due.windows(2).all(|w| w[0].2 >= w[1].2), "{due:?}");
}

/// Names sort in the Kazakh alphabet (Ә after А, Қ after К, not after Я), both ways and across
/// pages; the issued and withdrawn tabs open with what was closed most recently first.
fn names_sort_in_kazakh_order_and_closed_tabs_recent_first() {
    let o = office();
    let mut ids = Vec::new();
    for (iin, surname) in [
        ("850315300128", "Яковлев"),
        ("791028302728", "Әбілов"),
        ("061211600012", "Ахметов"),
        ("920305450121", "Қасымов"),
        ("920202400016", "Кенжебаев"),
    ] {
        o.clock.advance(Duration::hours(1));
        let mut r = registration(
            &o,
            "unemployed_certificate",
            Channel::Office,
            iin,
            unemployed_intake(),
        );
        r.person.surname = surname.into();
        ids.push(o.desk.register(Some(&o.registrar), r).unwrap().id);
    }
    let walk = |tab: Tab, sort: Sort, descending: bool| {
        walk_queue(&o, tab, sort, descending, 2)
            .into_iter()
            .map(|r| (r.applicant, r.id, r.status_since))
            .collect::<Vec<_>>()
    };
    let surnames = |rows: &[(String, i64, chrono::DateTime<chrono::Utc>)]| {
        rows.iter()
            .map(|r| r.0.split(' ').next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let up = walk(Tab::All, Sort::Applicant, false);
    assert_eq!(
        surnames(&up),
        ["Ахметов", "Әбілов", "Кенжебаев", "Қасымов", "Яковлев"]
    );
    let mut down = walk(Tab::All, Sort::Applicant, true);
    down.reverse();
    assert_eq!(surnames(&down), surnames(&up));
    // The state's moment: registration, then each withdrawal at its own time.
    assert!(up.iter().all(|r| r.2 <= o.desk.now()));
    for id in [ids[3], ids[0], ids[4]] {
        o.clock.advance(Duration::minutes(30));
        o.desk
            .withdraw(Some(&o.registrar), Target::id(id), "the citizen asked")
            .unwrap();
    }
    let (sort, descending) = Sort::default_for(Tab::Withdrawn);
    let closed = walk(Tab::Withdrawn, sort, descending);
    assert_eq!(
        closed.iter().map(|r| r.1).collect::<Vec<_>>(),
        [ids[4], ids[0], ids[3]],
        "most recently withdrawn first"
    );
    assert_eq!(closed[0].2, o.desk.now());
    assert_eq!(Sort::default_for(Tab::Registered), (Sort::Due, false));
}

/// "New for me": a queue line is marked for a user when someone else moved the application into
/// its present state since that user last opened it; opening it clears the mark, for that user
/// only, until the next move by someone else.
fn queue_lines_are_new_for_me_until_i_open_them() {
    let o = office();
    let r = o
        .desk
        .register(
            Some(&o.registrar),
            registration(
                &o,
                "unemployed_certificate",
                Channel::Office,
                "850315300128",
                unemployed_intake(),
            ),
        )
        .unwrap();
    let new_for = |s: &mio_desk::desk::Session| {
        let q = Query {
            tab: Some(Tab::All),
            ..Default::default()
        };
        let p = o.desk.queue(s, q).unwrap();
        p.rows.iter().find(|x| x.id == r.id).unwrap().new
    };
    assert!(!new_for(&o.registrar), "the registrar registered it");
    assert!(new_for(&o.head));
    o.desk.application(&o.head, r.id).unwrap();
    assert!(!new_for(&o.head), "opened");
    o.clock.advance(Duration::minutes(5));
    o.desk
        .assign(&o.head, Target::id(r.id), o.executor.user_id, "Қарау")
        .unwrap();
    assert!(!new_for(&o.head), "the head moved it");
    assert!(new_for(&o.executor));
    assert!(
        new_for(&o.registrar),
        "moved on by the head since the registrar saw it"
    );
    o.desk.application(&o.executor, r.id).unwrap();
    assert!(!new_for(&o.executor));
    assert!(
        new_for(&o.registrar),
        "the executor's opening is the executor's"
    );
}

/// An office on the server: the admin moves a day off on one PC, and another PC counts by it
/// as soon as it hears of it (not at its next start), so no two PCs give different due dates.
#[test]
fn a_calendar_edit_on_one_pc_counts_on_every_pc() {
    use mio_desk::store::live::Event;
    let Some(o) = common::office_on(common::Backend::Postgres) else {
        return;
    };
    let pc3_dir = tempfile::tempdir().unwrap();
    let pc3 = common::join_pc(&o, "03", pc3_dir.path());
    let rx = pc3.listen().expect("an office on the server listens");
    let wait = |want: &dyn Fn(&Event) -> bool| {
        let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < end {
            if let Ok(e) = rx.recv_timeout(std::time::Duration::from_millis(200))
                && want(&e)
            {
                return e;
            }
        }
        panic!("not heard in 10 s");
    };
    wait(&|e| *e == Event::Connected);
    let (fri, sat) = (
        chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
    );
    assert!(pc3.calendar().is_working_day(fri));
    let mut year = o.desk.calendar_year(&o.admin, 2026).unwrap();
    year.moved.push(mio_desk::domain::calendar::Moved {
        work: sat,
        off: fri,
        decree: "a decree the admin typed".into(),
    });
    o.desk.save_calendar_year(&o.admin, &year).unwrap();
    assert!(!o.desk.calendar().is_working_day(fri));
    let Event::Changed(n) = wait(&|e| matches!(e, Event::Changed(n) if n.settings.is_some()))
    else {
        unreachable!()
    };
    // Not yet read again: the old calendar still counts here.
    assert!(pc3.calendar().is_working_day(fri));
    pc3.heard(&n).unwrap();
    assert!(!pc3.calendar().is_working_day(fri));
    assert!(pc3.calendar().is_working_day(sat));
    // A PC that starts later reads it from the database, not from a file on the first PC.
    assert!(!o.desk.data_dir().calendar().join("2026.toml").exists());
}

/// The admin's calendar editor starts from what the office has: the year the program carries
/// (with its decree moves), then the admin's saved edit; an edit that no longer reads falls back
/// to the program's year, never to an empty one that saving would write over the moves.
#[test]
fn the_calendar_editor_starts_from_the_years_moved_days() {
    let o = common::office();
    let carried = o.desk.calendar_year(&o.admin, 2022).unwrap();
    assert!(
        !carried.moved.is_empty(),
        "2022's decree moves are in the program"
    );
    assert!(o.desk.calendar_year(&o.registrar, 2022).is_err());
    let mut edit = carried.clone();
    edit.moved.push(mio_desk::domain::calendar::Moved {
        work: chrono::NaiveDate::from_ymd_opt(2022, 12, 3).unwrap(),
        off: chrono::NaiveDate::from_ymd_opt(2022, 12, 2).unwrap(),
        decree: "a decree the admin typed".into(),
    });
    o.desk.save_calendar_year(&o.admin, &edit).unwrap();
    assert_eq!(
        o.desk.calendar_year(&o.admin, 2022).unwrap().moved,
        edit.moved
    );
    // The edit lives in the office's database: a file left in this PC's folder by an earlier
    // version does not override it; for a year the database does not have, a file that no
    // longer reads gives the program's year.
    std::fs::create_dir_all(o.desk.data_dir().calendar()).unwrap();
    std::fs::write(o.desk.data_dir().calendar().join("2022.toml"), "year = [").unwrap();
    assert_eq!(
        o.desk.calendar_year(&o.admin, 2022).unwrap().moved,
        edit.moved
    );
    let carried_2023 = o.desk.calendar_year(&o.admin, 2023).unwrap();
    std::fs::write(o.desk.data_dir().calendar().join("2023.toml"), "year = [").unwrap();
    assert_eq!(
        o.desk.calendar_year(&o.admin, 2023).unwrap().moved,
        carried_2023.moved
    );
    std::fs::remove_file(o.desk.data_dir().calendar().join("2023.toml")).unwrap();
    // The saved move counts: 2 Dec 2022 (Friday) is a day off, 3 Dec (Saturday) a working day.
    let cal = o.desk.calendar();
    assert!(!cal.is_working_day(chrono::NaiveDate::from_ymd_opt(2022, 12, 2).unwrap()));
    assert!(cal.is_working_day(chrono::NaiveDate::from_ymd_opt(2022, 12, 3).unwrap()));
    // A year the program does not carry is empty, and its own.
    let far = o.desk.calendar_year(&o.admin, 2031).unwrap();
    assert_eq!(far.year, 2031);
    assert!(far.moved.is_empty());
}

on_both_backends!(
    names_sort_in_kazakh_order_and_closed_tabs_recent_first,
    queue_lines_are_new_for_me_until_i_open_them,
    the_whole_path_from_intake_to_issue,
    a_refusal_needs_a_ground_and_prints_a_motivated_refusal,
    returned_drafts_go_back_to_the_executor,
    forbidden_actions_fail_clearly_and_change_nothing,
    four_eyes_and_its_audited_relaxation,
    signature_checks_each_have_their_message,
    a_foreign_authority_is_not_trusted,
    tampered_papers_are_caught,
    a_paper_with_another_signing_time_printed_is_not_valid,
    no_byte_of_the_record_can_change,
    pasted_qr_text_verifies_against_the_register,
    one_person_per_iin_and_no_second_open_application,
    bad_input_is_refused_with_the_field_named,
    hostile_scans_are_refused,
    lockout_after_five_failures_for_fifteen_minutes,
    each_role_sees_what_the_policy_lets_it_see,
    queues_search_and_count,
    queues_sort_by_a_column,
    gateway_channels_write_outbox_notices_in_the_same_transaction,
    extension_adds_the_allowed_term_once_with_a_notice,
    stale_views_are_refused,
    kept_tab_counts_agree_with_the_table,
    name_search_pages_through_every_match_in_name_order,
    the_same_rules_check_a_decision_at_submit_and_at_sign,
    issue_to_a_collector_needs_a_power_of_attorney,
    people_are_changed_on_purpose,
    the_head_signs_several_with_one_pin,
);
