//! User-agent strings parsed into the browser, operating system and device of a
//! [`Meta`](crate::event::Meta) event.
//!
//! A small table-driven parser (no regular expressions: it ships inside the browser
//! recorder) that knows the browsers and systems that make up nearly all traffic: Chrome,
//! Edge, Firefox, Safari, Opera, Samsung Internet, Yandex, Internet Explorer and the
//! Android and iOS web views; Windows, macOS, iOS, iPadOS, Android, ChromeOS and Linux;
//! desktops, phones and tablets; and crawlers and headless automation, which are
//! [`DeviceKind::Bot`] (so is headless Chrome: sessions recorded by test automation are
//! easy to filter out).
//!
//! What a user agent cannot tell:
//! - Windows 11 sends `Windows NT 10.0`, like Windows 10: the version is `10` for both.
//! - Chrome's reduced user agent freezes Android's model as `K` (recorded as no model)
//!   and macOS as `10_15_7`.
//! - iPadOS 13+ Safari asks for desktop sites with a Mac user agent; a Mac with touch
//!   points is an iPad ([`UserAgent::with_touch_points`]).
//!
//! ```
//! use recorder_core::event::DeviceKind;
//! use recorder_core::useragent::UserAgent;
//!
//! let ua = UserAgent::parse(
//!     "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) \
//!      Chrome/124.0.6367.82 Mobile Safari/537.36",
//! );
//! assert_eq!((ua.browser.name.as_str(), ua.browser.version.as_str()), ("Chrome", "124.0.6367.82"));
//! assert_eq!((ua.os.name.as_str(), ua.os.version.as_str()), ("Android", "14"));
//! assert_eq!(ua.device.kind, DeviceKind::Mobile);
//! assert_eq!(ua.device.model, "Pixel 8");
//! ```

use crate::event::{Device, DeviceKind, Software};

/// What a user-agent string says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserAgent {
    /// The browser (or crawler).
    pub browser: Software,
    /// The operating system.
    pub os: Software,
    /// The device class and model; `touch` is not in the string, see
    /// [`UserAgent::with_touch_points`].
    pub device: Device,
}

/// Crawlers and automation, by the token that names them, with the name recorded.
const BOTS: &[(&str, &str)] = &[
    ("Googlebot", "Googlebot"),
    ("AdsBot-Google", "AdsBot-Google"),
    ("bingbot", "Bingbot"),
    ("DuckDuckBot", "DuckDuckBot"),
    ("YandexBot", "YandexBot"),
    ("Baiduspider", "Baiduspider"),
    ("Applebot", "Applebot"),
    ("facebookexternalhit", "Facebook"),
    ("Twitterbot", "Twitterbot"),
    ("Slackbot", "Slackbot"),
    ("AhrefsBot", "AhrefsBot"),
    ("HeadlessChrome", "Headless Chrome"),
    ("PhantomJS", "PhantomJS"),
];

/// Browsers, most specific token first (Edge and Opera also say `Chrome/`, Chrome also
/// says `Safari/`): (token, name). The version follows the token.
const BROWSERS: &[(&str, &str)] = &[
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("Edge/", "Edge"),
    ("OPR/", "Opera"),
    ("OPiOS/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("YaBrowser/", "Yandex Browser"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("MSIE ", "Internet Explorer"),
];

impl UserAgent {
    /// Parses a user-agent string. Unknown parts are left empty (`Unknown` device).
    pub fn parse(ua: &str) -> UserAgent {
        let os = os(ua);
        let bot = BOTS
            .iter()
            .find(|(token, _)| ua.contains(token))
            .map(|(token, name)| software(name, version_after(ua, &[token, "/"].concat())));
        let generic_bot = bot.is_none() && {
            let lower = ua.to_ascii_lowercase();
            ["bot/", "bot;", "crawler", "spider", "headless"]
                .iter()
                .any(|w| lower.contains(w))
        };
        let (kind, model) = if bot.is_some() || generic_bot {
            (DeviceKind::Bot, "")
        } else {
            device(ua, &os.name)
        };
        UserAgent {
            browser: bot.unwrap_or_else(|| browser(ua)),
            os,
            device: Device {
                kind,
                model: model.to_owned(),
                touch: false,
            },
        }
    }

    /// Adds what `navigator.maxTouchPoints` tells: touch support, and that a "Mac" with a
    /// touch screen is an iPad asking for desktop sites.
    pub fn with_touch_points(mut self, max_touch_points: u32) -> UserAgent {
        self.device.touch = max_touch_points > 0;
        if max_touch_points > 1 && self.os.name == "macOS" && self.device.kind != DeviceKind::Bot {
            self.os = software("iPadOS", "");
            self.device.kind = DeviceKind::Tablet;
            self.device.model = "Apple iPad".to_owned();
        }
        self
    }
}

fn software(name: &str, version: &str) -> Software {
    Software {
        name: name.to_owned(),
        version: version.to_owned(),
    }
}

/// The version that follows `token`: digits, dots and underscores (`17_4` → `17.4`).
fn version_after<'a>(ua: &'a str, token: &str) -> &'a str {
    let Some(at) = ua.find(token) else {
        return "";
    };
    let rest = &ua[at + token.len()..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(rest.len());
    rest[..end].trim_end_matches(['.', '_'])
}

