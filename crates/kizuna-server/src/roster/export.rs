//! The registrant list written out: the import's header first (so an export
//! imports again), then what a town office asks about a resident. Excel takes
//! a file for UTF-8 only with a byte order mark, and a line for a row only when
//! it ends in CRLF; no cell starts a formula.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use kizuna_core::import::csv_cell;
use kizuna_store::ExportedResident;

/// The import's columns, then the resident's standing and when they registered (JST).
pub const EXPORT_HEADER: &str =
    concat!("email,municipalities,categories,emergency_only,language,monitor_age_band", ",status,source,registered_at");

/// The list as a file: a UTF-8 BOM, the header, one CRLF-ended line per resident.
pub fn export_csv(residents: &[ExportedResident]) -> Vec<u8> {
    let mut text = String::with_capacity(64 * (residents.len() + 1));
    text.push('\u{feff}');
    text.push_str(EXPORT_HEADER);
    text.push_str("\r\n");
    for resident in residents {
        let s = &resident.subscriber;
        let towns: BTreeSet<&str> = resident.subscriptions.iter().map(|c| c.municipality.as_str()).collect();
        let mut categories: Vec<&str> = Vec::new();
        for choice in &resident.subscriptions {
            if !categories.contains(&choice.category.as_str()) {
                categories.push(choice.category.as_str());
            }
        }
        let registered = kizuna_core::time::to_tokyo(s.created_at).format("%Y-%m-%d %H:%M").to_string();
        let cells = [
            s.email.as_str(),
            &towns.into_iter().collect::<Vec<_>>().join(";"),
            &categories.join(";"),
            if s.emergency_only { "yes" } else { "no" },
            s.language.as_str(),
            s.monitor_age_band.as_deref().unwrap_or(""),
            s.status.as_str(),
            s.source.as_str(),
            &registered,
        ];
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            let _ = write!(text, "{}", csv_cell(cell));
        }
        text.push_str("\r\n");
    }
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
    use kizuna_core::{CategoryKey, Lang, MunicipalityCode};
    use kizuna_store::{Subscriber, Subscription};

    use super::*;

    fn choice(town: &str, category: &str) -> Subscription {
        Subscription {
            municipality: MunicipalityCode::parse(town).unwrap(),
            category: CategoryKey::parse(category).unwrap(),
            area_id: None,
        }
    }

    #[test]
    fn an_export_opens_in_excel_and_imports_again() {
        let resident = ExportedResident {
            subscriber: Subscriber {
                id: 7,
                email: "=cmd@example.jp".into(),
                status: SubscriberStatus::Active,
                language: Lang::JA,
                format: MailFormat::Text,
                charset: Charset::Utf8,
                emergency_only: false,
                is_staff: false,
                source: RegistrationSource::Import,
                source_municipality: None,
                monitor_age_band: Some("60代, 女性".into()),
                hard_bounces: 0,
                created_at: Utc.with_ymd_and_hms(2026, 4, 1, 0, 30, 0).unwrap(),
                confirmed_at: None,
            },
            subscriptions: vec![choice("112071", "disaster"), choice("113611", "disaster"), choice("113611", "event")],
        };
        assert!(EXPORT_HEADER.starts_with(kizuna_core::import::HEADER));
        let bytes = export_csv(&[resident]);
        assert!(bytes.starts_with(b"\xef\xbb\xbfemail,municipalities,"), "a BOM, then the import's header");
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        assert_eq!(lines.len(), 2);
        assert!(!text.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
        assert_eq!(
            lines[1],
            "'=cmd@example.jp,112071;113611,disaster;event,no,ja,\"60代, 女性\",active,import,2026-04-01 09:30"
        );
    }
}
