//! Tapedeck's shared vocabulary: what a recorded session is made of, and how it travels.
//!
//! Browser recorders, Rust services and replayers all build on this crate:
//!
//! - [`event`] — the event model: one [`Event`] per recorded moment (DOM snapshots and
//!   mutations, input, console, errors, network, performance, backend spans, annotations).
//! - [`frame`] — the frame codec: events → MessagePack → LZ4 behind a self-describing,
//!   checksummed header; decoding untrusted bytes returns a typed error, never panics.
//! - [`crc32`] — the frame checksum, small enough for the browser recorder.
//! - [`session`] — scans streams of frames (resynchronizing after damage) and reassembles
//!   one session, or every session of a mixed input grouped by id, from frames that
//!   arrive out of order, reporting gaps, duplicates and corrupt frames while keeping
//!   every good one.
//! - [`dom`] — the DOM mirror [`Dom`]: applies snapshots and mutation batches atomically,
//!   serializes to HTML, and diffs two states into a minimal batch.
//! - [`redact`] — the privacy rules applied in the browser before anything is encoded.
//! - [`trace`] — W3C `traceparent`, which joins a browser request to backend spans.
//! - [`useragent`] — user-agent strings parsed into the browser, OS and device of a
//!   [`event::Meta`] event.
//!
//! # Usage
//! Depend on this crate to read or write Tapedeck frames: a service that records its own
//! spans as [`event::Backend`] events, a tool that inspects sessions, or a recorder for a
//! new platform. To record a web page use the `tapedeck` npm package (built from
//! `recorder-wasm`); to replay, the `replayer` crate.
//!
//! # Feature flags
//! - `testing` — the `testing` module: deterministic, realistic generated sessions for tests,
//!   benchmarks and the dictionary trainer, in this crate and the ones above it. Never
//!   needed at run time.
//!
//! The crate has no browser or OS dependency and builds for native targets and wasm32.
//! The frame format is versioned ([`frame::FORMAT_VERSION`]); wire tags and field order
//! of the event model only ever grow.
#![deny(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]

pub(crate) mod msgpack;
pub(crate) mod wire;

pub mod crc32;
pub mod dom;
pub mod event;
pub mod frame;
pub mod redact;
pub mod session;
#[cfg(feature = "testing")]
pub mod testing;
pub mod trace;
pub mod useragent;

pub use dom::Dom;
pub use event::{Event, EventData, NodeId};
pub use frame::{Frame, FrameHeader, SessionId};
pub use trace::{SpanId, TraceId, TraceParent};
