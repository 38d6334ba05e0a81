//! Per service: Deployment, Service, HorizontalPodAutoscaler, the paths of
//! the environment's Ingress; and one Secret per secrets group in each
//! namespace that uses it.

use super::{Cx, Lowered, Options};

pub(crate) fn lower(_cx: &Cx<'_>, _options: Options<'_>, _out: &mut Lowered) {}
