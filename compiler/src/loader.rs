//! Loaders: the only way the compiler reads files.
//!
//! In: a path. Out: the file's bytes, or an I/O error. The compiler never
//! touches the file system itself; the CLI passes an [`FsLoader`], tests and
//! benchmarks a [`MemLoader`], the language server a loader that lays unsaved
//! buffers over the disk. Paths are normalised lexically ([`normalize`]),
//! never through the file system, so the same file always has one name.

use std::collections::HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Reads files for the compiler.
pub trait Loader {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// Files directly in `dir`, for did-you-mean on a missing import. The
    /// default knows none.
    fn list(&self, dir: &Path) -> Vec<PathBuf> {
        let _ = dir;
        Vec::new()
    }
    /// The path with every symbolic link resolved, for containment checks
    /// (`read_file` may not leave the project through a link). The default,
    /// for loaders without links, normalises lexically.
    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        Ok(normalize(path))
    }
}

/// The largest file the compiler reads (16 MiB): a configuration file or a
/// file read with `read_file` is far smaller; `/dev/zero` is not.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads files from disk.
#[derive(Clone, Copy, Debug, Default)]
pub struct FsLoader;

impl Loader for FsLoader {
    /// Reads a regular file of at most [`MAX_FILE_BYTES`]: a FIFO, a
    /// device or a directory is refused before it is opened (opening a
    /// FIFO would wait for a writer).
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        use std::io::Read;
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        let too_large = || {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024)),
            )
        };
        if meta.len() > MAX_FILE_BYTES {
            return Err(too_large());
        }
        let file = std::fs::File::open(path)?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(too_large());
        }
        Ok(bytes)
    }

    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        })
    }

    fn list(&self, dir: &Path) -> Vec<PathBuf> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        entries.filter_map(|e| e.ok().map(|e| e.path())).collect()
    }
}

/// Files held in memory: path to text. Paths are normalised on insert and
/// on read.
#[derive(Clone, Debug, Default)]
pub struct MemLoader {
    files: HashMap<PathBuf, Vec<u8>>,
}

impl MemLoader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn add(&mut self, path: impl AsRef<Path>, text: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(normalize(path.as_ref()), text.into());
        self
    }

    /// Builder form of [`MemLoader::add`].
    pub fn with(mut self, path: impl AsRef<Path>, text: impl Into<Vec<u8>>) -> Self {
        self.add(path, text);
        self
    }

    /// Paths of every file, sorted.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = self.files.keys().cloned().collect();
        v.sort();
        v
    }
}

impl Loader for MemLoader {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn list(&self, dir: &Path) -> Vec<PathBuf> {
        let dir = normalize(dir);
        self.files
            .keys()
            .filter(|p| normalize(p.parent().unwrap_or(Path::new(""))) == dir)
            .cloned()
            .collect()
    }
}

/// Removes `.` and resolves `..` lexically (`a/b/../c` is `a/c`). A `..`
/// that climbs above a relative path's start is kept (`../x`).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// `target` resolved against the directory of `from`, normalised.
pub fn resolve_relative(from: &Path, target: &str) -> PathBuf {
    let dir = from.parent().unwrap_or(Path::new(""));
    normalize(&dir.join(target))
}

/// True when `path` lies inside `root` (both normalised lexically).
pub fn is_inside(root: &Path, path: &Path) -> bool {
    let root = normalize(root);
    let path = normalize(path);
    if root == Path::new(".") {
        return path.is_relative() && !path.starts_with("..");
    }
    path.starts_with(&root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.dg")),
            PathBuf::from("a/c.dg")
        );
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
        assert_eq!(
            resolve_relative(Path::new("env/qa.dg"), "../base.dg"),
            PathBuf::from("base.dg")
        );
    }

    #[test]
    fn inside_root() {
        assert!(is_inside(Path::new("/p"), Path::new("/p/a/b")));
        assert!(!is_inside(Path::new("/p"), Path::new("/p/../etc/passwd")));
        assert!(!is_inside(Path::new("."), Path::new("../etc")));
        assert!(is_inside(Path::new("."), Path::new("files/x")));
    }
}
