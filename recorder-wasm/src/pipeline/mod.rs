//! Encode → transport: queued events become frames, frames go to the sinks.
//!
//! # When frames are cut
//! - every `flushInterval` ms;
//! - soon after the current frame's events pass `maxFrameBytes`: [`Recording`] marks the
//!   boundary as events arrive and notifies the pipeline, which encodes on a zero-delay
//!   timer, outside the hook that emitted the event;
//! - a `Meta` or `Snapshot` always starts a new frame, so the frame holding a snapshot is
//!   independently replayable;
//! - synchronously on `pagehide` and when the document becomes hidden, followed by unload
//!   delivery (see [`transport`]);
//! - on `flush()` and `stop()`.
//!
//! Encoding reuses one event vector, one cut list and one byte buffer across frames; the
//! only per-frame allocation on our side is the `Uint8Array` the frame is copied into,
//! which lives in the JavaScript heap (so frames waiting for the endpoint do not grow the
//! wasm memory, which never shrinks).
//!
//! # Live mode
//! Each frame goes to `onFrame` (synchronously) and/or to the endpoint's queue. The queue
//! is bounded by `maxPendingBytes` (see [`outbox`] for what is dropped); every drop records
//! a `Custom` event named `tapedeck.dropped` with payload
//! `{"frames":n,"bytes":b,"firstSeq":f,"lastSeq":l,"totalFrames":N,"totalBytes":B}` (the
//! totals count every drop of the session so far, so a reader learns the whole loss from
//! the last report it has even when a frame carrying an earlier report was itself
//! dropped), and the dropped sequence numbers are a gap the session reader reports.
//!
//! # Buffer mode (`bufferSeconds`: N)
//! Frames are cut as in live mode but kept in memory, not sent. Every N/2 seconds a
//! checkpoint (`Meta` + a fresh snapshot) is taken, and frames older than the newest
//! snapshot at or before now − N s are forgotten, so the buffer always starts at a snapshot
//! and covers between N and 1.5 N seconds. An uncaught error, an unhandled rejection, a
//! failed request (status ≥ 500 or a network error, not counting the recorder's own) or
//! `flush()` sends the buffer, renumbered from seq 0, and the recording goes live. On
//! unload or `stop()` a buffer that was never released is discarded. The buffer obeys
//! `maxPendingBytes` by the same rules as the endpoint queue.

pub mod outbox;
pub mod transport;

use crate::emit::{Notice, Recording, Settle};
use crate::text::decimal;
use outbox::{Dropped, Entry, Outbox, Pressure};
use recorder_core::event::{Custom, Event, EventData};
use recorder_core::frame::{self, FrameHeader, SessionId};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use transport::{Callback, Http, Originals, Warner, Warning};
use wasm_bindgen::{JsCast, JsValue};

/// Reusable encoding buffers.
#[derive(Debug, Default)]
struct Scratch {
    events: Vec<Event>,
    cuts: Vec<usize>,
    bytes: Vec<u8>,
}

/// Counters reported by `stats()`.
#[derive(Debug, Default)]
struct Stats {
    frames: Cell<u32>,
    dropped_frames: Cell<u32>,
    dropped_bytes: Cell<f64>,
    encode_errors: Cell<u32>,
}

type Checkpoint = Box<dyn Fn()>;

/// Turns the recording's queued events into frames and hands them to the sinks.
pub struct Pipeline {
    recording: Rc<Recording>,
    session_id: SessionId,
    this: Weak<Pipeline>,
    next_seq: Cell<u32>,
    buffering: Cell<bool>,
    buffer: RefCell<Outbox<js_sys::Uint8Array>>,
    callback: Option<Callback>,
    http: Option<Rc<Http>>,
    warner: Rc<Warner>,
    scratch: RefCell<Scratch>,
    cutting: Cell<bool>,
    /// A zero-delay cut (or release) is scheduled.
    armed: Cell<bool>,
    release_requested: Cell<bool>,
    timeout: RefCell<Option<gloo_timers::callback::Timeout>>,
    checkpoint: RefCell<Option<Checkpoint>>,
    stats: Stats,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("session_id", &self.session_id)
            .field("next_seq", &self.next_seq.get())
            .field("buffering", &self.buffering.get())
            .finish_non_exhaustive()
    }
}

