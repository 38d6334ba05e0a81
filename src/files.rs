//! File-system helpers for the commands: finding .dg files and writing
//! files atomically.

use digit_compiler::lower::render;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The .dg files named by `paths`: files as given, directories walked
/// recursively (skipping hidden directories and `target`), sorted so runs are
/// deterministic. No paths means the current directory.
pub fn dg_files(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk(&path, out)?;
            }
        } else if name.ends_with(".dg") {
            out.push(strip_dot(path));
        }
    }
    Ok(())
}

/// `./a/b.dg` → `a/b.dg`, so names in messages read naturally.
fn strip_dot(p: PathBuf) -> PathBuf {
    match p.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_path_buf(),
        _ => p,
    }
}

/// Writes `contents` to `path` through a temporary file in the same
/// directory and a rename, so readers never see a half-written file.
/// The permissions of an existing file are kept.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_via_temp(path, contents, Mode::Keep, Sync::Yes)
}

/// Whether [`write_via_temp`] flushes the file to the disk before the
/// rename.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sync {
    Yes,
    /// The rename alone: readers still never see a partial file, but after
    /// a power cut the file may be empty (see [`write_tree`]).
    No,
}

/// The permissions of a file written by [`write_via_temp`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Those of the file being replaced (new files: the umask's).
    Keep,
    /// The umask's, whatever the replaced file had.
    Default,
    /// 0600, from creation on: the content is never readable by others,
    /// not even for a moment.
    Private,
}

