//! PAdES signatures as the rest of the world checks them (issue 15): poppler's `pdfsig` and
//! `openssl cms` on papers the program signed, a head's own `.p12` made with `openssl` from a
//! test CA made with `openssl`, verification with nothing but the root, papers of the first
//! versions, copies, and the hostile files.
//!
//! `pdfsig` (poppler-utils) and `openssl` must be installed (`.ci/run` installs them).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use chrono::Utc;
use common::*;
use mio_desk::desk::Desk;
use mio_desk::desk::flow::Target;
use mio_desk::desk::signature::{PaperVerifier, Problem, Verdict};
use mio_desk::documents::{self, Langs, Stamp};
use mio_desk::domain::document::{Content, SealRef, VerificationPayload, VerificationRecord};
use mio_desk::domain::model::Lang;
use mio_desk::signing::{self, KeyFileProvider, Provider, Revocation, SigError, pades};

/// Takes an application to signature and signs it with a key file; the signed paper.
fn sign_one(o: &Office, key: &[u8], pin: &str) -> (i64, String, Vec<u8>) {
    let id = to_signature(o, "850315300128");
    let s = o.desk.sign(&o.head, Target::id(id), key, pin).unwrap();
    let paper = o.desk.signed_paper(s.document_id).unwrap().unwrap();
    (id, s.outgoing_number, paper)
}

fn tool(cmd: &mut Command) -> std::process::Output {
    cmd.output().unwrap_or_else(|e| {
        panic!("{cmd:?} could not run ({e}); install poppler-utils and openssl")
    })
}

