//! The files a trace source names: a file, every file below a folder, or a glob's matches.

use super::TraceError;
use std::path::{Path, PathBuf};

/// Whether `text` is a glob pattern (`*`, `?`, `[`) rather than a path.
pub fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// The files that `sources` name: files as given, folders by every file below them in
/// name order (hidden ones skipped), and globs (`*`, `?`, `[`) by their matches.
pub fn expand(sources: &[PathBuf]) -> Result<Vec<PathBuf>, TraceError> {
    let mut out = Vec::new();
    for source in sources {
        let text = source.to_string_lossy();
        if is_glob(&text) {
            let fail = |m: String| TraceError::whole(source, m);
            let matches = glob::glob(&text).map_err(|e| fail(format!("not a valid glob: {e}")))?;
            let mut found: Vec<PathBuf> = matches
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            if found.is_empty() {
                return Err(fail("the glob matches no file".into()));
            }
            found.sort();
            out.extend(found);
        } else if source.is_dir() {
            let before = out.len();
            walk(source, &mut out)?;
            if out.len() == before {
                let why = "the folder holds no log file".to_string();
                return Err(TraceError::whole(source, why));
            }
        } else {
            out.push(source.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), TraceError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| TraceError::whole(dir, format!("cannot list the folder: {e}")))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    for p in paths {
        match p.is_dir() {
            true => walk(&p, out)?,
            false => out.push(p),
        }
    }
    Ok(())
}
