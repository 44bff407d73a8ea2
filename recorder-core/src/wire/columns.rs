//! Wire layouts that are not "one struct, one array": the ones that made frames big.
//!
//! Measured on the browser benchmark's workloads (`bench/run.mjs --save`), one array per
//! change left LZ4 little to fold: in a batch of 10,000 attribute changes every row
//! differs from the last in its node id, so no match spans two rows; and every keystroke
//! rewrote the whole masked value of its field. So, since format version 2:
//!
//! - A [`MutationBatch`] is a mask of the groups it has (removes 1, adds 2, attributes 4,
//!   texts 8; most batches have one) and then their columns, in this order: `[mask,
//!   removes, adds, attribute ids, attribute names, attribute values, text ids, text
//!   templates, text numbers]`. An added tree is `[parent, before, first id, nodes]`
//!   with the three ids as deltas (see [`add_deltas`]). Other node ids are
//!   deltas from the previous id of their column (the first from 0): nodes changed
//!   together are usually neighbours, so a column is a run of small, repeating numbers.
//!   Names, values and templates go through the string table (see
//!   [`intern`]), each in a column of their own, where the same few strings
//!   repeat. Encoder and decoder visit the string table in this column order.
//! - A text change's content is split into a template and numbers (see [`numbers`]):
//!   `"554.33 USD"` is the template `"\u{1}.\u{1} USD"`, interned like any string, and
//!   the numbers 554 and 33, in a column of all the batch's numbers (a `bin` of varints,
//!   see [`Numbers`]). Text that changes
//!   fast is mostly counters, prices and times: their template repeats (a table
//!   reference, folded by LZ4 in its column) and their digits take binary integers
//!   instead of one byte each.
//! - A [`PointerMove`] is one flat array `[offset, dx, dy, offset, dx, dy, …]`: each
//!   position a delta from the previous one, the first from the last position of the
//!   frame's previous `PointerMove` (or from (0, 0)). A pointer moves a few pixels per
//!   sample, so a point is three small integers instead of a three-element array of up
//!   to nine bytes.
//! - A [`Console`] call is `[level, arg templates, arg numbers, stack]`, the same split:
//!   a log line repeated with other figures is a table reference and a few integers.
//! - An [`Input`] is `[id, value, user]` as before, but a text value that follows another
//!   text value of the same input in the frame may be written as an edit of it,
//!   `[3, [keep_suffix, delete, insert]]` (see [`TextEdit`]), instead of
//!   `[0, text]`. Tag 3 is never an [`InputValue`]: the decoder resolves it into
//!   [`InputValue::Text`].
//!
//! With a human-readable serializer (JSON, serde-wasm-bindgen) all these types keep their
//! field-by-name form. As everywhere in the payload, the hand-written encoder
//! ([`Encode`]) writes exactly the bytes the serde impls write through rmp-serde.

use super::intern::{self, TextEdit};
use crate::event::{
    AddedTree, AttrChange, Console, Input, InputValue, Level, MovePoint, MutationBatch, NodeId,
    PointerMove, TextChange,
};
use crate::msgpack::{self, Encode};
use serde::de::{self, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, SerializeTuple};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The wire tag of an edited text value, after [`InputValue`]'s own tags 0 to 2.
const EDIT_TAG: u8 = 3;

/// Which groups of columns a [`MutationBatch`] writes: bit set, group present.
const REMOVES: u8 = 1;
const ADDS: u8 = 2;
/// Three columns: ids, names, values.
const ATTRS: u8 = 4;
/// Three columns: ids, templates, numbers.
const TEXTS: u8 = 8;

impl MutationBatch {
    /// The groups of columns the batch writes, and how many columns they make.
    fn groups(&self) -> (u8, usize) {
        let mut mask = 0;
        let mut columns = 0;
        for (present, bit, n) in [
            (!self.removes.is_empty(), REMOVES, 1),
            (!self.adds.is_empty(), ADDS, 1),
            (!self.attrs.is_empty(), ATTRS, 3),
            (!self.texts.is_empty(), TEXTS, 3),
        ] {
            if present {
                mask |= bit;
                columns += n;
            }
        }
        (mask, columns)
    }
}

