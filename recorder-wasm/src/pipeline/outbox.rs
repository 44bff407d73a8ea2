//! The bounded queue of encoded frames: frames waiting for the endpoint, and the
//! buffer of a buffer-mode recording. Pure bookkeeping (no browser API), so the bound's
//! rules are unit-tested natively.
//!
//! # The bound (`maxPendingBytes`)
//! When the frames held exceed the bound, frames are dropped, oldest first, by these rules:
//! 1. A frame being sent is never dropped (its request is already out).
//! 2. The newest frame holding a snapshot (the *anchor*) is never dropped, even when it
//!    alone exceeds the bound: the session stays replayable from it.
//! 3. Frames older than the anchor go first: replay from the anchor does not need them.
//! 4. When that is not enough, dropping a frame newer than the anchor would break the DOM
//!    chain that replay follows from it. If the frames after the anchor add up to at least
//!    half the bound, the caller is asked for a checkpoint (a fresh snapshot), which
//!    becomes the new anchor, so everything before it can go by rule 3. Otherwise (the
//!    anchor itself is most of the bound, or no checkpoint can be taken) the oldest frames
//!    after the anchor are dropped: the DOM replays wrongly until the next snapshot, which
//!    the reader sees as a gap.
//!
//! Rule 4's "half the bound" keeps checkpoints from firing on every new frame when the
//! snapshot itself is large.

use std::collections::VecDeque;

/// One encoded frame and what the bound and the buffer window need to know about it.
#[derive(Debug)]
pub(crate) struct Entry<B> {
    /// Sequence number written in the frame.
    pub seq: u32,
    /// Encoded size, bytes.
    pub len: usize,
    /// Time of the first event, ms since the session start.
    pub first_time: u64,
    /// Time of the last event.
    pub last_time: u64,
    /// Whether the frame starts with a snapshot (after an optional `Meta`).
    pub snapshot: bool,
    /// How many requests carrying it are outstanding.
    pub in_flight: u8,
    /// The bytes.
    pub body: B,
}

/// What was dropped to stay within the bound.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Dropped {
    /// Frames dropped.
    pub frames: u32,
    /// Their bytes.
    pub bytes: usize,
    /// Lowest dropped sequence number.
    pub first_seq: u32,
    /// Highest dropped sequence number.
    pub last_seq: u32,
    /// Whether a frame newer than the anchor was dropped (or one with no anchor at all).
    pub broke_chain: bool,
}

impl Dropped {
    fn add(&mut self, seq: u32, len: usize) {
        if self.frames == 0 {
            self.first_seq = seq;
            self.last_seq = seq;
        }
        self.frames += 1;
        self.bytes += len;
        self.first_seq = self.first_seq.min(seq);
        self.last_seq = self.last_seq.max(seq);
    }
}

/// Result of [`Outbox::enforce`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pressure {
    /// Within the bound (or over it only by frames that may not be dropped).
    Fits,
    /// Take a checkpoint, cut it as a frame, and enforce again without checkpoints.
    NeedCheckpoint,
}

/// Frames in sequence order with their total size.
#[derive(Debug)]
pub(crate) struct Outbox<B> {
    entries: VecDeque<Entry<B>>,
    bytes: usize,
}

impl<B> Default for Outbox<B> {
    fn default() -> Self {
        Outbox {
            entries: VecDeque::new(),
            bytes: 0,
        }
    }
}

impl<B> Outbox<B> {
    /// Total encoded bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Number of frames held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Appends a frame (sequence numbers only grow).
    pub fn push(&mut self, entry: Entry<B>) {
        self.bytes += entry.len;
        self.entries.push_back(entry);
    }

