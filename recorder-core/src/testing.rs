//! Deterministic, realistic sessions for tests, benchmarks and the dictionary trainer.
//!
//! Compiled only with the `testing` feature. The generator stands in for a real recording
//! where one cannot be shipped: a snapshot of a content-heavy page (head with CSS, header
//! and navigation, cards, lists, tables, a form, inline SVG icons, a footer) followed by
//! the activity of a single-page app — mutation batches, typing, pointer movement,
//! scrolling, console output with stacks, fetches with headers and JSON bodies,
//! performance entries and backend spans — grouped into ≈1-second frames the way the
//! recorder batches them. The same seed always yields the same session, so numbers
//! measured on it are comparable from run to run.

use crate::event::*;
use crate::frame::{self, EncodeError, FrameHeader, SessionId};
use crate::trace::{SpanId, TraceId};

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct SessionSpec {
    /// Seed of the pseudo-random generator.
    pub seed: u64,
    /// Approximate number of nodes in the initial snapshot.
    pub snapshot_nodes: usize,
    /// Seconds of activity after the snapshot; one frame per second.
    pub seconds: u32,
    /// Which site's words, class names and API paths to use.
    pub vocabulary: Vocabulary,
}

/// The words of the generated site. Two vocabularies let the dictionary trainer check it
/// is not fitted to one fixture: train on one, measure on the other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Vocabulary {
    /// An English web shop with Bootstrap/BEM-style classes and a REST API.
    #[default]
    Shop,
    /// A German documentation wiki with utility-first classes and a GraphQL API.
    Wiki,
}

struct Words {
    host: &'static str,
    words: &'static [&'static str],
    classes: &'static [&'static str],
    paths: &'static [&'static str],
}

impl Vocabulary {
    fn words(self) -> Words {
        match self {
            Vocabulary::Shop => Words {
                host: "shop.example.com",
                words: WORDS,
                classes: CLASS_PARTS,
                paths: PATHS,
            },
            Vocabulary::Wiki => Words {
                host: "wiki.beispiel.de",
                words: WIKI_WORDS,
                classes: WIKI_CLASSES,
                paths: WIKI_PATHS,
            },
        }
    }
}

impl Default for SessionSpec {
    /// About 10 MB of MessagePack: a 20k-node page and some 37 minutes of activity.
    fn default() -> Self {
        SessionSpec {
            seed: 0x7a9e_dec6,
            snapshot_nodes: 20_000,
            seconds: 2_200,
            vocabulary: Vocabulary::Shop,
        }
    }
}

/// A generated session: the events of each frame, in order.
#[derive(Clone, Debug)]
pub struct Session {
    /// The session id every frame carries.
    pub id: SessionId,
    /// Unix ms of the session start.
    pub start: u64,
    /// Frame `i` holds `frames[i]`. Frame 0 is the `Meta` event and the snapshot.
    pub frames: Vec<Vec<Event>>,
}

impl Session {
    /// Generates a session.
    pub fn generate(spec: &SessionSpec) -> Self {
        Generator::new(spec.seed, spec.vocabulary).session(spec)
    }

    /// The header of frame `seq`.
    pub fn header(&self, seq: u32) -> FrameHeader {
        FrameHeader {
            session_id: self.id,
            seq,
            session_start: self.start,
            ..FrameHeader::default()
        }
    }

    /// Encodes every frame.
    pub fn encode(&self) -> Result<Vec<Vec<u8>>, EncodeError> {
        self.frames
            .iter()
            .enumerate()
            .map(|(seq, events)| frame::encode(&self.header(seq as u32), events))
            .collect()
    }

    /// All events, in order.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.frames.iter().flatten()
    }

    /// Number of events over all frames.
    pub fn event_count(&self) -> usize {
        self.frames.iter().map(Vec::len).sum()
    }
}

/// SplitMix64: tiny, fast and good enough to make varied test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Random bytes.
    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for b in &mut out {
            *b = self.next_u64() as u8;
        }
        out
    }
}

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "for",
    "is",
    "on",
    "with",
    "your",
    "order",
    "account",
    "settings",
    "delivery",
    "price",
    "free",
    "shipping",
    "new",
    "sale",
    "customer",
    "reviews",
    "product",
    "details",
    "add",
    "cart",
    "checkout",
    "search",
    "results",
    "more",
    "less",
    "show",
    "all",
    "items",
    "available",
    "today",
    "tomorrow",
    "week",
    "month",
    "team",
    "project",
    "dashboard",
    "report",
    "analytics",
    "users",
    "active",
    "pending",
    "completed",
    "failed",
    "status",
    "update",
    "created",
    "modified",
    "owner",
    "description",
    "notes",
    "payment",
    "invoice",
    "subscription",
    "plan",
    "upgrade",
    "support",
    "help",
    "contact",
    "privacy",
    "terms",
    "cookies",
    "language",
    "region",
    "notifications",
    "messages",
    "profile",
    "sign",
    "out",
    "in",
    "register",
    "password",
    "email",
    "address",
    "phone",
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "enim",
    "minim",
    "veniam",
    "quis",
    "nostrud",
    "exercitation",
    "ullamco",
];

