//! The built-in kinds of Kubernetes 1.33, each with its k8s-openapi type,
//! and the check that a raw object fits its type.
//!
//! In: an object as JSON (`extra_objects`, a patched object). Out: the
//! problems of [`validate`]: each field the type does not know (it would be
//! lost: the object is deserialized into its k8s-openapi type, serialized
//! back and compared), or a value that does not fit, each with its path
//! inside the object (`spec.template.spec.containers[0].imagePullPolicy`,
//! keys quoted as the language writes them) and, for an unknown field, the
//! fields the type at that place does know, for a did-you-mean.
//!
//! The fields known at each place are recorded by a small deserializer over
//! `serde_json::Value` that keeps the path (k8s-openapi's types name their
//! fields when they ask for a struct).

use crate::value::join_path;
use serde::de::{self, DeserializeSeed, Visitor};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;

/// One built-in kind.
pub struct Kind {
    pub api_version: &'static str,
    pub kind: &'static str,
    /// Namespaced (else cluster-wide).
    pub namespaced: bool,
    roundtrip: fn(&Value, &Fields) -> Result<Value, DeError>,
}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.api_version, self.kind)
    }
}

/// The fields each struct-typed place of an object knows, by path.
type Fields = RefCell<HashMap<String, &'static [&'static str]>>;

fn kind<K>() -> Kind
where
    K: k8s_openapi::Resource + serde::de::DeserializeOwned + serde::Serialize,
    K::Scope: 'static,
{
    Kind {
        api_version: K::API_VERSION,
        kind: K::KIND,
        namespaced: std::any::TypeId::of::<K::Scope>()
            == std::any::TypeId::of::<k8s_openapi::NamespaceResourceScope>(),
        roundtrip: |v, fields| {
            let typed = K::deserialize(De {
                v,
                path: String::new(),
                fields,
            })?;
            serde_json::to_value(&typed).map_err(|e| DeError {
                path: Some(String::new()),
                message: e.to_string(),
            })
        },
    }
}

/// Every built-in kind digitc validates: the served, non-deprecated
/// `v1`/`v2` APIs of Kubernetes 1.33 that an object can be applied as.
pub fn all() -> &'static [Kind] {
    use k8s_openapi::api::*;
    static KINDS: std::sync::OnceLock<Vec<Kind>> = std::sync::OnceLock::new();
    KINDS.get_or_init(|| {
        vec![
            kind::<core::v1::Binding>(),
            kind::<core::v1::ComponentStatus>(),
            kind::<core::v1::ConfigMap>(),
            kind::<core::v1::Endpoints>(),
            kind::<core::v1::Event>(),
            kind::<core::v1::LimitRange>(),
            kind::<core::v1::Namespace>(),
            kind::<core::v1::Node>(),
            kind::<core::v1::PersistentVolume>(),
            kind::<core::v1::PersistentVolumeClaim>(),
            kind::<core::v1::Pod>(),
            kind::<core::v1::PodTemplate>(),
            kind::<core::v1::ReplicationController>(),
            kind::<core::v1::ResourceQuota>(),
            kind::<core::v1::Secret>(),
            kind::<core::v1::Service>(),
            kind::<core::v1::ServiceAccount>(),
            kind::<apps::v1::ControllerRevision>(),
            kind::<apps::v1::DaemonSet>(),
            kind::<apps::v1::Deployment>(),
            kind::<apps::v1::ReplicaSet>(),
            kind::<apps::v1::StatefulSet>(),
            kind::<batch::v1::CronJob>(),
            kind::<batch::v1::Job>(),
            kind::<autoscaling::v1::HorizontalPodAutoscaler>(),
            kind::<autoscaling::v2::HorizontalPodAutoscaler>(),
            kind::<policy::v1::PodDisruptionBudget>(),
            kind::<networking::v1::Ingress>(),
            kind::<networking::v1::IngressClass>(),
            kind::<networking::v1::IPAddress>(),
            kind::<networking::v1::NetworkPolicy>(),
            kind::<networking::v1::ServiceCIDR>(),
            kind::<rbac::v1::ClusterRole>(),
            kind::<rbac::v1::ClusterRoleBinding>(),
            kind::<rbac::v1::Role>(),
            kind::<rbac::v1::RoleBinding>(),
            kind::<storage::v1::CSIDriver>(),
            kind::<storage::v1::CSINode>(),
            kind::<storage::v1::CSIStorageCapacity>(),
            kind::<storage::v1::StorageClass>(),
            kind::<storage::v1::VolumeAttachment>(),
            kind::<scheduling::v1::PriorityClass>(),
            kind::<coordination::v1::Lease>(),
            kind::<discovery::v1::EndpointSlice>(),
            kind::<events::v1::Event>(),
            kind::<node::v1::RuntimeClass>(),
            kind::<certificates::v1::CertificateSigningRequest>(),
            kind::<flowcontrol::v1::FlowSchema>(),
            kind::<flowcontrol::v1::PriorityLevelConfiguration>(),
            kind::<admissionregistration::v1::MutatingWebhookConfiguration>(),
            kind::<admissionregistration::v1::ValidatingWebhookConfiguration>(),
            kind::<admissionregistration::v1::ValidatingAdmissionPolicy>(),
            kind::<admissionregistration::v1::ValidatingAdmissionPolicyBinding>(),
            kind::<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition>(),
            kind::<k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService>(),
        ]
    })
}