impl Pipeline {
    /// A pipeline for one session, delivering to the sinks in the recording's options.
    /// `originals` are the page's `fetch` and `console.warn` from before captures were
    /// installed. Registers itself for the recording's notices.
    pub fn new(
        recording: Rc<Recording>,
        session_id: SessionId,
        originals: Originals,
    ) -> Rc<Pipeline> {
        let options = &recording.options;
        let warner = Rc::new(Warner::new(originals.clone()));
        let callback = options
            .on_frame
            .dyn_ref::<js_sys::Function>()
            .map(|f| Callback::new(f.clone()));
        let http = options.endpoint.as_ref().map(|endpoint| {
            Rc::new(Http::new(
                originals,
                endpoint.clone(),
                &options.endpoint_headers,
                session_id.to_hex(),
                warner.clone(),
            ))
        });
        let buffering = options.buffer_seconds.is_some();
        let pipeline = Rc::new_cyclic(|this| Pipeline {
            recording: recording.clone(),
            session_id,
            this: this.clone(),
            next_seq: Cell::new(0),
            buffering: Cell::new(buffering),
            buffer: RefCell::new(Outbox::default()),
            callback,
            http,
            warner,
            scratch: RefCell::new(Scratch::default()),
            cutting: Cell::new(false),
            armed: Cell::new(false),
            release_requested: Cell::new(false),
            timeout: RefCell::new(None),
            checkpoint: RefCell::new(None),
            stats: Stats::default(),
        });
        let weak = Rc::downgrade(&pipeline);
        recording.set_notify(Some(Box::new(move |notice| {
            if let Some(pipeline) = weak.upgrade() {
                match notice {
                    Notice::FrameFull => pipeline.schedule(false),
                    // Live, an error is just an event: it goes out with the next frame.
                    Notice::Trigger if pipeline.buffering.get() => pipeline.schedule(true),
                    Notice::Trigger => {}
                }
            }
        })));
        pipeline
    }

    /// The recording this pipeline drains.
    pub fn recording(&self) -> &Rc<Recording> {
        &self.recording
    }

    /// Whether this is a buffer-mode recording that has not been released yet.
    pub fn is_buffering(&self) -> bool {
        self.buffering.get()
    }

    /// Sets how to take a checkpoint (emit `Meta` and a fresh snapshot), used by buffer
    /// mode and by the `maxPendingBytes` bound.
    pub fn set_checkpoint(&self, checkpoint: Option<Checkpoint>) {
        if let Ok(mut slot) = self.checkpoint.try_borrow_mut() {
            *slot = checkpoint;
        }
    }

    /// Schedules a cut (and, for a trigger, a buffer release) on a zero-delay timer, so the
    /// work runs outside the hook that reported the event.
    pub fn schedule(&self, release: bool) {
        if release && self.buffering.get() {
            self.release_requested.set(true);
        }
        if self.armed.replace(true) {
            return;
        }
        let weak = self.this.clone();
        let timeout = gloo_timers::callback::Timeout::new(0, move || {
            if let Some(pipeline) = weak.upgrade() {
                pipeline.armed.set(false);
                if pipeline.release_requested.replace(false) {
                    pipeline.release();
                } else {
                    pipeline.cut();
                }
            }
        });
        // Replacing drops the previous timeout, which has already fired (`armed` was false).
        if let Ok(mut slot) = self.timeout.try_borrow_mut() {
            *slot = Some(timeout);
        }
    }

    /// Encodes whatever is queued and routes the frames: into the buffer in buffer mode,
    /// to the sinks otherwise.
    pub fn cut(&self) {
        self.cut_with(true);
    }

