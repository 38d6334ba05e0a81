//! `digitc secret encrypt|decrypt|set|rotate`: writing and reading the
//! `dg1:` envelopes of `secrets.GROUP.KEY`. Plaintext comes from stdin and
//! lives in zeroizing buffers; no message ever carries it. A command that
//! fails writes nothing.

use crate::files::write_atomic;
use crate::passcode::{self, PasscodeArgs};
use crate::report::{self, fatal};
use crate::Format;
use clap::Subcommand;
use digit_compiler::secret::edit::{self, Secrets};
use digit_compiler::secret::{self as sec, Envelope, Keyring, SecretError, Zeroizing};
use digit_lang::{Diagnostic, FileId, SourceMap, Span};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum SecretCommand {
    /// Encrypt the value on stdin for the secret GROUP.KEY; prints `secret("dg1:...")`.
    Encrypt {
        /// The secret's path below `secrets`, e.g. `db.password`.
        #[arg(long, value_name = "GROUP.KEY")]
        path: String,
        #[command(flatten)]
        pass: PasscodeArgs,
    },
    /// Decrypt an envelope (or `secret("dg1:...")`) on stdin made for GROUP.KEY.
    Decrypt {
        #[arg(long, value_name = "GROUP.KEY")]
        path: String,
        #[command(flatten)]
        pass: PasscodeArgs,
    },
    /// Encrypt the value on stdin into FILE at `secrets.GROUP.KEY`, in place.
    Set {
        file: PathBuf,
        /// e.g. `db.password` or `egov-notification-sms.username`.
        #[arg(value_name = "GROUP.KEY")]
        path: String,
        #[command(flatten)]
        pass: PasscodeArgs,
    },
    /// Re-encrypt every secret of FILE under a new passcode and a new salt.
    Rotate {
        file: PathBuf,
        /// The new passcode (the old one comes from the usual places).
        #[arg(long, value_name = "FILE")]
        new_passcode_file: PathBuf,
        #[command(flatten)]
        pass: PasscodeArgs,
    },
}

pub fn run(command: SecretCommand) -> u8 {
    match command {
        SecretCommand::Encrypt { path, pass } => encrypt(&path, &pass),
        SecretCommand::Decrypt { path, pass } => decrypt(&path, &pass),
        SecretCommand::Set { file, path, pass } => set(&file, &path, &pass),
        SecretCommand::Rotate {
            file,
            new_passcode_file,
            pass,
        } => rotate(&file, &new_passcode_file, &pass),
    }
}

/// `group.key` as additional authenticated data, from a user's path.
fn aad(path: &str) -> Result<(String, String, String), u8> {
    match sec::split_secret_path(path) {
        Ok((g, k)) => {
            let aad = sec::aad_path(&g, &k);
            Ok((g, k, aad))
        }
        Err(e) => Err(fatal(e)),
    }
}

fn keyring(pass: &PasscodeArgs, what: &str) -> Result<Keyring, u8> {
    passcode::keyring(pass.passcode_file.as_deref(), what).map_err(fatal)
}

/// The plaintext on stdin, one trailing newline dropped; empty is refused.
fn plaintext(path: &str) -> Result<Zeroizing<Vec<u8>>, u8> {
    if std::io::stdin().is_terminal() {
        eprintln!("reading the value of `{path}` from stdin (end with Ctrl-D)");
    }
    let mut text = passcode::read_stdin().map_err(|e| fatal(format_args!("stdin: {e}")))?;
    passcode::strip_newline(&mut text);
    if text.is_empty() {
        return Err(fatal(format_args!(
            "no value for `{path}` on stdin; pipe it in, e.g. `digitc secret set FILE {path} < value.txt`"
        )));
    }
    Ok(text)
}

/// An error of a command without a file: `error[CODE]: message`, exit 1.
fn failed(e: &SecretError) -> u8 {
    let code = match e {
        SecretError::Malformed { .. } => "E0803",
        _ => "E0802",
    };
    eprintln!("error[{code}]: {e}");
    if let SecretError::Open { .. } = e {
        eprintln!("help: check the passcode; `digitc explain E0802` lists the causes");
    }
    1
}

