//! How the event model is laid out as MessagePack: the compactness rules of the format.
//!
//! - Structs are arrays (rmp-serde's default), never maps: no field names on the wire.
//! - Enums are `[variant index, payload]` (or a bare index for unit enums) instead of
//!   rmp-serde's variant *names*; see [`wire_enum!`] and [`wire_unit_enum!`].
//! - Repeated strings (tag and attribute names, class lists, header names, URLs) are
//!   written once per frame and then referred to by a small integer; see [`intern`].
//! - Mutation batches are columns, and typed text is an edit of the input's previous
//!   value; see [`columns`].
//!
//! With a human-readable serializer (serde-wasm-bindgen, JSON) the same types come out in
//! the usual externally tagged form, so tools and the JS API see readable names.

/// Defines an enum whose variants each carry one value, serialized as `[index, value]`
/// with a non-human-readable serializer and as `{"Variant": value}` with a human-readable
/// one (and deserialized from either).
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

        impl $crate::msgpack::Encode for $name {
            fn encode(&self, out: &mut Vec<u8>) {
                match self {
                    $(
                        $name::$variant(value) => {
                            // An array of two, then the index as a positive fixint.
                            const _: () = assert!($idx < 128);
                            out.extend_from_slice(&[0x92, $idx]);
                            $crate::wire::wire_encode!(out, value $(, $with)?);
                        }
                    )+
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                if deserializer.is_human_readable() {
                    // `{"Variant": value}`, as the human-readable serialization writes it.
                    const VARIANTS: &[&str] = &[$(stringify!($variant)),+];
                    struct NamedVisitor;
                    impl<'de> ::serde::de::Visitor<'de> for NamedVisitor {
                        type Value = $name;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            write!(f, concat!("a variant of ", stringify!($name)))
                        }
                        fn visit_enum<A: ::serde::de::EnumAccess<'de>>(self, data: A) -> Result<$name, A::Error> {
                            use ::serde::de::VariantAccess;
                            let (name, variant): (String, _) = data.variant()?;
                            match name.as_str() {
                                $( stringify!($variant) => Ok($name::$variant(variant.newtype_variant()?)), )+
                                other => Err(::serde::de::Error::unknown_variant(other, VARIANTS)),
                            }
                        }
                    }
                    return deserializer.deserialize_enum(stringify!($name), VARIANTS, NamedVisitor);
                }
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
/// serializer and as its name with a human-readable one (and deserialized from either).
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

        impl $crate::msgpack::Encode for $name {
            fn encode(&self, out: &mut Vec<u8>) {
                // The index as a positive fixint.
                $( const _: () = assert!($idx < 128); )+
                out.push(*self as u8);
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                if deserializer.is_human_readable() {
                    let name = String::deserialize(deserializer)?;
                    return match name.as_str() {
                        $( stringify!($variant) => Ok($name::$variant), )+
                        other => Err(::serde::de::Error::unknown_variant(
                            other, &[$(stringify!($variant)),+])),
                    };
                }
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

/// Writes a [`wire_enum!`] variant's value with [`crate::msgpack`], mirroring [`wire_ser!`].
macro_rules! wire_encode {
    ($out:ident, $value:expr) => {
        $crate::msgpack::Encode::encode($value, $out)
    };
    ($out:ident, $value:expr, intern) => {
        $crate::msgpack::interned($out, $value)
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

pub(crate) use {wire_de, wire_encode, wire_enum, wire_ser, wire_unit_enum};

pub(crate) mod columns;

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

    /// A table whose arena grew past this is dropped after its frame instead of being kept
    /// for the next one, so one huge frame does not pin memory for the thread's lifetime.
    const MAX_CACHED_ARENA: usize = 1 << 20;

    /// The strings a frame added to the table, back to back in one buffer: two
    /// allocations per thread instead of one per string per frame.
    #[derive(Default)]
    struct Arena {
        text: String,
        /// End offset in `text` of each string.
        ends: Vec<u32>,
    }

    impl Arena {
        /// Number of strings held in addition to [`SEED`].
        fn len(&self) -> usize {
            self.ends.len()
        }

        fn get(&self, i: usize) -> Option<&str> {
            let end = *self.ends.get(i)? as usize;
            let start = match i {
                0 => 0,
                _ => self.ends[i - 1] as usize,
            };
            self.text.get(start..end)
        }

        fn push(&mut self, s: &str) {
            self.text.push_str(s);
            // At most MAX_TABLE_LEN strings of at most MAX_INTERNED_LEN bytes: fits a u32.
            self.ends.push(self.text.len() as u32);
        }

        fn clear(&mut self) {
            self.text.clear();
            self.ends.clear();
        }
    }

    /// Table index of the string at table position `i`: the seed first, then the arena.
    fn lookup(arena: &Arena, index: usize) -> Option<&str> {
        match index.checked_sub(SEED.len()) {
            None => SEED.get(index).copied(),
            Some(i) => arena.get(i),
        }
    }

    /// Maps a string's 64-bit hash to its table index: open addressing with linear probing
    /// in a power-of-two array at most half full. (A `HashMap` did the same for 3 KB more
    /// of the browser recorder's wasm.) Keys are hashes already, used as they are.
    #[derive(Default)]
    struct HashIndex {
        /// `(hash, index + 1)`; `(_, 0)` is an empty slot.
        slots: Vec<(u64, u32)>,
        len: usize,
    }

    impl HashIndex {
        fn get(&self, h: u64) -> Option<u32> {
            let mask = self.slots.len().checked_sub(1)?;
            let mut i = h as usize & mask;
            loop {
                match self.slots[i] {
                    (_, 0) => return None,
                    (k, v) if k == h => return Some(v - 1),
                    _ => i = (i + 1) & mask,
                }
            }
        }

        /// Stores `index` for `h`, unless `h` has an index already (the first one stays).
        fn insert(&mut self, h: u64, index: u32) {
            if 2 * (self.len + 1) > self.slots.len() {
                let capacity = (2 * self.slots.len()).max(256);
                let old = std::mem::replace(&mut self.slots, vec![(0, 0); capacity]);
                self.len = 0;
                for (k, v) in old {
                    if v != 0 {
                        self.insert(k, v - 1);
                    }
                }
            }
            let mask = self.slots.len() - 1;
            let mut i = h as usize & mask;
            loop {
                match self.slots[i] {
                    (_, 0) => {
                        self.slots[i] = (h, index + 1);
                        self.len += 1;
                        return;
                    }
                    (k, _) if k == h => return,
                    _ => i = (i + 1) & mask,
                }
            }
        }

        fn clear(&mut self) {
            self.slots.fill((0, 0));
            self.len = 0;
        }
    }

    /// A fast non-cryptographic string hash (FxHash rounds over 8-byte words, then a
    /// murmur3 finalizer). A collision only costs compression: the later string is
    /// written inline (see [`EncodeTable::find_or_add`]), never misread.
    fn hash(s: &str) -> u64 {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = s.len() as u64;
        let mut chunks = s.as_bytes().chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    struct EncodeTable {
        /// Hash index of [`SEED`]: built with the table, kept when it is cleared (tables
        /// are reused from frame to frame, see [`with_table`]).
        seed: HashIndex,
        /// Hash index of the strings this frame added.
        index: HashIndex,
        arena: Arena,
        inputs: InputMemory,
    }

    impl Default for EncodeTable {
        fn default() -> Self {
            let mut seed = HashIndex::default();
            for (i, s) in SEED.iter().enumerate() {
                seed.insert(hash(s), i as u32);
            }
            EncodeTable {
                seed,
                index: HashIndex::default(),
                arena: Arena::default(),
                inputs: InputMemory::default(),
            }
        }
    }

    impl EncodeTable {
        /// The index of `s` if the table has it; otherwise adds it (while there is room)
        /// exactly as the decoder will on reading it inline, and returns `None`.
        fn find_or_add(&mut self, s: &str) -> Option<u32> {
            let h = hash(s);
            if let Some(i) = self.seed.get(h) {
                if SEED[i as usize] == s {
                    return Some(i);
                }
            }
            if let Some(i) = self.index.get(h) {
                if lookup(&self.arena, i as usize) == Some(s) {
                    return Some(i);
                }
            }
            let next = SEED.len() + self.arena.len();
            if next < MAX_TABLE_LEN {
                self.arena.push(s);
                // On a hash collision the first string keeps the slot; the new one still
                // takes its table position, so both sides keep counting alike.
                self.index.insert(h, next as u32);
            }
            None
        }

        fn clear(&mut self) {
            self.index.clear();
            self.arena.clear();
            self.inputs.clear();
        }
    }

    #[derive(Default)]
    struct DecodeTable {
        arena: Arena,
        inputs: InputMemory,
    }

    impl DecodeTable {
        fn remember(&mut self, s: &str) {
            if SEED.len() + self.arena.len() < MAX_TABLE_LEN {
                self.arena.push(s);
            }
        }
    }

    enum Table {
        Encode(EncodeTable),
        Decode(DecodeTable),
    }

    impl Table {
        fn arena_capacity(&self) -> usize {
            match self {
                Table::Encode(t) => t.arena.text.capacity(),
                Table::Decode(t) => t.arena.text.capacity(),
            }
        }
    }

    /// The frame's last text value of each input it changed, so a later change of the same
    /// input can be written as an edit of it (see [`TextEdit`]).
    ///
    /// Encoder and decoder update it alike: after every text value of an `Input` event,
    /// whole or edited. It holds at most [`MAX_REMEMBERED_INPUTS`] inputs (later ones are
    /// always written whole), so a lookup is a short linear scan and a hostile frame cannot
    /// grow it; and edits produce at most [`MAX_EDITED_BYTES`] bytes of values per frame,
    /// so a few bytes of edit cannot be turned into megabytes of decoded values: past the
    /// budget the encoder writes values whole, which cost their own size in the payload.
    #[derive(Default)]
    struct InputMemory {
        /// `(input, its last value)`, in order of first change.
        values: Vec<(u32, String)>,
        /// Bytes of values produced by edits so far in this frame.
        edited: usize,
        /// The last pointer position of the frame's `PointerMove` events, from which the
        /// next one's first point is a delta (see `wire::columns`); (0, 0) at its start.
        pointer: (i32, i32),
        /// Strings of earlier frames' `values`, kept for their capacity: the memory is
        /// reused from frame to frame (see [`with_table`]), so steady typing allocates
        /// nothing for it.
        spare: Vec<String>,
    }

    /// Inputs a frame remembers values of; typing goes to one input at a time.
    pub(crate) const MAX_REMEMBERED_INPUTS: usize = 32;

    /// Bytes of input values that edits may produce in one frame (the sum of the edited
    /// values' lengths). Typing 1,000 characters into one field within a frame produces
    /// 0.5 MB; past this the values are written whole.
    pub(crate) const MAX_EDITED_BYTES: usize = 1 << 20;

    impl InputMemory {
        fn position(&self, id: u32) -> Option<usize> {
            self.values.iter().position(|(i, _)| *i == id)
        }

        /// Records `value` as the last value of `id` (when there is room).
        fn remember(&mut self, at: Option<usize>, id: u32, value: &str) {
            match at {
                Some(at) => {
                    let last = &mut self.values[at].1;
                    last.clear();
                    last.push_str(value);
                }
                None if self.values.len() < MAX_REMEMBERED_INPUTS => {
                    let mut last = self.spare.pop().unwrap_or_default();
                    last.clear();
                    last.push_str(value);
                    self.values.push((id, last));
                }
                None => {}
            }
        }

        fn clear(&mut self) {
            // Keep the strings, unless one grew large (it would stay pinned).
            let small = self.values.drain(..).map(|(_, s)| s);
            self.spare
                .extend(small.filter(|s| s.capacity() <= MAX_INTERNED_LEN * 16));
            self.edited = 0;
            self.pointer = (0, 0);
        }
    }

    /// A text value written as a change of the same input's previous value in the frame:
    /// `previous[..len - keep_suffix - delete] + insert + previous[len - keep_suffix..]`.
    ///
    /// Counting the kept suffix and the deletion from the *end* makes every keystroke
    /// typed at the end of a field the same bytes (`0, 0, "x"`), so a burst of typing is
    /// a run of nearly identical events that LZ4 folds into a few long matches.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) struct TextEdit<'a> {
        /// Bytes kept at the end of the previous value.
        pub(crate) keep_suffix: u32,
        /// Bytes of the previous value removed before the kept suffix.
        pub(crate) delete: u32,
        /// Text inserted in their place.
        pub(crate) insert: &'a str,
    }

    impl<'a> TextEdit<'a> {
        /// The edit from `previous` to `new`: the longest common prefix and then the
        /// longest common suffix of what is left, both cut on character boundaries.
        pub(crate) fn between(previous: &str, new: &'a str) -> Self {
            let (p, n) = (previous.as_bytes(), new.as_bytes());
            let mut prefix = p.iter().zip(n).take_while(|(a, b)| a == b).count();
            while !new.is_char_boundary(prefix) {
                prefix -= 1;
            }
            let room = p.len().min(n.len()) - prefix;
            let mut suffix = p
                .iter()
                .rev()
                .zip(n.iter().rev())
                .take(room)
                .take_while(|(a, b)| a == b)
                .count();
            while !new.is_char_boundary(n.len() - suffix) {
                suffix -= 1;
            }
            TextEdit {
                keep_suffix: suffix as u32,
                delete: (p.len() - prefix - suffix) as u32,
                insert: &new[prefix..n.len() - suffix],
            }
        }

        /// Applies the edit to `previous`; `None` when it does not fit (a hostile frame).
        pub(crate) fn apply(&self, previous: &str) -> Option<String> {
            let tail = previous.len().checked_sub(self.keep_suffix as usize)?;
            let head = tail.checked_sub(self.delete as usize)?;
            let (head, tail) = (previous.get(..head)?, previous.get(tail..)?);
            let mut value = String::with_capacity(head.len() + self.insert.len() + tail.len());
            value.push_str(head);
            value.push_str(self.insert);
            value.push_str(tail);
            Some(value)
        }
    }

    /// While encoding a frame: how to write the text value `value` of input `id`: as an
    /// edit of its previous value in this frame, or (`None`) whole. Remembers `value`
    /// either way, so call it exactly once per text value, in payload order.
    pub(crate) fn input_edit<'a>(id: u32, value: &'a str) -> Option<TextEdit<'a>> {
        TABLE.with(|t| {
            let Some(Table::Encode(table)) = &mut *t.borrow_mut() else {
                return None;
            };
            let memory = &mut table.inputs;
            let at = memory.position(id);
            let edit = at
                .filter(|_| memory.edited + value.len() <= MAX_EDITED_BYTES)
                .map(|at| TextEdit::between(&memory.values[at].1, value))
                // An edit that keeps nothing is the whole value and more.
                .filter(|e| e.insert.len() < value.len() || value.is_empty());
            if edit.is_some() {
                memory.edited += value.len();
            }
            memory.remember(at, id, value);
            edit
        })
    }

    /// While decoding a frame: notes the whole text value `value` of input `id`, which a
    /// later edit may refer to.
    pub(crate) fn input_value(id: u32, value: &str) {
        TABLE.with(|t| {
            if let Some(Table::Decode(table)) = &mut *t.borrow_mut() {
                let at = table.inputs.position(id);
                table.inputs.remember(at, id, value);
            }
        })
    }

    /// While decoding a frame: the value an edit of input `id` produces (and remembers).
    pub(crate) fn apply_input_edit(id: u32, edit: &TextEdit<'_>) -> Result<String, &'static str> {
        TABLE.with(|t| {
            let Some(Table::Decode(table)) = &mut *t.borrow_mut() else {
                return Err("input edit outside a frame");
            };
            let memory = &mut table.inputs;
            let at = memory
                .position(id)
                .ok_or("input edit without a previous value")?;
            let value = edit
                .apply(&memory.values[at].1)
                .ok_or("input edit does not fit the previous value")?;
            memory.edited += value.len();
            if memory.edited > MAX_EDITED_BYTES {
                return Err("input edits exceed the frame's budget");
            }
            memory.remember(Some(at), id, &value);
            Ok(value)
        })
    }

    /// Runs `f` on the frame's pointer position, encoding or decoding (`None` outside a
    /// frame, where positions are deltas from (0, 0)).
    pub(crate) fn with_pointer<R>(f: impl FnOnce(Option<&mut (i32, i32)>) -> R) -> R {
        TABLE.with(|t| match &mut *t.borrow_mut() {
            Some(Table::Encode(table)) => f(Some(&mut table.inputs.pointer)),
            Some(Table::Decode(table)) => f(Some(&mut table.inputs.pointer)),
            None => f(None),
        })
    }

    thread_local! {
        /// The table of the frame being encoded or decoded on this thread.
        static TABLE: RefCell<Option<Table>> = const { RefCell::new(None) };
        /// Emptied tables kept from the previous frame, so steady-state encoding and
        /// decoding allocate nothing for the table.
        static SPARE: RefCell<(Option<EncodeTable>, Option<DecodeTable>)> =
            const { RefCell::new((None, None)) };
    }

    /// Whether the table is being built for encoding or read for decoding.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) enum Mode {
        /// Strings are written and replaced by indices.
        Encode,
        /// Indices are resolved back into strings.
        Decode,
    }

    /// Runs `f` with a fresh, seeded table for one frame; the table is emptied afterwards
    /// (also if `f` panics), so frames never share state.
    pub(crate) fn with_table<R>(mode: Mode, f: impl FnOnce() -> R) -> R {
        struct Reset(Option<Table>);
        impl Drop for Reset {
            fn drop(&mut self) {
                let previous = self.0.take();
                let used = TABLE.with(|t| std::mem::replace(&mut *t.borrow_mut(), previous));
                let Some(used) = used else { return };
                if used.arena_capacity() > MAX_CACHED_ARENA {
                    return;
                }
                SPARE.with(|spare| {
                    let mut spare = spare.borrow_mut();
                    match used {
                        Table::Encode(mut t) => {
                            t.clear();
                            spare.0 = Some(t);
                        }
                        Table::Decode(mut t) => {
                            t.arena.clear();
                            t.inputs.clear();
                            spare.1 = Some(t);
                        }
                    }
                });
            }
        }
        let table = SPARE.with(|spare| {
            let mut spare = spare.borrow_mut();
            match mode {
                Mode::Encode => Table::Encode(spare.0.take().unwrap_or_default()),
                Mode::Decode => Table::Decode(spare.1.take().unwrap_or_default()),
            }
        });
        let previous = TABLE.with(|t| t.borrow_mut().replace(table));
        let _reset = Reset(previous);
        f()
    }

    fn internable(s: &str) -> bool {
        s.len() <= MAX_INTERNED_LEN
    }

    /// The table index to write instead of `value`, when the frame being encoded has it
    /// already; otherwise `None`, and `value` is written inline (and, when short enough,
    /// added to the table). Always `None` outside [`with_table`]`(Mode::Encode, …)`.
    pub(crate) fn index_of(value: &str) -> Option<u32> {
        if !internable(value) {
            return None;
        }
        TABLE.with(|t| match &mut *t.borrow_mut() {
            Some(Table::Encode(table)) => table.find_or_add(value),
            _ => None,
        })
    }

    /// Serializes a string through the active table (or inline when there is none).
    pub(crate) fn serialize<S: Serializer>(value: &str, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return serializer.serialize_str(value);
        }
        match index_of(value) {
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
                    table.remember(s);
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
                    .and_then(|i| lookup(&table.arena, i))
                    .map(str::to_owned)
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
        fn hash_index_keeps_the_first_index_of_a_hash() {
            let mut index = HashIndex::default();
            assert_eq!(index.get(7), None);
            // Keys that share low bits probe past each other; growth rehashes them all.
            let keys: Vec<u64> = (0..5000u64).map(|k| k << 20 | (k & 3)).collect();
            for (i, &k) in keys.iter().enumerate() {
                index.insert(k, i as u32);
                index.insert(k, u32::MAX - 1);
            }
            for (i, &k) in keys.iter().enumerate() {
                assert_eq!(index.get(k), Some(i as u32));
            }
            assert_eq!(index.get(1 << 40), None);
            index.clear();
            assert_eq!(index.get(keys[3]), None);
            index.insert(0, 0);
            assert_eq!(index.get(0), Some(0));
        }

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
