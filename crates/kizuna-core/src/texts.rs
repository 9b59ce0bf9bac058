//! kizuna-core's own texts (input errors, notice states, subject marks, feed
//! titles) and what CAP calls each language (`locale-cap`), read from
//! `locales/*.ftl`. The file names are the languages that exist ([`crate::Lang::existing`]).

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::i18n::{Arg, Catalog, LanguageTag};

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::new(LOCALES));

pub(crate) fn text(lang: impl LanguageTag, key: &str) -> Cow<'static, str> {
    CATALOG.text(lang, key)
}

/// The languages with texts: the files, Japanese first, then any added at run time.
pub(crate) fn tags() -> Vec<&'static str> {
    CATALOG.tags()
}

pub(crate) fn add_language(tag: &str, source: &str) -> Result<&'static str, String> {
    CATALOG.add_language(tag, source)
}

pub(crate) fn format(lang: impl LanguageTag, key: &str, args: &[(&str, Arg<'_>)]) -> Cow<'static, str> {
    CATALOG.format(lang, key, args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::missing_keys_in;

    #[test]
    fn every_language_has_every_key_and_every_file_parses() {
        assert_eq!(CATALOG.problems(), Vec::<String>::new());
        // Japanese is the default and English stays complete; more languages are more files.
        let tags = CATALOG.tags();
        assert!(tags.starts_with(&["ja"]) && tags.contains(&"en"), "{tags:?}");
    }

    #[test]
    fn every_key_the_code_names_exists() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        assert_eq!(missing_keys_in(&CATALOG, &src, &["rs"]), Vec::<String>::new());
    }
}
