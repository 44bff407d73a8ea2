//! The recording context every capture hook shares: the clock, the node ids, and the
//! one door events go through ([`Recording::emit`]).
//!
//! Causal order: an event from a hook (a console call, a fetch, `addEvent`) must come after
//! every DOM change the page made before it. The DOM capture registers a *barrier* that
//! drains the MutationObserver's pending records; [`Recording::emit`] runs it first.
//!
//! Re-entrancy: a hook may fire while the recorder is itself running (our own work can
//! trigger a page callback that logs). Nothing here holds a `RefCell` borrow across a
//! call into the page, and borrows that would conflict are skipped, never panicked on.
//!
//! Frame boundaries are decided here, as events arrive, so that nothing expensive runs in
//! a hook's call stack: a `Meta` or a `Snapshot` starts a new frame (a `Snapshot` right
//! after a `Meta` joins it), so the frame holding a snapshot is replayable on its own; and
//! once the current frame's events pass `maxFrameBytes` (estimated, see
//! [`Recording::queued_bytes`]) the next event starts another one. The pipeline learns
//! about a full frame, or about an event that releases a buffer-mode recording, through
//! the [`Notice`] callback, which only schedules work for later.
//!
//! The recorder's own requests to `endpoint` must not be recorded: captures that see
//! requests (fetch, XHR, resource timing) ask [`Recording::is_own_request`], and
//! [`Recording::emit`] drops `Network` events for the endpoint as a last line of defence.

use crate::ids::NodeIds;
use crate::options::Options;
use recorder_core::event::{ErrorKind, Event, EventData};
use std::cell::{Cell, RefCell};

/// What the pipeline is told when an event arrives (see [`Recording::set_notify`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The current frame reached `maxFrameBytes`: cut it soon.
    FrameFull,
    /// An uncaught error, unhandled rejection or failed request: a buffer-mode recording
    /// sends its buffer and goes live.
    Trigger,
}

/// The queued events and where frames start among them.
#[derive(Debug, Default)]
struct Queue {
    events: Vec<Event>,
    /// Index of the first event of each frame after the first.
    cuts: Vec<usize>,
    /// Estimated bytes of the current (last) frame.
    frame_bytes: usize,
    /// Whether the current frame holds only `Meta` events (a snapshot then joins it).
    frame_meta_only: bool,
    /// Estimated bytes of all queued events.
    bytes: usize,
}

/// Milliseconds since the session start, from the monotonic `performance.now()`.
#[derive(Debug)]
pub struct Clock {
    /// Unix ms at `performance.now() == origin`.
    pub session_start: u64,
    origin: f64,
    performance: Option<web_sys::Performance>,
}

impl Clock {
    /// A clock starting now.
    pub fn start() -> Clock {
        let performance = web_sys::window().and_then(|w| w.performance());
        let origin = performance.as_ref().map_or(0.0, |p| p.now());
        Clock {
            session_start: js_sys::Date::now() as u64,
            origin,
            performance,
        }
    }

    /// Milliseconds since the session start.
    pub fn now(&self) -> u64 {
        match &self.performance {
            Some(p) => (p.now() - self.origin).max(0.0) as u64,
            None => (js_sys::Date::now() as u64).saturating_sub(self.session_start),
        }
    }

    /// Converts a `performance.now()`-based timestamp (as in PerformanceEntry or
    /// `Event.timeStamp`) to ms since the session start.
    pub fn from_performance_time(&self, t: f64) -> u64 {
        (t - self.origin).max(0.0) as u64
    }
}

type Barrier = Box<dyn Fn(Settle)>;

/// Why the barrier runs (see [`Recording::settle`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settle {
    /// Before an event: the DOM changes and pointer samples taken so far are emitted.
    Event,
    /// Before a frame is cut: also what a sampler holds back, such as the latest pointer
    /// position, which the next sample would otherwise replace.
    Cut,
}
type Notify = Box<dyn Fn(Notice)>;

