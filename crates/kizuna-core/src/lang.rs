//! Languages: [`Lang`], a handle on a language Kizuna has texts for (a
//! `locales/<tag>.ftl` file in each crate), [`Languages`], the ones a site offers
//! (configuration), and [`content_language`], which version of what people wrote
//! in Japanese and perhaps English a reader of any language is shown.
//!
//! Japanese is the default: it is what an unknown or unoffered language resolves
//! to, and every text and every piece of content exists in it.

use std::fmt;

use crate::i18n::DEFAULT_LANGUAGE;

/// A language a page, a mail or a message is shown in: one of the languages
/// that have a locale file, named by the file's tag (`ja`, `en`, later `vi`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lang(&'static str);

impl Default for Lang {
    fn default() -> Self {
        Lang::JA
    }
}

impl Lang {
    /// Japanese, the default: every text and all content exist in it.
    pub const JA: Lang = Lang(DEFAULT_LANGUAGE);
    /// English, the second language notices and names are written in.
    pub const EN: Lang = Lang("en");

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The primary subtag: `ja` for `ja` and for `ja-x-easy`.
    pub fn primary(self) -> &'static str {
        self.0.split(['-', '_']).next().unwrap_or(self.0)
    }

    /// The languages Kizuna has texts for (kizuna-core's locale files; every
    /// crate has the same set, which a test checks), Japanese first.
    pub fn existing() -> Vec<Lang> {
        crate::texts::tags().into_iter().map(Lang).collect()
    }

    /// Reads a stored or given language tag against the languages that exist:
    /// the exact tag, else its primary subtag (`en-US` → `en`), else Japanese.
    /// A resident's stored tag is read so; whether the site still offers that
    /// language is [`Languages::or_default`]'s question.
    pub fn from_tag(tag: &str) -> Lang {
        // The usual case, a stored `ja` or `en`, without building the list.
        let files = crate::texts::LOCALES.iter().map(|(file, _)| Lang(file));
        if let Some(lang) = files.into_iter().find(|lang| lang.0.eq_ignore_ascii_case(tag.trim())) {
            return lang;
        }
        find(&Lang::existing(), tag).unwrap_or(Lang::JA)
    }
}

/// A language that has no locale files, with kizuna-core's texts for it given
/// here: how a test tries a third language (kizuna-mail and kizuna-server have
/// the same function for their texts). Once added, it exists like a file's
/// ([`Lang::existing`], [`Languages::parse`]) for the rest of the process. A
/// real language is a `locales/<tag>.ftl` file in each crate instead.
#[doc(hidden)]
pub fn add_language(tag: &str, source: &str) -> Result<Lang, String> {
    crate::texts::add_language(tag, source).map(Lang)
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The exact tag, else the primary subtag of `tag`, among `langs`; case does not matter.
fn find(langs: &[Lang], tag: &str) -> Option<Lang> {
    let tag = tag.trim();
    let exact = langs.iter().find(|lang| lang.0.eq_ignore_ascii_case(tag));
    let primary = || {
        let primary = tag.split(['-', '_']).next().filter(|p| !p.is_empty() && *p != tag)?;
        langs.iter().find(|lang| lang.0.eq_ignore_ascii_case(primary))
    };
    exact.or_else(primary).copied()
}

/// The languages a site offers residents (`KIZUNA_LANGUAGES`), in the order its
/// pages list them. Japanese is always among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Languages(Vec<Lang>);

impl Default for Languages {
    /// Japanese and English.
    fn default() -> Self {
        Languages(vec![Lang::JA, Lang::EN])
    }
}

/// Why a list of languages cannot be offered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LanguageError {
    #[error("{tag:?} has no locale file (there are: {existing})")]
    NoLocale { tag: String, existing: String },
    #[error("must include {DEFAULT_LANGUAGE}, the default language")]
    NoDefault,
    #[error("{0:?} is listed twice")]
    Repeated(String),
}

impl Languages {
    /// A comma-separated list of tags (`ja,en`), each of which must have a locale file.
    pub fn parse(list: &str) -> Result<Languages, LanguageError> {
        Self::among(list, &Lang::existing())
    }

    fn among(list: &str, existing: &[Lang]) -> Result<Languages, LanguageError> {
        let mut offered: Vec<Lang> = Vec::new();
        for tag in list.split(',').map(str::trim).filter(|tag| !tag.is_empty()) {
            let Some(lang) = existing.iter().find(|lang| lang.0.eq_ignore_ascii_case(tag)).copied() else {
                let existing = existing.iter().map(|lang| lang.0).collect::<Vec<_>>().join(", ");
                return Err(LanguageError::NoLocale { tag: tag.to_owned(), existing });
            };
            if offered.contains(&lang) {
                return Err(LanguageError::Repeated(tag.to_owned()));
            }
            offered.push(lang);
        }
        if !offered.contains(&Lang::JA) {
            return Err(LanguageError::NoDefault);
        }
        Ok(Languages(offered))
    }

    /// In the configured order.
    pub fn iter(&self) -> impl Iterator<Item = Lang> + '_ {
        self.0.iter().copied()
    }

    /// The offered language a tag asks for: the exact tag, else its primary subtag.
    pub fn find(&self, tag: &str) -> Option<Lang> {
        find(&self.0, tag)
    }

    /// [`Languages::find`], else Japanese.
    pub fn resolve(&self, tag: &str) -> Lang {
        self.find(tag).unwrap_or(Lang::JA)
    }

    pub fn offers(&self, lang: Lang) -> bool {
        self.0.contains(&lang)
    }

    /// `lang` while it is offered, else Japanese: a resident whose stored
    /// language is no longer offered is written to in Japanese (the stored tag is kept).
    pub fn or_default(&self, lang: Lang) -> Lang {
        if self.offers(lang) { lang } else { Lang::JA }
    }

    /// The first offered language other than `lang`: what a two-language
    /// subject line adds after the reader's own.
    pub fn second(&self, lang: Lang) -> Option<Lang> {
        self.iter().find(|other| *other != lang)
    }
}

