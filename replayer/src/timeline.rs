//! One ordered timeline, and the DOM at any moment of it.
//!
//! # Seeking: checkpoints
//! [`Timeline::dom_at`] must not replay the session from its start: a long session has
//! hundreds of thousands of DOM events. While the timeline is built, the DOM is replayed
//! once and a copy of it is kept as a checkpoint
//! - after every snapshot (a snapshot replaces the whole DOM, so nothing before it is
//!   ever needed again), and
//! - whenever the DOM work since the last checkpoint reaches the DOM's own size
//!   (× [`CheckpointPolicy::size_factor`], at least [`CheckpointPolicy::min_work`]).
//!
//! Work counts what a replay pays: one unit per event (a non-DOM event is skipped in
//! nanoseconds but still visited), plus one per node added, removed, re-attributed or
//! re-texted, plus the change in node count (so removing a large subtree counts as
//! large). Counting work rather than elapsed time keeps the checkpoints deterministic.
//!
//! Why tie the interval to the DOM size: a checkpoint costs memory in proportion to the
//! node count (a [`Dom`] clone shares every node's data and copies only the arena of
//! links and ids, ≈ 50 bytes per node), and a seek costs one clone plus the replay since
//! the checkpoint. With the interval tied to the node count, a seek costs one clone plus
//! the replay of at most `size_factor × nodes` work units, whatever the session length,
//! while all checkpoints together take memory of the order of the events they summarize
//! divided by `size_factor`.
//!
//! Measured with `cargo bench -p replayer --bench seek` (a ≈15k-node page, 40 000
//! events: 20 000 mutation batches and as many pointer moves; medians on a shared 2-core
//! machine, so ±30%):
//!
//! | seek to | replay from start | checkpointed (default) | `size_factor` 0.25 |
//! |---|---|---|---|
//! | the end | 45–50 ms | 1.5–1.6 ms (1 408 events replayed) | 0.5–0.7 ms (336 events) |
//! | the middle | 42–45 ms | 2.8–4.0 ms | 0.95 ms |
//!
//! A cursor scrubbing to ten positions in turn takes 40–58 ms (4–6 ms a seek, each also
//! dropping the previous DOM). The default keeps 10 checkpoints for that session (an
//! estimated 7 MB at ≈ 50 bytes a node), 0.25 keeps 38. Building the timeline (one full
//! replay plus the clones) takes ≈ 85 ms.
//!
//! Events that fail to apply (recorded against nodes the mirror lacks, after a lost
//! frame) leave the DOM unchanged and are listed in [`LoadReport::dom_errors`]; a replay
//! from a checkpoint meets the same failures, so every path gives the same DOM.

use crate::load::{self, ApplyFailure, LoadError, LoadReport};
use recorder_core::dom::{Dom, DomError};
use recorder_core::event::{Event, EventData};
use recorder_core::frame::SessionId;
use recorder_core::session::Sessions;
use std::fmt;

/// When to keep a copy of the DOM while building a [`Timeline`] (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CheckpointPolicy {
    /// Never fewer work units than this between checkpoints (small pages would otherwise
    /// get a checkpoint every few events).
    pub min_work: u64,
    /// Work between checkpoints as a multiple of the DOM's node count: lower seeks
    /// faster and uses more memory (checkpoint memory ≈ events' memory ÷ this factor).
    pub size_factor: f64,
}

impl Default for CheckpointPolicy {
    /// `min_work` 1024, `size_factor` 1: a seek replays at most about as many node
    /// operations as the page has nodes (see `benches/seek.rs` for measured costs).
    fn default() -> Self {
        CheckpointPolicy {
            min_work: 1024,
            size_factor: 1.0,
        }
    }
}

impl CheckpointPolicy {
    /// A checkpoint every `work` units regardless of the DOM size (for tests, or when
    /// memory is no concern).
    pub fn every(work: u64) -> Self {
        CheckpointPolicy {
            min_work: work.max(1),
            size_factor: 0.0,
        }
    }

    /// No checkpoints but those at snapshots: every seek replays from the last snapshot.
    pub fn snapshots_only() -> Self {
        CheckpointPolicy {
            min_work: u64::MAX,
            size_factor: 0.0,
        }
    }

    fn threshold(&self, dom_len: usize) -> u64 {
        let by_size = (dom_len as f64 * self.size_factor) as u64;
        self.min_work.max(by_size)
    }
}

/// The DOM after the first `position` events.
#[derive(Clone)]
struct Checkpoint {
    position: usize,
    dom: Dom,
}

/// A session's events in time order, with the DOM available at any moment.
///
/// Build one with [`Timeline::from_frames`] (frame bytes in any order) or
/// [`Timeline::from_events`].
#[derive(Clone)]
pub struct Timeline {
    events: Vec<Event>,
    report: LoadReport,
    checkpoints: Vec<Checkpoint>,
}