fn pdfsig(file: &Path) -> String {
    let out = tool(Command::new("pdfsig").arg(file));
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `openssl cms -verify` on the CMS of a signed PDF with the bytes of its byte range.
fn openssl_cms_verify(dir: &Path, paper: &[u8]) -> std::process::Output {
    let loc = pades::locate(paper).unwrap();
    let [a, b, c, d] = loc.range;
    let mut signed = paper[a..a + b].to_vec();
    signed.extend_from_slice(&paper[c..c + d]);
    let cms = dir.join("sig.der");
    let content = dir.join("signed.bin");
    std::fs::write(&cms, &loc.cms).unwrap();
    std::fs::write(&content, &signed).unwrap();
    tool(
        Command::new("openssl")
            .args([
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-noverify",
                "-in",
            ])
            .arg(&cms)
            .arg("-content")
            .arg(&content)
            .args(["-out", "/dev/null"]),
    )
}

fn problem(v: &Verdict) -> &Problem {
    match v {
        Verdict::Invalid { problem } => problem,
        Verdict::Valid { .. } => panic!("valid, expected a problem"),
    }
}

#[test]
fn pdfsig_and_openssl_accept_a_paper_signed_by_the_program() {
    let o = office();
    let (_, number, paper) = sign_one(&o, &o.key, PIN);
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("paper.pdf");
    std::fs::write(&file, &paper).unwrap();
    let out = pdfsig(&file);
    assert!(out.contains("Signature is Valid"), "{out}");
    assert!(out.contains("Өтегенова Сәуле"), "{out}");
    assert!(out.contains("ETSI.CAdES.detached"), "{out}");
    assert!(out.contains("Total document signed"), "{out}");
    let cms = openssl_cms_verify(t.path(), &paper);
    assert!(
        cms.status.success(),
        "{}",
        String::from_utf8_lossy(&cms.stderr)
    );
    // The paper's own verifier agrees, and names the format.
    let v = o.desk.verify_pdf(&paper).unwrap();
    let Verdict::Valid {
        number: n,
        signer,
        format,
        revocation,
        in_register,
        ..
    } = &v
    else {
        panic!("{v:?}");
    };
    assert_eq!(n, &number);
    assert_eq!(signer, "Өтегенова Сәуле");
    assert_eq!(format, "pades");
    assert_eq!(*revocation, Revocation::Fresh);
    assert_eq!(*in_register, Some(true));
    assert!(v.line(Lang::Ru).contains("PAdES"), "{}", v.line(Lang::Ru));
    // The office CA issues keys as PKCS#12 now.
    assert!(signing::p12::looks_like_p12(&o.key));
    // openssl reads the office's .p12 with the PIN.
    let p12 = t.path().join("key.p12");
    std::fs::write(&p12, &o.key).unwrap();
    let read = tool(
        Command::new("openssl")
            .args([
                "pkcs12",
                "-nokeys",
                "-passin",
                &format!("pass:{PIN}"),
                "-in",
            ])
            .arg(&p12),
    );
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    assert!(String::from_utf8_lossy(&read.stdout).contains("BEGIN CERTIFICATE"));
}

/// A test CA made with openssl, as НУЦ РК's would be: its root, a CRL, and keys for users.
struct OpensslCa {
    dir: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = tool(Command::new("openssl").current_dir(dir).args(args));
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl OpensslCa {
    fn new(dir: &Path) -> OpensslCa {
        let dir = dir.to_path_buf();
        std::fs::write(dir.join("index.txt"), "").unwrap();
        std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
        std::fs::write(
            dir.join("ca.cnf"),
            format!(
                "[ ca ]\ndefault_ca = test\n[ test ]\ndatabase = {d}/index.txt\ncrlnumber = {d}/crlnumber\n\
                 default_md = sha256\ndefault_crl_days = 30\ncertificate = {d}/ca.pem\nprivate_key = {d}/ca.key\n",
                d = dir.display()
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("leaf.ext"),
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n",
        )
        .unwrap();
        openssl(
            &dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:3072",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "3650",
                "-subj",
                "/CN=Test NUC RK/O=Test/C=KZ",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        openssl(
            &dir,
            &["ca", "-gencrl", "-config", "ca.cnf", "-out", "crl.pem"],
        );
        OpensslCa { dir }
    }

    /// A user's `.p12` (RSA 2048) with `serialNumber=IIN…`, the chain inside; its files are
    /// `{tag}.key`, `{tag}.pem`, `{tag}.p12`.
    fn p12(&self, tag: &str, name: &str, iin: &str, password: &str) -> Vec<u8> {
        let d = &self.dir;
        let subj = format!("/CN={name}/serialNumber=IIN{iin}/C=KZ");
        let (key, csr, pem, p12) = (
            format!("{tag}.key"),
            format!("{tag}.csr"),
            format!("{tag}.pem"),
            format!("{tag}.p12"),
        );
        openssl(
            d,
            &[
                "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &csr,
                "-utf8", "-subj", &subj,
            ],
        );
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &pem,
                "-days",
                "365",
                "-sha256",
                "-extfile",
                "leaf.ext",
            ],
        );
        openssl(
            d,
            &[
                "pkcs12",
                "-export",
                "-inkey",
                &key,
                "-in",
                &pem,
                "-certfile",
                "ca.pem",
                "-out",
                &p12,
                "-passout",
                &format!("pass:{password}"),
            ],
        );
        std::fs::read(d.join(&p12)).unwrap()
    }

    fn read(&self, f: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(f)).unwrap()
    }
}

fn head_iin() -> &'static str {
    USERS[2].1
}

