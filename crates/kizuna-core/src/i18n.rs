//! Message catalogs: the texts each crate shows to people, one Fluent file per
//! language tag (`locales/ja.ftl`, `locales/en.ftl`, …), embedded at build time.
//!
//! A crate's `build.rs` lists its `locales/*.ftl` files, so a new language is a new
//! file. Japanese is the default: a message missing in another language is shown in
//! Japanese, and a message missing altogether shows its key, never a panic. Each
//! crate has a test that calls [`Catalog::problems`] and [`missing_keys`], so a key
//! present in one language and not another, a file that does not parse, or a key
//! used in code but written in no file fails the build's tests instead.
//!
//! Lookups take a language by its tag ([`LanguageTag`]): a [`Lang`] or a plain
//! `&str`. Which of the languages that have files a site offers is configuration
//! ([`crate::lang::Languages`]).

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::RwLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

use crate::lang::Lang;

/// The language every catalog must hold in full, and the one shown when a text is
/// missing in the language asked for.
pub const DEFAULT_LANGUAGE: &str = "ja";

/// Names a language by its tag (`ja`, `en`, later `zh-Hans`, `vi`, …).
pub trait LanguageTag {
    fn tag(&self) -> &str;
}

impl LanguageTag for Lang {
    fn tag(&self) -> &str {
        self.as_str()
    }
}

impl LanguageTag for &str {
    fn tag(&self) -> &str {
        self
    }
}

/// A value put into a message: text, or a number (which Fluent can also use to
/// choose a plural form). Numbers print as Rust prints integers: `10000`, no grouping.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    Number(f64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Arg::Text(Cow::Borrowed(text))
    }
}

/// As templates pass a `&'static str` field.
impl<'a> From<&&'a str> for Arg<'a> {
    fn from(text: &&'a str) -> Self {
        Arg::Text(Cow::Borrowed(text))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(text: &'a String) -> Self {
        Arg::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Arg<'_> {
    fn from(text: String) -> Self {
        Arg::Text(Cow::Owned(text))
    }
}

impl<'a> From<Cow<'a, str>> for Arg<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        Arg::Text(text)
    }
}

macro_rules! number_args {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Arg<'_> {
            fn from(number: $ty) -> Self {
                Arg::Number(number as f64)
            }
        }
        impl From<&$ty> for Arg<'_> {
            fn from(number: &$ty) -> Self {
                Arg::Number(*number as f64)
            }
        }
    )*};
}

number_args!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

struct Language {
    tag: &'static str,
    bundle: FluentBundle<FluentResource>,
    /// The message ids of the file, for the completeness checks.
    keys: BTreeSet<String>,
    /// What the parser could not read; the rest of the file is still used.
    errors: Vec<String>,
}

/// One crate's texts in every language it has a file for.
pub struct Catalog {
    /// The default language first.
    languages: Vec<Language>,
    /// Languages given at run time by [`Catalog::add_language`] (a test's own
    /// third language); looked at only for a tag no file has, so the usual
    /// lookups take no lock.
    added: RwLock<Vec<&'static Language>>,
}

