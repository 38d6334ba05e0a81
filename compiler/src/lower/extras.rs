//! `extra_objects` (emitted as written) and `patches` (JSON merge patches,
//! RFC 7386, keyed `Kind/namespace/name` or `Kind/name`), each validated
//! against its k8s-openapi type, with errors at their source lines.
//!
//! In: the objects lowered so far and the environment's `extra_objects` and
//! `patches`. Out: the extra objects added; patches applied in place (keys
//! keep their order; new keys go last, in the patch's order); E0730–E0737
//! and W0730. Steps: read each extra object's identity; refuse two objects
//! with one identity; apply each patch; validate every extra or patched
//! object of a built-in kind ([`super::kinds`]).

use super::kinds::{self, Lookup, Problem};
use super::{Cx, K8sObject, Lowered};
use crate::value::join_path;
use digit_lang::{Diagnostic, Span};
use serde_json::{Map, Value};
use std::collections::HashMap;

pub(crate) fn lower(cx: &Cx<'_>, out: &mut Lowered) {
    // Where each object came from, for validation and spans: the
    // `extra_objects` entry, and the patch applied to it.
    let mut origin: Vec<Origin> = (0..out.objects.len())
        .map(|_| Origin {
            extra: None,
            patch: None,
        })
        .collect();
    for (i, json) in cx.env.extra_objects.iter().enumerate() {
        let at = format!("extra_objects[{i}]");
        if let Some(o) = extra_object(cx, &at, json, &mut out.problems) {
            out.objects.push(o);
            origin.push(Origin {
                extra: Some(at),
                patch: None,
            });
        }
    }
    unique(&out.objects, &mut out.problems);
    let mut index: HashMap<String, usize> = HashMap::with_capacity(out.objects.len());
    for (i, o) in out.objects.iter().enumerate() {
        index.entry(o.key()).or_insert(i);
    }
    for (key, patch) in &cx.env.patches {
        let at = join_path("patches", key);
        let Some(&i) = index.get(key.as_str()) else {
            out.problems
                .push(no_such_object(cx, &at, key, &out.objects));
            continue;
        };
        if let Some(d) = apply(cx, &at, &mut out.objects[i], patch) {
            out.problems.push(d);
            continue;
        }
        origin[i].patch = Some(at);
    }
    for (o, origin) in out.objects.iter().zip(&origin) {
        if origin.extra.is_some() || origin.patch.is_some() {
            check(cx, o, origin, &mut out.problems);
        }
    }
}

struct Origin {
    /// `extra_objects[i]`.
    extra: Option<String>,
    /// `patches."Kind/ns/name"`.
    patch: Option<String>,
}

/// What an object is.
struct Identity<'v> {
    api_version: &'v str,
    kind: &'v str,
    name: &'v str,
    namespace: Option<&'v str>,
}

/// Why a raw object has no [`Identity`]: the field (`""` when it is not an
/// object), and whether the field is there (but not a non-empty string).
type NoIdentity = (&'static str, bool);

/// apiVersion, kind, metadata.name and metadata.namespace of a raw object,
/// or the path of the one that is missing or not a string.
fn identity(json: &Value) -> Result<Identity<'_>, NoIdentity> {
    let Some(obj) = json.as_object() else {
        return Err(("", false));
    };
    fn text<'v>(v: Option<&'v Value>, path: &'static str) -> Result<&'v str, NoIdentity> {
        match v {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.as_str()),
            Some(_) => Err((path, true)),
            None => Err((path, false)),
        }
    }
    let api_version = text(obj.get("apiVersion"), "apiVersion")?;
    let kind = text(obj.get("kind"), "kind")?;
    let meta = obj.get("metadata");
    let name = text(meta.and_then(|m| m.get("name")), "metadata.name")?;
    let namespace = match meta.and_then(|m| m.get("namespace")) {
        None | Some(Value::Null) => None,
        Some(v) => Some(text(Some(v), "metadata.namespace")?),
    };
    Ok(Identity {
        api_version,
        kind,
        name,
        namespace,
    })
}

fn extra_object(
    cx: &Cx<'_>,
    at: &str,
    json: &Value,
    problems: &mut Vec<Diagnostic>,
) -> Option<K8sObject> {
    let span = cx.span(at);
    let Identity {
        api_version,
        kind,
        name,
        namespace,
    } = match identity(json) {
        Ok(id) => id,
        Err(("", _)) => {
            problems.push(
                Diagnostic::error("E0730", span, "an extra object must be an object")
                    .with_label("not an object")
                    .with_help("write a Kubernetes object: `{ apiVersion = \"v1\", kind = \"ConfigMap\", metadata = { name = \"...\", namespace = \"...\" } }`"),
            );
            return None;
        }
        Err((field, present)) => {
            let what = if present {
                format!("`{field}` of an extra object must be a non-empty string")
            } else {
                format!("this extra object has no `{field}`")
            };
            let place = if present {
                cx.span(&format!("{at}.{field}"))
            } else {
                span
            };
            problems.push(
                Diagnostic::error("E0730", place, what)
                    .with_label(format!("`{field}` expected"))
                    .with_help(
                        "every Kubernetes object needs `apiVersion`, `kind` and `metadata.name`",
                    ),
            );
            return None;
        }
    };
    let k = K8sObject {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        namespace: namespace.map(str::to_string),
        name: name.to_string(),
        json: json.clone(),
        holds_secret: api_version == "v1" && kind == "Secret",
        span,
    };
    Some(k)
}