fn encrypt(path: &str, pass: &PasscodeArgs) -> u8 {
    let (_, _, aad) = match aad(path) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let ring = match keyring(pass, "`digitc secret encrypt`") {
        Ok(r) => r,
        Err(code) => return code,
    };
    let plain = match plaintext(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match ring.seal(&plain, &aad, sec::fresh_salt()) {
        Ok(envelope) => {
            println!("secret(\"{envelope}\")");
            0
        }
        Err(e) => failed(&e),
    }
}

fn decrypt(path: &str, pass: &PasscodeArgs) -> u8 {
    let (_, _, aad) = match aad(path) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let ring = match keyring(pass, "`digitc secret decrypt`") {
        Ok(r) => r,
        Err(code) => return code,
    };
    let input = match passcode::read_stdin() {
        Ok(i) => i,
        Err(e) => return fatal(format_args!("stdin: {e}")),
    };
    let text = String::from_utf8_lossy(&input);
    let text = text.trim();
    let envelope = text
        .strip_prefix("secret(")
        .and_then(|t| t.strip_suffix(')'))
        .map(|t| t.trim().trim_matches('"'))
        .unwrap_or(text);
    match ring.open(envelope, &aad) {
        Ok(plain) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(&plain).and_then(|()| out.flush()) {
                Ok(()) => 0,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
                Err(e) => fatal(e),
            }
        }
        Err(e) => failed(&e),
    }
}

/// A .dg file read and parsed; parse errors are printed (exit 1).
struct Parsed {
    text: String,
    sources: SourceMap,
    file: FileId,
    secrets: Secrets,
}

fn parse(path: &Path) -> Result<Parsed, u8> {
    let bytes = std::fs::read(path).map_err(|e| fatal(format_args!("{}: {e}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        fatal(format_args!(
            "{}: the file is not UTF-8 text",
            path.display()
        ))
    })?;
    let mut sources = SourceMap::new();
    let file = sources.add(path.display().to_string(), text.as_str());
    let parse = digit_lang::parse(file, &text);
    if parse.diagnostics.iter().any(Diagnostic::is_error) {
        report::print(&parse.diagnostics, &sources, Format::Human);
        eprintln!("{} is left unchanged: fix its syntax first", path.display());
        return Err(1);
    }
    let secrets = Secrets::of(&parse.module);
    Ok(Parsed {
        text,
        sources,
        file,
        secrets,
    })
}

fn span(p: &Parsed, s: Span) -> Span {
    Span { file: p.file, ..s }
}

/// A problem with one secret of the file, as a diagnostic at its site.
fn at_site(p: &Parsed, site: &edit::Site, e: &SecretError) -> Diagnostic {
    let (code, label) = match e {
        SecretError::Malformed { .. } => ("E0803", "not a dg1 envelope"),
        SecretError::Open { .. } => ("E0802", "does not decrypt with this passcode"),
        SecretError::Crypto { .. } => ("E0802", "cannot be processed"),
    };
    let at = site.envelope.as_ref().map_or(site.value, |(_, s)| *s);
    Diagnostic::error(code, span(p, at), e.to_string())
        .with_label(label)
        .with_help(match e {
            SecretError::Open { .. } => {
                "check the passcode (DIGIT_SECRET_PASSCODE, EGOV_SECRET_PASSCODE or --passcode-file); \
                 if it is right, the value was changed or moved: set it again with `digitc secret set`"
            }
            _ => "set it again with `digitc secret set FILE GROUP.KEY` (the value is read from stdin)",
        })
}