impl Catalog {
    /// Builds a catalog from `(language tag, Fluent source)` pairs, as a crate's
    /// `build.rs` lists them. Never fails: what does not parse is reported by
    /// [`Catalog::problems`], and the messages that did parse are used.
    pub fn new(sources: &[(&'static str, &str)]) -> Catalog {
        let mut languages: Vec<Language> = sources.iter().map(|(tag, source)| Language::new(tag, source)).collect();
        languages.sort_by_key(|language| language.tag != DEFAULT_LANGUAGE);
        Catalog { languages, added: RwLock::new(Vec::new()) }
    }

    /// The tags of the languages this catalog has a file for, the default
    /// first, then those added at run time.
    pub fn tags(&self) -> Vec<&'static str> {
        let mut tags: Vec<&'static str> = self.languages.iter().map(|language| language.tag).collect();
        if let Ok(added) = self.added.read() {
            tags.extend(added.iter().map(|language| language.tag));
        }
        tags
    }

    /// Adds a language that has no file, from its Fluent source: how a test
    /// tries a third language without shipping one. A tag that has a file is
    /// refused; adding a tag again keeps the first texts. Returns the tag, kept
    /// for the life of the process, or what is wrong with the source.
    pub fn add_language(&self, tag: &str, source: &str) -> Result<&'static str, String> {
        if self.languages.iter().any(|language| language.tag == tag) {
            return Err(format!("{tag} has a locale file"));
        }
        let mut added = self.added.write().map_err(|_| "the catalog's lock is poisoned".to_owned())?;
        if let Some(language) = added.iter().find(|language| language.tag == tag) {
            return Ok(language.tag);
        }
        let tag: &'static str = Box::leak(tag.to_owned().into_boxed_str());
        let language = Language::new(tag, source);
        if !language.errors.is_empty() {
            return Err(language.errors.join("; "));
        }
        let language: &'static Language = Box::leak(Box::new(language));
        added.push(language);
        Ok(tag)
    }

    /// The language of `tag`: its file, else one added at run time.
    fn language(&self, tag: &str) -> Option<&Language> {
        self.languages.iter().find(|language| language.tag == tag).or_else(|| {
            let added = self.added.read().ok()?;
            added.iter().find(|language| language.tag == tag).copied()
        })
    }

    /// Whether the language itself has the message (no fallback).
    pub fn contains(&self, lang: impl LanguageTag, key: &str) -> bool {
        self.language(lang.tag()).is_some_and(|language| language.keys.contains(key))
    }

    /// A message without arguments.
    pub fn text(&self, lang: impl LanguageTag, key: &str) -> Cow<'_, str> {
        self.format(lang, key, &[])
    }

    /// A message with its arguments, in `lang`, else in the default language,
    /// else its key.
    pub fn format(&self, lang: impl LanguageTag, key: &str, args: &[(&str, Arg<'_>)]) -> Cow<'_, str> {
        let found = self
            .language(lang.tag())
            .into_iter()
            .chain(self.languages.first())
            .find_map(|language| Some((language, language.bundle.get_message(key)?.value()?)));
        let Some((language, pattern)) = found else {
            return Cow::Owned(key.to_owned());
        };
        let mut errors = Vec::new();
        if args.is_empty() {
            return language.bundle.format_pattern(pattern, None, &mut errors);
        }
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            match value {
                Arg::Text(text) => fluent_args.set(*name, FluentValue::from(text.as_ref())),
                Arg::Number(number) => fluent_args.set(*name, FluentValue::from(*number)),
            }
        }
        // A missing argument leaves `{$name}` in the text: visible, not fatal.
        Cow::Owned(language.bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned())
    }

    /// What is wrong with the files: parse errors, no default language, and keys
    /// that one language has and another lacks. Empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for language in &self.languages {
            problems.extend(language.errors.iter().map(|error| format!("{}.ftl: {error}", language.tag)));
        }
        if self.languages.first().is_none_or(|language| language.tag != DEFAULT_LANGUAGE) {
            problems.push(format!("there is no {DEFAULT_LANGUAGE}.ftl"));
        }
        let all: BTreeSet<&str> =
            self.languages.iter().flat_map(|language| language.keys.iter().map(String::as_str)).collect();
        for language in &self.languages {
            for key in all.iter().filter(|key| !language.keys.contains(**key)) {
                problems.push(format!("{}.ftl has no message {key}", language.tag));
            }
        }
        problems
    }

    /// Every key of the default language.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.languages.first().into_iter().flat_map(|language| language.keys.iter().map(String::as_str))
    }
}

