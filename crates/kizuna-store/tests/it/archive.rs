//! The public archive: Japanese substring search, filters, pagination and what may
//! never be listed, the same on SQLite and PostgreSQL.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::notice::{ImmediateSend, NoticeAction, NoticeSource, Urgency};
use kizuna_core::text::{NoticeBody, NoticeTitle, SearchQuery};
use kizuna_core::{CategoryKey, MunicipalityCode};
use kizuna_store::*;

crate::conformance!(
    two_character_japanese_words_and_half_width_kana_are_found,
    wildcard_characters_in_a_search_are_literal,
    filters_combine_and_dates_are_tokyo_days,
    pages_neither_repeat_nor_skip_notices,
    restricted_unpublished_and_old_obituaries_stay_out,
    a_corrected_notice_points_to_its_correction,
    the_next_timed_change_is_the_soonest_obituary_exit_or_expiry,
);

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).single().unwrap()
}

async fn seeded(store: &Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), at(1, 0)).await.unwrap();
}

fn draft(title: &str, body: &str, category: &str, towns: &[&str]) -> NewNotice {
    NewNotice {
        title: NoticeTitle::parse(title).unwrap(),
        body: NoticeBody::parse(body).unwrap(),
        title_en: None,
        body_en: None,
        category: CategoryKey::parse(category).unwrap(),
        municipalities: towns.iter().map(|t| MunicipalityCode::parse(t).unwrap()).collect(),
        area_ids: Vec::new(),
        urgency: Urgency::Normal,
        exercise: false,
        expires_at: None,
        send_at: None,
        check_in: false,
        follow_up: None,
        source: NoticeSource::Staff,
        source_ref: None,
        idempotency_key: None,
        supersedes: None,
    }
}

/// Creates a notice and sends it at `sent`.
async fn publish(store: &Arc<dyn Store>, notice: &NewNotice, sent: DateTime<Utc>) -> i64 {
    let (n, _) = store.create_notice(notice, "staff:1", sent).await.unwrap();
    let send = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
    store.transition_notice(n.id, send, "staff:1", None, sent).await.unwrap();
    n.id
}

async fn finish(store: &Arc<dyn Store>, id: i64, then: NoticeAction, at: DateTime<Utc>) {
    store.transition_notice(id, NoticeAction::Complete, "worker", None, at).await.unwrap();
    store.transition_notice(id, then, "staff:1", None, at).await.unwrap();
}

fn query(now: DateTime<Utc>) -> ArchiveQuery {
    ArchiveQuery::everything(now, 30, 50)
}

fn search(now: DateTime<Utc>, text: &str) -> ArchiveQuery {
    ArchiveQuery { search: SearchQuery::parse(text).unwrap(), ..query(now) }
}

async fn titles(store: &Arc<dyn Store>, query: &ArchiveQuery) -> Vec<String> {
    store.archive_notices(query).await.unwrap().notices.into_iter().map(|n| n.title.to_string()).collect()
}

async fn two_character_japanese_words_and_half_width_kana_are_found(store: Arc<dyn Store>) {
    seeded(&store).await;
    publish(&store, &draft("断水のお知らせ", "水道管工事のため断水します。", "notice", &["112071"]), at(2, 1)).await;
    publish(&store, &draft("給水のご案内", "昨日の断水は復旧しました。", "notice", &["113611"]), at(2, 2)).await;
    publish(&store, &draft("水道工事", "通行止めになります。", "notice", &["113611"]), at(2, 3)).await;
    publish(&store, &draft("ダンスイベント", "公民館で開催します。", "event", &["113638"]), at(2, 4)).await;
    publish(&store, &draft("ＡＢＣ体操", "ｶﾀｶﾅの本文", "event", &["113638"]), at(2, 5)).await;
    let now = at(3, 0);
    assert_eq!(titles(&store, &search(now, "断水")).await, ["給水のご案内", "断水のお知らせ"], "title or body");
    assert_eq!(titles(&store, &search(now, "ﾀﾞﾝｽｲ")).await, ["ダンスイベント"], "half-width kana");
    assert_eq!(titles(&store, &search(now, "abc")).await, ["ＡＢＣ体操"], "full-width letters, any case");
    assert_eq!(titles(&store, &search(now, "カタカナ")).await, ["ＡＢＣ体操"], "half-width text in the body");
    assert_eq!(titles(&store, &search(now, "断水　復旧")).await, ["給水のご案内"], "every word must appear");
    assert_eq!(titles(&store, &search(now, "停電")).await, Vec::<String>::new());
    let page = store.archive_notices(&search(now, "断水")).await.unwrap();
    assert_eq!(page.total, 2);
}