fn browser(ua: &str) -> Software {
    if let Some((token, name)) = BROWSERS.iter().find(|(token, _)| ua.contains(token)) {
        let version = version_after(ua, token);
        return if *name == "Chrome" && ua.contains("; wv)") {
            software("Chrome WebView", version)
        } else {
            software(name, version)
        };
    }
    if ua.contains("Trident/") {
        return software("Internet Explorer", version_after(ua, "rv:"));
    }
    if ua.contains("Safari/") && ua.contains("Version/") {
        return software("Safari", version_after(ua, "Version/"));
    }
    if ua.contains("AppleWebKit/") && (ua.contains("iPhone") || ua.contains("iPad")) {
        // An app's WKWebView: no Safari token.
        return software("WebKit WebView", version_after(ua, "AppleWebKit/"));
    }
    Software::default()
}

fn os(ua: &str) -> Software {
    if ua.contains("Windows NT ") {
        let nt = version_after(ua, "Windows NT ");
        let version = match nt {
            "10.0" => "10",
            "6.3" => "8.1",
            "6.2" => "8",
            "6.1" => "7",
            "6.0" => "Vista",
            "5.1" | "5.2" => "XP",
            other => other,
        };
        return software("Windows", version);
    }
    if ua.contains("iPhone") || ua.contains("iPod") || ua.contains("iPad") {
        let version = version_after(ua, " OS ").replace('_', ".");
        let name = if ua.contains("iPad") { "iPadOS" } else { "iOS" };
        return software(name, &version);
    }
    if ua.contains("CrOS ") {
        // `CrOS x86_64 14541.0.0`: the platform version follows the architecture.
        let after = &ua[ua.find("CrOS ").map_or(0, |i| i + 5)..];
        let version = after
            .split_once(' ')
            .map_or("", |(_, rest)| version_after(rest, ""));
        return software("ChromeOS", version);
    }
    if ua.contains("Android") {
        return software("Android", version_after(ua, "Android "));
    }
    if ua.contains("Mac OS X") {
        return software("macOS", &version_after(ua, "Mac OS X ").replace('_', "."));
    }
    if ua.contains("Linux") || ua.contains("X11") {
        return software("Linux", "");
    }
    Software::default()
}

fn device<'a>(ua: &'a str, os: &str) -> (DeviceKind, &'a str) {
    match os {
        "iOS" if ua.contains("iPod") => (DeviceKind::Mobile, "Apple iPod"),
        "iOS" => (DeviceKind::Mobile, "Apple iPhone"),
        "iPadOS" => (DeviceKind::Tablet, "Apple iPad"),
        "Android" => {
            let kind = if ua.contains("Mobile") {
                DeviceKind::Mobile
            } else {
                DeviceKind::Tablet
            };
            (kind, android_model(ua))
        }
        "Windows" | "macOS" | "Linux" | "ChromeOS" => (DeviceKind::Desktop, ""),
        _ if ua.contains("Mobile") => (DeviceKind::Mobile, ""),
        _ => (DeviceKind::Unknown, ""),
    }
}

