//! Lowered objects as text: what `digitc build` prints or writes.
//!
//! In: sorted [`K8sObject`]s. Out: one `List` document (JSON, or a YAML
//! stream of the objects), or one file per object for `-o DIR`, with its
//! path inside the directory. Pure and byte-for-byte deterministic: the
//! objects' keys keep the order they were built in (`serde_json` with
//! `preserve_order`), JSON is pretty-printed with two spaces and a final
//! newline, YAML is block style ([`super::yaml`]).

use super::K8sObject;
use digit_lang::Diagnostic;
use serde::Serialize;

/// The text format of the objects (`--output-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Json,
    Yaml,
}

impl OutputFormat {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Json => "json",
            OutputFormat::Yaml => "yaml",
        }
    }
}

/// One file of `-o DIR`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutFile {
    /// Relative to the output directory, `/`-separated:
    /// `<namespace or _cluster>/<kind>-<name>.<ext>`.
    pub path: String,
    pub bytes: Vec<u8>,
    /// The file holds secret data: create it mode 0600.
    pub holds_secret: bool,
}

/// The directory of cluster-wide objects.
pub const CLUSTER_DIR: &str = "_cluster";

#[derive(Serialize)]
struct List<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    kind: &'static str,
    items: Vec<&'a serde_json::Value>,
}

/// Every object as one document: `{"apiVersion":"v1","kind":"List",
/// "items":[...]}` in JSON, or a stream of `---`-separated YAML documents
/// (one per object, same order), which `kubectl apply -f -` reads alike.
pub fn document(objects: &[K8sObject], format: OutputFormat) -> Result<String, Vec<Diagnostic>> {
    match format {
        OutputFormat::Json => {
            let list = List {
                api_version: "v1",
                kind: "List",
                items: objects.iter().map(|o| &o.json).collect(),
            };
            let mut text = serde_json::to_string_pretty(&list).map_err(|e| {
                let span = objects.first().map(|o| o.span).unwrap_or_default();
                vec![unwritable(span, "the object list", &e.to_string())]
            })?;
            text.push('\n');
            Ok(text)
        }
        OutputFormat::Yaml => {
            let mut text = String::new();
            for o in objects {
                text.push_str("---\n");
                text.push_str(&super::yaml::to_string(&o.json));
            }
            Ok(text)
        }
    }
}

