//! kizuna-mail's own texts (the words around the notice in a mail), read from
//! `locales/*.ftl`.

use std::borrow::Cow;
use std::sync::LazyLock;

use kizuna_core::i18n::{Catalog, LanguageTag};

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::new(LOCALES));

/// The languages this crate has a locale file for; kizuna-server's tests check
/// that every crate has the same ones.
pub fn locale_tags() -> impl Iterator<Item = &'static str> {
    LOCALES.iter().map(|(tag, _)| *tag)
}

/// Gives this crate's texts for a language that has no locale file: see
/// `kizuna_core::lang::add_language`, which a test calls first.
#[doc(hidden)]
pub fn add_language(tag: &str, source: &str) -> Result<(), String> {
    CATALOG.add_language(tag, source).map(|_| ())
}

pub(crate) fn text(lang: impl LanguageTag, key: &str) -> Cow<'static, str> {
    CATALOG.text(lang, key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kizuna_core::i18n::missing_keys_in;

    #[test]
    fn every_language_has_every_key_and_every_file_parses() {
        assert_eq!(CATALOG.problems(), Vec::<String>::new());
    }

    #[test]
    fn every_key_the_code_names_exists() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        assert_eq!(missing_keys_in(&CATALOG, &src, &["rs"]), Vec::<String>::new());
    }
}
