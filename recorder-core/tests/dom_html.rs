//! HTML serialization and `describe`.

mod dom_util;

use dom_util::*;
use recorder_core::dom::Dom;
use recorder_core::event::*;

/// The HTML of a page whose body holds `body` (body children start at id 8).
fn body_html(body: Vec<Tree>) -> String {
    let html = dom(1, page(body)).to_html();
    let start = html.find("<body>").expect("body") + "<body>".len();
    let end = html.rfind("</body>").expect("/body");
    html[start..end].to_owned()
}

#[test]
fn whole_page_with_doctype() {
    let d = dom(1, page(vec![el("p", &[("class", "a")], vec![text("hi")])]));
    assert_eq!(
        d.to_html(),
        "<!DOCTYPE html><html><head><title>T</title></head>\
         <body><p class=\"a\">hi</p></body></html>"
    );
    assert_eq!(Dom::new().to_html(), "");
}

#[test]
fn legacy_doctype_keeps_its_ids() {
    let dt = |public: &str, system: &str| {
        let nodes = doc(vec![vec![SnapNode::Doctype(Doctype {
            name: "html".into(),
            public_id: public.into(),
            system_id: system.into(),
        })]]);
        dom(1, nodes).to_html()
    };
    assert_eq!(
        dt(
            "-//W3C//DTD HTML 4.01//EN",
            "http://www.w3.org/TR/html4/strict.dtd"
        ),
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \
         \"http://www.w3.org/TR/html4/strict.dtd\">"
    );
    assert_eq!(
        dt("", "about:legacy-compat"),
        "<!DOCTYPE html SYSTEM \"about:legacy-compat\">"
    );
    assert_eq!(dt("a\"b", ""), "<!DOCTYPE html PUBLIC 'a\"b'>");
}

#[test]
fn text_escaping() {
    assert_eq!(
        body_html(vec![text("a & b < c > d \"q\" 'x' \u{a0}é")]),
        "a &amp; b &lt; c &gt; d \"q\" 'x' &nbsp;é"
    );
    // The parser turns CR and CR LF into LF.
    assert_eq!(body_html(vec![text("a\rb\r\nc")]), "a&#13;b&#13;\nc");
}

#[test]
fn attribute_escaping() {
    assert_eq!(
        body_html(vec![el(
            "a",
            &[("title", "a & \"b\" <c> 'd' \u{a0}"), ("href", "?x=1&y=2")],
            vec![]
        )]),
        "<a title=\"a &amp; &quot;b&quot; &lt;c&gt; 'd' &nbsp;\" href=\"?x=1&amp;y=2\"></a>"
    );
    assert_eq!(
        body_html(vec![el("p", &[("title", "a\r\nb")], vec![])]),
        "<p title=\"a&#13;\nb\"></p>"
    );
}

#[test]
fn a_leading_newline_survives_parsing() {
    // The parser drops one newline right after `<pre>`, `<listing>` and `<textarea>`.
    assert_eq!(
        body_html(vec![
            el("pre", &[], vec![text("\nkept")]),
            el("listing", &[], vec![text(""), text("\n\ntwo")]),
            el("pre", &[], vec![text("none\n")]),
            el("pre", &[], vec![el("b", &[], vec![text("\nin b")])]),
            el("textarea", &[], vec![text("\ndefault")]),
        ]),
        "<pre>\n\nkept</pre><listing>\n\n\ntwo</listing><pre>none\n</pre>\
         <pre><b>\nin b</b></pre><textarea>\n\ndefault</textarea>"
    );
    let mut value = el("textarea", &[], vec![]);
    if let SnapNode::Element(e) = &mut value[0] {
        e.state = Some(Box::new(ElementState {
            value: Some("\nvalue".into()),
            ..Default::default()
        }));
    }
    assert_eq!(body_html(vec![value]), "<textarea>\n\nvalue</textarea>");
}

#[test]
fn void_elements_have_no_end_tag_and_no_children() {
    assert_eq!(
        body_html(vec![
            el("br", &[], vec![]),
            el("img", &[("src", "a.png"), ("alt", "")], vec![]),
            el("input", &[("type", "text")], vec![text("ignored")]),
            el("hr", &[], vec![]),
        ]),
        "<br><img src=\"a.png\" alt=\"\"><input type=\"text\"><hr>"
    );
}

#[test]
fn raw_text_elements_are_not_escaped() {
    assert_eq!(
        body_html(vec![
            el(
                "script",
                &[],
                vec![text("if (a < b && c > d) x = \"&amp;\";")]
            ),
            el("style", &[], vec![text("a > b { content: \"&\" }")]),
            el("noscript", &[], vec![text("<img src=x>")]),
            el("textarea", &[], vec![text("<b>&</b>")]),
            el("title", &[], vec![text("a < b")]),
        ]),
        "<script>if (a < b && c > d) x = \"&amp;\";</script>\
         <style>a > b { content: \"&\" }</style>\
         <noscript><img src=x></noscript>\
         <textarea>&lt;b&gt;&amp;&lt;/b&gt;</textarea>\
         <title>a &lt; b</title>"
    );
    // Except that a <style>'s text cannot end it early: `<\/style` is the same CSS.
    assert_eq!(
        body_html(vec![el(
            "style",
            &[],
            vec![text(
                ".a::before { content: \"</style><p>\" } /* </STYLE > */"
            )]
        )]),
        "<style>.a::before { content: \"<\\/style><p>\" } /* <\\/STYLE > */</style>"
    );
}