async fn wildcard_characters_in_a_search_are_literal(store: Arc<dyn Store>) {
    seeded(&store).await;
    publish(&store, &draft("ポイント100%還元", "本文", "notice", &["112071"]), at(2, 1)).await;
    publish(&store, &draft("file_name の件", "本文", "notice", &["112071"]), at(2, 2)).await;
    publish(&store, &draft("C:\\temp の件", "本文", "notice", &["112071"]), at(2, 3)).await;
    publish(&store, &draft("普通のお知らせ", "本文", "notice", &["112071"]), at(2, 4)).await;
    let now = at(3, 0);
    assert_eq!(titles(&store, &search(now, "%")).await, ["ポイント100%還元"]);
    assert_eq!(titles(&store, &search(now, "0%還")).await, ["ポイント100%還元"]);
    assert_eq!(titles(&store, &search(now, "_")).await, ["file_name の件"]);
    assert_eq!(titles(&store, &search(now, "\\")).await, ["C:\\temp の件"]);
    assert_eq!(titles(&store, &search(now, "％")).await, ["ポイント100%還元"], "full-width % folds to %");
}

async fn filters_combine_and_dates_are_tokyo_days(store: Arc<dyn Store>) {
    seeded(&store).await;
    publish(&store, &draft("秩父の防災", "断水", "disaster", &["112071"]), at(20, 1)).await;
    publish(&store, &draft("横瀬の防災", "断水", "disaster", &["113611"]), at(20, 2)).await;
    publish(&store, &draft("秩父のイベント", "断水", "event", &["112071"]), at(20, 3)).await;
    // 15:30 UTC on 30 November is already 1 December in Tokyo.
    let late = Utc.with_ymd_and_hms(2026, 11, 30, 15, 30, 0).single().unwrap();
    publish(&store, &draft("秩父と横瀬の防災", "断水", "disaster", &["112071", "113611"]), late).await;
    let now = at(30, 20);
    let code = |c: &str| Some(MunicipalityCode::parse(c).unwrap());
    let key = |k: &str| Some(CategoryKey::parse(k).unwrap());
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2026, m, d);

    let chichibu = ArchiveQuery { municipality: code("112071"), ..query(now) };
    assert_eq!(titles(&store, &chichibu).await, ["秩父と横瀬の防災", "秩父のイベント", "秩父の防災"]);
    let chichibu_disaster = ArchiveQuery { category: key("disaster"), ..chichibu.clone() };
    assert_eq!(titles(&store, &chichibu_disaster).await, ["秩父と横瀬の防災", "秩父の防災"]);
    let november = ArchiveQuery { sent_until: day(11, 30), ..chichibu_disaster.clone() };
    assert_eq!(titles(&store, &november).await, ["秩父の防災"], "sent on 1 December, Tokyo time");
    let december = ArchiveQuery { sent_from: day(12, 1), ..chichibu_disaster.clone() };
    assert_eq!(titles(&store, &december).await, ["秩父と横瀬の防災"]);
    let one_day = ArchiveQuery { sent_from: day(11, 20), sent_until: day(11, 20), ..query(now) };
    assert_eq!(titles(&store, &one_day).await.len(), 3);
    let yokoze_search = ArchiveQuery { municipality: code("113611"), ..search(now, "断水") };
    assert_eq!(titles(&store, &yokoze_search).await, ["秩父と横瀬の防災", "横瀬の防災"]);
    let page = store.archive_notices(&chichibu_disaster).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.notices[0].municipalities, ["112071", "113611"]);
}

async fn pages_neither_repeat_nor_skip_notices(store: Arc<dyn Store>) {
    seeded(&store).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        // The same sending time for all: the order must still be fixed.
        ids.push(publish(&store, &draft(&format!("お知らせ{i}"), "本文", "notice", &["112071"]), at(2, 1)).await);
    }
    publish(&store, &draft("古いお知らせ", "本文", "notice", &["112071"]), at(1, 1)).await;
    let now = at(3, 0);
    let mut seen = Vec::new();
    for offset in [0, 2, 4] {
        let page = store.archive_notices(&ArchiveQuery { limit: 2, offset, ..query(now) }).await.unwrap();
        assert_eq!(page.total, 6);
        seen.extend(page.notices.into_iter().map(|n| n.id));
    }
    ids.reverse();
    assert_eq!(seen[..5], ids[..], "newest first, ties by id");
    assert_eq!(seen.len(), 6);
    let past_the_end = store.archive_notices(&ArchiveQuery { limit: 2, offset: 6, ..query(now) }).await.unwrap();
    assert_eq!((past_the_end.notices.len(), past_the_end.total), (0, 6));
}

