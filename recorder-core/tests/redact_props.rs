//! Properties of the redaction rules on generated input: they never panic, secrets under
//! sensitive names never survive (whole or truncated), and everything else is untouched.

use proptest::prelude::*;
use recorder_core::redact::{self, BodyPolicy, InputElement, InputPolicy, Redactor};

/// Secret values are written only with these characters, so "no secret leaked" is
/// "none of these characters in the output".
const SECRET_CHARS: [char; 2] = ['§', '¤'];

fn leaks(text: &str) -> bool {
    text.contains(SECRET_CHARS)
}

/// Key spellings the rules must catch, as JSON string contents (already escaped).
const SENSITIVE_KEYS: &[&str] = &[
    "password",
    "PASSWORD",
    "pass\\u0077ord",
    "passwd",
    "secret",
    "client_secret",
    "token",
    "access_token",
    "refreshToken",
    "api_key",
    "apiKey",
    "X-Api-Key",
    "authorization",
    "Authorization",
    "card_number",
    "cardNumber",
    "cvv",
    "cvc",
    "ssn",
    "pin",
    "sessionId",
];

const BENIGN_KEYS: &[&str] = &[
    "name", "id", "items", "author", "data", "value", "a", "", "ü",
];

#[derive(Clone, Debug)]
enum Json {
    Null,
    Bool(bool),
    Num(i64),
    /// Escaped string contents.
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(&n.to_string()),
            Json::Str(s) => {
                out.push('"');
                out.push_str(s);
                out.push('"');
            }
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    out.push_str(k);
                    out.push_str("\": ");
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }
}

/// JSON string contents from `chars`, with quotes, backslashes and newlines escaped.
fn escaped(chars: &'static str, max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(chars.chars().collect::<Vec<_>>()),
        0..max,
    )
    .prop_map(|cs| {
        cs.into_iter()
            .map(|c| match c {
                '"' => "\\\"".to_owned(),
                '\\' => "\\\\".to_owned(),
                '\n' => "\\n".to_owned(),
                c => c.to_string(),
            })
            .collect()
    })
}

/// Any JSON tree whose strings are all secret (the value of a sensitive key).
fn secret_tree() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        escaped("§¤\"\\\n", 12).prop_map(|s| Json::Str(format!("§{s}"))),
        (1i64..1_000_000).prop_map(Json::Num),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Json::Arr),
            proptest::collection::vec((escaped("§¤ab", 6), inner), 0..4).prop_map(Json::Obj),
        ]
    })
}

/// A JSON tree with benign content around sensitive keys holding secret subtrees.
fn tree_with_secrets() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        (-1_000_000i64..1_000_000).prop_map(Json::Num),
        escaped("ab \"\\:{}[],'\nü", 10).prop_map(Json::Str),
    ];
    leaf.prop_recursive(5, 64, 5, |inner| {
        let field = prop_oneof![
            3 => (proptest::sample::select(BENIGN_KEYS), inner.clone())
                .prop_map(|(k, v)| (k.to_owned(), v)),
            1 => (proptest::sample::select(SENSITIVE_KEYS), secret_tree())
                .prop_map(|(k, v)| (k.to_owned(), v)),
        ];
        prop_oneof![
            proptest::collection::vec(inner, 0..5).prop_map(Json::Arr),
            proptest::collection::vec(field, 0..5).prop_map(Json::Obj),
        ]
    })
}

/// A JSON tree with only benign keys, strings without digits and short numbers.
fn benign_tree() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        (-1_000_000i64..1_000_000).prop_map(Json::Num),
        escaped("ab \"\\:{}[],'\nü€", 10).prop_map(Json::Str),
    ];
    leaf.prop_recursive(5, 64, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Json::Arr),
            proptest::collection::vec(
                (
                    proptest::sample::select(BENIGN_KEYS).prop_map(str::to_owned),
                    inner
                ),
                0..5
            )
            .prop_map(Json::Obj),
        ]
    })
}

/// Text that exercises the scanners: JSON punctuation, quotes, escapes, digits.
fn jsonish() -> impl Strategy<Value = String> {
    "[{}\\[\\]():,;'\"\\\\ \\nauthpswordkenü€0-9=&?#%+-]{0,120}"
}