/// Shared by all hooks of one recording (behind an `Rc`).
pub struct Recording {
    /// Validated options.
    pub options: Options,
    /// Session clock.
    pub clock: Clock,
    /// Node ↔ id mapping, shared by the DOM capture and hooks that name nodes.
    pub ids: NodeIds,
    barrier: RefCell<Option<Barrier>>,
    in_barrier: Cell<bool>,
    queue: RefCell<Queue>,
    queued_bytes: Cell<usize>,
    notify: RefCell<Option<Notify>>,
    stopped: Cell<bool>,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording")
            .field(
                "queued",
                &self.queue.try_borrow().map(|q| q.events.len()).ok(),
            )
            .finish()
    }
}

impl Recording {
    /// A recording context with an empty queue.
    pub fn new(options: Options) -> Recording {
        Recording {
            options,
            clock: Clock::start(),
            ids: NodeIds::new(),
            barrier: RefCell::new(None),
            in_barrier: Cell::new(false),
            queue: RefCell::new(Queue::default()),
            queued_bytes: Cell::new(0),
            notify: RefCell::new(None),
            stopped: Cell::new(false),
        }
    }

    /// Registers the function that drains pending DOM changes (see the module docs).
    pub fn set_barrier(&self, barrier: Option<Barrier>) {
        if let Ok(mut slot) = self.barrier.try_borrow_mut() {
            *slot = barrier;
        }
    }

    /// Runs the barrier: pending DOM changes are emitted before whatever comes next.
    pub fn settle_dom(&self) {
        self.settle(Settle::Event);
    }

    /// Runs the barrier for `why` (see [`Settle`]).
    pub fn settle(&self, why: Settle) {
        if self.in_barrier.replace(true) {
            return;
        }
        if let Ok(barrier) = self.barrier.try_borrow() {
            if let Some(barrier) = barrier.as_ref() {
                barrier(why);
            }
        }
        self.in_barrier.set(false);
    }

    /// Records an event from a hook, now, after pending DOM changes.
    pub fn emit(&self, data: EventData) {
        self.settle_dom();
        self.push(Event {
            time: self.clock.now(),
            data,
        });
    }

    /// Records an event at an earlier time (a request's start, a performance entry), after
    /// pending DOM changes.
    pub fn emit_at(&self, time: u64, data: EventData) {
        self.settle_dom();
        self.push(Event { time, data });
    }

    /// Records a DOM event (snapshot or mutation batch) now, without running the barrier.
    pub fn emit_dom(&self, data: EventData) {
        self.push(Event {
            time: self.clock.now(),
            data,
        });
    }

    fn push(&self, event: Event) {
        if self.stopped.get() {
            return;
        }
        let notice = match &event.data {
            EventData::Error(e)
                if matches!(e.kind, ErrorKind::Exception | ErrorKind::UnhandledRejection) =>
            {
                Some(Notice::Trigger)
            }
            EventData::Network(n) => {
                if self.is_own_url(&n.url) {
                    return;
                }
                (n.error.is_some() || n.status.is_some_and(|s| s >= 500)).then_some(Notice::Trigger)
            }
            _ => None,
        };
        let size = approximate_size(&event.data);
        let max = self.options.max_frame_bytes as usize;
        let full = {
            let Ok(mut q) = self.queue.try_borrow_mut() else {
                return;
            };
            let q = &mut *q;
            let frame_empty = q.events.len() == q.cuts.last().copied().unwrap_or(0);
            let new_frame = !frame_empty
                && match &event.data {
                    EventData::Meta(_) => true,
                    EventData::Snapshot(_) => !q.frame_meta_only,
                    _ => q.frame_bytes >= max,
                };
            if new_frame {
                q.cuts.push(q.events.len());
                q.frame_bytes = 0;
            }
            if new_frame || frame_empty {
                q.frame_meta_only = true;
            }
            q.frame_meta_only &= matches!(event.data, EventData::Meta(_));
            q.frame_bytes += size;
            q.bytes += size;
            self.queued_bytes.set(q.bytes);
            q.events.push(event);
            q.frame_bytes >= max
        };
        if full {
            self.notify(Notice::FrameFull);
        }
        if let Some(notice) = notice {
            self.notify(notice);
        }
    }