async fn restricted_unpublished_and_old_obituaries_stay_out(store: Arc<dyn Store>) {
    seeded(&store).await;
    publish(&store, &draft("研究会のお知らせ", "職員向け", "staff", &["112071"]), at(2, 1)).await;
    store.create_notice(&draft("下書き", "本文", "notice", &["112071"]), "staff:1", at(2, 2)).await.unwrap();
    let cancelled = publish(&store, &draft("取り消した配信", "本文", "notice", &["112071"]), at(2, 3)).await;
    store.transition_notice(cancelled, NoticeAction::Cancel, "staff:1", None, at(2, 3)).await.unwrap();
    let withdrawn = publish(&store, &draft("撤回した配信", "本文", "notice", &["112071"]), at(2, 4)).await;
    finish(&store, withdrawn, NoticeAction::Withdraw, at(2, 5)).await;
    let corrected = publish(&store, &draft("誤りのある配信", "本文", "notice", &["112071"]), at(2, 6)).await;
    finish(&store, corrected, NoticeAction::Supersede, at(2, 7)).await;
    let mut correction = draft("訂正した配信", "本文", "notice", &["112071"]);
    correction.supersedes = Some(corrected);
    publish(&store, &correction, at(2, 7)).await;

    let obituary = publish(&store, &draft("お悔やみ 山田様", "告別式", "obituary", &["113654"]), at(3, 0)).await;
    finish(&store, obituary, NoticeAction::Supersede, at(10, 0)).await;
    let mut fixed = draft("お悔やみ 山田様（訂正）", "告別式の時刻", "obituary", &["113654"]);
    fixed.supersedes = Some(obituary);
    publish(&store, &fixed, at(10, 0)).await;
    publish(&store, &draft("お悔やみ 鈴木様", "告別式", "obituary", &["113654"]), at(5, 0)).await;

    let listed = titles(&store, &query(at(10, 1))).await;
    assert_eq!(
        listed,
        [
            "お悔やみ 山田様（訂正）",
            "お悔やみ 鈴木様",
            "お悔やみ 山田様",
            "訂正した配信",
            "誤りのある配信",
            "撤回した配信"
        ],
    );
    let current = ArchiveQuery { include_superseded: false, ..query(at(10, 1)) };
    assert!(!titles(&store, &current).await.contains(&"誤りのある配信".to_owned()));
    let browsed = titles(&store, &ArchiveQuery { include_withdrawn: false, ..query(at(10, 1)) }).await;
    assert!(
        !browsed.contains(&"撤回した配信".to_owned()) && browsed.contains(&"訂正した配信".to_owned()),
        "{browsed:?}"
    );
    // 30 days after 3 November: the first obituary and its correction leave together.
    let later = titles(&store, &query(at(3, 0) + Duration::days(30) + Duration::hours(1))).await;
    assert_eq!(later, ["お悔やみ 鈴木様", "訂正した配信", "誤りのある配信", "撤回した配信"]);
    let searched = titles(&store, &search(at(3, 0) + Duration::days(30) + Duration::hours(1), "山田")).await;
    assert_eq!(searched, Vec::<String>::new(), "gone from search too");
    let staff_only = ArchiveQuery { category: Some(CategoryKey::parse("staff").unwrap()), ..query(at(10, 1)) };
    assert_eq!(store.archive_notices(&staff_only).await.unwrap().total, 0);
}

async fn a_corrected_notice_points_to_its_correction(store: Arc<dyn Store>) {
    seeded(&store).await;
    let first = publish(&store, &draft("誤り", "本文", "notice", &["112071"]), at(2, 1)).await;
    assert_eq!(store.correction_of(first).await.unwrap(), None);
    finish(&store, first, NoticeAction::Supersede, at(2, 2)).await;
    let mut correction = draft("訂正", "本文", "notice", &["112071"]);
    correction.supersedes = Some(first);
    let (draft_correction, _) = store.create_notice(&correction, "staff:1", at(2, 2)).await.unwrap();
    assert_eq!(store.correction_of(first).await.unwrap(), None, "a draft correction is not public yet");
    let send = NoticeAction::SendImmediately(ImmediateSend::EmergencyRight);
    store.transition_notice(draft_correction.id, send, "staff:1", None, at(2, 3)).await.unwrap();
    assert_eq!(store.correction_of(first).await.unwrap(), Some(draft_correction.id));
}

async fn the_next_timed_change_is_the_soonest_obituary_exit_or_expiry(store: Arc<dyn Store>) {
    seeded(&store).await;
    let days = 7;
    assert_eq!(store.next_timed_change(at(2, 0), days).await.unwrap(), None, "nothing public yet");
    let mut expiring = draft("断水のお知らせ", "本日17時まで", "notice", &["112071"]);
    expiring.expires_at = Some(at(20, 8));
    publish(&store, &expiring, at(2, 0)).await;
    publish(&store, &draft("お悔やみ 山田様", "告別式", "obituary", &["113654"]), at(3, 0)).await;
    publish(&store, &draft("お悔やみ 鈴木様", "告別式", "obituary", &["113654"]), at(5, 0)).await;
    let mut unsent = draft("下書きの期限", "本文", "notice", &["112071"]);
    unsent.expires_at = Some(at(4, 0));
    store.create_notice(&unsent, "staff:1", at(2, 0)).await.unwrap();

    // Listed while no more than 7 days old: the first obituary leaves just after 10 November 0:00.
    let leaves = at(10, 0) + Duration::microseconds(1);
    assert_eq!(store.next_timed_change(at(4, 0), days).await.unwrap(), Some(leaves), "a draft's expiry is not public");
    assert_eq!(store.next_timed_change(leaves, days).await.unwrap(), Some(at(12, 0) + Duration::microseconds(1)));
    assert_eq!(store.next_timed_change(at(13, 0), days).await.unwrap(), Some(at(20, 8)), "then the expiry");
    assert_eq!(store.next_timed_change(at(20, 8), days).await.unwrap(), None, "nothing left to wait for");
}
