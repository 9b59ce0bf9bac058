//! JMA's Atom feeds read just far enough: each entry's id, title, time and link, and
//! which entries are worth fetching. A feed with a DOCTYPE, unknown entities or deep
//! nesting is refused, as a report would be.

use chrono::{DateTime, Utc};
use kizuna_core::jma::ReportType;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Atom feeds nest four deep; anything far deeper is not a feed.
const MAX_DEPTH: usize = 16;

/// The data types the mapper reads, as JMA names them in its file names.
const HANDLED_CODES: [&str; 13] = [
    "VPWW54", "VPWW55", "VPWW56", "VPWW57", "VPWW58", "VPWW59", "VPWW60", "VPWW61", "VXWW50", "VPHW50", "VPOA50",
    "VXSE51", "VXSE53",
];

/// One `<entry>` of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    pub id: String,
    pub title: String,
    pub updated: Option<DateTime<Utc>>,
    /// The report's address, made absolute against the feed's.
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("the feed is not UTF-8")]
    NotUtf8,
    #[error("the feed declares a DOCTYPE; entity declarations are refused")]
    Doctype,
    #[error("the feed refers to the undeclared entity &{0};")]
    UnknownEntity(String),
    #[error("the feed nests elements deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("the feed is not well-formed XML: {0}")]
    Malformed(String),
    #[error("the text is not an Atom feed: {0}")]
    NotAtom(String),
}

/// Reads a feed fetched from `base`.
pub fn parse(bytes: &[u8], base: &str) -> Result<Vec<FeedEntry>, FeedError> {
    let text = std::str::from_utf8(bytes).map_err(|_| FeedError::NotUtf8)?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().enable_all_checks(true);
    let mut path: Vec<String> = Vec::new();
    let mut entries = Vec::new();
    let mut entry: Option<Draft> = None;
    let mut seen_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| FeedError::Malformed(format!("at byte {}: {e}", reader.error_position())))?;
        match event {
            Event::DocType(_) => return Err(FeedError::Doctype),
            Event::Start(start) => {
                let name = local_name(&start);
                if path.is_empty() {
                    if seen_root || name != "feed" {
                        return Err(FeedError::NotAtom(format!("root element <{name}>")));
                    }
                    seen_root = true;
                }
                path.push(name);
                if path.len() > MAX_DEPTH {
                    return Err(FeedError::TooDeep);
                }
                open(&path, &start, &mut entry, base);
            }
            Event::Empty(start) => {
                if path.is_empty() {
                    return Err(FeedError::NotAtom(format!("root element <{}/>", local_name(&start))));
                }
                path.push(local_name(&start));
                if path.len() > MAX_DEPTH {
                    return Err(FeedError::TooDeep);
                }
                open(&path, &start, &mut entry, base);
                path.pop();
            }
            Event::End(_) => {
                if path.len() == 2
                    && let Some(done) = entry.take()
                    && let Some(finished) = done.finish()
                {
                    entries.push(finished);
                }
                path.pop();
            }
            Event::Text(text) => {
                let text = text.decode().map_err(|e| FeedError::Malformed(e.to_string()))?;
                push_text(&path, &mut entry, &text);
            }
            Event::CData(data) => {
                let text = data.decode().map_err(|e| FeedError::Malformed(e.to_string()))?;
                push_text(&path, &mut entry, &text);
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().map_err(|e| FeedError::Malformed(e.to_string()))?;
                let resolved = match name.as_ref() {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    other => match reference.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        _ => return Err(FeedError::UnknownEntity(other.chars().take(40).collect())),
                    },
                };
                push_text(&path, &mut entry, resolved.encode_utf8(&mut [0; 4]));
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !seen_root {
        return Err(FeedError::NotAtom("no root element".into()));
    }
    if !path.is_empty() {
        return Err(FeedError::Malformed(format!("<{}> is never closed", path.join("/"))));
    }
    Ok(entries)
}

/// An entry being read.
#[derive(Default)]
struct Draft {
    id: String,
    title: String,
    updated: String,
    link: Option<String>,
}

impl Draft {
    fn finish(self) -> Option<FeedEntry> {
        let id = self.id.trim().to_owned();
        if id.is_empty() {
            return None;
        }
        let updated = DateTime::parse_from_rfc3339(self.updated.trim()).ok().map(|at| at.with_timezone(&Utc));
        Some(FeedEntry { id, title: self.title.trim().to_owned(), updated, link: self.link })
    }
}

fn local_name(start: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(start.local_name().as_ref()).into_owned()
}

