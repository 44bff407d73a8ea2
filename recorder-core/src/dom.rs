//! The DOM mirror (being built: see issue 2).

/// The DOM mirror.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dom {}
