//! How the event model is laid out as MessagePack: the compactness rules of the format.
//!
//! - Structs are arrays (rmp-serde's default), never maps: no field names on the wire.
//! - Enums are `[variant index, payload]` (or a bare index for unit enums) instead of
//!   rmp-serde's variant *names*; see [`wire_enum!`] and [`wire_unit_enum!`].
//! - Repeated strings (tag and attribute names, class lists, header names, URLs) are
//!   written once per frame and then referred to by a small integer; see [`intern`].
//!
//! With a human-readable serializer (serde-wasm-bindgen, JSON) the same types come out in
//! the usual externally tagged form, so tools and the JS API see readable names.

/// Defines an enum whose variants each carry one value, serialized as `[index, value]`
/// with a non-human-readable serializer and as `{"Variant": value}` with a human-readable one.
///
/// The indices are part of the frame format: never renumber a released variant. A
/// `String` payload marked `@intern` goes through the per-frame string table.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = $idx:literal $(@$with:ident)?, )+
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )+
        }

        impl $name {
            /// The variant's name, for display and for human-readable formats.
            pub fn kind_name(&self) -> &'static str {
                match self { $( $name::$variant(_) => stringify!($variant), )+ }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeTuple;
                match self {
                    $(
                        $name::$variant(value) => {
                            if serializer.is_human_readable() {
                                serializer.serialize_newtype_variant(
                                    stringify!($name), $idx, stringify!($variant), value)
                            } else {
                                let mut tuple = serializer.serialize_tuple(2)?;
                                tuple.serialize_element(&($idx as u8))?;
                                tuple.serialize_element($crate::wire::wire_ser!(value $(, $with)?))?;
                                tuple.end()
                            }
                        }
                    )+
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TagVisitor;
                impl<'de> ::serde::de::Visitor<'de> for TagVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        write!(f, concat!("a [variant, value] pair for ", stringify!($name)))
                    }
                    fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<$name, A::Error> {
                        let tag: u8 = seq.next_element()?
                            .ok_or_else(|| ::serde::de::Error::invalid_length(0, &self))?;
                        let value = match tag {
                            $(
                                $idx => $name::$variant($crate::wire::wire_de!(seq $(, $with)?)
                                    .ok_or_else(|| ::serde::de::Error::invalid_length(1, &self))?),
                            )+
                            other => return Err(::serde::de::Error::custom(format_args!(
                                concat!("unknown ", stringify!($name), " variant {}"), other))),
                        };
                        Ok(value)
                    }
                }
                deserializer.deserialize_tuple(2, TagVisitor)
            }
        }
    };
}

/// Defines a field-less enum serialized as its index (one byte) with a non-human-readable
/// serializer and as its name with a human-readable one.
macro_rules! wire_unit_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $idx:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[repr(u8)]
        pub enum $name {
            $( $(#[$vmeta])* $variant = $idx, )+
        }

        impl $name {
            /// The variant's name, for display and for human-readable formats.
            pub fn name(self) -> &'static str {
                match self { $( $name::$variant => stringify!($variant), )+ }
            }

            /// The variant with this wire index, if there is one.
            pub fn from_index(index: u8) -> Option<Self> {
                match index { $( $idx => Some($name::$variant), )+ _ => None }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                if serializer.is_human_readable() {
                    serializer.serialize_str(self.name())
                } else {
                    serializer.serialize_u8(*self as u8)
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let index = u8::deserialize(deserializer)?;
                $name::from_index(index).ok_or_else(|| ::serde::de::Error::custom(format_args!(
                    concat!("unknown ", stringify!($name), " {}"), index)))
            }
        }
    };
}

/// The value a [`wire_enum!`] variant serializes: itself, or through the string table.
macro_rules! wire_ser {
    ($value:expr) => {
        $value
    };
    ($value:expr, intern) => {
        &$crate::wire::intern::Str($value)
    };
}

/// Reads a [`wire_enum!`] variant's value from a sequence, mirroring [`wire_ser!`].
macro_rules! wire_de {
    ($seq:ident) => {
        $seq.next_element()?
    };
    ($seq:ident, intern) => {
        $seq.next_element::<$crate::wire::intern::OwnedStr>()?
            .map(|s| s.0)
    };
}