    /// The frames, oldest first.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Entry<B>> {
        self.entries.iter_mut()
    }

    /// The frame with this sequence number.
    pub fn get_mut(&mut self, seq: u32) -> Option<&mut Entry<B>> {
        let i = self.index_of(seq)?;
        self.entries.get_mut(i)
    }

    /// Removes the frame with this sequence number.
    pub fn remove(&mut self, seq: u32) -> Option<Entry<B>> {
        let i = self.index_of(seq)?;
        self.remove_at(i)
    }

    /// The oldest frame no request carries.
    pub fn first_idle(&mut self) -> Option<&mut Entry<B>> {
        self.entries.iter_mut().find(|e| e.in_flight == 0)
    }

    /// Whether any frame with a sequence number up to `seq` is still held.
    pub fn holds_up_to(&self, seq: u32) -> bool {
        self.entries.front().is_some_and(|e| e.seq <= seq)
    }

    /// Takes every frame, oldest first.
    pub fn take_all(&mut self) -> VecDeque<Entry<B>> {
        self.bytes = 0;
        std::mem::take(&mut self.entries)
    }

    fn index_of(&self, seq: u32) -> Option<usize> {
        self.entries.binary_search_by_key(&seq, |e| e.seq).ok()
    }

    fn remove_at(&mut self, i: usize) -> Option<Entry<B>> {
        let entry = self.entries.remove(i)?;
        self.bytes -= entry.len;
        Some(entry)
    }

    /// Drops frames until at most `max` bytes are held, by the rules in the module docs;
    /// `may_checkpoint` says whether rule 4 may ask for a checkpoint.
    pub fn enforce(&mut self, max: usize, may_checkpoint: bool, dropped: &mut Dropped) -> Pressure {
        while self.bytes > max {
            let anchor = self.entries.iter().rposition(|e| e.snapshot);
            // Rule 3: older than the anchor, not being sent.
            let older = anchor.unwrap_or(0);
            if let Some(i) = self.entries.range(..older).position(|e| e.in_flight == 0) {
                if let Some(e) = self.remove_at(i) {
                    dropped.add(e.seq, e.len);
                }
                continue;
            }
            // Rule 4.
            let newer = anchor.map_or(0, |a| a + 1);
            let newer_bytes: usize = self
                .entries
                .range(newer..)
                .filter(|e| e.in_flight == 0)
                .map(|e| e.len)
                .sum();
            if may_checkpoint && newer_bytes >= max / 2 {
                return Pressure::NeedCheckpoint;
            }
            match self.entries.range(newer..).position(|e| e.in_flight == 0) {
                Some(i) => {
                    if let Some(e) = self.remove_at(newer + i) {
                        dropped.add(e.seq, e.len);
                        dropped.broke_chain = true;
                    }
                }
                None => break, // only the anchor and frames being sent are left
            }
        }
        Pressure::Fits
    }

    /// Buffer mode: forgets what happened before `window_start` (ms since the session
    /// start) while keeping the buffer replayable: it keeps the newest snapshot frame that
    /// starts at or before the window start and everything after it. Without such a
    /// snapshot it drops only leading frames that end before the window start and hold no
    /// snapshot. Returns the number of frames dropped.
    pub fn trim_window(&mut self, window_start: u64) -> usize {
        let keep_from = match self
            .entries
            .iter()
            .rposition(|e| e.snapshot && e.first_time <= window_start)
        {
            Some(anchor) => anchor,
            None => self
                .entries
                .iter()
                .take_while(|e| !e.snapshot && e.last_time < window_start && e.in_flight == 0)
                .count(),
        };
        for _ in 0..keep_from {
            self.remove_at(0);
        }
        keep_from
    }
}

