//! The syntax suite: `.dg` files under `fixtures/syntax/` that together use
//! every construct of the language. Each is parsed and its tree dumped next
//! to its source; a fixture must parse without any diagnostic. A fixture
//! whose header line mentions `with spans` is dumped with byte ranges.

use digit_lang::diagnostic::render_human;
use digit_lang::{dump::dump, parse_source, SourceMap};

#[test]
fn syntax_fixtures() {
    insta::glob!("fixtures/syntax/*.dg", |path| {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut map = SourceMap::new();
        let text = String::from_utf8(bytes).expect("syntax fixtures are UTF-8");
        let (_, parse) = parse_source(&mut map, name.clone(), text.as_bytes());
        let diags: Vec<String> = parse
            .diagnostics
            .iter()
            .map(|d| render_human(d, &map, false))
            .collect();
        assert!(
            diags.is_empty(),
            "{name}: unexpected diagnostics:\n{}",
            diags.join("\n")
        );
        let with_spans = text
            .lines()
            .next()
            .is_some_and(|l| l.contains("with spans"));
        let tree = dump(&parse.module, with_spans);
        insta::assert_snapshot!(format!(
            "----- SOURCE\n{}\n----- TREE\n{tree}",
            text.trim_end()
        ));
    });
}
