//! What the JMA poller keeps: the reports' state, each feed's state and the entries seen.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kizuna_core::MunicipalityCode;
use kizuna_core::jma::{
    ActiveWarning, AnnouncedQuake, Intensity, JmaSource, JmaState, QuakeKey, ReportId, Restore, SendMode, SeriesKey,
    SeriesReport, StateChange, WarningKey, WarningLevel,
};
use kizuna_core::notice::{NoticeSource, Urgency};
use kizuna_store::*;

crate::conformance!(
    the_jma_state_reads_back_as_the_changes_left_it,
    pruning_forgets_old_reports_and_quakes_but_keeps_active_warnings,
    a_feed_keeps_its_validators_and_its_first_poll_time,
    a_feed_entry_is_marked_seen_once,
    a_series_remembers_its_last_report_and_what_a_cancellation_puts_back,
    a_reports_notices_are_found_by_their_source,
);

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, day, hour, 0, 0).single().unwrap_or_default()
}

fn town(code: &str) -> MunicipalityCode {
    MunicipalityCode::parse(code).unwrap_or_else(|e| panic!("{e}"))
}

fn warning_key(exercise: bool, hazard: &str, code: &str) -> WarningKey {
    WarningKey { exercise, hazard: hazard.into(), municipality: town(code) }
}

fn warning(name: &str, level: WarningLevel, issued_at: DateTime<Utc>, send: SendMode) -> ActiveWarning {
    ActiveWarning { name: name.into(), name_en: format!("{name} (en)"), level, issued_at, send }
}

fn quake_key(exercise: bool, event: &str, code: &str) -> QuakeKey {
    QuakeKey { exercise, event_id: event.into(), municipality: town(code) }
}

fn report(id: &str) -> ReportId {
    ReportId::from_stored(id)
}

/// Two reports' worth of changes, as the mapper would return them.
fn first_report() -> Vec<StateChange> {
    vec![
        StateChange::Processed { report: report("気象警報/通常/1"), at: at(1, 5) },
        StateChange::WarningActive {
            key: warning_key(false, "大雨", "112071"),
            warning: warning("大雨警報（土砂災害）", WarningLevel::Warning, at(1, 5), SendMode::Auto),
        },
        StateChange::WarningActive {
            key: warning_key(false, "雷", "113620"),
            warning: warning("雷注意報", WarningLevel::Advisory, at(1, 5), SendMode::Draft),
        },
        StateChange::WarningActive {
            key: warning_key(true, "大雨", "112071"),
            warning: warning("大雨警報", WarningLevel::Warning, at(1, 5), SendMode::Draft),
        },
        StateChange::QuakeAnnounced {
            key: quake_key(false, "20260701050000", "113654"),
            quake: AnnouncedQuake { intensity: Intensity::FiveLower, at: at(1, 5) },
        },
    ]
}

fn second_report() -> Vec<StateChange> {
    vec![
        StateChange::Processed { report: report("気象警報/通常/2"), at: at(1, 8) },
        // The advisory became a warning; the heavy-rain warning was lifted.
        StateChange::WarningActive {
            key: warning_key(false, "雷", "113620"),
            warning: warning("雷警報", WarningLevel::Warning, at(1, 8), SendMode::Auto),
        },
        StateChange::WarningCleared { key: warning_key(false, "大雨", "112071") },
        StateChange::QuakeAnnounced {
            key: quake_key(false, "20260701050000", "113654"),
            quake: AnnouncedQuake { intensity: Intensity::SixUpper, at: at(1, 8) },
        },
    ]
}

