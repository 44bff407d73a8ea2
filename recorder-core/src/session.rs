//! Session reassembly (being built: see issue 2).