const CLASS_PARTS: &[&str] = &[
    "container",
    "row",
    "col",
    "card",
    "card__title",
    "card__body",
    "card__footer",
    "btn",
    "btn-primary",
    "btn-secondary",
    "btn-sm",
    "nav",
    "nav-item",
    "nav-link",
    "active",
    "is-active",
    "is-open",
    "hidden",
    "d-flex",
    "flex",
    "items-center",
    "justify-between",
    "gap-2",
    "gap-4",
    "px-4",
    "py-2",
    "mt-4",
    "mb-2",
    "text-sm",
    "text-lg",
    "font-medium",
    "font-bold",
    "text-gray-500",
    "text-gray-900",
    "bg-white",
    "rounded-lg",
    "shadow",
    "shadow-sm",
    "border",
    "w-full",
    "grid",
    "grid-cols-3",
    "list",
    "list-item",
    "badge",
    "badge-success",
    "table",
    "table-striped",
    "form-group",
    "form-control",
    "input",
    "label",
    "icon",
    "icon-sm",
    "avatar",
    "media",
    "media__body",
    "sr-only",
    "truncate",
    "sc-bdfBwQ",
    "css-1q2w3e4",
    "jsx-3721093211",
    "MuiButton-root",
    "MuiTypography-body1",
];

const TAGS_INLINE: &[&str] = &["span", "a", "strong", "em", "small", "code", "b", "i"];

const PATHS: &[&str] = &[
    "/api/v1/orders",
    "/api/v1/products",
    "/api/v1/users/me",
    "/api/v1/cart",
    "/api/v1/notifications",
    "/api/v1/search",
    "/graphql",
    "/api/v2/analytics/events",
];

const WIKI_WORDS: &[&str] = &[
    "die",
    "der",
    "und",
    "ist",
    "nicht",
    "mit",
    "für",
    "Seite",
    "Abschnitt",
    "Beispiel",
    "Konfiguration",
    "Schnittstelle",
    "Parameter",
    "Rückgabewert",
    "Fehler",
    "Warnung",
    "Hinweis",
    "Version",
    "veraltet",
    "siehe",
    "auch",
    "Quelltext",
    "Installation",
    "Voraussetzungen",
    "Übersicht",
    "Inhaltsverzeichnis",
    "bearbeiten",
    "Diskussion",
    "Versionsgeschichte",
    "Kategorie",
    "Vorlage",
    "Benutzer",
    "Änderung",
    "zuletzt",
    "geändert",
    "am",
    "um",
    "Uhr",
    "Lizenz",
    "Datenschutz",
    "Impressum",
    "Suche",
    "Ergebnisse",
    "Funktion",
    "Methode",
    "Klasse",
    "Modul",
    "Paket",
    "Abhängigkeit",
    "Umgebung",
    "Variable",
    "Datei",
    "Verzeichnis",
    "Pfad",
    "Befehl",
    "Ausgabe",
];

const WIKI_CLASSES: &[&str] = &[
    "mw-body",
    "mw-parser-output",
    "mw-headline",
    "mw-editsection",
    "toc",
    "tocnumber",
    "toctext",
    "reference",
    "reflist",
    "navbox",
    "infobox",
    "thumb",
    "thumbinner",
    "thumbcaption",
    "hatnote",
    "sidebar",
    "vector-menu",
    "vector-menu-content",
    "flex-1",
    "min-w-0",
    "overflow-hidden",
    "text-slate-700",
    "dark:text-slate-200",
    "hover:underline",
    "focus:outline-none",
    "focus:ring-2",
    "ring-sky-500",
    "leading-7",
    "tracking-tight",
    "prose",
    "prose-slate",
    "max-w-none",
    "lg:pl-8",
    "xl:pr-16",
    "space-y-4",
    "divide-y",
    "divide-slate-100",
    "sticky",
    "top-0",
    "z-40",
    "backdrop-blur",
];

const WIKI_PATHS: &[&str] = &[
    "/graphql",
    "/w/api.php",
    "/rest.php/v1/page",
    "/api/rest_v1/page/summary",
    "/api/search/suggest",
    "/beacon/event",
];

const SVG_PATHS: &[&str] = &[
    "M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8z",
    "M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z",
    "M3 18h18v-2H3v2zm0-5h18v-2H3v2zm0-7v2h18V6H3z",
    "M15.5 14h-.79l-.28-.27C15.41 12.59 16 11.11 16 9.5 16 5.91 13.09 3 9.5 3S3 5.91 3 9.5 5.91 16 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14z",
    "M7 10l5 5 5-5z",
];

