use super::*;

const NOW: i64 = 1_795_000_000; // 2026-11-19

fn subject(iin: &str) -> Subject {
    Subject {
        full_name: "Өтегенова Сәуле".into(),
        iin: iin.into(),
        organization: "Ақсу бөлімі".into(),
    }
}

struct World {
    ca: OfficeCa,
    user: Issued,
    trust: Trust,
}

fn world() -> World {
    let ca = OfficeCa::create("Ақсу бөлімі", "0412", NOW - 86_400).unwrap();
    let user = ca
        .issue(&subject("850315300128"), NOW - 3600, NOW + 365 * 86_400)
        .unwrap();
    let crl = ca.crl(&[], NOW - 60, NOW + 7 * 86_400, 1).unwrap();
    let trust = Trust {
        ca_certs: vec![ca.cert_der.clone()],
        crls: vec![crl],
    };
    World { ca, user, trust }
}

#[test]
fn a_good_certificate_signs_and_verifies() {
    let w = world();
    let info =
        check_certificate(&w.trust, &w.user.cert_der, NOW, NOW, Some("850315300128")).unwrap();
    assert_eq!(info.iin.as_deref(), Some("850315300128"));
    assert_eq!(info.common_name, "Өтегенова Сәуле");
    assert_eq!(info.serial_hex, w.user.serial_hex);
    let file = seal_key(
        &w.user.key_pkcs8,
        &w.user.cert_der,
        "246810",
        KdfParams::FAST,
    )
    .unwrap();
    let signer = KeyFileProvider.unlock(&file, "246810").unwrap();
    let sig = signer.sign(b"document").unwrap();
    verify_signature(signer.certificate_der(), b"document", &sig).unwrap();
    assert_eq!(
        verify_signature(signer.certificate_der(), b"documenT", &sig),
        Err(SigError::BadSignature)
    );
}

#[test]
fn the_key_file_is_never_in_clear_and_needs_its_pin() {
    let w = world();
    let file = seal_key(
        &w.user.key_pkcs8,
        &w.user.cert_der,
        "246810",
        KdfParams::FAST,
    )
    .unwrap();
    // The private key bytes do not appear in the file in any encoding we use.
    let b64 = B64.encode(&w.user.key_pkcs8);
    let text = String::from_utf8_lossy(&file);
    assert!(!text.contains(&b64));
    assert!(
        !file
            .windows(w.user.key_pkcs8.len())
            .any(|x| x == w.user.key_pkcs8.as_slice())
    );
    assert_eq!(
        KeyFileProvider.unlock(&file, "135790").err(),
        Some(SigError::WrongPin)
    );
    assert_eq!(
        KeyFileProvider.unlock(b"garbage", "246810").err(),
        Some(SigError::KeyFileDamaged)
    );
    // A changed certificate beside the key breaks the seal (the certificate is authenticated).
    let other =
        w.ca.issue(&subject("791028302728"), NOW, NOW + 1000)
            .unwrap();
    let mut f: KeyFileV1 = serde_json::from_slice(&file).unwrap();
    f.certificate = B64.encode(&other.cert_der);
    let swapped = serde_json::to_vec(&f).unwrap();
    assert_eq!(
        KeyFileProvider.unlock(&swapped, "246810").err(),
        Some(SigError::WrongPin)
    );
    assert_eq!(key_file_certificate(&file).unwrap(), w.user.cert_der);
}

