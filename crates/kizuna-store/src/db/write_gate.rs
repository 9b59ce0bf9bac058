//! Whose turn it is to write to SQLite, within one process.
//!
//! SQLite has one writer at a time, and its own way of waiting (the busy
//! handler) sleeps and tries again, up to 100 ms between tries: during a large
//! send a waiting writer can lose several turns to workers that finish and
//! begin again at once, so an emergency's send or claim could wait a quarter of
//! a second. Here the writers of this process wait to be woken instead, and a
//! write someone is waiting on now (a send a person asked for, the express
//! worker's claim) goes before the background's claims, records and queueing.
//! The busy handler still settles turns with other processes (a CLI import
//! beside `kizuna serve`).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;

use crate::{Result, StoreError};

/// How long a writer waits for its turn before it is told the database is busy,
/// as long as SQLite's own busy timeout.
pub(crate) const TURN_WAIT: Duration = Duration::from_secs(10);

/// Which writes go first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Turn {
    /// Background work: workers' claims and records, queueing, jobs.
    InOrder,
    /// Someone waits on it now: it goes before every write `InOrder` not yet begun.
    Urgent,
}

#[derive(Default)]
pub(crate) struct WriteGate {
    state: Mutex<State>,
    released: Notify,
}

#[derive(Default)]
struct State {
    held: bool,
    urgent_waiting: usize,
}

/// The turn to write, given back when dropped (after the transaction ended).
pub(crate) struct WriteTurn {
    gate: Arc<WriteGate>,
}

/// Counts an urgent writer among those waiting while it waits, however its wait ends.
struct Waiting<'a> {
    gate: &'a WriteGate,
}

impl WriteGate {
    pub(crate) async fn enter(self: &Arc<Self>, turn: Turn) -> Result<WriteTurn> {
        self.enter_within(turn, TURN_WAIT).await
    }

    async fn enter_within(self: &Arc<Self>, turn: Turn, wait: Duration) -> Result<WriteTurn> {
        let _waiting = (turn == Turn::Urgent).then(|| {
            self.state().urgent_waiting += 1;
            Waiting { gate: self }
        });
        let entered = tokio::time::timeout(wait, async {
            loop {
                let released = self.released.notified();
                tokio::pin!(released);
                // Registered before looking, so a release in between still wakes it.
                released.as_mut().enable();
                if self.try_take(turn) {
                    return;
                }
                released.await;
            }
        })
        .await;
        match entered {
            Ok(()) => Ok(WriteTurn { gate: Arc::clone(self) }),
            Err(_) => Err(StoreError::Unavailable(format!(
                "the database is busy: no turn to write within {} s",
                wait.as_secs_f64()
            ))),
        }
    }

    fn try_take(&self, turn: Turn) -> bool {
        let mut state = self.state();
        if state.held || (turn == Turn::InOrder && state.urgent_waiting > 0) {
            return false;
        }
        state.held = true;
        true
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for WriteTurn {
    fn drop(&mut self) {
        self.gate.state().held = false;
        self.gate.released.notify_waiters();
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut state = self.gate.state();
        state.urgent_waiting -= 1;
        let last = state.urgent_waiting == 0;
        drop(state);
        if last {
            // Writers in order may have stood aside for it while the gate was free.
            self.gate.released.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_urgent_writer_goes_before_those_waiting_in_order_and_each_gets_a_turn() {
        let gate = Arc::new(WriteGate::default());
        let first = gate.enter(Turn::InOrder).await.unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut waiting = Vec::new();
        for (name, turn) in [("background 1", Turn::InOrder), ("background 2", Turn::InOrder), ("urgent", Turn::Urgent)]
        {
            let (gate, order) = (Arc::clone(&gate), Arc::clone(&order));
            waiting.push(tokio::spawn(async move {
                let _turn = gate.enter(turn).await.unwrap();
                order.lock().unwrap().push(name);
                tokio::task::yield_now().await;
            }));
            // Each is waiting before the next comes.
            tokio::task::yield_now().await;
        }
        drop(first);
        for task in waiting {
            task.await.unwrap();
        }
        let order = order.lock().unwrap().clone();
        assert_eq!(order.len(), 3);
        assert_eq!(order[0], "urgent", "{order:?}");
    }

    #[tokio::test]
    async fn writers_in_order_go_on_when_the_urgent_one_they_stood_aside_for_stops_waiting() {
        let gate = Arc::new(WriteGate::default());
        // An urgent writer woken by a release, not yet in: the gate is free.
        gate.state().urgent_waiting += 1;
        let urgent = Waiting { gate: &gate };
        let in_order = tokio::spawn({
            let gate = Arc::clone(&gate);
            async move { gate.enter(Turn::InOrder).await.map(drop) }
        });
        tokio::task::yield_now().await;
        assert!(!in_order.is_finished(), "it stands aside while an urgent writer waits");
        drop(urgent); // its wait ended (cancelled, or timed out)
        tokio::time::timeout(Duration::from_secs(1), in_order).await.unwrap().unwrap().unwrap();
    }

    #[tokio::test]
    async fn a_writer_that_never_gets_a_turn_is_told_the_database_is_busy() {
        let gate = Arc::new(WriteGate::default());
        let _held = gate.enter(Turn::InOrder).await.unwrap();
        let waited = gate.enter_within(Turn::Urgent, Duration::from_millis(50)).await.map(drop);
        assert!(matches!(&waited, Err(StoreError::Unavailable(m)) if m.contains("busy")), "{waited:?}");
        assert_eq!(gate.state().urgent_waiting, 0, "it no longer counts as waiting");
    }
}
