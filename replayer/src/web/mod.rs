//! The browser replayer (being built: see issue 4).
