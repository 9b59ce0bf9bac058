//! Atom 1.0 (RFC 4287) feeds: the public notice archive (`/feeds/atom.xml`) and the
//! index of current CAP alerts (`/feeds/cap.xml`).

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::cap::{CAP_MEDIA_TYPE, CAP_NAMESPACE, CapArea, CapIssuer, CapNotice, cap_category};
use crate::consortium::Category;
use crate::lang::Lang;
use crate::texts;
use crate::time::{format_ja, rfc3339_tokyo, to_tokyo};
use crate::xml::XmlWriter;

pub const ATOM_NAMESPACE: &str = "http://www.w3.org/2005/Atom";
pub const ATOM_MEDIA_TYPE: &str = "application/atom+xml";

/// A feed ready to render. Entries keep the order they are given in (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtomFeed {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// The language of the feed's text, written as `xml:lang`.
    pub lang: Lang,
    pub updated: DateTime<Utc>,
    pub author_name: String,
    pub author_uri: Option<String>,
    pub self_url: String,
    pub alternate_url: Option<String>,
    pub entries: Vec<AtomEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtomEntry {
    pub id: String,
    pub title: String,
    pub links: Vec<AtomLink>,
    pub published: Option<DateTime<Utc>>,
    pub updated: DateTime<Utc>,
    pub categories: Vec<AtomCategory>,
    pub summary: Option<String>,
    /// Plain text (`type="text"`): notices are written as plain text for old phones.
    pub content: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtomLink {
    pub rel: &'static str,
    pub href: String,
    pub media_type: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtomCategory {
    pub term: String,
    pub scheme: Option<String>,
    pub label: Option<String>,
}

impl AtomLink {
    fn new(rel: &'static str, href: String, media_type: &'static str) -> Self {
        Self { rel, href, media_type: Some(media_type) }
    }
}

/// Renders a feed as an Atom 1.0 document.
pub fn render_atom_feed(feed: &AtomFeed) -> String {
    let mut xml = XmlWriter::new();
    xml.open("feed", &[("xmlns", ATOM_NAMESPACE), ("xml:lang", feed.lang.as_str())]);
    xml.text("id", &[], &feed.id);
    xml.text("title", &[], &feed.title);
    if let Some(subtitle) = &feed.subtitle {
        xml.text("subtitle", &[], subtitle);
    }
    xml.text("updated", &[], &rfc3339_tokyo(feed.updated));
    xml.open("author", &[]);
    xml.text("name", &[], &feed.author_name);
    if let Some(uri) = &feed.author_uri {
        xml.text("uri", &[], uri);
    }
    xml.close("author");
    write_link(&mut xml, &AtomLink::new("self", feed.self_url.clone(), ATOM_MEDIA_TYPE));
    if let Some(alternate) = &feed.alternate_url {
        write_link(&mut xml, &AtomLink::new("alternate", alternate.clone(), "text/html"));
    }
    xml.text("generator", &[], "Kizuna");
    for entry in &feed.entries {
        xml.open("entry", &[]);
        xml.text("id", &[], &entry.id);
        xml.text("title", &[], &entry.title);
        for link in &entry.links {
            write_link(&mut xml, link);
        }
        if let Some(published) = entry.published {
            xml.text("published", &[], &rfc3339_tokyo(published));
        }
        xml.text("updated", &[], &rfc3339_tokyo(entry.updated));
        for category in &entry.categories {
            let mut attrs = vec![("term", category.term.as_str())];
            if let Some(scheme) = &category.scheme {
                attrs.push(("scheme", scheme));
            }
            if let Some(label) = &category.label {
                attrs.push(("label", label));
            }
            xml.empty("category", &attrs);
        }
        if let Some(summary) = &entry.summary {
            xml.text("summary", &[("type", "text")], summary);
        }
        if let Some(content) = &entry.content {
            xml.text("content", &[("type", "text")], content);
        }
        xml.close("entry");
    }
    xml.close("feed");
    xml.finish()
}

fn write_link(xml: &mut XmlWriter, link: &AtomLink) {
    let mut attrs = vec![("rel", link.rel), ("href", link.href.as_str())];
    if let Some(media_type) = link.media_type {
        attrs.push(("type", media_type));
    }
    xml.empty("link", &attrs);
}

/// What a public list may show at a moment: obituaries leave after `obituary_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    pub now: DateTime<Utc>,
    pub obituary_days: u32,
}

/// The filters of `/feeds/atom.xml?municipality=&category=`, already looked up.
#[derive(Debug, Clone, Copy, Default)]
pub struct FeedScope<'a> {
    pub municipality: Option<&'a CapArea>,
    pub category: Option<&'a Category>,
}