#[test]
fn a_head_signs_with_her_own_p12_made_by_openssl() {
    let o = office();
    let t = tempfile::tempdir().unwrap();
    let ca = OpensslCa::new(t.path());
    let p12 = ca.p12("head", "Өтегенова Сәуле", head_iin(), "Qwerty-2026");
    // The openssl certificates start when they are made; the office's clock follows.
    o.clock.set(Utc::now());

    // Before its root is trusted the key is refused.
    let e = o
        .desk
        .import_key(Some(&o.admin), head_iin(), &p12, "Qwerty-2026")
        .unwrap_err();
    assert!(
        matches!(
            e,
            mio_desk::desk::DeskError::Signature(SigError::UntrustedIssuer)
        ),
        "{e:?}"
    );
    // Only the admin trusts a root.
    assert!(
        o.desk
            .trust_root(Some(&o.head), &ca.read("ca.pem"), Some(&ca.read("crl.pem")))
            .is_err()
    );
    let root = o
        .desk
        .trust_root(
            Some(&o.admin),
            &ca.read("ca.pem"),
            Some(&ca.read("crl.pem")),
        )
        .unwrap();
    assert_eq!(root.common_name, "Test NUC RK");
    assert!(root.crl_next_update.is_some());

    // A key of someone else's ИИН is refused for the head.
    let other = ca.p12("kim", "Ким Ольга", "850115300205", "Qwerty-2026");
    let e = o
        .desk
        .import_key(Some(&o.admin), head_iin(), &other, "Qwerty-2026")
        .unwrap_err();
    assert!(
        matches!(
            e,
            mio_desk::desk::DeskError::Signature(SigError::IinMismatch { .. })
        ),
        "{e:?}"
    );
    // A .p12 without a private key.
    openssl(
        t.path(),
        &[
            "pkcs12",
            "-export",
            "-nokeys",
            "-in",
            "kim.pem",
            "-out",
            "nokey.p12",
            "-passout",
            "pass:Qwerty-2026",
        ],
    );
    let e = o
        .desk
        .import_key(
            Some(&o.admin),
            "850115300205",
            &ca.read("nokey.p12"),
            "Qwerty-2026",
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            mio_desk::desk::DeskError::Signature(SigError::NoSigningKey)
        ),
        "{e:?}"
    );

    // The head's own key registers, and she signs with it.
    let reg = o
        .desk
        .import_key(Some(&o.admin), head_iin(), &p12, "Qwerty-2026")
        .unwrap();
    assert!(reg.key_file.exists());
    let certs = o.desk.certificates(&o.admin).unwrap();
    assert!(certs.iter().any(|c| c.serial == reg.serial && c.imported));
    // The same key twice is refused.
    assert!(
        o.desk
            .import_key(Some(&o.admin), head_iin(), &p12, "Qwerty-2026")
            .is_err()
    );
    let (_, number, paper) = sign_one(&o, &p12, "Qwerty-2026");
    let v = o.desk.verify_pdf(&paper).unwrap();
    assert!(v.is_valid(), "{v:?}");
    assert!(v.line(Lang::Kk).starts_with(&format!("VALID {number}")));
    let file = t.path().join("rsa.pdf");
    std::fs::write(&file, &paper).unwrap();
    let out = pdfsig(&file);
    assert!(out.contains("Signature is Valid"), "{out}");
    assert!(out.contains("Өтегенова Сәуле"), "{out}");
    let cms = openssl_cms_verify(t.path(), &paper);
    assert!(
        cms.status.success(),
        "{}",
        String::from_utf8_lossy(&cms.stderr)
    );

    // The CMS carries the openssl root and its CRL: a verifier with the root alone checks
    // revocation as of signing.
    let root_only = PaperVerifier {
        trust: signing::Trust {
            ca_certs: vec![signing::from_pem(&ca.read("ca.pem"), "CERTIFICATE").unwrap()],
            crls: vec![],
        },
        now: Utc::now().timestamp(),
        tz: chrono::FixedOffset::east_opt(5 * 3600).unwrap(),
        require_revocation: true,
    };
    let (v, _) = root_only.verify(&paper);
    assert!(
        matches!(
            v,
            Verdict::Valid {
                revocation: Revocation::AtSigning,
                ..
            }
        ),
        "{v:?}"
    );

    // Wrong passwords: the fifth in a row locks the key file, even the right one then.
    let id = to_signature(&o, "850315300128");
    for attempt in 1..=4 {
        let e = o
            .desk
            .sign(&o.head, Target::id(id), &p12, "wrong-one")
            .unwrap_err();
        // The holder is told how many tries are left before the lock.
        assert!(
            matches!(e, mio_desk::desk::DeskError::WrongKeyPin { left } if left == 5 - attempt),
            "attempt {attempt}: {e:?}"
        );
    }
    let e = o
        .desk
        .sign(&o.head, Target::id(id), &p12, "wrong-one")
        .unwrap_err();
    assert!(
        matches!(e, mio_desk::desk::DeskError::Locked { .. }),
        "{e:?}"
    );
    assert!(matches!(
        o.desk.sign(&o.head, Target::id(id), &p12, "Qwerty-2026"),
        Err(mio_desk::desk::DeskError::Locked { .. })
    ));
    o.clock.advance(chrono::Duration::minutes(16));
    o.desk
        .sign(&o.head, Target::id(id), &p12, "Qwerty-2026")
        .unwrap();

    // Revoked by its CA: the next CRL lists it, and the head can no longer sign.
    openssl(
        t.path(),
        &["ca", "-config", "ca.cnf", "-revoke", "head.pem"],
    );
    openssl(
        t.path(),
        &["ca", "-gencrl", "-config", "ca.cnf", "-out", "crl2.pem"],
    );
    o.desk
        .trust_root(
            Some(&o.admin),
            &ca.read("ca.pem"),
            Some(&ca.read("crl2.pem")),
        )
        .unwrap();
    let id = to_signature(&o, "850315300128");
    let e = o
        .desk
        .sign(&o.head, Target::id(id), &p12, "Qwerty-2026")
        .unwrap_err();
    assert!(
        matches!(
            e,
            mio_desk::desk::DeskError::Signature(SigError::Revoked { .. })
        ),
        "{e:?}"
    );
    // And a paper it signed before is refused by the office now.
    let v = o.desk.verify_pdf(&paper).unwrap();
    assert!(
        matches!(problem(&v), Problem::Signature(SigError::Revoked { .. })),
        "{v:?}"
    );
}