    fn notify(&self, notice: Notice) {
        if let Ok(notify) = self.notify.try_borrow() {
            if let Some(notify) = notify.as_ref() {
                notify(notice);
            }
        }
    }

    /// Registers the function told about full frames and buffer-mode triggers. It is called
    /// synchronously from [`emit`](Self::emit), so it must only schedule work.
    pub fn set_notify(&self, notify: Option<Notify>) {
        if let Ok(mut slot) = self.notify.try_borrow_mut() {
            *slot = notify;
        }
    }

    /// Takes every queued event, for encoding (frame boundaries are forgotten; see
    /// [`take_frames`](Self::take_frames)).
    pub fn take_events(&self) -> Vec<Event> {
        let mut events = Vec::new();
        let mut cuts = Vec::new();
        self.take_frames(&mut events, &mut cuts);
        events
    }

    /// Moves the queued events into `events` and the index of the first event of each frame
    /// after the first into `cuts`. Both are cleared first; the queue takes over their
    /// allocations, so a caller that passes the same vectors each time allocates nothing.
    pub fn take_frames(&self, events: &mut Vec<Event>, cuts: &mut Vec<usize>) {
        events.clear();
        cuts.clear();
        if let Ok(mut q) = self.queue.try_borrow_mut() {
            std::mem::swap(&mut q.events, events);
            std::mem::swap(&mut q.cuts, cuts);
            q.frame_bytes = 0;
            q.bytes = 0;
            self.queued_bytes.set(0);
        }
    }

    /// Rough size of the queued events, to cut frames early.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes.get()
    }

    /// The absolute URL frames are sent to, when the recording has an `endpoint`.
    pub fn endpoint(&self) -> Option<&str> {
        self.options.endpoint.as_deref()
    }

    /// Whether a request to `url` (absolute, or relative to the document) is one of the
    /// recorder's own deliveries to `endpoint`, which captures must not record (and must
    /// not add a `traceparent` to). The query string and fragment are ignored.
    pub fn is_own_request(&self, url: &str) -> bool {
        let Some(endpoint) = self.endpoint() else {
            return false;
        };
        if self.is_own_url(url) {
            return true;
        }
        crate::options::resolve_url(url)
            .is_some_and(|absolute| strip_query(&absolute) == strip_query(endpoint))
    }

    /// `is_own_request` for an absolute URL, without parsing.
    fn is_own_url(&self, url: &str) -> bool {
        self.endpoint()
            .is_some_and(|endpoint| strip_query(url) == strip_query(endpoint))
    }

    /// After this, events are ignored: hooks that outlive the stop by a tick do nothing.
    pub fn mark_stopped(&self) {
        self.stopped.set(true);
    }

    /// Whether the recording was stopped.
    pub fn is_stopped(&self) -> bool {
        self.stopped.get()
    }
}

fn strip_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// A cheap estimate of an event's encoded size, so a burst of DOM churn cuts a frame before
/// it grows huge. Exactness does not matter.
fn approximate_size(data: &EventData) -> usize {
    match data {
        EventData::Snapshot(s) => s.nodes.len() * 16,
        EventData::Mutation(m) => {
            m.removes.len() * 3
                + m.adds.iter().map(|a| 8 + a.nodes.len() * 16).sum::<usize>()
                + m.attrs
                    .iter()
                    .map(|a| 8 + a.value.as_ref().map_or(0, |v| v.len()))
                    .sum::<usize>()
                + m.texts.iter().map(|t| 4 + t.text.len()).sum::<usize>()
        }
        EventData::Console(c) => 8 + c.args.iter().map(|a| a.len()).sum::<usize>(),
        EventData::Network(n) => {
            64 + n.url.len()
                + n.request_body.as_ref().map_or(0, |b| b.text.len())
                + n.response_body.as_ref().map_or(0, |b| b.text.len())
        }
        EventData::Custom(c) => 8 + c.name.len() + c.payload.len(),
        EventData::Error(e) => 16 + e.message.len() + e.stack.as_ref().map_or(0, |s| s.len()),
        _ => 16,
    }
}