impl FeedScope<'_> {
    fn query(&self) -> String {
        let mut pairs = Vec::new();
        if let Some(area) = self.municipality {
            pairs.push(format!("municipality={}", area.code));
        }
        if let Some(category) = self.category {
            pairs.push(format!("category={}", category.key));
        }
        if pairs.is_empty() { String::new() } else { format!("?{}", pairs.join("&")) }
    }

    fn covers(&self, notice: &CapNotice) -> bool {
        let municipality_ok =
            self.municipality.is_none_or(|wanted| notice.areas.iter().any(|area| area.code == wanted.code));
        let category_ok = self.category.is_none_or(|wanted| notice.category.key == wanted.key);
        municipality_ok && category_ok
    }
}

/// The language of the feeds: names, titles and dates in Japanese.
const FEED_LANG: Lang = Lang::JA;

/// The public notice archive as a feed in Japanese. Notices outside the scope or
/// that may not be listed (restricted categories, old obituaries) are left out here
/// too, whatever the caller's query returned.
pub fn notice_feed(issuer: &CapIssuer, scope: &FeedScope<'_>, notices: &[CapNotice], listing: &Listing) -> AtomFeed {
    let query = scope.query();
    let self_url = format!("{}/feeds/atom.xml{query}", issuer.base_url());
    let narrowing: Vec<&str> = scope
        .municipality
        .map(|area| area.name_ja.as_str())
        .into_iter()
        .chain(scope.category.map(|category| category.name_ja.as_str()))
        .collect();
    let issuer_name = ("issuer", issuer.name(FEED_LANG).into());
    let title = if narrowing.is_empty() {
        texts::format(FEED_LANG, "feed-notices-title", &[issuer_name])
    } else {
        let narrowing = narrowing.join(&texts::text(FEED_LANG, "feed-list-separator"));
        texts::format(FEED_LANG, "feed-notices-narrowed", &[issuer_name, ("narrowing", narrowing.into())])
    }
    .into_owned();
    let entries: Vec<AtomEntry> = notices
        .iter()
        .filter(|notice| scope.covers(notice) && notice.is_publicly_listable(listing.now, listing.obituary_days))
        .map(|notice| notice_entry(issuer, notice))
        .collect();
    AtomFeed {
        id: feed_urn(&self_url),
        title,
        subtitle: Some(texts::text(FEED_LANG, "feed-notices-subtitle").into_owned()),
        lang: FEED_LANG,
        updated: latest(&entries, listing.now),
        author_name: issuer.name(FEED_LANG).to_owned(),
        author_uri: Some(format!("{}/", issuer.base_url())),
        alternate_url: Some(format!("{}/notices{query}", issuer.base_url())),
        self_url,
        entries,
    }
}

