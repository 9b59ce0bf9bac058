//! The change channel: a process learns at once that something it keeps in
//! memory or waits for has changed — in any process on PostgreSQL (LISTEN/NOTIFY,
//! delivered when the writing transaction commits), in its own process on SQLite
//! (where no other process shares the file). Features add a [`Topic`] instead of
//! inventing a channel of their own.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Deliveries were queued: delivery workers should claim.
    Deliveries,
    /// Municipalities, areas, categories or the consortium changed: reload the directory.
    ReferenceData,
    /// What the public pages show changed: a notice was published, corrected or
    /// withdrawn. Pages kept in memory are rendered again.
    PublicPages,
}

impl Topic {
    pub const ALL: [Topic; 3] = [Topic::Deliveries, Topic::ReferenceData, Topic::PublicPages];

    /// The PostgreSQL channel the topic is announced on.
    pub(crate) fn channel(self) -> &'static str {
        match self {
            // The name predates the other topics; processes of different versions agree on it.
            Topic::Deliveries => "kizuna_deliveries",
            Topic::ReferenceData => "kizuna_reference_data",
            Topic::PublicPages => "kizuna_public_pages",
        }
    }

    fn index(self) -> usize {
        match self {
            Topic::Deliveries => 0,
            Topic::ReferenceData => 1,
            Topic::PublicPages => 2,
        }
    }

    pub(crate) fn from_channel(channel: &str) -> Option<Topic> {
        Self::ALL.into_iter().find(|topic| topic.channel() == channel)
    }
}

/// Who is woken for which topic.
pub(crate) struct Listeners {
    /// Names this store in its notifications, so that the LISTEN connection
    /// passes over the ones it sent itself: their listeners were woken at commit.
    pub(crate) origin: String,
    registered: Mutex<Vec<(Topic, Arc<Notify>)>>,
    /// Whether this process already listens to the database (PostgreSQL).
    listening: AtomicBool,
    /// How many changes of each topic this process has heard of: what was
    /// computed from the database when the count was `n` is current while it stays `n`.
    heard: [AtomicU64; 3],
}

impl Default for Listeners {
    fn default() -> Self {
        let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Self {
            origin: format!("{}-{}", std::process::id(), started.as_nanos()),
            registered: Mutex::default(),
            listening: AtomicBool::default(),
            heard: Default::default(),
        }
    }
}

impl Listeners {
    pub(crate) fn add(&self, topic: Topic, notify: Arc<Notify>) {
        if let Ok(mut registered) = self.registered.lock() {
            registered.push((topic, notify));
        }
    }

    /// Wakes each listener of `topic` once; a listener not waiting right now
    /// finds the wake-up when it next waits, so nothing is missed.
    pub(crate) fn wake(&self, topic: Topic) {
        self.heard[topic.index()].fetch_add(1, Ordering::AcqRel);
        if let Ok(registered) = self.registered.lock() {
            for (_, notify) in registered.iter().filter(|(t, _)| *t == topic) {
                notify.notify_one();
            }
        }
    }

    /// Wakes every listener (after a lost connection, when something may have been missed).
    pub(crate) fn wake_all(&self) {
        for heard in &self.heard {
            heard.fetch_add(1, Ordering::AcqRel);
        }
        if let Ok(registered) = self.registered.lock() {
            for (_, notify) in registered.iter() {
                notify.notify_one();
            }
        }
    }

    /// How many changes of `topic` this process has heard of so far.
    pub(crate) fn heard(&self, topic: Topic) -> u64 {
        self.heard[topic.index()].load(Ordering::Acquire)
    }

    /// True the first time only: the caller then starts listening to the database.
    pub(crate) fn start_listening(&self) -> bool {
        !self.listening.swap(true, Ordering::AcqRel)
    }
}
