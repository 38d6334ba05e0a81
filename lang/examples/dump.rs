//! Prints the syntax tree and the diagnostics of a .dg file.
use digit_lang::{parse_bytes, SourceMap};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE.dg");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_default();
    let mut map = SourceMap::new();
    let (text, _) = parse_bytes(digit_lang::FileId(0), &bytes);
    let file = map.add(path, text.clone());
    let (_, p) = parse_bytes(file, text.as_bytes());
    print!("{}", digit_lang::dump::dump(&p.module, false));
    for d in &p.diagnostics {
        print!("{}", digit_lang::diagnostic::render_human(d, &map, false));
    }
}
