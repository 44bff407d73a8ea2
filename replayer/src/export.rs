//! Exports (being built: see issue 4).
