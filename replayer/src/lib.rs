//! Tapedeck's replayer (being built: see issue 4).
#![deny(missing_docs, rust_2018_idioms)]
