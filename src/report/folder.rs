//! A results folder that changes whole or not at all: a run writes into a staging folder
//! beside the final one and swaps it in as one step once every file is on disk.
//!
//! On Linux the swap is `renameat2(RENAME_EXCHANGE)`, one atomic step even when an earlier
//! run's folder is there; elsewhere (or on a file system without it) the old folder is first
//! renamed aside, and a crash between the two renames leaves the old results intact under
//! `.NAME.edgesim-old-PID`. A folder that holds files edgesim did not write is refused, so
//! that `--out .` can never delete a user's own files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Names a run may leave in its folder, besides the tables of [`super::RUN_FILES`].
const OTHER_OUTPUTS: &[&str] = &[
    "requests.csv",
    "requests.log",
    "requests.log.gz",
    "calibration.csv",
    "report.html",
    "charts",
];

/// Why a folder cannot receive a run's results.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The folder holds files that are not edgesim's; nothing was written.
    #[error("{}: holds files edgesim did not write ({}); give --out a new or empty folder, or the folder of an earlier run", .dir.display(), .names.join(", "))]
    Foreign {
        /// The folder.
        dir: PathBuf,
        /// Some of the foreign names.
        names: Vec<String>,
    },
    /// The folder holds the working directory (`--out .`): swapping it whole would pull
    /// the shell's current folder out from under it.
    #[error("{}: is the current folder or holds it, and a run replaces its folder whole; give a folder of its own, such as --out results", .dir.display())]
    Current {
        /// The folder as given.
        dir: PathBuf,
    },
    /// The folder, or the folder it goes in, cannot be created.
    #[error("{}: cannot create the results folder: {cause}", .dir.display())]
    Create {
        /// The folder.
        dir: PathBuf,
        /// The operating system's reason.
        cause: io::Error,
    },
    /// The file system refused while staging or swapping.
    #[error("{}: {cause}", .dir.display())]
    Io {
        /// The folder concerned.
        dir: PathBuf,
        /// The operating system's reason.
        cause: io::Error,
    },
}

/// A staging folder that becomes the results folder on [`Staged::commit`], and is removed
/// if dropped before.
#[derive(Debug)]
pub struct Staged {
    dir: PathBuf,
    target: PathBuf,
    done: bool,
}

/// Whether `name` is one a run writes, or a temporary of one.
fn ours(name: &str) -> bool {
    let plain = name
        .strip_prefix('.')
        .and_then(|n| n.strip_suffix(".tmp"))
        .unwrap_or(name);
    super::RUN_FILES.contains(&plain) || OTHER_OUTPUTS.contains(&plain)
}

/// The sibling of `target` named `.NAME.edgesim-TAG`.
fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.edgesim-{tag}"))
}

fn io_at(dir: &Path) -> impl FnOnce(io::Error) -> FolderError + '_ {
    move |cause| FolderError::Io {
        dir: dir.to_path_buf(),
        cause,
    }
}

/// Removes staging folders that earlier runs, killed outright, left beside `target`.
fn sweep_leftovers(target: &Path) {
    let prefix = sibling(target, "");
    let (Some(parent), Some(prefix)) = (prefix.parent(), prefix.file_name()) else {
        return;
    };
    let prefix = prefix.to_string_lossy().into_owned();
    let Ok(entries) = fs::read_dir(if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    }) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(tag) = name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = tag.trim_start_matches("old-");
        let alive = Path::new("/proc").join(pid).exists();
        if pid.parse::<u32>().is_ok() && !alive && Path::new("/proc/self").exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

impl Staged {
    /// Checks that `target` is absent, empty or an earlier run's folder, and makes the
    /// staging folder beside it.
    pub fn new(target: &Path) -> Result<Staged, FolderError> {
        let here = std::env::current_dir().and_then(fs::canonicalize);
        if let (Ok(t), Ok(here)) = (fs::canonicalize(target), here) {
            if here.starts_with(&t) {
                return Err(FolderError::Current {
                    dir: target.to_path_buf(),
                });
            }
        }
        if let Ok(entries) = fs::read_dir(target) {
            let foreign: Vec<String> = entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !ours(n))
                .take(5)
                .collect();
            if !foreign.is_empty() {
                return Err(FolderError::Foreign {
                    dir: target.to_path_buf(),
                    names: foreign,
                });
            }
        } else if target.exists() {
            return Err(FolderError::Create {
                dir: target.to_path_buf(),
                cause: io::Error::other("a file of that name is in the way"),
            });
        }
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|cause| FolderError::Create {
                dir: target.to_path_buf(),
                cause,
            })?;
        }
        sweep_leftovers(target);
        let dir = sibling(target, &std::process::id().to_string());
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).map_err(io_at(&dir))?;
        Ok(Staged {
            dir,
            target: target.to_path_buf(),
            done: false,
        })
    }

    /// Where the run writes.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Makes the staged folder the results folder, replacing an earlier run's whole.
    pub fn commit(mut self) -> Result<(), FolderError> {
        sync_dir(&self.dir).map_err(io_at(&self.dir))?;
        let swapped = match fs::symlink_metadata(&self.target) {
            Err(_) => fs::rename(&self.dir, &self.target).map(|()| false),
            Ok(_) => exchange(&self.dir, &self.target)
                .map(|()| true)
                .or_else(|_| self.replace_in_two_steps()),
        };
        let swapped = swapped.map_err(io_at(&self.target))?;
        self.done = true;
        if swapped {
            // The staging name now holds the earlier run's folder.
            let _ = fs::remove_dir_all(&self.dir);
        }
        if let Some(parent) = self.target.parent() {
            let _ = sync_dir(if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            });
        }
        Ok(())
    }

    /// The fallback swap: the old folder aside, the new one in, the old one gone.
    fn replace_in_two_steps(&self) -> io::Result<bool> {
        let old = sibling(&self.target, &format!("old-{}", std::process::id()));
        fs::rename(&self.target, &old)?;
        fs::rename(&self.dir, &self.target)?;
        let _ = fs::remove_dir_all(&old);
        Ok(false)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Flushes a folder's entries (its renames and new files) to disk.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Swaps two folders' names in one atomic step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call, and
    // renameat2 reads nothing else of ours.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::other("no atomic exchange here"))
}
