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
