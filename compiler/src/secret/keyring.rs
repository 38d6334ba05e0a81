//! The keyring: a passcode, and the keys derived from it, one per salt.

use super::envelope::{Envelope, EnvelopeError, NONCE_LEN, SALT_LEN};
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use std::cell::{Cell, RefCell};
use zeroize::Zeroizing;

/// Argon2id memory cost of `dg1`, in KiB: 19 MiB.
///
/// `dg1` fixes the costs so the envelope stays short and no file can ask a
/// build for an absurd amount of work. The figures are OWASP's first
/// recommended Argon2id setting (m = 19 MiB, t = 2, p = 1; also the argon2
/// crate's default): it costs an attacker guessing a leaked file's
/// passcode the memory-hard work per guess, while a build derives one key
/// per environment file and stays fast: about 30 ms in a release build,
/// and well under a second in the dev profile, which builds dependencies
/// at opt-level 1 (test suites derive many keys). The strength that
/// remains is the passcode's: use a long random one.
pub const ARGON2_M_KIB: u32 = 19 * 1024;
/// Argon2id passes of `dg1`.
pub const ARGON2_T: u32 = 2;
/// Argon2id lanes of `dg1`.
pub const ARGON2_P: u32 = 1;

/// Why a secret could not be opened or sealed. Messages name the secret's
/// path and never carry plaintext or key material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretError {
    /// The text is not a `dg1:` envelope.
    Malformed {
        path: String,
        problem: EnvelopeError,
    },
    /// Authentication failed: a wrong passcode, a changed envelope, or an
    /// envelope made for another path (AES-GCM cannot tell these apart).
    Open { path: String },
    /// The plaintext is too large to seal, or the key could not be derived.
    Crypto { path: String, problem: &'static str },
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretError::Malformed { path, problem } => {
                write!(
                    f,
                    "the secret `{path}` is not an encrypted value: {problem}"
                )
            }
            SecretError::Open { path } => write!(
                f,
                "the secret `{path}` does not decrypt: the passcode is wrong, the ciphertext \
                 was changed, or it was encrypted for another path"
            ),
            SecretError::Crypto { path, problem } => {
                write!(f, "the secret `{path}` cannot be processed: {problem}")
            }
        }
    }
}

impl std::error::Error for SecretError {}

/// A passcode and the keys derived from it, one per distinct salt: a run
/// over a file whose secrets share a salt derives one key.
pub struct Keyring {
    passcode: Zeroizing<Vec<u8>>,
    keys: RefCell<Vec<([u8; SALT_LEN], Zeroizing<[u8; 32]>)>>,
    derivations: Cell<usize>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keyring({} keys)", self.keys.borrow().len())
    }
}

impl Keyring {
    pub fn new(passcode: Zeroizing<Vec<u8>>) -> Keyring {
        Keyring {
            passcode,
            keys: RefCell::new(Vec::new()),
            derivations: Cell::new(0),
        }
    }

    /// How many keys were derived so far (each one Argon2id run).
    pub fn derivations(&self) -> usize {
        self.derivations.get()
    }

