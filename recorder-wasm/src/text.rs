//! Messages built without `core::fmt`.
//!
//! `format!` pulls the formatting machinery into the wasm (and `{:?}` on a string adds
//! Unicode escaping tables): several KB that every recorded page downloads, for warnings
//! and error messages. Messages are concatenated instead, with these helpers for the
//! values in them.

/// `n` in decimal.
pub fn decimal(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[at..].iter().map(|&d| d as char).collect()
}

/// `s` in double quotes, for naming a value inside a message.
pub fn quoted(s: &str) -> String {
    ["\"", s, "\""].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_matches_display() {
        for n in [0, 7, 10, 99, 100, 4096, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }
}