/// Reports every pair of objects with one identity.
fn unique(objects: &[K8sObject], problems: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(objects.len());
    for (i, o) in objects.iter().enumerate() {
        match seen.get(&o.key()) {
            Some(&first) => {
                problems.push(
                    Diagnostic::error(
                        "E0737",
                        o.span,
                        format!("two objects are `{}`", o.key()),
                    )
                    .with_label("this object")
                    .with_secondary(objects[first].span, "has the kind, namespace and name of this one")
                    .with_help("rename one of them; to change a generated object, write a `patches` entry keyed by its kind, namespace and name"),
                );
            }
            None => {
                seen.insert(o.key(), i);
            }
        }
    }
}

fn no_such_object(cx: &Cx<'_>, at: &str, key: &str, objects: &[K8sObject]) -> Diagnostic {
    let keys: Vec<String> = objects.iter().map(K8sObject::key).collect();
    let close = crate::suggest::best(key, keys.iter().map(String::as_str));
    let d = Diagnostic::error("E0735", cx.span(at), format!("no object is `{key}`"))
        .with_label("this patch applies to nothing");
    let parts: Vec<&str> = key.split('/').collect();
    let scope = kinds::all()
        .iter()
        .find(|k| k.kind == parts[0])
        .map(|k| k.namespaced);
    match (close, scope, parts.len()) {
        (Some(c), _, _) => d.with_help(format!("did you mean `{c}`?")),
        (None, Some(false), 3) => d.with_help(format!(
            "`{}` is cluster-wide: its key has no namespace, `{}/{}`",
            parts[0], parts[0], parts[2]
        )),
        (None, Some(true), 2) => d.with_help(format!(
            "`{}` lives in a namespace: its key is `{}/NAMESPACE/{}`",
            parts[0], parts[0], parts[1]
        )),
        _ => d.with_help(
            "patches are keyed `Kind/namespace/name`, or `Kind/name` for cluster-wide objects, e.g. `\"Deployment/egov/egov-user\"`",
        ),
    }
}

/// Applies `patch` to `o`; a problem when it cannot be applied.
fn apply(cx: &Cx<'_>, at: &str, o: &mut K8sObject, patch: &Value) -> Option<Diagnostic> {
    if !patch.is_object() {
        return Some(
            Diagnostic::error("E0736", cx.span(at), "a patch must be an object")
                .with_label("this would replace the whole object")
                .with_help("write the fields to change, e.g. `{ spec = { replicas = 3 } }`"),
        );
    }
    let mut json = o.json.clone();
    merge(&mut json, patch);
    match identity(&json) {
        Ok(id)
            if id.api_version == o.api_version
                && id.kind == o.kind
                && id.name == o.name
                && id.namespace == o.namespace.as_deref() => {}
        _ => {
            let field = ["apiVersion", "kind", "metadata.name", "metadata.namespace"]
                .into_iter()
                .find(|f| lookup_path(patch, f).is_some())
                .unwrap_or("metadata");
            return Some(
                Diagnostic::error(
                    "E0736",
                    cx.span(&format!("{at}.{field}")),
                    format!("a patch cannot change the `{field}` of `{}`", o.key()),
                )
                .with_label("changes what the object is")
                .with_help("a patch changes an object in place; to make another object, add it to `extra_objects`"),
            );
        }
    }
    o.json = json;
    None
}

fn lookup_path<'v>(v: &'v Value, dotted: &str) -> Option<&'v Value> {
    dotted.split('.').try_fold(v, |v, k| v.get(k))
}

