//! What a resident chose, read against the directory: described in words for
//! pages and mails, turned into subscriptions and preferences for the store, and
//! back into the form's fields.

use kizuna_core::Lang;
use kizuna_core::registration::{Choices, ChoicesInput, Reach};
use kizuna_store::{Preferences, Subscriber, Subscription};

use super::mails::ChoiceSummary;
use crate::directory::ReferenceData;
use crate::texts;

/// The emergency categories' names, which "emergency information only" stands for.
pub fn emergency_names(directory: &ReferenceData, lang: Lang) -> String {
    let names: Vec<&str> =
        directory.categories.iter().filter(|c| c.emergency && !c.restricted).map(|c| c.name(lang)).collect();
    names.join(&texts::text(lang, "residents-list-separator"))
}

/// "秩父市、皆野町" and "防災情報、気象情報" for what a resident receives.
pub fn describe(
    directory: &ReferenceData,
    subscriptions: &[Subscription],
    emergency_only: bool,
    lang: Lang,
) -> (String, String) {
    // Category names hold "・" themselves, so lists are joined with "、".
    let separator = texts::text(lang, "residents-list-separator");
    let towns: Vec<&str> = directory
        .municipalities
        .iter()
        .filter(|m| subscriptions.iter().any(|s| s.municipality == m.code))
        .map(|m| m.name(lang))
        .collect();
    let categories = if emergency_only {
        let names = emergency_names(directory, lang);
        texts::format(lang, "residents-emergency-only", &[("names", names.into())]).into_owned()
    } else {
        let names: Vec<&str> = directory
            .categories
            .iter()
            .filter(|c| !c.restricted && subscriptions.iter().any(|s| s.category == c.key))
            .map(|c| c.name(lang))
            .collect();
        names.join(&separator)
    };
    (towns.join(&separator), categories)
}

/// A confirmation mail's description of the choices, in each language it is written in.
pub fn summary(
    directory: &ReferenceData,
    subscriptions: &[Subscription],
    emergency_only: bool,
    langs: impl IntoIterator<Item = Lang>,
) -> ChoiceSummary {
    ChoiceSummary(
        langs
            .into_iter()
            .map(|lang| {
                let (towns, categories) = describe(directory, subscriptions, emergency_only, lang);
                (lang, towns, categories)
            })
            .collect(),
    )
}

pub fn subscriptions(directory: &ReferenceData, choices: &Choices) -> Vec<Subscription> {
    choices
        .pairs(&directory.categories)
        .into_iter()
        .map(|(municipality, category)| Subscription { municipality, category, area_id: None })
        .collect()
}

pub fn preferences(choices: &Choices) -> Preferences {
    Preferences {
        language: choices.language,
        format: choices.format,
        charset: choices.charset,
        emergency_only: choices.reach == Reach::EmergencyOnly,
    }
}

/// A resident's stored choices as the manage form shows them.
pub fn stored_choices(
    directory: &ReferenceData,
    subscriber: &Subscriber,
    subscriptions: &[Subscription],
) -> ChoicesInput {
    let municipalities = directory
        .municipalities
        .iter()
        .filter(|m| subscriptions.iter().any(|s| s.municipality == m.code))
        .map(|m| m.code.to_string())
        .collect();
    let categories = if subscriber.emergency_only {
        Vec::new()
    } else {
        directory
            .categories
            .iter()
            .filter(|c| !c.restricted && subscriptions.iter().any(|s| s.category == c.key))
            .map(|c| c.key.to_string())
            .collect()
    };
    ChoicesInput {
        municipalities,
        scope: Some(if subscriber.emergency_only { "emergency" } else { "chosen" }.to_owned()),
        categories,
        format: Some(subscriber.format.as_str().to_owned()),
        charset: Some(subscriber.charset.as_str().to_owned()),
        language: Some(subscriber.language.as_str().to_owned()),
    }
}
