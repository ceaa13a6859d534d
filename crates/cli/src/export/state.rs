//! The state of an export under way, so that an interrupted one (Ctrl-C, a lost network, a denied call) resumes
//! without reading again the users it already has: a JSON Lines file, a header naming the instance and the
//! selection, then one line per user read, appended and flushed as each is done. A line cut short by the
//! interruption is ignored on resume (that user is read again). The file holds the users' properties, personal
//! data among them, so on Unix only its owner may read it; a finished export removes it.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The first line: what the export reads. A resume must read the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The file's format version.
    pub version: u32,
    /// The instance ARN.
    pub instance: String,
    /// [`crate::select::Selection::describe`], and whether users already managed are included.
    pub selection: String,
}

/// What became of one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Entry {
    /// Exported, with these properties and the problems the function would find in them.
    Exported {
        /// The user's ARN.
        arn: String,
        /// Its username.
        username: String,
        /// The resource's properties, without `ServiceToken`.
        properties: Value,
        /// What the function's validation would say, empty when nothing.
        problems: Vec<String>,
        /// The owner tag's value, when a stack manages the user already (`--include-managed`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<String>,
    },
    /// Left out, for the reason given.
    Skipped {
        /// The user's ARN.
        arn: String,
        /// Its username.
        username: String,
        /// Why it is left out.
        why: Skip,
    },
}

impl Entry {
    /// The user's ARN.
    pub fn arn(&self) -> &str {
        match self {
            Self::Exported { arn, .. } | Self::Skipped { arn, .. } => arn,
        }
    }
}

/// Why a user read is left out of the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Skip {
    /// Its owner tag says a stack of this project manages it already.
    Managed,
    /// Its routing profile is not among those selected.
    RoutingProfile,
    /// It was deleted between `ListUsers` and `DescribeUser`.
    Deleted,
}

/// The open state file, appended to as users are read.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    file: File,
}

const VERSION: u32 = 1;

impl StateFile {
    /// Starts the state of a new export at `path`. An existing file is an interrupted export: an error says to
    /// resume it or remove it.
    pub fn create(path: &Path, instance: &str, selection: &str) -> Result<Self, String> {
        let header = Header { version: VERSION, instance: instance.to_owned(), selection: selection.to_owned() };
        let mut file = owner_only(OpenOptions::new().write(true).create_new(true)).open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!(
                    "{} holds the state of an interrupted export: add --resume to continue it, or remove the file \
                     to start again",
                    path.display()
                )
            } else {
                format!("cannot create the state file {}: {e}", path.display())
            }
        })?;
        let line = serde_json::to_string(&header).map_err(|e| e.to_string())?;
        writeln!(file, "{line}").and_then(|()| file.flush()).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self { path: path.to_owned(), file })
    }

    /// Continues the export whose state is at `path`, with what it has read so far, by ARN; a new state when there
    /// is no file. The instance and the selection must be the export's.
    pub fn resume(path: &Path, instance: &str, selection: &str) -> Result<(Self, BTreeMap<String, Entry>), String> {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Self::create(path, instance, selection)?, BTreeMap::new()));
            }
            Err(e) => return Err(format!("cannot read the state file {}: {e}", path.display())),
        };
        let mut lines = BufReader::new(file).lines();
        let header: Option<Header> =
            lines.next().and_then(Result::ok).and_then(|line| serde_json::from_str(&line).ok());
        let expected = Header { version: VERSION, instance: instance.to_owned(), selection: selection.to_owned() };
        if header.as_ref() != Some(&expected) {
            return Err(format!(
                "{} is the state of another export ({}); remove it, or run that export again with --resume",
                path.display(),
                header.map_or_else(|| "unreadable".to_owned(), |h| format!("{}, {}", h.instance, h.selection))
            ));
        }
        let mut entries = BTreeMap::new();
        for line in lines {
            let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
            // The last line may have been cut short by the interruption: that user is read again.
            if let Ok(entry) = serde_json::from_str::<Entry>(&line) {
                entries.insert(entry.arn().to_owned(), entry);
            }
        }
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot append to the state file {}: {e}", path.display()))?;
        let mut state = Self { path: path.to_owned(), file };
        // A cut line has no newline: start the next entry on a line of its own.
        state.file.write_all(b"\n").map_err(|e| format!("{}: {e}", path.display()))?;
        Ok((state, entries))
    }

    /// Records one user, on disk before this returns.
    pub fn append(&mut self, entry: &Entry) -> Result<(), String> {
        let line = serde_json::to_string(entry).map_err(|e| e.to_string())?;
        writeln!(self.file, "{line}")
            .and_then(|()| self.file.flush())
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }

    /// The export is written: the state is no longer needed.
    pub fn finish(self) -> Result<(), String> {
        drop(self.file);
        std::fs::remove_file(&self.path).map_err(|e| format!("cannot remove {}: {e}", self.path.display()))
    }
}

