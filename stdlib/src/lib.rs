//! digit-stdlib: the standard library of digitc, written in `.dg`.
//!
//! Each module `digit:NAME` is the file `dg/NAME.dg`, embedded in the binary
//! with `include_str!`. The compiler's module loader asks [`module`] for the
//! text; the language server lists [`names`] for completion.

/// Names of the standard library modules, `digit:NAME`.
const MODULES: &[(&str, &str)] = &[("environment", include_str!("../dg/environment.dg"))];

const NAMES: &[&str] = &["environment"];

/// The source text of standard library module `name` (without `digit:`).
pub fn module(name: &str) -> Option<&'static str> {
    MODULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// All module names, for did-you-mean and completion.
pub fn names() -> &'static [&'static str] {
    NAMES
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_name_has_a_module() {
        for n in super::names() {
            assert!(super::module(n).is_some(), "{n}");
        }
        assert_eq!(super::names().len(), super::MODULES.len());
    }
}
