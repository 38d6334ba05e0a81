//! Diagnostic codes of `extra_objects` and `patches` (E0730–E0739,
//! W0730) and of the build's output (E0740–E0749). `digitc explain CODE`
//! prints the explanation.

use digit_lang::diagnostic::CodeInfo;

macro_rules! code {
    ($code:literal, $title:literal, $expl:literal) => {
        CodeInfo {
            code: $code,
            title: $title,
            explanation: $expl,
        }
    };
}

pub const REGISTRY: &[CodeInfo] = &[
    code!(
        "E0730",
        "extra object without apiVersion, kind or name",
        "Each entry of `extra_objects` is a
Kubernetes object, emitted as written. It must be an object with a string
`apiVersion`, a string `kind` and a string `metadata.name` (and, for kinds
that live in a namespace, `metadata.namespace`).

    extra_objects = [{ kind = \"ConfigMap\", metadata = { name = \"x\" } }]   // no apiVersion

    extra_objects = [{ apiVersion = \"v1\", kind = \"ConfigMap\",
                       metadata = { name = \"x\", namespace = \"egov\" } }]"
    ),
    code!(
        "E0731",
        "field the Kubernetes type does not know",
        "An extra object, or an object after its
patch, has a field its Kubernetes 1.33 type does not have. The object is
read into its k8s-openapi type and written back; a field that does not
survive would be dropped or refused by the API server, so it is an error at
the line that wrote it, usually a typo:

    patches = { [\"Deployment/egov/egov-user\"] = { spec = { replcias = 3 } } }
                                                        ^^^^^^^^ did you mean `replicas`?

The help names the closest field the type knows there."
    ),
    code!(
        "E0732",
        "value the Kubernetes type does not accept",
        "A value of an extra object, or of a
patched object, does not fit its field's Kubernetes type: a string where a
number is expected, a list where an object is expected, a required field
missing from a nested object.

    extra_objects = [{ apiVersion = \"v1\", kind = \"Service\", ...
                       spec = { ports = [{ port = \"http\" }] } }]   // port is an integer

The message says what the type expected."
    ),
    code!(
        "E0733",
        "kind or apiVersion that Kubernetes 1.33 does not serve",
        "The `apiVersion` of a
built-in kind is one Kubernetes 1.33 does not serve (APIs such as
`extensions/v1beta1` Ingress or `autoscaling/v2beta2` HorizontalPodAutoscaler
were removed), or an API group and version digitc knows completely has no
such kind (a misspelt `Deploymnet`).

    extra_objects = [{ apiVersion = \"extensions/v1beta1\", kind = \"Ingress\", ... }]

Use the version the help names (`networking.k8s.io/v1`). Kinds of other API
groups (custom resources) are not errors: see W0730."
    ),
    code!(
        "E0734",
        "namespace of an extra object",
        "A kind that lives in a namespace needs
`metadata.namespace` (otherwise `kubectl apply` puts it in whatever namespace
the current context has, which differs between machines), and a
cluster-wide kind (Namespace, ClusterRole, PersistentVolume, StorageClass...)
cannot have one.

    extra_objects = [{ apiVersion = \"v1\", kind = \"ConfigMap\",
                       metadata = { name = \"x\", namespace = \"egov\" } }]"
    ),
    code!(
        "E0735",
        "patch for an object that does not exist",
        "A `patches` key names no emitted object.
Keys are `Kind/namespace/name`, or `Kind/name` for cluster-wide objects,
exactly as the object is emitted:

    patches = { [\"Deployment/egov/egov-user\"] = { spec = { replicas = 3 } } }

The help names the closest key of an emitted object; `digitc build` prints
every object."
    ),
    code!(
        "E0736",
        "patch that is not an object or changes identity",
        "A patch is a JSON merge patch
(RFC 7386) on one object: an object whose fields replace the target's,
`null` removing a field. It must be an object, and it cannot change the
object's `apiVersion`, `kind`, `metadata.name` or `metadata.namespace`
(that would be another object: add it to `extra_objects` instead)."
    ),
    code!(
        "E0737",
        "two objects with the same kind, namespace and name",
        "Two emitted objects have
the same kind, namespace and name: usually an extra object that repeats one
digitc generates. `kubectl apply` would keep only the last. To change a
generated object, patch it:

    patches = { [\"ConfigMap/egov/egov-config\"] = { data = { TIMEZONE = \"UTC\" } } }

To add another object, give it another name."
    ),
    code!(
        "W0730",
        "custom resource emitted without validation",
        "An extra object's kind is not a
built-in kind of Kubernetes 1.33 (a custom resource such as cert-manager's
`ClusterIssuer`), so digitc cannot check its fields and emits it as
written. Check it against its CustomResourceDefinition with
`kubectl apply --dry-run=server -f`. `--deny-warnings` makes this fail
the build."
    ),
    code!(
        "E0740",
        "object name is not a file name",
        "`digitc build -o DIR` writes each object to
`DIR/<namespace>/<kind>-<name>.json`. This object's name or namespace cannot
be one file name: it is empty, starts with `.`, holds a `/`, or is too long.

    extra_objects = [{ apiVersion = \"v1\", kind = \"ConfigMap\",
                       metadata = { name = \"../escape\", namespace = \"egov\" } }]

Kubernetes names are lower-case letters, digits, `-` and `.`, starting with a
letter or digit; rename the object."
    ),
    code!(
        "E0741",
        "object cannot be written",
        "Two objects would be written to the same
file of `-o DIR` (their kind, namespace and name are equal), or an object
could not be turned into text. Rename one of the two objects."
    ),
];