/// Text split into a template and the numbers it shows.
///
/// Every maximal run of ASCII digits that reads as an integer as written (no leading
/// zero, unless it is `0` itself; at most 15 digits, so it is exact in any integer type)
/// becomes `PLACEHOLDER` in the template and the integer in the numbers; other digit
/// runs stay in the template. A `PLACEHOLDER` character in the text itself is also
/// written as `PLACEHOLDER` in the template, with nil in the numbers, so any text splits
/// and joins back to itself.
pub(crate) mod numbers {
    use std::fmt::Write;

    /// Stands for a number in a template: U+0001, which text hardly ever holds.
    pub(crate) const PLACEHOLDER: char = '\u{1}';

    /// Longest digit run taken as a number.
    const MAX_DIGITS: usize = 15;

    /// A piece of text: literal text, a number, or a literal [`PLACEHOLDER`].
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(crate) enum Piece<'a> {
        Text(&'a str),
        Number(u64),
        Placeholder,
    }

    /// Calls `f` with the pieces of `text`, in order.
    pub(crate) fn split<'a>(text: &'a str, mut f: impl FnMut(Piece<'a>)) {
        let bytes = text.as_bytes();
        let mut literal = 0; // start of the pending literal text
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == PLACEHOLDER as u8 {
                if literal < i {
                    f(Piece::Text(&text[literal..i]));
                }
                f(Piece::Placeholder);
                i += 1;
                literal = i;
            } else if b.is_ascii_digit() {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let run = &text[start..i];
                if run.len() <= MAX_DIGITS && (run.len() == 1 || b != b'0') {
                    if literal < start {
                        f(Piece::Text(&text[literal..start]));
                    }
                    // At most 15 digits: always fits.
                    f(Piece::Number(run.parse().unwrap_or_default()));
                    literal = i;
                }
            } else {
                i += 1;
            }
        }
        if literal < bytes.len() {
            f(Piece::Text(&text[literal..]));
        }
    }

    /// Whether `text` has nothing to take out: it is its own template, without numbers.
    /// (Most strings: checking costs less than splitting them.)
    pub(crate) fn is_plain(text: &str) -> bool {
        !text
            .bytes()
            .any(|b| b.is_ascii_digit() || b == PLACEHOLDER as u8)
    }

    /// The template of `text`: `text` itself when it [`is_plain`], else built in `buffer`.
    pub(crate) fn template<'a>(text: &'a str, buffer: &'a mut String) -> &'a str {
        if is_plain(text) {
            return text;
        }
        buffer.clear();
        split(text, |piece| match piece {
            Piece::Text(t) => buffer.push_str(t),
            Piece::Number(_) | Piece::Placeholder => buffer.push(PLACEHOLDER),
        });
        buffer
    }

    /// Calls `f` with the numbers of `text`: `Some` for a number, `None` for a literal
    /// [`PLACEHOLDER`].
    pub(crate) fn each(text: &str, mut f: impl FnMut(Option<u64>)) {
        if is_plain(text) {
            return;
        }
        split(text, |piece| match piece {
            Piece::Text(_) => {}
            Piece::Number(n) => f(Some(n)),
            Piece::Placeholder => f(None),
        });
    }

    /// Joins a template and its numbers back into text; `None` when the numbers run out.
    pub(crate) fn join(
        template: &str,
        numbers: &mut impl Iterator<Item = Option<u64>>,
    ) -> Option<String> {
        let mut text = String::with_capacity(template.len() + 8);
        let mut rest = template;
        while let Some(at) = rest.find(PLACEHOLDER) {
            text.push_str(&rest[..at]);
            match numbers.next()? {
                // Writing to a String cannot fail.
                Some(n) => {
                    let _ = write!(text, "{n}");
                }
                None => text.push(PLACEHOLDER),
            }
            rest = &rest[at + 1..];
        }
        text.push_str(rest);
        Some(text)
    }
}

// ---------------------------------------------------------------------------------------
// MutationBatch

/// The human-readable form: the batch's fields by name.
#[derive(Serialize)]
#[serde(rename = "MutationBatch")]
struct BatchFields<'a> {
    removes: &'a [NodeId],
    adds: &'a [AddedTree],
    attrs: &'a [AttrChange],
    texts: &'a [TextChange],
}

#[derive(Deserialize)]
#[serde(rename = "MutationBatch")]
struct OwnedBatchFields {
    removes: Vec<NodeId>,
    adds: Vec<AddedTree>,
    attrs: Vec<AttrChange>,
    texts: Vec<TextChange>,
}

/// A column of node ids, written as deltas from the previous one (the first from 0).
struct Deltas<I>(I, usize);

