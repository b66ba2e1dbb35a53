//! Signing keys as НУЦ РК issues them: PKCS#12 files (`.p12`) with a password, holding an RSA
//! (2048 or 3072) or ECDSA P-256 private key and its certificate chain. The office CA stand-in
//! writes its keys in the same form (the password is the user's PIN), and a head's own `.p12`
//! made elsewhere opens the same way. Ed25519 keys of the first key-file format still open
//! through [`super::open_key`].

use p12_keystore::{
    Certificate as P12Cert, KeyStore, KeyStoreEntry, Pkcs12ImportPolicy, PrivateKey,
    PrivateKeyChain,
};
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, Ed25519KeyPair, RSA_PKCS1_SHA256, RsaKeyPair,
};

use super::pades::KeyKind;
use super::{SigError, Signer, malformed};

/// A key taken out of a PKCS#12 file: the private key (PKCS#8) and the certificates, the
/// signer's first.
pub struct P12Key {
    pub key_pkcs8: Vec<u8>,
    pub chain: Vec<Vec<u8>>,
}

/// Whether bytes look like a PKCS#12 file (a DER SEQUENCE) rather than our JSON key file.
pub fn looks_like_p12(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30)
}

/// Opens a PKCS#12 file with its password.
pub fn open_p12(bytes: &[u8], password: &str) -> Result<P12Key, SigError> {
    let store = KeyStore::from_pkcs12(bytes, password, Pkcs12ImportPolicy::Relaxed).map_err(
        |e| match e {
            p12_keystore::error::Error::MacError(_) => SigError::WrongPin,
            _ => SigError::KeyFileDamaged,
        },
    )?;
    let (_, chain) = store.private_key_chain().ok_or(SigError::NoSigningKey)?;
    let certs: Vec<Vec<u8>> = chain.certs().iter().map(|c| c.as_der().to_vec()).collect();
    if certs.is_empty() {
        return Err(SigError::NoSigningKey);
    }
    Ok(P12Key {
        key_pkcs8: chain.key().as_der().to_vec(),
        chain: certs,
    })
}

/// Writes a private key and its chain (the signer's certificate first) as a PKCS#12 file
/// sealed with a password (PBES2 with AES-256 and an HMAC-SHA-256 MAC, as `openssl pkcs12`
/// writes by default).
pub fn make_p12(key_pkcs8: &[u8], chain: &[Vec<u8>], password: &str) -> Result<Vec<u8>, SigError> {
    let key = PrivateKey::from_der(key_pkcs8).map_err(malformed)?;
    let certs = chain
        .iter()
        .map(|c| P12Cert::from_der(c).map_err(malformed))
        .collect::<Result<Vec<_>, _>>()?;
    let id: Vec<u8> = {
        use sha2::Digest;
        sha2::Sha256::digest(chain.first().map(Vec::as_slice).unwrap_or_default())[..20].to_vec()
    };
    let mut store = KeyStore::new();
    store.add_entry(
        "signing key",
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(id, key, certs)),
    );
    store.writer(password).write().map_err(malformed)
}

enum Pair {
    Rsa(RsaKeyPair),
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// A key ready to sign, with its certificate chain.
pub struct KeySigner {
    pair: Pair,
    chain: Vec<Vec<u8>>,
}

impl KeySigner {
    /// A signer from a private key (PKCS#8) and its chain, the signer's certificate first.
    /// The key must be the one of that certificate.
    pub fn new(key_pkcs8: &[u8], chain: Vec<Vec<u8>>) -> Result<KeySigner, SigError> {
        let cert = chain.first().ok_or(SigError::NoSigningKey)?;
        let kind = KeyKind::of_certificate(cert)?;
        let pair = match kind {
            KeyKind::Rsa => {
                Pair::Rsa(RsaKeyPair::from_pkcs8(key_pkcs8).map_err(|_| SigError::NoSigningKey)?)
            }
            KeyKind::EcdsaP256 => Pair::Ecdsa(
                EcdsaKeyPair::from_pkcs8(
                    &ECDSA_P256_SHA256_ASN1_SIGNING,
                    key_pkcs8,
                    &SystemRandom::new(),
                )
                .map_err(|_| SigError::NoSigningKey)?,
            ),
            KeyKind::Ed25519 => Pair::Ed25519(
                Ed25519KeyPair::from_pkcs8_maybe_unchecked(key_pkcs8)
                    .map_err(|_| SigError::NoSigningKey)?,
            ),
        };
        let signer = KeySigner { pair, chain };
        // The key must belong to the certificate: sign a probe and check it.
        let probe = b"mio-desk key probe";
        let sig = signer.sign(probe)?;
        super::pades::verify_with(&signer.chain[0], kind, probe, &sig)
            .map_err(|_| SigError::KeyNotCertificate)?;
        Ok(signer)
    }
}

impl Signer for KeySigner {
    fn certificate_der(&self) -> &[u8] {
        &self.chain[0]
    }
    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SigError> {
        let rng = SystemRandom::new();
        match &self.pair {
            Pair::Rsa(k) => {
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(&RSA_PKCS1_SHA256, &rng, message, &mut sig)
                    .map_err(|_| malformed("RSA signing failed"))?;
                Ok(sig)
            }
            Pair::Ecdsa(k) => Ok(k
                .sign(&rng, message)
                .map_err(|_| malformed("ECDSA signing failed"))?
                .as_ref()
                .to_vec()),
            Pair::Ed25519(k) => Ok(k.sign(message).as_ref().to_vec()),
        }
    }
}
