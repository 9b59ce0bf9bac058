//! CAP 1.2 (OASIS Common Alerting Protocol) documents for published notices, the
//! view of a notice that the CAP and Atom renderers read, and who may see it.
//!
//! One notice is one CAP message. A correction is a new notice, so it is an `Update`
//! with its own identifier that references the notice it corrects; a withdrawal is a
//! `Cancel` of the same notice under a second identifier, so the identifier is stable
//! and unique for each version a reader can see.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use thiserror::Error;

use crate::codes::{CategoryKey, MunicipalityCode};
use crate::consortium::{Category, Municipality};
use crate::email::EmailAddress;
use crate::lang::Lang;
use crate::notice::Urgency;
use crate::texts;
use crate::time::rfc3339_tokyo;
use crate::xml::XmlWriter;

pub const CAP_NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";
pub const CAP_MEDIA_TYPE: &str = "application/cap+xml";

/// The `valueName` of the geocode that carries a municipality's 全国地方公共団体コード
/// (six digits, check digit included). CAP leaves the name to the issuer; Japan has no
/// registered one, so it says what the value is.
pub const GEOCODE_LOCAL_GOVERNMENT_CODE: &str = "LocalGovernmentCode";

/// The `valueName` of the event code that carries Kizuna's own category key.
pub const EVENT_CODE_CATEGORY: &str = "KizunaCategory";

/// The category whose notices leave public lists after a number of days: families
/// agree to an obituary being shown for the funeral, not kept for ever.
pub const OBITUARY_CATEGORY: &str = "obituary";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CapError {
    #[error("a CAP sender may not contain spaces, commas, '<' or '&': {0:?}")]
    Sender(String),
    #[error("the base URL must be an absolute http(s) URL with a host name and no query: {0:?}")]
    BaseUrl(String),
    #[error("notices of the restricted category {0} are never published")]
    RestrictedCategory(String),
    #[error("a CAP {0} must reference the message it corrects or withdraws")]
    MissingReferences(CapMsgType),
}

/// Who issues Kizuna's CAP messages and where its public pages live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapIssuer {
    sender: String,
    host: String,
    base_url: String,
    name_ja: String,
    name_en: String,
}

impl CapIssuer {
    /// `sender` is the address CAP names as the originator (e.g. `info@` the mail
    /// domain); `base_url` is `KIZUNA_BASE_URL`, whose host name makes identifiers
    /// unique across Kizuna installations; the names are the consortium's.
    pub fn new(sender: &EmailAddress, base_url: &str, name_ja: &str, name_en: &str) -> Result<Self, CapError> {
        let sender = sender.as_str();
        // CAP 1.2 §3.2.1: sender and identifier have no spaces, commas or restricted characters.
        if sender.chars().any(|c| c.is_whitespace() || matches!(c, ',' | '<' | '&')) {
            return Err(CapError::Sender(sender.to_owned()));
        }
        let (base_url, host) = parse_base_url(base_url).ok_or_else(|| CapError::BaseUrl(base_url.to_owned()))?;
        Ok(Self {
            sender: sender.to_owned(),
            host,
            base_url,
            name_ja: name_ja.trim().to_owned(),
            name_en: name_en.trim().to_owned(),
        })
    }

    pub fn sender(&self) -> &str {
        &self.sender
    }

    /// The host name of the base URL, lower-cased and without a port.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The base URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn name(&self, lang: Lang) -> &str {
        crate::lang::content(lang, &self.name_ja, Some(&self.name_en)).1
    }

    /// The CAP identifier of a notice's message: its alert or correction, or, for a
    /// `Cancel`, the withdrawal that follows it.
    pub fn identifier(&self, notice_id: i64, msg_type: CapMsgType) -> String {
        match msg_type {
            CapMsgType::Alert | CapMsgType::Update => format!("{}.notice.{notice_id}", self.host),
            CapMsgType::Cancel => format!("{}.notice.{notice_id}.cancel", self.host),
        }
    }

    /// A reference to the alert or correction that notice `notice_id` sent at `sent`.
    pub fn reference(&self, notice_id: i64, sent: DateTime<Utc>) -> CapReference {
        CapReference { sender: self.sender.clone(), identifier: self.identifier(notice_id, CapMsgType::Alert), sent }
    }

    /// `/notices/{id}`, the page a resident reads.
    pub fn notice_url(&self, notice_id: i64) -> String {
        format!("{}/notices/{notice_id}", self.base_url)
    }

    /// `/notices/{id}/cap.xml`.
    pub fn cap_url(&self, notice_id: i64) -> String {
        format!("{}/notices/{notice_id}/cap.xml", self.base_url)
    }
}