/// The model in `(Linux; Android 14; SM-S918B Build/UP1A…)`: the field after the
/// Android version, without its build id. `K` (Chrome's reduced user agent) and
/// Firefox's `Mobile`/`Tablet` name no model.
fn android_model(ua: &str) -> &str {
    let Some(open) = ua.find('(') else {
        return "";
    };
    let inside = &ua[open + 1..];
    let inside = &inside[..inside.find(')').unwrap_or(inside.len())];
    let mut fields = inside.split(';').map(str::trim);
    if fields.by_ref().find(|f| f.starts_with("Android")).is_none() {
        return "";
    }
    for field in fields {
        let model = field.split(" Build/").next().unwrap_or("").trim();
        let not_a_model = model.is_empty()
            || model == "K"
            || model == "wv"
            || model == "Mobile"
            || model == "Tablet"
            || model.starts_with("rv:")
            || (model.len() == 5 && model.as_bytes()[2] == b'-'); // a locale: `en-us`
        if !not_a_model {
            return model;
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeviceKind::*;

    /// (user agent, browser, version, os, os version, device kind, model)
    const CASES: &[(&str, &str, &str, &str, &str, DeviceKind, &str)] = &[
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "Chrome", "124.0.0.0", "Windows", "10", Desktop, "",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
            "Edge", "124.0.2478.51", "Windows", "10", Desktop, "",
        ),
        (
            "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0",
            "Firefox", "115.0", "Windows", "7", Desktop, "",
        ),
        (
            "Mozilla/5.0 (Windows NT 6.3; Trident/7.0; rv:11.0) like Gecko",
            "Internet Explorer", "11.0", "Windows", "8.1", Desktop, "",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
            "Safari", "17.4.1", "macOS", "10.15.7", Desktop, "",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0",
            "Firefox", "125.0", "macOS", "14.4", Desktop, "",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0",
            "Opera", "109.0.0.0", "macOS", "10.15.7", Desktop, "",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
            "Chrome", "123.0.0.0", "Linux", "", Desktop, "",
        ),
        (
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
            "Firefox", "124.0", "Linux", "", Desktop, "",
        ),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "Chrome", "124.0.0.0", "ChromeOS", "14541.0.0", Desktop, "",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
            "Safari", "17.4.1", "iOS", "17.4.1", Mobile, "Apple iPhone",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.71 Mobile/15E148 Safari/604.1",
            "Chrome", "124.0.6367.71", "iOS", "17.4", Mobile, "Apple iPhone",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
            "Firefox", "125.0", "iOS", "17.4", Mobile, "Apple iPhone",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
            "WebKit WebView", "605.1.15", "iOS", "16.6", Mobile, "Apple iPhone",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
            "Safari", "16.6", "iPadOS", "16.6", Tablet, "Apple iPad",
        ),
        (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
            "Chrome", "124.0.0.0", "Android", "10", Mobile, "",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
            "Chrome", "124.0.6367.82", "Android", "14", Mobile, "Pixel 8",
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
            "Samsung Internet", "24.0", "Android", "13", Mobile, "SM-S918B",
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-X710 Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/123.0.6312.118 Safari/537.36",
            "Chrome WebView", "123.0.6312.118", "Android", "13", Tablet, "SM-X710",
        ),
        (
            "Mozilla/5.0 (Linux; Android 12; Lenovo TB-J606F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
            "Chrome", "122.0.0.0", "Android", "12", Tablet, "Lenovo TB-J606F",
        ),
        (
            "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
            "Firefox", "125.0", "Android", "14", Mobile, "",
        ),
        (
            "Mozilla/5.0 (Android 13; Tablet; rv:124.0) Gecko/124.0 Firefox/124.0",
            "Firefox", "124.0", "Android", "13", Tablet, "",
        ),
        (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.64",
            "Edge", "124.0.2478.64", "Android", "10", Mobile, "",
        ),
        (
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Googlebot", "2.1", "", "", Bot, "",
        ),
        (
            "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.60 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Googlebot", "2.1", "Android", "6.0.1", Bot, "",
        ),
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
            "Bingbot", "2.0", "", "", Bot, "",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36",
            "Headless Chrome", "124.0.6367.60", "Linux", "", Bot, "",
        ),
        (
            "curl/8.5.0",
            "", "", "", "", Unknown, "",
        ),
        ("", "", "", "", "", Unknown, ""),
    ];

    #[test]
    fn real_user_agents() {
        for &(ua, browser, version, os, os_version, kind, model) in CASES {
            let parsed = UserAgent::parse(ua);
            let got = (
                parsed.browser.name.as_str(),
                parsed.browser.version.as_str(),
                parsed.os.name.as_str(),
                parsed.os.version.as_str(),
                parsed.device.kind,
                parsed.device.model.as_str(),
            );
            assert_eq!(got, (browser, version, os, os_version, kind, model), "{ua}");
            assert!(!parsed.device.touch);
        }
    }

    #[test]
    fn an_ipad_asking_for_desktop_sites_is_an_ipad() {
        let ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
        let mac = UserAgent::parse(ua).with_touch_points(0);
        assert_eq!(
            (mac.os.name.as_str(), mac.device.kind, mac.device.touch),
            ("macOS", Desktop, false)
        );
        let ipad = UserAgent::parse(ua).with_touch_points(5);
        assert_eq!(ipad.os.name, "iPadOS");
        assert_eq!(ipad.browser.name, "Safari");
        assert_eq!(
            (
                ipad.device.kind,
                ipad.device.model.as_str(),
                ipad.device.touch
            ),
            (Tablet, "Apple iPad", true)
        );
        let touch_laptop = UserAgent::parse(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        )
        .with_touch_points(10);
        assert_eq!(
            (touch_laptop.device.kind, touch_laptop.device.touch),
            (Desktop, true)
        );
    }

    #[test]
    fn garbage_never_panics() {
        for ua in [
            "(",
            "Android",
            "CrOS ",
            "Windows NT ",
            "Mozilla/5.0 (Linux; Android",
            "é(Android;ü",
        ] {
            let _ = UserAgent::parse(ua).with_touch_points(3);
        }
    }
}
