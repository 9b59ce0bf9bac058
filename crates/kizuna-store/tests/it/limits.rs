//! Rate limits shared by every process on the database, on both backends.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kizuna_store::*;

crate::conformance!(
    a_limit_allows_a_burst_then_one_event_per_share_of_the_window,
    refused_events_do_not_count_and_forgotten_buckets_are_full_again,
);

fn at(minute: i64, second: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).single().unwrap() + Duration::minutes(minute) + Duration::seconds(second)
}

async fn a_limit_allows_a_burst_then_one_event_per_share_of_the_window(store: Arc<dyn Store>) {
    let minute = Duration::minutes(1);
    for _ in 0..3 {
        assert_eq!(store.take_rate("api-key:1", 3, minute, at(0, 0)).await.unwrap(), RateAnswer::Allowed);
    }
    assert_eq!(
        store.take_rate("api-key:1", 3, minute, at(0, 0)).await.unwrap(),
        RateAnswer::Wait(Duration::seconds(20)),
        "three a minute: one more every twenty seconds"
    );
    assert_eq!(store.take_rate("api-key:2", 3, minute, at(0, 0)).await.unwrap(), RateAnswer::Allowed, "keys apart");
    assert_eq!(
        store.take_rate("api-key:1", 3, minute, at(0, 5)).await.unwrap(),
        RateAnswer::Wait(Duration::seconds(15))
    );
    assert_eq!(store.take_rate("api-key:1", 3, minute, at(0, 20)).await.unwrap(), RateAnswer::Allowed);
    assert!(matches!(store.take_rate("api-key:1", 3, minute, at(0, 20)).await.unwrap(), RateAnswer::Wait(_)));
    for _ in 0..3 {
        assert_eq!(store.take_rate("api-key:1", 3, minute, at(5, 0)).await.unwrap(), RateAnswer::Allowed, "full again");
    }
    assert!(
        matches!(store.take_rate("api-key:1", 3, minute, at(5, 0)).await.unwrap(), RateAnswer::Wait(_)),
        "never beyond"
    );
    assert_eq!(store.take_rate("off", 0, minute, at(0, 0)).await.unwrap(), RateAnswer::Allowed, "0 turns it off");
}

async fn refused_events_do_not_count_and_forgotten_buckets_are_full_again(store: Arc<dyn Store>) {
    let hour = Duration::hours(1);
    for _ in 0..3 {
        assert_eq!(store.take_rate("address:a", 3, hour, at(0, 0)).await.unwrap(), RateAnswer::Allowed);
    }
    for _ in 0..20 {
        assert!(matches!(store.take_rate("address:a", 3, hour, at(10, 0)).await.unwrap(), RateAnswer::Wait(_)));
    }
    assert_eq!(
        store.take_rate("address:a", 3, hour, at(20, 0)).await.unwrap(),
        RateAnswer::Allowed,
        "hammering did not lengthen the wait"
    );
    assert_eq!(store.forget_rates(at(20, 0)).await.unwrap(), 0, "a bucket touched now stays");
    assert_eq!(store.forget_rates(at(200, 0)).await.unwrap(), 1);
    for _ in 0..3 {
        assert_eq!(store.take_rate("address:a", 3, hour, at(200, 0)).await.unwrap(), RateAnswer::Allowed);
    }
}