/// One file per object, in the objects' order. Errors (a name that cannot
/// be a file name, two objects with one file) are E0740 and E0741.
pub fn files(objects: &[K8sObject], format: OutputFormat) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
    let mut out = Vec::with_capacity(objects.len());
    let mut problems = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        let dir = o.namespace.as_deref().unwrap_or(CLUSTER_DIR);
        let file = format!(
            "{}-{}.{}",
            o.kind.to_ascii_lowercase(),
            o.name,
            format.extension()
        );
        let mut bad = false;
        if o.namespace.is_some() {
            if let Err(why) = file_name_ok(dir) {
                problems.push(bad_name(o, "namespace", dir, why));
                bad = true;
            }
        }
        if let Err(why) = file_name_ok(&o.name).and(file_name_ok(&file)) {
            problems.push(bad_name(o, "name", &o.name, why));
            bad = true;
        }
        if bad {
            continue;
        }
        let path = format!("{dir}/{file}");
        if let Some(&first) = seen.get(&path) {
            let other = &objects[first];
            problems.push(
                Diagnostic::error(
                    "E0741",
                    o.span,
                    format!(
                        "`{}` and `{}` would be written to the same file `{path}`",
                        other.key(),
                        o.key()
                    ),
                )
                .with_label("this object")
                .with_secondary(other.span, "and this one")
                .with_help("rename one of them"),
            );
            continue;
        }
        seen.insert(path.clone(), i);
        let bytes = match format {
            OutputFormat::Json => match serde_json::to_string_pretty(&o.json) {
                Ok(mut t) => {
                    t.push('\n');
                    t.into_bytes()
                }
                Err(e) => {
                    problems.push(unwritable(o.span, &o.key(), &e.to_string()));
                    continue;
                }
            },
            OutputFormat::Yaml => super::yaml::to_string(&o.json).into_bytes(),
        };
        out.push(OutFile {
            path,
            bytes,
            holds_secret: o.holds_secret,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn unwritable(span: digit_lang::Span, what: &str, why: &str) -> Diagnostic {
    Diagnostic::error("E0741", span, format!("{what} cannot be written: {why}"))
}

/// Why `name` cannot be one file name in a directory, if it cannot.
fn file_name_ok(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        Err("it is empty")
    } else if name.starts_with('.') {
        Err("a file name starting with `.` would be hidden (and `..` leaves the directory)")
    } else if name.contains(['/', '\\', '\0']) {
        Err("it holds a path separator")
    } else if name.len() > 255 {
        Err("the file name would be longer than 255 bytes")
    } else {
        Ok(())
    }
}

fn bad_name(o: &K8sObject, what: &str, value: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        "E0740",
        o.span,
        format!(
            "`{}` cannot be written to a file: its {what} `{}` {}",
            o.key(),
            value.escape_debug(),
            why.trim_start_matches("it ")
        ),
    )
    .with_label("this object")
    .with_help("Kubernetes names are lower-case letters, digits, `-` and `.`, starting with a letter or digit")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(kind: &str, ns: Option<&str>, name: &str) -> K8sObject {
        K8sObject {
            api_version: "v1".into(),
            kind: kind.into(),
            namespace: ns.map(Into::into),
            name: name.into(),
            json: json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}}),
            holds_secret: kind == "Secret",
            span: Default::default(),
        }
    }

    #[test]
    fn json_list_is_pretty_with_a_final_newline() {
        let text = document(&[obj("Namespace", None, "egov")], OutputFormat::Json).unwrap();
        assert_eq!(
            text,
            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n    {\n      \"apiVersion\": \"v1\",\n      \"kind\": \"Namespace\",\n      \"metadata\": {\n        \"name\": \"egov\"\n      }\n    }\n  ]\n}\n"
        );
    }

    #[test]
    fn yaml_stream_has_one_document_per_object() {
        let objects = [obj("Namespace", None, "a"), obj("Namespace", None, "b")];
        let text = document(&objects, OutputFormat::Yaml).unwrap();
        assert_eq!(
            text,
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n"
        );
    }

    #[test]
    fn file_layout() {
        let objects = [
            obj("ClusterRole", None, "fluent-bit"),
            obj("Secret", Some("egov"), "db"),
        ];
        let files = files(&objects, OutputFormat::Yaml).unwrap();
        let paths: Vec<_> = files.iter().map(|f| (&*f.path, f.holds_secret)).collect();
        assert_eq!(
            paths,
            [
                ("_cluster/clusterrole-fluent-bit.yaml", false),
                ("egov/secret-db.yaml", true)
            ]
        );
    }

    #[test]
    fn names_that_are_not_file_names_are_errors() {
        for name in ["../x", "", ".hidden", "a/b"] {
            let err =
                files(&[obj("ConfigMap", Some("egov"), name)], OutputFormat::Json).unwrap_err();
            assert_eq!(err[0].code, "E0740", "{name}");
        }
        let err = files(&[obj("ConfigMap", Some(".."), "x")], OutputFormat::Json).unwrap_err();
        assert_eq!(err[0].code, "E0740");
    }

    #[test]
    fn one_file_for_two_objects_is_an_error() {
        let objects = [
            obj("ConfigMap", Some("a"), "x"),
            obj("ConfigMap", Some("a"), "x"),
        ];
        let err = files(&objects, OutputFormat::Json).unwrap_err();
        assert_eq!(err[0].code, "E0741");
    }
}
