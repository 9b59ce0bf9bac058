//! What a resident chooses on the registration and manage forms, parsed against
//! the consortium's municipalities and categories, with one error per field.

use thiserror::Error;

use crate::consortium::{Category, Municipality};
use crate::email::{EmailAddress, EmailError};
use crate::lang::{Explain, Lang, Languages};
use crate::subscriber::{Charset, MailFormat};
use crate::texts;
use crate::{CategoryKey, MunicipalityCode};

/// Longer input is refused before it is normalised: no address is this long.
const MAX_EMAIL_INPUT: usize = 320;

/// A form field a resident can get wrong; `id` names it in HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Email,
    Municipality,
    Scope,
    Category,
    Format,
    Charset,
    Language,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Email,
        Field::Municipality,
        Field::Scope,
        Field::Category,
        Field::Format,
        Field::Charset,
        Field::Language,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::Municipality => "municipality",
            Field::Scope => "scope",
            Field::Category => "category",
            Field::Format => "format",
            Field::Charset => "charset",
            Field::Language => "language",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormError {
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error("choose at least one municipality")]
    NoMunicipality,
    #[error("one of the chosen municipalities is not part of this service")]
    UnknownMunicipality,
    #[error("choose whether to receive emergency information only or the categories you pick")]
    BadScope,
    #[error("choose at least one category")]
    NoCategory,
    #[error("one of the chosen categories does not exist")]
    UnknownCategory,
    #[error("choose plain text or HTML")]
    BadFormat,
    #[error("choose the standard character set or the one for older phones")]
    BadCharset,
    #[error("choose Japanese or English")]
    BadLanguage,
}

impl FormError {
    /// The field this error belongs to, so the page can show it there.
    pub fn field(&self) -> Field {
        match self {
            FormError::Email(_) => Field::Email,
            FormError::NoMunicipality | FormError::UnknownMunicipality => Field::Municipality,
            FormError::BadScope => Field::Scope,
            FormError::NoCategory | FormError::UnknownCategory => Field::Category,
            FormError::BadFormat => Field::Format,
            FormError::BadCharset => Field::Charset,
            FormError::BadLanguage => Field::Language,
        }
    }
}

impl Explain for FormError {
    fn explain(&self, lang: Lang) -> String {
        let key = match self {
            FormError::Email(error) => return error.explain(lang),
            FormError::NoMunicipality => "form-error-no-municipality",
            FormError::UnknownMunicipality => "form-error-unknown-municipality",
            FormError::BadScope => "form-error-bad-scope",
            FormError::NoCategory => "form-error-no-category",
            FormError::UnknownCategory => "form-error-unknown-category",
            FormError::BadFormat => "form-error-bad-format",
            FormError::BadCharset => "form-error-bad-charset",
            FormError::BadLanguage => "form-error-bad-language",
        };
        texts::text(lang, key).into_owned()
    }
}

/// Every error of one submission, in the order the fields appear.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormErrors(Vec<FormError>);

impl FormErrors {
    pub fn push(&mut self, error: FormError) {
        if !self.0.contains(&error) {
            self.0.push(error);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FormError> {
        let mut sorted: Vec<&FormError> = self.0.iter().collect();
        sorted.sort_by_key(|e| Field::ALL.iter().position(|f| *f == e.field()));
        sorted.into_iter()
    }

    /// The first error of a field: one message per field is enough to act on.
    pub fn get(&self, field: Field) -> Option<&FormError> {
        self.0.iter().find(|e| e.field() == field)
    }
}

/// What the form submitted, as text: nothing here has been checked yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChoicesInput {
    pub municipalities: Vec<String>,
    pub scope: Option<String>,
    pub categories: Vec<String>,
    pub format: Option<String>,
    pub charset: Option<String>,
    pub language: Option<String>,
}

/// Which notices a resident receives in the chosen municipalities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// The categories marked `emergency` (disaster prevention, weather warnings).
    EmergencyOnly,
    Categories(Vec<CategoryKey>),
}

/// A resident's checked choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    /// In the consortium's order, without repeats; never empty.
    pub municipalities: Vec<MunicipalityCode>,
    pub reach: Reach,
    pub format: MailFormat,
    pub charset: Charset,
    pub language: Lang,
}