async fn the_jma_state_reads_back_as_the_changes_left_it(store: Arc<dyn Store>) {
    assert_eq!(store.jma_state().await.unwrap(), JmaState::default());
    let mut expected = JmaState::default();
    for changes in [first_report(), second_report()] {
        store.apply_jma_changes(&changes).await.unwrap();
        expected.apply(&changes);
        assert_eq!(store.jma_state().await.unwrap(), expected);
    }
    // A drill's warning is kept apart from the real one of the same town and hazard.
    let state = store.jma_state().await.unwrap();
    assert_eq!(state.warnings.get(&warning_key(true, "大雨", "112071")).map(|w| w.send), Some(SendMode::Draft));
    assert!(!state.warnings.contains_key(&warning_key(false, "大雨", "112071")));
    assert_eq!(state.warnings.get(&warning_key(false, "雷", "113620")).map(|w| w.level), Some(WarningLevel::Warning));
    // Reading the same report again changes nothing.
    store.apply_jma_changes(&second_report()[..1]).await.unwrap();
    assert_eq!(store.jma_state().await.unwrap(), expected);
}

async fn pruning_forgets_old_reports_and_quakes_but_keeps_active_warnings(store: Arc<dyn Store>) {
    store.apply_jma_changes(&first_report()).await.unwrap();
    store.apply_jma_changes(&[StateChange::Processed { report: report("later"), at: at(3, 0) }]).await.unwrap();
    store.mark_jma_entry_seen("urn:uuid:old", at(1, 5)).await.unwrap();
    store.mark_jma_entry_seen("urn:uuid:new", at(3, 0)).await.unwrap();
    let removed = store.prune_jma(at(2, 0)).await.unwrap();
    assert_eq!(removed, 3, "one report, one earthquake, one entry");
    let state = store.jma_state().await.unwrap();
    assert_eq!(state.processed.keys().map(ReportId::as_str).collect::<Vec<_>>(), ["later"]);
    assert!(state.quakes.is_empty());
    assert_eq!(state.warnings.len(), 3, "warnings stay until JMA lifts them");
    assert!(!store.jma_entry_seen("urn:uuid:old").await.unwrap());
    assert!(store.jma_entry_seen("urn:uuid:new").await.unwrap());
}

async fn a_feed_keeps_its_validators_and_its_first_poll_time(store: Arc<dyn Store>) {
    let extra = "https://www.data.jma.go.jp/developer/xml/feed/extra.xml";
    let eqvol = "https://www.data.jma.go.jp/developer/xml/feed/eqvol.xml";
    assert_eq!(store.jma_feed(extra).await.unwrap(), None);
    let failed = JmaFeedState {
        last_attempt_at: Some(at(1, 0)),
        last_error: Some("connection refused".into()),
        failures: 1,
        ..JmaFeedState::new(extra, at(1, 0))
    };
    store.put_jma_feed(&failed).await.unwrap();
    assert_eq!(store.jma_feed(extra).await.unwrap(), Some(failed.clone()));
    let polled = JmaFeedState {
        etag: Some("\"5f-abc\"".into()),
        last_modified: Some("Wed, 01 Jul 2026 05:00:00 GMT".into()),
        // A caller that lost track of the first time cannot move it.
        created_at: at(2, 0),
        last_attempt_at: Some(at(2, 0)),
        last_success_at: Some(at(2, 0)),
        last_error: None,
        failures: 0,
        url: extra.into(),
    };
    store.put_jma_feed(&polled).await.unwrap();
    store.put_jma_feed(&JmaFeedState::new(eqvol, at(2, 0))).await.unwrap();
    let feeds = store.jma_feeds().await.unwrap();
    assert_eq!(feeds.iter().map(|f| f.url.as_str()).collect::<Vec<_>>(), [eqvol, extra]);
    assert_eq!(feeds[1], JmaFeedState { created_at: at(1, 0), ..polled });
}

async fn a_feed_entry_is_marked_seen_once(store: Arc<dyn Store>) {
    let id = "urn:uuid:6c3d7e34-0a3f-3b5d-8d4f-6f1e2a9c0b11";
    assert!(!store.jma_entry_seen(id).await.unwrap());
    assert!(store.mark_jma_entry_seen(id, at(1, 0)).await.unwrap());
    assert!(!store.mark_jma_entry_seen(id, at(1, 0) + Duration::minutes(1)).await.unwrap());
    assert!(store.jma_entry_seen(id).await.unwrap());
    assert!(!store.jma_entry_seen("urn:uuid:other").await.unwrap());
}

