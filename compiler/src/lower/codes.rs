//! Diagnostic codes of lowering and of the platform rules: E07xx and W07xx.

use digit_lang::diagnostic::CodeInfo;

pub const REGISTRY: &[CodeInfo] = &[CodeInfo {
    code: "E0701",
    title: "not an environment",
    explanation: "`digitc build` lowers an environment: a module whose amends chain ends at `digit:environment`.

    // env/qa.dg
    amends \"../base.dg\"        // base.dg amends \"digit:environment\"

Build the environment file, not a base or a services module.",
}];
