//! Limits that keep the listener from being used against others: connections per client
//! address. (Replies per address are counted in the store by the server, so that every
//! process counts together.)

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, MutexGuard};

use thiserror::Error;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The counters stay consistent even if a holder panicked, so a poisoned lock is still usable.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Why a connection is turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ConnectionRefused {
    #[error("too many connections from this client")]
    TooManyFromClient,
    #[error("too many connections in total")]
    TooManyInTotal,
}

/// Counts open connections per client (per IPv4 address, per IPv6 /64, since one host
/// usually holds a whole /64) and in total. Clones share the counts.
#[derive(Debug, Clone)]
pub struct ConnectionLimiter {
    inner: Arc<LimiterState>,
}

#[derive(Debug)]
struct LimiterState {
    max_per_client: usize,
    max_total: usize,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    per_client: HashMap<IpAddr, usize>,
    total: usize,
}

/// Holds one connection's place; dropping it frees the place.
#[derive(Debug)]
pub struct ConnectionGuard {
    state: Arc<LimiterState>,
    client: IpAddr,
}

impl ConnectionLimiter {
    pub fn new(max_per_client: usize, max_total: usize) -> Self {
        Self { inner: Arc::new(LimiterState { max_per_client, max_total, counts: Mutex::new(Counts::default()) }) }
    }

    pub fn acquire(&self, peer: IpAddr) -> Result<ConnectionGuard, ConnectionRefused> {
        let client = client_key(peer);
        let mut counts = lock(&self.inner.counts);
        if counts.total >= self.inner.max_total {
            return Err(ConnectionRefused::TooManyInTotal);
        }
        let open = counts.per_client.entry(client).or_insert(0);
        if *open >= self.inner.max_per_client {
            return Err(ConnectionRefused::TooManyFromClient);
        }
        *open += 1;
        counts.total += 1;
        Ok(ConnectionGuard { state: Arc::clone(&self.inner), client })
    }

    /// Open connections from `peer`'s client network.
    pub fn open_from(&self, peer: IpAddr) -> usize {
        lock(&self.inner.counts).per_client.get(&client_key(peer)).copied().unwrap_or(0)
    }

    pub fn open_total(&self) -> usize {
        lock(&self.inner.counts).total
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        let mut counts = lock(&self.state.counts);
        counts.total = counts.total.saturating_sub(1);
        if let Some(open) = counts.per_client.get_mut(&self.client) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                counts.per_client.remove(&self.client);
            }
        }
    }
}

fn client_key(peer: IpAddr) -> IpAddr {
    match peer {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_limited_per_client_and_in_total() {
        let limiter = ConnectionLimiter::new(2, 3);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let first = limiter.acquire(a).unwrap();
        let _second = limiter.acquire(a).unwrap();
        assert_eq!(limiter.acquire(a).err(), Some(ConnectionRefused::TooManyFromClient));
        let _third = limiter.acquire(b).unwrap();
        assert_eq!(limiter.acquire(b).err(), Some(ConnectionRefused::TooManyInTotal));
        drop(first);
        assert_eq!(limiter.open_from(a), 1);
        let _again = limiter.acquire(a).unwrap();
        assert_eq!(limiter.open_total(), 3);
        drop(_third);
        assert_eq!(limiter.open_from(b), 0);
    }

    #[test]
    fn an_ipv6_host_counts_by_its_64_prefix_and_mapped_v4_as_v4() {
        let limiter = ConnectionLimiter::new(1, 10);
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_net: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other_net: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        let _held = limiter.acquire(one).unwrap();
        assert_eq!(limiter.acquire(same_net).err(), Some(ConnectionRefused::TooManyFromClient));
        assert!(limiter.acquire(other_net).is_ok());
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        let _v4 = limiter.acquire(v4).unwrap();
        assert_eq!(limiter.acquire(mapped).err(), Some(ConnectionRefused::TooManyFromClient));
    }
}
