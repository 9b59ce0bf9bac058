//! Pieces of notice text shared by every kind of JMA report: town lists, titles that
//! fit a phone's subject line, times and the closing source line.

use chrono::{DateTime, Utc};

use super::{Context, JmaArea};
use crate::text::NoticeTitle;
use crate::time::{format_en, format_ja, to_tokyo};

/// Text from a report made safe for one line: control characters become spaces and
/// direction overrides, which could disguise a title, are dropped.
pub(super) fn one_line(text: &str) -> String {
    let spaced: String =
        text.chars().filter(|c| !is_direction_control(*c)).map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split(' ').filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The same for several lines: line feeds stay.
fn lines(text: &str) -> String {
    text.lines().map(one_line).filter(|line| !line.trim().is_empty()).collect::<Vec<_>>().join("\n")
}

fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `秩父市・横瀬町`.
pub(super) fn towns_ja(area: &JmaArea, towns: &[usize]) -> String {
    towns.iter().filter_map(|i| area.towns.get(*i)).map(|t| t.name_ja.as_str()).collect::<Vec<_>>().join("・")
}

/// `Chichibu City, Yokoze Town`.
pub(super) fn towns_en(area: &JmaArea, towns: &[usize]) -> String {
    towns.iter().filter_map(|i| area.towns.get(*i)).map(|t| t.name_en.as_str()).collect::<Vec<_>>().join(", ")
}

/// `{what}（{where}）`, shortened to the first town and a count when it would not
/// fit, and to `fallback` when even that is too long.
pub(super) fn title_ja(what: &str, fallback: &str, area: &JmaArea, towns: &[usize]) -> String {
    let all = format!("{what}（{}）", towns_ja(area, towns));
    if fits(&all) {
        return all;
    }
    let first = towns_ja(area, &towns[..towns.len().min(1)]);
    let short_where = if towns.len() > 1 { format!("{first}ほか{}市町", towns.len() - 1) } else { first };
    [format!("{what}（{short_where}）"), format!("{fallback}（{short_where}）")]
        .into_iter()
        .find(|title| fits(title))
        .unwrap_or_else(|| fallback.to_owned())
}

/// `{what}: {where}`, with the same shortening.
pub(super) fn title_en(what: &str, fallback: &str, area: &JmaArea, towns: &[usize]) -> String {
    let all = format!("{what}: {}", towns_en(area, towns));
    if fits(&all) {
        return all;
    }
    let first = towns_en(area, &towns[..towns.len().min(1)]);
    let short_where = if towns.len() > 1 { format!("{first} and {} more", towns.len() - 1) } else { first };
    [format!("{what}: {short_where}"), format!("{fallback}: {short_where}")]
        .into_iter()
        .find(|title| fits(title))
        .unwrap_or_else(|| fallback.to_owned())
}

fn fits(title: &str) -> bool {
    title.chars().count() <= NoticeTitle::MAX
}

/// `（熊谷地方気象台　2026年7月1日 14:05発表「埼玉県気象警報・注意報」）`.
pub(super) fn source_ja(context: &Context<'_>) -> String {
    let offices = context.report.control.publishing_offices.clone();
    let offices: Vec<String> = offices.into();
    let offices = if offices.is_empty() { "気象庁".to_owned() } else { one_line(&offices.join("・")) };
    format!("（{offices} {}発表「{}」）", format_ja(context.info.reported_at), context.info.title)
}

pub(super) fn source_en(context: &Context<'_>) -> String {
    format!("(Japan Meteorological Agency, {}, issued {})", context.info.title, format_en(context.info.reported_at))
}

/// JMA's own headline, tidied and kept short.
pub(super) fn headline(context: &Context<'_>) -> Option<String> {
    let text = context.report.head.headline.text.trim();
    if text.is_empty() {
        return None;
    }
    let text = lines(text);
    let mut short: String = text.chars().take(600).collect();
    if short.chars().count() < text.chars().count() {
        short.push('…');
    }
    Some(short)
}

/// `11日05時07分ごろ`.
pub(super) fn quake_time_ja(at: DateTime<Utc>) -> String {
    to_tokyo(at).format("%-m月%-d日%H時%M分ごろ").to_string()
}

/// `about 05:07 JST on 11 Aug 2009`.
pub(super) fn quake_time_en(at: DateTime<Utc>) -> String {
    to_tokyo(at).format("about %H:%M JST on %-d %b %Y").to_string()
}

pub(super) fn valid_until_ja(at: DateTime<Utc>) -> String {
    to_tokyo(at).format("%-d日%H時%M分").to_string()
}

pub(super) fn valid_until_en(at: DateTime<Utc>) -> String {
    to_tokyo(at).format("%H:%M JST").to_string()
}