/// Splits `https://host[:port][/path]` into the URL without a trailing slash and the
/// lower-cased host. Identifiers are built from the host, so it must be a plain name.
fn parse_base_url(input: &str) -> Option<(String, String)> {
    let url = input.trim().trim_end_matches('/');
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let url_safe = |c: char| c.is_ascii_graphic() && !"<>\"'{}|\\^`?#,&".contains(c);
    if !url.chars().all(url_safe) {
        return None;
    }
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return None,
        None => authority,
    };
    let host_ok = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-']);
    host_ok.then(|| (url.to_owned(), host.to_ascii_lowercase()))
}

/// CAP `msgType`: what a message does to earlier ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapMsgType {
    /// A notice as first sent.
    Alert,
    /// A correction (訂正) that supersedes earlier messages.
    Update,
    /// A withdrawal (撤回) of earlier messages.
    Cancel,
}

impl CapMsgType {
    pub fn as_str(self) -> &'static str {
        match self {
            CapMsgType::Alert => "Alert",
            CapMsgType::Update => "Update",
            CapMsgType::Cancel => "Cancel",
        }
    }
}

impl fmt::Display for CapMsgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An earlier message, written `sender,identifier,sent` as CAP's `references` wants.
/// Made by [`CapIssuer::reference`] so that it names exactly what Kizuna published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapReference {
    sender: String,
    identifier: String,
    sent: DateTime<Utc>,
}

impl CapReference {
    pub fn identifier(&self) -> &str {
        &self.identifier
    }

    pub fn sent(&self) -> DateTime<Utc> {
        self.sent
    }
}

impl fmt::Display for CapReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{}", self.sender, self.identifier, rfc3339_tokyo(self.sent))
    }
}

/// A municipality a notice is for, as a CAP `area`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapArea {
    pub code: MunicipalityCode,
    pub name_ja: String,
    pub name_en: String,
}

impl CapArea {
    pub fn name(&self, lang: Lang) -> &str {
        crate::lang::content(lang, &self.name_ja, Some(&self.name_en)).1
    }
}

impl From<&Municipality> for CapArea {
    fn from(municipality: &Municipality) -> Self {
        Self {
            code: municipality.code.clone(),
            name_ja: municipality.name_ja.clone(),
            name_en: municipality.name_en.clone(),
        }
    }
}

/// A published notice as CAP and Atom show it. The caller builds it from the stored
/// notice: `msg_type` is `Update` when the notice corrects another and `Cancel` when
/// it was withdrawn; `sent` is when this message went out (the withdrawal time for a
/// `Cancel`); `references` name the earlier messages, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct CapNotice {
    pub id: i64,
    pub msg_type: CapMsgType,
    pub references: Vec<CapReference>,
    pub sent: DateTime<Utc>,
    /// A drill (訓練): CAP status `Exercise` and 【訓練】 before the title.
    pub exercise: bool,
    pub category: Category,
    pub urgency: Urgency,
    pub title: String,
    pub body: String,
    pub title_en: Option<String>,
    pub body_en: Option<String>,
    pub expires: Option<DateTime<Utc>>,
    pub areas: Vec<CapArea>,
}

impl CapNotice {
    pub fn has_english(&self) -> bool {
        self.title_en.is_some() || self.body_en.is_some()
    }

    /// When the matter was first published: the oldest referenced message, or this one.
    pub fn first_published(&self) -> DateTime<Utc> {
        self.references.iter().map(CapReference::sent).fold(self.sent, DateTime::min)
    }

    /// Whether residents may find this notice in public lists and feeds at `now`.
    pub fn is_publicly_listable(&self, now: DateTime<Utc>, obituary_days: u32) -> bool {
        is_publicly_listable(
            self.category.restricted,
            self.category.key.as_str(),
            self.first_published(),
            now,
            obituary_days,
        )
    }