impl Language {
    fn new(tag: &'static str, source: &str) -> Language {
        let (resource, errors) = match FluentResource::try_new(source.to_owned()) {
            Ok(resource) => (resource, Vec::new()),
            Err((resource, errors)) => {
                (resource, errors.iter().map(|error| format!("{:?} at bytes {:?}", error.kind, error.pos)).collect())
            }
        };
        let mut errors = errors;
        let mut keys = BTreeSet::new();
        for entry in resource.entries() {
            match entry {
                ast::Entry::Message(message) if message.value.is_some() => {
                    keys.insert(message.id.name.to_owned());
                }
                ast::Entry::Message(message) => errors.push(format!("message {} has no value", message.id.name)),
                ast::Entry::Junk { content } => errors.push(format!("unreadable: {}", content.trim_end())),
                _ => {}
            }
        }
        let id: LanguageIdentifier = tag.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Unicode isolation marks (FSI/PDI) around placeables would end up in mail
        // bytes and page text; every text here is left-to-right.
        bundle.set_use_isolating(false);
        if let Err(duplicates) = bundle.add_resource(resource) {
            errors.extend(duplicates.iter().map(|error| format!("{error}")));
        }
        Language { tag, bundle, keys, errors }
    }
}

/// Keys that `source` uses and the catalog lacks: every string literal of
/// `source` that starts with one of `prefixes` (the first segment of the
/// catalog's keys, e.g. `notice-`) and looks like a key is checked. Cheap rather
/// than complete: a key assembled at run time is not seen.
pub fn missing_keys(catalog: &Catalog, source: &str) -> Vec<String> {
    let prefixes: BTreeSet<String> =
        catalog.keys().filter_map(|key| key.split_once('-').map(|(first, _)| format!("{first}-"))).collect();
    let mut missing = Vec::new();
    for literal in string_literals(source) {
        // An HTML attribute's value (`class="summary-list"`, `id="confirm-error"`)
        // is written right after its `=`; a key never is.
        let start = literal.as_ptr() as usize - source.as_ptr() as usize;
        if source[..start].ends_with("=\"") {
            continue;
        }
        let looks_like_key = literal.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && prefixes.iter().any(|prefix| literal.starts_with(prefix.as_str()) && literal.len() > prefix.len());
        if looks_like_key && !catalog.contains(DEFAULT_LANGUAGE, literal) {
            missing.push(literal.to_owned());
        }
    }
    missing
}

/// [`missing_keys`] over every file under `dir` whose name ends in one of
/// `extensions`, each missing key prefixed with its file: for the crates' tests.
pub fn missing_keys_in(catalog: &Catalog, dir: &std::path::Path, extensions: &[&str]) -> Vec<String> {
    let mut missing = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![format!("{} cannot be read", dir.display())];
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        if path.is_dir() {
            missing.extend(missing_keys_in(catalog, &path, extensions));
        } else if path.extension().and_then(|ext| ext.to_str()).is_some_and(|ext| extensions.contains(&ext)) {
            match std::fs::read_to_string(&path) {
                Ok(source) => missing
                    .extend(missing_keys(catalog, &source).into_iter().map(|key| format!("{}: {key}", path.display()))),
                Err(error) => missing.push(format!("{}: {error}", path.display())),
            }
        }
    }
    missing
}

/// The contents of the string literals of Rust or template source, without
/// escapes resolved; comments and character literals are skipped.
fn string_literals(source: &str) -> Vec<&str> {
    let bytes = source.as_bytes();
    let mut literals = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = source[i..].find('\n').map_or(bytes.len(), |end| i + end);
            }
            b'\'' => {
                // A character literal such as '"' or '\'', or a lifetime.
                let close = if bytes.get(i + 1) == Some(&b'\\') { 3 } else { 2 };
                i += if bytes.get(i + close) == Some(&b'\'') { close + 1 } else { 1 };
            }
            b'"' => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                literals.extend(source.get(start..end.min(bytes.len())));
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    literals
}

#[cfg(test)]
mod tests {
    use super::*;

