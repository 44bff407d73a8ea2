//! Derives the static LZ4 dictionary (`src/frame_dictionary.bin`) and reports what it buys.
//!
//! `cargo run --release -p recorder-core --example train_dictionary [-- --write] [--size N]`
//!
//! Training data: the uncompressed MessagePack payloads of generated sessions (the
//! `Shop` vocabulary, two seeds), plus a generic web vocabulary — HTML tags and
//! attributes, CSS, HTTP headers and MIME types, user-agent fragments, JSON punctuation —
//! written as MessagePack strings, so the dictionary does not know only the fixture's
//! words. The method is a simplified COVER (as in zstd's dictionary builder): count, for
//! every 8-byte substring, in how many samples it occurs; cut the data into epochs; take
//! from each epoch the 48-byte segment whose not-yet-covered substrings are most common;
//! repeat until the dictionary is full. Segments are written best last: LZ4 keeps one
//! hash-table slot per hash, later dictionary positions overwrite earlier ones, so the
//! end of the dictionary is the part most reliably found.
//!
//! Evaluation uses sessions the dictionary was not trained on: another seed of the same
//! site, and a different site (`Wiki` vocabulary: German text, other class names and
//! API paths), for every candidate size; `--write` stores the chosen dictionary.

use recorder_core::frame::{self, HEADER_LEN};
use recorder_core::testing::{Session, SessionSpec, Vocabulary};
use std::collections::{HashMap, HashSet};

/// Substring length whose frequencies are counted (LZ4's minimum match is 4; 8 keeps
/// counts meaningful and fits a u64 key).
const GRAM: usize = 8;
/// Length of the segments copied into the dictionary.
const SEGMENT: usize = 48;
/// Samples are at most this long, so one big snapshot counts as many samples rather
/// than one (document frequency would otherwise ignore what repeats inside it).
const SAMPLE: usize = 4096;

