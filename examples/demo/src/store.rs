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
use recorder_core::session::{Scanned, Scanner};
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
        // A torn write (the server killed mid-append) damages one frame, not the rest.
        for scanned in Scanner::new(&bytes) {
            let Scanned::Frame { frame, .. } = scanned else {
                continue;
            };
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

#[cfg(test)]
mod tests {
    use super::*;
    use recorder_core::event::{ErrorKind, Event, Initiator, Meta, Network, PageError, Span};
    use recorder_core::SpanId;

    fn temp_store(name: &str) -> (Store, PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("tapedeck-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        (Store::open(&dir).expect("temp store"), dir)
    }

    fn page_frame(seq: u32, events: Vec<Event>) -> Vec<u8> {
        let header = FrameHeader {
            session_id: SessionId([7; 16]),
            seq,
            session_start: 1_000_000,
            ..Default::default()
        };
        frame::encode(&header, &events).expect("encode")
    }

    #[test]
    fn refuses_corrupt_uploads_and_keeps_good_frames() {
        let (store, dir) = temp_store("corrupt");
        let good = page_frame(
            0,
            vec![Event::new(
                0,
                Meta {
                    url: "http://x/".into(),
                    ..Default::default()
                },
            )],
        );
        store.ingest(&good).expect("a valid frame is stored");
        let mut corrupt = page_frame(1, vec![Event::new(5, Meta::default())]);
        let last = corrupt.len() - 1;
        corrupt[last] ^= 0xff;
        assert!(matches!(
            store.ingest(&corrupt),
            Err(StoreError::InvalidFrame(DecodeError::Checksum { .. }))
        ));
        assert!(matches!(
            store.ingest(b"not a frame"),
            Err(StoreError::InvalidFrame(_))
        ));
        let list = store.list().expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!((list[0].frames, list[0].url.as_str()), (1, "http://x/"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn serves_a_session_with_the_backend_work_of_its_trace_ids_only() {
        let (store, dir) = temp_store("join");
        let trace = TraceId([1; 16]);
        let other = TraceId([2; 16]);
        let failed = Network {
            request_id: 1,
            initiator: Some(Initiator::Fetch),
            method: "POST".into(),
            url: "http://x/api/orders".into(),
            status: Some(500),
            trace_id: Some(trace),
            ..Default::default()
        };
        let error = PageError {
            kind: ErrorKind::Exception,
            message: "boom".into(),
            stack: None,
            source: None,
            line: 0,
            column: 0,
        };
        store
            .ingest(&page_frame(
                1,
                vec![Event::new(10, failed), Event::new(11, error)],
            ))
            .expect("ingest");
        let span = |trace_id| Span {
            trace_id,
            span_id: SpanId([3; 8]),
            name: "POST /api/orders".into(),
            ..Default::default()
        };
        let backend = FrameHeader {
            session_id: SessionId([9; 16]),
            session_start: 999_000,
            ..Default::default()
        };
        let bytes = frame::encode(
            &backend,
            &[
                Event::new(1_005, Backend::Span(span(trace))),
                Event::new(1_006, Backend::Span(span(other))),
            ],
        )
        .expect("encode backend");
        std::fs::write(store.backend_path(), bytes).expect("write backend");

        let served = store.session_frames(&SessionId([7; 16])).expect("served");
        let (page, used) = frame::decode_prefix(&served).expect("page frame");
        assert_eq!(page.header.seq, 1);
        let joined = frame::decode(&served[used..]).expect("joined backend frame");
        assert_eq!(
            joined.header.session_start, 999_000,
            "backend frames keep their own clock"
        );
        let traces: Vec<TraceId> = joined
            .events
            .iter()
            .filter_map(|e| match &e.data {
                EventData::Backend(Backend::Span(s)) => Some(s.trace_id),
                _ => None,
            })
            .collect();
        assert_eq!(
            traces,
            vec![trace],
            "only the session's own trace is joined"
        );

        let summary = &store.list().expect("list")[0];
        assert_eq!(
            (summary.errors, summary.failed_requests, summary.gaps),
            (1, 1, 1)
        );
        assert!(matches!(
            store.session_frames(&SessionId([8; 16])),
            Err(StoreError::UnknownSession(_))
        ));
        let _ = std::fs::remove_dir_all(dir);
    }
}