impl<I: Iterator<Item = NodeId> + Clone> Serialize for Deltas<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.1))?;
        let mut previous = 0i64;
        for id in self.0.clone() {
            seq.serialize_element(&(i64::from(id) - previous))?;
            previous = i64::from(id);
        }
        seq.end()
    }
}

fn encode_deltas(out: &mut Vec<u8>, len: usize, ids: impl Iterator<Item = NodeId>) {
    msgpack::array(out, len);
    let mut previous = 0i64;
    for id in ids {
        msgpack::sint(out, i64::from(id) - previous);
        previous = i64::from(id);
    }
}

/// A column of values computed from the rows.
struct Column<'a, T, F>(&'a [T], F);

impl<'a, T, V: Serialize, F: Fn(&'a T) -> V> Serialize for Column<'a, T, F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for row in self.0 {
            seq.serialize_element(&(self.1)(row))?;
        }
        seq.end()
    }
}

fn attr_name(a: &AttrChange) -> intern::Str<'_> {
    intern::Str(&a.name)
}

fn attr_value(a: &AttrChange) -> Option<intern::Str<'_>> {
    a.value.as_deref().map(intern::Str)
}

/// The templates of some strings, through the string table (see [`numbers`]).
struct Templates<'a, T>(&'a [T], fn(&T) -> &str);

impl<T> Serialize for Templates<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        let mut buffer = String::new();
        for row in self.0 {
            seq.serialize_element(&intern::Str(numbers::template((self.1)(row), &mut buffer)))?;
        }
        seq.end()
    }
}

/// The numbers of some strings, all in one column (see [`numbers`]): a `bin` of LEB128
/// varints, `n + 1` for the number `n` and 0 for a literal placeholder.
///
/// Varints rather than MessagePack integers because the column is nearly all entropy
/// (LZ4 copies it as literals): 128 to 16383 take two bytes instead of three.
struct Numbers<'a, T>(&'a [T], fn(&T) -> &str);

/// Calls `f` with each varint of the numbers of `rows`, in order.
fn number_varints<T>(rows: &[T], text: fn(&T) -> &str, mut f: impl FnMut(u64)) {
    for row in rows {
        numbers::each(text(row), |n| f(n.map_or(0, |n| n + 1)));
    }
}

fn varint_len(mut v: u64) -> usize {
    let mut len = 1;
    while v >= 0x80 {
        v >>= 7;
        len += 1;
    }
    len
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl<T> Serialize for Numbers<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::new();
        number_varints(self.0, self.1, |v| push_varint(&mut bytes, v));
        serializer.serialize_bytes(&bytes)
    }
}

/// Writes what [`Templates`] and then [`Numbers`] serialize.
fn encode_templated<T>(out: &mut Vec<u8>, rows: &[T], text: fn(&T) -> &str) {
    msgpack::array(out, rows.len());
    let mut buffer = String::new();
    for row in rows {
        msgpack::interned(out, numbers::template(text(row), &mut buffer));
    }
    let mut len = 0;
    number_varints(rows, text, |v| len += varint_len(v));
    msgpack::bin_header(out, len);
    number_varints(rows, text, |v| push_varint(out, v));
}

/// The numbers column read back: `None` for a literal placeholder.
struct NumberColumn(Vec<Option<u64>>);

impl<'de> Deserialize<'de> for NumberColumn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VarintVisitor;
        impl<'de> Visitor<'de> for VarintVisitor {
            type Value = NumberColumn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a bin of varints")
            }
            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<NumberColumn, E> {
                let mut numbers = Vec::with_capacity(bytes.len().min(4096));
                let mut v = 0u64;
                let mut shift = 0;
                for &b in bytes {
                    if shift > 63 || (shift == 63 && b & 0x7f > 1) {
                        return Err(E::custom("text number varint overflows"));
                    }
                    v |= u64::from(b & 0x7f) << shift;
                    if b & 0x80 == 0 {
                        numbers.push(v.checked_sub(1));
                        v = 0;
                        shift = 0;
                    } else {
                        shift += 7;
                    }
                }
                if shift != 0 {
                    return Err(E::custom("text number varint truncated"));
                }
                Ok(NumberColumn(numbers))
            }
        }
        deserializer.deserialize_bytes(VarintVisitor)
    }
}