    fn cut_with(&self, may_checkpoint: bool) {
        let frames = self.encode_queued();
        if frames.is_empty() {
            return;
        }
        if self.buffering.get() {
            self.hold(frames, may_checkpoint);
        } else {
            self.deliver(frames, may_checkpoint);
        }
    }

    /// Takes the queued events and encodes them, one frame per boundary the recording
    /// marked.
    fn encode_queued(&self) -> Vec<Entry<js_sys::Uint8Array>> {
        if self.cutting.replace(true) {
            return Vec::new(); // re-entered from a callback: the outer cut takes the events
        }
        self.recording.settle(Settle::Cut);
        let mut frames = Vec::new();
        if let Ok(mut scratch) = self.scratch.try_borrow_mut() {
            let Scratch {
                events,
                cuts,
                bytes,
            } = &mut *scratch;
            self.recording.take_frames(events, cuts);
            let mut start = 0;
            for end in cuts.iter().copied().chain([events.len()]) {
                if let Some(slice) = events.get(start..end).filter(|s| !s.is_empty()) {
                    if let Some(frame) = self.encode(slice, bytes) {
                        frames.push(frame);
                    }
                }
                start = end;
            }
            events.clear();
            if events.capacity() > 16 * 1024 {
                events.shrink_to(1024); // after a burst, do not keep its peak forever
            }
            if bytes.capacity() > 4 << 20 {
                bytes.shrink_to(64 * 1024);
            }
        }
        self.cutting.set(false);
        frames
    }

    fn encode(&self, events: &[Event], bytes: &mut Vec<u8>) -> Option<Entry<js_sys::Uint8Array>> {
        let seq = self.next_seq.get();
        let header = FrameHeader {
            session_id: self.session_id,
            seq,
            session_start: self.recording.clock.session_start,
            ..FrameHeader::default()
        };
        bytes.clear();
        if let Err(error) = frame::encode_into(&header, events, bytes) {
            inc(&self.stats.encode_errors);
            self.warner.once(
                Warning::Encode,
                &[
                    &decimal(events.len() as u64),
                    " events could not be encoded and were lost: ",
                    error.reason(),
                ]
                .concat(),
            );
            return None;
        }
        self.next_seq.set(seq.wrapping_add(1));
        inc(&self.stats.frames);
        Some(Entry {
            seq,
            len: bytes.len(),
            first_time: events.first().map_or(0, |e| e.time),
            last_time: events.iter().map(|e| e.time).max().unwrap_or(0),
            snapshot: events
                .iter()
                .take(2)
                .any(|e| matches!(e.data, EventData::Snapshot(_))),
            in_flight: 0,
            body: js_sys::Uint8Array::from(&bytes[..]),
        })
    }

    fn max_pending(&self) -> usize {
        self.recording.options.max_pending_bytes as usize
    }

    /// Live mode: hands frames to the sinks, then applies the bound to the endpoint queue.
    fn deliver(&self, frames: Vec<Entry<js_sys::Uint8Array>>, may_checkpoint: bool) {
        for frame in frames {
            if let Some(callback) = &self.callback {
                if self.http.is_some() {
                    // The callback may keep, change or transfer its array; the endpoint's
                    // copy must stay intact until it is sent.
                    callback.deliver(&js_sys::Uint8Array::new(&frame.body), &self.warner);
                } else {
                    callback.deliver(&frame.body, &self.warner);
                }
            }
            if let Some(http) = &self.http {
                http.enqueue(frame);
            }
        }
        let Some(http) = &self.http else {
            return;
        };
        let mut dropped = Dropped::default();
        let pressure = http.enforce(self.max_pending(), may_checkpoint, &mut dropped);
        self.report_dropped(&dropped);
        if pressure == Pressure::NeedCheckpoint {
            self.take_checkpoint();
            // Cut the checkpoint into its own frame (which enforces without checkpoints),
            // and enforce again in case the checkpoint gave no frame (no DOM capture).
            self.cut_with(false);
            let mut dropped = Dropped::default();
            http.enforce(self.max_pending(), false, &mut dropped);
            self.report_dropped(&dropped);
        }
    }

