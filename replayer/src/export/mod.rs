//! Exports of a timeline for people and tools outside the player:
//! - [`html`] — the page at a moment as a standalone HTML document, safe to open;
//! - [`markdown`] — the session as a readable Markdown timeline, for a teammate or an AI
//!   assistant.

pub mod html;
pub mod markdown;

pub use html::{standalone_html, ExportError};

/// `+12.345s`: a time relative to the session start, as every export writes it.
pub fn format_offset(ms: u64) -> String {
    format!("+{}.{:03}s", ms / 1000, ms % 1000)
}
