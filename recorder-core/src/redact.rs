//! Redaction rules (being built: see issue 2).
