//! [`SessionReader`]: the frames of one session.

use super::{locate, Collector, Location, Problem, Scanned, Scanner, Session};
use crate::frame::{Frame, Limits, SessionId};

/// Collects frames of one session (see the [module docs](super)).
///
/// The session is the one given to [`SessionReader::for_session`], or else that of the
/// first valid frame read. Reading never fails: everything that is not a good frame of
/// the session ends up in the [`Report`](super::Report). Frames of other sessions are
/// dropped, so memory holds this session only; to keep every session, use a
/// [`MultiSessionReader`](super::MultiSessionReader).
#[derive(Debug, Default)]
pub struct SessionReader {
    session: Option<SessionId>,
    collector: Collector,
    inputs: usize,
    limits: Limits,
}

impl SessionReader {
    /// A reader that takes the session of the first valid frame it reads.
    pub fn new() -> Self {
        Self::default()
    }

    /// A reader for one known session; frames of any other are reported and set aside.
    pub fn for_session(id: SessionId) -> Self {
        SessionReader {
            session: Some(id),
            ..Self::default()
        }
    }

    /// Decodes with these [`Limits`] (see [`frame::decode_with`](crate::frame::decode_with))
    /// instead of the defaults.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Reads one frame (for example the body of one upload request). Anything but exactly
    /// one valid frame is reported as corrupt, trailing bytes included.
    pub fn push(&mut self, bytes: &[u8]) {
        let input = self.next_input();
        let step = Scanned::whole(bytes, &self.limits);
        self.take(locate(input, bytes, step));
    }

    /// Reads a stream of frames written back to back (a file, or a request body holding
    /// several frames), with a [`Scanner`]: after a damaged region it resynchronizes on
    /// the next frame with a valid checksum, so one bad frame costs only itself.
    pub fn push_stream(&mut self, bytes: &[u8]) {
        let input = self.next_input();
        for step in Scanner::new(bytes).with_limits(self.limits) {
            self.take(locate(input, bytes, step));
        }
    }

    /// Adds a frame decoded elsewhere (it has no byte location; it is reported at offset 0
    /// of its own input, and duplicates of it count as identical when equal).
    pub fn push_frame(&mut self, frame: Frame) {
        let at = Location {
            input: self.next_input(),
            offset: 0,
        };
        self.take(Ok((frame, None, at)));
    }

    /// Problems so far, without the gaps (which are known only at the end).
    pub fn problems(&self) -> &[Problem] {
        &self.collector.problems
    }

    /// Number of distinct good frames read so far.
    pub fn frame_count(&self) -> usize {
        self.collector.frames.len()
    }

    /// The session: good frames in sequence order, and the report with the gaps added.
    pub fn finish(self) -> Session {
        self.collector.finish(self.session)
    }

    fn next_input(&mut self) -> usize {
        self.inputs += 1;
        self.inputs - 1
    }

    fn take(&mut self, located: super::Located) {
        let (frame, fingerprint, at) = match located {
            Ok(found) => found,
            Err(corrupt) => return self.collector.problems.push(corrupt),
        };
        let header = frame.header;
        let session = *self.session.get_or_insert(header.session_id);
        if header.session_id != session {
            self.collector.problems.push(Problem::OtherSession {
                at,
                session: header.session_id,
                seq: header.seq,
            });
            return;
        }
        self.collector.accept(frame, fingerprint, at);
    }
}
