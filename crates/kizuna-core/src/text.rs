//! Free text that staff and residents write: titles and bodies, checked for length
//! and for control characters that would break a mail or a page.

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

use crate::lang::{Explain, Lang};
use crate::texts;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TextError {
    #[error("{field} is empty")]
    Empty { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} contains control characters")]
    ControlCharacters { field: &'static str },
}

impl Explain for TextError {
    fn explain(&self, lang: Lang) -> String {
        // The catalog names the field in the reader's language (text-field).
        let (key, field, max) = match self {
            TextError::Empty { field } => ("text-error-empty", field, None),
            TextError::TooLong { field, max } => ("text-error-too-long", field, Some(max)),
            TextError::ControlCharacters { field } => ("text-error-control", field, None),
        };
        let mut args = vec![("field", (*field).into())];
        args.extend(max.map(|max| ("max", max.into())));
        texts::format(lang, key, &args).into_owned()
    }
}

/// Normalises line ends and checks a text. Tabs and line feeds are allowed only
/// where `multiline` says so.
pub(crate) fn clean(input: &str, field: &'static str, max: usize, multiline: bool) -> Result<String, TextError> {
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct NoticeTitle(String);

impl NoticeTitle {
    pub const MAX: usize = 100;

    pub fn parse(input: &str) -> Result<Self, TextError> {
        Self::parse_field(input, "title")
    }

    pub fn parse_field(input: &str, field: &'static str) -> Result<Self, TextError> {
        clean(input, field, Self::MAX, false).map(Self)
    }

    /// A title read back from the store, which only ever keeps parsed titles.
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A notice's body: several lines, at most 10,000 characters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct NoticeBody(String);

impl NoticeBody {
    pub const MAX: usize = 10_000;

    pub fn parse(input: &str) -> Result<Self, TextError> {
        Self::parse_field(input, "body")
    }

    pub fn parse_field(input: &str, field: &'static str) -> Result<Self, TextError> {
        clean(input, field, Self::MAX, true).map(Self)
    }

    /// A body read back from the store, which only ever keeps parsed bodies.
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Folds text for search: NFKC (so ﾀﾞﾝｽｲ finds ダンスイ and ＡＢＣ finds abc) and lower case.
pub fn search_fold(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
}

/// What a resident typed into the archive's search box: folded like
/// [`search_fold`] and split into words that must all appear. Matching is by
/// substring, not by tokens, because Japanese has no spaces between words and
/// two-character words such as 断水 are common.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    words: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SearchError {
    #[error("the search text is longer than {max} characters")]
    TooLong { max: usize },
    #[error("the search text has more than {max} words")]
    TooManyWords { max: usize },
}

impl Explain for SearchError {
    fn explain(&self, lang: Lang) -> String {
        let (key, max) = match self {
            SearchError::TooLong { max } => ("search-error-too-long", max),
            SearchError::TooManyWords { max } => ("search-error-too-many-words", max),
        };
        texts::format(lang, key, &[("max", max.into())]).into_owned()
    }
}

impl SearchQuery {
    pub const MAX_CHARS: usize = 100;
    pub const MAX_WORDS: usize = 5;

    /// `None` when the input holds no word at all (an empty search box).
    pub fn parse(input: &str) -> Result<Option<Self>, SearchError> {
        if input.chars().count() > Self::MAX_CHARS {
            return Err(SearchError::TooLong { max: Self::MAX_CHARS });
        }
        // Folding first turns the ideographic space (U+3000) into an ordinary one.
        let folded = search_fold(input);
        let mut words: Vec<String> = Vec::new();
        for word in folded.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()) {
            if !words.iter().any(|w| w == word) {
                words.push(word.to_owned());
            }
        }
        if words.len() > Self::MAX_WORDS {
            return Err(SearchError::TooManyWords { max: Self::MAX_WORDS });
        }
        Ok((!words.is_empty()).then_some(Self { words }))
    }

    /// The folded words, each to be found as a substring of the folded text.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The words joined by spaces, as the search box shows them again.
    pub fn as_text(&self) -> String {
        self.words.join(" ")
    }
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
        assert!(TextError::Empty { field: "body" }.explain(Lang::JA).contains("本文"));
    }

    #[test]
    fn search_words_are_folded_split_and_bounded() {
        let words = |input: &str| SearchQuery::parse(input).map(|q| q.map(|q| q.words().to_vec()));
        assert_eq!(words("ﾀﾞﾝｽｲ"), Ok(Some(vec!["ダンスイ".to_owned()])));
        assert_eq!(words("断水\u{3000}秩父　ＡＢＣ 断水"), Ok(Some(vec!["断水".into(), "秩父".into(), "abc".into()])));
        assert_eq!(words(" \u{3000} "), Ok(None));
        assert_eq!(words("a b c d e f"), Err(SearchError::TooManyWords { max: 5 }));
        assert_eq!(words(&"あ".repeat(101)), Err(SearchError::TooLong { max: 100 }));
        assert!(SearchError::TooManyWords { max: 5 }.explain(Lang::JA).contains("5個"));
    }
}

crate::codes::compares_with_str!(NoticeTitle, NoticeBody);

impl std::fmt::Display for NoticeTitle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for NoticeBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
