//! Card-number-like digit runs (see [`super::mask_card_numbers`] for the rule).

use super::Rewriter;
use std::borrow::Cow;

/// Which characters may join digit groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seps {
    /// Space and dash.
    Text,
    /// Space, dash and `+` (a form-encoded space).
    Url,
}

impl Seps {
    fn contains(self, b: u8) -> bool {
        b == b' ' || b == b'-' || (self == Seps::Url && b == b'+')
    }
}

/// The longest span of a card number in text: 19 digits and 5 separators (groups have at
/// least 3 digits, so at most 6 groups). Body capture looks this far past its cut.
pub(crate) const MAX_SPAN: usize = 24;

/// A card number found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CardMatch {
    /// First digit.
    pub(crate) start: usize,
    /// Where the last four digits begin: `start..mask_end` is masked.
    pub(crate) mask_end: usize,
    /// After the last digit.
    pub(crate) end: usize,
    /// Whether the number is written in groups.
    pub(crate) grouped: bool,
}

/// Calls `found` for each card number in `bytes[from..to]`, in order.
pub(crate) fn find(
    bytes: &[u8],
    from: usize,
    to: usize,
    seps: Seps,
    mut found: impl FnMut(CardMatch),
) {
    let to = to.min(bytes.len());
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    // Groups of the current run as (start, end); reused so a run costs no allocation.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut i = from;
    while i < to {
        if !digit(i) {
            i += 1;
            continue;
        }
        let run_start = i;
        groups.clear();
        loop {
            let start = i;
            while i < to && digit(i) {
                i += 1;
            }
            groups.push((start, i));
            if i + 1 < to && seps.contains(bytes[i]) && digit(i + 1) {
                i += 1;
            } else {
                break;
            }
        }
        // The integer or fraction part of a decimal number is not a card number.
        let decimal =
            (run_start >= from + 2 && bytes[run_start - 1] == b'.' && digit(run_start - 2))
                || (i + 1 < to && bytes[i] == b'.' && digit(i + 1));
        if !decimal {
            windows(bytes, &groups, &mut found);
        }
    }
}

/// Finds card numbers among one run's groups: a single group of 13–19 digits, or the
/// shortest sequence of 2+ groups of 3–6 digits adding up to 13–19 that is valid.
fn windows(bytes: &[u8], groups: &[(usize, usize)], found: &mut impl FnMut(CardMatch)) {
    let len = |g: &(usize, usize)| g.1 - g.0;
    let mut k = 0;
    while k < groups.len() {
        let first = len(&groups[k]);
        if (13..=19).contains(&first) {
            if let Some(m) = check(bytes, &groups[k..=k]) {
                found(m);
            }
            k += 1;
            continue;
        }
        let mut hit = None;
        if (3..=6).contains(&first) {
            let mut total = 0;
            for (m, g) in groups.iter().enumerate().skip(k) {
                let l = len(g);
                if !(3..=6).contains(&l) || total + l > 19 {
                    break;
                }
                total += l;
                if m > k && total >= 13 {
                    if let Some(found) = check(bytes, &groups[k..=m]) {
                        hit = Some((m, found));
                        break;
                    }
                }
            }
        }
        match hit {
            Some((m, card)) => {
                found(card);
                k = m + 1;
            }
            None => k += 1,
        }
    }
}

/// The match for `groups` if their digits look like a card number.
fn check(bytes: &[u8], groups: &[(usize, usize)]) -> Option<CardMatch> {
    let (start, end) = (groups.first()?.0, groups.last()?.1);
    let mut digits = [0u8; 19];
    let mut n = 0;
    for &(s, e) in groups {
        for &b in bytes.get(s..e)? {
            *digits.get_mut(n)? = b - b'0';
            n += 1;
        }
    }
    let digits = &digits[..n];
    if !(13..=19).contains(&n) || !(2..=6).contains(digits.first()?) || !luhn(digits) {
        return None;
    }
    // Position of the fourth digit from the end.
    let mut seen = 0;
    let mut mask_end = end;
    while seen < 4 && mask_end > start {
        mask_end -= 1;
        if bytes.get(mask_end).is_some_and(u8::is_ascii_digit) {
            seen += 1;
        }
    }
    Some(CardMatch {
        start,
        mask_end,
        end,
        grouped: groups.len() > 1,
    })
}

