//! End-to-end tests of secrets on the real binary: `digitc secret
//! encrypt|decrypt|set|rotate`, the passcode sources, `build` with and
//! without the passcode, and a leak test over every command.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PASS: &str = "test-passcode-1";

/// Runs digitc in `dir` with `stdin`, no passcode in the environment but
/// the `env` given.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_digitc"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DIGIT_SECRET_PASSCODE")
        .env_remove("EGOV_SECRET_PASSCODE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the digitc binary runs");
    // A command that fails before reading stdin closes it: ignore that.
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    child.wait_with_output().expect("digitc finishes")
}

/// With `DIGIT_SECRET_PASSCODE=PASS`.
fn with_pass(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    run(dir, args, &[("DIGIT_SECRET_PASSCODE", PASS)], stdin)
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch directory holding `files`, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, files: &[(&str, &str)]) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("digitc-secrets-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (path, text) in files {
            std::fs::write(dir.join(path), text).unwrap();
        }
        Scratch(dir)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.0.join(name)).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every `secret("...")` argument in `text`, in order.
fn envelopes(text: &str) -> Vec<String> {
    text.split("secret(\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

fn encrypt(dir: &Path, path: &str, plain: &str) -> String {
    let out = with_pass(
        dir,
        &["secret", "encrypt", "--path", path],
        plain.as_bytes(),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("secret(\"dg1:") && text.ends_with("\")\n"),
        "{text}"
    );
    envelopes(&text).remove(0)
}

#[test]
fn round_trip_and_two_encryptions_differ() {
    let s = Scratch::new("round", &[]);
    let a = encrypt(&s.0, "db.password", "hunter2\n");
    let b = encrypt(&s.0, "db.password", "hunter2\n");
    assert_ne!(a, b, "a fresh nonce (and salt) per encryption");
    for env in [&a, &b] {
        let out = with_pass(
            &s.0,
            &["secret", "decrypt", "--path", "db.password"],
            env.as_bytes(),
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        // One trailing newline of the input is not part of the value.
        assert_eq!(out.stdout, b"hunter2");
    }
    // `secret("...")` as printed is accepted too.
    let wrapped = format!("secret(\"{a}\")\n");
    let out = with_pass(
        &s.0,
        &["secret", "decrypt", "--path", "db.password"],
        wrapped.as_bytes(),
    );
    assert_eq!(out.stdout, b"hunter2");
}

#[test]
fn tampered_moved_or_wrong_passcode_fails_naming_the_path() {
    let s = Scratch::new("tamper", &[]);
    let env = encrypt(&s.0, "db.password", "s3cret-value");
    // Flip characters across salt, nonce, ciphertext and tag (each
    // base64 character carries six bits of one or two bytes).
    let body = env.len() - 4;
    for i in [0, 10, 21, 30, 37, 45, body / 2 + 10, body - 5, body - 1] {
        let mut chars: Vec<char> = env.chars().collect();
        let c = chars[4 + i];
        chars[4 + i] = if c == 'A' { 'B' } else { 'A' };
        let bad: String = chars.into_iter().collect();
        let out = with_pass(
            &s.0,
            &["secret", "decrypt", "--path", "db.password"],
            bad.as_bytes(),
        );
        assert_eq!(
            code(&out),
            1,
            "char {i} changed still opens: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty());
    }
    let moved = with_pass(
        &s.0,
        &["secret", "decrypt", "--path", "db.username"],
        env.as_bytes(),
    );
    assert_eq!(code(&moved), 1);
    assert!(stderr(&moved).contains("E0802") && stderr(&moved).contains("`db.username`"));
    let wrong = run(
        &s.0,
        &["secret", "decrypt", "--path", "db.password"],
        &[("DIGIT_SECRET_PASSCODE", "not-the-passcode")],
        env.as_bytes(),
    );
    assert_eq!(code(&wrong), 1);
    assert!(
        stderr(&wrong).contains("`db.password` does not decrypt"),
        "{}",
        stderr(&wrong)
    );
    for o in [&moved, &wrong] {
        assert!(!stderr(o).contains("s3cret-value") && o.stdout.is_empty());
    }
}

#[test]
fn passcode_sources() {
    let s = Scratch::new("sources", &[("pass.txt", &format!("{PASS}\n"))]);
    let env = encrypt(&s.0, "db.password", "v");
    let args = ["secret", "decrypt", "--path", "db.password"];
    let none = run(&s.0, &args, &[], env.as_bytes());
    assert_eq!(code(&none), 2);
    assert!(
        stderr(&none).contains("DIGIT_SECRET_PASSCODE"),
        "{}",
        stderr(&none)
    );
    let egov = run(
        &s.0,
        &args,
        &[("EGOV_SECRET_PASSCODE", PASS)],
        env.as_bytes(),
    );
    assert_eq!(egov.stdout, b"v", "{}", stderr(&egov));
    // The file's trailing newline is not part of the passcode.
    let file = run(
        &s.0,
        &[
            "secret",
            "decrypt",
            "--path",
            "db.password",
            "--passcode-file",
            "pass.txt",
        ],
        &[],
        env.as_bytes(),
    );
    assert_eq!(file.stdout, b"v", "{}", stderr(&file));
    // There is no way to give the passcode on the command line.
    let argv = run(
        &s.0,
        &[
            "secret",
            "decrypt",
            "--path",
            "db.password",
            "--passcode",
            PASS,
        ],
        &[],
        env.as_bytes(),
    );
    assert_eq!(code(&argv), 2);
}

#[test]
fn the_known_answer_vector_decrypts() {
    let kat = std::fs::read(root().join("compiler/src/secret/kat.dg1")).unwrap();
    let out = run(
        &root(),
        &["secret", "decrypt", "--path", "db.password"],
        &[("DIGIT_SECRET_PASSCODE", "digit-kat-passcode")],
        &kat,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(out.stdout, b"correct horse battery staple");
}

const ENV: &str = "// A test environment.
amends \"digit:environment\"

name = \"qa\"   // odd   spacing kept
domain = \"qa.example.org\"
db { host = \"db\", name = \"egov\" }

services.\"egov-user\" {
  image = \"egovio/egov-user:v1\"
  secret_env.DB_PASSWORD = secrets.db.password
}

secrets {
  // the database
  db {
    username = secret(\"\")   // filled by the test
  }
}

// trailing comment
";

#[test]
fn set_writes_in_place_and_keeps_every_other_byte() {
    let s = Scratch::new("set", &[("env.dg", ENV)]);
    let set = |path: &str, value: &str| {
        let out = with_pass(&s.0, &["secret", "set", "env.dg", path], value.as_bytes());
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert!(!stderr(&out).contains(value));
    };
    set("db.username", "egov");
    let one = s.read("env.dg");
    let e = envelopes(&one);
    assert_eq!(
        one,
        ENV.replace("secret(\"\")", &format!("secret(\"{}\")", e[0]))
    );
    // A new key goes under its group, a new group under `secrets`, each
    // line indented like its neighbours; nothing else moves.
    set("db.password", "pw-1");
    set("egov-notification-sms.username", "sms-user-1");
    let three = s.read("env.dg");
    let e = envelopes(&three);
    let expected = one.replace(
        "   // filled by the test\n  }\n",
        &format!(
            "   // filled by the test\n    password = secret(\"{}\")\n  }}\n  \"egov-notification-sms\" {{\n    username = secret(\"{}\")\n  }}\n",
            e[1], e[2]
        ),
    );
    assert_eq!(three, expected);
    // One salt per file: the first 22 base64 characters (16 bytes and a bit).
    assert!(e.iter().all(|x| x[4..25] == e[0][4..25]), "{e:?}");
    // Replacing a value touches only that value.
    set("db.password", "pw-2");
    let four = s.read("env.dg");
    let e4 = envelopes(&four);
    assert_eq!(four, three.replace(&e[1], &e4[1]));
    let out = with_pass(
        &s.0,
        &["secret", "decrypt", "--path", "db.password"],
        e4[1].as_bytes(),
    );
    assert_eq!(out.stdout, b"pw-2");
    let check = with_pass(&s.0, &["check", "env.dg"], b"");
    assert_eq!(code(&check), 0, "{}", stderr(&check));
    // A wrong passcode does not open the file's secrets: nothing written.
    let wrong = run(
        &s.0,
        &["secret", "set", "env.dg", "db.password"],
        &[("DIGIT_SECRET_PASSCODE", "other")],
        b"pw-3",
    );
    assert_eq!(code(&wrong), 1, "{}", stderr(&wrong));
    assert_eq!(s.read("env.dg"), four);
    // A plaintext where a Secret belongs is fixed by `set` in place.
    std::fs::write(
        s.0.join("env.dg"),
        four.replace(&format!("secret(\"{}\")", e4[1]), "\"leaked\""),
    )
    .unwrap();
    let check = with_pass(&s.0, &["check", "env.dg"], b"");
    assert_eq!(code(&check), 1);
    let msg = stderr(&check);
    assert!(
        msg.contains("`digitc secret set env.dg db.password`"),
        "{msg}"
    );
    assert!(
        !msg.lines()
            .filter(|l| !l.contains(" │ "))
            .any(|l| l.contains("leaked")),
        "{msg}"
    );
    set("db.password", "pw-4");
    assert_eq!(code(&with_pass(&s.0, &["check", "env.dg"], b"")), 0);
}

#[test]
fn rotate_re_encrypts_everything_or_nothing() {
    let s = Scratch::new("rotate", &[("env.dg", ENV), ("new.txt", "new-passcode\n")]);
    for (path, v) in [("db.username", "u"), ("db.password", "p"), ("x.y", "z")] {
        let out = with_pass(&s.0, &["secret", "set", "env.dg", path], v.as_bytes());
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let before = s.read("env.dg");
    // With the wrong old passcode nothing is written.
    let wrong = run(
        &s.0,
        &[
            "secret",
            "rotate",
            "env.dg",
            "--new-passcode-file",
            "new.txt",
        ],
        &[("DIGIT_SECRET_PASSCODE", "wrong")],
        b"",
    );
    assert_eq!(code(&wrong), 1);
    assert_eq!(s.read("env.dg"), before);
    let out = with_pass(
        &s.0,
        &[
            "secret",
            "rotate",
            "env.dg",
            "--new-passcode-file",
            "new.txt",
        ],
        b"",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = s.read("env.dg");
    let (old, new) = (envelopes(&before), envelopes(&after));
    assert_eq!(old.len(), 3);
    let mut rebuilt = before.clone();
    for (o, n) in old.iter().zip(&new) {
        assert_ne!(o, n);
        rebuilt = rebuilt.replace(o, n);
    }
    assert_eq!(rebuilt, after, "only the envelopes change");
    assert_ne!(old[0][4..25], new[0][4..25], "a new salt");
    for (path, env, v) in [
        ("db.username", &new[0], "u"),
        ("db.password", &new[1], "p"),
        ("x.y", &new[2], "z"),
    ] {
        let args = ["secret", "decrypt", "--path", path];
        let ok = run(
            &s.0,
            &args,
            &[("DIGIT_SECRET_PASSCODE", "new-passcode")],
            env.as_bytes(),
        );
        assert_eq!(ok.stdout, v.as_bytes(), "{}", stderr(&ok));
        assert_eq!(code(&with_pass(&s.0, &args, env.as_bytes())), 1);
    }
}

#[test]
fn secrets_outside_secrets_and_malformed_envelopes_fail_check() {
    let s = Scratch::new("outside", &[("env.dg", ENV)]);
    let env = encrypt(&s.0, "db.password", "v");
    let text = ENV
        .replace(
            "secret_env.DB_PASSWORD = secrets.db.password",
            &format!("secret_env.DB_PASSWORD = secret(\"{env}\")"),
        )
        .replace("secret(\"\")", "secret(\"dg1:c2VjcmV0\")");
    std::fs::write(s.0.join("env.dg"), text).unwrap();
    let out = run(&s.0, &["check", "env.dg"], &[], b"");
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("[E0801]"), "{}", stderr(&out));
    assert!(stderr(&out).contains("[E0511]"), "{}", stderr(&out));
}

const CANARY: &str = "canary-Pl41nT3xt-7f3a";

/// base64 (standard, padded) of `s`, as Kubernetes `data` holds it.
fn base64(s: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in s.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn no_command_leaks_the_plaintext() {
    let s = Scratch::new("leak", &[("env.dg", ENV)]);
    let set = with_pass(
        &s.0,
        &["secret", "set", "env.dg", "db.password"],
        CANARY.as_bytes(),
    );
    assert_eq!(code(&set), 0, "{}", stderr(&set));
    let set = with_pass(&s.0, &["secret", "set", "env.dg", "db.username"], b"egov");
    assert_eq!(code(&set), 0, "{}", stderr(&set));
    let text = s.read("env.dg");
    assert!(!text.contains(CANARY));
    let b64 = base64(CANARY.as_bytes());
    let clean = |o: &Output, what: &str| {
        for (name, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            let t = String::from_utf8_lossy(bytes);
            assert!(!t.contains(CANARY), "{what} {name} holds the plaintext");
            assert!(
                !t.contains(&b64),
                "{what} {name} holds the base64 plaintext"
            );
        }
    };
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("check", vec!["check", "env.dg"]),
        ("check json", vec!["check", "--format", "json", "env.dg"]),
        ("eval", vec!["eval", "env.dg"]),
        (
            "eval path",
            vec!["eval", "env.dg", "--path", "secrets.db.password"],
        ),
        ("fmt", vec!["fmt", "--check", "env.dg"]),
        (
            "redacted build",
            vec!["build", "--redact-secrets", "env.dg"],
        ),
        ("debug ast", vec!["debug", "ast", "env.dg"]),
    ];
    for (what, args) in &runs {
        clean(&with_pass(&s.0, args, b""), what);
    }
    // Failing runs: a wrong passcode, a moved envelope.
    clean(
        &run(
            &s.0,
            &["build", "env.dg"],
            &[("DIGIT_SECRET_PASSCODE", "wrong")],
            b"",
        ),
        "build, wrong passcode",
    );
    let envs = envelopes(&text);
    clean(
        &with_pass(
            &s.0,
            &["secret", "decrypt", "--path", "db.username"],
            envs[1].as_bytes(),
        ),
        "moved decrypt",
    );
    let rot = Scratch::new("leak-rot", &[("env.dg", &text), ("new.txt", "n")]);
    clean(
        &with_pass(
            &rot.0,
            &[
                "secret",
                "rotate",
                "env.dg",
                "--new-passcode-file",
                "new.txt",
            ],
            b"",
        ),
        "rotate",
    );
    assert!(!rot.read("env.dg").contains(CANARY));
    // The build: the plaintext only ever base64-encoded inside the `data`
    // of Secret objects (and there, since egov-user reads it).
    let out = with_pass(&s.0, &["build", "env.dg"], b"");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains(CANARY) && !stderr(&out).contains(&b64));
    let built = stdout(&out);
    assert!(!built.contains(CANARY), "raw plaintext in build output");
    let list: serde_json::Value = serde_json::from_str(&built).unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "Secret"
                && i["data"]["password"] == serde_json::Value::String(b64.clone())),
        "the Secret `db` holds the value, base64-encoded"
    );
    for item in list["items"].as_array().unwrap() {
        let mut item = item.clone();
        if item["kind"] == "Secret" {
            if let Some(data) = item.get_mut("data") {
                *data = serde_json::Value::Null;
            }
        }
        let t = item.to_string();
        assert!(
            !t.contains(&b64) && !t.contains(CANARY),
            "plaintext outside Secret data: {t}"
        );
    }
    let out_dir = s.0.join("out");
    let out = with_pass(
        &s.0,
        &["build", "env.dg", "-o", out_dir.to_str().unwrap()],
        b"",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    clean(&out, "build -o");
    // No written file holds the raw plaintext; only Secret files may hold
    // its base64.
    let mut stack = vec![out_dir];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let t = std::fs::read_to_string(&p).unwrap();
            assert!(!t.contains(CANARY), "{} holds the plaintext", p.display());
            let secret_file = p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("secret-");
            assert!(
                secret_file || !t.contains(&b64),
                "{} holds the base64 plaintext",
                p.display()
            );
        }
    }
}

#[test]
fn build_needs_the_passcode_for_an_environment_with_secrets() {
    let s = Scratch::new("build", &[("env.dg", ENV)]);
    let set = with_pass(&s.0, &["secret", "set", "env.dg", "db.password"], b"p");
    assert_eq!(code(&set), 0, "{}", stderr(&set));
    let set = with_pass(&s.0, &["secret", "set", "env.dg", "db.username"], b"u");
    assert_eq!(code(&set), 0, "{}", stderr(&set));
    let none = run(&s.0, &["build", "env.dg"], &[], b"");
    assert_eq!(code(&none), 2);
    assert!(
        stderr(&none).contains("DIGIT_SECRET_PASSCODE"),
        "{}",
        stderr(&none)
    );
    assert!(none.stdout.is_empty());
    assert_eq!(
        code(&run(
            &s.0,
            &["build", "--redact-secrets", "env.dg"],
            &[],
            b""
        )),
        0
    );
    let wrong = run(
        &s.0,
        &["build", "env.dg"],
        &[("DIGIT_SECRET_PASSCODE", "wrong")],
        b"",
    );
    assert_eq!(code(&wrong), 1);
    assert!(wrong.stdout.is_empty());
    let msg = stderr(&wrong);
    assert!(
        msg.contains("[E0802]") && msg.contains("`db.password`"),
        "{msg}"
    );
    assert_eq!(code(&with_pass(&s.0, &["build", "env.dg"], b"")), 0);
}

#[test]
fn the_bundled_example_builds_with_the_demo_passcode() {
    let out = run(
        &root(),
        &[
            "build",
            "examples/env/qa.dg",
            "--passcode-file",
            "examples/.demo-passcode",
        ],
        &[],
        b"",
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let pass = std::fs::read_to_string(root().join("examples/.demo-passcode")).unwrap();
    assert_eq!(pass, "digit-demo-passcode-NOT-FOR-PRODUCTION\n");
}

/// A wrong passcode is one error per secret of the environment (every one
/// is opened, used or not), at its `secret(...)`, and nothing is built.
#[test]
fn a_wrong_passcode_is_one_error_per_secret() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run(
        root,
        &["build", "examples/env/qa.dg"],
        &[("DIGIT_SECRET_PASSCODE", "not-the-demo-passcode")],
        b"",
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    let secrets = std::fs::read_to_string(root.join("examples/env/qa.dg"))
        .unwrap()
        .matches("secret(\"dg1:")
        .count();
    assert!(secrets > 10, "the QA example holds its secrets");
    assert_eq!(err.matches("[E0802]").count(), secrets, "{err}");
    assert!(!err.contains("demo-qa"), "no plaintext in messages");
}