impl fmt::Debug for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeline")
            .field("session", &self.report.session)
            .field("events", &self.events.len())
            .field("duration", &self.duration())
            .field("checkpoints", &self.checkpoints.len())
            .finish()
    }
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline::from_events(Vec::new())
    }
}

impl Timeline {
    /// Reads frames (each input one frame, or several back to back, in any order) with the
    /// default [`CheckpointPolicy`].
    ///
    /// Gaps, duplicates, corrupt bytes and frames of other sessions are not errors: see
    /// [`Timeline::report`]. It fails only when not one frame decodes.
    pub fn from_frames<'a>(
        inputs: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Timeline, LoadError> {
        Timeline::from_frames_with(inputs, CheckpointPolicy::default())
    }

    /// [`Timeline::from_frames`] with a chosen checkpoint policy.
    pub fn from_frames_with<'a>(
        inputs: impl IntoIterator<Item = &'a [u8]>,
        policy: CheckpointPolicy,
    ) -> Result<Timeline, LoadError> {
        Timeline::from_scan(load::read_frames(inputs), policy)
    }

    /// A timeline of frames already read with [`load::read_frames`] (a caller that reports
    /// per-file problems first, as the CLI does).
    pub fn from_scan(read: Sessions, policy: CheckpointPolicy) -> Result<Timeline, LoadError> {
        let (events, report) = load::assemble(read)?;
        Ok(Timeline::build(events, report, policy))
    }

    /// A timeline of already decoded events (times in ms since the session start), ordered
    /// by time, equal times keeping their given order.
    pub fn from_events(events: Vec<Event>) -> Timeline {
        Timeline::from_events_with(events, CheckpointPolicy::default())
    }

    /// [`Timeline::from_events`] with a chosen checkpoint policy.
    pub fn from_events_with(mut events: Vec<Event>, policy: CheckpointPolicy) -> Timeline {
        events.sort_by_key(|e| e.time);
        Timeline::build(events, LoadReport::default(), policy)
    }

    /// Replays the DOM once, keeping checkpoints and recording failed events.
    fn build(events: Vec<Event>, mut report: LoadReport, policy: CheckpointPolicy) -> Timeline {
        let mut checkpoints = Vec::new();
        let mut dom = Dom::new();
        let mut work = 0u64;
        for (index, event) in events.iter().enumerate() {
            let before = dom.len();
            let result = dom.apply_event(&event.data);
            match result {
                Ok(true) if matches!(event.data, EventData::Snapshot(_)) => {
                    checkpoints.push(Checkpoint {
                        position: index + 1,
                        dom: dom.clone(),
                    });
                    work = 0;
                    continue;
                }
                Ok(_) => {}
                Err(error) => report.dom_errors.push(ApplyFailure {
                    index,
                    time: event.time,
                    error,
                }),
            }
            work += event_work(&event.data) + before.abs_diff(dom.len()) as u64;
            if work >= policy.threshold(dom.len()) {
                checkpoints.push(Checkpoint {
                    position: index + 1,
                    dom: dom.clone(),
                });
                work = 0;
            }
        }
        Timeline {
            events,
            report,
            checkpoints,
        }
    }

    /// Every event, in time order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Time of the last event, ms since the session start.
    pub fn duration(&self) -> u64 {
        self.events.last().map_or(0, |e| e.time)
    }

    /// What loading found: the session, gaps, duplicates, corrupt bytes, joined backend
    /// sessions, and events that could not be applied to the DOM.
    pub fn report(&self) -> &LoadReport {
        &self.report
    }

    /// The page session's id (`None` for a timeline built from events).
    pub fn session_id(&self) -> Option<SessionId> {
        self.report.session
    }

    /// The page session's start, Unix ms (0 when unknown).
    pub fn session_start(&self) -> u64 {
        self.report.session_start
    }

    /// How many events have a time at or before `t`.
    fn count_at(&self, t: u64) -> usize {
        self.events.partition_point(|e| e.time <= t)
    }

    /// Index of the last event at or before `t`; `None` before the first event.
    pub fn index_at(&self, t: u64) -> Option<usize> {
        self.count_at(t).checked_sub(1)
    }

    /// The DOM after every event at or before `t` (empty before the first snapshot).
    pub fn dom_at(&self, t: u64) -> Dom {
        self.dom_at_position(self.count_at(t))
    }

    /// The DOM after events `0..=index` (after all of them if `index` is past the end).
    pub fn dom_after(&self, index: usize) -> Dom {
        self.dom_at_position(index.saturating_add(1))
    }

    /// The DOM after the first `position` events: the nearest checkpoint, then the events
    /// after it.
    fn dom_at_position(&self, position: usize) -> Dom {
        let position = position.min(self.events.len());
        let (mut dom, from) = match self.checkpoint_before(position) {
            Some(c) => (c.dom.clone(), c.position),
            None => (Dom::new(), 0),
        };
        for event in &self.events[from..position] {
            // Failures were recorded by `build`; they leave the DOM unchanged.
            let _ = dom.apply_event(&event.data);
        }
        dom
    }

    /// The last checkpoint at or before `position`.
    fn checkpoint_before(&self, position: usize) -> Option<&Checkpoint> {
        let n = self.checkpoints.partition_point(|c| c.position <= position);
        n.checked_sub(1).map(|i| &self.checkpoints[i])
    }

    /// Where the checkpoints are: for each, how many events it has applied.
    pub fn checkpoint_positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.checkpoints.iter().map(|c| c.position)
    }

    /// How many events a seek to `t` replays after its checkpoint.
    pub fn seek_cost(&self, t: u64) -> usize {
        let position = self.count_at(t);
        position - self.checkpoint_before(position).map_or(0, |c| c.position)
    }

    /// A cursor before the first event, to step through the session applying events.
    pub fn cursor(&self) -> Cursor<'_> {
        Cursor {
            timeline: self,
            dom: Dom::new(),
            position: 0,
        }
    }
}