    const JA: &str = "greeting = こんにちは、{ $name }さん\nonly-ja = 日本語だけ\nplain = ふつう\n";
    const EN: &str = "greeting = Hello, { $name }\nplain = Plain\nonly-en = English only\n";

    fn catalog() -> Catalog {
        Catalog::new(&[("en", EN), ("ja", JA)])
    }

    #[test]
    fn looks_up_by_tag_with_arguments_and_without_isolation_marks() {
        let catalog = catalog();
        assert_eq!(catalog.format(Lang::EN, "greeting", &[("name", "Taro".into())]), "Hello, Taro");
        assert_eq!(catalog.format("ja", "greeting", &[("name", "太郎".into())]), "こんにちは、太郎さん");
        assert_eq!(catalog.text(Lang::JA, "plain"), "ふつう");
        assert_eq!(catalog.tags(), ["ja", "en"]);
    }

    #[test]
    fn numbers_print_without_grouping() {
        let catalog = Catalog::new(&[("ja", "n = { $n }件")]);
        assert_eq!(catalog.format(Lang::JA, "n", &[("n", 12345usize.into())]), "12345件");
    }

    #[test]
    fn missing_texts_fall_back_to_japanese_then_to_the_key() {
        let catalog = catalog();
        assert_eq!(catalog.text(Lang::EN, "only-ja"), "日本語だけ");
        assert_eq!(catalog.text("vi", "plain"), "ふつう", "an unknown language reads Japanese");
        assert_eq!(catalog.text(Lang::EN, "nowhere"), "nowhere");
        assert_eq!(catalog.format(Lang::EN, "greeting", &[]), "Hello, {$name}");
    }

    #[test]
    fn problems_name_keys_missing_in_a_language_and_unreadable_files() {
        let problems = catalog().problems();
        assert_eq!(problems, ["ja.ftl has no message only-en", "en.ftl has no message only-ja"]);
        let broken = Catalog::new(&[("ja", "good = よい\nbad = { $x\n"), ("en", "good = Good\n")]);
        assert_eq!(broken.text(Lang::JA, "good"), "よい", "the readable part is still used");
        let problems = broken.problems();
        assert!(problems.iter().any(|p| p.starts_with("ja.ftl: ")), "{problems:?}");
        assert!(Catalog::new(&[("en", EN)]).problems().contains(&"there is no ja.ftl".to_owned()));
    }

    #[test]
    fn keys_used_in_source_must_exist() {
        let catalog = catalog();
        let source = r#"text(lang, "greeting"); text(lang, "only-typo"); let q = '"'; let m = "only-ja";
            // "only-in-a-comment"
            "plainly not-a-key" "only-\"quoted\"" <dl class="only-a-class">{{ t("only-typo-too") }}"#;
        assert_eq!(missing_keys(&catalog, source), ["only-typo", "only-typo-too"]);
    }

    #[test]
    fn a_language_added_at_run_time_is_looked_up_like_a_file() {
        let catalog = catalog();
        assert_eq!(catalog.add_language("vi", "plain = Thường\n"), Ok("vi"));
        assert_eq!(catalog.text("vi", "plain"), "Thường");
        assert_eq!(catalog.text("vi", "greeting"), "こんにちは、{$name}さん", "what it lacks reads Japanese");
        assert!(catalog.contains("vi", "plain") && !catalog.contains("vi", "greeting"));
        assert_eq!(catalog.tags(), ["ja", "en", "vi"]);
        assert_eq!(catalog.add_language("vi", "plain = other\n"), Ok("vi"), "the first texts stay");
        assert_eq!(catalog.text("vi", "plain"), "Thường");
        assert!(catalog.add_language("en", "plain = x\n").is_err(), "a file is never replaced");
        assert!(catalog.add_language("pt", "bad = { $x\n").is_err());
        assert_eq!(catalog.problems().len(), 2, "files only: {:?}", catalog.problems());
    }

    #[test]
    fn a_catalog_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Catalog>();
    }
}