/// Words a recorder meets on any site, beyond the generator's fixture.
const GENERIC: &[&str] = &[
    // HTML
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
    "line",
    "polyline",
    "polygon",
    "defs",
    "clipPath",
    "linearGradient",
    "stop",
    "use",
    "symbol",
    "picture",
    "source",
    "video",
    "iframe",
    "noscript",
    "template",
    "slot",
    "dialog",
    "details",
    "summary",
    "figure",
    "figcaption",
    "blockquote",
    "code",
    "pre",
    "em",
    "strong",
    "small",
    "sup",
    "sub",
    "time",
    "abbr",
    "br",
    "hr",
    "fieldset",
    "legend",
    "output",
    "progress",
    "meter",
    "canvas",
    // attributes
    "class",
    "id",
    "href",
    "src",
    "srcset",
    "sizes",
    "alt",
    "title",
    "type",
    "name",
    "value",
    "placeholder",
    "rel",
    "target",
    "role",
    "tabindex",
    "style",
    "width",
    "height",
    "loading",
    "decoding",
    "fetchpriority",
    "crossorigin",
    "integrity",
    "referrerpolicy",
    "aria-label",
    "aria-labelledby",
    "aria-describedby",
    "aria-hidden",
    "aria-expanded",
    "aria-controls",
    "aria-current",
    "aria-selected",
    "aria-live",
    "aria-haspopup",
    "data-testid",
    "data-id",
    "data-state",
    "data-v-",
    "data-reactroot",
    "xmlns",
    "xmlns:xlink",
    "xlink:href",
    "viewBox",
    "fill",
    "stroke",
    "stroke-width",
    "stroke-linecap",
    "stroke-linejoin",
    "fill-rule",
    "clip-rule",
    "d",
    "cx",
    "cy",
    "r",
    "x",
    "y",
    "transform",
    "opacity",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "currentColor",
    "none",
    "true",
    "false",
    "button",
    "submit",
    "text",
    "email",
    "password",
    "search",
    "checkbox",
    "radio",
    "hidden",
    "noopener noreferrer",
    "_blank",
    "stylesheet",
    "preload",
    "preconnect",
    "icon",
    "canonical",
    "manifest",
    "lazy",
    "async",
    "defer",
    "module",
    "anonymous",
    // CSS
    "display:",
    "display: none",
    "display: block",
    "display: flex",
    "flex-direction",
    "align-items",
    "justify-content",
    "position: absolute",
    "position: relative",
    "transform: translate",
    "translate3d(",
    "transition",
    "opacity:",
    "visibility",
    "width:",
    "height:",
    "margin",
    "padding",
    "color:",
    "background-color:",
    "border",
    "border-radius",
    "box-shadow",
    "font-size",
    "font-weight",
    "line-height",
    "z-index",
    "overflow: hidden",
    "cursor: pointer",
    "pointer-events: none",
    "rgba(0, 0, 0, ",
    "px;",
    "rem;",
    "em;",
    "%;",
    "!important",
    "@media (min-width:",
    "var(--",
    // HTTP
    "GET",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS",
    "content-type",
    "content-length",
    "content-encoding",
    "accept",
    "accept-encoding",
    "accept-language",
    "authorization",
    "cache-control",
    "cookie",
    "set-cookie",
    "date",
    "etag",
    "expires",
    "last-modified",
    "location",
    "origin",
    "referer",
    "server",
    "user-agent",
    "vary",
    "x-request-id",
    "x-frame-options",
    "strict-transport-security",
    "access-control-allow-origin",
    "traceparent",
    "tracestate",
    "[redacted]",
    "application/json",
    "application/json; charset=utf-8",
    "text/html; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "image/webp",
    "image/png",
    "no-cache",
    "no-store",
    "max-age=",
    "private",
    "public",
    "gzip",
    "br",
    "keep-alive",
    "nginx",
    "cloudflare",
    "https://",
    "http://",
    "www.",
    ".com/",
    "/api/",
    "/v1/",
    "?page=",
    "&limit=",
    "localhost",
    // JSON and JS
    "{\"",
    "\":\"",
    "\",\"",
    "\":",
    ",\"",
    "\"}",
    "}]",
    "[{\"",
    "null",
    "\"id\":",
    "\"name\":",
    "\"type\":",
    "\"data\":",
    "\"items\":",
    "\"error\":",
    "\"message\":",
    "\"status\":",
    "\"created_at\":",
    "\"updated_at\":",
    "\"total\":",
    "TypeError: ",
    "Error: ",
    "Uncaught ",
    "undefined",
    "is not a function",
    "Cannot read properties of",
    "Failed to fetch",
    "    at ",
    ".js:",
    "(https://",
    "[object Object]",
    // user agents and metadata
    "Mozilla/5.0 (",
    "Windows NT 10.0; Win64; x64",
    "Macintosh; Intel Mac OS X 10_15_7",
    "X11; Linux x86_64",
    "iPhone; CPU iPhone OS ",
    "Android ",
    ") AppleWebKit/537.36 ",
    "(KHTML, like Gecko) ",
    "Chrome/",
    "Safari/537.36",
    "Firefox/",
    "Edg/",
    "Mobile",
    "en-US",
    "en-GB",
    "de-DE",
    "fr-FR",
    "Europe/",
    "America/",
    "first-contentful-paint",
    "first-paint",
    "click",
    "keydown",
    "pointerdown",
    "pointerup",
    "img",
    "script",
    "css",
    "fetch",
    "xmlhttprequest",
];

/// MessagePack of a string, as the codec writes a first occurrence.
fn msgpack_str(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = rmp_serde::encode::write(&mut out, s);
    out
}

/// The uncompressed MessagePack payload of each frame of a session.
fn payloads(spec: &SessionSpec) -> Vec<Vec<u8>> {
    let session = Session::generate(spec);
    let frames = session.encode().expect("generated sessions encode");
    frames
        .iter()
        .map(|f| {
            let raw_len = u32::from_le_bytes([f[46], f[47], f[48], f[49]]) as usize;
            lz4_flex::block::decompress_with_dict(&f[HEADER_LEN..], raw_len, frame::DICTIONARY)
                .expect("own frames inflate")
        })
        .collect()
}