#[test]
fn each_check_has_its_own_failure() {
    let w = world();
    // Wrong ИИН.
    assert!(matches!(
        check_certificate(&w.trust, &w.user.cert_der, NOW, NOW, Some("791028302728")),
        Err(SigError::IinMismatch { .. })
    ));
    // Expired and not yet valid at signing time.
    let old =
        w.ca.issue(&subject("850315300128"), NOW - 1000, NOW - 10)
            .unwrap();
    assert!(matches!(
        check_certificate(&w.trust, &old.cert_der, NOW, NOW, None),
        Err(SigError::Expired { .. })
    ));
    let future =
        w.ca.issue(&subject("850315300128"), NOW + 1000, NOW + 2000)
            .unwrap();
    assert!(matches!(
        check_certificate(&w.trust, &future.cert_der, NOW, NOW, None),
        Err(SigError::NotYetValid { .. })
    ));
    // Revoked.
    let revoked = Trust {
        ca_certs: w.trust.ca_certs.clone(),
        crls: vec![
            w.ca.crl(
                &[(w.user.serial_hex.clone(), NOW - 5)],
                NOW - 5,
                NOW + 86_400,
                2,
            )
            .unwrap(),
        ],
    };
    assert!(matches!(
        check_certificate(&revoked, &w.user.cert_der, NOW, NOW, None),
        Err(SigError::Revoked { .. })
    ));
    // A stale CRL is "cannot verify", not "valid".
    let stale = Trust {
        ca_certs: w.trust.ca_certs.clone(),
        crls: vec![w.ca.crl(&[], NOW - 10 * 86_400, NOW - 86_400, 3).unwrap()],
    };
    assert!(matches!(
        check_certificate(&stale, &w.user.cert_der, NOW, NOW, None),
        Err(SigError::CrlStale { .. })
    ));
    let none = Trust {
        ca_certs: w.trust.ca_certs.clone(),
        crls: vec![],
    };
    assert_eq!(
        check_certificate(&none, &w.user.cert_der, NOW, NOW, None),
        Err(SigError::CrlMissing)
    );
    // A foreign authority: neither its certificates nor its CRL are trusted.
    let foreign = OfficeCa::create("Басқа бөлім", "9999", NOW - 86_400).unwrap();
    let intruder = foreign
        .issue(&subject("850315300128"), NOW - 10, NOW + 1000)
        .unwrap();
    assert_eq!(
        check_certificate(&w.trust, &intruder.cert_der, NOW, NOW, Some("850315300128")),
        Err(SigError::UntrustedIssuer)
    );
    let forged_crl = Trust {
        ca_certs: w.trust.ca_certs.clone(),
        crls: vec![foreign.crl(&[], NOW - 5, NOW + 86_400, 9).unwrap()],
    };
    assert_eq!(
        check_certificate(&forged_crl, &w.user.cert_der, NOW, NOW, None),
        Err(SigError::CrlUntrusted)
    );
    // Garbage.
    assert!(matches!(
        check_certificate(&w.trust, b"not a certificate", NOW, NOW, None),
        Err(SigError::Malformed(_))
    ));
}

#[test]
fn the_ca_survives_a_reload() {
    let w = world();
    let again = OfficeCa::load(&w.ca.cert_der, &w.ca.key_pkcs8()).unwrap();
    let u = again
        .issue(&subject("850315300128"), NOW - 10, NOW + 1000)
        .unwrap();
    assert!(check_certificate(&w.trust, &u.cert_der, NOW, NOW, None).is_ok());
}

#[test]
fn messages_name_the_reason_in_both_languages() {
    for e in [
        SigError::Revoked { at: "x".into() },
        SigError::CrlStale {
            next_update: "x".into(),
        },
        SigError::UntrustedIssuer,
        SigError::IinMismatch {
            cert_iin: "1".into(),
            user_iin: "2".into(),
        },
    ] {
        let kk = e.message(Lang::Kk);
        let ru = e.message(Lang::Ru);
        assert!(ru.contains("подлинность ЭЦП не подтверждена"), "{ru}");
        assert!(kk.contains("ЭЦҚ"), "{kk}");
        assert_ne!(kk, ru);
    }
}

#[test]
fn a_certificate_changed_outside_its_signed_part_is_refused() {
    let w = world();
    let der = &w.user.cert_der;
    assert!(is_canonical(der));
    // The outer algorithm identifier (ecdsa-with-SHA256) sits after the signed part;
    // x509-parser reads an OID whose tag says INTEGER all the same, and the CA's signature
    // does not cover it.
    let alg = [
        0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
    ];
    let at = der.windows(alg.len()).rposition(|w| w == alg).unwrap();
    let mut bad = der.clone();
    bad[at + 2] = 0x02;
    assert!(matches!(
        check_certificate(&w.trust, &bad, NOW, NOW, None),
        Err(SigError::Malformed(_))
    ));
    assert!(matches!(cert_info(&bad), Err(SigError::Malformed(_))));
}

#[test]
fn der_lengths_take_the_shortest_form() {
    assert_eq!(der_length(0x41), vec![0x41]);
    assert_eq!(der_length(0x7f), vec![0x7f]);
    assert_eq!(der_length(0x80), vec![0x81, 0x80]);
    assert_eq!(der_length(0x2b1), vec![0x82, 0x02, 0xb1]);
}

