//! The browser player (wasm32 only; being built: see issue 4).
//!
//! - [`source`] — frames as JavaScript hands them over (damaged ones included) → a
//!   [`Timeline`](crate::Timeline) and a report;
//! - [`sanitize`] — the policy that keeps recorded content inert.

#![allow(dead_code)] // used by the player, next

mod sanitize;
mod source;