    /// Buffer mode: keeps frames, forgets those before the window, applies the bound.
    fn hold(&self, frames: Vec<Entry<js_sys::Uint8Array>>, may_checkpoint: bool) {
        let window_ms = u64::from(self.recording.options.buffer_seconds.unwrap_or(0)) * 1000;
        let window_start = self.recording.clock.now().saturating_sub(window_ms);
        let mut dropped = Dropped::default();
        let pressure = {
            let Ok(mut buffer) = self.buffer.try_borrow_mut() else {
                return;
            };
            for frame in frames {
                buffer.push(frame);
            }
            buffer.trim_window(window_start);
            buffer.enforce(self.max_pending(), may_checkpoint, &mut dropped)
        };
        // Frames dropped from the front of the buffer leave no trace once it is renumbered;
        // only a hole in the middle is worth an event.
        if dropped.broke_chain {
            self.report_dropped(&dropped);
        }
        if pressure == Pressure::NeedCheckpoint {
            self.take_checkpoint();
            self.cut_with(false);
            // Again, in case the checkpoint gave no frame (no DOM capture).
            let mut dropped = Dropped::default();
            if let Ok(mut buffer) = self.buffer.try_borrow_mut() {
                buffer.enforce(self.max_pending(), false, &mut dropped);
            }
            if dropped.broke_chain {
                self.report_dropped(&dropped);
            }
        }
    }

    fn report_dropped(&self, dropped: &Dropped) {
        if dropped.frames == 0 {
            return;
        }
        self.stats.dropped_frames.set(
            self.stats
                .dropped_frames
                .get()
                .saturating_add(dropped.frames),
        );
        self.stats
            .dropped_bytes
            .set(self.stats.dropped_bytes.get() + dropped.bytes as f64);
        self.recording.emit(
            Custom {
                name: "tapedeck.dropped".into(),
                payload: [
                    "{\"frames\":",
                    &decimal(u64::from(dropped.frames)),
                    ",\"bytes\":",
                    &decimal(dropped.bytes as u64),
                    ",\"firstSeq\":",
                    &decimal(u64::from(dropped.first_seq)),
                    ",\"lastSeq\":",
                    &decimal(u64::from(dropped.last_seq)),
                    ",\"totalFrames\":",
                    &decimal(u64::from(self.stats.dropped_frames.get())),
                    ",\"totalBytes\":",
                    &decimal(self.stats.dropped_bytes.get() as u64),
                    "}",
                ]
                .concat(),
            }
            .into(),
        );
    }

    /// Emits `Meta` and a fresh snapshot (through the function from
    /// [`set_checkpoint`](Self::set_checkpoint)).
    pub fn take_checkpoint(&self) {
        if let Ok(checkpoint) = self.checkpoint.try_borrow() {
            if let Some(checkpoint) = checkpoint.as_ref() {
                checkpoint();
            }
        }
    }

    /// Buffer mode's periodic checkpoint; does nothing once live.
    pub fn buffer_checkpoint(&self) {
        if self.buffering.get() {
            self.take_checkpoint();
            self.cut();
        }
    }

    /// Buffer mode: sends the buffer (renumbered from seq 0) and goes live. Live: a cut.
    pub fn release(&self) {
        if !self.buffering.get() {
            self.cut();
            return;
        }
        self.cut(); // what happened up to the trigger joins the buffer
        let frames = match self.buffer.try_borrow_mut() {
            Ok(mut buffer) => buffer.take_all(),
            Err(_) => return,
        };
        self.buffering.set(false);
        let offset = frames.front().map_or(self.next_seq.get(), |f| f.seq);
        let mut renumbered = Vec::with_capacity(frames.len());
        for mut frame in frames {
            let seq = frame.seq.wrapping_sub(offset);
            if seq != frame.seq {
                let mut bytes = frame.body.to_vec();
                if outbox::set_seq(&mut bytes, seq) {
                    frame.body = js_sys::Uint8Array::from(&bytes[..]);
                    frame.seq = seq;
                }
            }
            renumbered.push(frame);
        }
        self.next_seq.set(self.next_seq.get().wrapping_sub(offset));
        self.deliver(renumbered, true);
    }