    /// Whether the notice has expired by `now`; a notice without `expires` never does.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires.is_some_and(|expires| expires <= now)
    }

    /// The title with the labels a reader must see first: 【訓練】 for a drill, then
    /// 【訂正】 or 【撤回】. English falls back to the Japanese title when there is none.
    pub fn display_title(&self, lang: Lang) -> String {
        let (_, title) = crate::lang::content(lang, &self.title, self.title_en.as_deref());
        let mut out = String::new();
        if self.exercise {
            out.push_str(&texts::text(lang, "cap-title-drill"));
        }
        match self.msg_type {
            CapMsgType::Alert => {}
            CapMsgType::Update => out.push_str(&texts::text(lang, "cap-title-correction")),
            CapMsgType::Cancel => out.push_str(&texts::text(lang, "cap-title-withdrawn")),
        }
        out.push_str(title);
        out
    }

    /// `senderName`: the municipalities the notice is for, or the consortium.
    fn sender_name(&self, issuer: &CapIssuer, lang: Lang) -> String {
        if self.areas.is_empty() {
            return issuer.name(lang).to_owned();
        }
        let names: Vec<&str> = self.areas.iter().map(|area| area.name(lang)).collect();
        names.join(&texts::text(lang, "cap-sender-separator"))
    }
}

/// Whether a notice may appear in the public archive, feeds and CAP output at `now`.
/// Restricted (staff-only) categories never do; obituaries leave once they are older
/// than `obituary_days`.
pub fn is_publicly_listable(
    category_restricted: bool,
    category_key: &str,
    sent_at: DateTime<Utc>,
    now: DateTime<Utc>,
    obituary_days: u32,
) -> bool {
    if category_restricted {
        return false;
    }
    category_key != OBITUARY_CATEGORY || now - sent_at <= Duration::days(i64::from(obituary_days))
}

/// The CAP categories Kizuna's categories map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapCategory {
    /// Meteorological.
    Met,
    /// General emergency and public safety.
    Safety,
    /// Law enforcement and local security.
    Security,
    Other,
}

impl CapCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            CapCategory::Met => "Met",
            CapCategory::Safety => "Safety",
            CapCategory::Security => "Security",
            CapCategory::Other => "Other",
        }
    }
}

/// Maps a Kizuna category to CAP's:
///
/// | Kizuna                      | CAP        |
/// |-----------------------------|------------|
/// | `disaster` 防災情報         | `Safety`   |
/// | `weather` 気象情報          | `Met`      |
/// | `crime` 防犯情報            | `Security` |
/// | anything else (お知らせ, イベント, お悔やみ, categories a consortium adds) | `Other` |
pub fn cap_category(key: &CategoryKey) -> CapCategory {
    match key.as_str() {
        "disaster" => CapCategory::Safety,
        "weather" => CapCategory::Met,
        "crime" => CapCategory::Security,
        _ => CapCategory::Other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapUrgency {
    Immediate,
    Future,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapSeverity {
    Severe,
    Moderate,
    Minor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapCertainty {
    Likely,
    Possible,
    Unknown,
}

impl CapUrgency {
    pub fn as_str(self) -> &'static str {
        match self {
            CapUrgency::Immediate => "Immediate",
            CapUrgency::Future => "Future",
            CapUrgency::Unknown => "Unknown",
        }
    }
}

impl CapSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            CapSeverity::Severe => "Severe",
            CapSeverity::Moderate => "Moderate",
            CapSeverity::Minor => "Minor",
        }
    }
}

impl CapCertainty {
    pub fn as_str(self) -> &'static str {
        match self {
            CapCertainty::Likely => "Likely",
            CapCertainty::Possible => "Possible",
            CapCertainty::Unknown => "Unknown",
        }
    }
}

/// CAP's three required gradings of an `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CapGrading {
    pub urgency: CapUrgency,
    pub severity: CapSeverity,
    pub certainty: CapCertainty,
}

