//! Signing keys: RSA (PKCS#1 v1.5 over SHA-1 or SHA-256) and ECDSA P-256, read from PEM
//! (cloudfront.md §5.3). The crates do the cryptography; this file only picks the scheme.
//!
//! CloudFront trusts RSA keys of exactly 2048 bits and ECDSA P-256 keys, so any other key
//! is refused when it is read, for signing and verifying alike, naming what it is.

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs1v15::{Signature as RsaSignature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use std::fmt;

/// The only RSA modulus length CloudFront accepts in a trusted key group.
pub const RSA_BITS: usize = 2048;

/// What CloudFront accepts, for messages.
const ACCEPTED: &str = "CloudFront trusts RSA 2048-bit and ECDSA P-256 keys (cloudfront.md §5.3)";

/// Refuses an RSA key whose modulus is not [`RSA_BITS`] long.
fn rsa_2048<K: PublicKeyParts>(key: K) -> Result<K, KeyError> {
    let bits = key.n().bits();
    if bits == RSA_BITS {
        Ok(key)
    } else {
        Err(KeyError(format!("an RSA key of {bits} bits: {ACCEPTED}")))
    }
}

/// What a PKCS#8 or SubjectPublicKeyInfo PEM holds, by its algorithm identifier, so that
/// a refused key is named by what it really is.
fn algorithm_in(pem: &str) -> String {
    use rsa::pkcs8::der::Decode;
    use rsa::pkcs8::{Document, PrivateKeyInfo, SubjectPublicKeyInfoRef};
    let Ok((_, doc)) = Document::from_pem(pem) else {
        return "text that is not valid PEM".into();
    };
    let algorithm = match SubjectPublicKeyInfoRef::from_der(doc.as_bytes()) {
        Ok(info) => info.algorithm,
        Err(_) => match PrivateKeyInfo::from_der(doc.as_bytes()) {
            Ok(info) => info.algorithm,
            Err(_) => return "a DER structure that is not a key".into(),
        },
    };
    let curve = algorithm.parameters_oid().map(|c| c.to_string());
    match (algorithm.oid.to_string().as_str(), curve.as_deref()) {
        ("1.2.840.113549.1.1.1", _) => "an RSA key".into(),
        ("1.2.840.10045.2.1", Ok("1.2.840.10045.3.1.7")) => "an ECDSA P-256 key".into(),
        ("1.2.840.10045.2.1", Ok("1.3.132.0.34")) => "an ECDSA P-384 key".into(),
        ("1.2.840.10045.2.1", Ok("1.3.132.0.35")) => "an ECDSA P-521 key".into(),
        ("1.2.840.10045.2.1", Ok("1.3.132.0.10")) => "an ECDSA secp256k1 key".into(),
        ("1.2.840.10045.2.1", Ok(c)) => format!("an ECDSA key on curve {c}"),
        ("1.3.101.112", _) => "an Ed25519 key".into(),
        ("1.3.101.113", _) => "an Ed448 key".into(),
        ("1.3.101.110", _) => "an X25519 key".into(),
        ("1.2.840.10040.4.1", _) => "a DSA key".into(),
        (oid, _) => format!("a key of algorithm {oid}"),
    }
}

/// The hash a signature is made over: SHA-1 unless `Hash-Algorithm=SHA256` says otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Hash {
    /// SHA-1, CloudFront's default.
    #[default]
    Sha1,
    /// SHA-256.
    Sha256,
}

impl Hash {
    /// The value of `Hash-Algorithm` / `CloudFront-Hash-Algorithm`.
    pub fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA1",
            Hash::Sha256 => "SHA256",
        }
    }

    /// The hash named `name` (case-insensitive), if it is one.
    pub fn parse(name: &str) -> Option<Hash> {
        match name.to_ascii_uppercase().as_str() {
            "SHA1" => Some(Hash::Sha1),
            "SHA256" => Some(Hash::Sha256),
            _ => None,
        }
    }
}

/// Why a key could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyError(pub String);

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A private key that signs policies.
#[derive(Clone, Debug)]
pub enum PrivateKey {
    /// RSA (boxed: it is ten times the size of a P-256 key).
    Rsa(Box<RsaPrivateKey>),
    /// ECDSA on P-256.
    Ecdsa(p256::ecdsa::SigningKey),
}

/// A public key that verifies signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// RSA.
    Rsa(RsaPublicKey),
    /// ECDSA on P-256.
    Ecdsa(p256::ecdsa::VerifyingKey),
}

