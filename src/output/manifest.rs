//! The manifest: the list of files a build wrote into an output folder, with a stamp of each
//! (a hash of its bytes, or of its source's size and time for copied files). It is how a later
//! build knows which files are its own (and may be replaced or dropped) and which are the
//! user's (and are never deleted), and which of its files are unchanged.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::Path;

/// The manifest's file name, at the top of the output folder.
pub const MANIFEST_FILE: &str = ".studysite-manifest";

const HEADER: &str = "studysite-manifest 1";

/// What a file's content is, in 16 bytes: equal stamps, equal files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    /// A hash of the bytes (or of the copied source's size and modification time).
    pub hash: u64,
    /// The length in bytes.
    pub len: u64,
}

impl Stamp {
    /// The stamp of some bytes.
    pub fn of_bytes(bytes: &[u8]) -> Stamp {
        Stamp {
            hash: xxhash_rust::xxh3::xxh3_64(bytes),
            len: bytes.len() as u64,
        }
    }

    /// The stamp of a file copied as it is: its size and modification time, so that large
    /// attachments are never read just to learn they did not change.
    pub fn of_source(meta: &std::fs::Metadata) -> Stamp {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let mut key = [0u8; 25];
        key[0] = b'f';
        key[1..9].copy_from_slice(&meta.len().to_le_bytes());
        key[9..].copy_from_slice(&modified.to_le_bytes());
        Stamp {
            hash: xxhash_rust::xxh3::xxh3_64(&key),
            len: meta.len(),
        }
    }
}

/// The files of one build, by site path, with their stamps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Site path (`ec2/pricing/index.html`) → stamp.
    pub files: BTreeMap<String, Stamp>,
}

impl Manifest {
    /// The manifest as text: a header line, then `hash len path` per file (paths
    /// percent-encoded, so any file name fits on one line).
    pub fn to_text(&self) -> String {
        let mut text = String::with_capacity(self.files.len() * 64);
        text.push_str(HEADER);
        text.push('\n');
        for (path, stamp) in &self.files {
            text.push_str(&format!(
                "{:016x} {} {}\n",
                stamp.hash,
                stamp.len,
                crate::paths::encode_path(path)
            ));
        }
        text
    }

    /// Reads a manifest written by [`Manifest::to_text`].
    pub fn parse(text: &str) -> Result<Manifest> {
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            bail!("not a studysite manifest");
        }
        let mut files = BTreeMap::new();
        for (n, line) in lines.enumerate() {
            let bad = || format!("line {} of the manifest is damaged", n + 2);
            let mut parts = line.splitn(3, ' ');
            let (Some(hash), Some(len), Some(path)) = (parts.next(), parts.next(), parts.next())
            else {
                bail!(bad());
            };
            let hash = u64::from_str_radix(hash, 16).with_context(bad)?;
            let len = len.parse().with_context(bad)?;
            files.insert(crate::paths::decode_path(path), Stamp { hash, len });
        }
        Ok(Manifest { files })
    }

    /// The manifest of an output folder: `Ok(None)` when it has none.
    pub fn read(folder: &Path) -> Result<Option<Manifest>> {
        let path = folder.join(MANIFEST_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Manifest::parse(&text)
                .map(Some)
                .with_context(|| format!("cannot read {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_what_it_wrote() {
        let mut m = Manifest::default();
        m.files.insert("a/index.html".into(), Stamp::of_bytes(b"x"));
        m.files
            .insert("odd name\twith tab.png".into(), Stamp { hash: 7, len: 3 });
        assert_eq!(Manifest::parse(&m.to_text()).unwrap(), m);
    }

    #[test]
    fn anything_else_is_not_a_manifest() {
        assert!(Manifest::parse("hello\n").is_err());
        assert!(Manifest::parse("studysite-manifest 1\nzz 1 a\n").is_err());
    }

    #[test]
    fn stamps_tell_bytes_apart() {
        assert_eq!(Stamp::of_bytes(b"abc"), Stamp::of_bytes(b"abc"));
        assert_ne!(Stamp::of_bytes(b"abc"), Stamp::of_bytes(b"abd"));
    }
}