    /// The cipher for `salt`, deriving its key on first use.
    fn cipher(&self, salt: &[u8; SALT_LEN], path: &str) -> Result<Aes256Gcm, SecretError> {
        if let Some((_, key)) = self.keys.borrow().iter().find(|(s, _)| s == salt) {
            return Ok(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key[..])));
        }
        let crypto = |problem| SecretError::Crypto {
            path: path.to_string(),
            problem,
        };
        let params = argon2::Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, Some(32))
            .map_err(|_| crypto("invalid key-derivation parameters"))?;
        let kdf = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut key = Zeroizing::new([0u8; 32]);
        kdf.hash_password_into(&self.passcode, salt, &mut key[..])
            .map_err(|_| crypto("the key could not be derived"))?;
        self.derivations.set(self.derivations.get() + 1);
        let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key[..]));
        self.keys.borrow_mut().push((*salt, key));
        Ok(cipher)
    }

    /// Decrypts the envelope of the secret at `path` (`group.key`, see
    /// [`super::aad_path`]).
    pub fn open(&self, envelope: &str, path: &str) -> Result<Zeroizing<Vec<u8>>, SecretError> {
        let e = Envelope::parse(envelope).map_err(|problem| SecretError::Malformed {
            path: path.to_string(),
            problem,
        })?;
        let cipher = self.cipher(&e.salt, path)?;
        let payload = Payload {
            msg: &e.sealed,
            aad: path.as_bytes(),
        };
        cipher
            .decrypt(Nonce::from_slice(&e.nonce), payload)
            .map(Zeroizing::new)
            .map_err(|_| SecretError::Open {
                path: path.to_string(),
            })
    }

    /// Encrypts `plaintext` for the secret at `path` with the key of
    /// `salt` and a fresh random nonce from the operating system.
    pub fn seal(
        &self,
        plaintext: &[u8],
        path: &str,
        salt: [u8; SALT_LEN],
    ) -> Result<String, SecretError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        self.seal_with_nonce(plaintext, path, salt, nonce.into())
    }

    /// [`Keyring::seal`] with a given nonce: for known-answer tests only.
    /// Reusing a nonce under one key breaks AES-GCM.
    #[doc(hidden)]
    pub fn seal_with_nonce(
        &self,
        plaintext: &[u8],
        path: &str,
        salt: [u8; SALT_LEN],
        nonce: [u8; NONCE_LEN],
    ) -> Result<String, SecretError> {
        let cipher = self.cipher(&salt, path)?;
        let payload = Payload {
            msg: plaintext,
            aad: path.as_bytes(),
        };
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| SecretError::Crypto {
                path: path.to_string(),
                problem: "the value is too large to encrypt",
            })?;
        Ok(Envelope {
            salt,
            nonce,
            sealed,
        }
        .encode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(p: &str) -> Keyring {
        Keyring::new(Zeroizing::new(p.as_bytes().to_vec()))
    }

    /// Committed forever: `dg1` envelopes written today must open in every
    /// later digitc. Passcode `digit-kat-passcode`, path `db.password`,
    /// plaintext `correct horse battery staple`.
    const KAT: &str = include_str!("kat.dg1");

    #[test]
    fn known_answer_vector_decrypts() {
        let k = ring("digit-kat-passcode");
        let plain = k.open(KAT.trim(), "db.password").unwrap();
        assert_eq!(&plain[..], b"correct horse battery staple");
        // And sealing with its salt and nonce gives the same bytes back.
        let e = Envelope::parse(KAT.trim()).unwrap();
        let again = k
            .seal_with_nonce(
                b"correct horse battery staple",
                "db.password",
                e.salt,
                e.nonce,
            )
            .unwrap();
        assert_eq!(again, KAT.trim());
    }

    #[test]
    fn round_trip_fresh_nonces_and_one_derivation_per_salt() {
        let k = ring("pass");
        let salt = [7; SALT_LEN];
        let a = k.seal(b"s3cret", "db.password", salt).unwrap();
        let b = k.seal(b"s3cret", "db.password", salt).unwrap();
        assert_ne!(a, b, "two encryptions of one value must differ");
        assert_eq!(&k.open(&a, "db.password").unwrap()[..], b"s3cret");
        assert_eq!(&k.open(&b, "db.password").unwrap()[..], b"s3cret");
        let c = k.seal(b"other", "db.username", salt).unwrap();
        assert_eq!(&k.open(&c, "db.username").unwrap()[..], b"other");
        assert_eq!(k.derivations(), 1, "one salt, one derivation");
        let d = k.seal(b"x", "db.password", [8; SALT_LEN]).unwrap();
        k.open(&d, "db.password").unwrap();
        assert_eq!(k.derivations(), 2);
    }

    #[test]
    fn any_flipped_byte_moved_path_or_wrong_passcode_fails() {
        let k = ring("pass");
        let env = k.seal(b"s3cret", "db.password", [1; SALT_LEN]).unwrap();
        let e = Envelope::parse(&env).unwrap();
        let mut bytes = e.salt.to_vec();
        bytes.extend_from_slice(&e.nonce);
        bytes.extend_from_slice(&e.sealed);
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x01;
            let mut t = Envelope {
                salt: [0; SALT_LEN],
                nonce: [0; NONCE_LEN],
                sealed: b[SALT_LEN + NONCE_LEN..].to_vec(),
            };
            t.salt.copy_from_slice(&b[..SALT_LEN]);
            t.nonce.copy_from_slice(&b[SALT_LEN..SALT_LEN + NONCE_LEN]);
            // A flipped salt byte costs a derivation; the rest reuse the key.
            assert!(
                k.open(&t.encode(), "db.password").is_err(),
                "byte {i} flipped still opens"
            );
        }
        assert_eq!(
            k.open(&env, "db.username"),
            Err(SecretError::Open {
                path: "db.username".into()
            })
        );
        assert!(ring("wrong").open(&env, "db.password").is_err());
        let msg = ring("wrong")
            .open(&env, "db.password")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("db.password") && !msg.contains("s3cret"),
            "{msg}"
        );
    }
}