/// Prefix of `text` cut at byte `cut` (moved back to a char boundary).
fn prefix(text: &str, cut: usize) -> &str {
    let mut cut = cut.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_on_any_text(text in any::<String>(), other in jsonish(), max in 0usize..64) {
        let r = Redactor::default();
        for t in [text.as_str(), other.as_str()] {
            let _ = r.redact_url(t);
            let _ = r.redact_form(t);
            let _ = r.redact_json(t);
            for ct in ["application/json", "text/plain", "", "text/html", "application/x-www-form-urlencoded"] {
                let _ = r.redact_body(ct, t);
                let body = BodyPolicy { max_bytes: max, ..BodyPolicy::default() }.capture(&r, ct, t);
                // Cut only past the limit; a digit run at the limit is kept whole, up to
                // 24 bytes more (`card::MAX_SPAN`), so that a card number is never cut
                // in half: such a body can be kept whole although over the limit.
                prop_assert!(!body.truncated || t.len() > max);
                prop_assert!(body.truncated || t.len() <= max + 24);
            }
            let _ = r.header(t, t);
            let _ = redact::mask_card_numbers(t);
            prop_assert_eq!(redact::mask_text(t).chars().count(), t.chars().count());
            prop_assert!(redact::mask_value(t).chars().count() <= redact::MAX_MASKED_CHARS);
            let _ = redact::should_capture_body(t, t, t);
            let _ = redact::is_same_origin(t, "https://a.test");
            let _ = redact::url_matches(t, t);
            let _ = InputPolicy::default().privacy(&InputElement {
                tag: t, input_type: t, autocomplete: t, name: t, id: t, ..InputElement::default()
            });
        }
    }

    #[test]
    fn secrets_under_sensitive_keys_never_appear(tree in tree_with_secrets(), cut in any::<prop::sample::Index>()) {
        let text = tree.text();
        let r = Redactor::default();
        let out = r.redact_json(&text);
        prop_assert!(!leaks(&out), "leak in {}\n -> {}", text, out);
        // Bodies are cut at the capture limit: a prefix must not leak either.
        let cut_text = prefix(&text, cut.index(text.len() + 1));
        let out = r.redact_json(cut_text);
        prop_assert!(!leaks(&out), "leak in {}\n -> {}", cut_text, out);
        let body = BodyPolicy { max_bytes: cut_text.len(), ..BodyPolicy::default() }
            .capture(&r, "application/json", &text);
        prop_assert!(!leaks(&body.text), "leak in capture of {}\n -> {}", text, body.text);
    }

    #[test]
    fn benign_json_is_untouched(tree in benign_tree()) {
        let text = tree.text();
        prop_assert_eq!(Redactor::default().redact_json(&text), text.as_str());
    }

    #[test]
    fn url_redaction_is_exact(
        params in proptest::collection::vec(
            (any::<bool>(), "[a-z%+._~-]{0,8}", "[a-zA-Z%+./~-]{0,10}"),
            0..8,
        ),
        fragment in proptest::option::of("[a-f/=&-]{0,12}"),
        sep in proptest::sample::select(vec!["&", ";"]),
    ) {
        // Sensitive parameters get secret values; benign names avoid every sensitive word.
        let mut url = String::from("https://a.test/p?");
        let mut want = url.clone();
        for (i, (sensitive, name, value)) in params.iter().enumerate() {
            if i > 0 {
                url.push_str(sep);
                want.push_str(sep);
            }
            if *sensitive {
                url.push_str(&format!("access_token{name}=§{value}"));
                want.push_str(&format!("access_token{name}=[redacted]"));
            } else {
                url.push_str(&format!("q{i}=x{value}"));
                want.push_str(&format!("q{i}=x{value}"));
            }
        }
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(&f);
            want.push('#');
            want.push_str(&f);
        }
        prop_assert_eq!(redact::redact_url(&url), want.as_str());
    }

    #[test]
    fn card_numbers_keep_only_last_four(
        first in 2u8..=6,
        rest in proptest::collection::vec(0u8..10, 11..17),
        sep in proptest::sample::select(vec!["", " ", "-"]),
        before in "[a-z :,\"]{0,8}",
        after in "[a-z :,\"]{0,8}",
    ) {
        // Complete the number with its Luhn check digit.
        let mut digits = vec![first];
        digits.extend(rest);
        let sum: u32 = digits.iter().rev().enumerate().map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 { let x = d * 2; if x > 9 { x - 9 } else { x } } else { d }
        }).sum();
        digits.push(u8::try_from((10 - sum % 10) % 10).unwrap_or(0));
        let number: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        let grouped = if sep.is_empty() {
            number.clone()
        } else {
            number.as_bytes().chunks(4)
                .map(|c| std::str::from_utf8(c).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(sep)
        };
        // Groups shorter than 3 (a trailing 1- or 2-digit group) are not card formatting.
        prop_assume!(sep.is_empty() || !matches!(number.len() % 4, 1 | 2));
        let text = format!("{before}{grouped}{after}");
        let out = redact::mask_card_numbers(&text);
        prop_assert_eq!(out.len(), text.len());
        let kept: String = out.chars().filter(char::is_ascii_digit).collect();
        prop_assert_eq!(kept, number[number.len() - 4..].to_owned());
    }
}