fn notice_entry(issuer: &CapIssuer, notice: &CapNotice) -> AtomEntry {
    let mut categories = vec![AtomCategory {
        term: notice.category.key.to_string(),
        scheme: Some(format!("{}/notices?category=", issuer.base_url())),
        label: Some(notice.category.name_ja.clone()),
    }];
    categories.extend(notice.areas.iter().map(|area| AtomCategory {
        term: area.code.to_string(),
        scheme: Some(format!("{}/notices?municipality=", issuer.base_url())),
        label: Some(area.name_ja.clone()),
    }));
    AtomEntry {
        id: tag_uri(issuer, notice.sent, &format!("notice:{}", notice.id)),
        title: notice.display_title(FEED_LANG),
        links: vec![
            AtomLink::new("alternate", issuer.notice_url(notice.id), "text/html"),
            AtomLink::new("alternate", issuer.cap_url(notice.id), CAP_MEDIA_TYPE),
        ],
        published: Some(notice.sent),
        updated: notice.sent,
        categories,
        summary: None,
        content: Some(notice.body.clone()),
    }
}

/// The index of current CAP messages: each entry links to a notice's `cap.xml`.
/// Unlisted and expired notices are left out; withdrawals stay in, so that readers
/// learn of the `Cancel`.
pub fn cap_index_feed(issuer: &CapIssuer, notices: &[CapNotice], listing: &Listing) -> AtomFeed {
    let self_url = format!("{}/feeds/cap.xml", issuer.base_url());
    let entries: Vec<AtomEntry> = notices
        .iter()
        .filter(|notice| notice.is_publicly_listable(listing.now, listing.obituary_days))
        .filter(|notice| !notice.is_expired(listing.now))
        .map(|notice| cap_entry(issuer, notice))
        .collect();
    AtomFeed {
        id: feed_urn(&self_url),
        title: texts::format(FEED_LANG, "feed-cap-title", &[("issuer", issuer.name(FEED_LANG).into())]).into_owned(),
        subtitle: Some(texts::text(FEED_LANG, "feed-cap-subtitle").into_owned()),
        lang: FEED_LANG,
        updated: latest(&entries, listing.now),
        author_name: issuer.name(FEED_LANG).to_owned(),
        author_uri: Some(format!("{}/", issuer.base_url())),
        alternate_url: Some(format!("{}/notices", issuer.base_url())),
        self_url,
        entries,
    }
}

fn cap_entry(issuer: &CapIssuer, notice: &CapNotice) -> AtomEntry {
    let identifier = issuer.identifier(notice.id, notice.msg_type);
    let areas: Vec<&str> = notice.areas.iter().map(|area| area.name_ja.as_str()).collect();
    let mut summary = notice.category.name_ja.clone();
    if !areas.is_empty() {
        let areas = areas.join(&texts::text(FEED_LANG, "feed-list-separator"));
        summary =
            texts::format(FEED_LANG, "feed-cap-summary-areas", &[("summary", summary.into()), ("areas", areas.into())])
                .into_owned();
    }
    if let Some(expires) = notice.expires {
        let until = format_ja(expires);
        summary =
            texts::format(FEED_LANG, "feed-cap-summary-until", &[("summary", summary.into()), ("until", until.into())])
                .into_owned();
    }
    AtomEntry {
        id: tag_uri(issuer, notice.sent, &format!("cap:{identifier}")),
        title: notice.display_title(FEED_LANG),
        links: vec![
            AtomLink::new("alternate", issuer.cap_url(notice.id), CAP_MEDIA_TYPE),
            AtomLink::new("related", issuer.notice_url(notice.id), "text/html"),
        ],
        published: Some(notice.sent),
        updated: notice.sent,
        categories: vec![AtomCategory {
            term: cap_category(&notice.category.key).as_str().to_owned(),
            scheme: Some(CAP_NAMESPACE.to_owned()),
            label: None,
        }],
        summary: Some(summary),
        content: None,
    }
}

fn latest(entries: &[AtomEntry], otherwise: DateTime<Utc>) -> DateTime<Utc> {
    entries.iter().map(|entry| entry.updated).max().unwrap_or(otherwise)
}