/// Which version a reader of `lang` is shown of what people write in Japanese
/// and may also write in English — a notice's title and text, a town's or a
/// category's name — given whether there is an English version:
///
/// 1. the reader's own language, if there is a version in it;
/// 2. Japanese for a reader of any form of Japanese (`ja-…`, such as やさしい日本語);
/// 3. English, if there is an English version: the region's foreign residents
///    read it more often than Japanese;
/// 4. Japanese, which is always there.
pub fn content_language(lang: Lang, has_english: bool) -> Lang {
    if lang.primary() != Lang::JA.primary() && has_english { Lang::EN } else { Lang::JA }
}

/// The version of content [`content_language`] chooses, and its language. An
/// empty English version counts as none.
pub fn content<'a>(lang: Lang, japanese: &'a str, english: Option<&'a str>) -> (Lang, &'a str) {
    match english.filter(|text| !text.is_empty()) {
        Some(english) if content_language(lang, true) == Lang::EN => (Lang::EN, english),
        _ => (Lang::JA, japanese),
    }
}

/// The other version of a name, shown beside [`content`]'s choice for readers
/// of the other language (a town's English name beside its Japanese one).
pub fn content_beside<'a>(lang: Lang, japanese: &'a str, english: Option<&'a str>) -> (Lang, &'a str) {
    match content(lang, japanese, english) {
        (shown, _) if shown == Lang::JA => (Lang::EN, english.unwrap_or_default()),
        _ => (Lang::JA, japanese),
    }
}

/// An error that can explain itself to a resident or staff member in their language.
pub trait Explain {
    fn explain(&self, lang: Lang) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_resolve_exactly_then_by_primary_subtag_else_to_japanese() {
        assert_eq!(Lang::from_tag("en"), Lang::EN);
        assert_eq!(Lang::from_tag(" EN-us "), Lang::EN);
        assert_eq!(Lang::from_tag("ja"), Lang::JA);
        assert_eq!(Lang::from_tag("fr"), Lang::JA);
        assert_eq!(Lang::from_tag(""), Lang::JA);
        assert_eq!(Lang::existing().first(), Some(&Lang::JA));
        assert!(Lang::existing().contains(&Lang::EN));
    }

    #[test]
    fn the_offered_list_must_name_locale_files_and_japanese() {
        assert_eq!(Languages::parse("ja,en"), Ok(Languages::default()));
        assert_eq!(Languages::parse(" en , ja ").map(|l| l.iter().collect::<Vec<_>>()), Ok(vec![Lang::EN, Lang::JA]));
        assert_eq!(Languages::parse("ja").map(|l| l.offers(Lang::EN)), Ok(false));
        assert!(matches!(Languages::parse("ja,en,xx"), Err(LanguageError::NoLocale { tag, .. }) if tag == "xx"));
        assert_eq!(Languages::parse("en"), Err(LanguageError::NoDefault));
        assert_eq!(Languages::parse("ja,en,ja"), Err(LanguageError::Repeated("ja".into())));
    }

    #[test]
    fn a_configured_third_language_is_found_and_the_unoffered_fall_back_to_japanese() {
        let vi = Lang("vi");
        let offered = Languages::among("ja,en,vi", &[Lang::JA, Lang::EN, vi]).unwrap_or_default();
        assert_eq!(offered.iter().collect::<Vec<_>>(), [Lang::JA, Lang::EN, vi]);
        assert_eq!(offered.resolve("vi-VN"), vi);
        assert_eq!(offered.resolve("en-GB"), Lang::EN);
        assert_eq!(offered.resolve("pt-BR"), Lang::JA);
        assert_eq!(offered.find("pt"), None);
        assert_eq!(offered.second(vi), Some(Lang::JA));
        assert_eq!(offered.second(Lang::JA), Some(Lang::EN));
        let two = Languages::default();
        assert_eq!(two.resolve("vi"), Lang::JA);
        assert_eq!(two.or_default(vi), Lang::JA, "a stored language no longer offered gets Japanese");
        assert_eq!(two.or_default(Lang::EN), Lang::EN);
    }

    #[test]
    fn content_is_shown_in_the_readers_language_else_english_else_japanese() {
        let vi = Lang("vi");
        let easy = Lang("ja-x-easy");
        assert_eq!(content(Lang::JA, "秩父市", Some("Chichibu")), (Lang::JA, "秩父市"));
        assert_eq!(content(Lang::EN, "秩父市", Some("Chichibu")), (Lang::EN, "Chichibu"));
        assert_eq!(content(Lang::EN, "避難", None), (Lang::JA, "避難"));
        assert_eq!(content(Lang::EN, "避難", Some("")), (Lang::JA, "避難"));
        assert_eq!(content(vi, "避難", Some("Evacuate")), (Lang::EN, "Evacuate"));
        assert_eq!(content(vi, "避難", None), (Lang::JA, "避難"));
        assert_eq!(content(easy, "避難", Some("Evacuate")), (Lang::JA, "避難"));
        assert_eq!(content_beside(Lang::JA, "秩父市", Some("Chichibu")), (Lang::EN, "Chichibu"));
        assert_eq!(content_beside(Lang::EN, "秩父市", Some("Chichibu")), (Lang::JA, "秩父市"));
        assert_eq!(content_beside(vi, "秩父市", Some("Chichibu")), (Lang::JA, "秩父市"));
    }
}
