//! The standard library's files, for the editor to open.
//!
//! The `digit:NAME` modules are embedded in the binary, so go-to-definition
//! into them needs a file: each is written read-only, once, to
//! `$XDG_CACHE_HOME/digitc/stdlib-<hash>/NAME.dg` (else `~/.cache/...`, else
//! the temporary directory), the hash being that of the embedded texts, so
//! two digitc versions never share a directory. A plain `file:` URI opens in
//! every editor, which a custom URI scheme would not (Neovim and Helix have
//! no way to ask the server for a document's content). The server treats
//! those files as the `digit:` modules they are: it never checks them as a
//! user's file.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The directory the standard library is written to.
pub fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        base.join("digitc").join(format!("stdlib-{:016x}", hash()))
    })
}

/// FNV-1a of every module's name and text.
fn hash() -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for name in digit_stdlib::names() {
        let text = digit_stdlib::module(name).unwrap_or_default();
        for b in name.bytes().chain([0]).chain(text.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The file of `digit:NAME`, written if it is not there yet. `None` for an
/// unknown module or when the file cannot be written.
pub fn file(name: &str) -> Option<PathBuf> {
    let text = digit_stdlib::module(name)?;
    let path = dir().join(format!("{name}.dg"));
    if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
        std::fs::create_dir_all(dir()).ok()?;
        // Written beside and renamed, so a reader never sees half a file;
        // read-only, since edits there would change nothing.
        let tmp = dir().join(format!(".{name}.dg.{}", std::process::id()));
        std::fs::write(&tmp, text).ok()?;
        let mut perms = std::fs::metadata(&tmp).ok()?.permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&tmp, perms).ok()?;
        std::fs::rename(&tmp, &path).ok()?;
    }
    Some(path)
}

/// The path shown for a module of the analysis named `name` (`digit:NAME`
/// for the standard library, else a path).
pub fn path_of(name: &str) -> PathBuf {
    match name.strip_prefix("digit:") {
        Some(module) => dir().join(format!("{module}.dg")),
        None => PathBuf::from(name),
    }
}

/// The `digit:` module a path of the cache directory holds.
pub fn module_of(path: &Path) -> Option<&str> {
    if path.parent()? != dir() {
        return None;
    }
    let name = path.file_stem()?.to_str()?;
    digit_stdlib::module(name).map(|_| name)
}