fn grams(data: &[u8]) -> impl Iterator<Item = u64> + '_ {
    data.windows(GRAM).map(|w| {
        let mut b = [0u8; GRAM];
        b.copy_from_slice(w);
        u64::from_le_bytes(b)
    })
}

/// COVER-style selection; see the module docs.
fn train(samples: &[Vec<u8>], generic: &[u8], generic_share: f64, size: usize) -> Vec<u8> {
    let mut freq: HashMap<u64, u32> = HashMap::new();
    for sample in samples {
        let distinct: HashSet<u64> = grams(sample).collect();
        for g in distinct {
            *freq.entry(g).or_default() += 1;
        }
    }
    // The generic vocabulary counts as if it occurred in this share of the samples.
    let generic_weight = ((samples.len() as f64 * generic_share) as u32).max(1);
    for g in grams(generic).collect::<HashSet<_>>() {
        *freq.entry(g).or_default() += generic_weight;
    }

    let mut data: Vec<u8> = samples.concat();
    data.extend_from_slice(generic);
    // One segment per epoch keeps the dictionary diverse; a global greedy pick (tried)
    // crowds it with variations of the most common shape and compresses worse.
    let mut chosen: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut total = 0;
    while total < size {
        let epochs = ((size - total) / SEGMENT).max(1);
        let epoch_len = (data.len() / epochs).max(SEGMENT);
        let before = total;
        for epoch in data.chunks(epoch_len) {
            if total >= size {
                break;
            }
            if let Some((score, start)) = best_segment(epoch, &freq) {
                let segment = &epoch[start..start + SEGMENT];
                for g in grams(segment) {
                    freq.insert(g, 0);
                }
                chosen.push((score, segment.to_vec()));
                total += SEGMENT;
            }
        }
        if total == before {
            break; // nothing useful left
        }
    }
    // Least useful first, best last (nearest to the data, and last into LZ4's hash table).
    chosen.sort_by_key(|(score, _)| *score);
    let mut dictionary: Vec<u8> = chosen.into_iter().flat_map(|(_, s)| s).collect();
    let excess = dictionary.len().saturating_sub(size);
    dictionary.drain(..excess);
    dictionary
}

/// The segment of `epoch` whose distinct, uncovered substrings are most frequent.
fn best_segment(epoch: &[u8], freq: &HashMap<u64, u32>) -> Option<(u64, usize)> {
    if epoch.len() < SEGMENT {
        return None;
    }
    let g: Vec<u64> = grams(epoch).collect();
    let per_segment = SEGMENT - GRAM + 1;
    let mut in_window: HashMap<u64, u32> = HashMap::new();
    let mut score = 0u64;
    let mut best = (0u64, 0usize);
    for (i, gram) in g.iter().enumerate() {
        let count = in_window.entry(*gram).or_default();
        *count += 1;
        if *count == 1 {
            score += u64::from(freq.get(gram).copied().unwrap_or(0));
        }
        if i >= per_segment {
            let old = g[i - per_segment];
            if let Some(count) = in_window.get_mut(&old) {
                *count -= 1;
                if *count == 0 {
                    score -= u64::from(freq.get(&old).copied().unwrap_or(0));
                    in_window.remove(&old);
                }
            }
        }
        if i + 1 >= per_segment && score > best.0 {
            best = (score, i + 1 - per_segment);
        }
    }
    (best.0 > 0).then_some(best)
}

/// Compressed size of each payload with a dictionary.
fn compressed(payloads: &[Vec<u8>], dictionary: &[u8]) -> Vec<usize> {
    payloads
        .iter()
        .map(|p| lz4_flex::block::compress_with_dict(p, dictionary).len())
        .collect()
}