impl PrivateKey {
    /// Reads a PEM private key: RSA in PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8
    /// (`PRIVATE KEY`), or P-256 in SEC1 (`EC PRIVATE KEY`) or PKCS#8.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        if pem.contains("BEGIN RSA PRIVATE KEY") {
            let key = RsaPrivateKey::from_pkcs1_pem(pem)
                .map_err(|e| KeyError(format!("not a PKCS#1 RSA private key: {e}")))?;
            return rsa_2048(key).map(|k| PrivateKey::Rsa(Box::new(k)));
        }
        if pem.contains("BEGIN EC PRIVATE KEY") {
            use p256::elliptic_curve::SecretKey;
            return SecretKey::<p256::NistP256>::from_sec1_pem(pem)
                .map(|k| PrivateKey::Ecdsa(k.into()))
                .map_err(|e| KeyError(format!("not a SEC1 P-256 private key: {e}")));
        }
        if pem.contains("BEGIN PRIVATE KEY") {
            if let Ok(k) = RsaPrivateKey::from_pkcs8_pem(pem) {
                return rsa_2048(k).map(|k| PrivateKey::Rsa(Box::new(k)));
            }
            return p256::ecdsa::SigningKey::from_pkcs8_pem(pem)
                .map(PrivateKey::Ecdsa)
                .map_err(|_| KeyError(format!("{}: {ACCEPTED}", algorithm_in(pem))));
        }
        Err(KeyError(
            "expected a PEM private key (RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY)".into(),
        ))
    }

    /// The matching public key.
    pub fn public(&self) -> PublicKey {
        match self {
            PrivateKey::Rsa(k) => PublicKey::Rsa(k.to_public_key()),
            PrivateKey::Ecdsa(k) => PublicKey::Ecdsa(*k.verifying_key()),
        }
    }

    /// Signs `message` with `hash`: PKCS#1 v1.5 for RSA, DER-encoded ECDSA for P-256.
    pub fn sign(&self, message: &[u8], hash: Hash) -> Vec<u8> {
        match (self, hash) {
            (PrivateKey::Rsa(k), Hash::Sha1) => SigningKey::<sha1::Sha1>::new(k.as_ref().clone())
                .sign(message)
                .to_vec(),
            (PrivateKey::Rsa(k), Hash::Sha256) => {
                SigningKey::<sha2::Sha256>::new(k.as_ref().clone())
                    .sign(message)
                    .to_vec()
            }
            (PrivateKey::Ecdsa(k), hash) => {
                use p256::ecdsa::signature::hazmat::PrehashSigner;
                let s: p256::ecdsa::Signature = k
                    .sign_prehash(&digest(message, hash))
                    .expect("a SHA digest is long enough for P-256");
                s.to_der().as_bytes().to_vec()
            }
        }
    }
}

/// The SHA-1 or SHA-256 digest of `message`.
fn digest(message: &[u8], hash: Hash) -> Vec<u8> {
    use sha2::Digest;
    match hash {
        Hash::Sha1 => sha1::Sha1::digest(message).to_vec(),
        Hash::Sha256 => sha2::Sha256::digest(message).to_vec(),
    }
}

impl PublicKey {
    /// Reads a PEM public key: SubjectPublicKeyInfo (`PUBLIC KEY`, RSA or P-256, the form
    /// CloudFront takes) or PKCS#1 (`RSA PUBLIC KEY`).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        if pem.contains("BEGIN RSA PUBLIC KEY") {
            let key = RsaPublicKey::from_pkcs1_pem(pem)
                .map_err(|e| KeyError(format!("not a PKCS#1 RSA public key: {e}")))?;
            return rsa_2048(key).map(PublicKey::Rsa);
        }
        if pem.contains("BEGIN PUBLIC KEY") {
            if let Ok(k) = RsaPublicKey::from_public_key_pem(pem) {
                return rsa_2048(k).map(PublicKey::Rsa);
            }
            return p256::ecdsa::VerifyingKey::from_public_key_pem(pem)
                .map(PublicKey::Ecdsa)
                .map_err(|_| KeyError(format!("{}: {ACCEPTED}", algorithm_in(pem))));
        }
        Err(KeyError(
            "expected a PEM public key (PUBLIC KEY or RSA PUBLIC KEY)".into(),
        ))
    }

    /// Whether `signature` is a valid signature of `message` with `hash`.
    pub fn verify(&self, message: &[u8], signature: &[u8], hash: Hash) -> bool {
        match self {
            PublicKey::Rsa(k) => {
                let Ok(sig) = RsaSignature::try_from(signature) else {
                    return false;
                };
                match hash {
                    Hash::Sha1 => VerifyingKey::<sha1::Sha1>::new(k.clone()).verify(message, &sig),
                    Hash::Sha256 => {
                        VerifyingKey::<sha2::Sha256>::new(k.clone()).verify(message, &sig)
                    }
                }
                .is_ok()
            }
            PublicKey::Ecdsa(k) => {
                use p256::ecdsa::signature::hazmat::PrehashVerifier;
                let Ok(sig) = p256::ecdsa::Signature::from_der(signature) else {
                    return false;
                };
                k.verify_prehash(&digest(message, hash), &sig).is_ok()
            }
        }
    }
}
