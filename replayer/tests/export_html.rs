//! `html_at` exports a page that is safe to open: checked by parsing the output with a
//! standard-conforming HTML parser (html5ever), as a browser would.

mod common;

use common::*;
use recorder_core::event::*;
use replayer::Timeline;
use scraper::Html;

/// An element as parsed: namespace, tag, attributes.
type Parsed = (String, String, Vec<(String, String)>);

/// What a browser would build from `html`, with every iframe `srcdoc` parsed too.
fn parsed_elements(html: &str) -> Vec<Parsed> {
    let mut out = Vec::new();
    let doc = Html::parse_document(html);
    for node in doc.tree.nodes() {
        if let Some(e) = node.value().as_element() {
            let attrs: Vec<(String, String)> = e
                .attrs()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect();
            if let Some((_, srcdoc)) = attrs.iter().find(|(n, _)| n == "srcdoc") {
                out.extend(parsed_elements(srcdoc));
            }
            out.push((e.name.ns.to_string(), e.name().to_owned(), attrs));
        }
    }
    out
}

/// Asserts nothing in `html` can run script once parsed.
fn assert_inert(html: &str) {
    for (ns, tag, attrs) in parsed_elements(html) {
        assert!(
            !tag.eq_ignore_ascii_case("script"),
            "a {ns} <script> survived in:\n{html}"
        );
        for (name, value) in &attrs {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "<{tag} {name}> survived in:\n{html}"
            );
            let v: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(
                !v.to_ascii_lowercase().starts_with("javascript:"),
                "<{tag} {name}={value:?}> survived in:\n{html}"
            );
        }
        if tag == "iframe" {
            assert!(
                attrs.iter().any(|(n, v)| n == "sandbox" && v.is_empty()),
                "unsandboxed iframe"
            );
        }
        if tag == "meta" {
            assert!(
                !attrs
                    .iter()
                    .any(|(n, v)| n == "http-equiv" && v.eq_ignore_ascii_case("refresh")),
                "meta refresh survived"
            );
        }
    }
}

fn svg(tag: &str, attrs: &[(&str, &str)], children: Vec<Tree>) -> Tree {
    let mut tree = el(tag, attrs, children);
    if let SnapNode::Element(e) = &mut tree[0] {
        e.namespace = Namespace::Svg;
    }
    tree
}

