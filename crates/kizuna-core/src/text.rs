//! Free text that staff and residents write: titles and bodies, checked for length
//! and for control characters that would break a mail or a page.

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

use crate::lang::{Explain, Lang};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TextError {
    #[error("{field} is empty")]
    Empty { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} contains control characters")]
    ControlCharacters { field: &'static str },
}

impl TextError {
    fn field_ja(field: &str) -> &'static str {
        match field {
            "title" => "件名",
            "body" => "本文",
            "title_en" => "英語の件名",
            "body_en" => "英語の本文",
            _ => "入力",
        }
    }
}

impl Explain for TextError {
    fn explain(&self, lang: Lang) -> String {
        match (self, lang) {
            (TextError::Empty { field }, Lang::Ja) => format!("{}を入力してください。", Self::field_ja(field)),
            (TextError::TooLong { field, max }, Lang::Ja) => {
                format!("{}は{max}文字以内にしてください。", Self::field_ja(field))
            }
            (TextError::ControlCharacters { field }, Lang::Ja) => {
                format!("{}に使えない制御文字が含まれています。", Self::field_ja(field))
            }
            (error, Lang::En) => format!("The {error}."),
        }
    }
}

/// Normalises line ends and checks a text. Tabs and line feeds are allowed only
/// where `multiline` says so.
fn clean(input: &str, field: &'static str, max: usize, multiline: bool) -> Result<String, TextError> {
    let text: String = input.replace("\r\n", "\n").replace('\r', "\n").nfc().collect();
    let text = if multiline { text.trim_end().to_owned() } else { text.trim().to_owned() };
    if text.trim().is_empty() {
        return Err(TextError::Empty { field });
    }
    if text.chars().count() > max {
        return Err(TextError::TooLong { field, max });
    }
    let bad = text.chars().any(|c| {
        let allowed_space = multiline && (c == '\n' || c == '\t');
        (c.is_control() && !allowed_space) || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    if bad {
        return Err(TextError::ControlCharacters { field });
    }
    Ok(text)
}

/// A notice's title: one line, at most 100 characters (a subject an old phone shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeTitle(String);

impl NoticeTitle {
    pub const MAX: usize = 100;

    pub fn parse(input: &str) -> Result<Self, TextError> {
        Self::parse_field(input, "title")
    }

    pub fn parse_field(input: &str, field: &'static str) -> Result<Self, TextError> {
        clean(input, field, Self::MAX, false).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A notice's body: several lines, at most 10,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeBody(String);

impl NoticeBody {
    pub const MAX: usize = 10_000;

    pub fn parse(input: &str) -> Result<Self, TextError> {
        Self::parse_field(input, "body")
    }

    pub fn parse_field(input: &str, field: &'static str) -> Result<Self, TextError> {
        clean(input, field, Self::MAX, true).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Folds text for search: NFKC (so ﾀﾞﾝｽｲ finds ダンスイ and ＡＢＣ finds abc) and lower case.
pub fn search_fold(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_single_lines_without_controls() {
        assert_eq!(NoticeTitle::parse("  断水のお知らせ ").map(|t| t.0), Ok("断水のお知らせ".into()));
        assert_eq!(NoticeTitle::parse("a\nb"), Err(TextError::ControlCharacters { field: "title" }));
        assert_eq!(NoticeTitle::parse("a\u{7}b"), Err(TextError::ControlCharacters { field: "title" }));
        assert_eq!(NoticeTitle::parse("evil\u{202e}txt"), Err(TextError::ControlCharacters { field: "title" }));
        assert_eq!(NoticeTitle::parse("  "), Err(TextError::Empty { field: "title" }));
        assert_eq!(NoticeTitle::parse(&"あ".repeat(101)), Err(TextError::TooLong { field: "title", max: 100 }));
        assert!(NoticeTitle::parse(&"あ".repeat(100)).is_ok());
    }

    #[test]
    fn bodies_keep_lines_and_normalise_line_ends() {
        assert_eq!(NoticeBody::parse("一行目\r\n二行目\r\n").map(|b| b.0), Ok("一行目\n二行目".into()));
        assert_eq!(NoticeBody::parse("a\0b"), Err(TextError::ControlCharacters { field: "body" }));
        assert!(TextError::Empty { field: "body" }.explain(Lang::Ja).contains("本文"));
    }
}
