//! Page and environment metadata (being built: see issue 3).

use crate::emit::Recording;

/// Emits the `Meta` event describing the page, browser, OS and device.
pub fn emit_meta(_recording: &Recording) {}