pub(crate) use {wire_de, wire_enum, wire_ser, wire_unit_enum};

/// Per-frame string interning, used as `#[serde(with = "crate::wire::intern")]`.
///
/// While a frame is encoded or decoded (see [`intern::with_table`]), the first occurrence
/// of a short string is written as itself and appended to a table; later occurrences
/// are written as the table index (one to three bytes). Both sides seed the table with
/// [`intern::SEED`], the names most pages use, so `div` or `class` cost one byte even
/// the first time. Outside a frame (JSON, serde-wasm-bindgen) strings pass through as-is.
pub(crate) mod intern {
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::fmt;

    /// Strings longer than this are written inline and never enter the table: long text
    /// rarely repeats exactly, and hashing it would cost more than it saves.
    pub(crate) const MAX_INTERNED_LEN: usize = 96;

    /// At most this many strings per frame enter the table; a hostile frame cannot grow it
    /// without bound, and the encoder stops interning (but stays correct) past it.
    pub(crate) const MAX_TABLE_LEN: usize = 1 << 16;

    /// Names common on real pages, known to recorder and replayer alike. Part of the frame
    /// format: append only, never reorder.
    pub(crate) const SEED: &[&str] = &[
        // tags
        "html",
        "head",
        "body",
        "div",
        "span",
        "a",
        "p",
        "img",
        "ul",
        "ol",
        "li",
        "button",
        "input",
        "form",
        "label",
        "select",
        "option",
        "textarea",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "section",
        "header",
        "footer",
        "nav",
        "main",
        "article",
        "aside",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "script",
        "style",
        "link",
        "meta",
        "title",
        "svg",
        "path",
        "g",
        "circle",
        "rect",
        "use",
        "i",
        "b",
        "strong",
        "em",
        "small",
        "br",
        "hr",
        "pre",
        "code",
        "iframe",
        "canvas",
        "video",
        "source",
        "picture",
        "noscript",
        "template",
        "dialog",
        "details",
        "summary",
        "figure",
        "time",
        // attributes
        "class",
        "id",
        "href",
        "src",
        "type",
        "name",
        "value",
        "alt",
        "rel",
        "role",
        "width",
        "height",
        "for",
        "placeholder",
        "content",
        "charset",
        "lang",
        "target",
        "tabindex",
        "disabled",
        "checked",
        "selected",
        "hidden",
        "viewBox",
        "d",
        "fill",
        "stroke",
        "xmlns",
        "aria-label",
        "aria-hidden",
        "aria-expanded",
        "data-testid",
        "srcset",
        "sizes",
        "loading",
        "action",
        "method",
        "autocomplete",
        "stylesheet",
        "text/css",
        "text",
        "submit",
        "true",
        "false",
        "icon",
        "viewport",
        "noopener noreferrer",
        "_blank",
        // network
        "GET",
        "POST",
        "PUT",
        "DELETE",
        "PATCH",
        "content-type",
        "content-length",
        "application/json",
        "accept",
        "cache-control",
        "date",
        "etag",
        "server",
        "vary",
        "traceparent",
    ];

    #[derive(Default)]
    struct EncodeTable {
        index: HashMap<Box<str>, u32>,
    }

    #[derive(Default)]
    struct DecodeTable {
        strings: Vec<Box<str>>,
    }

    enum Table {
        Encode(EncodeTable),
        Decode(DecodeTable),
    }

    thread_local! {
        static TABLE: RefCell<Option<Table>> = const { RefCell::new(None) };
    }

