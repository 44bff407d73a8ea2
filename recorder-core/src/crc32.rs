//! CRC-32 (IEEE 802.3, the zlib/PNG/`crc32fast` checksum), as stored in every frame header.
//!
//! Small on purpose: the browser recorder downloads this code, and a precomputed table is
//! 1 KiB of incompressible bytes (`crc32fast`'s sliced tables are 16 KiB). [`Crc32::new`]
//! builds the 256-entry table on the stack instead (about 2 µs), which then checksums a
//! byte per lookup, fast enough for frames of any size the format allows.

/// The reversed IEEE polynomial.
const POLY: u32 = 0xEDB8_8320;

/// An incremental CRC-32: `new`, any number of `update`s, then `finalize`.
///
/// ```
/// use recorder_core::crc32::Crc32;
/// let mut crc = Crc32::new();
/// crc.update(b"1234");
/// crc.update(b"56789");
/// assert_eq!(crc.finalize(), 0xCBF4_3926); // the standard check value
/// ```
#[derive(Clone)]
pub struct Crc32 {
    table: [u32; 256],
    state: u32,
}

impl std::fmt::Debug for Crc32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crc32").field("state", &self.state).finish()
    }
}

impl Default for Crc32 {
    fn default() -> Self {
        Self::new()
    }
}

impl Crc32 {
    /// A checksum of no bytes yet.
    pub fn new() -> Self {
        let mut table = [0u32; 256];
        for (n, entry) in table.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 == 1 { POLY ^ (c >> 1) } else { c >> 1 };
            }
            *entry = c;
        }
        Crc32 { table, state: !0 }
    }

    /// Adds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        let mut c = self.state;
        for &b in bytes {
            c = self.table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
        }
        self.state = c;
    }

    /// The checksum of everything added.
    pub fn finalize(self) -> u32 {
        !self.state
    }
}

/// The CRC-32 of `bytes`.
pub fn hash(bytes: &[u8]) -> u32 {
    let mut crc = Crc32::new();
    crc.update(bytes);
    crc.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        assert_eq!(hash(b""), 0);
        assert_eq!(hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            hash(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    proptest! {
        /// Same results as `crc32fast`, the implementation the format was written with,
        /// however the bytes are split over `update` calls.
        #[test]
        fn matches_crc32fast(bytes in proptest::collection::vec(any::<u8>(), 0..2048), split in any::<prop::sample::Index>()) {
            let at = split.index(bytes.len() + 1);
            let mut ours = Crc32::new();
            ours.update(&bytes[..at]);
            ours.update(&bytes[at..]);
            prop_assert_eq!(ours.finalize(), crc32fast::hash(&bytes));
        }
    }
}
