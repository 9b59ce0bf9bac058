//! Rate limits shared by every process on the database, on both backends.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kizuna_store::*;

crate::conformance!(
    a_limit_allows_its_count_per_window_and_waiting_helps,
    the_previous_window_still_counts_for_a_while_and_old_counters_are_forgotten,
);

fn at(minute: i64, second: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).single().unwrap() + Duration::minutes(minute) + Duration::seconds(second)
}

async fn a_limit_allows_its_count_per_window_and_waiting_helps(store: Arc<dyn Store>) {
    let hour = Duration::hours(1);
    for _ in 0..3 {
        assert_eq!(store.take_rate("address:a", 3, hour, at(0, 0)).await.unwrap(), RateAnswer::Allowed);
    }
    let RateAnswer::Wait(wait) = store.take_rate("address:a", 3, hour, at(10, 0)).await.unwrap() else {
        panic!("the fourth within the hour is refused");
    };
    assert_eq!(wait, Duration::minutes(50), "until the window ends");
    assert_eq!(store.take_rate("address:b", 3, hour, at(10, 0)).await.unwrap(), RateAnswer::Allowed, "keys apart");
    // Refused attempts are not counted: hammering does not lengthen the wait.
    for _ in 0..20 {
        assert!(matches!(store.take_rate("address:a", 3, hour, at(20, 0)).await.unwrap(), RateAnswer::Wait(_)));
    }
    assert_eq!(store.take_rate("address:a", 3, hour, at(120, 0)).await.unwrap(), RateAnswer::Allowed, "later again");
    assert_eq!(store.take_rate("off", 0, hour, at(0, 0)).await.unwrap(), RateAnswer::Allowed, "0 turns it off");
}

async fn the_previous_window_still_counts_for_a_while_and_old_counters_are_forgotten(store: Arc<dyn Store>) {
    let minute = Duration::minutes(1);
    for _ in 0..4 {
        assert_eq!(store.take_rate("api-key:1", 4, minute, at(0, 50)).await.unwrap(), RateAnswer::Allowed);
    }
    // Ten seconds into the next minute, five sixths of the previous four still count.
    let RateAnswer::Wait(wait) = store.take_rate("api-key:1", 4, minute, at(1, 10)).await.unwrap() else {
        panic!("a burst at the end of one minute is not a fresh allowance at the start of the next");
    };
    assert!(wait > Duration::zero() && wait <= Duration::seconds(50), "{wait:?}");
    assert_eq!(store.take_rate("api-key:1", 4, minute, at(1, 10) + wait).await.unwrap(), RateAnswer::Allowed);

    assert_eq!(store.forget_rates(at(1, 0)).await.unwrap(), 0, "a counter of this minute stays");
    assert_eq!(store.forget_rates(at(3, 0)).await.unwrap(), 1);
    for _ in 0..4 {
        assert_eq!(store.take_rate("api-key:1", 4, minute, at(3, 0)).await.unwrap(), RateAnswer::Allowed);
    }
}
