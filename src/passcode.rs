//! Where the passcode comes from, and the decrypting closure a build hands
//! to lowering.
//!
//! The passcode is read from `--passcode-file FILE` when given (one
//! trailing newline stripped), else from `DIGIT_SECRET_PASSCODE`, else from
//! `EGOV_SECRET_PASSCODE` (the variable DIGIT's own tooling uses). Never from
//! the command line: it would land in shell history and `ps`.

use digit_compiler::lower::SecretInput;
use digit_compiler::secret::{Keyring, Zeroizing};
use std::io::Read;
use std::path::Path;

/// The variable named in every "no passcode" message.
pub const VAR: &str = "DIGIT_SECRET_PASSCODE";
/// Accepted too, after [`VAR`].
pub const EGOV_VAR: &str = "EGOV_SECRET_PASSCODE";

/// The passcode from `file` or the environment; `Ok(None)` when there is
/// none; `Err` when the file cannot be read or is empty.
pub fn read(file: Option<&Path>) -> Result<Option<Zeroizing<Vec<u8>>>, String> {
    if let Some(f) = file {
        let mut text = std::fs::read(f)
            .map(Zeroizing::new)
            .map_err(|e| format!("--passcode-file {}: {e}", f.display()))?;
        strip_newline(&mut text);
        if text.is_empty() {
            return Err(format!(
                "--passcode-file {}: the file is empty",
                f.display()
            ));
        }
        return Ok(Some(text));
    }
    for var in [VAR, EGOV_VAR] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            return Ok(Some(Zeroizing::new(v.into_encoded_bytes())));
        }
    }
    Ok(None)
}

/// The message when a passcode is needed and there is none.
pub fn missing(what: &str) -> String {
    format!(
        "{what} needs the secrets passcode: set {VAR} (or {EGOV_VAR}) in the environment, \
         or pass --passcode-file FILE"
    )
}

/// A keyring for the passcode, or the exit-2 message naming [`VAR`].
pub fn keyring(file: Option<&Path>, what: &str) -> Result<Keyring, String> {
    match read(file)? {
        Some(p) => Ok(Keyring::new(p)),
        None => Err(missing(what)),
    }
}

/// The decrypt function of `digit_compiler::lower::Options` for a
/// keyring: each secret opened with its path as additional authenticated
/// data, one key derivation per salt.
pub fn decryptor(
    keyring: &Keyring,
) -> impl Fn(&SecretInput) -> Result<Zeroizing<Vec<u8>>, String> + '_ {
    move |s: &SecretInput| {
        keyring
            .open(&s.ciphertext, &s.path)
            .map_err(|e| e.to_string())
    }
}

/// Drops one trailing `\n` or `\r\n`.
pub fn strip_newline(buf: &mut Zeroizing<Vec<u8>>) {
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
}

/// All of stdin in a zeroizing buffer that is never reallocated with the
/// old copy left behind: it grows by copying into a larger zeroizing
/// buffer and dropping (so wiping) the smaller.
pub fn read_stdin() -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::with_capacity(4096));
    let mut chunk = Zeroizing::new([0u8; 4096]);
    let mut stdin = std::io::stdin().lock();
    loop {
        let n = match stdin.read(&mut chunk[..]) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if out.len() + n > out.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity((out.len() + n) * 2));
            bigger.extend_from_slice(&out);
            out = bigger;
        }
        out.extend_from_slice(&chunk[..n]);
    }
}

/// `--passcode-file FILE`, shared by every command that needs the passcode.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct PasscodeArgs {
    /// Read the secrets passcode from FILE (one trailing newline is
    /// ignored) instead of DIGIT_SECRET_PASSCODE / EGOV_SECRET_PASSCODE.
    #[arg(long, value_name = "FILE")]
    pub passcode_file: Option<std::path::PathBuf>,
}
