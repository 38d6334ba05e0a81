//! `extra_objects` (emitted as written) and `patches` (JSON merge patches
//! keyed `Kind/namespace/name`), each validated against its k8s-openapi
//! type, with errors at their source lines.

use super::{Cx, Lowered};

pub(crate) fn lower(_cx: &Cx<'_>, _out: &mut Lowered) {}