/// Grades a notice from what Kizuna knows: whether staff sent it as an emergency
/// (緊急) and whether its category is an emergency one. Kizuna does not know whether
/// a hazard was observed, so certainty never claims `Observed`.
///
/// | notice                                   | urgency     | severity   | certainty  |
/// |------------------------------------------|-------------|------------|------------|
/// | emergency, any category                  | `Immediate` | `Severe`   | `Likely`   |
/// | normal, emergency category (防災, 気象)  | `Future`    | `Moderate` | `Possible` |
/// | normal, other category                   | `Unknown`   | `Minor`    | `Unknown`  |
pub fn cap_grading(urgency: Urgency, emergency_category: bool) -> CapGrading {
    match (urgency, emergency_category) {
        (Urgency::Emergency, _) => CapGrading {
            urgency: CapUrgency::Immediate,
            severity: CapSeverity::Severe,
            certainty: CapCertainty::Likely,
        },
        (Urgency::Normal, true) => CapGrading {
            urgency: CapUrgency::Future,
            severity: CapSeverity::Moderate,
            certainty: CapCertainty::Possible,
        },
        (Urgency::Normal, false) => {
            CapGrading { urgency: CapUrgency::Unknown, severity: CapSeverity::Minor, certainty: CapCertainty::Unknown }
        }
    }
}

/// The CAP 1.2 document of one notice (`/notices/{id}/cap.xml`): one `info` in
/// Japanese and, when the notice has English text, one in English.
///
/// The caller decides whether the notice is public at all (see
/// [`is_publicly_listable`]); a restricted category is refused here as well, so a
/// mistake in a query cannot publish staff-only text.
pub fn render_cap(issuer: &CapIssuer, notice: &CapNotice) -> Result<String, CapError> {
    if notice.category.restricted {
        return Err(CapError::RestrictedCategory(notice.category.key.to_string()));
    }
    if notice.msg_type != CapMsgType::Alert && notice.references.is_empty() {
        return Err(CapError::MissingReferences(notice.msg_type));
    }
    let mut xml = XmlWriter::new();
    xml.open("alert", &[("xmlns", CAP_NAMESPACE)]);
    xml.text("identifier", &[], &issuer.identifier(notice.id, notice.msg_type));
    xml.text("sender", &[], issuer.sender());
    xml.text("sent", &[], &rfc3339_tokyo(notice.sent));
    xml.text("status", &[], if notice.exercise { "Exercise" } else { "Actual" });
    xml.text("msgType", &[], notice.msg_type.as_str());
    xml.text("scope", &[], "Public");
    // The note belongs to the whole alert, not to one language's <info>: it is
    // written in Japanese and English side by side.
    let both = |key: &str| format!("{} {}", texts::text(Lang::JA, key), texts::text(Lang::EN, key));
    let mut note = Vec::new();
    if notice.exercise {
        note.push(both("cap-note-drill"));
    }
    match notice.msg_type {
        CapMsgType::Alert => {}
        CapMsgType::Update => note.push(both("cap-note-update")),
        CapMsgType::Cancel => note.push(both("cap-note-cancel")),
    }
    if !note.is_empty() {
        xml.text("note", &[], &note.join("\n"));
    }
    if !notice.references.is_empty() {
        let references: Vec<String> = notice.references.iter().map(ToString::to_string).collect();
        xml.text("references", &[], &references.join(" "));
    }
    write_info(&mut xml, issuer, notice, Lang::JA);
    if notice.has_english() {
        write_info(&mut xml, issuer, notice, Lang::EN);
    }
    xml.close("alert");
    Ok(xml.finish())
}