async fn a_series_remembers_its_last_report_and_what_a_cancellation_puts_back(store: Arc<dyn Store>) {
    store.apply_jma_changes(&first_report()).await.unwrap();
    let before = store.jma_state().await.unwrap();
    let series = SeriesKey::new(&["気象警報・注意報（Ｈ２７）", "熊谷地方気象台", "通常", ""]);
    let quake = SeriesKey::new(&["震度速報", "気象庁本庁", "通常", "20260701050000"]);
    let mut changes = second_report();
    // What the second report changed, as it stood: two warnings and an earthquake,
    // and a town whose earthquake was new.
    let mut restore = before.restore_for(&changes);
    let new_town = quake_key(false, "20260701050000", "112071");
    restore.push(Restore::Quake { key: new_town.clone(), was: None });
    changes.push(StateChange::QuakeAnnounced {
        key: new_town.clone(),
        quake: AnnouncedQuake { intensity: Intensity::Four, at: at(1, 8) },
    });
    assert_eq!(restore.len(), 4);
    let last = SeriesReport {
        report: report("気象警報/通常/2"),
        title: "埼玉県気象警報・注意報".into(),
        reported_at: at(1, 8),
        restore,
    };
    changes.push(StateChange::SeriesRead { series: series.clone(), last: last.clone() });
    let other =
        SeriesReport {
            report: report("震度速報/1"), title: "震度速報".into(), reported_at: at(1, 9), restore: vec![]
        };
    changes.push(StateChange::SeriesRead { series: quake.clone(), last: other });
    store.apply_jma_changes(&changes).await.unwrap();
    let mut expected = before.clone();
    expected.apply(&changes);
    assert_eq!(store.jma_state().await.unwrap(), expected, "the series and what it would put back read back");

    // The 取消 puts everything back as it stood before the second report.
    let mut cancel: Vec<StateChange> = last.restore.iter().map(Restore::change).collect();
    cancel.push(StateChange::SeriesCancelled { series: series.clone() });
    store.apply_jma_changes(&cancel).await.unwrap();
    let state = store.jma_state().await.unwrap();
    assert_eq!((&state.warnings, &state.quakes), (&before.warnings, &before.quakes));
    assert_eq!(state.series.keys().collect::<Vec<_>>(), [&quake], "only the cancelled series is forgotten");

    // A newer report replaces the series' last one and what it would put back.
    let newer =
        SeriesReport {
            report: report("震度速報/2"), title: "震度速報".into(), reported_at: at(3, 0), restore: vec![]
        };
    store.apply_jma_changes(&[StateChange::SeriesRead { series: quake.clone(), last: newer.clone() }]).await.unwrap();
    assert_eq!(store.jma_state().await.unwrap().series.get(&quake), Some(&newer));
    store.prune_jma(at(4, 0)).await.unwrap();
    assert!(store.jma_state().await.unwrap().series.is_empty(), "pruned with the reports");
}

async fn a_reports_notices_are_found_by_their_source(store: Arc<dyn Store>) {
    store.seed_if_empty(&kizuna_core::consortium::ConsortiumSeed::chichibu().unwrap(), at(1, 0)).await.unwrap();
    let ten = report("土砂災害警戒情報/通常/%_10");
    let one = report("土砂災害警戒情報/通常/%_1");
    let mut ids = Vec::new();
    for source in [
        JmaSource { report: one.clone(), part: 1 },
        JmaSource { report: ten.clone(), part: 1 },
        JmaSource { report: one.clone(), part: 2 },
    ] {
        let mut notice = crate::delivery::new_notice("disaster", &["112071"], Urgency::Emergency, vec![]);
        notice.source = NoticeSource::Jma;
        notice.source_ref = Some(source.to_string());
        notice.idempotency_key = Some(source.to_string());
        ids.push(store.create_notice(&notice, "jma", at(1, 0)).await.unwrap().0.id);
    }
    assert_eq!(store.jma_report_notices(&one).await.unwrap(), [ids[0], ids[2]]);
    assert_eq!(store.jma_report_notices(&ten).await.unwrap(), [ids[1]]);
    assert!(store.jma_report_notices(&report("other")).await.unwrap().is_empty());
}
