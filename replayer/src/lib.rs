//! Tapedeck's replayer: frames → one ordered timeline → the DOM at any moment, exported as
//! HTML or as a readable text timeline, and (in the browser) played back in a sandbox.
//!
//! The data flows decode → timeline → render:
//! - [`load`] — frame bytes in any order (and any state: gaps, duplicates, corrupt bytes,
//!   several sessions) become one session's ordered events and a [`LoadReport`];
//! - [`timeline`] — the [`Timeline`]: events in time order, the DOM at any time through
//!   checkpoints ([`Timeline::dom_at`]), and a [`Cursor`] to step through them;
//! - [`export`] — the page at a moment as standalone, safe HTML ([`Timeline::html_at`]),
//!   the session as a Markdown timeline ([`Timeline::timeline_markdown`]);
//! - `web` (wasm32 only) — the browser `Replayer`: a sandboxed iframe kept in step with the
//!   timeline.
//!
//! ```
//! use recorder_core::event::*;
//! use recorder_core::frame::{encode, FrameHeader};
//! use replayer::Timeline;
//!
//! let el = |tag: &str, children| {
//!     SnapNode::Element(Element { tag: tag.into(), children, ..Default::default() })
//! };
//! let snapshot = Snapshot {
//!     first_id: 1,
//!     nodes: vec![SnapNode::Document(Container { children: 1 }), el("html", 1), el("body", 1),
//!                 el("button", 1), SnapNode::Text("Save".into())],
//! };
//! let click = Pointer { kind: PointerKind::Click, target: Some(4), x: 5, y: 5, button: 0 };
//! let frame = encode(&FrameHeader::default(),
//!                    &[Event::new(0, snapshot), Event::new(1200, click)])?;
//!
//! let timeline = Timeline::from_frames([frame.as_slice()])?;
//! assert_eq!(timeline.duration(), 1200);
//! assert_eq!(timeline.dom_at(0).to_html(), "<html><body><button>Save</button></body></html>");
//! assert!(timeline.timeline_markdown().contains(r#"`+1.200s` click `button "Save"`"#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]

pub mod export;
pub mod load;
pub mod timeline;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use load::{LoadError, LoadReport};
pub use timeline::{Applied, CheckpointPolicy, Cursor, Step, Timeline};