struct Sizes {
    snapshot: usize,
    median_second: usize,
    seconds_total: usize,
}

fn sizes(payloads: &[Vec<u8>], dictionary: &[u8]) -> Sizes {
    let all = compressed(payloads, dictionary);
    let mut seconds = all[1..].to_vec();
    seconds.sort_unstable();
    Sizes {
        snapshot: all[0],
        median_second: seconds[seconds.len() / 2],
        seconds_total: seconds.iter().sum(),
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut write = false;
    let mut chosen_size = 16 * 1024;
    let mut chosen_share = 1.0;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--write" => write = true,
            "--size" => {
                chosen_size = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--size takes a number of bytes")
            }
            "--generic-share" => {
                chosen_share = args.next().and_then(|v| v.parse().ok()).expect(
                    "--generic-share takes a number (0.5 = as common as in half the samples)",
                )
            }
            other => panic!("unknown argument {other}"),
        }
    }

    let train_specs = [0x51u64, 0x52].map(|seed| SessionSpec {
        seed,
        snapshot_nodes: 6_000,
        seconds: 300,
        vocabulary: Vocabulary::Shop,
    });
    let mut samples = Vec::new();
    for spec in &train_specs {
        for payload in payloads(spec) {
            samples.extend(payload.chunks(SAMPLE).map(<[u8]>::to_vec));
        }
    }
    let generic: Vec<u8> = GENERIC.iter().flat_map(|s| msgpack_str(s)).collect();
    let training_bytes: usize = samples.iter().map(Vec::len).sum();
    println!(
        "training on {} samples, {training_bytes} bytes, plus {} bytes of generic vocabulary",
        samples.len(),
        generic.len()
    );

    let holdouts = [
        (
            "same site, unseen seed",
            SessionSpec {
                seed: 0x99,
                snapshot_nodes: 20_000,
                seconds: 120,
                vocabulary: Vocabulary::Shop,
            },
        ),
        (
            "other site (Wiki vocabulary)",
            SessionSpec {
                seed: 0x98,
                snapshot_nodes: 20_000,
                seconds: 120,
                vocabulary: Vocabulary::Wiki,
            },
        ),
    ];
    let holdouts: Vec<(&str, Vec<Vec<u8>>)> = holdouts
        .iter()
        .map(|(name, spec)| (*name, payloads(spec)))
        .collect();

    let mut winner = Vec::new();
    println!(
        "\n{:>10}  {:<30} {:>14} {:>14} {:>16}",
        "dict share", "holdout", "snapshot B", "median 1s B", "all 1s frames B"
    );
    for (name, payloads) in &holdouts {
        let s = sizes(payloads, &[]);
        println!(
            "{:>10}  {:<30} {:>14} {:>14} {:>16}   (raw {} / {} B)",
            "none",
            name,
            s.snapshot,
            s.median_second,
            s.seconds_total,
            payloads[0].len(),
            {
                let mut raw: Vec<usize> = payloads[1..].iter().map(Vec::len).collect();
                raw.sort_unstable();
                raw[raw.len() / 2]
            }
        );
    }
    let candidates = [4, 8, 16, 32, 64]
        .map(|k| (k * 1024, chosen_share))
        .into_iter()
        .chain([0.1, 1.0, 4.0].map(|share| (chosen_size, share)));
    for (size, share) in candidates {
        let dictionary = train(&samples, &generic, share, size);
        for (name, payloads) in &holdouts {
            let s = sizes(payloads, &dictionary);
            println!(
                "{:>4}K {:>3.1}  {:<30} {:>14} {:>14} {:>16}",
                size / 1024,
                share,
                name,
                s.snapshot,
                s.median_second,
                s.seconds_total
            );
        }
        if size == chosen_size && share == chosen_share {
            winner = dictionary;
        }
    }
    if write {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/frame_dictionary.bin");
        std::fs::write(path, &winner).expect("writes the dictionary");
        println!("\nwrote {} bytes to {path}", winner.len());
    }
}