/// Writes `bytes` to `path`, which only its owner may read on Unix (an existing file is narrowed before anything is
/// written): the templates hold the users' personal data (names, e-mail addresses, mobile numbers), as this file does.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = owner_only(OpenOptions::new().write(true).create(true).truncate(true)).open(path)?;
    narrow(&file)?;
    file.write_all(bytes)?;
    file.flush()
}

#[cfg(unix)]
fn narrow(file: &File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn narrow(_file: &File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn owner_only(options: &mut OpenOptions) -> &mut OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(0o600)
}

#[cfg(not(unix))]
fn owner_only(options: &mut OpenOptions) -> &mut OpenOptions {
    options
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("connect-users-state-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        dir
    }

    fn exported(n: u32) -> Entry {
        Entry::Exported {
            arn: format!("arn:u{n}"),
            username: format!("u{n}"),
            properties: json!({"Username": format!("u{n}")}),
            problems: vec![],
            owner: None,
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_template_is_written_for_its_owner_alone_even_over_a_readable_file() {
        use std::os::unix::fs::PermissionsExt;
        let path = temp("private.yaml");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_resume_gets_back_every_whole_line_and_ignores_a_cut_one() {
        let path = temp("resume");
        let mut state = StateFile::create(&path, "arn:i", "every user").unwrap();
        state.append(&exported(1)).unwrap();
        state.append(&Entry::Skipped { arn: "arn:u2".into(), username: "u2".into(), why: Skip::Managed }).unwrap();
        drop(state);
        // An interruption in the middle of a line.
        OpenOptions::new().append(true).open(&path).unwrap().write_all(br#"{"outcome":"exported","arn":"#).unwrap();
        let (mut state, entries) = StateFile::resume(&path, "arn:i", "every user").unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries["arn:u1"], exported(1));
        state.append(&exported(3)).unwrap();
        drop(state);
        let (state, entries) = StateFile::resume(&path, "arn:i", "every user").unwrap();
        assert_eq!(entries.keys().collect::<Vec<_>>(), ["arn:u1", "arn:u2", "arn:u3"]);
        state.finish().unwrap();
        assert!(!path.exists());
    }

    #[test]
    fn another_exports_state_is_refused_and_never_overwritten() {
        let path = temp("other");
        drop(StateFile::create(&path, "arn:i", "every user").unwrap());
        let e = StateFile::create(&path, "arn:i", "every user").unwrap_err();
        assert!(e.contains("--resume"), "{e}");
        let e = StateFile::resume(&path, "arn:other", "every user").unwrap_err();
        assert!(e.contains("another export (arn:i, every user)"), "{e}");
        std::fs::remove_file(&path).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn only_its_owner_may_read_it() {
        use std::os::unix::fs::PermissionsExt;
        let path = temp("mode");
        drop(StateFile::create(&path, "arn:i", "every user").unwrap());
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        std::fs::remove_file(&path).unwrap();
    }
}