/// Joins the columns [`Templates`] and [`Numbers`] wrote back into strings.
fn join_templated(
    templates: Vec<intern::OwnedStr>,
    numbers: Vec<Option<u64>>,
) -> Result<Vec<String>, &'static str> {
    let mut numbers = numbers.into_iter();
    let texts = templates
        .into_iter()
        .map(|template| numbers::join(&template.0, &mut numbers).ok_or("text numbers run out"))
        .collect::<Result<Vec<String>, _>>()?;
    match numbers.next() {
        Some(_) => Err("text numbers left over"),
        None => Ok(texts),
    }
}

fn text_of(t: &TextChange) -> &str {
    &t.text
}

impl Serialize for MutationBatch {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return BatchFields {
                removes: &self.removes,
                adds: &self.adds,
                attrs: &self.attrs,
                texts: &self.texts,
            }
            .serialize(serializer);
        }
        let (mask, columns) = self.groups();
        let mut t = serializer.serialize_tuple(1 + columns)?;
        t.serialize_element(&mask)?;
        if mask & REMOVES != 0 {
            t.serialize_element(&Deltas(self.removes.iter().copied(), self.removes.len()))?;
        }
        if mask & ADDS != 0 {
            t.serialize_element(&Adds(&self.adds))?;
        }
        if mask & ATTRS != 0 {
            t.serialize_element(&Deltas(self.attrs.iter().map(|a| a.id), self.attrs.len()))?;
            t.serialize_element(&Column(&self.attrs, attr_name))?;
            t.serialize_element(&Column(&self.attrs, attr_value))?;
        }
        if mask & TEXTS != 0 {
            t.serialize_element(&Deltas(self.texts.iter().map(|t| t.id), self.texts.len()))?;
            t.serialize_element(&Templates(&self.texts, text_of))?;
            t.serialize_element(&Numbers(&self.texts, text_of))?;
        }
        t.end()
    }
}

impl Encode for MutationBatch {
    fn encode(&self, out: &mut Vec<u8>) {
        let (mask, columns) = self.groups();
        msgpack::array(out, 1 + columns);
        out.push(mask);
        if mask & REMOVES != 0 {
            encode_deltas(out, self.removes.len(), self.removes.iter().copied());
        }
        if mask & ADDS != 0 {
            msgpack::array(out, self.adds.len());
            add_deltas(&self.adds, |parent, before, first, nodes| {
                msgpack::array(out, 4);
                msgpack::sint(out, parent);
                match before {
                    Some(before) => msgpack::sint(out, before),
                    None => msgpack::nil(out),
                }
                msgpack::sint(out, first);
                nodes.encode(out);
            });
        }
        if mask & ATTRS != 0 {
            encode_deltas(out, self.attrs.len(), self.attrs.iter().map(|a| a.id));
            msgpack::array(out, self.attrs.len());
            for a in &self.attrs {
                msgpack::interned(out, &a.name);
            }
            msgpack::array(out, self.attrs.len());
            for a in &self.attrs {
                match &a.value {
                    Some(value) => msgpack::interned(out, value),
                    None => msgpack::nil(out),
                }
            }
        }
        if mask & TEXTS != 0 {
            encode_deltas(out, self.texts.len(), self.texts.iter().map(|t| t.id));
            encode_templated(out, &self.texts, text_of);
        }
    }
}

/// Calls `f` with each added tree's `(parent, before, first_id)` as deltas, and its nodes.
///
/// The parent is a delta from the previous tree's parent; `before` from the previous
/// tree's first id (inserting each tree before the last one is 0); `first_id` from the id
/// after the previous tree's nodes (trees added one after the other are 0).
fn add_deltas<'a>(
    adds: &'a [AddedTree],
    mut f: impl FnMut(i64, Option<i64>, i64, &'a Vec<crate::event::SnapNode>),
) {
    let (mut parent, mut first, mut next) = (0i64, 0i64, 0i64);
    for add in adds {
        f(
            i64::from(add.parent) - parent,
            add.before.map(|b| i64::from(b) - first),
            i64::from(add.first_id) - next,
            &add.nodes,
        );
        parent = i64::from(add.parent);
        first = i64::from(add.first_id);
        next = first + add.nodes.len() as i64;
    }
}

/// The adds of a batch, their ids as deltas (see [`add_deltas`]).
struct Adds<'a>(&'a [AddedTree]);

impl Serialize for Adds<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        let mut result = Ok(());
        add_deltas(self.0, |parent, before, first, nodes| {
            if result.is_ok() {
                result = seq.serialize_element(&(parent, before, first, nodes));
            }
        });
        result?;
        seq.end()
    }
}