    /// `flush()`: releases a buffer, cuts, and resolves when the endpoint has settled every
    /// frame cut so far, or a request failed (see `transport`); at once without an endpoint.
    pub fn flush(&self) -> js_sys::Promise {
        self.release();
        self.settled()
    }

    fn settled(&self) -> js_sys::Promise {
        match &self.http {
            Some(http) => http.wait(self.next_seq.get().checked_sub(1)),
            None => js_sys::Promise::resolve(&JsValue::UNDEFINED),
        }
    }

    /// The page is being hidden (`pagehide` true: unloaded, or put in the back-forward
    /// cache): cut now and send what waits with keepalive requests. A buffer stays a buffer.
    pub fn page_hidden(&self, pagehide: bool) {
        self.cut();
        if !self.buffering.get() {
            if let Some(http) = &self.http {
                http.unload(pagehide);
            }
        }
    }

    /// `stop()`: a last cut in live mode (a never-released buffer is discarded), then the
    /// pipeline lets go of the recording's notices and its timer. Returns the promise of
    /// [`flush`](Self::flush). The endpoint queue lives on until it has delivered what
    /// it holds.
    pub fn finish(&self) -> js_sys::Promise {
        if self.buffering.get() {
            let _ = self.recording.take_events();
            if let Ok(mut buffer) = self.buffer.try_borrow_mut() {
                buffer.take_all();
            }
        } else {
            self.cut();
        }
        self.recording.set_notify(None);
        self.set_checkpoint(None);
        if let Ok(mut timeout) = self.timeout.try_borrow_mut() {
            timeout.take();
        }
        self.armed.set(false);
        self.settled()
    }

    /// Delivery counters, as a plain object (see `Recording.stats()` in the npm types).
    pub fn stats(&self) -> JsValue {
        let (pending_frames, pending_bytes) = self.http.as_ref().map_or((0, 0), |h| h.pending());
        let (buffered_frames, buffered_bytes) = self
            .buffer
            .try_borrow()
            .map(|b| (b.len(), b.bytes()))
            .unwrap_or_default();
        let http = self.http.as_ref().map(|h| &h.stats);
        let get = |c: Option<&Cell<u32>>| c.map_or(0, Cell::get);
        let fields: [(&str, f64); 12] = [
            ("framesCut", self.stats.frames.get().into()),
            ("framesDelivered", get(http.map(|s| &s.delivered)).into()),
            ("framesRejected", get(http.map(|s| &s.rejected)).into()),
            (
                "failedAttempts",
                get(http.map(|s| &s.failed_attempts)).into(),
            ),
            ("framesDropped", self.stats.dropped_frames.get().into()),
            ("bytesDropped", self.stats.dropped_bytes.get()),
            ("pendingFrames", pending_frames as f64),
            ("pendingBytes", pending_bytes as f64),
            ("bufferedFrames", buffered_frames as f64),
            ("bufferedBytes", buffered_bytes as f64),
            (
                "callbackErrors",
                self.callback.as_ref().map_or(0, Callback::errors).into(),
            ),
            ("encodeErrors", self.stats.encode_errors.get().into()),
        ];
        let object = js_sys::Object::new();
        for (name, value) in fields {
            let _ = js_sys::Reflect::set(&object, &name.into(), &value.into());
        }
        let _ = js_sys::Reflect::set(&object, &"buffering".into(), &self.buffering.get().into());
        object.into()
    }
}

fn inc(counter: &Cell<u32>) {
    counter.set(counter.get().saturating_add(1));
}