#[test]
fn an_expired_key_is_refused_at_import() {
    let o = office();
    let t = tempfile::tempdir().unwrap();
    let ca = OpensslCa::new(t.path());
    let p12 = ca.p12("head", "Өтегенова Сәуле", head_iin(), "Qwerty-2026");
    o.clock.set(Utc::now());
    o.desk
        .trust_root(
            Some(&o.admin),
            &ca.read("ca.pem"),
            Some(&ca.read("crl.pem")),
        )
        .unwrap();
    o.clock.advance(chrono::Duration::days(400));
    let e = o
        .desk
        .import_key(Some(&o.admin), head_iin(), &p12, "Qwerty-2026")
        .unwrap_err();
    assert!(
        matches!(
            e,
            mio_desk::desk::DeskError::Signature(SigError::Expired { .. })
        ),
        "{e:?}"
    );
    // The message is in the user's language.
    assert!(
        e.message(Lang::Ru).contains("истек"),
        "{}",
        e.message(Lang::Ru)
    );
    assert!(
        e.message(Lang::Kk).contains("аяқталған"),
        "{}",
        e.message(Lang::Kk)
    );
}

/// Appends text to a file as an incremental update.
fn with_update(paper: &[u8], body: &str) -> Vec<u8> {
    let mut b = paper.to_vec();
    let at = b.len();
    b.extend_from_slice(body.as_bytes());
    b.extend_from_slice(
        format!("xref\n0 1\n0000000000 65535 f\r\ntrailer\n<</Size 999/Root 1 0 R>>\nstartxref\n{at}\n%%EOF\n")
            .as_bytes(),
    );
    b
}