#[test]
fn svg_and_mathml_keep_case_and_self_close_when_empty() {
    let html = body_html(vec![
        svg(
            "svg",
            &[("viewBox", "0 0 10 10"), ("xlink:href", "#a")],
            vec![
                svg(
                    "foreignObject",
                    &[("width", "5")],
                    vec![el("div", &[], vec![text("x<")])],
                ),
                svg("path", &[("d", "M0 0")], vec![]),
                svg("style", &[], vec![text("a>b{}")]),
                svg(
                    "linearGradient",
                    &[("gradientUnits", "userSpaceOnUse")],
                    vec![],
                ),
            ],
        ),
        el_ns(
            "math",
            Namespace::MathMl,
            &[],
            vec![
                el_ns("mi", Namespace::MathMl, &[], vec![text("x")]),
                el_ns("mspace", Namespace::MathMl, &[], vec![]),
            ],
        ),
    ]);
    assert_eq!(
        html,
        "<svg viewBox=\"0 0 10 10\" xlink:href=\"#a\">\
         <foreignObject width=\"5\"><div>x&lt;</div></foreignObject>\
         <path d=\"M0 0\"/><style>a&gt;b{}</style>\
         <linearGradient gradientUnits=\"userSpaceOnUse\"/></svg>\
         <math><mi>x</mi><mspace/></math>"
    );
}

#[test]
fn comments_and_cdata_are_verbatim() {
    assert_eq!(
        body_html(vec![
            comment(" a & <b> "),
            vec![SnapNode::CData("x<y".into())]
        ]),
        "<!-- a & <b> --><![CDATA[x<y]]>"
    );
}

#[test]
fn template_content_is_serialized() {
    assert_eq!(
        body_html(vec![el(
            "template",
            &[("id", "t")],
            vec![el("p", &[], vec![text("x")])]
        )]),
        "<template id=\"t\"><p>x</p></template>"
    );
}

#[test]
fn shadow_root_is_declarative_shadow_dom() {
    assert_eq!(
        body_html(vec![el(
            "div",
            &[("id", "host")],
            vec![
                shadow(vec![
                    el("style", &[], vec![text("p{}")]),
                    el("slot", &[], vec![])
                ]),
                el("span", &[], vec![text("light")]),
            ]
        )]),
        "<div id=\"host\"><template shadowrootmode=\"open\"><style>p{}</style><slot></slot>\
         </template><span>light</span></div>"
    );
}

#[test]
fn form_state_becomes_attributes() {
    let value = |v: &str| ElementState {
        value: Some(v.into()),
        ..Default::default()
    };
    let checked = |c: bool| ElementState {
        checked: Some(c),
        ..Default::default()
    };
    let html = body_html(vec![
        with_state(
            el("input", &[("value", "old"), ("id", "q")], vec![]),
            value("new \"v\""),
        ),
        with_state(el("input", &[("type", "email")], vec![]), value("a@b")),
        with_state(el("input", &[("type", "checkbox")], vec![]), checked(true)),
        with_state(
            el("input", &[("type", "radio"), ("checked", "")], vec![]),
            checked(false),
        ),
        with_state(
            el("textarea", &[], vec![text("default")]),
            value("typed <b>"),
        ),
        with_state(
            el(
                "select",
                &[],
                vec![
                    el("option", &[("selected", "")], vec![text("One")]),
                    el("option", &[], vec![text("  Two \n words ")]),
                    el("option", &[("value", "3")], vec![text("Three")]),
                ],
            ),
            value("Two words"),
        ),
        el(
            "select",
            &[("multiple", "")],
            vec![
                with_state(el("option", &[], vec![text("a")]), checked(true)),
                with_state(
                    el("option", &[("selected", "")], vec![text("b")]),
                    checked(false),
                ),
            ],
        ),
    ]);
    assert_eq!(
        html,
        "<input value=\"new &quot;v&quot;\" id=\"q\">\
         <input type=\"email\" value=\"a@b\">\
         <input type=\"checkbox\" checked=\"\">\
         <input type=\"radio\">\
         <textarea>typed &lt;b&gt;</textarea>\
         <select><option>One</option><option selected=\"\">  Two \n words </option>\
         <option value=\"3\">Three</option></select>\
         <select multiple=\"\"><option selected=\"\">a</option><option>b</option></select>"
    );
}

