//! Hand scanning of string text, escape decoding, and the indentation rule
//! of multi-line strings.

use compact_str::CompactString;

/// Why a scan of string text stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A closing quote of this many bytes (1 or 3).
    Close(usize),
    /// `${`
    Interp,
    /// A line break in a single-line string.
    LineEnd,
    Eof,
}

pub(crate) struct Scan {
    /// End of the text before the stop.
    pub text_end: usize,
    pub stop: Stop,
    /// Offset and length of each invalid escape.
    pub bad_escapes: Vec<(usize, usize)>,
}

/// Scans string text starting at `pos`.
pub(crate) fn scan(src: &str, pos: usize, multiline: bool) -> Scan {
    let bytes = src.as_bytes();
    let mut bad_escapes = Vec::new();
    let mut i = pos;
    let stop = loop {
        let Some(&b) = bytes.get(i) else {
            break Stop::Eof;
        };
        match b {
            b'\\' => match escape(&src[i..]) {
                Ok((_, len)) => i += len,
                Err(len) => {
                    bad_escapes.push((i, len));
                    i += len;
                }
            },
            b'"' if !multiline => break Stop::Close(1),
            b'"' if bytes.get(i + 1) == Some(&b'"') && bytes.get(i + 2) == Some(&b'"') => {
                break Stop::Close(3)
            }
            b'$' if bytes.get(i + 1) == Some(&b'{') => break Stop::Interp,
            b'\n' | b'\r' if !multiline => break Stop::LineEnd,
            _ => i += 1,
        }
    };
    let text_end = if stop == Stop::LineEnd && i > pos && bytes[i - 1] == b'\r' {
        i - 1
    } else {
        i
    };
    Scan {
        text_end,
        stop,
        bad_escapes,
    }
}

/// Reads one escape at the start of `s` (which starts with `\`): the
/// character and the escape's length, or the length of the bad escape.
fn escape(s: &str) -> Result<(char, usize), usize> {
    let mut chars = s.chars();
    chars.next();
    let Some(c) = chars.next() else {
        return Err(1);
    };
    let simple = match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '\\' => Some('\\'),
        '"' => Some('"'),
        '$' => Some('$'),
        '\n' => return Err(1),
        'u' => None,
        other => return Err(1 + other.len_utf8()),
    };
    if let Some(ch) = simple {
        return Ok((ch, 2));
    }
    let rest = &s[2..];
    if !rest.starts_with('{') {
        return Err(2);
    }
    let Some(close) = rest.find('}').filter(|&c| c <= 8) else {
        return Err(2);
    };
    let hex = &rest[1..close];
    let ch = (!hex.is_empty() && hex.len() <= 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| u32::from_str_radix(hex, 16).ok())
        .flatten()
        .and_then(char::from_u32);
    match ch {
        Some(ch) => Ok((ch, 2 + close + 1)),
        None => Err(2 + close + 1),
    }
}

/// Decodes the escapes of raw string text; invalid escapes (already
/// reported by the lexer) are kept as written.
pub fn decode_escapes(raw: &str) -> CompactString {
    if !raw.contains('\\') {
        return CompactString::from(raw);
    }
    let mut out = CompactString::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match escape(rest) {
            Ok((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            Err(len) => {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Applies the multi-line string rule to raw text segments (`None` stands
/// for an interpolation): drops the line break after the opening quotes and
/// the one before the closing quotes (with that last line's indentation),
/// then strips the indentation common to all non-blank lines.
pub fn strip_indent(segs: &mut [Option<String>]) {
    let segs_len = segs.len();
    let mut first_line_dropped = false;
    if let Some(Some(first)) = segs.first_mut() {
        let ws = first.len() - first.trim_start_matches([' ', '\t']).len();
        let after = &first[ws..];
        let cut = if after.starts_with("\r\n") {
            Some(ws + 2)
        } else if after.starts_with('\n') {
            Some(ws + 1)
        } else {
            None
        };
        if let Some(cut) = cut {
            first.drain(..cut);
            first_line_dropped = true;
        }
    }
    if let Some(Some(last)) = segs.last_mut() {
        let trimmed = last.trim_end_matches([' ', '\t']);
        if let Some(t) = trimmed.strip_suffix('\n') {
            let t = t.strip_suffix('\r').unwrap_or(t);
            last.truncate(t.len());
        } else if trimmed.is_empty() && first_line_dropped && segs_len == 1 {
            // `"""` + line break + the closing line's indentation: empty.
            last.clear();
        }
    }
    let min = common_indent(segs, first_line_dropped);
    if min == 0 {
        return;
    }
    let mut at_line_start = first_line_dropped;
    let mut removed = 0;
    for seg in segs.iter_mut() {
        let Some(text) = seg else {
            at_line_start = false;
            continue;
        };
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if at_line_start && (c == ' ' || c == '\t') && removed < min {
                removed += 1;
                continue;
            }
            if c == '\n' {
                at_line_start = true;
                removed = 0;
            } else if at_line_start {
                at_line_start = false;
            }
            out.push(c);
        }
        *text = out;
    }
}

fn common_indent(segs: &[Option<String>], first_line_counts: bool) -> usize {
    let mut min = usize::MAX;
    let mut at_line_start = first_line_counts;
    let mut indent = 0;
    for seg in segs {
        let Some(text) = seg else {
            if at_line_start {
                min = min.min(indent);
                at_line_start = false;
            }
            continue;
        };
        for c in text.chars() {
            match c {
                '\n' => {
                    at_line_start = true;
                    indent = 0;
                }
                ' ' | '\t' if at_line_start => indent += 1,
                '\r' if at_line_start => {}
                _ if at_line_start => {
                    min = min.min(indent);
                    at_line_start = false;
                }
                _ => {}
            }
        }
    }
    if min == usize::MAX {
        0
    } else {
        min
    }
}