/// A `tag:` URI (RFC 4151) for something first published on `at`, when the issuer
/// held its host name, so it stays the same when the base URL's scheme or port changes.
fn tag_uri(issuer: &CapIssuer, at: DateTime<Utc>, specific: &str) -> String {
    format!("tag:{},{}:{specific}", issuer.host(), to_tokyo(at).format("%Y-%m-%d"))
}

/// A feed's id: a name-based UUID (RFC 9562 version 8, from SHA-256) of its URL, so
/// each filtered feed keeps one id without a date having to be invented for it.
fn feed_urn(url: &str) -> String {
    let digest = Sha256::digest(url.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!("urn:uuid:{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cap::{CapMsgType, CapNotice};
    use crate::codes::{CategoryKey, MunicipalityCode};
    use crate::email::EmailAddress;
    use crate::notice::Urgency;
    use chrono::{Duration, TimeZone};

    fn issuer() -> CapIssuer {
        let sender = EmailAddress::parse("info@kizuna.example.jp").unwrap();
        CapIssuer::new(&sender, "https://kizuna.example.jp", "秩父圏域", "Chichibu Region").unwrap()
    }

    fn category(key: &str, restricted: bool) -> Category {
        Category {
            key: CategoryKey::parse(key).unwrap(),
            name_ja: "イベント・地域情報".into(),
            name_en: "Events".into(),
            emergency: false,
            restricted,
        }
    }

    fn chichibu() -> CapArea {
        CapArea {
            code: MunicipalityCode::parse("112071").unwrap(),
            name_ja: "秩父市".into(),
            name_en: "Chichibu City".into(),
        }
    }

    fn sent() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).single().unwrap()
    }

    fn notice(id: i64, key: &str) -> CapNotice {
        CapNotice {
            id,
            msg_type: CapMsgType::Alert,
            references: vec![],
            sent: sent(),
            exercise: false,
            category: category(key, key == "staff"),
            urgency: Urgency::Normal,
            title: format!("夜祭 {id}"),
            body: "屋台 & 花火".into(),
            title_en: None,
            body_en: None,
            expires: None,
            areas: vec![chichibu()],
        }
    }

    fn listing() -> Listing {
        Listing { now: sent() + Duration::days(1), obituary_days: 7 }
    }

    #[test]
    fn the_filtered_feed_names_its_filters_and_links_to_itself() {
        let area = chichibu();
        let event = category("event", false);
        let scope = FeedScope { municipality: Some(&area), category: Some(&event) };
        let feed = notice_feed(&issuer(), &scope, &[notice(1, "event")], &listing());
        assert_eq!(feed.title, "秩父圏域のお知らせ（秩父市・イベント・地域情報）");
        assert_eq!(feed.self_url, "https://kizuna.example.jp/feeds/atom.xml?municipality=112071&category=event");
        let xml = render_atom_feed(&feed);
        assert!(
            xml.contains("href=\"https://kizuna.example.jp/feeds/atom.xml?municipality=112071&amp;category=event\"")
        );
        assert!(xml.contains("<content type=\"text\">屋台 &amp; 花火</content>"), "{xml}");
        assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">"), "{xml}");
    }

    #[test]
    fn a_filtered_feed_shows_only_what_its_filters_ask_for() {
        let yokoze = CapArea {
            code: MunicipalityCode::parse("113611").unwrap(),
            name_ja: "横瀬町".into(),
            name_en: "Yokoze Town".into(),
        };
        let mut in_yokoze = notice(1, "event");
        in_yokoze.areas.push(yokoze.clone());
        let notices = [in_yokoze, notice(2, "event"), notice(3, "crime")];
        let event = category("event", false);
        let ids = |scope: FeedScope<'_>| -> Vec<String> {
            notice_feed(&issuer(), &scope, &notices, &listing()).entries.into_iter().map(|e| e.title).collect()
        };
        assert_eq!(ids(FeedScope { municipality: Some(&yokoze), category: None }), ["夜祭 1"]);
        assert_eq!(ids(FeedScope { municipality: None, category: Some(&event) }), ["夜祭 1", "夜祭 2"]);
        assert_eq!(ids(FeedScope::default()).len(), 3);
    }

    #[test]
    fn each_filter_has_its_own_stable_feed_id() {
        let area = chichibu();
        let all = notice_feed(&issuer(), &FeedScope::default(), &[], &listing());
        let again = notice_feed(&issuer(), &FeedScope::default(), &[], &listing());
        let narrowed =
            notice_feed(&issuer(), &FeedScope { municipality: Some(&area), category: None }, &[], &listing());
        assert_eq!(all.id, again.id);
        assert_ne!(all.id, narrowed.id);
        assert!(all.id.starts_with("urn:uuid:") && all.id.len() == "urn:uuid:".len() + 36, "{}", all.id);
        assert_eq!(all.id.as_bytes()["urn:uuid:".len() + 14], b'8', "{}", all.id);
    }

    #[test]
    fn staff_only_and_old_obituaries_are_left_out_of_feeds() {
        let notices = [notice(1, "staff"), notice(2, "obituary"), notice(3, "event")];
        let titles = |listing: &Listing| -> Vec<String> {
            notice_feed(&issuer(), &FeedScope::default(), &notices, listing)
                .entries
                .into_iter()
                .map(|e| e.title)
                .collect()
        };
        assert_eq!(titles(&listing()), ["夜祭 2", "夜祭 3"]);
        let later = Listing { now: sent() + Duration::days(8), obituary_days: 7 };
        assert_eq!(titles(&later), ["夜祭 3"]);
        let cap: Vec<String> =
            cap_index_feed(&issuer(), &notices, &later).entries.into_iter().map(|e| e.title).collect();
        assert_eq!(cap, ["夜祭 3"]);
    }

    #[test]
    fn entry_ids_are_tag_uris_dated_in_tokyo() {
        let feed = notice_feed(&issuer(), &FeedScope::default(), &[notice(5, "event")], &listing());
        // 16:00 UTC on 30 November is already 1 December in Tokyo.
        assert_eq!(feed.entries[0].id, "tag:kizuna.example.jp,2026-12-01:notice:5");
    }

    #[test]
    fn drills_are_labelled_in_the_feed_title() {
        let mut drill = notice(6, "event");
        drill.exercise = true;
        let feed = notice_feed(&issuer(), &FeedScope::default(), &[drill], &listing());
        assert_eq!(feed.entries[0].title, "【訓練】夜祭 6");
    }

    #[test]
    fn the_cap_index_links_each_current_alert_to_its_cap_document() {
        let mut expired = notice(8, "event");
        expired.expires = Some(listing().now - Duration::minutes(1));
        let mut current = notice(9, "event");
        current.expires = Some(listing().now + Duration::hours(1));
        let feed = cap_index_feed(&issuer(), &[expired, current], &listing());
        assert_eq!(feed.entries.len(), 1);
        assert_eq!(
            feed.entries[0].links[0],
            AtomLink {
                rel: "alternate",
                href: "https://kizuna.example.jp/notices/9/cap.xml".into(),
                media_type: Some("application/cap+xml"),
            }
        );
        assert_eq!(feed.entries[0].id, "tag:kizuna.example.jp,2026-12-01:cap:kizuna.example.jp.notice.9");
    }

    #[test]
    fn an_empty_feed_is_updated_now_and_a_full_one_at_its_newest_entry() {
        let empty = cap_index_feed(&issuer(), &[], &listing());
        assert_eq!(empty.updated, listing().now);
        let mut newer = notice(2, "event");
        newer.sent = sent() + Duration::hours(2);
        let full = notice_feed(&issuer(), &FeedScope::default(), &[newer, notice(1, "event")], &listing());
        assert_eq!(full.updated, sent() + Duration::hours(2));
    }
}
