//! Tapedeck's replayer: frames → one ordered timeline → the DOM at any moment, exported as
//! HTML or as a readable text timeline, and (in the browser) played back in a sandbox.
//!
//! The data flows decode → timeline → render:
//! - [`timeline`] — frames in any order become one ordered [`Timeline`], with a report of
//!   what was missing or corrupt, and [`Timeline::dom_at`] rebuilds the page at any time;
//! - [`export`] — the DOM at a time as HTML, the session as a Markdown timeline;
//! - `web` (wasm32 only) — the browser `Replayer`: a sandboxed iframe kept in step with the
//!   timeline.
#![deny(missing_docs, rust_2018_idioms)]

pub mod export;
pub mod timeline;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use timeline::Timeline;
