//! Prints the syntax tree and the diagnostics of a .dg file.
use digit_lang::{parse_source, SourceMap};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE.dg");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_default();
    let mut map = SourceMap::new();
    let (_, p) = parse_source(&mut map, path, &bytes);
    print!("{}", digit_lang::dump::dump(&p.module, false));
    for d in &p.diagnostics {
        print!("{}", digit_lang::diagnostic::render_human(d, &map, false));
    }
}