fn hostile_page() -> Tree {
    let inner_doc = {
        let mut d = vec![SnapNode::Document(Container { children: 1 })];
        d.extend(el(
            "html",
            &[],
            vec![el(
                "body",
                &[("onload", "alert('inner')")],
                vec![
                    el("script", &[], vec![text("alert('inner')")]),
                    el("p", &[], vec![text("inner")]),
                ],
            )],
        ));
        d
    };
    let mut iframe = el(
        "iframe",
        &[("src", "about:blank"), ("sandbox", "allow-scripts")],
        Vec::new(),
    );
    if let SnapNode::Element(e) = &mut iframe[0] {
        e.children = 1;
    }
    iframe.extend(inner_doc);
    let mut styled_link = el(
        "link",
        &[("rel", "stylesheet"), ("href", "/app.css")],
        Vec::new(),
    );
    if let SnapNode::Element(e) = &mut styled_link[0] {
        e.state = Some(Box::new(ElementState {
            css: Some("p{color:red}</style><img src=x onerror=alert('css')>".into()),
            ..Default::default()
        }));
    }
    let mut nodes = vec![SnapNode::Document(Container { children: 3 })];
    nodes.push(SnapNode::Doctype(Doctype {
        name: "html><img src=x onerror=alert('doctype')".into(),
        ..Default::default()
    }));
    nodes.extend(vec![SnapNode::Comment(
        "--><img src=x onerror=alert('comment')>".into(),
    )]);
    nodes.extend(el(
        "html",
        &[],
        vec![
            el(
                "head",
                &[],
                vec![
                    el(
                        "meta",
                        &[
                            ("http-equiv", "refresh"),
                            ("content", "0;url=javascript:alert('refresh')"),
                        ],
                        Vec::new(),
                    ),
                    el(
                        "script",
                        &[("src", "https://evil.example/x.js")],
                        Vec::new(),
                    ),
                    el(
                        "style",
                        &[],
                        vec![text(
                            "body{margin:0}</style><img src=x onerror=alert('style')>",
                        )],
                    ),
                    styled_link,
                ],
            ),
            el(
                "body",
                &[("onload", "alert('body')")],
                vec![
                    el(
                        "img",
                        &[
                            ("src", "logo.png"),
                            ("onerror", "alert('img')"),
                            ("ONCLICK", "alert('upper')"),
                        ],
                        Vec::new(),
                    ),
                    el(
                        "a",
                        &[("href", "javascript:alert('a')")],
                        vec![text("plain")],
                    ),
                    el(
                        "a",
                        &[("href", " \tJaVa\nScRiPt:alert('obfuscated')")],
                        vec![text("obfuscated")],
                    ),
                    el(
                        "form",
                        &[("action", "javascript:alert('form')")],
                        vec![el(
                            "button",
                            &[("formaction", "javascript:alert('btn')")],
                            vec![text("Go")],
                        )],
                    ),
                    el(
                        "iframe",
                        &[("srcdoc", "<script>alert('srcdoc')</script>")],
                        Vec::new(),
                    ),
                    iframe,
                    el(
                        "noscript",
                        &[],
                        vec![text("<img src=x onerror=alert('noscript')>")],
                    ),
                    el(
                        "xmp",
                        &[],
                        vec![text("</xmp><img src=x onerror=alert('xmp')>")],
                    ),
                    svg(
                        "svg",
                        &[],
                        vec![
                            svg("script", &[], vec![text("alert('svg')")]),
                            svg(
                                "a",
                                &[("xlink:href", "javascript:alert('xlink')")],
                                vec![svg("text", &[], vec![text("x")])],
                            ),
                            svg(
                                "set",
                                &[("attributeName", "href"), ("to", "javascript:alert('set')")],
                                Vec::new(),
                            ),
                            svg(
                                "animate",
                                &[
                                    ("attributeName", "xlink:href"),
                                    ("values", "x;javascript:alert('animate')"),
                                ],
                                Vec::new(),
                            ),
                            // An HTML <style> where the parser will see an SVG one, whose text it parses as markup.
                            el(
                                "style",
                                &[],
                                vec![text("<img src=x onerror=alert('mxss')>")],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    ));
    nodes
}

#[test]
fn hostile_content_cannot_run() {
    let timeline = Timeline::from_events(vec![
        Event::new(0, meta("https://shop.example/app/page?x=1", "Shop")),
        Event::new(0, snapshot(hostile_page())),
    ]);
    let html = timeline.html_at(0).unwrap();
    assert_inert(&html);
    // Payloads carried by attributes, comments, doctypes and scripts are gone entirely;
    // the ones in text survive only as inert (escaped or CSS-escaped) text.
    for gone in [
        "'img'",
        "'upper'",
        "'body'",
        "'a'",
        "'obfuscated'",
        "'form'",
        "'btn'",
        "'srcdoc'",
        "'inner'",
        "'refresh'",
        "'doctype'",
        "'comment'",
        "'noscript'",
        "'svg'",
        "'xlink'",
        "'set'",
        "'animate'",
        "evil.example",
    ] {
        assert!(!html.contains(gone), "{gone} survived:\n{html}");
    }
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("</style><img"), "{html}");

    // What is kept: the page's content, the recorded iframe document (cleaned), the link.
    assert!(html.contains(r#"<img src="logo.png">"#), "{html}");
    assert!(
        html.contains(r#"<a href="about:blank">plain</a>"#),
        "{html}"
    );
    assert!(html.contains("inner"), "{html}");
    assert!(html.contains(r#"data-tapedeck-href="/app.css""#), "{html}");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
}

#[test]
fn head_gets_charset_policy_base_and_note() {
    let timeline = Timeline::from_events(vec![
        Event::new(0, meta("https://shop.example/app/page?x=1", "Shop")),
        Event::new(
            0,
            snapshot(page(
                "Shop",
                vec![el("img", &[("src", "logo.png")], Vec::new())],
            )),
        ),
        Event::new(
            2500,
            Navigation {
                kind: NavigationKind::Push,
                url: "https://shop.example/cart".into(),
            },
        ),
    ]);
    let before = timeline.html_at(1000).unwrap();
    assert!(
        before.starts_with(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" \
             content=\"script-src 'none'; object-src 'none'; form-action 'none'\">\
             <base href=\"https://shop.example/app/page?x=1\"><!-- Tapedeck export: the recorded page at +1.000s."
        ),
        "{before}"
    );
    assert!(
        before.contains("<title>Shop</title></head><body><img src=\"logo.png\"></body></html>"),
        "{before}"
    );
    // After a pushState, relative URLs resolve against the new URL.
    let after = timeline.html_at(3000).unwrap();
    assert!(
        after.contains(r#"<base href="https://shop.example/cart">"#),
        "{after}"
    );
    // The first <base> counts: ours must come before any of the page's (which is dropped).
    let doc = Html::parse_document(&after);
    let bases: Vec<_> = doc
        .select(&scraper::Selector::parse("base").unwrap())
        .collect();
    assert_eq!(bases.len(), 1);
}

#[test]
fn a_page_without_html_element_or_before_any_snapshot_still_exports() {
    let empty = Timeline::from_events(vec![Event::new(10, meta("https://a.example/", "A"))]);
    let html = empty.html_at(0).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"),
        "{html}"
    );
    assert!(html.ends_with("<body></body></html>"), "{html}");

    // A document whose root holds a bare element (as an XML document would).
    let mut nodes = vec![SnapNode::Document(Container { children: 1 })];
    nodes.extend(el("div", &[("onclick", "x()")], vec![text("bare")]));
    let bare = Timeline::from_events(vec![Event::new(0, snapshot(nodes))]);
    let html = bare.html_at(0).unwrap();
    assert_inert(&html);
    assert!(html.contains("<body><div>bare</div></body>"), "{html}");
}

#[test]
fn form_state_at_the_moment_is_exported() {
    let body = vec![el("input", &[("id", "email")], Vec::new())];
    let timeline = Timeline::from_events(vec![
        Event::new(0, snapshot(page("Form", body))),
        Event::new(
            500,
            Input {
                id: 8,
                value: InputValue::Text("\"><script>alert(1)</script>".into()),
                user: true,
            },
        ),
    ]);
    let html = timeline.html_at(600).unwrap();
    assert_inert(&html);
    assert!(
        html.contains(
            r#"<input id="email" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">"#
        ),
        "{html}"
    );
    assert!(timeline
        .html_at(100)
        .unwrap()
        .contains(r#"<input id="email">"#));
}
