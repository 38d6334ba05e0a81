//! Values the evaluator computes cheaply for the editor: the keys a map
//! already has in the module a file amends (the service names of the base,
//! for completion in `services { }` of an environment).
//!
//! Evaluation is lazy: asking for one field's keys forces only what they
//! depend on, and every run is bounded by the evaluator's own budget.
//! Problems found on the way are dropped (diagnostics come from the check).

use digit_compiler::modules::ModuleId;
use digit_compiler::sema::SemaAnalysis;
use digit_compiler::value::ValueKind;
use digit_compiler::Loader;

/// The keys of the object at `path` of module `module`'s value.
pub fn keys_at(
    a: &SemaAnalysis,
    loader: &dyn Loader,
    module: ModuleId,
    path: &[String],
) -> Vec<String> {
    digit_compiler::with_root(&a.graph, loader, module, |ev, root| {
        let mut obj = root;
        for key in path {
            let Some(v) = ev.field(obj, key, obj.span) else {
                return Vec::new();
            };
            let ValueKind::Object(o) = v.kind else {
                return Vec::new();
            };
            obj = ev.obj(o);
        }
        let keys = ev.keys(obj).iter().map(|k| k.to_string()).collect();
        drop(ev.take_problems());
        keys
    })
}