/// What [`lookup`] knows of an `apiVersion` and `kind`.
#[derive(Debug)]
pub enum Lookup {
    Known(&'static Kind),
    /// A built-in kind under an `apiVersion` Kubernetes 1.33 does not serve
    /// (`extensions/v1beta1` Ingress): the versions it does serve.
    WrongVersion(Vec<&'static str>),
    /// An `apiVersion` digitc knows every kind of, and no such kind: the
    /// closest kind, if any is close.
    NoSuchKind(Option<&'static str>),
    /// Not a built-in kind (a custom resource such as cert-manager's
    /// `ClusterIssuer`): it cannot be validated.
    Custom,
}

/// Looks up a kind. Groups that are built in but hold kinds digitc does
/// not validate (`authorization.k8s.io`), and API groups of custom
/// resources, are [`Lookup::Custom`].
pub fn lookup(api_version: &str, kind: &str) -> Lookup {
    let kinds = all();
    if let Some(k) = kinds
        .iter()
        .find(|k| k.api_version == api_version && k.kind == kind)
    {
        return Lookup::Known(k);
    }
    let group = |v: &str| v.rsplit_once('/').map_or("", |(g, _)| g).to_string();
    let wanted = group(api_version);
    let served: Vec<&'static str> = kinds
        .iter()
        .filter(|k| k.kind == kind && group(k.api_version) == wanted)
        .map(|k| k.api_version)
        .collect();
    // Kinds that moved group: Ingress from `extensions` to `networking.k8s.io`.
    let moved = wanted == "extensions" && kinds.iter().any(|k| k.kind == kind);
    if !served.is_empty() || moved {
        let served = if served.is_empty() {
            kinds
                .iter()
                .filter(|k| k.kind == kind)
                .map(|k| k.api_version)
                .collect()
        } else {
            served
        };
        return Lookup::WrongVersion(served);
    }
    let same_version: Vec<&str> = kinds
        .iter()
        .filter(|k| k.api_version == api_version)
        .map(|k| k.kind)
        .collect();
    if !same_version.is_empty() {
        let close = crate::suggest::best(kind, same_version.iter().copied());
        return Lookup::NoSuchKind(
            close.and_then(|c| same_version.iter().copied().find(|k| *k == c)),
        );
    }
    Lookup::Custom
}

/// A problem of an object against its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A field the type does not know: it would be lost.
    Unknown {
        /// Path of the field inside the object.
        path: String,
        field: String,
        /// The fields the type knows there (empty if it is not a struct).
        known: Vec<&'static str>,
    },
    /// A value that does not fit the type.
    Invalid { path: String, message: String },
}

/// Checks `object` against its type: deserialized, serialized back and
/// compared. No problem means no field is lost.
pub fn validate(kind: &Kind, object: &Value) -> Vec<Problem> {
    let fields = Fields::default();
    let back = match (kind.roundtrip)(object, &fields) {
        Ok(back) => back,
        Err(e) => {
            return vec![Problem::Invalid {
                path: e.path.unwrap_or_default(),
                message: e.message,
            }]
        }
    };
    let fields = fields.into_inner();
    let mut lost = Vec::new();
    diff(object, &back, &mut String::new(), &mut lost);
    lost.into_iter()
        .map(|(parent, field)| Problem::Unknown {
            path: join_path(&parent, &field),
            known: fields.get(&parent).map(|f| f.to_vec()).unwrap_or_default(),
            field,
        })
        .collect()
}

/// The fields of `orig` missing from `back`, as (parent path, key). Null
/// values stand for absent fields and are not lost.
fn diff(orig: &Value, back: &Value, path: &mut String, out: &mut Vec<(String, String)>) {
    match (orig, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                if v.is_null() {
                    continue;
                }
                match b.get(k) {
                    None => out.push((path.clone(), k.clone())),
                    Some(w) => {
                        let len = path.len();
                        *path = join_path(path, k);
                        diff(v, w, path, out);
                        path.truncate(len);
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                diff(v, w, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// A deserialization error with the path where it happened.
#[derive(Debug)]
struct DeError {
    path: Option<String>,
    message: String,
}

impl DeError {
    /// Sets the path, unless a deeper one is already set.
    fn at(mut self, path: &str) -> Self {
        self.path.get_or_insert_with(|| path.to_string());
        self
    }
}

impl std::fmt::Display for DeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        DeError {
            path: None,
            message: msg.to_string(),
        }
    }
}

/// A `serde_json::Value` deserializer that knows where it is and records
/// the fields of each struct it is asked for.
struct De<'de, 'f> {
    v: &'de Value,
    path: String,
    fields: &'f Fields,
}

impl<'de> De<'de, '_> {
    fn any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let path = self.path.clone();
        let r = match self.v {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(xs) => visitor.visit_seq(Seq {
                it: xs.iter().enumerate(),
                path: self.path,
                fields: self.fields,
            }),
            Value::Object(m) => visitor.visit_map(Map {
                it: m.iter(),
                next: None,
                path: self.path,
                fields: self.fields,
            }),
        };
        r.map_err(|e| e.at(&path))
    }
}

impl<'de> de::Deserializer<'de> for De<'de, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.v {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.fields.borrow_mut().insert(self.path.clone(), fields);
        self.any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let path = self.path.clone();
        visitor.visit_newtype_struct(self).map_err(|e| e.at(&path))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_enum(self.v, name, variants, visitor).map_err(|e| DeError {
            path: Some(self.path),
            message: e.to_string(),
        })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}

struct Seq<'de, 'f> {
    it: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
    path: String,
    fields: &'f Fields,
}

impl<'de> de::SeqAccess<'de> for Seq<'de, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some((i, v)) = self.it.next() else {
            return Ok(None);
        };
        let path = format!("{}[{i}]", self.path);
        seed.deserialize(De {
            v,
            path: path.clone(),
            fields: self.fields,
        })
        .map(Some)
        .map_err(|e| e.at(&path))
    }
}

