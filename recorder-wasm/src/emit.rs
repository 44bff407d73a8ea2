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

use crate::ids::NodeIds;
use crate::options::Options;
use recorder_core::event::{Event, EventData};
use std::cell::{Cell, RefCell};

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

type Barrier = Box<dyn Fn()>;

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
    queue: RefCell<Vec<Event>>,
    queued_bytes: Cell<usize>,
    stopped: Cell<bool>,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording")
            .field("queued", &self.queue.try_borrow().map(|q| q.len()).ok())
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
            queue: RefCell::new(Vec::new()),
            queued_bytes: Cell::new(0),
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
        if self.in_barrier.replace(true) {
            return;
        }
        if let Ok(barrier) = self.barrier.try_borrow() {
            if let Some(barrier) = barrier.as_ref() {
                barrier();
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
        if let Ok(mut queue) = self.queue.try_borrow_mut() {
            self.queued_bytes
                .set(self.queued_bytes.get() + approximate_size(&event.data));
            queue.push(event);
        }
    }

    /// Takes every queued event, for encoding.
    pub fn take_events(&self) -> Vec<Event> {
        self.queued_bytes.set(0);
        self.queue
            .try_borrow_mut()
            .map(|mut q| std::mem::take(&mut *q))
            .unwrap_or_default()
    }

    /// Rough size of the queued events, to cut frames early.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes.get()
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
        _ => 16,
    }
}