fn write_info(xml: &mut XmlWriter, issuer: &CapIssuer, notice: &CapNotice, lang: Lang) {
    let grading = cap_grading(notice.urgency, notice.category.emergency);
    xml.open("info", &[]);
    xml.text("language", &[], &texts::text(lang, "locale-cap"));
    xml.text("category", &[], cap_category(&notice.category.key).as_str());
    xml.text("event", &[], notice.category.name(lang));
    xml.text("urgency", &[], grading.urgency.as_str());
    xml.text("severity", &[], grading.severity.as_str());
    xml.text("certainty", &[], grading.certainty.as_str());
    xml.open("eventCode", &[]);
    xml.text("valueName", &[], EVENT_CODE_CATEGORY);
    xml.text("value", &[], notice.category.key.as_str());
    xml.close("eventCode");
    if let Some(expires) = notice.expires {
        xml.text("expires", &[], &rfc3339_tokyo(expires));
    }
    xml.text("senderName", &[], &notice.sender_name(issuer, lang));
    // An English info without an English title has no headline rather than a Japanese one.
    if lang == Lang::JA || notice.title_en.is_some() {
        xml.text("headline", &[], &notice.display_title(lang));
    }
    // Each <info> holds one stored version of the notice: Japanese, and English when written.
    let description = if lang == Lang::JA { Some(notice.body.as_str()) } else { notice.body_en.as_deref() };
    if let Some(description) = description {
        xml.text("description", &[], description);
    }
    xml.text("web", &[], &issuer.notice_url(notice.id));
    for area in &notice.areas {
        xml.open("area", &[]);
        xml.text("areaDesc", &[], area.name(lang));
        xml.open("geocode", &[]);
        xml.text("valueName", &[], GEOCODE_LOCAL_GOVERNMENT_CODE);
        xml.text("value", &[], area.code.as_str());
        xml.close("geocode");
        xml.close("area");
    }
    xml.close("info");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, h, m, 0).single().unwrap()
    }

    fn issuer() -> CapIssuer {
        let sender = EmailAddress::parse("info@mail.kizuna.example.jp").unwrap();
        CapIssuer::new(&sender, "https://Kizuna.Example.jp:8443/", "秩父圏域", "Chichibu Region").unwrap()
    }

    fn category(key: &str, emergency: bool, restricted: bool) -> Category {
        Category {
            key: CategoryKey::parse(key).unwrap(),
            name_ja: "防災情報".into(),
            name_en: "Disaster prevention".into(),
            emergency,
            restricted,
        }
    }

    fn notice() -> CapNotice {
        CapNotice {
            id: 42,
            msg_type: CapMsgType::Alert,
            references: vec![],
            sent: at(5, 0),
            exercise: false,
            category: category("disaster", true, false),
            urgency: Urgency::Emergency,
            title: "避難指示 <荒川> & 赤平川".into(),
            body: "本文".into(),
            title_en: None,
            body_en: None,
            expires: None,
            areas: vec![CapArea {
                code: MunicipalityCode::parse("112071").unwrap(),
                name_ja: "秩父市".into(),
                name_en: "Chichibu City".into(),
            }],
        }
    }

    #[test]
    fn the_issuer_takes_its_identity_from_the_base_url_host() {
        let issuer = issuer();
        assert_eq!(issuer.host(), "kizuna.example.jp");
        assert_eq!(issuer.base_url(), "https://Kizuna.Example.jp:8443");
        assert_eq!(issuer.cap_url(7), "https://Kizuna.Example.jp:8443/notices/7/cap.xml");
        assert_eq!(issuer.identifier(7, CapMsgType::Alert), "kizuna.example.jp.notice.7");
        assert_eq!(issuer.identifier(7, CapMsgType::Update), "kizuna.example.jp.notice.7");
        assert_eq!(issuer.identifier(7, CapMsgType::Cancel), "kizuna.example.jp.notice.7.cancel");
    }

    #[test]
    fn base_urls_that_cannot_name_an_issuer_are_refused() {
        let sender = EmailAddress::parse("info@kizuna.example.jp").unwrap();
        for bad in
            ["kizuna.example.jp", "ftp://x.jp", "https://", "https://a b.jp", "https://x.jp/?a=1", "https://x.jp:ab"]
        {
            assert_eq!(
                CapIssuer::new(&sender, bad, "a", "b"),
                Err(CapError::BaseUrl(bad.to_owned())),
                "{bad} should be refused"
            );
        }
        assert!(CapIssuer::new(&sender, "http://127.0.0.1:8080", "a", "b").is_ok());
    }

    #[test]
    fn a_sender_with_a_character_cap_forbids_is_refused() {
        let sender = EmailAddress::parse("a&b@kizuna.example.jp").unwrap();
        assert_eq!(
            CapIssuer::new(&sender, "https://kizuna.example.jp", "a", "b"),
            Err(CapError::Sender("a&b@kizuna.example.jp".into()))
        );
    }

    #[test]
    fn references_are_sender_identifier_and_sent_in_tokyo_time() {
        let reference = issuer().reference(41, at(3, 30));
        assert_eq!(
            reference.to_string(),
            "info@mail.kizuna.example.jp,kizuna.example.jp.notice.41,2026-11-25T12:30:00+09:00"
        );
    }

    #[test]
    fn kizuna_categories_map_to_cap_categories() {
        let map = |key: &str| cap_category(&CategoryKey::parse(key).unwrap());
        assert_eq!(map("disaster"), CapCategory::Safety);
        assert_eq!(map("weather"), CapCategory::Met);
        assert_eq!(map("crime"), CapCategory::Security);
        for key in ["notice", "event", "obituary", "staff", "bus_timetable"] {
            assert_eq!(map(key), CapCategory::Other, "{key}");
        }
    }

    #[test]
    fn emergencies_are_immediate_and_everyday_notices_minor() {
        let emergency = cap_grading(Urgency::Emergency, false);
        assert_eq!(
            (emergency.urgency, emergency.severity, emergency.certainty),
            (CapUrgency::Immediate, CapSeverity::Severe, CapCertainty::Likely)
        );
        let advisory = cap_grading(Urgency::Normal, true);
        assert_eq!(
            (advisory.urgency, advisory.severity, advisory.certainty),
            (CapUrgency::Future, CapSeverity::Moderate, CapCertainty::Possible)
        );
        let everyday = cap_grading(Urgency::Normal, false);
        assert_eq!(
            (everyday.urgency, everyday.severity, everyday.certainty),
            (CapUrgency::Unknown, CapSeverity::Minor, CapCertainty::Unknown)
        );
    }

    #[test]
    fn staff_only_categories_are_never_listed() {
        assert!(!is_publicly_listable(true, "staff", at(5, 0), at(6, 0), 30));
        assert!(is_publicly_listable(false, "disaster", at(5, 0) - Duration::days(3650), at(6, 0), 30));
    }

    #[test]
    fn obituaries_leave_public_lists_after_the_configured_days() {
        let sent = at(5, 0);
        assert!(is_publicly_listable(false, "obituary", sent, sent + Duration::days(7), 7));
        assert!(!is_publicly_listable(false, "obituary", sent, sent + Duration::days(7) + Duration::seconds(1), 7));
        assert!(!is_publicly_listable(false, "obituary", sent, sent + Duration::days(1), 0));
    }

    #[test]
    fn a_withdrawn_obituary_ages_from_its_first_publication() {
        let mut obituary = notice();
        obituary.category = category("obituary", false, false);
        obituary.msg_type = CapMsgType::Cancel;
        obituary.sent = at(5, 0) + Duration::days(10);
        obituary.references = vec![issuer().reference(42, at(5, 0))];
        assert_eq!(obituary.first_published(), at(5, 0));
        assert!(!obituary.is_publicly_listable(at(5, 0) + Duration::days(10), 7));
    }

    #[test]
    fn the_cap_document_states_tokyo_time_and_escapes_the_title() {
        let xml = render_cap(&issuer(), &notice()).unwrap();
        assert!(xml.contains("<sent>2026-11-25T14:00:00+09:00</sent>"), "{xml}");
        assert!(xml.contains("<headline>避難指示 &lt;荒川&gt; &amp; 赤平川</headline>"), "{xml}");
        assert!(xml.contains("<status>Actual</status>"), "{xml}");
        assert!(!xml.contains("en-US"), "{xml}");
    }

    #[test]
    fn a_restricted_notice_is_refused_even_if_a_query_lets_it_through() {
        let mut staff = notice();
        staff.category = category("staff", false, true);
        assert_eq!(render_cap(&issuer(), &staff), Err(CapError::RestrictedCategory("staff".into())));
    }

    #[test]
    fn a_correction_without_a_reference_is_refused() {
        let mut update = notice();
        update.msg_type = CapMsgType::Update;
        assert_eq!(render_cap(&issuer(), &update), Err(CapError::MissingReferences(CapMsgType::Update)));
    }

    #[test]
    fn titles_carry_drill_and_correction_labels_in_each_language() {
        let mut drill = notice();
        drill.exercise = true;
        drill.msg_type = CapMsgType::Update;
        drill.title = "避難訓練".into();
        drill.title_en = Some("Evacuation drill".into());
        assert_eq!(drill.display_title(Lang::JA), "【訓練】【訂正】避難訓練");
        assert_eq!(drill.display_title(Lang::EN), "[Drill] [Correction] Evacuation drill");
        drill.title_en = None;
        drill.msg_type = CapMsgType::Cancel;
        assert_eq!(drill.display_title(Lang::EN), "[Drill] [Withdrawn] 避難訓練");
    }
}