#[test]
fn hostile_files_each_get_their_own_verdict() {
    let o = office();
    let (_, _, paper) = sign_one(&o, &o.key, PIN);
    let v = o.desk.paper_verifier().unwrap();
    assert!(v.verify(&paper).0.is_valid());
    let loc = pades::locate(&paper).unwrap();
    let [_, b, c, d] = loc.range;
    assert_eq!(c + d, paper.len(), "the range covers the whole file");

    // A byte of the signed part changed (in the page's content).
    let mut changed = paper.clone();
    changed[b / 2] ^= 0x01;
    assert_eq!(problem(&v.verify(&changed).0), &Problem::SignedPartChanged);

    // An annotation appended by a PDF reader as an incremental update: the signed part is
    // intact, and the verdict says what came after.
    let annotated = with_update(
        &paper,
        "900 0 obj\n<</Type/Annot/Subtype/Text/Rect[10 10 30 30]/Contents(note)>>\nendobj\n",
    );
    match problem(&v.verify(&annotated).0) {
        Problem::Appended {
            incremental: true,
            objects: 1,
            kinds,
            signed_bytes,
            ..
        } => {
            assert_eq!(kinds, "Annot/Text");
            assert_eq!(*signed_bytes, paper.len());
        }
        p => panic!("{p:?}"),
    }
    let line = v.verify(&annotated).0.line(Lang::Ru);
    assert!(line.starts_with("INVALID: "), "{line}");
    assert!(
        line.contains("не изменена") && line.contains("Annot/Text"),
        "{line}"
    );
    // Plain bytes appended.
    let mut junk = paper.clone();
    junk.extend_from_slice(b"some other data");
    assert!(matches!(
        problem(&v.verify(&junk).0),
        Problem::Appended {
            incremental: false,
            bytes: 15,
            ..
        }
    ));

    // Truncated.
    assert_eq!(
        problem(&v.verify(&paper[..paper.len() - 200]).0),
        &Problem::Truncated
    );
    assert_eq!(
        problem(&v.verify(&paper[..paper.len() / 2]).0),
        &Problem::Truncated
    );

    // A second signature appended.
    let twice = with_update(
        &paper,
        "901 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/ByteRange [0 10 20 30]/Contents <3000>>>\nendobj\n",
    );
    assert_eq!(
        problem(&v.verify(&twice).0),
        &Problem::SeveralSignatures { count: 2 }
    );

    // A byte range that leaves a gap: the first range ends two bytes early.
    let text = format!("[0 {b} {c} {d}]");
    let at = paper
        .windows(text.len())
        .position(|w| w == text.as_bytes())
        .unwrap();
    let gap = format!("[0 {} {c} {d}]", b - 2);
    let mut gapped = paper.clone();
    gapped[at..at + gap.len()].copy_from_slice(gap.as_bytes());
    gapped[at + gap.len()] = b' ';
    assert!(
        matches!(problem(&v.verify(&gapped).0), Problem::BadByteRange { .. }),
        "{:?}",
        v.verify(&gapped).0
    );

    // The digest algorithm changed to SHA-384 inside the CMS (the /Contents string is not
    // under the signature, so the signed part stays intact).
    let sha256 = "0609608648016503040201";
    let sha384 = "0609608648016503040202";
    let hex_part = String::from_utf8(paper[b..c].to_vec()).unwrap();
    assert!(hex_part.contains(sha256));
    let mut wrong = paper[..b].to_vec();
    wrong.extend_from_slice(hex_part.replace(sha256, sha384).as_bytes());
    wrong.extend_from_slice(&paper[c..]);
    assert_eq!(problem(&v.verify(&wrong).0), &Problem::WrongDigest);

    // A CMS whose messageDigest is not the hash of the bytes (validly signed all the same).
    let receipt = o
        .desk
        .document_pdf(
            &o.registrar,
            &to_signature(&o, "850315300128").to_string(),
            Some("receipt"),
            Langs::Both,
        )
        .unwrap();
    let signer = KeyFileProvider.unlock(&o.key, PIN).unwrap();
    let prepared = pades::prepare(&receipt, "x", "y", Utc::now().timestamp(), 4096).unwrap();
    let cms = pades::build_cms(
        signer.as_ref(),
        signer.chain(),
        &[],
        &[7u8; 32],
        Utc::now().timestamp(),
    )
    .unwrap();
    let forged = prepared.fill(&cms).unwrap();
    assert_eq!(problem(&v.verify(&forged).0), &Problem::SignedPartChanged);
    // Correctly signed, but the paper's own record is not there.
    let honest = pades::sign_pdf(
        &receipt,
        signer.as_ref(),
        signer.chain(),
        &[],
        "x",
        "y",
        o.desk.now().timestamp(),
    )
    .unwrap();
    assert_eq!(problem(&v.verify(&honest).0), &Problem::RecordMissing);

    // A damaged container: a hex digit that is not one.
    let mut damaged = paper.clone();
    damaged[b + 3] = b'G';
    assert_eq!(problem(&v.verify(&damaged).0), &Problem::ContainerDamaged);

    // Not a PDF; not signed.
    assert_eq!(problem(&v.verify(b"hello").0), &Problem::NotPdf);
    assert_eq!(problem(&v.verify(&receipt).0), &Problem::NotSigned);

    // Signed by a certificate nobody trusts.
    let stranger = PaperVerifier {
        trust: signing::Trust::default(),
        ..v.clone()
    };
    assert_eq!(
        problem(&stranger.verify(&paper).0),
        &Problem::Signature(SigError::UntrustedIssuer)
    );
    // Each verdict reads in both languages, differently.
    for p in [
        Problem::SignedPartChanged,
        Problem::Truncated,
        Problem::WrongDigest,
        Problem::ContainerDamaged,
        Problem::RecordMissing,
        Problem::SeveralSignatures { count: 2 },
        Problem::BadByteRange { detail: "x".into() },
    ] {
        let (kk, ru) = (p.message(Lang::Kk), p.message(Lang::Ru));
        assert!(!kk.is_empty() && !ru.is_empty() && kk != ru, "{p:?}");
        assert!(!ru.contains("verify-"), "{ru}");
        assert!(!kk.contains("verify-"), "{kk}");
    }
}