    /// Whether the table is being built for encoding or read for decoding.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) enum Mode {
        /// Strings are written and replaced by indices.
        Encode,
        /// Indices are resolved back into strings.
        Decode,
    }

    /// Runs `f` with a fresh, seeded table for one frame; the table is dropped afterwards
    /// (also if `f` panics), so frames never share state.
    pub(crate) fn with_table<R>(mode: Mode, f: impl FnOnce() -> R) -> R {
        struct Reset(Option<Table>);
        impl Drop for Reset {
            fn drop(&mut self) {
                let previous = self.0.take();
                TABLE.with(|t| *t.borrow_mut() = previous);
            }
        }
        let table = match mode {
            Mode::Encode => {
                let mut t = EncodeTable::default();
                t.index.reserve(SEED.len() * 2);
                for (i, s) in SEED.iter().enumerate() {
                    t.index.insert((*s).into(), i as u32);
                }
                Table::Encode(t)
            }
            Mode::Decode => {
                let mut t = DecodeTable::default();
                t.strings.extend(SEED.iter().map(|s| Box::<str>::from(*s)));
                Table::Decode(t)
            }
        };
        let previous = TABLE.with(|t| t.borrow_mut().replace(table));
        let _reset = Reset(previous);
        f()
    }

    fn internable(s: &str) -> bool {
        s.len() <= MAX_INTERNED_LEN
    }

    /// Serializes a string through the active table (or inline when there is none).
    pub(crate) fn serialize<S: Serializer>(value: &str, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() || !internable(value) {
            return serializer.serialize_str(value);
        }
        let known = TABLE.with(|t| match &mut *t.borrow_mut() {
            Some(Table::Encode(table)) => match table.index.get(value) {
                Some(&i) => Some(i),
                None => {
                    if table.index.len() < MAX_TABLE_LEN {
                        let next = table.index.len() as u32;
                        table.index.insert(value.into(), next);
                    }
                    None
                }
            },
            _ => None,
        });
        match known {
            Some(i) => serializer.serialize_u32(i),
            None => serializer.serialize_str(value),
        }
    }

    /// Deserializes a string written by [`serialize`].
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<String, D::Error> {
        deserializer.deserialize_any(InternedVisitor)
    }

    struct InternedVisitor;

    impl InternedVisitor {
        fn remember(s: &str) {
            if !internable(s) {
                return;
            }
            TABLE.with(|t| {
                if let Some(Table::Decode(table)) = &mut *t.borrow_mut() {
                    if table.strings.len() < MAX_TABLE_LEN {
                        table.strings.push(s.into());
                    }
                }
            });
        }
    }

    impl<'de> Visitor<'de> for InternedVisitor {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a string-table index")
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
            Self::remember(s);
            Ok(s.to_owned())
        }

        fn visit_string<E: de::Error>(self, s: String) -> Result<String, E> {
            Self::remember(&s);
            Ok(s)
        }

        fn visit_u64<E: de::Error>(self, index: u64) -> Result<String, E> {
            TABLE.with(|t| match &*t.borrow() {
                Some(Table::Decode(table)) => usize::try_from(index)
                    .ok()
                    .and_then(|i| table.strings.get(i))
                    .map(|s| s.to_string())
                    .ok_or_else(|| {
                        E::custom(format_args!("string table index {index} out of range"))
                    }),
                _ => Err(E::custom("string table index outside a frame")),
            })
        }
    }

    /// A borrowed string that serializes through the table.
    pub(crate) struct Str<'a>(pub(crate) &'a str);

    impl serde::Serialize for Str<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(self.0, serializer)
        }
    }

    /// An owned string that deserializes through the table.
    pub(crate) struct OwnedStr(pub(crate) String);

    impl<'de> serde::Deserialize<'de> for OwnedStr {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer).map(OwnedStr)
        }
    }

    /// The same rules for `Option<String>`.
    pub(crate) mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        /// Serializes `None` as nil and `Some` through the table.
        pub(crate) fn serialize<S: Serializer>(
            value: &Option<String>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(s) => super::serialize(s, serializer),
                None => serializer.serialize_none(),
            }
        }

        /// Deserializes nil as `None`.
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<String>, D::Error> {
            #[derive(Deserialize)]
            struct Wrap(#[serde(with = "super")] String);
            Ok(Option::<Wrap>::deserialize(deserializer)?.map(|w| w.0))
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn seed_has_no_duplicates() {
            let mut seen = std::collections::HashSet::new();
            for s in SEED {
                assert!(seen.insert(*s), "duplicate seed entry {s}");
            }
            assert!(
                SEED.len() < 200,
                "seed indices should stay one or two bytes"
            );
        }
    }
}
