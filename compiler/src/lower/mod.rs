//! Lowering: an evaluated environment to typed Kubernetes objects.
//!
//! In: an [`EnvInput`] (the environment as data, with spans) read into the
//! [`model`] mirrors of the standard library's schemas. Out: [`K8sObject`]s,
//! each built as its k8s-openapi type (so a misspelt field cannot compile)
//! and serialized once, in the order `kubectl apply` accepts in one pass
//! ([`sort`]), and the problems found. **Only `compiler` knows about
//! Kubernetes, and only this module builds its objects.** **No error node
//! reaches lowering:** the pipeline lowers only an environment that checked
//! without errors.

pub mod build_codes;
pub mod codes;
pub mod input;
pub mod kinds;
pub mod model;
pub mod render;
pub mod rules;

mod backbone;
pub(crate) mod config;
mod deployment;
mod elastic;
mod extras;
mod ingress;
mod kafka;
mod logging;
mod secrets;
mod services;
mod yaml;

pub use input::{EnvInput, SecretInput};

use digit_lang::{Diagnostic, Span};
use serde::Serialize;
use zeroize::Zeroizing;

/// Decrypts one secret: the plaintext, or why it cannot be had (a message
/// that never contains plaintext).
pub type Decrypt<'k> = dyn Fn(&SecretInput) -> Result<Zeroizing<Vec<u8>>, String> + 'k;

/// How to lower.
#[derive(Clone, Copy)]
pub struct Options<'k> {
    /// `None` builds with redacted secrets (`--redact-secrets`): Secret
    /// objects carry no data values.
    pub decrypt: Option<&'k Decrypt<'k>>,
}

/// One Kubernetes object, serialized.
#[derive(Clone, Debug)]
pub struct K8sObject {
    pub api_version: String,
    pub kind: String,
    /// `None` for cluster-wide objects.
    pub namespace: Option<String>,
    pub name: String,
    /// The whole object, `apiVersion` and `kind` included.
    pub json: serde_json::Value,
    /// True for Secret objects with decrypted data: written files get mode 0600.
    pub holds_secret: bool,
    /// The source it was made from (the service, the `extra_objects` entry).
    pub span: Span,
}

impl K8sObject {
    /// Serializes a typed object (any k8s-openapi type, through kube's
    /// `Resource`). Its identity is read from its type and metadata.
    pub fn new<K>(obj: &K, span: Span) -> Self
    where
        K: kube::Resource<DynamicType = ()> + Serialize,
    {
        K8sObject {
            api_version: K::api_version(&()).into_owned(),
            kind: K::kind(&()).into_owned(),
            namespace: obj.meta().namespace.clone(),
            name: obj.meta().name.clone().unwrap_or_default(),
            // k8s-openapi types serialize to a JSON object; a failure
            // would be a bug in them.
            json: serde_json::to_value(obj).unwrap_or(serde_json::Value::Null),
            holds_secret: false,
            span,
        }
    }

    /// `Kind/namespace/name`, or `Kind/name` for a cluster-wide object: the
    /// key of `patches`.
    pub fn key(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{ns}/{}", self.kind, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }
}

/// Objects and problems of one lowering.
#[derive(Default)]
pub struct Lowered {
    pub objects: Vec<K8sObject>,
    pub problems: Vec<Diagnostic>,
}

/// Lowers an environment. `span` is where whole-environment problems are
/// reported (the entry module's `amends` line).
pub fn lower(input: &EnvInput, options: Options<'_>, span: Span) -> Lowered {
    let mut out = Lowered::default();
    let env = match <model::Environment as serde::Deserialize>::deserialize(&input.json) {
        Ok(env) => env,
        Err(e) => {
            out.problems.push(
                Diagnostic::error(
                    "E0701",
                    span,
                    "this module is not an environment that can be built",
                )
                .with_label(format!("its value does not fit `digit:environment`: {e}"))
                .with_help(
                    "`digitc build` takes a module whose amends chain ends at `digit:environment`",
                ),
            );
            return out;
        }
    };
    let cx = Cx {
        input,
        env: &env,
        span,
    };
    backbone::lower(&cx, &mut out);
    services::lower(&cx, options, &mut out);
    extras::lower(&cx, &mut out);
    sort(&mut out.objects);
    out
}

/// What every lowering step reads.
pub(crate) struct Cx<'i> {
    pub input: &'i EnvInput,
    pub env: &'i model::Environment,
    /// Fallback span for whole-environment problems.
    pub span: Span,
}

impl Cx<'_> {
    /// The span of the value at `path`, or of the nearest enclosing value.
    pub fn span(&self, path: &str) -> Span {
        self.input.span_near(path, self.span)
    }
}

/// The order `kubectl apply` accepts in one pass: what others refer to
/// first.
pub fn kind_rank(kind: &str) -> u8 {
    match kind {
        "Namespace" => 0,
        "CustomResourceDefinition" => 1,
        "ServiceAccount" | "ClusterRole" | "Role" => 2,
        "ClusterRoleBinding" | "RoleBinding" => 3,
        "ConfigMap" => 4,
        "Secret" => 5,
        "StorageClass" | "PersistentVolume" => 6,
        "PersistentVolumeClaim" => 7,
        "Service" => 8,
        "Deployment" | "StatefulSet" | "DaemonSet" => 9,
        "PodDisruptionBudget" | "HorizontalPodAutoscaler" => 10,
        "Job" | "CronJob" => 11,
        "Ingress" => 12,
        _ => 13,
    }
}

/// Sorts objects by [`kind_rank`], then kind, namespace and name: the same
/// order on every run.
pub fn sort(objects: &mut [K8sObject]) {
    objects.sort_by(|a, b| {
        (kind_rank(&a.kind), &a.kind, &a.namespace, &a.name).cmp(&(
            kind_rank(&b.kind),
            &b.kind,
            &b.namespace,
            &b.name,
        ))
    });
}