#[test]
fn verification_needs_no_rendering_and_no_database() {
    let o = office();
    let (id, number, paper) = sign_one(&o, &o.key, PIN);
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("root.pem");
    std::fs::write(
        &root,
        signing::to_pem(&o.desk.ca_certificate().unwrap(), "CERTIFICATE"),
    )
    .unwrap();
    let file = t.path().join("paper.pdf");
    std::fs::write(&file, &paper).unwrap();
    // A fresh machine: no data directory at all.
    let empty = t.path().join("nothing-here");
    let out = Command::new(env!("CARGO_BIN_EXE_mio-desk"))
        .env("MIO_DESK_DATA_DIR", &empty)
        .env("MIO_DESK_LANG", "ru")
        .args(["verify", "--trust"])
        .arg(&root)
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with(&format!("VALID {number}")), "{stdout}");
    assert!(!empty.exists(), "verify made a data directory");
    // Another root only: INVALID, exit 1.
    let other = t.path().join("other.pem");
    let stranger = signing::OfficeCa::create("Басқа", "9999", Utc::now().timestamp()).unwrap();
    std::fs::write(&other, signing::to_pem(&stranger.cert_der, "CERTIFICATE")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mio-desk"))
        .env("MIO_DESK_DATA_DIR", &empty)
        .env("MIO_DESK_LANG", "kk")
        .args(["verify", "--trust"])
        .arg(&other)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("INVALID: "));

    // A layout the templates would never give a signed result (Kazakh only, other stamp):
    // it verifies all the same, since nothing is re-rendered.
    let content = stored_content(&o.desk, id, &number);
    let payload = VerificationPayload::unsigned(&content);
    let stamp = Stamp::pades(
        "any QR text".into(),
        documents::SealLine {
            signer: "Өтегенова Сәуле".into(),
            signed_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 16)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
            cert_serial: "00".into(),
        },
        format!(
            "{}{}",
            mio_desk::desk::signature::PADES_RECORD,
            payload.encode()
        ),
    );
    let other_layout = documents::render(&content, Langs::Kk, &stamp).unwrap();
    let signer = KeyFileProvider.unlock(&o.key, PIN).unwrap();
    let crl = o.desk.trust().unwrap().crls;
    let signed = pades::sign_pdf(
        &other_layout,
        signer.as_ref(),
        signer.chain(),
        &crl,
        "Өтегенова Сәуле",
        "test",
        o.desk.now().timestamp(),
    )
    .unwrap();
    let v = o.desk.verify_pdf(&signed).unwrap();
    assert!(v.is_valid(), "{v:?}");
}