/// Replay work of an event, beyond the change in node count (see the module docs).
fn event_work(data: &EventData) -> u64 {
    1 + match data {
        EventData::Snapshot(s) => s.nodes.len() as u64,
        EventData::Mutation(b) => {
            (b.removes.len()
                + b.adds.iter().map(|a| a.nodes.len()).sum::<usize>()
                + b.attrs.len()
                + b.texts.len()) as u64
        }
        _ => 0,
    }
}

/// What happened when a [`Cursor`] passed an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Not a DOM event (input, console, network…): nothing to apply.
    NotDom,
    /// The DOM changed (or was confirmed unchanged) by the event.
    Applied,
    /// The event could not be applied; the DOM is unchanged.
    Failed(DomError),
}

/// One event passed by a [`Cursor`].
#[derive(Clone, Debug)]
pub struct Step<'a> {
    /// Its index in [`Timeline::events`].
    pub index: usize,
    /// The event.
    pub event: &'a Event,
    /// What applying it did.
    pub applied: Applied,
}

/// A position in a timeline with the DOM there: step forward event by event (a player
/// mirroring each change), or jump with [`Cursor::seek`].
///
/// Iterating a cursor steps it.
#[derive(Clone, Debug)]
pub struct Cursor<'a> {
    timeline: &'a Timeline,
    dom: Dom,
    position: usize,
}

impl<'a> Cursor<'a> {
    /// How many events have been passed: the index of the next one.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The DOM after the events passed.
    pub fn dom(&self) -> &Dom {
        &self.dom
    }

    /// Gives up the cursor, keeping its DOM.
    pub fn into_dom(self) -> Dom {
        self.dom
    }

    /// The next event, not yet passed.
    pub fn peek(&self) -> Option<&'a Event> {
        self.timeline.events.get(self.position)
    }

    /// Passes the next event, applying it to the DOM.
    pub fn step(&mut self) -> Option<Step<'a>> {
        let index = self.position;
        let event = self.timeline.events.get(index)?;
        self.position += 1;
        let applied = match self.dom.apply_event(&event.data) {
            Ok(true) => Applied::Applied,
            Ok(false) => Applied::NotDom,
            Err(e) => Applied::Failed(e),
        };
        Some(Step {
            index,
            event,
            applied,
        })
    }

    /// Steps through every event at or before `t`, yielding each as it is applied.
    pub fn advance_to(&mut self, t: u64) -> impl Iterator<Item = Step<'a>> + '_ {
        std::iter::from_fn(move || {
            if self.peek()?.time <= t {
                self.step()
            } else {
                None
            }
        })
    }

    /// Moves to the state after every event at or before `t` (forward or backward),
    /// replaying from the cursor or from the nearest checkpoint, whichever is closer.
    pub fn seek(&mut self, t: u64) {
        self.seek_to(self.timeline.count_at(t));
    }

    /// Moves to the state after the first `position` events.
    pub fn seek_to(&mut self, position: usize) {
        let position = position.min(self.timeline.events.len());
        let checkpoint = self.timeline.checkpoint_before(position);
        let from_here =
            self.position <= position && checkpoint.is_none_or(|c| c.position <= self.position);
        if !from_here {
            match checkpoint {
                Some(c) => {
                    self.dom = c.dom.clone();
                    self.position = c.position;
                }
                None => {
                    self.dom = Dom::new();
                    self.position = 0;
                }
            }
        }
        for event in &self.timeline.events[self.position..position] {
            let _ = self.dom.apply_event(&event.data);
        }
        self.position = position;
    }
}

impl<'a> Iterator for Cursor<'a> {
    type Item = Step<'a>;

    fn next(&mut self) -> Option<Step<'a>> {
        self.step()
    }
}
