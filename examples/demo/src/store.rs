//! Session storage on the local disk (the demo's embedded default):
//!
//! ```text
//! <data>/sessions/<session id>/<seq>.tdk   one frame per file, as received
//! <data>/backend.tdk                       this service's own frames, back to back
//! ```
//!
//! Frames are checked (header and checksum) before they are stored, so a corrupt upload is
//! refused with a clear error and never poisons a session. A session is served as its frames
//! in sequence order followed by one frame of the backend events that share its trace ids.

use recorder_core::event::{Backend, EventData, Level};
use recorder_core::frame::{self, DecodeError, FrameHeader, SessionId};
use recorder_core::TraceId;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Why a request to the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The upload is not a valid frame.
    #[error("invalid frame: {0}")]
    InvalidFrame(#[from] DecodeError),
    /// No session with that id.
    #[error("no session {0}")]
    UnknownSession(String),
    /// Disk trouble.
    #[error("storage error: {0}")]
    Io(#[from] std::io::Error),
    /// Re-encoding the joined backend events failed.
    #[error("cannot encode backend frame: {0}")]
    Encode(#[from] frame::EncodeError),
}

/// A session as listed for the player.
#[derive(Debug, Serialize)]
pub struct SessionSummary {
    /// 32 hex digits.
    pub id: String,
    /// Unix ms.
    pub started: u64,
    /// Span of recorded time, ms.
    pub duration: u64,
    /// Frames stored.
    pub frames: usize,
    /// Bytes stored.
    pub bytes: u64,
    /// Page URL from the first `Meta` event.
    pub url: String,
    /// Uncaught errors and `console.error` calls.
    pub errors: usize,
    /// Requests that failed or returned ≥ 400.
    pub failed_requests: usize,
    /// Frames missing from the sequence.
    pub gaps: usize,
}

/// The on-disk store.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// A store under `root`, created if needed.
    pub fn open(root: &Path) -> std::io::Result<Store> {
        std::fs::create_dir_all(root.join("sessions"))?;
        Ok(Store {
            root: root.to_owned(),
        })
    }

    /// Where the backend's own frames go.
    pub fn backend_path(&self) -> PathBuf {
        self.root.join("backend.tdk")
    }

    fn session_dir(&self, id: &SessionId) -> PathBuf {
        self.root.join("sessions").join(id.to_string())
    }

    /// Stores one uploaded frame after checking it. Re-sending a frame (a retry whose
    /// response was lost) overwrites it with the same bytes.
    pub fn ingest(&self, bytes: &[u8]) -> Result<FrameHeader, StoreError> {
        let header = frame::decode(bytes)?.header;
        let dir = self.session_dir(&header.session_id);
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{:010}.tdk", header.seq));
        let tmp = dir.join(format!("{:010}.tmp", header.seq));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)?;
        Ok(header)
    }

    fn frame_files(&self, id: &SessionId) -> Result<BTreeMap<u32, PathBuf>, StoreError> {
        let dir = self.session_dir(id);
        let entries =
            std::fs::read_dir(&dir).map_err(|_| StoreError::UnknownSession(id.to_string()))?;
        let mut files = BTreeMap::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "tdk") {
                if let Some(seq) = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .and_then(|s| s.parse().ok())
                {
                    files.insert(seq, path);
                }
            }
        }
        Ok(files)
    }

    /// Every session, newest first.
    pub fn list(&self) -> Result<Vec<SessionSummary>, StoreError> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(self.root.join("sessions"))?.flatten() {
            let Some(id) = entry.file_name().to_str().and_then(SessionId::from_hex) else {
                continue;
            };
            if let Ok(summary) = self.summarize(&id) {
                out.push(summary);
            }
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.started));
        Ok(out)
    }

    fn summarize(&self, id: &SessionId) -> Result<SessionSummary, StoreError> {
        let files = self.frame_files(id)?;
        let mut summary = SessionSummary {
            id: id.to_string(),
            started: 0,
            duration: 0,
            frames: files.len(),
            bytes: 0,
            url: String::new(),
            errors: 0,
            failed_requests: 0,
            gaps: 0,
        };
        let mut expected = 0u32;
        for (seq, path) in &files {
            summary.gaps += seq.saturating_sub(expected) as usize;
            expected = seq + 1;
            let bytes = std::fs::read(path)?;
            summary.bytes += bytes.len() as u64;
            let Ok(frame) = frame::decode(&bytes) else {
                continue;
            };
            summary.started = frame.header.session_start;
            for event in &frame.events {
                summary.duration = summary.duration.max(event.time);
                match &event.data {
                    EventData::Meta(meta) if summary.url.is_empty() => {
                        summary.url = meta.url.clone()
                    }
                    EventData::Error(_) => summary.errors += 1,
                    EventData::Console(c) if c.level >= Level::Error => summary.errors += 1,
                    EventData::Network(n)
                        if n.error.is_some() || n.status.is_some_and(|s| s >= 400) =>
                    {
                        summary.failed_requests += 1
                    }
                    _ => {}
                }
            }
        }
        Ok(summary)
    }

    /// The session's frames in sequence order, then the backend work joined by trace id.
    pub fn session_frames(&self, id: &SessionId) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::new();
        let mut trace_ids = HashSet::new();
        for path in self.frame_files(id)?.values() {
            let bytes = std::fs::read(path)?;
            if let Ok(frame) = frame::decode(&bytes) {
                for event in &frame.events {
                    if let EventData::Network(n) = &event.data {
                        trace_ids.extend(n.trace_id);
                    }
                }
            }
            out.extend_from_slice(&bytes);
        }
        self.append_backend(&trace_ids, &mut out)?;
        Ok(out)
    }

    /// Appends one frame holding the backend events of `trace_ids`.
    fn append_backend(
        &self,
        trace_ids: &HashSet<TraceId>,
        out: &mut Vec<u8>,
    ) -> Result<(), StoreError> {
        if trace_ids.is_empty() {
            return Ok(());
        }
        let Ok(bytes) = std::fs::read(self.backend_path()) else {
            return Ok(());
        };
        let mut header = None;
        let mut events = Vec::new();
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            let Ok((frame, used)) = frame::decode_prefix(rest) else {
                break;
            };
            rest = &rest[used..];
            header.get_or_insert(frame.header);
            events.extend(frame.events.into_iter().filter(|e| match &e.data {
                EventData::Backend(Backend::Span(s)) => trace_ids.contains(&s.trace_id),
                EventData::Backend(Backend::Log(l)) => {
                    l.trace_id.is_some_and(|t| trace_ids.contains(&t))
                }
                _ => false,
            }));
        }
        if let (Some(header), false) = (header, events.is_empty()) {
            events.sort_by_key(|e| e.time);
            frame::encode_into(&FrameHeader { seq: 0, ..header }, &events, out)?;
        }
        Ok(())
    }
}