/// The stored content of an application's document with this number.
fn stored_content(desk: &Desk, app_id: i64, number: &str) -> Content {
    desk.store()
        .read(|r| mio_desk::store::apps::documents_of(r, app_id))
        .unwrap()
        .into_iter()
        .find(|d| d.number == number)
        .map(|d| serde_json::from_str(&d.content).unwrap())
        .expect("the document")
}

#[test]
fn a_paper_signed_the_old_way_still_verifies_as_legacy() {
    let o = office();
    let (id, number, _) = sign_one(&o, &o.key, PIN);
    let content = stored_content(&o.desk, id, &number);
    // The first versions' paper: the signature in the QR payload, the record in the Info
    // dictionary, made here as those versions did.
    let signer = KeyFileProvider.unlock(&o.key, PIN).unwrap();
    let info = signing::cert_info(signer.certificate_der()).unwrap();
    let signed_at = o.desk.now().timestamp();
    let mut payload = VerificationPayload::unsigned(&content);
    let base = documents::render(&content, Langs::Both, &Stamp::unsigned(&content)).unwrap();
    let base_sha: [u8; 32] = {
        use sha2::Digest;
        sha2::Sha256::digest(&base).into()
    };
    let message = payload.signed_message(&base_sha, signed_at, &info.serial_hex);
    payload.seal = Some(SealRef {
        pdf_sha256: base_sha,
        signed_at,
        cert_serial: info.serial_hex.clone(),
        signature: signer.sign(&message).unwrap(),
    });
    let record = VerificationRecord {
        content: content.clone(),
        certificate: base64::engine::general_purpose::STANDARD.encode(signer.certificate_der()),
        qr: payload.encode(),
        signer: info.common_name.clone(),
        signed_at_local: o.desk.local(o.desk.now()),
        cert_serial: info.serial_hex.clone(),
    };
    let old = documents::render(&content, Langs::Both, &Stamp::signed(&record)).unwrap();
    let v = o.desk.verify_pdf(&old).unwrap();
    let Verdict::Valid { format, .. } = &v else {
        panic!("{v:?}");
    };
    assert_eq!(format, "legacy");
    assert!(
        v.line(Lang::Ru).contains("первых версий"),
        "{}",
        v.line(Lang::Ru)
    );
    assert!(
        v.line(Lang::Kk).contains("алғашқы нұсқаларының"),
        "{}",
        v.line(Lang::Kk)
    );
    // Its QR text still verifies too.
    assert!(o.desk.verify_payload(&record.qr).unwrap().is_valid());
    // One changed byte still breaks it.
    let mut bad = old.clone();
    let n = bad.len();
    bad[n - 10] ^= 1;
    assert!(!o.desk.verify_pdf(&bad).unwrap().is_valid());
}