/// The adds of a batch read back from [`Adds`]; an id outside `u32` is an error.
struct AddsColumn(Vec<AddedTree>);

impl<'de> Deserialize<'de> for AddsColumn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AddsVisitor;
        impl<'de> Visitor<'de> for AddsVisitor {
            type Value = AddsColumn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of added trees")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AddsColumn, A::Error> {
                // The announced length is untrusted: cap the preallocation as serde does.
                let mut adds = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                let (mut parent, mut first, mut next) = (0i64, 0i64, 0i64);
                let id = |base: i64, delta: i64| {
                    base.checked_add(delta)
                        .and_then(|id| NodeId::try_from(id).ok())
                        .ok_or_else(|| de::Error::custom("node id delta out of range"))
                };
                while let Some((dp, before, df, nodes)) =
                    seq.next_element::<(i64, Option<i64>, i64, Vec<crate::event::SnapNode>)>()?
                {
                    let add = AddedTree {
                        parent: id(parent, dp)?,
                        before: before.map(|b| id(first, b)).transpose()?,
                        first_id: id(next, df)?,
                        nodes,
                    };
                    parent = i64::from(add.parent);
                    first = i64::from(add.first_id);
                    next = first + add.nodes.len() as i64;
                    adds.push(add);
                }
                Ok(AddsColumn(adds))
            }
        }
        deserializer.deserialize_seq(AddsVisitor)
    }
}

/// A column of node ids read back from its deltas; an id outside `u32` is an error.
struct DeltaIds(Vec<NodeId>);

impl<'de> Deserialize<'de> for DeltaIds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DeltaVisitor;
        impl<'de> Visitor<'de> for DeltaVisitor {
            type Value = DeltaIds;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of node id deltas")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DeltaIds, A::Error> {
                // The announced length is untrusted: cap the preallocation as serde does.
                let mut ids = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                let mut previous = 0i64;
                while let Some(delta) = seq.next_element::<i64>()? {
                    let id = previous
                        .checked_add(delta)
                        .and_then(|id| NodeId::try_from(id).ok())
                        .ok_or_else(|| de::Error::custom("node id delta out of range"))?;
                    ids.push(id);
                    previous = i64::from(id);
                }
                Ok(DeltaIds(ids))
            }
        }
        deserializer.deserialize_seq(DeltaVisitor)
    }
}

/// A string-table string that may be nil.
struct OptionalStr(Option<String>);

impl<'de> Deserialize<'de> for OptionalStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        intern::option::deserialize(deserializer).map(OptionalStr)
    }
}

impl<'de> Deserialize<'de> for MutationBatch {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let f = OwnedBatchFields::deserialize(deserializer)?;
            return Ok(MutationBatch {
                removes: f.removes,
                adds: f.adds,
                attrs: f.attrs,
                texts: f.texts,
            });
        }
        struct BatchVisitor;
        impl<'de> Visitor<'de> for BatchVisitor {
            type Value = MutationBatch;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mutation batch's groups and their columns")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<MutationBatch, A::Error> {
                fn next<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
                    seq: &mut A,
                ) -> Result<T, A::Error> {
                    seq.next_element()?.ok_or_else(|| {
                        de::Error::custom("fewer columns than the batch's mask announces")
                    })
                }
                let mask: u8 = next(&mut seq)?;
                if mask > REMOVES | ADDS | ATTRS | TEXTS {
                    return Err(de::Error::custom(format_args!(
                        "unknown mutation batch groups {mask:#x}"
                    )));
                }
                // A group the mask leaves out is empty.
                let empty_ids = || DeltaIds(Vec::new());
                let removes: DeltaIds = match mask & REMOVES {
                    0 => empty_ids(),
                    _ => next(&mut seq)?,
                };
                let adds: AddsColumn = match mask & ADDS {
                    0 => AddsColumn(Vec::new()),
                    _ => next(&mut seq)?,
                };
                let adds = adds.0;
                let (attr_ids, names, values): (DeltaIds, Vec<intern::OwnedStr>, Vec<OptionalStr>) =
                    match mask & ATTRS {
                        0 => (empty_ids(), Vec::new(), Vec::new()),
                        _ => (next(&mut seq)?, next(&mut seq)?, next(&mut seq)?),
                    };
                let (text_ids, templates, numbers): (
                    DeltaIds,
                    Vec<intern::OwnedStr>,
                    NumberColumn,
                ) = match mask & TEXTS {
                    0 => (empty_ids(), Vec::new(), NumberColumn(Vec::new())),
                    _ => (next(&mut seq)?, next(&mut seq)?, next(&mut seq)?),
                };
                if names.len() != attr_ids.0.len() || values.len() != attr_ids.0.len() {
                    return Err(de::Error::custom("attribute columns of different lengths"));
                }
                if templates.len() != text_ids.0.len() {
                    return Err(de::Error::custom("text columns of different lengths"));
                }
                let attrs = attr_ids
                    .0
                    .into_iter()
                    .zip(names.into_iter().zip(values))
                    .map(|(id, (name, value))| AttrChange {
                        id,
                        name: name.0,
                        value: value.0,
                    })
                    .collect();
                let texts = text_ids
                    .0
                    .into_iter()
                    .zip(join_templated(templates, numbers.0).map_err(de::Error::custom)?)
                    .map(|(id, text)| TextChange { id, text })
                    .collect();
                Ok(MutationBatch {
                    removes: removes.0,
                    adds,
                    attrs,
                    texts,
                })
            }
        }
        // As many elements as the mask says: a sequence, not a fixed-length tuple.
        deserializer.deserialize_seq(BatchVisitor)
    }
}