struct Map<'de, 'f> {
    it: serde_json::map::Iter<'de>,
    next: Option<(&'de str, &'de Value)>,
    path: String,
    fields: &'f Fields,
}

impl<'de> de::MapAccess<'de> for Map<'de, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((k, v)) = self.it.next() else {
            return Ok(None);
        };
        self.next = Some((k, v));
        let key = de::value::BorrowedStrDeserializer::<'de, DeError>::new(k.as_str());
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, DeError> {
        let Some((k, v)) = self.next.take() else {
            return Err(de::Error::custom("a value without its key"));
        };
        let path = join_path(&self.path, k);
        seed.deserialize(De {
            v,
            path: path.clone(),
            fields: self.fields,
        })
        .map_err(|e| e.at(&path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn known(api_version: &str, kind: &str) -> &'static Kind {
        match lookup(api_version, kind) {
            Lookup::Known(k) => k,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_valid_object_has_no_problem() {
        let d = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "x", "namespace": "egov", "labels": {"app.kubernetes.io/name": "x"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "x"}},
                "template": {"metadata": {"labels": {"app": "x"}},
                    "spec": {"containers": [{"name": "x", "image": "nginx:1.27",
                        "ports": [{"containerPort": 80}],
                        "resources": {"limits": {"memory": "512Mi", "cpu": 1}}}]}}}
        });
        assert_eq!(validate(known("apps/v1", "Deployment"), &d), []);
    }

    #[test]
    fn an_unknown_field_is_found_with_the_fields_known_there() {
        let d = json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
            "spec": {"replcias": 2, "selector": {},
                "template": {"spec": {"containers": [{"name": "x", "imagePullPolicey": "Always"}]}}}
        });
        let problems = validate(known("apps/v1", "Deployment"), &d);
        let Problem::Unknown { path, known, .. } = &problems[0] else {
            panic!("{problems:?}")
        };
        assert_eq!(path, "spec.replcias");
        assert!(known.contains(&"replicas"));
        let Problem::Unknown { path, known, .. } = &problems[1] else {
            panic!("{problems:?}")
        };
        assert_eq!(path, "spec.template.spec.containers[0].imagePullPolicey");
        assert!(known.contains(&"imagePullPolicy"));
    }

    #[test]
    fn a_value_of_the_wrong_type_is_found_at_its_path() {
        let d = json!({
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
            "spec": {"ports": [{"port": "eighty"}]}
        });
        let problems = validate(known("v1", "Service"), &d);
        let Problem::Invalid { path, message } = &problems[0] else {
            panic!("{problems:?}")
        };
        assert_eq!(path, "spec.ports[0].port");
        assert!(message.contains("invalid type"), "{message}");
    }

    #[test]
    fn lookups() {
        assert!(
            matches!(lookup("extensions/v1beta1", "Ingress"), Lookup::WrongVersion(v) if v == ["networking.k8s.io/v1"])
        );
        assert!(
            matches!(lookup("autoscaling/v2beta2", "HorizontalPodAutoscaler"), Lookup::WrongVersion(v) if v.len() == 2)
        );
        assert!(matches!(
            lookup("apps/v1", "Deploymnet"),
            Lookup::NoSuchKind(Some("Deployment"))
        ));
        assert!(matches!(
            lookup("cert-manager.io/v1", "ClusterIssuer"),
            Lookup::Custom
        ));
        assert!(!known("rbac.authorization.k8s.io/v1", "ClusterRole").namespaced);
        assert!(known("v1", "ConfigMap").namespaced);
    }
}