/// The Luhn checksum: every second digit from the right doubled.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// `text` with every card number's digits but the last four replaced by `*`.
pub(crate) fn mask(text: &str, seps: Seps) -> Cow<'_, str> {
    let mut w = Rewriter::new(text);
    find(text.as_bytes(), 0, text.len(), seps, |m| {
        w.mask_digits(m.start, m.mask_end)
    });
    w.finish()
}

/// If `token` is one unbroken card number (a bare JSON number), its masked form.
pub(crate) fn masked_number(token: &[u8]) -> Option<String> {
    if !token.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let m = check(token, &[(0, token.len())])?;
    let mut out = String::with_capacity(token.len());
    out.extend(std::iter::repeat_n('*', m.mask_end));
    out.extend(token.get(m.mask_end..)?.iter().map(|&b| char::from(b)));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_card_numbers() {
        let table = [
            ("4111 1111 1111 1111", "**** **** **** 1111"),
            ("4111-1111-1111-1111", "****-****-****-1111"),
            ("4111111111111111", "************1111"),
            ("card: 4111111111111111.", "card: ************1111."),
            ("pay 5555 5555 5555 4444 now", "pay **** **** **** 4444 now"),
            // Amex 4-6-5, Diners 4-6-4, 13-digit Visa, 19-digit.
            ("3782 822463 10005", "**** ****** *0005"),
            ("3056 930902 5904", "**** ****** 5904"),
            ("4222222222222", "*********2222"),
            ("6011 0009 9013 9424", "**** **** **** 9424"),
            ("4111 1111 1111 1111 123", "**** **** **** 1111 123"),
            ("12 4111 1111 1111 1111", "12 **** **** **** 1111"),
            ("a4111111111111111b", "a************1111b"),
            (
                "4111111111111111 and 5555555555554444",
                "************1111 and ************4444",
            ),
            ("４１１１", "４１１１"),
            ("€4111111111111111€", "€************1111€"),
        ];
        for (input, want) in table {
            assert_eq!(mask(input, Seps::Text), want, "{input}");
        }
    }

    #[test]
    fn leaves_other_numbers() {
        for input in [
            "",
            "4111 1111 1111 1112",                  // Luhn fails
            "1718036327123",                        // millisecond timestamp, starts with 1
            "0.4111111111111111",                   // a fraction
            "4111111111111111.25",                  // a decimal
            "41111111111111111111",                 // 20 digits
            "4111  1111  1111  1111",               // double spaces
            "411 1111 1111 1111 1",                 // groups too short at the end
            "41 11 11 11 11 11 11 11",              // groups of two
            "+49 30 1234 5678",                     // a phone number
            "2024-01-15T10:00:00Z",                 // a date
            "123e4567-e89b-12d3-a456-426614174000", // a uuid
            "7111 1111 1111 1119",                  // not a card network
        ] {
            assert_eq!(mask(input, Seps::Text), input, "{input}");
        }
    }

    #[test]
    fn url_separators() {
        assert_eq!(
            mask("4111+1111+1111+1111", Seps::Url),
            "****+****+****+1111"
        );
        assert_eq!(
            mask("4111+1111+1111+1111", Seps::Text),
            "4111+1111+1111+1111"
        );
    }

    #[test]
    fn luhn_known_values() {
        let digits = |s: &str| s.bytes().map(|b| b - b'0').collect::<Vec<_>>();
        assert!(luhn(&digits("79927398713")));
        assert!(!luhn(&digits("79927398710")));
        assert!(luhn(&digits("4111111111111111")));
    }

    #[test]
    fn number_tokens() {
        assert_eq!(
            masked_number(b"4111111111111111").as_deref(),
            Some("************1111")
        );
        assert_eq!(masked_number(b"1718036327123"), None);
        assert_eq!(masked_number(b"4111111111111111.5"), None);
        assert_eq!(masked_number(b""), None);
    }

    #[test]
    fn long_runs_are_linear() {
        let text = "1234 ".repeat(100_000) + &"9".repeat(100_000);
        assert_eq!(mask(&text, Seps::Text).len(), text.len());
    }
}