fn open(path: &[String], start: &BytesStart<'_>, entry: &mut Option<Draft>, base: &str) {
    match path {
        [_, e] if e == "entry" => *entry = Some(Draft::default()),
        [_, e, link] if e == "entry" && link == "link" => {
            let Some(draft) = entry.as_mut() else { return };
            let attribute = |name: &str| {
                start
                    .try_get_attribute(name)
                    .ok()
                    .flatten()
                    .and_then(|a| a.unescape_value().ok())
                    .map(|v| v.into_owned())
            };
            let alternate = attribute("rel").is_none_or(|rel| rel == "alternate");
            if draft.link.is_none()
                && alternate
                && let Some(href) = attribute("href")
            {
                draft.link = resolve(base, href.trim());
            }
        }
        _ => {}
    }
}

fn push_text(path: &[String], entry: &mut Option<Draft>, text: &str) {
    let Some(draft) = entry.as_mut() else { return };
    match path {
        [_, e, field] if e == "entry" => match field.as_str() {
            "id" => draft.id.push_str(text),
            "title" => draft.title.push_str(text),
            "updated" => draft.updated.push_str(text),
            _ => {}
        },
        _ => {}
    }
}

/// Makes `href` absolute against the feed's address; only http and https links count.
fn resolve(base: &str, href: &str) -> Option<String> {
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_owned());
    }
    if href.is_empty() || href.contains("://") || href.starts_with('#') {
        return None;
    }
    let (scheme, rest) = base.split_once("://")?;
    if let Some(network_path) = href.strip_prefix("//") {
        return Some(format!("{scheme}://{network_path}"));
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..authority_end]);
    if href.starts_with('/') {
        return Some(format!("{origin}{href}"));
    }
    let path = rest[authority_end..].split(['?', '#']).next().unwrap_or("");
    let directory = path.rfind('/').map_or("/", |slash| &path[..=slash]);
    Some(format!("{origin}{directory}{href}"))
}

/// Whether an entry is fetched, decided before fetching from its link's file name
/// (`…_VPWW54_110000.xml`) or, without one, its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Triage {
    /// A report type the mapper reads; the JMA code, for logs.
    Fetch(&'static str),
    /// Not read; why, for logs.
    Ignore(String),
}

pub fn triage(entry: &FeedEntry) -> Triage {
    if entry.link.is_none() {
        return Triage::Ignore("the entry has no link".into());
    }
    if let Some(code) = entry.link.as_deref().and_then(file_code) {
        return match HANDLED_CODES.iter().find(|handled| **handled == code) {
            Some(handled) => Triage::Fetch(handled),
            None => Triage::Ignore(format!("data type {code} is not read")),
        };
    }
    match ReportType::from_control_title(&entry.title) {
        Some(ReportType::LegacyWeatherWarnings) => Triage::Ignore("VPWW53 is skipped; VPWW54 carries the same".into()),
        Some(kind) => Triage::Fetch(kind.code()),
        None => Triage::Ignore(format!("title {:?} is not read", entry.title)),
    }
}