const CSS: &str = ":root{--primary:#2563eb;--gray-500:#6b7280;--radius:0.5rem}\
*,*::before,*::after{box-sizing:border-box}\
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;line-height:1.5;color:#111827;background-color:#f9fafb}\
.container{max-width:1200px;margin-left:auto;margin-right:auto;padding-left:1rem;padding-right:1rem}\
.card{background:#fff;border-radius:var(--radius);box-shadow:0 1px 3px rgba(0,0,0,.1),0 1px 2px rgba(0,0,0,.06)}\
.btn{display:inline-flex;align-items:center;padding:.5rem 1rem;font-weight:500;border:1px solid transparent;cursor:pointer}\
.btn-primary{color:#fff;background-color:var(--primary)}\
.btn-primary:hover{background-color:#1d4ed8}\
@media (max-width:768px){.grid-cols-3{grid-template-columns:repeat(1,minmax(0,1fr))}.nav{display:none}}\
.table{width:100%;border-collapse:collapse}.table td,.table th{padding:.75rem;border-top:1px solid #e5e7eb;text-align:left}";

/// A subtree added by a mutation and not removed yet.
struct Added {
    root: NodeId,
    parent: NodeId,
    texts: Vec<NodeId>,
}

struct Generator {
    rng: Rng,
    vocab: Words,
    next_id: NodeId,
    time: u64,
    /// Element ids of the snapshot, never removed: parents for added subtrees.
    containers: Vec<NodeId>,
    /// Text node ids of the snapshot.
    texts: Vec<NodeId>,
    /// Form controls of the snapshot.
    inputs: Vec<NodeId>,
    /// Subtrees added by mutations and still present.
    added: Vec<Added>,
    request_id: u32,
}

impl Generator {
    fn new(seed: u64, vocabulary: Vocabulary) -> Self {
        Generator {
            rng: Rng::new(seed),
            vocab: vocabulary.words(),
            next_id: 1,
            time: 0,
            containers: Vec::new(),
            texts: Vec::new(),
            inputs: Vec::new(),
            added: Vec::new(),
            request_id: 0,
        }
    }

    fn session(mut self, spec: &SessionSpec) -> Session {
        let id = SessionId(self.rng.bytes());
        let start = 1_700_000_000_000 + self.rng.below(1 << 30) as u64;
        let mut frames = Vec::with_capacity(spec.seconds as usize + 1);
        let snapshot = self.snapshot(spec.snapshot_nodes);
        frames.push(vec![
            Event::new(0, self.meta()),
            Event::new(self.rng.range(20, 90) as u64, snapshot),
        ]);
        for second in 0..spec.seconds {
            frames.push(self.second(1_000 * (u64::from(second) + 1)));
        }
        Session { id, start, frames }
    }

