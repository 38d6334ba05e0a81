//! Every `.dg` file of the repository, sorted: the seeds of the mutants
//! that the robustness and formatter tests of `lang` and `compiler` feed
//! to the parser, the formatter and the evaluator.

use std::path::Path;

/// The text of every `.dg` file below the repository root (hidden
/// directories and `target` skipped).
pub fn repository_dg_files(crate_dir: &str) -> Vec<String> {
    let root = Path::new(crate_dir).join("..");
    let mut out = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            if p.is_dir() {
                dirs.push(p);
            } else if name.ends_with(".dg") {
                out.push(std::fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    out.sort();
    out
}