fn write_via_temp(path: &Path, contents: &[u8], mode: Mode, sync: Sync) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let tmp = dir.join(temp_name(&name.to_string_lossy()));
    let result = (|| {
        let mut open = std::fs::OpenOptions::new();
        open.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            open.mode(if mode == Mode::Private { 0o600 } else { 0o666 });
        }
        // A temporary file left by a crashed run of the same process id is
        // removed only when met (one system call fewer per file).
        let mut f = match open.open(&tmp) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                std::fs::remove_file(&tmp)?;
                open.open(&tmp)?
            }
            other => other?,
        };
        if mode == Mode::Keep {
            if let Ok(meta) = std::fs::metadata(path) {
                f.set_permissions(meta.permissions())?;
            }
        }
        f.write_all(contents)?;
        if sync == Sync::Yes {
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `.NAME.digitc-PID.tmp`: the temporary file [`write_via_temp`] renames
/// over `NAME`.
fn temp_name(name: &str) -> String {
    format!(".{name}.digitc-{}.tmp", std::process::id())
}

/// True for a name [`temp_name`] makes (any process id).
fn is_temp_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    match rest.rsplit_once(".digitc-") {
        Some((base, pid)) => {
            !base.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// The file in an output directory listing the files digitc wrote there,
/// one relative path a line: the only files a later build may remove.
pub const MANIFEST: &str = ".digitc-manifest";

const MANIFEST_HEADER: &str = "# Files written by `digitc build -o`; a later build removes those whose\n# object no longer exists. Other files in this directory are never touched.\n";

/// What [`write_tree`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TreeSummary {
    pub files: usize,
    pub written: usize,
    pub removed: usize,
}

impl TreeSummary {
    pub fn describe(&self, dir: &Path) -> String {
        format!(
            "built {} objects into {}: {} written, {} unchanged, {} removed",
            self.files,
            dir.display(),
            self.written,
            self.files - self.written,
            self.removed
        )
    }
}

/// Writes the files of a build into `dir` (created if missing) and removes
/// the files of the previous build that are not among them.
///
/// Only files named in `dir/.digitc-manifest` are ever removed; other files
/// are never touched. A file whose bytes (and, for a secret, mode 0600) are
/// already right is not rewritten. Each file is written through a
/// temporary file and a rename; files holding secrets are created mode
/// 0600.
///
/// Crash safety. The steps are: (1) the manifest is rewritten to list the
/// old files and the new ones; (2) each changed file is replaced; (3) the
/// files of objects that are gone are removed (and namespace directories
/// left empty), and the directories are flushed to the disk; (4) the
/// manifest is rewritten to list the new files. A
/// crash or an I/O error midway can leave a mix of the previous build's
/// files and this build's (each file whole, old or new: readers never see
/// a partial file), possibly a `.NAME.digitc-PID.tmp` file (removed by the
/// next build in that directory), and a manifest listing more files than
/// the directory holds, never fewer: so the next successful build
/// converges to exactly its files and removes every stale file digitc
/// wrote. Object files are not flushed one by one (a 1 500-service
/// platform is 3 000 files, and a flush each waits on the disk 3 000
/// times; the manifest and the directories are flushed): after a power
/// cut, rather than a crash, an object file
/// written just before may be empty, and the next build rewrites it, since
/// the manifest lists it and its bytes differ. Concurrent builds into one
/// directory are not supported.
pub fn write_tree(dir: &Path, files: &[render::OutFile]) -> io::Result<TreeSummary> {
    use std::collections::BTreeSet;
    std::fs::create_dir_all(dir)?;
    let manifest_path = dir.join(MANIFEST);
    let old_text = match std::fs::read_to_string(&manifest_path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(io::Error::new(e.kind(), format!("{MANIFEST}: {e}"))),
    };
    let old: BTreeSet<String> = old_text
        .as_deref()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.starts_with('#') && is_safe_relative(l))
        .map(str::to_string)
        .collect();
    let new: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
    let manifest = |set: &BTreeSet<String>| {
        let mut text = MANIFEST_HEADER.to_string();
        for p in set {
            text.push_str(p);
            text.push('\n');
        }
        text
    };
    // (1) Everything this run may leave behind is listed before it exists.
    let final_text = manifest(&new);
    let union: BTreeSet<String> = old.union(&new).cloned().collect();
    let union_text = manifest(&union);
    if old_text.as_deref() != Some(union_text.as_str()) {
        write_via_temp(
            &manifest_path,
            union_text.as_bytes(),
            Mode::Default,
            Sync::Yes,
        )?;
    }
    // (2) The files that changed.
    let mut summary = TreeSummary {
        files: files.len(),
        ..Default::default()
    };
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for f in files {
        let path = dir.join(&f.path);
        let parent = path.parent().unwrap_or(dir).to_path_buf();
        if dirs.insert(parent.clone()) {
            std::fs::create_dir_all(&parent)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", parent.display())))?;
            remove_stale_temps(&parent);
        }
        if unchanged(&path, f) {
            continue;
        }
        let mode = if f.holds_secret {
            Mode::Private
        } else {
            Mode::Default
        };
        write_via_temp(&path, &f.bytes, mode, Sync::No)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        summary.written += 1;
    }
    // (3) The files of objects that are gone, and directories left empty.
    let mut emptied = false;
    for p in old.difference(&new) {
        let path = dir.join(p);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if !meta.is_dir() => {
                std::fs::remove_file(&path)
                    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
                summary.removed += 1;
                if let Some(parent) = path.parent().filter(|p| *p != dir) {
                    // Fails, harmlessly, when other files remain.
                    if std::fs::remove_dir(parent).is_ok() {
                        emptied = true;
                    } else {
                        dirs.insert(parent.to_path_buf());
                    }
                }
            }
            _ => {}
        }
    }
    // The renames and removals reach the disk before the manifest stops
    // listing the old files (else a crash could leave, unlisted, a file
    // the next build should remove).
    if summary.written > 0 || summary.removed > 0 {
        if emptied {
            dirs.insert(dir.to_path_buf());
        }
        for d in &dirs {
            sync_dir(d);
        }
    }
    // (4) The manifest of this build.
    if final_text != union_text {
        write_via_temp(
            &manifest_path,
            final_text.as_bytes(),
            Mode::Default,
            Sync::Yes,
        )?;
    }
    Ok(summary)
}

/// Flushes a directory's entries (renames, removals) to the disk. Best
/// effort: not every platform or file system can.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The file at `path` already holds `f` (and is private if it must be).
fn unchanged(path: &Path, f: &render::OutFile) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_file() || meta.len() != f.bytes.len() as u64 {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if f.holds_secret && meta.permissions().mode() & 0o077 != 0 {
            return false;
        }
    }
    std::fs::read(path).is_ok_and(|b| b == f.bytes)
}