    fn meta(&mut self) -> Meta {
        Meta {
            url: format!("https://{}/account/orders?page=2", self.vocab.host),
            referrer: "https://www.google.com/".into(),
            title: "Your orders — Example Shop".into(),
            user_agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 \
                         (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
                .into(),
            browser: Software {
                name: "Chrome".into(),
                version: "124.0.6367.60".into(),
            },
            os: Software {
                name: "macOS".into(),
                version: "10.15.7".into(),
            },
            device: Device {
                kind: DeviceKind::Desktop,
                model: String::new(),
                touch: false,
            },
            screen: Size {
                width: 1728,
                height: 1117,
            },
            viewport: Size {
                width: 1440,
                height: 900,
            },
            device_pixel_ratio: 2.0,
            language: "en-US".into(),
            time_zone: "Europe/Berlin".into(),
            recorder_version: "0.1.0".into(),
        }
    }

    fn words(&mut self, lo: u32, hi: u32) -> String {
        let n = self.rng.range(lo, hi);
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.rng.pick::<&str>(self.vocab.words));
        }
        if let Some(first) = s.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        s
    }

    fn classes(&mut self) -> String {
        let n = self.rng.range(1, 4);
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.rng.pick::<&str>(self.vocab.classes));
        }
        s
    }

    fn element(
        &mut self,
        nodes: &mut Vec<SnapNode>,
        tag: &str,
        attrs: Vec<Attr>,
        children: u32,
    ) -> (usize, NodeId) {
        let id = self.next_id;
        self.next_id += 1;
        nodes.push(SnapNode::Element(Element {
            tag: tag.into(),
            namespace: Namespace::Html,
            attrs,
            children,
            state: None,
        }));
        (nodes.len() - 1, id)
    }

    fn set_children(nodes: &mut [SnapNode], at: usize, children: u32) {
        if let Some(SnapNode::Element(e)) = nodes.get_mut(at) {
            e.children = children;
        }
    }

    fn text(&mut self, nodes: &mut Vec<SnapNode>, text: String) -> NodeId {
        let id = self.next_id;
        self.next_id += 1;
        nodes.push(SnapNode::Text(text));
        id
    }

    /// An element with a class and one text child: `<tag class=…>words</tag>`.
    fn leaf(&mut self, nodes: &mut Vec<SnapNode>, tag: &str, lo: u32, hi: u32) -> Vec<NodeId> {
        let class = self.classes();
        let (_, id) = self.element(nodes, tag, vec![Attr::new("class", class)], 1);
        let words = self.words(lo, hi);
        let text = self.text(nodes, words);
        vec![id, text]
    }

    fn icon(&mut self, nodes: &mut Vec<SnapNode>) {
        let id = self.next_id;
        self.next_id += 2;
        nodes.push(SnapNode::Element(Element {
            tag: "svg".into(),
            namespace: Namespace::Svg,
            attrs: vec![
                Attr::new("class", "icon icon-sm"),
                Attr::new("viewBox", "0 0 24 24"),
                Attr::new("width", "24"),
                Attr::new("height", "24"),
                Attr::new("aria-hidden", "true"),
            ],
            children: 1,
            state: None,
        }));
        nodes.push(SnapNode::Element(Element {
            tag: "path".into(),
            namespace: Namespace::Svg,
            attrs: vec![
                Attr::new("d", *self.rng.pick(SVG_PATHS)),
                Attr::new("fill", "currentColor"),
            ],
            children: 0,
            state: None,
        }));
        let _ = id;
    }

    /// A product or article card: about 12–20 nodes.
    fn card(&mut self, nodes: &mut Vec<SnapNode>, elements: &mut Vec<NodeId>) {
        let testid = format!("card-{}", self.rng.below(10_000));
        let (card, card_id) = self.element(
            nodes,
            "div",
            vec![
                Attr::new("class", "card shadow-sm rounded-lg"),
                Attr::new("data-testid", testid),
            ],
            3,
        );
        elements.push(card_id);
        let n = self.rng.below(5000);
        let alt = self.words(2, 5);
        self.element(
            nodes,
            "img",
            vec![
                Attr::new(
                    "src",
                    format!("https://cdn.example.com/img/products/{n}.webp"),
                ),
                Attr::new("alt", alt),
                Attr::new("loading", "lazy"),
                Attr::new("width", "320"),
                Attr::new("height", "240"),
            ],
            0,
        );
        let (body, body_id) = self.element(nodes, "div", vec![Attr::new("class", "card__body")], 2);
        elements.push(body_id);
        self.leaf(nodes, "h3", 2, 6);
        let paragraphs = self.rng.range(1, 2);
        let (p, _) = self.element(
            nodes,
            "p",
            vec![Attr::new("class", "text-sm text-gray-500")],
            0,
        );
        for _ in 0..paragraphs {
            let w = self.words(8, 40);
            let t = self.text(nodes, w);
            self.texts.push(t);
        }
        Self::set_children(nodes, p, paragraphs);
        let _ = body;
        let (footer, _) = self.element(
            nodes,
            "div",
            vec![Attr::new("class", "card__footer d-flex")],
            2,
        );
        let (a, _) = self.element(
            nodes,
            "a",
            vec![
                Attr::new("class", "btn btn-primary btn-sm"),
                Attr::new("href", format!("/products/{n}")),
            ],
            2,
        );
        self.icon(nodes);
        let t = self.text(nodes, "Add to cart".into());
        self.texts.push(t);
        let _ = (footer, a, card);
        let price = format!("€{}.{:02}", self.rng.range(1, 999), self.rng.below(100));
        self.element(nodes, "span", vec![Attr::new("class", "badge")], 1);
        let t = self.text(nodes, price);
        self.texts.push(t);
    }

    fn table(&mut self, nodes: &mut Vec<SnapNode>, rows: u32) {
        self.element(
            nodes,
            "table",
            vec![Attr::new("class", "table table-striped")],
            2,
        );
        self.element(nodes, "thead", vec![], 1);
        self.element(nodes, "tr", vec![], 5);
        for h in ["Order", "Date", "Status", "Items", "Total"] {
            self.element(nodes, "th", vec![Attr::new("scope", "col")], 1);
            self.text(nodes, h.into());
        }
        let (_, tbody) = self.element(nodes, "tbody", vec![], rows);
        self.containers.push(tbody);
        for _ in 0..rows {
            let (_, tr) = self.element(nodes, "tr", vec![], 5);
            self.containers.push(tr);
            let order = format!("#{}", 100_000 + self.rng.below(900_000));
            let date = format!(
                "2024-0{}-{:02}",
                self.rng.range(1, 9),
                self.rng.range(1, 28)
            );
            let status = self
                .rng
                .pick(&["Delivered", "Shipped", "Processing", "Cancelled"])
                .to_string();
            let items = self.rng.range(1, 12).to_string();
            let total = format!("€{}.{:02}", self.rng.range(5, 2000), self.rng.below(100));
            for cell in [order, date, status, items, total] {
                self.element(nodes, "td", vec![], 1);
                let t = self.text(nodes, cell);
                self.texts.push(t);
            }
        }
    }

    fn list(&mut self, nodes: &mut Vec<SnapNode>, items: u32) {
        let (_, ul) = self.element(nodes, "ul", vec![Attr::new("class", "list")], items);
        self.containers.push(ul);
        for _ in 0..items {
            let (_, li) = self.element(nodes, "li", vec![Attr::new("class", "list-item")], 1);
            self.containers.push(li);
            let href = format!(
                "/{}/{}",
                self.rng.pick(self.vocab.words),
                self.rng.pick(self.vocab.words)
            );
            self.element(
                nodes,
                "a",
                vec![Attr::new("href", href), Attr::new("class", "nav-link")],
                1,
            );
            let w = self.words(1, 4);
            let t = self.text(nodes, w);
            self.texts.push(t);
        }
    }

    fn form(&mut self, nodes: &mut Vec<SnapNode>) {
        self.element(
            nodes,
            "form",
            vec![
                Attr::new("action", "/account/profile"),
                Attr::new("method", "post"),
            ],
            4,
        );
        for (label, kind) in [("Email", "email"), ("Name", "text"), ("Phone", "tel")] {
            self.element(nodes, "div", vec![Attr::new("class", "form-group")], 2);
            self.element(nodes, "label", vec![Attr::new("for", kind)], 1);
            self.text(nodes, label.into());
            let id = self.next_id;
            self.inputs.push(id);
            self.next_id += 1;
            nodes.push(SnapNode::Element(Element {
                tag: "input".into(),
                namespace: Namespace::Html,
                attrs: vec![
                    Attr::new("type", kind),
                    Attr::new("id", kind),
                    Attr::new("name", kind),
                    Attr::new("class", "form-control"),
                    Attr::new("autocomplete", "off"),
                ],
                children: 0,
                state: Some(Box::new(ElementState {
                    value: Some("*".repeat(self.rng.range(0, 12) as usize)),
                    ..ElementState::default()
                })),
            }));
        }
        self.element(nodes, "select", vec![Attr::new("name", "country")], 3);
        for c in ["Germany", "France", "Spain"] {
            self.element(nodes, "option", vec![Attr::new("value", &c[..2])], 1);
            self.text(nodes, c.into());
        }
    }

    fn snapshot(&mut self, target: usize) -> Snapshot {
        let first_id = self.next_id;
        let mut nodes = Vec::with_capacity(target + 512);
        self.next_id += 1;
        nodes.push(SnapNode::Document(Container { children: 2 }));
        self.next_id += 1;
        nodes.push(SnapNode::Doctype(Doctype {
            name: "html".into(),
            public_id: String::new(),
            system_id: String::new(),
        }));
        self.element(&mut nodes, "html", vec![Attr::new("lang", "en")], 2);
        // <head>
        self.element(&mut nodes, "head", vec![], 6);
        self.element(&mut nodes, "meta", vec![Attr::new("charset", "utf-8")], 0);
        self.element(
            &mut nodes,
            "meta",
            vec![
                Attr::new("name", "viewport"),
                Attr::new("content", "width=device-width, initial-scale=1"),
            ],
            0,
        );
        self.element(&mut nodes, "title", vec![], 1);
        self.text(&mut nodes, "Your orders — Example Shop".into());
        self.element(
            &mut nodes,
            "link",
            vec![
                Attr::new("rel", "stylesheet"),
                Attr::new("href", "/static/css/main.8c2f1a.css"),
            ],
            0,
        );
        if let Some(SnapNode::Element(link)) = nodes.last_mut() {
            link.state = Some(Box::new(ElementState {
                css: Some(CSS.repeat(4)),
                ..ElementState::default()
            }));
        }
        self.element(&mut nodes, "style", vec![], 1);
        self.text(&mut nodes, CSS.into());
        self.element(
            &mut nodes,
            "script",
            vec![
                Attr::new("src", "/static/js/main.3f2a1b.js"),
                Attr::new("defer", ""),
            ],
            0,
        );
        // <body>: header, main (filled to the target), footer.
        let (body, body_id) =
            self.element(&mut nodes, "body", vec![Attr::new("class", "bg-white")], 3);
        self.containers.push(body_id);
        self.element(
            &mut nodes,
            "header",
            vec![Attr::new("class", "container d-flex")],
            3,
        );
        self.icon(&mut nodes);
        self.element(&mut nodes, "nav", vec![Attr::new("class", "nav")], 1);
        self.list(&mut nodes, 8);
        // Every page has a form, so input events always have a target.
        self.form(&mut nodes);
        let (main, main_id) =
            self.element(&mut nodes, "main", vec![Attr::new("class", "container")], 0);
        self.containers.push(main_id);
        let mut sections = 0;
        let footer_reserve = 60;
        while nodes.len() + footer_reserve < target {
            sections += 1;
            let (section, section_id) =
                self.element(&mut nodes, "section", vec![Attr::new("class", "mt-4")], 0);
            self.containers.push(section_id);
            self.leaf(&mut nodes, "h2", 2, 5);
            let mut children = 1;
            match self.rng.below(6) {
                0 => {
                    let rows = self.rng.range(10, 40);
                    self.table(&mut nodes, rows);
                    children += 1;
                }
                1 => {
                    let items = self.rng.range(5, 20);
                    self.list(&mut nodes, items);
                    children += 1;
                }
                2 if self.inputs.len() < 30 => {
                    self.form(&mut nodes);
                    children += 1;
                }
                _ => {
                    let (grid, grid_id) = self.element(
                        &mut nodes,
                        "div",
                        vec![Attr::new("class", "grid grid-cols-3 gap-4")],
                        0,
                    );
                    self.containers.push(grid_id);
                    let cards = self.rng.range(3, 12);
                    let mut elements = Vec::new();
                    for _ in 0..cards {
                        self.card(&mut nodes, &mut elements);
                    }
                    self.containers.extend(elements);
                    Self::set_children(&mut nodes, grid, cards);
                    // Inline text with markup: <p>words <a>link</a> words</p>.
                    self.element(&mut nodes, "p", vec![], 3);
                    let w = self.words(5, 30);
                    self.text(&mut nodes, w);
                    let tag = *self.rng.pick(TAGS_INLINE);
                    self.leaf(&mut nodes, tag, 1, 3);
                    let w = self.words(3, 20);
                    self.text(&mut nodes, w);
                    children += 2;
                }
            }
            Self::set_children(&mut nodes, section, children);
        }
        Self::set_children(&mut nodes, main, sections);
        let _ = body;
        self.element(
            &mut nodes,
            "footer",
            vec![Attr::new("class", "container mt-4")],
            2,
        );
        self.list(&mut nodes, 6);
        self.element(&mut nodes, "small", vec![], 1);
        self.text(
            &mut nodes,
            "© 2024 Example Shop GmbH. All rights reserved.".into(),
        );
        nodes.push(SnapNode::Comment(
            " rendered by shop-frontend 4.12.0 ".into(),
        ));
        self.next_id += 1;
        if let Some(SnapNode::Element(body)) = nodes.get_mut(body) {
            body.children = 4;
        }
        Snapshot { first_id, nodes }
    }

    /// A subtree added by the app: a notification, a list row or a card.
    fn added_tree(&mut self) -> AddedTree {
        let parent = *self.rng.pick(&self.containers);
        let first_id = self.next_id;
        let mut nodes = Vec::new();
        let texts_before = self.texts.len();
        let mut elements = Vec::new();
        match self.rng.below(3) {
            0 => {
                let (_, id) = self.element(
                    &mut nodes,
                    "div",
                    vec![
                        Attr::new("class", "toast is-open"),
                        Attr::new("role", "status"),
                    ],
                    2,
                );
                elements.push(id);
                self.icon(&mut nodes);
                let w = self.words(3, 12);
                let t = self.text(&mut nodes, w);
                self.texts.push(t);
            }
            1 => {
                let (_, id) =
                    self.element(&mut nodes, "li", vec![Attr::new("class", "list-item")], 1);
                elements.push(id);
                let ids = self.leaf(&mut nodes, "span", 2, 8);
                self.texts.push(ids[1]);
            }
            _ => self.card(&mut nodes, &mut elements),
        }
        let texts = self.texts.split_off(texts_before);
        // Insert before an earlier sibling now and then, so `before` is exercised.
        let coin = self.rng.chance(0.5);
        let before = self
            .added
            .iter()
            .rev()
            .find(|a| a.parent == parent)
            .filter(|_| coin)
            .map(|a| a.root);
        self.added.push(Added {
            root: first_id,
            parent,
            texts,
        });
        let _ = elements;
        AddedTree {
            parent,
            before,
            first_id,
            nodes,
        }
    }

    fn mutation(&mut self) -> MutationBatch {
        let mut batch = MutationBatch::default();
        match self.rng.below(10) {
            // A list re-render: remove some rows, add others.
            0..=2 => {
                let removes = self.rng.below(3).min(self.added.len());
                for _ in 0..removes {
                    let i = self.rng.below(self.added.len());
                    let removed = self.added.swap_remove(i);
                    batch.removes.push(removed.root);
                }
                let adds = self.rng.range(1, 3);
                for _ in 0..adds {
                    let tree = self.added_tree();
                    batch.adds.push(tree);
                }
            }
            // Class toggles and inline style animation.
            3..=6 => {
                for _ in 0..self.rng.range(1, 6) {
                    let id = *self.rng.pick(&self.containers);
                    let (name, value) = match self.rng.below(4) {
                        0 => ("class", Some(self.classes())),
                        1 => (
                            "style",
                            Some(format!(
                                "transform: translateX({}px); opacity: 0.{}",
                                self.rng.range(0, 400),
                                self.rng.range(1, 9)
                            )),
                        ),
                        2 => (
                            "aria-expanded",
                            Some(self.rng.pick(&["true", "false"]).to_string()),
                        ),
                        _ => ("hidden", None),
                    };
                    batch.attrs.push(AttrChange {
                        id,
                        name: name.into(),
                        value,
                    });
                }
            }
            // Text updates: counters, clocks, prices.
            _ => {
                for _ in 0..self.rng.range(1, 4) {
                    let id = if !self.added.is_empty() && self.rng.chance(0.3) {
                        let i = self.rng.below(self.added.len());
                        match self.added[i].texts.first() {
                            Some(t) => *t,
                            None => *self.rng.pick(&self.texts),
                        }
                    } else {
                        *self.rng.pick(&self.texts)
                    };
                    let text = match self.rng.below(3) {
                        0 => format!("{} items", self.rng.range(0, 99)),
                        1 => format!(
                            "{:02}:{:02}:{:02}",
                            self.rng.range(0, 23),
                            self.rng.range(0, 59),
                            self.rng.range(0, 59)
                        ),
                        _ => self.words(2, 10),
                    };
                    batch.texts.push(TextChange { id, text });
                }
            }
        }
        batch
    }

    fn json_body(&mut self) -> String {
        if self.vocab.host != Vocabulary::Shop.words().host {
            return self.wiki_json_body();
        }
        let mut s = String::from("{\"items\":[");
        for i in 0..self.rng.range(2, 48) {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!(
                "{{\"id\":{},\"sku\":\"SKU-{:06}\",\"name\":\"{}\",\"price\":{}.{:02},\"currency\":\"EUR\",\"inStock\":{},\"tags\":[\"{}\",\"{}\"]}}",
                self.rng.range(1, 1_000_000),
                self.rng.below(1_000_000),
                self.words(2, 5),
                self.rng.range(1, 500),
                self.rng.below(100),
                self.rng.chance(0.8),
                self.rng.pick(self.vocab.words),
                self.rng.pick(self.vocab.words),
            ));
        }
        s.push_str(&format!(
            "],\"page\":{},\"pageSize\":20,\"total\":{}}}",
            self.rng.range(1, 20),
            self.rng.range(20, 5000)
        ));
        s
    }

    /// A MediaWiki-style API answer: other keys, other shape than the shop's.
    fn wiki_json_body(&mut self) -> String {
        let mut s = String::from("{\"batchcomplete\":true,\"query\":{\"pages\":[");
        for i in 0..self.rng.range(1, 12) {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!(
                "{{\"pageid\":{},\"ns\":0,\"title\":\"{}\",\"touched\":\"2024-0{}-{:02}T{:02}:{:02}:00Z\",\"length\":{},\"extract\":\"{}\"}}",
                self.rng.range(1, 9_000_000),
                self.words(1, 4),
                self.rng.range(1, 9),
                self.rng.range(1, 28),
                self.rng.range(0, 23),
                self.rng.range(0, 59),
                self.rng.range(100, 90_000),
                self.words(10, 60),
            ));
        }
        s.push_str("]}}");
        s
    }

    fn network(&mut self) -> Network {
        self.request_id += 1;
        let path = *self.rng.pick(self.vocab.paths);
        let post = self.rng.chance(0.25);
        let trace_id = TraceId::from_random(self.rng.bytes());
        let span = SpanId::from_random(self.rng.bytes());
        let body = self.json_body();
        let ok = self.rng.chance(0.95);
        Network {
            request_id: self.request_id,
            initiator: Some(if self.rng.chance(0.8) {
                Initiator::Fetch
            } else {
                Initiator::Xhr
            }),
            method: if post { "POST" } else { "GET" }.into(),
            url: format!(
                "https://{}{path}?page={}&sort=created_at",
                self.vocab.host,
                self.rng.range(1, 20)
            ),
            status: Some(if ok { 200 } else { 500 }),
            duration: f64::from(self.rng.range(20, 900)) + 0.5,
            request_headers: vec![
                Header::new("accept", "application/json"),
                Header::new("content-type", "application/json"),
                Header::new("authorization", "[redacted]"),
                Header::new("traceparent", format!("00-{trace_id}-{span}-01")),
            ],
            response_headers: vec![
                Header::new("content-type", "application/json; charset=utf-8"),
                Header::new("content-length", body.len().to_string()),
                Header::new("cache-control", "no-store"),
                Header::new("date", "Tue, 14 May 2024 09:21:07 GMT"),
                Header::new("server", "nginx"),
                Header::new("x-request-id", format!("{:016x}", self.rng.next_u64())),
            ],
            request_body: post.then(|| Body {
                text: "{\"quantity\":1,\"productId\":4711}".into(),
                truncated: false,
            }),
            response_size: Some(body.len() as u64),
            response_body: Some(Body {
                text: body,
                truncated: false,
            }),
            request_size: post.then_some(31),
            error: None,
            trace_id: Some(trace_id),
        }
    }

    fn console(&mut self) -> Console {
        let level = *self.rng.pick(&[
            Level::Log,
            Level::Log,
            Level::Info,
            Level::Warn,
            Level::Error,
            Level::Debug,
        ]);
        let host = self.vocab.host;
        let stack = matches!(level, Level::Warn | Level::Error).then(|| {
            format!(
                "Error\n    at fetchOrders (https://{host}/static/js/main.3f2a1b.js:1:{})\n    at async loadPage (https://{host}/static/js/main.3f2a1b.js:1:{})",
                self.rng.range(1000, 90000),
                self.rng.range(1000, 90000)
            )
        });
        Console {
            level,
            args: vec![
                format!(
                    "[{}]",
                    self.rng.pick(&["api", "store", "router", "analytics"])
                ),
                self.words(3, 12),
                format!(
                    "{{\"took\":{},\"cached\":{}}}",
                    self.rng.range(1, 900),
                    self.rng.chance(0.5)
                ),
            ],
            stack,
        }
    }

    fn pointer_move(&mut self) -> PointerMove {
        let mut x = self.rng.range(0, 1440) as i32;
        let mut y = self.rng.range(0, 900) as i32;
        let mut offset = 0;
        let points = (0..self.rng.range(3, 20))
            .map(|_| {
                offset += self.rng.range(8, 50);
                x += self.rng.range(0, 40) as i32 - 20;
                y += self.rng.range(0, 40) as i32 - 20;
                MovePoint { offset, x, y }
            })
            .collect();
        PointerMove { points }
    }

    /// One second of activity, as the recorder would put it in one frame.
    fn second(&mut self, frame_start: u64) -> Vec<Event> {
        self.time = self.time.max(frame_start);
        let mut events = Vec::new();
        let count = self.rng.range(4, 16);
        for _ in 0..count {
            self.time += u64::from(self.rng.range(0, 60));
            let data: EventData = match self.rng.below(100) {
                0..=24 => self.mutation().into(),
                25..=44 => self.pointer_move().into(),
                45..=54 => {
                    let id = *self.rng.pick(&self.inputs);
                    let value = if self.rng.chance(0.8) {
                        InputValue::Text("*".repeat(self.rng.range(1, 20) as usize))
                    } else {
                        InputValue::Checked(self.rng.chance(0.5))
                    };
                    Input {
                        id,
                        value,
                        user: true,
                    }
                    .into()
                }
                55..=62 => Pointer {
                    kind: *self
                        .rng
                        .pick(&[PointerKind::Click, PointerKind::Down, PointerKind::Up]),
                    target: Some(*self.rng.pick(&self.containers)),
                    x: self.rng.range(0, 1440) as i32,
                    y: self.rng.range(0, 900) as i32,
                    button: 0,
                }
                .into(),
                63..=72 => Scroll {
                    target: 1,
                    x: 0,
                    y: self.rng.range(0, 20_000) as i32,
                }
                .into(),
                73..=82 => self.console().into(),
                83..=90 => self.network().into(),
                91..=93 => Performance::LongTask(LongTask {
                    duration: f64::from(self.rng.range(50, 400)),
                })
                .into(),
                94..=95 => Performance::Resource(Resource {
                    url: format!(
                        "https://cdn.example.com/img/products/{}.webp",
                        self.rng.below(5000)
                    ),
                    initiator: "img".into(),
                    duration: f64::from(self.rng.range(5, 300)),
                    transfer_size: u64::from(self.rng.range(1000, 90000)),
                    decoded_size: u64::from(self.rng.range(1000, 90000)),
                })
                .into(),
                96..=97 => Backend::Span(Span {
                    trace_id: TraceId::from_random(self.rng.bytes()),
                    span_id: SpanId::from_random(self.rng.bytes()),
                    parent: Some(SpanId::from_random(self.rng.bytes())),
                    service: "orders-api".into(),
                    name: format!("GET {}", self.rng.pick(self.vocab.paths)),
                    duration_us: u64::from(self.rng.range(300, 90_000)),
                    status: SpanStatus::Ok,
                    attributes: vec![
                        Attr::new("http.status_code", "200"),
                        Attr::new("db.system", "postgresql"),
                    ],
                })
                .into(),
                98 => Focus {
                    target: *self.rng.pick(&self.inputs),
                    focused: self.rng.chance(0.5),
                }
                .into(),
                _ => Navigation {
                    kind: NavigationKind::Push,
                    url: format!(
                        "https://{}/{}",
                        self.vocab.host,
                        self.rng.pick(self.vocab.words)
                    ),
                }
                .into(),
            };
            events.push(Event::new(self.time, data));
        }
        events
    }
}

