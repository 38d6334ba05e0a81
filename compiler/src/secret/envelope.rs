//! The `dg1:` envelope: its bytes and its text, checked without a passcode.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The version prefix. It fixes every parameter: the layout below, AES-256-GCM,
/// and the Argon2id costs of [`super::keyring`].
pub const PREFIX: &str = "dg1:";
pub const SALT_LEN: usize = 16;
pub const NONCE_LEN: usize = 12;
/// The GCM authentication tag ending the ciphertext.
pub const TAG_LEN: usize = 16;

/// A decoded envelope.
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    pub salt: [u8; SALT_LEN],
    pub nonce: [u8; NONCE_LEN],
    /// AES-256-GCM ciphertext followed by its tag.
    pub sealed: Vec<u8>,
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Envelope({} bytes)", self.sealed.len())
    }
}

/// Why a text is not a well-formed envelope. Messages never quote the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvelopeError {
    /// Another version prefix, or none.
    Prefix,
    /// Not base64url without padding.
    Base64,
    /// Too short to hold salt, nonce and tag.
    Short { len: usize },
}

impl std::fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnvelopeError::Prefix => write!(f, "the envelope must start with `{PREFIX}`"),
            EnvelopeError::Base64 => write!(
                f,
                "after `{PREFIX}` comes unpadded base64url text (A-Z a-z 0-9 - _)"
            ),
            EnvelopeError::Short { len } => write!(
                f,
                "the envelope holds {len} bytes, fewer than the {} of salt, nonce and tag",
                SALT_LEN + NONCE_LEN + TAG_LEN
            ),
        }
    }
}

impl Envelope {
    /// Decodes `text` (`dg1:...`, surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Envelope, EnvelopeError> {
        let body = text
            .trim()
            .strip_prefix(PREFIX)
            .ok_or(EnvelopeError::Prefix)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| EnvelopeError::Base64)?;
        if bytes.len() < SALT_LEN + NONCE_LEN + TAG_LEN {
            return Err(EnvelopeError::Short { len: bytes.len() });
        }
        let (salt, rest) = bytes.split_at(SALT_LEN);
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let mut out = Envelope {
            salt: [0; SALT_LEN],
            nonce: [0; NONCE_LEN],
            sealed: sealed.to_vec(),
        };
        out.salt.copy_from_slice(salt);
        out.nonce.copy_from_slice(nonce);
        Ok(out)
    }

    /// The text form, `dg1:...`.
    pub fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(SALT_LEN + NONCE_LEN + self.sealed.len());
        bytes.extend_from_slice(&self.salt);
        bytes.extend_from_slice(&self.nonce);
        bytes.extend_from_slice(&self.sealed);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// Checks that `text` is a well-formed envelope, without a passcode: the
/// prefix, the encoding and the length. Whether it opens is only known
/// with the passcode.
pub fn check(text: &str) -> Result<(), EnvelopeError> {
    Envelope::parse(text).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structure() {
        let e = Envelope {
            salt: [1; SALT_LEN],
            nonce: [2; NONCE_LEN],
            sealed: vec![3; TAG_LEN + 5],
        };
        let text = e.encode();
        assert!(text.starts_with("dg1:"));
        assert_eq!(Envelope::parse(&text), Ok(e));
        assert_eq!(check("hunter2"), Err(EnvelopeError::Prefix));
        assert_eq!(check("dg2:AAAA"), Err(EnvelopeError::Prefix));
        assert_eq!(check("dg1:a+b/"), Err(EnvelopeError::Base64));
        assert_eq!(check("dg1:c2VjcmV0"), Err(EnvelopeError::Short { len: 6 }));
        // Padding is not part of the format.
        assert_eq!(check(&format!("{text}=")), Err(EnvelopeError::Base64));
    }
}
