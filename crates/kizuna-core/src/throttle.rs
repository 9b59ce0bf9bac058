//! How long repeated failed sign-ins must wait. Each key (an account from one
//! network, a network, an account from anywhere) counts its own failures; past a
//! threshold every further attempt waits twice as long as the one before, up to
//! a cap. Waiting is the only penalty: nothing locks an account, so an attacker
//! who keeps failing cannot keep the emergency approver out — the approver signs
//! in from their own network, whose count the attacker does not touch, and the
//! count over all networks waits at most a minute.

use chrono::{DateTime, Duration, Utc};

/// The rule for one kind of key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures allowed without any wait.
    pub free: i64,
    /// The wait after the first failure beyond `free`; it doubles each time.
    pub first_wait: Duration,
    /// The longest wait.
    pub longest_wait: Duration,
}

/// One account from one client network: a person mistyping, or an attacker
/// guessing one account from one place.
pub const ACCOUNT_FROM_NETWORK: Policy =
    Policy { free: 5, first_wait: Duration::seconds(2), longest_wait: Duration::minutes(15) };

/// One client network over every account: password spraying from one place. A
/// town hall's staff share an address, so it allows far more.
pub const NETWORK: Policy = Policy { free: 30, first_wait: Duration::seconds(2), longest_wait: Duration::minutes(15) };

/// One account from every network: guessing spread over many places. Its wait
/// stays short, so nobody can keep a person out by failing on their behalf.
pub const ACCOUNT: Policy = Policy { free: 10, first_wait: Duration::seconds(2), longest_wait: Duration::minutes(1) };

/// Failures older than this are forgotten.
pub const MEMORY: Duration = Duration::hours(24);

impl Policy {
    /// How long until the next attempt may be made, after `failures` failures the
    /// last of which was at `last_failure`; `None` when it may be made now.
    pub fn wait(&self, failures: i64, last_failure: DateTime<Utc>, now: DateTime<Utc>) -> Option<Duration> {
        if failures < self.free || now - last_failure > MEMORY {
            return None;
        }
        let doublings = u32::try_from(failures - self.free).unwrap_or(u32::MAX).min(20);
        let wait = self.first_wait.checked_mul(1 << doublings).unwrap_or(self.longest_wait).min(self.longest_wait);
        let ready = last_failure + wait;
        (now < ready).then(|| ready - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 0, 0, 0).single().unwrap_or_default() + Duration::seconds(seconds)
    }

    #[test]
    fn a_few_mistakes_cost_nothing_then_waits_double_up_to_the_cap() {
        let policy = ACCOUNT_FROM_NETWORK;
        assert_eq!(policy.wait(4, at(0), at(0)), None, "four typos: no wait");
        assert_eq!(policy.wait(5, at(0), at(0)), Some(Duration::seconds(2)));
        assert_eq!(policy.wait(6, at(0), at(0)), Some(Duration::seconds(4)));
        assert_eq!(policy.wait(6, at(0), at(3)), Some(Duration::seconds(1)), "time already waited counts");
        assert_eq!(policy.wait(6, at(0), at(4)), None, "after the wait, the next attempt is allowed");
        assert_eq!(policy.wait(40, at(0), at(0)), Some(Duration::minutes(15)), "never longer than the cap");
        assert_eq!(
            ACCOUNT.wait(1_000, at(0), at(0)),
            Some(Duration::minutes(1)),
            "an account alone waits a minute at most"
        );
    }

    #[test]
    fn failures_a_day_old_are_forgotten() {
        let day = MEMORY.num_seconds();
        assert_eq!(ACCOUNT_FROM_NETWORK.wait(50, at(0), at(day + 1)), None);
    }
}