#[test]
fn copies_are_marked_and_unsigned_papers_claim_no_signature() {
    let o = office();
    let (id, number, paper) = sign_one(&o, &o.key, PIN);
    let app = o
        .desk
        .application(&o.registrar, &id.to_string())
        .unwrap()
        .app
        .number;
    // The QR of the signed paper is the reference an offline check needs, and it verifies.
    let doc = documents::extract::load(&paper).unwrap();
    let qr = documents::extract::qr_text(&doc).unwrap();
    assert!(o.desk.verify_payload(&qr).unwrap().is_valid(), "{qr}");
    for (langs, mark) in [(Langs::Ru, "КОПИЯ"), (Langs::Kk, "КӨШІРМЕ")] {
        let copy = o
            .desk
            .document_pdf(&o.registrar, &app, Some("result"), langs)
            .unwrap();
        let doc = documents::extract::load(&copy).unwrap();
        let text = documents::extract::page_texts(&doc).join("\n");
        assert!(text.contains(mark), "{text}");
        assert!(text.contains(&number), "{text}");
        assert!(!text.contains("равнозначен"), "{text}");
        assert!(!text.contains("Подписано ЭЦП"), "{text}");
        // The copy's QR leads to the original.
        let q = documents::extract::qr_text(&doc).unwrap();
        assert!(o.desk.verify_payload(&q).unwrap().is_valid());
        // And the copy itself is no signed paper.
        assert!(!o.desk.verify_pdf(&copy).unwrap().is_valid());
    }
    let receipt = o
        .desk
        .document_pdf(&o.registrar, &app, Some("receipt"), Langs::Both)
        .unwrap();
    let text =
        documents::extract::page_texts(&documents::extract::load(&receipt).unwrap()).join("\n");
    assert!(text.contains("не подписан"), "{text}");
    assert!(!text.contains("равнозначен"), "{text}");
    assert!(!text.contains("подписанные электронной"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_qr_leads_to_a_gateway_page_with_only_the_printed_facts() {
    let t = tempfile::tempdir().unwrap();
    let db = t.path().join("gateway.sqlite");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mio_desk::gateway::serve(listener, db.clone(), async move {
        let _ = stopped.await;
    }));
    let base = format!("http://{addr}");
    let (qr, facts) = tokio::task::spawn_blocking({
        let base = base.clone();
        move || {
            let o = office();
            o.desk
                .set_gateway_config(
                    None,
                    &mio_desk::desk::exchange::GatewayConfig {
                        url: base,
                        token: "unused".into(),
                    },
                )
                .unwrap();
            let (id, number, paper) = sign_one(&o, &o.key, PIN);
            let qr =
                documents::extract::qr_text(&documents::extract::load(&paper).unwrap()).unwrap();
            // The office checks the same QR text offline.
            assert!(o.desk.verify_payload(&qr).unwrap().is_valid(), "{qr}");
            let content = stored_content(&o.desk, id, &number);
            let payload = VerificationPayload::unsigned(&content);
            let facts = mio_desk::gateway::store::PaperFacts {
                number,
                office: "0412".into(),
                date: content.date.to_string(),
                kind: "unemployed_certificate".into(),
                holder: payload.masked_iin.clone().unwrap(),
                signer: "Өтегенова Сәуле".into(),
                content_sha256: hex::encode(payload.content_sha256),
                pdf_sha256: {
                    use sha2::Digest;
                    hex::encode(sha2::Sha256::digest(&paper))
                },
                status: "signed".into(),
            };
            (qr, facts)
        }
    })
    .await
    .unwrap();
    assert!(
        qr.starts_with(&format!("{base}/verify/{}?", facts.number)),
        "{qr}"
    );
    let _ = rustls::crypto::ring::default_provider().install_default();
    let page = |url: String| async move {
        let r = reqwest::get(&url).await.unwrap();
        assert!(r.status().is_success());
        r.text().await.unwrap()
    };
    // Before the gateway learned the paper it is unknown.
    let before = page(qr.clone()).await;
    assert!(before.contains("неизвестен"), "{before}");
    let store = mio_desk::gateway::store::GatewayStore::open(&db).unwrap();
    // Only the office that signed it is believed.
    assert!(!store.learn_paper("9999", &facts).unwrap());
    assert!(store.learn_paper("0412", &facts).unwrap());
    let body = page(qr.clone()).await;
    for shown in [
        facts.number.as_str(),
        "Өтегенова Сәуле",
        facts.holder.as_str(),
        "Документ подписан ЭЦП",
        "Құжатқа ЭЦҚ қойылған",
    ] {
        assert!(body.contains(shown), "{shown}: {body}");
    }
    assert!(
        !body.contains("850315300128"),
        "the full ИИН is not printed"
    );
    // A wrong hash and an unknown number get the very same answer.
    let wrong = page(format!(
        "{base}/verify/{}?h=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        facts.number
    ))
    .await;
    let unknown = page(format!(
        "{base}/verify/0412-02-2026-R99999?h=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    ))
    .await;
    let no_hash = page(format!("{base}/verify/{}", facts.number)).await;
    assert_eq!(wrong, unknown);
    assert_eq!(no_hash, unknown);
    assert!(!unknown.contains(&facts.number));
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
