//! The server's texts, read from `locales/*.ftl`, and [`PageText`], the way
//! templates show them: `{{ frame.t("key") }}`, with arguments
//! `{{ frame.t("key").arg("name", value) }}`.
//!
//! A catalog's text is trusted like the template it came from and is written
//! as it is, so it must hold no markup and no `"` where it goes into an
//! attribute. Arguments are escaped like any other value a template prints,
//! except those given with [`PageText::markup`], which the template built itself.

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use askama::filters::{Html, HtmlSafe, escape};
use kizuna_core::i18n::{Arg, Catalog, LanguageTag};

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::new(LOCALES));

/// Gives this crate's texts for a language that has no locale file: see
/// `kizuna_core::lang::add_language`, which a test calls first.
#[doc(hidden)]
pub fn add_language(tag: &str, source: &str) -> Result<(), String> {
    CATALOG.add_language(tag, source).map(|_| ())
}

pub(crate) fn text(lang: impl LanguageTag, key: &str) -> Cow<'static, str> {
    CATALOG.text(lang, key)
}

/// A text whose key is made at run time, when the catalog has it.
pub(crate) fn text_if_any(lang: impl LanguageTag, key: &str) -> Option<Cow<'static, str>> {
    CATALOG.contains(kizuna_core::Lang::JA, key).then(|| CATALOG.text(lang, key))
}

/// A text with arguments, for Rust code; templates use [`PageText`].
pub(crate) fn format(lang: impl LanguageTag, key: &str, args: &[(&str, Arg<'_>)]) -> Cow<'static, str> {
    CATALOG.format(lang, key, args)
}

/// A text of the server's catalog, looked up when the template writes it.
pub struct PageText<'a> {
    lang: &'static str,
    key: &'static str,
    args: Vec<(&'static str, Arg<'a>)>,
}

impl<'a> PageText<'a> {
    pub(crate) fn new(lang: &'static str, key: &'static str) -> Self {
        PageText { lang, key, args: Vec::new() }
    }

    /// A value for `{ $name }`: numbers as they are, text HTML-escaped.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg<'a>>) -> Self {
        let value = match value.into() {
            Arg::Text(text) => {
                let Ok(escaped) = escape(text.as_ref(), Html);
                Arg::Text(Cow::Owned(escaped.to_string()))
            }
            number => number,
        };
        self.args.push((name, value));
        self
    }

    /// A piece of markup the template built (a link around another text), written as it is.
    pub fn markup(mut self, name: &'static str, html: impl Into<Arg<'a>>) -> Self {
        self.args.push((name, html.into()));
        self
    }
}

impl fmt::Display for PageText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&CATALOG.format(self.lang, self.key, &self.args))
    }
}

/// Already escaped: see the module's note.
impl HtmlSafe for PageText<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use kizuna_core::i18n::missing_keys_in;

    #[test]
    fn every_language_has_every_key_and_every_file_parses() {
        assert_eq!(CATALOG.problems(), Vec::<String>::new());
    }

    #[test]
    fn every_crate_has_a_file_for_the_same_languages() {
        let sorted = |mut tags: Vec<&'static str>| {
            tags.sort_unstable();
            tags
        };
        let server = sorted(LOCALES.iter().map(|(tag, _)| *tag).collect());
        let mail = sorted(kizuna_mail::texts::locale_tags().collect());
        let core = sorted(kizuna_core::Lang::existing().iter().map(|lang| lang.as_str()).collect());
        assert_eq!((&core, &mail), (&server, &server), "core, mail and server locales/*.ftl");
        assert!(server.contains(&"ja") && server.contains(&"en"), "{server:?}");
    }

    #[test]
    fn every_key_the_code_and_the_templates_name_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = missing_keys_in(&CATALOG, &root.join("src"), &["rs"]);
        missing.extend(missing_keys_in(&CATALOG, &root.join("templates"), &["html", "svg"]));
        assert_eq!(missing, Vec::<String>::new());
    }

    #[test]
    fn arguments_are_escaped_unless_they_are_the_templates_own_markup() {
        let catalog = Catalog::new(&[("ja", "x = { $a }と{ $b }")]);
        let text = PageText::new("ja", "x").arg("a", "<b>&").markup("b", "<a href=\"/\">link</a>");
        assert_eq!(catalog.format("ja", "x", &text.args), "&#60;b&#62;&#38;と<a href=\"/\">link</a>");
    }
}