/// Rewrites the sequence number of an encoded frame (and its checksum), for a buffer-mode
/// recording whose first sent frame must be seq 0. Relies on the version-1 header layout
/// documented in `recorder_core::frame` (seq at byte 22, CRC-32 at byte 54 over bytes
/// 0..54 and the payload); returns `false`, changing nothing, for anything else. The
/// native test `set_seq_keeps_the_frame_decodable` checks it against the codec.
pub(crate) fn set_seq(frame: &mut [u8], seq: u32) -> bool {
    use recorder_core::frame::{FORMAT_VERSION, HEADER_LEN, MAGIC};
    if frame.len() < HEADER_LEN || frame[..4] != MAGIC || frame[4] != FORMAT_VERSION {
        return false;
    }
    frame[22..26].copy_from_slice(&seq.to_le_bytes());
    let mut crc = recorder_core::crc32::Crc32::new();
    crc.update(&frame[..54]);
    crc.update(&frame[HEADER_LEN..]);
    let crc = crc.finalize();
    frame[54..58].copy_from_slice(&crc.to_le_bytes());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u32, len: usize, snapshot: bool) -> Entry<()> {
        Entry {
            seq,
            len,
            first_time: u64::from(seq) * 1000,
            last_time: u64::from(seq) * 1000 + 999,
            snapshot,
            in_flight: 0,
            body: (),
        }
    }

    fn seqs(outbox: &Outbox<()>) -> Vec<u32> {
        outbox.entries.iter().map(|e| e.seq).collect()
    }

    fn outbox(frames: &[(usize, bool)]) -> Outbox<()> {
        let mut o = Outbox::default();
        for (seq, &(len, snapshot)) in frames.iter().enumerate() {
            o.push(entry(seq as u32, len, snapshot));
        }
        o
    }

    #[test]
    fn frames_older_than_the_newest_snapshot_go_first() {
        // 0 snapshot, 1, 2, 3 snapshot, 4: over by 250.
        let mut o = outbox(&[
            (100, true),
            (100, false),
            (100, false),
            (100, true),
            (100, false),
        ]);
        let mut dropped = Dropped::default();
        assert_eq!(o.enforce(250, true, &mut dropped), Pressure::Fits);
        assert_eq!(seqs(&o), [3, 4], "the older snapshot is not the anchor");
        assert_eq!(o.bytes(), 200);
        assert_eq!(
            dropped,
            Dropped {
                frames: 3,
                bytes: 300,
                first_seq: 0,
                last_seq: 2,
                broke_chain: false
            }
        );
    }

    #[test]
    fn a_frame_being_sent_is_never_dropped() {
        let mut o = outbox(&[(100, false), (100, false), (100, true), (10, false)]);
        o.get_mut(0).unwrap().in_flight = 1;
        let mut dropped = Dropped::default();
        o.enforce(210, true, &mut dropped);
        assert_eq!(seqs(&o), [0, 2, 3]);
        assert_eq!(dropped.frames, 1);
    }

    #[test]
    fn growth_after_the_anchor_asks_for_a_checkpoint_then_drops_before_it() {
        let mut o = outbox(&[(50, true), (100, false), (100, false), (100, false)]);
        let mut dropped = Dropped::default();
        assert_eq!(o.enforce(300, true, &mut dropped), Pressure::NeedCheckpoint);
        assert_eq!(dropped.frames, 0, "nothing dropped before the checkpoint");
        // The checkpoint arrives as a new snapshot frame; everything before it may go.
        o.push(entry(4, 60, true));
        assert_eq!(o.enforce(300, false, &mut dropped), Pressure::Fits);
        assert_eq!(seqs(&o), [2, 3, 4]);
        assert!(!dropped.broke_chain);
    }

    #[test]
    fn a_large_anchor_is_kept_and_newer_frames_dropped_without_checkpoint_storms() {
        // The snapshot is 80% of the bound: asking for a checkpoint on every frame would
        // snapshot forever, so the frames after it are dropped instead.
        let mut o = outbox(&[(80, true), (15, false), (15, false)]);
        let mut dropped = Dropped::default();
        assert_eq!(o.enforce(100, true, &mut dropped), Pressure::Fits);
        assert_eq!(seqs(&o), [0, 2]);
        assert!(dropped.broke_chain);
        // A snapshot larger than the bound alone is kept.
        let mut o = outbox(&[(500, true)]);
        assert_eq!(
            o.enforce(100, true, &mut Dropped::default()),
            Pressure::Fits
        );
        assert_eq!(seqs(&o), [0]);
    }

    #[test]
    fn without_any_snapshot_a_checkpoint_is_asked_for_then_oldest_frames_go() {
        let mut o = outbox(&[(100, false), (100, false), (100, false)]);
        let mut dropped = Dropped::default();
        assert_eq!(o.enforce(200, true, &mut dropped), Pressure::NeedCheckpoint);
        // No DOM capture to give a snapshot: enforce again without checkpoints.
        assert_eq!(o.enforce(200, false, &mut dropped), Pressure::Fits);
        assert_eq!(seqs(&o), [1, 2]);
        assert!(dropped.broke_chain);
    }

    #[test]
    fn the_window_keeps_the_newest_snapshot_at_or_before_its_start() {
        // Frames n cover [n s, n s + 999 ms]; snapshots at 0, 3 and 6.
        let frames: Vec<_> = (0..9).map(|i| (10, i % 3 == 0)).collect();
        let mut o = outbox(&frames);
        assert_eq!(
            o.trim_window(2_500),
            0,
            "snapshot 0 is the newest before 2.5 s"
        );
        assert_eq!(o.trim_window(5_999), 3);
        assert_eq!(seqs(&o), [3, 4, 5, 6, 7, 8]);
        assert_eq!(
            o.trim_window(6_000),
            3,
            "snapshot 6 starts exactly at the window"
        );
        assert_eq!(seqs(&o), [6, 7, 8]);
        assert_eq!(o.bytes(), 30);
    }

    #[test]
    fn the_window_without_snapshots_drops_frames_that_ended_before_it() {
        let mut o = outbox(&[(10, false), (10, false), (10, false)]);
        assert_eq!(o.trim_window(1_500), 1);
        assert_eq!(seqs(&o), [1, 2]);
        // Frames before a snapshot that starts after the window start, and that ended
        // before it, go too.
        let mut o = outbox(&[(10, false), (10, false), (10, true)]);
        assert_eq!(o.trim_window(1_500), 1);
        assert_eq!(seqs(&o), [1, 2]);
    }

    #[test]
    fn holds_up_to_and_removal_keep_the_byte_count() {
        let mut o = outbox(&[(10, false), (20, false), (30, false)]);
        assert!(o.holds_up_to(0));
        assert_eq!(o.remove(1).map(|e| e.len), Some(20));
        assert_eq!(o.bytes(), 40);
        assert!(o.remove(1).is_none());
        assert_eq!(o.remove(0).map(|e| e.seq), Some(0));
        assert!(!o.holds_up_to(1));
        assert!(o.holds_up_to(2));
        assert_eq!(o.first_idle().map(|e| e.seq), Some(2));
        assert_eq!(o.take_all().len(), 1);
        assert_eq!(o.bytes(), 0);
        assert_eq!(o.len(), 0);
    }

    #[test]
    fn set_seq_keeps_the_frame_decodable() {
        use recorder_core::event::{Custom, Event};
        use recorder_core::frame::{self, FrameHeader, SessionId};
        let header = FrameHeader {
            session_id: SessionId([9; 16]),
            seq: 41,
            session_start: 1_700_000_000_000,
            ..FrameHeader::default()
        };
        let events = vec![Event::new(
            1234,
            Custom {
                name: "checkout".into(),
                payload: "{}".into(),
            },
        )];
        let mut bytes = frame::encode(&header, &events).unwrap();
        assert!(set_seq(&mut bytes, 3));
        let decoded = frame::decode(&bytes).expect("still a valid frame");
        assert_eq!(decoded.header.seq, 3);
        assert_eq!(decoded.header.session_id, header.session_id);
        assert_eq!(decoded.events, events);
        assert!(!set_seq(&mut bytes[..20], 1), "too short: refused");
        let mut not_a_frame = vec![0u8; 80];
        assert!(!set_seq(&mut not_a_frame, 1));
    }
}
