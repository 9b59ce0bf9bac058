//! The residents' forms as they arrive and as they are shown again: fields read
//! in order, and the choices fieldsets shared by the registration and manage pages.

use kizuna_core::Lang;
use kizuna_core::lang::{Explain, Languages};
use kizuna_core::registration::{ChoicesInput, Field, FormErrors};
use kizuna_core::subscriber::{Charset, MailFormat};

use super::choices::emergency_names;
use crate::directory::ReferenceData;

/// Fields read from one submission; the rest is ignored.
const MAX_FIELDS: usize = 200;
/// Raw address text shown back in the form after an error.
const MAX_ECHO: usize = 320;

/// Query or form fields in order, repeated names kept (`municipality=…&municipality=…`).
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    pub(crate) fn parse(bytes: &[u8]) -> Self {
        Self(form_urlencoded::parse(bytes).take(MAX_FIELDS).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    pub(crate) fn query(raw: Option<&str>) -> Self {
        Self::parse(raw.unwrap_or_default().as_bytes())
    }

    pub(crate) fn first(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// The offered language asked for with `?lang=` (its exact tag), if any.
    pub(crate) fn lang(&self, offered: &Languages) -> Option<Lang> {
        let tag = self.first("lang")?.trim();
        offered.iter().find(|lang| lang.as_str() == tag)
    }

    pub(crate) fn choices(&self) -> ChoicesInput {
        ChoicesInput {
            municipalities: self.all("municipality"),
            scope: self.first("scope").map(str::to_owned),
            categories: self.all("category"),
            format: self.first("format").map(str::to_owned),
            charset: self.first("charset").map(str::to_owned),
            language: self.first("language").map(str::to_owned),
        }
    }
}

/// A checkbox or radio button of the choices form.
pub struct OptionView {
    pub(crate) id: String,
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) other: String,
    pub(crate) other_lang: &'static str,
    pub(crate) checked: bool,
}

/// A choice of mail language: each offered language, named in itself.
pub struct LanguageChoice {
    pub(crate) tag: &'static str,
    pub(crate) name: String,
    /// Beside a language other than Japanese: which version of a notice comes.
    pub(crate) hint: bool,
    pub(crate) checked: bool,
}

/// One line of the error summary, linking to its field.
pub struct ErrorLink {
    pub(crate) href: String,
    pub(crate) message: String,
}

/// The choices fieldsets, shared by the registration and manage pages.
pub struct ChoicesView {
    pub(crate) municipalities: Vec<OptionView>,
    pub(crate) categories: Vec<OptionView>,
    pub(crate) scope_emergency: bool,
    pub(crate) scope_chosen: bool,
    pub(crate) emergency_names: String,
    pub(crate) format_html: bool,
    pub(crate) charset_iso: bool,
    pub(crate) languages: Vec<LanguageChoice>,
    pub(crate) municipality_error: Option<String>,
    pub(crate) scope_error: Option<String>,
    pub(crate) category_error: Option<String>,
    pub(crate) format_error: Option<String>,
    pub(crate) charset_error: Option<String>,
    pub(crate) language_error: Option<String>,
}

impl ChoicesView {
    pub(crate) fn new(
        directory: &ReferenceData,
        offered: &Languages,
        input: &ChoicesInput,
        errors: &FormErrors,
        lang: Lang,
    ) -> Self {
        // The language asked for, else the page's; Japanese when it is not offered.
        let chosen = input.language.as_deref().map(str::trim).unwrap_or(lang.as_str());
        let chosen = offered.iter().find(|l| l.as_str() == chosen).unwrap_or(Lang::JA);
        let has = |values: &[String], wanted: &str| values.iter().any(|v| v.trim() == wanted);
        let message = |field: Field| errors.get(field).map(|e| e.explain(lang));
        let scope = input.scope.as_deref().map(str::trim);
        Self {
            municipalities: directory
                .municipalities
                .iter()
                .map(|m| {
                    // A town's name in the other of its two languages is shown beside it.
                    let (other_lang, other) = m.name_beside(lang);
                    OptionView {
                        id: format!("municipality-{}", m.code),
                        value: m.code.to_string(),
                        label: m.name(lang).to_owned(),
                        other: other.to_owned(),
                        other_lang: other_lang.as_str(),
                        checked: has(&input.municipalities, m.code.as_str()),
                    }
                })
                .collect(),
            categories: directory
                .categories
                .iter()
                .filter(|c| !c.restricted)
                .map(|c| OptionView {
                    id: format!("category-{}", c.key),
                    value: c.key.to_string(),
                    label: c.name(lang).to_owned(),
                    other: String::new(),
                    other_lang: "",
                    checked: has(&input.categories, c.key.as_str()),
                })
                .collect(),
            scope_emergency: scope == Some("emergency"),
            scope_chosen: scope == Some("chosen") || (scope.is_none() && !input.categories.is_empty()),
            emergency_names: emergency_names(directory, lang),
            format_html: input.format.as_deref().map(str::trim) == Some(MailFormat::Html.as_str()),
            charset_iso: input.charset.as_deref().map(str::trim) == Some(Charset::Iso2022Jp.as_str()),
            languages: offered
                .iter()
                .map(|option| LanguageChoice {
                    tag: option.as_str(),
                    name: crate::texts::text(option, "locale-name").into_owned(),
                    hint: option.primary() != Lang::JA.primary(),
                    checked: option == chosen,
                })
                .collect(),
            municipality_error: message(Field::Municipality),
            scope_error: message(Field::Scope),
            category_error: message(Field::Category),
            format_error: message(Field::Format),
            charset_error: message(Field::Charset),
            language_error: message(Field::Language),
        }
    }

    /// The summary's links point at the first control of each field.
    pub(crate) fn error_links(&self, errors: &FormErrors, lang: Lang) -> Vec<ErrorLink> {
        errors
            .iter()
            .map(|error| {
                let target = match error.field() {
                    Field::Email => "email".to_owned(),
                    Field::Municipality => self.municipalities.first().map(|o| o.id.clone()).unwrap_or_default(),
                    Field::Scope => "scope-emergency".to_owned(),
                    Field::Category => self.categories.first().map(|o| o.id.clone()).unwrap_or_default(),
                    Field::Format => "format-text".to_owned(),
                    Field::Charset => "charset-utf-8".to_owned(),
                    Field::Language => "language-ja".to_owned(),
                };
                ErrorLink { href: format!("#{target}"), message: error.explain(lang) }
            })
            .collect()
    }
}

/// What the resident typed, safe to show again: no control characters, not too long.
pub(crate) fn echo(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_control()).take(MAX_ECHO).collect()
}