// ---------------------------------------------------------------------------------------
// PointerMove

/// The human-readable form: the samples by name.
#[derive(Serialize)]
#[serde(rename = "PointerMove")]
struct PointerMoveFields<'a> {
    points: &'a [MovePoint],
}

#[derive(Deserialize)]
#[serde(rename = "PointerMove")]
struct OwnedPointerMoveFields {
    points: Vec<MovePoint>,
}

/// Calls `f` with each point's offset and position deltas, moving the frame's pointer
/// position along.
fn point_deltas(points: &[MovePoint], mut f: impl FnMut(u32, i64, i64)) {
    intern::with_pointer(|memory| {
        let mut last = memory.as_deref().copied().unwrap_or((0, 0));
        for p in points {
            f(
                p.offset,
                i64::from(p.x) - i64::from(last.0),
                i64::from(p.y) - i64::from(last.1),
            );
            last = (p.x, p.y);
        }
        if let Some(memory) = memory {
            *memory = last;
        }
    })
}

impl Serialize for PointerMove {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return PointerMoveFields {
                points: &self.points,
            }
            .serialize(serializer);
        }
        let mut seq = serializer.serialize_seq(Some(3 * self.points.len()))?;
        let mut result = Ok(());
        point_deltas(&self.points, |offset, dx, dy| {
            if result.is_ok() {
                result = seq
                    .serialize_element(&offset)
                    .and_then(|()| seq.serialize_element(&dx))
                    .and_then(|()| seq.serialize_element(&dy));
            }
        });
        result?;
        seq.end()
    }
}

impl Encode for PointerMove {
    fn encode(&self, out: &mut Vec<u8>) {
        msgpack::array(out, 3 * self.points.len());
        point_deltas(&self.points, |offset, dx, dy| {
            msgpack::uint(out, u64::from(offset));
            msgpack::sint(out, dx);
            msgpack::sint(out, dy);
        });
    }
}

impl<'de> Deserialize<'de> for PointerMove {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let f = OwnedPointerMoveFields::deserialize(deserializer)?;
            return Ok(PointerMove { points: f.points });
        }
        struct PointsVisitor;
        impl<'de> Visitor<'de> for PointsVisitor {
            type Value = PointerMove;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("pointer samples as offset, dx, dy triples")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PointerMove, A::Error> {
                // The announced length is untrusted: cap the preallocation as serde does.
                let mut points = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096) / 3);
                let mut last = intern::with_pointer(|m| m.as_deref().copied().unwrap_or((0, 0)));
                let out_of_range = || de::Error::custom("pointer position out of range");
                while let Some(offset) = seq.next_element::<u32>()? {
                    let (dx, dy): (i64, i64) = match (seq.next_element()?, seq.next_element()?) {
                        (Some(dx), Some(dy)) => (dx, dy),
                        _ => return Err(de::Error::custom("pointer samples are not triples")),
                    };
                    let x = i64::from(last.0)
                        .checked_add(dx)
                        .and_then(|x| i32::try_from(x).ok());
                    let y = i64::from(last.1)
                        .checked_add(dy)
                        .and_then(|y| i32::try_from(y).ok());
                    let (x, y) = x.zip(y).ok_or_else(out_of_range)?;
                    points.push(MovePoint { offset, x, y });
                    last = (x, y);
                }
                intern::with_pointer(|m| {
                    if let Some(m) = m {
                        *m = last;
                    }
                });
                Ok(PointerMove { points })
            }
        }
        deserializer.deserialize_seq(PointsVisitor)
    }
}