impl Choices {
    /// Checks the submitted choices against what exists. A missing format,
    /// character set or language falls back to the default; a value that is
    /// present but unknown is an error, so nothing is stored on a tampered form.
    /// The mail language must be one of the `offered` ones, given by its tag.
    pub fn parse(
        input: &ChoicesInput,
        municipalities: &[Municipality],
        categories: &[Category],
        offered: &Languages,
        default_language: Lang,
    ) -> Result<Choices, FormErrors> {
        let mut errors = FormErrors::default();
        let chosen = Self::parse_municipalities(&input.municipalities, municipalities, &mut errors);
        let keys = Self::parse_categories(&input.categories, categories, &mut errors);
        let reach = match input.scope.as_deref().map(str::trim) {
            Some("emergency") => Some(Reach::EmergencyOnly),
            Some("chosen") if keys.is_empty() => {
                if errors.get(Field::Category).is_none() {
                    errors.push(FormError::NoCategory);
                }
                None
            }
            Some("chosen") => Some(Reach::Categories(keys)),
            None if !keys.is_empty() => Some(Reach::Categories(keys)),
            _ => {
                errors.push(FormError::BadScope);
                None
            }
        };
        let format = match input.format.as_deref().map(str::trim) {
            None => Some(MailFormat::Text),
            Some(text) => MailFormat::parse(text),
        };
        if format.is_none() {
            errors.push(FormError::BadFormat);
        }
        let charset = match input.charset.as_deref().map(str::trim) {
            None => Some(Charset::Utf8),
            Some(text) => Charset::parse(text),
        };
        if charset.is_none() {
            errors.push(FormError::BadCharset);
        }
        let language = match input.language.as_deref().map(str::trim) {
            None => Some(default_language),
            Some(tag) => offered.iter().find(|lang| lang.as_str() == tag),
        };
        if language.is_none() {
            errors.push(FormError::BadLanguage);
        }
        match (reach, format, charset, language) {
            (Some(reach), Some(format), Some(charset), Some(language)) if errors.is_empty() => {
                Ok(Choices { municipalities: chosen, reach, format, charset, language })
            }
            _ => Err(errors),
        }
    }

    fn parse_municipalities(
        values: &[String],
        known: &[Municipality],
        errors: &mut FormErrors,
    ) -> Vec<MunicipalityCode> {
        let values: Vec<&str> = values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            errors.push(FormError::NoMunicipality);
            return Vec::new();
        }
        let mut chosen = Vec::new();
        for value in values {
            match known.iter().find(|m| m.code.as_str() == value) {
                Some(m) => chosen.push(m.code.clone()),
                None => errors.push(FormError::UnknownMunicipality),
            }
        }
        known.iter().filter(|m| chosen.contains(&m.code)).map(|m| m.code.clone()).collect()
    }

    fn parse_categories(values: &[String], known: &[Category], errors: &mut FormErrors) -> Vec<CategoryKey> {
        let mut chosen = Vec::new();
        for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
            // Restricted categories go to staff only: residents cannot pick them.
            match known.iter().find(|c| c.key.as_str() == value && !c.restricted) {
                Some(c) => chosen.push(c.key.clone()),
                None => errors.push(FormError::UnknownCategory),
            }
        }
        known.iter().filter(|c| chosen.contains(&c.key)).map(|c| c.key.clone()).collect()
    }

    /// Whether only emergency categories are wanted.
    pub fn emergency_only(&self) -> bool {
        self.reach == Reach::EmergencyOnly
    }

    /// The categories these choices receive, in the consortium's order.
    pub fn category_keys(&self, categories: &[Category]) -> Vec<CategoryKey> {
        match &self.reach {
            Reach::EmergencyOnly => {
                categories.iter().filter(|c| c.emergency && !c.restricted).map(|c| c.key.clone()).collect()
            }
            Reach::Categories(keys) => keys.clone(),
        }
    }

    /// Every municipality × category pair to store as a subscription.
    pub fn pairs(&self, categories: &[Category]) -> Vec<(MunicipalityCode, CategoryKey)> {
        let keys = self.category_keys(categories);
        self.municipalities.iter().flat_map(|m| keys.iter().map(move |k| (m.clone(), k.clone()))).collect()
    }
}

/// A whole registration: an address and its choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub email: EmailAddress,
    pub choices: Choices,
}

impl Registration {
    /// Parses the address and the choices, collecting every error at once so the
    /// resident can fix them all in one go.
    pub fn parse(
        email: &str,
        input: &ChoicesInput,
        municipalities: &[Municipality],
        categories: &[Category],
        offered: &Languages,
        default_language: Lang,
    ) -> Result<Registration, FormErrors> {
        let email = parse_email(email);
        let choices = Choices::parse(input, municipalities, categories, offered, default_language);
        match (email, choices) {
            (Ok(email), Ok(choices)) => Ok(Registration { email, choices }),
            (email, choices) => {
                let mut errors = choices.err().unwrap_or_default();
                if let Err(error) = email {
                    errors.push(FormError::Email(error));
                }
                Err(errors)
            }
        }
    }
}