fn set(file: &Path, path: &str, pass: &PasscodeArgs) -> u8 {
    let (group, key, aad) = match aad(path) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let p = match parse(file) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let ring = match keyring(pass, "`digitc secret set`") {
        Ok(r) => r,
        Err(code) => return code,
    };
    let salt = p.secrets.salt();
    // The passcode must open what the file holds already: a file whose
    // secrets need two passcodes cannot be built.
    if let Some(salt) = salt {
        let witness = p.secrets.sites.iter().find(|s| {
            s.envelope
                .as_ref()
                .and_then(|(t, _)| Envelope::parse(t).ok())
                .is_some_and(|e| e.salt == salt)
        });
        if let Some(site) = witness {
            let (text, _) = site
                .envelope
                .as_ref()
                .map_or(("", Span::default()), |(t, s)| (t, *s));
            if let Err(e) = ring.open(text, &site.path()) {
                let d = at_site(&p, site, &e).with_note(format!(
                    "`{path}` was not written: the passcode must open the secrets already in {}",
                    file.display()
                ));
                report::print(&[d], &p.sources, Format::Human);
                return 1;
            }
        }
    }
    let plain = match plaintext(path) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let envelope = match ring.seal(&plain, &aad, salt.unwrap_or_else(sec::fresh_salt)) {
        Ok(e) => e,
        Err(e) => return failed(&e),
    };
    drop(plain);
    let out = edit::set(&p.text, &p.secrets, &group, &key, &envelope);
    // The edit must leave a file that parses, with the new value in place.
    let again = digit_lang::parse(FileId(0), &out);
    let placed = Secrets::of(&again.module).sites.iter().any(|s| {
        s.group == group && s.key == key && s.envelope.as_ref().is_some_and(|(t, _)| *t == envelope)
    });
    if again.diagnostics.iter().any(Diagnostic::is_error) || !placed {
        return fatal(format_args!(
            "{}: could not place `secrets.{aad}` in this file; nothing was written. \
             Add `{} = secret(\"\")` under `secrets` by hand and run the command again",
            file.display(),
            edit::source_key(&key)
        ));
    }
    if let Err(e) = write_atomic(file, out.as_bytes()) {
        return fatal(format_args!("{}: {e}", file.display()));
    }
    eprintln!("set secrets.{aad} in {}", file.display());
    0
}

fn rotate(file: &Path, new_passcode: &Path, pass: &PasscodeArgs) -> u8 {
    let p = match parse(file) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let old = match keyring(pass, "`digitc secret rotate` (the old passcode)") {
        Ok(r) => r,
        Err(code) => return code,
    };
    let new = match passcode::read(Some(new_passcode)) {
        Ok(Some(p)) => Keyring::new(p),
        Ok(None) => return fatal("--new-passcode-file is empty"),
        Err(e) => return fatal(e),
    };
    let mut problems = Vec::new();
    let mut opened = Vec::new();
    for site in &p.secrets.sites {
        let Some((text, literal)) = &site.envelope else {
            problems.push(
                Diagnostic::error(
                    "E0803",
                    span(&p, site.value),
                    format!("`secrets.{}` is not an encrypted value", site.path()),
                )
                .with_label("expected secret(\"dg1:...\")")
                .with_help(format!(
                    "encrypt it with `digitc secret set {} {}` first",
                    file.display(),
                    site.path()
                )),
            );
            continue;
        };
        match old.open(text, &site.path()) {
            Ok(plain) => opened.push((*literal, site.path(), plain)),
            Err(e) => problems.push(at_site(&p, site, &e)),
        }
    }
    if !problems.is_empty() {
        report::print(&problems, &p.sources, Format::Human);
        eprintln!("{} is left unchanged", file.display());
        return 1;
    }
    if opened.is_empty() {
        eprintln!("{} holds no secrets; nothing to rotate", file.display());
        return 0;
    }
    let salt = sec::fresh_salt();
    let mut out = p.text.clone();
    opened.sort_by_key(|(s, _, _)| std::cmp::Reverse(s.start));
    for (literal, aad, plain) in &opened {
        let sealed = new.seal(plain, aad, salt).and_then(|env| {
            // Proof before writing: the new envelope opens with the new key.
            new.open(&env, aad).map(|_| env)
        });
        match sealed {
            Ok(env) => out = edit::splice(&out, *literal, &format!("\"{env}\"")),
            Err(e) => return failed(&e),
        }
    }
    drop(opened);
    if let Err(e) = write_atomic(file, out.as_bytes()) {
        return fatal(format_args!("{}: {e}", file.display()));
    }
    let n = p.secrets.sites.len();
    eprintln!(
        "rotated {n} secret{} in {}; build with the new passcode from now on",
        if n == 1 { "" } else { "s" },
        file.display()
    );
    0
}
