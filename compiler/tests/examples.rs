//! The bundled example's secrets open with the demo passcode, so the
//! README's main command (`build examples/env/qa.dg --passcode-file
//! examples/.demo-passcode`) works on a fresh clone.

use digit_compiler::secret::edit::Secrets;
use digit_compiler::secret::{Envelope, Keyring, Zeroizing};
use digit_lang::SourceMap;
use std::path::PathBuf;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// The groups and keys every environment must hold: those the services,
/// migrations and git-sync containers of base.dg read.
const REQUIRED: &[(&str, &str)] = &[
    ("db", "username"),
    ("db", "password"),
    ("db", "flyway-username"),
    ("db", "flyway-password"),
    ("egov-notification-sms", "username"),
    ("egov-notification-sms", "password"),
    ("egov-filestore", "aws-key"),
    ("egov-enc-service", "master-password"),
    ("git-sync", "ssh"),
    ("git-sync", "known_hosts"),
];

#[test]
fn every_example_secret_opens_with_the_demo_passcode() {
    let mut passcode = std::fs::read(examples().join(".demo-passcode")).unwrap();
    if passcode.last() == Some(&b'\n') {
        passcode.pop();
    }
    assert_eq!(passcode, b"digit-demo-passcode-NOT-FOR-PRODUCTION");
    for env in ["dev", "qa", "prod"] {
        let path = examples().join(format!("env/{env}.dg"));
        let text = std::fs::read_to_string(&path).unwrap();
        let mut sources = SourceMap::new();
        let file = sources.add(path.display().to_string(), text.as_str());
        let parse = digit_lang::parse(file, &text);
        assert!(
            parse.diagnostics.is_empty(),
            "{env}: {:?}",
            parse.diagnostics
        );
        let secrets = Secrets::of(&parse.module);
        let ring = Keyring::new(Zeroizing::new(passcode.clone()));
        let mut salts = std::collections::BTreeSet::new();
        for site in &secrets.sites {
            let (envelope, _) = site.envelope.as_ref().unwrap();
            salts.insert(Envelope::parse(envelope).unwrap().salt);
            let plain = ring
                .open(envelope, &site.path())
                .unwrap_or_else(|e| panic!("{env}: secrets.{} does not open: {e}", site.path()));
            // Demo values only, and each environment its own.
            let plain = String::from_utf8(plain.to_vec()).unwrap();
            assert!(
                plain.starts_with(&format!("demo-{env}-")),
                "{env}: secrets.{} is not a demo value",
                site.path()
            );
        }
        for (group, key) in REQUIRED {
            assert!(
                secrets
                    .sites
                    .iter()
                    .any(|s| s.group == *group && s.key == *key),
                "{env} has no secrets.{group}.{key}"
            );
        }
        // `secret set` reuses the file's salt: one key derivation per file.
        assert_eq!(salts.len(), 1, "{env}: {} salts", salts.len());
        assert_eq!(ring.derivations(), 1, "{env}");
    }
}
