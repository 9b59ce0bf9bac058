//! kizuna-core's own texts (input errors, notice states, subject marks, feed
//! titles), read from `locales/*.ftl`.

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::i18n::{Arg, Catalog, LanguageTag};

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::new(LOCALES));

pub(crate) fn text(lang: impl LanguageTag, key: &str) -> Cow<'static, str> {
    CATALOG.text(lang, key)
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
        assert!(CATALOG.tags().eq(["ja", "en"]), "{:?}", CATALOG.tags().collect::<Vec<_>>());
    }

    #[test]
    fn every_key_the_code_names_exists() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        assert_eq!(missing_keys_in(&CATALOG, &src, &["rs"]), Vec::<String>::new());
    }
}
