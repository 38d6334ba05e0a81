//! `textDocument/completion`.
//!
//! What the cursor is in is read from the compiler's lexer (the tokens
//! before the cursor), so it works while the line is incomplete: inside
//! the string of `amends`/`import`, the files beside (and `digit:`
//! modules); elsewhere the semantic model's answers ([`super::semantic`]).

use super::workspace::{self, Snapshot};
use digit_lang::lexer::{self, Token};
use digit_lang::source::LineIndex;
use digit_lang::FileId;
use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, TextEdit};
use std::path::Path;

/// The string of an `amends` or `import` the cursor is in: the offset of
/// its first character and the text from there to the cursor.
pub fn module_path_at(text: &str, offset: u32) -> Option<(u32, String)> {
    let lexed = lexer::lex(FileId(0), text);
    let tokens = &lexed.tokens;
    let i = tokens
        .iter()
        .rposition(|(t, s)| matches!(t, Token::StrStart) && s.end <= offset)?;
    if i == 0 || !matches!(tokens[i - 1].0, Token::Amends | Token::Import) {
        return None;
    }
    let start = tokens[i].1.end;
    // The cursor must be before the string's end (a string left open ends
    // at the line's end).
    let end = tokens[i + 1..]
        .iter()
        .find(|(t, _)| matches!(t, Token::StrEnd))
        .map_or(text.len() as u32, |(_, s)| s.start);
    let line_end = text[start as usize..]
        .find(['\n', '\r'])
        .map_or(text.len(), |n| start as usize + n) as u32;
    if offset < start || offset > end.min(line_end) {
        return None;
    }
    Some((
        start,
        text.get(start as usize..offset as usize)?.to_string(),
    ))
}

/// Files and `digit:` modules for the module path `written` so far, in the
/// file `path`.
pub fn module_paths(
    s: &Snapshot,
    path: &Path,
    text: &str,
    start: u32,
    written: &str,
) -> Vec<CompletionItem> {
    use digit_compiler::Loader;
    let index = LineIndex::new(text);
    let cursor = start + written.len() as u32;
    let mut out = Vec::new();
    let whole = workspace::range(&index, text, start, cursor);
    for name in digit_stdlib::names() {
        let label = format!("digit:{name}");
        out.push(CompletionItem {
            label: label.clone(),
            kind: Some(CompletionItemKind::MODULE),
            detail: Some("standard library".into()),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: whole,
                new_text: label,
            })),
            ..Default::default()
        });
    }
    if written.starts_with("digit:") {
        return out;
    }
    // Entries of the directory typed so far; the last segment is replaced.
    let (dir_part, _) = written.rsplit_once('/').unwrap_or(("", written));
    let seg_start = if written.contains('/') {
        start + dir_part.len() as u32 + 1
    } else {
        start
    };
    let range = workspace::range(&index, text, seg_start, cursor);
    let base = path.parent().unwrap_or(Path::new("/"));
    let dir = digit_compiler::loader::normalize(&base.join(if dir_part.is_empty() {
        "."
    } else {
        dir_part
    }));
    let mut entries: Vec<(String, bool)> = s
        .list(&dir)
        .into_iter()
        .filter(|p| p != path)
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            let is_dir = p.is_dir();
            let wanted =
                is_dir && !name.starts_with('.') && name != "target" || name.ends_with(".dg");
            wanted.then_some((name, is_dir))
        })
        .collect();
    entries.push(("..".into(), true));
    if dir_part.is_empty() {
        entries.push((".".into(), true));
    }
    entries.sort();
    entries.dedup();
    for (name, is_dir) in entries {
        let insert = if is_dir { format!("{name}/") } else { name };
        out.push(CompletionItem {
            label: insert.clone(),
            kind: Some(if is_dir {
                CompletionItemKind::FOLDER
            } else {
                CompletionItemKind::FILE
            }),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range,
                new_text: insert,
            })),
            ..Default::default()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_in_module_paths() {
        let text = "amends \"../ba\nx = \"y\"\nimport \"./s";
        let at = |needle: &str| (text.find(needle).unwrap() + needle.len()) as u32;
        assert_eq!(
            module_path_at(text, at("../ba")),
            Some((8, "../ba".to_string()))
        );
        assert_eq!(module_path_at(text, at("\"y")), None);
        assert_eq!(
            module_path_at(text, at("./s")).map(|p| p.1),
            Some("./s".into())
        );
        assert_eq!(module_path_at(text, 3), None);
    }
}