/// The uncompressed MessagePack payload of a frame of `events` (times relative to
/// `base_time`), as [`frame::encode`] writes it with its hand-written encoder.
pub fn payload(base_time: u64, events: &[Event]) -> Vec<u8> {
    frame::payload(base_time, events)
}

/// The same payload written through the event model's `Serialize` impls and rmp-serde,
/// the reference the hand-written encoder must match byte for byte.
pub fn payload_via_serde(base_time: u64, events: &[Event]) -> Vec<u8> {
    frame::payload_via_serde(base_time, events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_is_a_consistent_tree_of_the_requested_size() {
        let session = Session::generate(&SessionSpec {
            seconds: 5,
            ..SessionSpec::default()
        });
        let EventData::Snapshot(snap) = &session.frames[0][1].data else {
            panic!("frame 0 must hold the snapshot");
        };
        assert!(
            (20_000..20_400).contains(&snap.nodes.len()),
            "{}",
            snap.nodes.len()
        );
        // Pre-order with child counts: walking the counts must consume exactly all nodes.
        let mut pending = 1u64;
        for node in &snap.nodes {
            assert!(pending > 0, "more nodes than the child counts announce");
            pending = pending - 1 + u64::from(node.child_count());
        }
        assert_eq!(pending, 0, "child counts announce missing nodes");
        assert_eq!(session.frames.len(), 6);
    }

    #[test]
    fn same_seed_same_session() {
        let spec = SessionSpec {
            snapshot_nodes: 500,
            seconds: 20,
            ..SessionSpec::default()
        };
        let a = Session::generate(&spec);
        let b = Session::generate(&spec);
        assert_eq!(a.frames, b.frames);
        let c = Session::generate(&SessionSpec { seed: 1, ..spec });
        assert_ne!(a.frames, c.frames);
    }
}
