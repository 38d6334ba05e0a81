//! Secrets: the `dg1:` envelope, and the keyring that opens and seals it.
//!
//! In source a secret is only ever ciphertext, `secret("dg1:...")`, stored
//! at `secrets.GROUP.KEY`. The envelope is
//!
//! ```txt
//! dg1: base64url-no-pad( salt (16) | nonce (12) | AES-256-GCM ciphertext + tag (16) )
//! ```
//!
//! with key = Argon2id(passcode, salt) under the parameters the `dg1`
//! prefix fixes ([`ARGON2_M_KIB`], [`ARGON2_T`], [`ARGON2_P`]), and the
//! secret's path `group.key` ([`aad_path`]) as additional authenticated data,
//! so ciphertext moved to another key fails to open. The salt is shared by
//! every secret of a file, so a run derives one key per file
//! ([`Keyring`] caches the key per salt); the nonce is fresh per value.
//!
//! [`check`] validates an envelope without a passcode (what `digitc check`
//! does); [`Keyring::open`] and [`Keyring::seal`] need the passcode.
//! Plaintext lives in [`Zeroizing`] buffers and no error carries it.

pub mod codes;
pub mod edit;
mod envelope;
mod keyring;

pub use envelope::{check, Envelope, EnvelopeError, NONCE_LEN, PREFIX, SALT_LEN, TAG_LEN};
pub use keyring::{Keyring, SecretError, ARGON2_M_KIB, ARGON2_P, ARGON2_T};
pub use zeroize::Zeroizing;

use crate::value::join_path;

/// The additional authenticated data of the secret at `secrets.GROUP.KEY`:
/// `group.key`, each segment spelt as digitc spells paths (quoted when it
/// is not an identifier: `"egov-notification-sms".username`), so that no
/// two (group, key) pairs share it.
pub fn aad_path(group: &str, key: &str) -> String {
    join_path(&join_path("", group), key)
}

/// A `--path` as a user types it (`db.password`,
/// `egov-notification-sms.username`, `"a.b".c`) into its group and key.
pub fn split_secret_path(path: &str) -> Result<(String, String), String> {
    let segments = crate::split_path(path)?;
    match <[String; 2]>::try_from(segments) {
        Ok([group, key]) => Ok((group, key)),
        Err(segments) => Err(format!(
            "`{path}` has {} segment{}; a secret's path is GROUP.KEY, as in `db.password` \
             for `secrets.db.password`",
            segments.len(),
            if segments.len() == 1 { "" } else { "s" }
        )),
    }
}

/// The group and key of a value stored at `path` (`secrets.db.password`),
/// when that is directly at `secrets.GROUP.KEY`.
pub fn stored_at(path: &str) -> Option<(String, String)> {
    let segments = crate::split_path(path).ok()?;
    match <[String; 3]>::try_from(segments) {
        Ok([s, group, key]) if s == "secrets" => Some((group, key)),
        _ => None,
    }
}

/// A fresh random salt for a file that holds no secret yet, from the
/// operating system's generator.
pub fn fresh_salt() -> [u8; SALT_LEN] {
    use aes_gcm::aead::rand_core::RngCore;
    let mut salt = [0u8; SALT_LEN];
    aes_gcm::aead::OsRng.fill_bytes(&mut salt);
    salt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_canonical() {
        assert_eq!(aad_path("db", "password"), "db.password");
        assert_eq!(
            aad_path("egov-notification-sms", "username"),
            "\"egov-notification-sms\".username"
        );
        let (g, k) = split_secret_path("egov-notification-sms.username").unwrap();
        assert_eq!(aad_path(&g, &k), "\"egov-notification-sms\".username");
        let (g, k) = split_secret_path("\"egov-notification-sms\".username").unwrap();
        assert_eq!(aad_path(&g, &k), "\"egov-notification-sms\".username");
        assert!(split_secret_path("db").is_err());
        assert!(split_secret_path("a.b.c").is_err());
        assert_eq!(
            stored_at("secrets.\"egov-notification-sms\".username"),
            Some(("egov-notification-sms".into(), "username".into()))
        );
        assert_eq!(stored_at("services.x.secret_env.A"), None);
        assert_eq!(stored_at("secrets.db"), None);
    }
}