/// Removes temporary files a crashed build left in `dir`.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        if is_temp_name(&e.file_name().to_string_lossy())
            && e.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// A manifest line digitc could have written: relative, `/`-separated,
/// no empty or hidden segments (so no `.` or `..`). Anything else is ignored, so an edited
/// manifest cannot make digitc remove files outside the directory.
fn is_safe_relative(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('/')
        && !p.contains(['\\', '\0'])
        && p.split('/')
            .all(|seg| !seg.is_empty() && !seg.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("digitc-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn file(path: &str, text: &str, secret: bool) -> render::OutFile {
        render::OutFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
            holds_secret: secret,
        }
    }

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    #[cfg(unix)]
    fn secret_files_are_private_and_others_are_not() {
        let dir = scratch("mode");
        let files = [
            file("egov/secret-db.json", "{}\n", true),
            file("egov/configmap-egov-config.json", "{}\n", false),
        ];
        write_tree(&dir, &files).unwrap();
        assert_eq!(mode(&dir.join("egov/secret-db.json")), 0o600);
        assert_ne!(
            mode(&dir.join("egov/configmap-egov-config.json")) & 0o044,
            0
        );
        // A file made readable by others is rewritten private, even unchanged.
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join("egov/secret-db.json");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let s = write_tree(&dir, &files).unwrap();
        assert_eq!(s.written, 1);
        assert_eq!(mode(&p), 0o600);
        // An object that stops holding a secret is no longer private.
        let s = write_tree(&dir, &[file("egov/secret-db.json", "{ }\n", false)]).unwrap();
        assert_eq!((s.written, s.removed), (1, 1));
        assert_ne!(mode(&p) & 0o044, 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unchanged_files_are_not_rewritten_and_stale_ones_are_pruned() {
        let dir = scratch("prune");
        std::fs::create_dir_all(dir.join("egov")).unwrap();
        std::fs::write(dir.join("egov/README"), "mine").unwrap();
        std::fs::write(dir.join("egov/.x.json.digitc-99.tmp"), "crash").unwrap();
        let a = file("egov/service-a.json", "a\n", false);
        let b = file("_cluster/namespace-egov.json", "b\n", false);
        let s = write_tree(&dir, &[a.clone(), b.clone()]).unwrap();
        assert_eq!((s.files, s.written, s.removed), (2, 2, 0));
        assert!(!dir.join("egov/.x.json.digitc-99.tmp").exists());
        let s = write_tree(&dir, &[a.clone(), b.clone()]).unwrap();
        assert_eq!((s.written, s.removed), (0, 0));
        let s = write_tree(&dir, std::slice::from_ref(&b)).unwrap();
        assert_eq!((s.written, s.removed), (0, 1));
        assert!(!dir.join("egov/service-a.json").exists());
        assert_eq!(
            std::fs::read_to_string(dir.join("egov/README")).unwrap(),
            "mine"
        );
        let manifest = std::fs::read_to_string(dir.join(MANIFEST)).unwrap();
        assert!(
            manifest.ends_with("\n_cluster/namespace-egov.json\n"),
            "{manifest}"
        );
        // The emptied namespace directory of a gone object goes too.
        write_tree(&dir, &[]).unwrap();
        assert!(!dir.join("_cluster").exists());
        assert!(dir.join("egov/README").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_edited_manifest_cannot_remove_files_outside() {
        let dir = scratch("escape");
        let outside = scratch("escape-outside");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("keep"), "x").unwrap();
        let rel = format!("../{}/keep", outside.file_name().unwrap().to_string_lossy());
        std::fs::write(
            dir.join(MANIFEST),
            format!("{rel}\n{}/keep\n", outside.display()),
        )
        .unwrap();
        write_tree(&dir, &[]).unwrap();
        assert!(outside.join("keep").exists());
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&outside).unwrap();
    }

    #[test]
    fn temp_names() {
        assert!(is_temp_name(&temp_name("service-a.json")));
        assert!(is_temp_name(".a.digitc-12.tmp"));
        assert!(!is_temp_name(".a.digitc-.tmp"));
        assert!(!is_temp_name("a.digitc-12.tmp"));
        assert!(!is_temp_name(".digitc-12.tmp"));
    }
}