/// The JMA data type code in a file name such as `20260701050000_0_VPWW54_110000.xml`.
fn file_code(link: &str) -> Option<&str> {
    let path = link.split(['?', '#']).next().unwrap_or(link);
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.strip_suffix(".xml").unwrap_or(file);
    stem.split(['_', '.', '-']).find(|part| {
        part.len() == 6
            && part.bytes().take(4).all(|b| b.is_ascii_uppercase())
            && part.bytes().skip(4).all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://www.data.jma.go.jp/developer/xml/feed/extra.xml";

    fn feed(entries: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" lang=\"ja\">\
             <title>高頻度（随時）</title><id>urn:uuid:feed</id><updated>2026-07-01T05:01:00+09:00</updated>\
             <link href=\"{BASE}\" rel=\"self\"/>{entries}</feed>"
        )
    }

    fn entry(id: &str, title: &str, href: &str) -> String {
        format!(
            "<entry><title>{title}</title><id>{id}</id><updated>2026-07-01T05:00:21Z</updated>\
             <author><name>熊谷地方気象台</name></author>\
             <link type=\"application/xml\" href=\"{href}\"/><content type=\"text\">【埼玉県気象警報】</content></entry>"
        )
    }

    #[test]
    fn entries_come_with_their_id_title_time_and_absolute_link() {
        let xml = feed(&format!(
            "{}{}",
            entry(
                "urn:uuid:a",
                "気象警報・注意報（Ｈ２７）",
                "https://www.data.jma.go.jp/developer/xml/data/20260701050021_0_VPWW54_110000.xml"
            ),
            entry("urn:uuid:b&amp;c", "震度速報 &#x41;&lt;", "../data/b.xml?x=1&amp;y=2"),
        ));
        let entries = parse(xml.as_bytes(), BASE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].title, "気象警報・注意報（Ｈ２７）");
        assert_eq!(entries[0].updated.map(|t| t.to_rfc3339()), Some("2026-07-01T05:00:21+00:00".to_owned()));
        assert_eq!(entries[1].id, "urn:uuid:b&c");
        assert_eq!(entries[1].title, "震度速報 A<");
        assert_eq!(
            entries[1].link.as_deref(),
            Some("https://www.data.jma.go.jp/developer/xml/feed/../data/b.xml?x=1&y=2")
        );
    }

    #[test]
    fn relative_links_resolve_against_the_feed() {
        assert_eq!(
            resolve("http://127.0.0.1:9/feed.xml", "/data/x.xml").as_deref(),
            Some("http://127.0.0.1:9/data/x.xml")
        );
        assert_eq!(resolve("http://h/a/b/feed.xml?q", "x.xml").as_deref(), Some("http://h/a/b/x.xml"));
        assert_eq!(resolve("https://h/feed.xml", "//other/x.xml").as_deref(), Some("https://other/x.xml"));
        assert_eq!(resolve("https://h/feed.xml", "file:///etc/passwd"), None);
        assert_eq!(resolve("https://h/feed.xml", "javascript://x"), None);
    }

    #[test]
    fn a_hostile_or_broken_feed_is_refused() {
        let mut laughs = String::from("<?xml version=\"1.0\"?><!DOCTYPE feed [<!ENTITY a \"aaaaaaaaaa\">");
        for level in 1..8 {
            laughs.push_str(&format!("<!ENTITY a{level} \"{}\">", "&a;".repeat(10)));
        }
        laughs.push_str("]><feed><entry><id>&a7;</id></entry></feed>");
        assert_eq!(parse(laughs.as_bytes(), BASE), Err(FeedError::Doctype));
        let unknown = feed(&entry("&xxe;", "x", "x.xml"));
        assert_eq!(parse(unknown.as_bytes(), BASE), Err(FeedError::UnknownEntity("xxe".into())));
        let deep = format!("<feed>{}{}</feed>", "<x>".repeat(10_000), "</x>".repeat(10_000));
        assert_eq!(parse(deep.as_bytes(), BASE), Err(FeedError::TooDeep));
        assert!(matches!(parse(b"<html><body/></html>", BASE), Err(FeedError::NotAtom(_))));
        assert!(matches!(parse(b"<feed><entry>", BASE), Err(FeedError::Malformed(_))));
        assert!(matches!(parse(b"", BASE), Err(FeedError::NotAtom(_))));
        assert_eq!(parse(b"<feed>\xff</feed>", BASE), Err(FeedError::NotUtf8));
    }

    #[test]
    fn only_the_report_types_the_mapper_reads_are_fetched() {
        let at = |title: &str, href: &str| FeedEntry {
            id: "urn:uuid:x".into(),
            title: title.into(),
            updated: None,
            link: Some(href.into()),
        };
        let data = "https://www.data.jma.go.jp/developer/xml/data/";
        let cases = [
            ("気象警報・注意報（Ｈ２７）", "20260701050021_0_VPWW54_110000.xml", Triage::Fetch("VPWW54")),
            ("気象警報・注意報（Ｒ０６）（大雨）", "20260701050021_0_VPWW55_110000.xml", Triage::Fetch("VPWW55")),
            ("土砂災害警戒情報", "20260701050021_0_VXWW50_110000.xml", Triage::Fetch("VXWW50")),
            ("竜巻注意情報", "20260701050021_0_VPHW50_110000.xml", Triage::Fetch("VPHW50")),
            ("記録的短時間大雨情報", "20260701050021_0_VPOA50_110000.xml", Triage::Fetch("VPOA50")),
            ("震度速報", "20260701050021_0_VXSE51_010000.xml", Triage::Fetch("VXSE51")),
            ("震源・震度に関する情報", "20260701050021_0_VXSE53_010000.xml", Triage::Fetch("VXSE53")),
            (
                "気象特別警報・警報・注意報",
                "20260701050021_0_VPWW53_110000.xml",
                Triage::Ignore("data type VPWW53 is not read".into()),
            ),
            (
                "府県天気予報（Ｒ１）",
                "20260701050021_0_VPFD51_110000.xml",
                Triage::Ignore("data type VPFD51 is not read".into()),
            ),
        ];
        for (title, file, expected) in cases {
            assert_eq!(triage(&at(title, &format!("{data}{file}"))), expected, "{file}");
        }
        // Without a code in the file name, the title decides.
        assert_eq!(triage(&at("震度速報", "https://example.jp/report")), Triage::Fetch("VXSE51"));
        assert!(matches!(triage(&at("気象特別警報・警報・注意報", "https://example.jp/r")), Triage::Ignore(_)));
        assert!(matches!(triage(&at("府県天気概況", "https://example.jp/r")), Triage::Ignore(_)));
        assert!(matches!(triage(&FeedEntry { link: None, ..at("震度速報", "") }), Triage::Ignore(_)));
    }
}