// ---------------------------------------------------------------------------------------
// Console

/// The human-readable form: the call's fields by name.
#[derive(Serialize)]
#[serde(rename = "Console")]
struct ConsoleFields<'a> {
    level: Level,
    args: &'a [String],
    stack: &'a Option<String>,
}

#[derive(Deserialize)]
#[serde(rename = "Console")]
struct OwnedConsoleFields {
    level: Level,
    args: Vec<String>,
    stack: Option<String>,
}

fn arg_of(arg: &String) -> &str {
    arg
}

/// `[level, arg templates, arg numbers, stack]`: a log line repeated with other figures
/// (`poll {tick: 4, …}`) is a table reference and a few integers.
impl Serialize for Console {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return ConsoleFields {
                level: self.level,
                args: &self.args,
                stack: &self.stack,
            }
            .serialize(serializer);
        }
        let mut t = serializer.serialize_tuple(4)?;
        t.serialize_element(&self.level)?;
        t.serialize_element(&Templates(&self.args, arg_of))?;
        t.serialize_element(&Numbers(&self.args, arg_of))?;
        t.serialize_element(&self.stack)?;
        t.end()
    }
}

impl Encode for Console {
    fn encode(&self, out: &mut Vec<u8>) {
        msgpack::array(out, 4);
        self.level.encode(out);
        encode_templated(out, &self.args, arg_of);
        self.stack.encode(out);
    }
}

impl<'de> Deserialize<'de> for Console {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let f = OwnedConsoleFields::deserialize(deserializer)?;
            return Ok(Console {
                level: f.level,
                args: f.args,
                stack: f.stack,
            });
        }
        struct ConsoleVisitor;
        impl<'de> Visitor<'de> for ConsoleVisitor {
            type Value = Console;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a console call's level, arguments and stack")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Console, A::Error> {
                let missing = |at| de::Error::invalid_length(at, &"four fields");
                let level: Level = seq.next_element()?.ok_or_else(|| missing(0))?;
                let templates: Vec<intern::OwnedStr> =
                    seq.next_element()?.ok_or_else(|| missing(1))?;
                let numbers: NumberColumn = seq.next_element()?.ok_or_else(|| missing(2))?;
                let stack: Option<String> = seq.next_element()?.ok_or_else(|| missing(3))?;
                let args = join_templated(templates, numbers.0).map_err(de::Error::custom)?;
                Ok(Console { level, args, stack })
            }
        }
        deserializer.deserialize_tuple(4, ConsoleVisitor)
    }
}

// ---------------------------------------------------------------------------------------
// Input

/// The human-readable form: the input's fields by name.
#[derive(Serialize)]
#[serde(rename = "Input")]
struct InputFields<'a> {
    id: NodeId,
    value: &'a InputValue,
    user: bool,
}

#[derive(Deserialize)]
#[serde(rename = "Input")]
struct OwnedInputFields {
    id: NodeId,
    value: InputValue,
    user: bool,
}

impl Serialize for Input {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return InputFields {
                id: self.id,
                value: &self.value,
                user: self.user,
            }
            .serialize(serializer);
        }
        let mut t = serializer.serialize_tuple(3)?;
        t.serialize_element(&self.id)?;
        match &self.value {
            InputValue::Text(text) => match intern::input_edit(self.id, text) {
                Some(e) => t.serialize_element(&(EDIT_TAG, (e.keep_suffix, e.delete, e.insert)))?,
                None => t.serialize_element(&self.value)?,
            },
            value => t.serialize_element(value)?,
        }
        t.serialize_element(&self.user)?;
        t.end()
    }
}

impl Encode for Input {
    fn encode(&self, out: &mut Vec<u8>) {
        msgpack::array(out, 3);
        self.id.encode(out);
        match &self.value {
            InputValue::Text(text) => match intern::input_edit(self.id, text) {
                Some(e) => {
                    out.extend_from_slice(&[0x92, EDIT_TAG]);
                    msgpack::array(out, 3);
                    e.keep_suffix.encode(out);
                    e.delete.encode(out);
                    msgpack::str(out, e.insert);
                }
                None => self.value.encode(out),
            },
            value => value.encode(out),
        }
        self.user.encode(out);
    }
}

