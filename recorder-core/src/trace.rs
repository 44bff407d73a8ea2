//! W3C Trace Context (`traceparent`): the link between a browser request and the backend
//! spans it caused.
//!
//! `traceparent: 00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`
//! (<https://www.w3.org/TR/trace-context/#traceparent-header>). This module parses,
//! formats and generates the header; randomness comes from the caller, so the crate needs
//! no platform API.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Why a `traceparent` value was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TraceContextError {
    /// Not `version-traceid-parentid-flags`.
    #[error("traceparent must be four dash-separated fields")]
    Shape,
    /// A field was not lower-case hex of the right length.
    #[error("traceparent field `{0}` is not lower-case hex of the right length")]
    Hex(&'static str),
    /// Version `ff` is forbidden.
    #[error("traceparent version ff is invalid")]
    InvalidVersion,
    /// The trace id was all zeros.
    #[error("traceparent trace id is all zeros")]
    ZeroTraceId,
    /// The parent id was all zeros.
    #[error("traceparent parent id is all zeros")]
    ZeroSpanId,
}

macro_rules! hex_id {
    ($(#[$meta:meta])* $name:ident, $len:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; $len]);

        impl $name {
            /// Whether every byte is zero (the invalid value).
            pub fn is_zero(&self) -> bool {
                self.0.iter().all(|b| *b == 0)
            }

            /// An id from caller-supplied random bytes; an all-zero draw is nudged to be valid.
            pub fn from_random(mut bytes: [u8; $len]) -> Self {
                if bytes.iter().all(|b| *b == 0) {
                    bytes[$len - 1] = 1;
                }
                $name(bytes)
            }

            /// Lower-case hex, as in `traceparent` (the `Display` form).
            pub fn to_hex(&self) -> String {
                let mut out = String::with_capacity(2 * $len);
                push_hex(&mut out, &self.0);
                out
            }

            /// Parses exactly `2 * len` lower-case hex digits.
            pub fn from_hex(s: &str) -> Option<Self> {
                let mut out = [0u8; $len];
                decode_hex(s, &mut out).then_some($name(out))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl FromStr for $name {
            type Err = TraceContextError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::from_hex(s).ok_or(TraceContextError::Hex(stringify!($name)))
            }
        }

        /// Raw bytes in binary formats, hex text in human-readable ones.
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                if serializer.is_human_readable() {
                    serializer.collect_str(self)
                } else {
                    serializer.serialize_bytes(&self.0)
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct IdVisitor;
                impl<'de> serde::de::Visitor<'de> for IdVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(f, concat!("{} bytes or hex digits for ", stringify!($name)), $len)
                    }
                    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<$name, E> {
                        <[u8; $len]>::try_from(v).map($name).map_err(|_| E::invalid_length(v.len(), &self))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::from_hex(v).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(v), &self))
                    }
                    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<$name, A::Error> {
                        let mut out = [0u8; $len];
                        for (i, slot) in out.iter_mut().enumerate() {
                            *slot = seq.next_element()?.ok_or_else(|| serde::de::Error::invalid_length(i, &self))?;
                        }
                        Ok($name(out))
                    }
                }
                if deserializer.is_human_readable() {
                    deserializer.deserialize_str(IdVisitor)
                } else {
                    deserializer.deserialize_bytes(IdVisitor)
                }
            }
        }
    };
}

hex_id!(
    /// A 16-byte trace id, shared by every span of one distributed operation.
    TraceId,
    16
);
hex_id!(
    /// An 8-byte span id.
    SpanId,
    8
);

fn decode_hex(s: &str, out: &mut [u8]) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() != out.len() * 2 {
        return false;
    }
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    for (slot, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        match (nibble(pair[0]), nibble(pair[1])) {
            (Some(hi), Some(lo)) => *slot = hi << 4 | lo,
            _ => return false,
        }
    }
    true
}

/// A parsed `traceparent` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TraceParent {
    /// Format version; `0` is the only one defined, later ones are parsed leniently.
    pub version: u8,
    /// The trace.
    pub trace_id: TraceId,
    /// The caller's span (the parent of the receiver's span).
    pub parent_id: SpanId,
    /// Trace flags; bit 0 is "sampled".
    pub flags: u8,
}

impl TraceParent {
    /// The header name.
    pub const HEADER: &'static str = "traceparent";

    /// A version-00 header for a new request, from caller-supplied random bytes.
    pub fn new(trace_id: TraceId, parent_id: SpanId, sampled: bool) -> Self {
        TraceParent {
            version: 0,
            trace_id,
            parent_id,
            flags: u8::from(sampled),
        }
    }

    /// Whether the sampled flag is set.
    pub fn sampled(&self) -> bool {
        self.flags & 1 == 1
    }

    /// The same trace with a new parent span: what a service forwards downstream.
    pub fn child(&self, span_id: SpanId) -> Self {
        TraceParent {
            version: 0,
            parent_id: span_id,
            ..*self
        }
    }

