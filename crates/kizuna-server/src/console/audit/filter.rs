//! The audit log's filter as staff write it in the GET form — a person (an
//! address or an actor such as `scheduler`), a municipality, an action (or the
//! start of one), and dates in Japan time — turned into the store's
//! [`AuditFilter`], narrowed to the person's own municipality where they have one.

use chrono::{Days, NaiveDate};
use kizuna_core::staff::Scope;
use kizuna_core::{Lang, MunicipalityCode};
use kizuna_store::{AuditFilter, StoreError};

use super::super::form::{Errors, Fields};
use crate::directory::ReferenceData;
use crate::state::AppState;
use crate::texts;

/// Entries on one page.
pub const PAGE: i64 = 50;

/// The filter's fields as typed, to show them again.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub person: String,
    pub municipality: String,
    pub action: String,
    pub from: String,
    pub until: String,
}

impl Typed {
    pub fn of(query: &Fields) -> Self {
        Self {
            person: query.get("person").trim().to_owned(),
            municipality: query.get("municipality").trim().to_owned(),
            action: query.get("action").trim().to_owned(),
            from: query.get("from").trim().to_owned(),
            until: query.get("until").trim().to_owned(),
        }
    }

    /// The query string that repeats this filter (`person=…&action=…`), without the cursor.
    pub fn query_string(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("person", &self.person),
            ("municipality", &self.municipality),
            ("action", &self.action),
            ("from", &self.from),
            ("until", &self.until),
        ] {
            if !value.is_empty() {
                query.append_pair(key, value);
            }
        }
        query.finish()
    }
}

/// Why a filter is refused outright (rather than shown with its errors).
#[derive(Debug)]
pub enum Refusal {
    /// Another municipality than one's own: its entries are "not found".
    OtherMunicipality,
    Store(StoreError),
}

/// A day as typed: `2026-12-03` (what a date field sends) or `2026/12/3`.
fn date(text: &str) -> Option<NaiveDate> {
    let normal = text.replace('/', "-");
    NaiveDate::parse_from_str(&normal, "%Y-%m-%d").ok()
}

/// An action's name or its start: lower-case letters, digits and `_`.
fn action_ok(text: &str) -> bool {
    text.len() <= 64 && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Reads the filter. `Ok(Err(errors))` is a filter with mistakes to show.
pub async fn read(
    state: &AppState,
    scope: &Scope,
    directory: &ReferenceData,
    typed: &Typed,
    before: Option<i64>,
    lang: Lang,
) -> Result<Result<AuditFilter, Errors>, Refusal> {
    let mut errors = Errors::default();
    let t = |key: &str| texts::text(lang, key).into_owned();

    let municipality = match (scope, typed.municipality.as_str()) {
        (Scope::Municipality(own), "") => Some(own.clone()),
        (Scope::Municipality(own), asked) => {
            if asked != own.as_str() {
                return Err(Refusal::OtherMunicipality);
            }
            Some(own.clone())
        }
        (Scope::AllMunicipalities, "" | "all") => None,
        (Scope::AllMunicipalities, asked) => match MunicipalityCode::parse(asked) {
            Ok(code) if directory.municipality(&code).is_some() => Some(code),
            _ => {
                errors.add("municipality", t("console-audit-error-municipality"));
                None
            }
        },
    };

    let actor = match typed.person.as_str() {
        "" => None,
        person if person.contains('@') => {
            match state.store.staff_by_email(&person.to_lowercase()).await.map_err(Refusal::Store)? {
                Some(staff) => Some(format!("staff:{}", staff.id)),
                None => {
                    errors.add("person", t("console-audit-error-person"));
                    None
                }
            }
        }
        person if person.len() <= 64 && !person.chars().any(char::is_whitespace) => Some(person.to_owned()),
        _ => {
            errors.add("person", t("console-audit-error-person"));
            None
        }
    };

    let action = match typed.action.as_str() {
        "" => None,
        action if action_ok(action) => Some(action.to_owned()),
        _ => {
            errors.add("action", t("console-audit-error-action"));
            None
        }
    };

    let from = match typed.from.as_str() {
        "" => None,
        text => date(text).or_else(|| {
            errors.add("from", t("console-audit-error-date"));
            None
        }),
    };
    let until = match typed.until.as_str() {
        "" => None,
        text => date(text).or_else(|| {
            errors.add("until", t("console-audit-error-date"));
            None
        }),
    };
    if let (Some(from), Some(until)) = (from, until)
        && until < from
    {
        errors.add("until", t("console-audit-error-order"));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok(AuditFilter {
        actor,
        municipality,
        action,
        from: from.map(kizuna_core::time::start_of_tokyo_day),
        // The last day counts whole: up to the next day's start.
        until: until.and_then(|d| d.checked_add_days(Days::new(1))).map(kizuna_core::time::start_of_tokyo_day),
        before,
        limit: PAGE,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_actions_are_read_as_typed() {
        assert_eq!(date("2026-12-03"), NaiveDate::from_ymd_opt(2026, 12, 3));
        assert_eq!(date("2026/12/3"), NaiveDate::from_ymd_opt(2026, 12, 3));
        assert_eq!(date("3 Dec"), None);
        assert!(action_ok("notice_"));
        assert!(!action_ok("notice'; --"));
    }

    #[test]
    fn the_filter_is_repeated_in_links_without_empty_fields() {
        let typed = Typed { person: "a@b.jp".into(), action: "notice_".into(), ..Typed::default() };
        assert_eq!(typed.query_string(), "person=a%40b.jp&action=notice_");
    }
}