/// An input value as the wire has it: whole, or an edit of the previous text.
enum WireValue {
    Whole(InputValue),
    Edit(u32, u32, String),
}

impl<'de> Deserialize<'de> for WireValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;
        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = WireValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a [variant, value] pair for an input value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WireValue, A::Error> {
                let missing = || de::Error::invalid_length(1, &"a tag and a value");
                let tag: u8 = seq.next_element()?.ok_or_else(missing)?;
                let value = match tag {
                    0 => InputValue::Text(
                        seq.next_element::<intern::OwnedStr>()?
                            .ok_or_else(missing)?
                            .0,
                    ),
                    1 => InputValue::Checked(seq.next_element()?.ok_or_else(missing)?),
                    2 => InputValue::Selected(seq.next_element()?.ok_or_else(missing)?),
                    EDIT_TAG => {
                        let (keep, delete, insert) = seq.next_element()?.ok_or_else(missing)?;
                        return Ok(WireValue::Edit(keep, delete, insert));
                    }
                    other => {
                        return Err(de::Error::custom(format_args!(
                            "unknown InputValue variant {other}"
                        )))
                    }
                };
                Ok(WireValue::Whole(value))
            }
        }
        deserializer.deserialize_tuple(2, ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            let f = OwnedInputFields::deserialize(deserializer)?;
            return Ok(Input {
                id: f.id,
                value: f.value,
                user: f.user,
            });
        }
        struct InputVisitor;
        impl<'de> Visitor<'de> for InputVisitor {
            type Value = Input;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an input's id, value and user flag")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Input, A::Error> {
                let missing = |at| de::Error::invalid_length(at, &"three fields");
                let id: NodeId = seq.next_element()?.ok_or_else(|| missing(0))?;
                let wire: WireValue = seq.next_element()?.ok_or_else(|| missing(1))?;
                let user: bool = seq.next_element()?.ok_or_else(|| missing(2))?;
                let value = match wire {
                    WireValue::Whole(InputValue::Text(text)) => {
                        intern::input_value(id, &text);
                        InputValue::Text(text)
                    }
                    WireValue::Whole(value) => value,
                    WireValue::Edit(keep_suffix, delete, insert) => {
                        let edit = TextEdit {
                            keep_suffix,
                            delete,
                            insert: &insert,
                        };
                        InputValue::Text(
                            intern::apply_input_edit(id, &edit).map_err(de::Error::custom)?,
                        )
                    }
                };
                Ok(Input { id, value, user })
            }
        }
        deserializer.deserialize_tuple(3, InputVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(previous: &str, new: &str) -> (u32, u32, String) {
        let e = TextEdit::between(previous, new);
        assert_eq!(
            e.apply(previous).as_deref(),
            Some(new),
            "{previous:?} → {new:?}"
        );
        (e.keep_suffix, e.delete, e.insert.to_owned())
    }

    #[test]
    fn typing_at_the_end_is_the_same_edit_every_time() {
        assert_eq!(edit("***", "****"), (0, 0, "*".into()));
        assert_eq!(edit("****", "*****"), (0, 0, "*".into()));
        assert_eq!(edit("abc", "ab"), (0, 1, "".into()));
        assert_eq!(edit("hello world", "hello, world"), (6, 0, ",".into()));
        assert_eq!(edit("abc", "xyz"), (0, 3, "xyz".into()));
        assert_eq!(edit("", "a"), (0, 0, "a".into()));
        assert_eq!(edit("a", ""), (0, 1, "".into()));
    }

    #[test]
    fn edits_cut_on_character_boundaries() {
        // Common bytes inside a character are not shared.
        edit("é", "è");
        edit("aé", "aè");
        edit("éa", "èa");
        edit("日本語", "日本人語");
        edit("🙂🙂", "🙂🙃🙂");
        edit("xé", "xéé");
    }

    #[test]
    fn an_edit_that_does_not_fit_is_refused() {
        let e = TextEdit {
            keep_suffix: 1,
            delete: 0,
            insert: "",
        };
        // Inside the two bytes of "é".
        assert_eq!(e.apply("é"), None);
        let e = TextEdit {
            keep_suffix: 2,
            delete: 2,
            insert: "",
        };
        assert_eq!(e.apply("abc"), None);
    }
}