/// `EmailAddress::parse` with a cap on the raw length, so a megabyte of input is
/// refused before it is normalised.
pub fn parse_email(input: &str) -> Result<EmailAddress, EmailError> {
    if input.chars().count() > MAX_EMAIL_INPUT {
        return Err(EmailError::TooLong);
    }
    EmailAddress::parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consortium::ConsortiumSeed;

    fn region() -> (Vec<Municipality>, Vec<Category>) {
        let seed = ConsortiumSeed::chichibu().unwrap_or_else(|e| panic!("{e}"));
        (seed.municipalities, seed.categories)
    }

    fn input(municipalities: &[&str], scope: Option<&str>, categories: &[&str]) -> ChoicesInput {
        ChoicesInput {
            municipalities: municipalities.iter().map(|s| (*s).to_owned()).collect(),
            scope: scope.map(str::to_owned),
            categories: categories.iter().map(|s| (*s).to_owned()).collect(),
            ..ChoicesInput::default()
        }
    }

    fn fields(result: Result<Choices, FormErrors>) -> Vec<Field> {
        result.err().map(|e| e.iter().map(FormError::field).collect()).unwrap_or_default()
    }

    #[test]
    fn emergency_only_subscribes_each_town_to_the_emergency_categories() {
        let (towns, categories) = region();
        let choices = Choices::parse(
            &input(&["113620", "112071", "113620"], Some("emergency"), &[]),
            &towns,
            &categories,
            &Languages::default(),
            Lang::EN,
        );
        let choices = choices.unwrap_or_else(|e| panic!("{e:?}"));
        let codes: Vec<&str> = choices.municipalities.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes, ["112071", "113620"], "consortium order, no repeats");
        assert!(choices.emergency_only());
        assert_eq!(choices.language, Lang::EN, "the page language is the default");
        let pairs: Vec<String> = choices.pairs(&categories).iter().map(|(m, k)| format!("{m}:{k}")).collect();
        assert_eq!(pairs, ["112071:disaster", "112071:weather", "113620:disaster", "113620:weather"]);
    }

    #[test]
    fn chosen_categories_are_kept_in_order() {
        let (towns, categories) = region();
        let mut form = input(&["113654"], Some("chosen"), &["event", "crime"]);
        form.format = Some("html".into());
        form.charset = Some("iso-2022-jp".into());
        form.language = Some("ja".into());
        let choices = Choices::parse(&form, &towns, &categories, &Languages::default(), Lang::EN)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let keys: Vec<String> = choices.category_keys(&categories).iter().map(|k| k.to_string()).collect();
        assert_eq!(keys, ["crime", "event"]);
        assert_eq!(
            (choices.format, choices.charset, choices.language),
            (MailFormat::Html, Charset::Iso2022Jp, Lang::JA)
        );
    }

    #[test]
    fn hostile_or_missing_values_name_their_field() {
        let (towns, categories) = region();
        let cases: [(ChoicesInput, Vec<Field>); 6] = [
            (input(&[], Some("emergency"), &[]), vec![Field::Municipality]),
            (input(&["abc"], Some("emergency"), &[]), vec![Field::Municipality]),
            (input(&["131016"], Some("emergency"), &[]), vec![Field::Municipality]),
            (input(&["112071"], Some("chosen"), &["<script>"]), vec![Field::Category]),
            (input(&["112071"], Some("chosen"), &["staff"]), vec![Field::Category]),
            (input(&["112071"], Some("everything"), &[]), vec![Field::Scope]),
        ];
        for (form, expected) in cases {
            assert_eq!(
                fields(Choices::parse(&form, &towns, &categories, &Languages::default(), Lang::JA)),
                expected,
                "{form:?}"
            );
        }
        let mut form = input(&["112071"], Some("chosen"), &[]);
        form.format = Some("pdf".into());
        form.charset = Some("shift_jis".into());
        form.language = Some("fr".into());
        assert_eq!(
            fields(Choices::parse(&form, &towns, &categories, &Languages::default(), Lang::JA)),
            [Field::Category, Field::Format, Field::Charset, Field::Language]
        );
    }

    #[test]
    fn a_registration_reports_the_address_and_the_choices_together() {
        let (towns, categories) = region();
        let errors = Registration::parse(
            "taro\u{7}@example.jp",
            &input(&[], None, &[]),
            &towns,
            &categories,
            &Languages::default(),
            Lang::JA,
        )
        .err()
        .unwrap_or_default();
        let fields: Vec<Field> = errors.iter().map(FormError::field).collect();
        assert_eq!(fields, [Field::Email, Field::Municipality, Field::Scope]);
        assert!(errors.get(Field::Municipality).is_some_and(|e| e.explain(Lang::JA).contains("市町村")));
        assert_eq!(
            errors.get(Field::Scope).map(|e| e.explain(Lang::EN)),
            Some("Choose whether to receive emergency information only or the categories you pick.".to_owned())
        );
        assert_eq!(parse_email(&"a".repeat(10_000)), Err(EmailError::TooLong));
        let ok = Registration::parse(
            "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
            &input(&["112071"], None, &["crime"]),
            &towns,
            &categories,
            &Languages::default(),
            Lang::JA,
        );
        assert_eq!(ok.map(|r| r.email.to_string()), Ok("taro@example.jp".to_owned()));
    }
}