    /// Parses a header value per the spec: surrounding whitespace is ignored; version 00
    /// must have exactly four fields; a higher version may carry more fields after a dash.
    pub fn parse(value: &str) -> Result<Self, TraceContextError> {
        let value = value.trim_matches(|c| c == ' ' || c == '\t');
        let mut fields = value.splitn(5, '-');
        let (Some(version), Some(trace), Some(parent), Some(flags)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(TraceContextError::Shape);
        };
        let rest = fields.next();
        let mut v = [0u8; 1];
        if !decode_hex(version, &mut v) {
            return Err(TraceContextError::Hex("version"));
        }
        let version = v[0];
        if version == 0xff {
            return Err(TraceContextError::InvalidVersion);
        }
        if version == 0 && rest.is_some() {
            return Err(TraceContextError::Shape);
        }
        // Future versions: the flags field is the first two characters of the fourth field.
        let flags = if version == 0 {
            flags
        } else {
            flags.get(..2).unwrap_or(flags)
        };
        let trace_id = TraceId::from_hex(trace).ok_or(TraceContextError::Hex("trace-id"))?;
        let parent_id = SpanId::from_hex(parent).ok_or(TraceContextError::Hex("parent-id"))?;
        let mut f = [0u8; 1];
        if !decode_hex(flags, &mut f) {
            return Err(TraceContextError::Hex("trace-flags"));
        }
        if trace_id.is_zero() {
            return Err(TraceContextError::ZeroTraceId);
        }
        if parent_id.is_zero() {
            return Err(TraceContextError::ZeroSpanId);
        }
        Ok(TraceParent {
            version,
            trace_id,
            parent_id,
            flags: f[0],
        })
    }
}

impl FromStr for TraceParent {
    type Err = TraceContextError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TraceParent::parse(s)
    }
}

/// Formats as version 00, whatever version was parsed: that is what a participant sends.
impl TraceParent {
    /// The header value, `00-<trace id>-<parent id>-<flags>` (the `Display` form, built
    /// without `core::fmt` for the browser recorder).
    pub fn to_header(&self) -> String {
        let mut out = String::with_capacity(55);
        out.push_str("00-");
        push_hex(&mut out, &self.trace_id.0);
        out.push('-');
        push_hex(&mut out, &self.parent_id.0);
        out.push('-');
        push_hex(&mut out, &[self.flags]);
        out
    }
}

/// Appends `bytes` as lower-case hex.
fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
}

impl fmt::Display for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_header())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example from the specification, section 3.2.2.
    const SPEC: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn parses_and_formats_the_spec_example() {
        let tp = TraceParent::parse(SPEC).unwrap();
        assert_eq!(tp.version, 0);
        assert_eq!(tp.trace_id.to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(tp.parent_id.to_string(), "00f067aa0ba902b7");
        assert!(tp.sampled());
        assert_eq!(tp.to_string(), SPEC);
        let unsampled =
            TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").unwrap();
        assert!(!unsampled.sampled());
    }

    #[test]
    fn rejects_invalid_values() {
        let cases = [
            ("", TraceContextError::Shape),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                TraceContextError::Shape,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
                TraceContextError::Shape,
            ),
            (
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                TraceContextError::InvalidVersion,
            ),
            (
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                TraceContextError::ZeroTraceId,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                TraceContextError::ZeroSpanId,
            ),
            (
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                TraceContextError::Hex("trace-id"),
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
                TraceContextError::Hex("trace-id"),
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01",
                TraceContextError::Hex("parent-id"),
            ),
            (
                "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                TraceContextError::Hex("version"),
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
                TraceContextError::Hex("trace-flags"),
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
                TraceContextError::Hex("trace-flags"),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(TraceParent::parse(input), Err(expected), "input {input:?}");
        }
    }

    #[test]
    fn accepts_future_versions_with_extra_fields() {
        let tp = TraceParent::parse(
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds",
        )
        .unwrap();
        assert_eq!(tp.version, 0xcc);
        assert!(tp.sampled());
        // Re-emitted as version 00, as the spec asks of a participant that only knows 00.
        assert_eq!(tp.to_string(), SPEC);
        assert_eq!(
            TraceParent::parse(" \t00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ")
                .unwrap()
                .to_string(),
            SPEC
        );
    }

    #[test]
    fn generated_ids_are_never_zero() {
        assert!(!TraceId::from_random([0; 16]).is_zero());
        assert!(!SpanId::from_random([0; 8]).is_zero());
        let tp = TraceParent::new(
            TraceId::from_random([7; 16]),
            SpanId::from_random([9; 8]),
            true,
        );
        assert_eq!(TraceParent::parse(&tp.to_string()), Ok(tp));
        let child = tp.child(SpanId([1; 8]));
        assert_eq!(child.trace_id, tp.trace_id);
        assert_eq!(child.parent_id, SpanId([1; 8]));
    }

    #[test]
    fn ids_round_trip_through_msgpack_as_bytes() {
        let id = TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap();
        let bytes = rmp_serde::to_vec(&id).unwrap();
        assert_eq!(bytes.len(), 18, "bin8 header + 16 bytes");
        assert_eq!(rmp_serde::from_slice::<TraceId>(&bytes).unwrap(), id);
    }
}