/// RFC 7386 JSON merge patch: objects merge key by key, `null` removes a
/// key, anything else replaces. Keys keep their order; new keys go last.
pub(crate) fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(t) = target {
        for (k, v) in p {
            if v.is_null() {
                t.shift_remove(k);
            } else {
                merge(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

/// Validates an extra or patched object against its kind.
fn check(cx: &Cx<'_>, o: &K8sObject, origin: &Origin, problems: &mut Vec<Diagnostic>) {
    let whole = match (&origin.extra, &origin.patch) {
        (Some(e), _) => cx.span(e),
        (None, Some(p)) => cx.span(p),
        (None, None) => o.span,
    };
    let kind = match kinds::lookup(&o.api_version, &o.kind) {
        Lookup::Known(k) => k,
        Lookup::Custom => {
            problems.push(
                Diagnostic::warning(
                    "W0730",
                    whole,
                    format!(
                        "`{}` `{}` is not a built-in kind of Kubernetes 1.33: emitted without validation",
                        o.api_version, o.kind
                    ),
                )
                .with_label("not validated")
                .with_help("digitc checks built-in kinds only; check a custom resource against its CRD with `kubectl apply --dry-run=server`"),
            );
            return;
        }
        Lookup::WrongVersion(served) => {
            let served: Vec<String> = served.iter().map(|v| format!("`{v}`")).collect();
            problems.push(
                Diagnostic::error(
                    "E0733",
                    field_span(cx, origin, "apiVersion", whole),
                    format!(
                        "Kubernetes 1.33 does not serve `{}` as `{}`",
                        o.kind, o.api_version
                    ),
                )
                .with_label("not served")
                .with_help(format!("use apiVersion {}", served.join(" or "))),
            );
            return;
        }
        Lookup::NoSuchKind(close) => {
            let d = Diagnostic::error(
                "E0733",
                field_span(cx, origin, "kind", whole),
                format!("`{}` has no kind `{}`", o.api_version, o.kind),
            )
            .with_label("unknown kind");
            problems.push(match close {
                Some(c) => d.with_help(format!("did you mean `{c}`?")),
                None => d,
            });
            return;
        }
    };
    match (kind.namespaced, &o.namespace) {
        (true, None) => problems.push(
            Diagnostic::error(
                "E0734",
                field_span(cx, origin, "metadata", whole),
                format!("`{}` `{}` needs a namespace", o.kind, o.name),
            )
            .with_label("no `metadata.namespace`")
            .with_help("set `metadata.namespace`: without it, kubectl puts the object in whatever namespace its context has"),
        ),
        (false, Some(ns)) => problems.push(
            Diagnostic::error(
                "E0734",
                field_span(cx, origin, "metadata.namespace", whole),
                format!("`{}` is cluster-wide and has no namespace", o.kind),
            )
            .with_label(format!("`{ns}` given"))
            .with_help("remove `metadata.namespace`"),
        ),
        _ => {}
    }
    for p in kinds::validate(kind, &o.json) {
        problems.push(problem(cx, o, origin, whole, p));
    }
}

/// The span of `path` inside the object: in the patch if the patch wrote
/// it, else in the extra object, else the whole.
fn field_span(cx: &Cx<'_>, origin: &Origin, path: &str, whole: Span) -> Span {
    if let Some(p) = &origin.patch {
        let full = format!("{p}.{path}");
        if let Some(s) = cx.input.span(&full) {
            return s;
        }
    }
    match &origin.extra {
        Some(e) => cx.input.span_near(&format!("{e}.{path}"), whole),
        None => whole,
    }
}

fn problem(cx: &Cx<'_>, o: &K8sObject, origin: &Origin, whole: Span, p: Problem) -> Diagnostic {
    let what = format!("{} ({})", o.kind, o.api_version);
    match p {
        Problem::Unknown { path, field, known } => {
            let span = field_span(cx, origin, &path, whole);
            let d = Diagnostic::error("E0731", span, format!("{what} has no field `{path}`"))
                .with_label(format!("`{field}` is not a field here: it would be lost"));
            match crate::suggest::best(&field, known.iter().copied()) {
                Some(c) => d.with_help(format!("did you mean `{c}`?")),
                None if !known.is_empty() => {
                    d.with_note(format!("the fields here are {}", known.join(", ")))
                }
                None => d,
            }
        }
        Problem::Invalid { path, message } => {
            let span = field_span(cx, origin, &path, whole);
            let place = if path.is_empty() {
                String::new()
            } else {
                format!(" at `{path}`")
            };
            // serde's message quotes the value: never one of a Secret's.
            let message = if o.holds_secret {
                "not a value of this field's type".to_string()
            } else {
                message
            };
            Diagnostic::error(
                "E0732",
                span,
                format!("{what} does not accept this value{place}"),
            )
            .with_label(message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::merge;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386_and_keeps_key_order() {
        let mut t = json!({"a": "b", "c": {"d": "e", "f": "g"}, "h": 1});
        merge(
            &mut t,
            &json!({"a": "z", "c": {"f": null, "x": {"y": null, "w": 1}}, "n": [1]}),
        );
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"a":"z","c":{"d":"e","x":{"w":1}},"h":1,"n":[1]}"#
        );
        let mut t = json!({"a": [1, 2]});
        merge(&mut t, &json!({"a": [3]}));
        assert_eq!(t, json!({"a": [3]}));
    }
}
