//! How a notice will look on a resident's phone before it goes out: the subject
//! and text of the plain mail as an old phone shows it (ISO-2022-JP, JIS X 0208
//! only), every character that cannot go as typed marked with what it becomes,
//! the length, and the HTML mail's text.

use kizuna_core::Lang;
use kizuna_core::notice::subject_line;
use kizuna_core::text::NoticeBody;
use kizuna_mail::iso2022jp::to_jis_x0208_text;

/// A run of the text: as typed, or a character that changes on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    /// What the phone shows instead; empty when the character is dropped.
    pub becomes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonePreview {
    /// The subject as typed (with 【訓練】 for a drill), its changes marked.
    pub subject: Vec<Piece>,
    /// The text line by line, its changes marked.
    pub lines: Vec<Vec<Piece>>,
    /// Characters of the text as the phone shows it.
    pub characters: usize,
    /// Characters that change or are dropped, once each, with what they become.
    pub changes: Vec<(String, String)>,
    /// The HTML mail's text (escaped, links made), shown inside the preview.
    pub html: String,
    /// The mail will carry each resident's two check-in links after the text.
    pub check_in: bool,
}

impl PhonePreview {
    pub fn with_check_in(mut self, check_in: bool) -> Self {
        self.check_in = check_in;
        self
    }
}

/// Both wave dashes and the minus sign come back from a phone's decoder as their
/// full-width forms: the same look, so not a change staff should be shown.
fn looks_the_same(typed: char, shown: &str) -> bool {
    let mut chars = shown.chars();
    match (chars.next(), chars.next()) {
        (Some(shown), None) => {
            shown == typed || matches!((typed, shown), ('\u{301c}', '\u{ff5e}') | ('\u{2212}', '\u{ff0d}'))
        }
        _ => false,
    }
}

fn pieces(text: &str, changes: &mut Vec<(String, String)>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for c in text.chars() {
        let shown = to_jis_x0208_text(c.encode_utf8(&mut [0u8; 4]));
        if looks_the_same(c, &shown) {
            match out.last_mut() {
                Some(last) if last.becomes.is_none() => last.text.push(c),
                _ => out.push(Piece { text: c.to_string(), becomes: None }),
            }
        } else {
            if !changes.iter().any(|(typed, _)| typed.starts_with(c)) {
                changes.push((c.to_string(), shown.clone()));
            }
            out.push(Piece { text: c.to_string(), becomes: Some(shown) });
        }
    }
    out
}

pub fn phone_preview(title: &str, body: &str, exercise: bool, lang: Lang) -> PhonePreview {
    let mut changes = Vec::new();
    let subject = pieces(&subject_line(title, exercise, lang), &mut changes);
    let lines: Vec<Vec<Piece>> = body.lines().map(|line| pieces(line, &mut changes)).collect();
    let characters = to_jis_x0208_text(body).chars().filter(|c| *c != '\n').count();
    let html = NoticeBody::parse(body).map(|b| kizuna_mail::render::body_html(&b)).unwrap_or_default();
    PhonePreview { subject, lines, characters, changes, html, check_in: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_an_old_phone_cannot_show_are_marked_with_what_it_shows() {
        let preview = phone_preview("断水①のお知らせ", "髙橋さん宅付近\n～10時まで😀", false, Lang::JA);
        let marked: Vec<(&str, &str)> = preview
            .subject
            .iter()
            .chain(preview.lines.iter().flatten())
            .filter_map(|p| p.becomes.as_deref().map(|b| (p.text.as_str(), b)))
            .collect();
        assert_eq!(marked, [("①", "(1)"), ("髙", "高"), ("😀", "")]);
        assert_eq!(preview.changes.len(), 3);
        assert!(preview.lines[1][0].becomes.is_none(), "a wave dash looks the same and is not flagged");
    }

    #[test]
    fn a_drill_subject_carries_its_mark_and_the_html_text_is_escaped() {
        let preview = phone_preview("避難訓練", "<b>集合</b> https://example.jp/", true, Lang::JA);
        let subject: String = preview.subject.iter().map(|p| p.text.as_str()).collect();
        assert!(subject.starts_with("【訓練】"), "{subject}");
        assert!(preview.html.contains("&lt;b&gt;"));
        assert!(preview.html.contains("<a href=\"https://example.jp/\">"));
    }
}
