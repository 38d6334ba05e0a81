//! `digitc explain CODE`: the long explanation of a diagnostic code.

use crate::report::fatal;
use digit_lang::diagnostic::CodeInfo;

/// Every code digitc can report, front end first.
pub fn registry() -> impl Iterator<Item = &'static CodeInfo> {
    digit_lang::codes::REGISTRY
        .iter()
        .chain(digit_compiler::codes::REGISTRY.iter())
        .chain(digit_compiler::lower::codes::REGISTRY.iter())
        .chain(digit_compiler::secret::codes::REGISTRY.iter())
        .chain(digit_compiler::lower::build_codes::REGISTRY.iter())
        .chain(digit_compiler::lower::rules::codes::REGISTRY.iter())
}

pub fn run(code: &str) -> u8 {
    let wanted = code.trim().to_ascii_uppercase();
    match registry().find(|info| info.code == wanted) {
        Some(info) => {
            println!(
                "{}: {}\n\n{}",
                info.code,
                info.title,
                info.explanation.trim_end()
            );
            0
        }
        None => {
            let known: Vec<&str> = registry().map(|i| i.code).collect();
            let hint = known
                .iter()
                .find(|c| c.ends_with(wanted.trim_start_matches(['E', 'W'])))
                .map(|c| format!(" (did you mean {c}?)"))
                .unwrap_or_default();
            fatal(format_args!(
                "unknown diagnostic code `{code}`{hint}; codes look like E0101 or W0601"
            ))
        }
    }
}