#[test]
fn blocked_elements_are_sized_placeholders() {
    let blocked = |w, h| ElementState {
        blocked: Some(Size {
            width: w,
            height: h,
        }),
        ..Default::default()
    };
    assert_eq!(
        body_html(vec![
            with_state(
                el(
                    "div",
                    &[("class", "ad"), ("style", "color: red")],
                    vec![text("secret")]
                ),
                blocked(300, 250),
            ),
            with_state(el("img", &[], vec![]), blocked(10, 20)),
            with_state(svg("svg", &[("style", "a:b;")], vec![]), blocked(1, 2)),
        ]),
        "<div class=\"ad\" style=\"color: red;width:300px;height:250px\" \
         data-tapedeck-blocked=\"\"></div>\
         <img style=\"width:10px;height:20px\" data-tapedeck-blocked=\"\">\
         <svg style=\"a:b;width:1px;height:2px\" data-tapedeck-blocked=\"\"/>"
    );
}

#[test]
fn inlined_stylesheets_replace_links_and_stale_style_text() {
    let css = |c: &str| ElementState {
        css: Some(c.into()),
        ..Default::default()
    };
    assert_eq!(
        body_html(vec![
            with_state(
                el(
                    "link",
                    &[
                        ("rel", "stylesheet"),
                        ("href", "/a.css"),
                        ("media", "print")
                    ],
                    vec![],
                ),
                css("p{content:\"</style><script>\"}"),
            ),
            with_state(
                el("style", &[("id", "s")], vec![text("old{}")]),
                css("new{}")
            ),
        ]),
        "<style media=\"print\" data-tapedeck-href=\"/a.css\">\
         p{content:\"<\\/style><script>\"}</style>\
         <style id=\"s\">new{}</style>"
    );
}

#[test]
fn iframe_document_becomes_srcdoc() {
    let html = body_html(vec![el(
        "iframe",
        &[("src", "/frame")],
        vec![doc(vec![el(
            "p",
            &[("title", "a\"b")],
            vec![text("x & y")],
        )])],
    )]);
    assert_eq!(
        html,
        "<iframe src=\"/frame\" \
         srcdoc=\"&lt;p title=&quot;a&amp;quot;b&quot;&gt;x &amp;amp; y&lt;/p&gt;\"></iframe>"
    );
}

#[test]
fn nested_srcdoc_is_cut_at_max_depth() {
    // 20 nested iframes: output stays small and the innermost text is dropped.
    let mut tree = el("p", &[], vec![text("deep")]);
    for _ in 0..20 {
        tree = el("iframe", &[], vec![doc(vec![tree])]);
    }
    let d = dom(1, doc(vec![tree]));
    let html = d.to_html();
    assert!(html.starts_with("<iframe srcdoc=\"&lt;iframe srcdoc="));
    assert!(!html.contains("deep"));
    assert!(html.len() < 20_000, "{}", html.len());
}

#[test]
fn node_to_html_of_parts() {
    let d = dom(
        1,
        page(vec![
            el("p", &[], vec![text("a<b")]),
            el("div", &[], vec![shadow(vec![])]),
        ]),
    );
    assert_eq!(d.node_to_html(8).as_deref(), Some("<p>a&lt;b</p>"));
    assert_eq!(d.node_to_html(9).as_deref(), Some("a&lt;b"));
    assert_eq!(
        d.node_to_html(11).as_deref(),
        Some("<template shadowrootmode=\"open\"></template>")
    );
    assert_eq!(d.node_to_html(2).as_deref(), Some("<!DOCTYPE html>"));
    assert_eq!(d.node_to_html(99), None);
    assert_eq!(d.node_to_html(1), Some(d.to_html()));
}

#[test]
fn describe_elements_and_other_nodes() {
    let d = dom(
        1,
        page(vec![
            el(
                "button",
                &[("id", "save"), ("class", "primary big extra")],
                vec![
                    text("\n   Save   changes \n"),
                    el("script", &[], vec![text("x()")]),
                ],
            ),
            el(
                "input",
                &[("name", "q"), ("placeholder", "Search…")],
                vec![],
            ),
            el("a", &[("aria-label", "Close")], vec![text("×")]),
            el("p", &[], vec![text(&"word ".repeat(30))]),
            comment(" note "),
            el("div", &[], vec![]),
        ]),
    );
    assert_eq!(
        d.describe(8).as_deref(),
        Some("button#save.primary.big \"Save changes\"")
    );
    assert_eq!(d.describe(12).as_deref(), Some("input \"Search…\""));
    assert_eq!(d.describe(13).as_deref(), Some("a \"Close\""));
    let p = d.describe(15).expect("p");
    assert!(p.starts_with("p \"word word") && p.ends_with("…\""), "{p}");
    assert!(p.chars().count() < 50, "{p}");
    assert_eq!(d.describe(17).as_deref(), Some("<!-- note -->"));
    assert_eq!(d.describe(18).as_deref(), Some("div"));
    assert_eq!(d.describe(9).as_deref(), Some("\"Save changes\""));
    assert_eq!(d.describe(1).as_deref(), Some("#document"));
    assert_eq!(d.describe(2).as_deref(), Some("<!DOCTYPE html>"));
    assert_eq!(d.describe(1000), None);
}