#[test]
fn the_office_ca_issues_pkcs12_keys_sealed_with_the_pin() {
    let w = world();
    let file = p12::make_p12(
        &w.user.key_pkcs8,
        &[w.user.cert_der.clone(), w.ca.cert_der.clone()],
        "246810",
    )
    .unwrap();
    assert!(p12::looks_like_p12(&file));
    // The private key is not in the file in clear.
    assert!(
        !file
            .windows(w.user.key_pkcs8.len())
            .any(|x| x == w.user.key_pkcs8.as_slice())
    );
    let signer = KeyFileProvider.unlock(&file, "246810").unwrap();
    assert_eq!(signer.certificate_der(), w.user.cert_der.as_slice());
    assert_eq!(signer.chain().len(), 2);
    let sig = signer.sign(b"document").unwrap();
    verify_signature(signer.certificate_der(), b"document", &sig).unwrap();
    assert_eq!(
        KeyFileProvider.unlock(&file, "135790").err(),
        Some(SigError::WrongPin)
    );
    let mut damaged = file.clone();
    damaged.truncate(file.len() / 2);
    assert_eq!(
        KeyFileProvider.unlock(&damaged, "246810").err(),
        Some(SigError::KeyFileDamaged)
    );
    // A key beside someone else's certificate is refused.
    let other =
        w.ca.issue(&subject("791028302728"), NOW, NOW + 1000)
            .unwrap();
    let mixed = p12::make_p12(&w.user.key_pkcs8, &[other.cert_der], "246810").unwrap();
    assert_eq!(
        KeyFileProvider.unlock(&mixed, "246810").err(),
        Some(SigError::KeyNotCertificate)
    );
}

#[test]
fn a_chain_through_an_intermediate_and_a_carried_list() {
    let w = world();
    // The root alone is trusted; the signature carries the list the signer was checked
    // against, current when it signed.
    let trust = Trust {
        ca_certs: vec![w.ca.cert_der.clone()],
        crls: vec![],
    };
    let carried = w.ca.crl(&[], NOW - 60, NOW + 86_400, 5).unwrap();
    let c = check_chain(
        &trust,
        &w.user.cert_der,
        &[],
        std::slice::from_ref(&carried),
        NOW,
        NOW + 10 * 86_400,
        None,
        true,
    )
    .unwrap();
    assert_eq!(c.revocation, Revocation::AtSigning);
    assert_eq!(c.issuer, w.ca.cert_der);
    // A list that lists it revokes it.
    let listing =
        w.ca.crl(
            &[(w.user.serial_hex.clone(), NOW - 5)],
            NOW - 5,
            NOW + 86_400,
            6,
        )
        .unwrap();
    assert!(matches!(
        check_chain(
            &trust,
            &w.user.cert_der,
            &[],
            &[listing],
            NOW,
            NOW,
            None,
            true
        ),
        Err(SigError::Revoked { .. })
    ));
    // No list at all: refused where revocation is required, said so where it is not.
    assert_eq!(
        check_chain(&trust, &w.user.cert_der, &[], &[], NOW, NOW, None, true).err(),
        Some(SigError::CrlMissing)
    );
    assert_eq!(
        check_chain(&trust, &w.user.cert_der, &[], &[], NOW, NOW, None, false)
            .unwrap()
            .revocation,
        Revocation::NotChecked
    );
    // A list from another authority proves nothing.
    let foreign = OfficeCa::create("Басқа", "9999", NOW - 86_400).unwrap();
    let alien = foreign.crl(&[], NOW - 60, NOW + 86_400, 1).unwrap();
    assert_eq!(
        check_chain(
            &trust,
            &w.user.cert_der,
            &[],
            &[alien],
            NOW,
            NOW,
            None,
            false
        )
        .unwrap()
        .revocation,
        Revocation::NotChecked
    );
}

#[test]
fn pem_round_trips() {
    let w = world();
    let pem = to_pem(&w.ca.cert_der, "CERTIFICATE");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert_eq!(
        from_pem(pem.as_bytes(), "CERTIFICATE"),
        Some(w.ca.cert_der.clone())
    );
    assert_eq!(
        from_pem(&w.ca.cert_der, "CERTIFICATE"),
        Some(w.ca.cert_der.clone())
    );
    assert_eq!(from_pem(b"hello", "CERTIFICATE"), None);
    assert_eq!(from_pem(pem.as_bytes(), "X509 CRL"), None);
}
