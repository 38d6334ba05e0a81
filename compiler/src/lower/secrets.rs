//! Secret objects: one per secrets group in each namespace whose services
//! use it (through `secret_env`, `migration.secret` or `git_sync.secret`),
//! type Opaque, named after the group, holding every key of the group.
//!
//! With a decrypter, values are decrypted one by one (each with its
//! `group.key` path as additional data) and the objects are marked
//! `holds_secret`. Plaintext lives in a `Zeroizing` buffer, then in the
//! object's `data` until it is serialized (base64), and is wiped as the
//! typed object is dropped. Without one (`--redact-secrets`) nothing is
//! decrypted: every value is `<redacted>` and the object is annotated
//! `digit.egov/redacted: "true"`. A group or key that does not exist is the
//! platform rules' error; here it is skipped.

use super::services::Svc;
use super::{Cx, K8sObject, Lowered, Options, SecretInput};
use crate::value::join_path;
use digit_lang::Diagnostic;
use indexmap::{IndexMap, IndexSet};
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::ByteString;
use std::collections::{BTreeMap, HashMap};
use zeroize::Zeroize;

/// The value of every key of a redacted Secret.
pub(crate) const REDACTED: &[u8] = b"<redacted>";
/// The annotation of a redacted Secret.
pub(crate) const REDACTED_ANNOTATION: &str = "digit.egov/redacted";

pub(crate) fn lower(cx: &Cx<'_>, svcs: &[Svc<'_>], options: Options<'_>, out: &mut Lowered) {
    let inputs: HashMap<&str, &SecretInput> = cx
        .input
        .secrets
        .iter()
        .map(|s| (s.path.as_str(), s))
        .collect();
    for (namespace, groups) in used_groups(svcs) {
        for group in groups {
            if let Some(obj) = secret(cx, &inputs, namespace, group, options, &mut out.problems) {
                out.objects.push(obj);
            }
        }
    }
}

/// The groups each namespace's services use, in the order first used.
fn used_groups<'e>(svcs: &[Svc<'e>]) -> IndexMap<&'e str, IndexSet<&'e str>> {
    let mut used: IndexMap<&str, IndexSet<&str>> = IndexMap::new();
    for svc in svcs {
        let m = svc.model;
        let groups = used.entry(svc.namespace).or_default();
        groups.extend(m.secret_env.values().filter_map(|r| Some(r.group_key()?.0)));
        groups.extend(m.migration.as_ref().map(|x| x.secret.as_str()));
        groups.extend(m.git_sync.as_ref().map(|x| x.secret.as_str()));
    }
    used
}

/// A Secret whose `data` is wiped when it is dropped.
struct Wiped(Secret);

impl Drop for Wiped {
    fn drop(&mut self) {
        for v in self.0.data.iter_mut().flat_map(|d| d.values_mut()) {
            v.0.zeroize();
        }
    }
}

/// The Secret of `group` in `namespace`; `None` when the group does not
/// exist. A value that cannot be decrypted is reported and left out.
fn secret(
    cx: &Cx<'_>,
    inputs: &HashMap<&str, &SecretInput>,
    namespace: &str,
    group: &str,
    options: Options<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Option<K8sObject> {
    let entries = cx.env.secrets.get(group)?;
    let redacted = options.decrypt.is_none();
    let mut labels = BTreeMap::from([
        ("app.kubernetes.io/part-of".to_string(), "digit".to_string()),
        ("digit.egov/environment".to_string(), cx.env.name.clone()),
    ]);
    labels.insert("digit.egov/secrets-group".to_string(), group.to_string());
    let mut obj = Wiped(Secret {
        metadata: ObjectMeta {
            name: Some(group.to_string()),
            namespace: Some(namespace.to_string()),
            labels: Some(labels),
            annotations: redacted
                .then(|| BTreeMap::from([(REDACTED_ANNOTATION.to_string(), "true".to_string())])),
            ..Default::default()
        },
        type_: Some("Opaque".to_string()),
        data: Some(BTreeMap::new()),
        ..Default::default()
    });
    for (key, reference) in entries {
        let bytes = match options.decrypt {
            None => REDACTED.to_vec(),
            Some(decrypt) => {
                let path = reference
                    .path
                    .clone()
                    .unwrap_or_else(|| join_path(&join_path("", group), key));
                let Some(input) = inputs.get(path.as_str()) else {
                    continue;
                };
                match decrypt(input) {
                    Ok(mut plain) => std::mem::take(&mut *plain),
                    Err(why) => {
                        problems.push(cannot_decrypt(input, &why));
                        continue;
                    }
                }
            }
        };
        if let Some(data) = obj.0.data.as_mut() {
            data.insert(key.clone(), ByteString(bytes));
        }
    }
    let span = cx.span(&join_path("secrets", group));
    let mut k8s = K8sObject::new(&obj.0, span);
    k8s.holds_secret = !redacted;
    Some(k8s)
}

/// `why` comes from the decrypter and never holds plaintext.
fn cannot_decrypt(input: &SecretInput, why: &str) -> Diagnostic {
    Diagnostic::error(
        "E0722",
        input.span,
        format!("the secret `{}` cannot be decrypted", input.path),
    )
    .with_label(why.to_string())
    .with_help(format!(
        "check the passcode (DIGIT_SECRET_PASSCODE or --passcode-file), and that this \
         ciphertext was encrypted for `secrets.{}`; or build with --redact-secrets",
        input.path
    ))
}
