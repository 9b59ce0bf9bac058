//! The JMA feed poller, a singleton job: reads JMA's Atom feeds with conditional
//! GETs, fetches each new report of a kind Kizuna reads once, turns it into notices
//! through `kizuna_core::jma`, sends those the rules send at once and leaves the rest
//! as drafts for approval. A 取消 takes back the notices of the report it withdraws
//! and tells those they reached (`notices::withdraw_for_jma`).
//!
//! Crash safety: a report's notices are created (idempotently, keyed by their JMA
//! source) before its state changes are stored and before its feed entry is marked
//! seen, so a crash in between reads the report again instead of losing it. A 取消's
//! notices are keyed the same way, and a notice already withdrawn is not withdrawn again.

mod feed;

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use hyper::header::{self, HeaderName, HeaderValue};
use kizuna_core::jma::{Decision, JmaArea, JmaCancel, JmaMapper, JmaNotice, JmaSource, JmaState, ReportId, SendMode};
use kizuna_core::notice::NoticeStatus;
use kizuna_store::{JmaFeedState, StoreError};
use tokio::sync::watch;

pub use feed::{FeedEntry, FeedError, Triage, parse as parse_feed, triage};

use crate::http_client::{self, HttpError};
use crate::notices::{self, Actor, Created, NoticeError};
use crate::state::AppState;

/// The lease row that makes one process of many the poller.
pub const LEASE: &str = "jma-poller";
/// JMA's feeds are well under a megabyte; the long ones a few.
pub const FEED_MAX_BYTES: usize = 10 * 1024 * 1024;
/// As large as `kizuna_core::jma::JmaLimits` lets a report be.
pub const DOCUMENT_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Failing feeds are retried at most this far apart (unless the interval is longer).
pub const BACKOFF_CAP: Duration = Duration::minutes(10);
/// Handled reports, earthquakes and seen entries are remembered this long; feed
/// entries older than this are not read. JMA's long feeds reach back a few days.
pub const KEEP: Duration = Duration::days(7);
/// How often the loop wakes to renew its lease and poll the feeds that are due.
const TICK: StdDuration = StdDuration::from_secs(5);

/// Long enough to outlast one stuck request, short enough that another process
/// takes over soon after this one dies.
fn lease_ttl() -> Duration {
    Duration::seconds(http_client::DEFAULT_TIMEOUT.as_secs() as i64 * 2 + 30)
}

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Notice(#[from] NoticeError),
    #[error("the database holds no consortium to match JMA reports against")]
    NoConsortium,
}

/// What one poll did, for tests and logs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PollReport {
    /// Feeds that were due and asked for.
    pub polled: Vec<String>,
    /// Feeds that answered 304 Not Modified.
    pub not_modified: Vec<String>,
    /// Feeds whose poll failed, with why; they are retried after a back-off.
    pub failed: Vec<(String, String)>,
    /// Entries whose report was fetched and read.
    pub fetched: Vec<String>,
    /// Entries whose report was refused for good (hostile, malformed, too large), with why.
    pub refused: Vec<(String, String)>,
    /// Notices created.
    pub created: Vec<i64>,
    /// Notices sent at once under a JMA rule (a 【取消】 notice among them).
    pub sent: Vec<i64>,
    /// Notices of a cancelled report that its 取消 left cancelled (they had not
    /// gone out) or withdrawn.
    pub withdrawn: Vec<i64>,
}

/// How long to wait after the last attempt: the interval while all is well,
/// doubling per failure up to [`BACKOFF_CAP`], never below the interval.
pub fn backoff(failures: i64, interval: Duration) -> Duration {
    if failures <= 0 {
        return interval;
    }
    let cap = BACKOFF_CAP.max(interval);
    let factor = 1_i32 << failures.min(16);
    interval.checked_mul(factor).map_or(cap, |delay| delay.min(cap))
}

fn due(feed: &JmaFeedState, now: DateTime<Utc>, interval: Duration) -> bool {
    match feed.last_attempt_at {
        None => true,
        // A clock set back must not stall polling until it catches up.
        Some(last) => now < last || now - last >= backoff(feed.failures, interval),
    }
}

/// Polls every feed that is due, without a lease (tests; a caller holding it).
pub async fn poll_once(state: &AppState) -> Result<PollReport, PollError> {
    Poller::new(state, None).run().await
}

/// One step of the singleton: takes or renews the lease, then polls what is due.
/// `None` while another process holds the lease.
pub async fn step(state: &AppState, holder: &str) -> Result<Option<PollReport>, PollError> {
    if !state.store.try_acquire_lease(LEASE, holder, state.clock.now(), lease_ttl()).await? {
        return Ok(None);
    }
    Ok(Some(Poller::new(state, Some(holder)).run().await?))
}

/// Polls until `shutdown` changes, then gives the lease back. Returns at once when
/// no feed is configured.
pub async fn run(state: AppState, holder: String, mut shutdown: watch::Receiver<bool>) {
    let settings = &state.settings.jma;
    if !settings.enabled() {
        tracing::info!("JMA poller off: KIZUNA_JMA_FEEDS names no feed");
        return;
    }
    tracing::info!(feeds = ?settings.feeds, interval_s = settings.poll_interval.num_seconds(), "JMA poller on");
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(error) = step(&state, &holder).await {
                    tracing::warn!(%error, "JMA poll failed; retrying");
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    if let Err(error) = state.store.release_lease(LEASE, &holder).await {
        tracing::warn!(%error, "could not release the JMA poller lease; it expires by itself");
    }
}

/// Why `/healthz` should fail, if it should: a configured feed that has not been
/// read successfully for longer than `unhealthy_after`, counted from its last
/// success or, before any, from the first attempt. Read from the store, so every
/// process reports the same whichever one polls.
pub async fn health(state: &AppState, now: DateTime<Utc>) -> Result<Option<String>, StoreError> {
    let settings = &state.settings.jma;
    let mut problems = Vec::new();
    for url in &settings.feeds {
        // No row yet: the first poll is still to come.
        let Some(feed) = state.store.jma_feed(url).await? else { continue };
        let since = feed.last_success_at.unwrap_or(feed.created_at);
        if now - since > settings.unhealthy_after {
            let why = feed.last_error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default();
            problems.push(format!("no successful poll of {url} for {} s{why}", (now - since).num_seconds()));
        }
    }
    Ok((!problems.is_empty()).then(|| problems.join("; ")))
}

/// One poll over every feed.
struct Poller<'a> {
    state: &'a AppState,
    holder: Option<&'a str>,
    /// Built from the directory's consortium when the first report needs it.
    mapper: Option<JmaMapper>,
    now: DateTime<Utc>,
    /// Loaded when the first report needs it, then kept in step with the store.
    jma_state: Option<JmaState>,
    /// False once another process took the lease: stop before doing anything more.
    leased: bool,
    report: PollReport,
}

/// What became of one entry.
enum EntryOutcome {
    Done,
    /// Fetching failed in a way that may pass; the entry is read again next poll.
    Retry(String),
}

impl<'a> Poller<'a> {
    fn new(state: &'a AppState, holder: Option<&'a str>) -> Self {
        Self {
            state,
            holder,
            mapper: None,
            now: state.clock.now(),
            jma_state: None,
            leased: true,
            report: PollReport::default(),
        }
    }

    async fn run(mut self) -> Result<PollReport, PollError> {
        for url in &self.state.settings.jma.feeds {
            if !self.leased {
                break;
            }
            self.poll_feed(url).await?;
        }
        if !self.report.polled.is_empty() {
            let pruned = self.state.store.prune_jma(self.now - KEEP).await?;
            if pruned > 0 {
                tracing::debug!(pruned, "forgot old JMA reports and feed entries");
            }
        }
        Ok(self.report)
    }

    /// The mapper and what earlier reports left, loaded once per poll.
    async fn prepare(&mut self) -> Result<(JmaMapper, JmaState), PollError> {
        let mapper = match self.mapper.take() {
            Some(mapper) => mapper,
            None => {
                let directory = self.state.directory.current();
                let info = directory.consortium.as_ref().ok_or(PollError::NoConsortium)?;
                JmaMapper::new(JmaArea::new(info, &directory.municipalities), self.state.settings.jma.rules.clone())
            }
        };
        let jma_state = match self.jma_state.take() {
            Some(jma_state) => jma_state,
            None => self.state.store.jma_state().await?,
        };
        Ok((mapper, jma_state))
    }

    /// Renews the lease between reports, so a long catch-up keeps it.
    async fn still_leased(&mut self) -> Result<bool, StoreError> {
        if let Some(holder) = self.holder
            && self.leased
        {
            let now = self.state.clock.now();
            self.leased = self.state.store.try_acquire_lease(LEASE, holder, now, lease_ttl()).await?;
            if !self.leased {
                tracing::warn!("another process took the JMA poller lease; stopping this poll");
            }
        }
        Ok(self.leased)
    }

    async fn poll_feed(&mut self, url: &str) -> Result<(), PollError> {
        let store = &self.state.store;
        let mut feed = store.jma_feed(url).await?.unwrap_or_else(|| JmaFeedState::new(url, self.now));
        if !due(&feed, self.now, self.state.settings.jma.poll_interval) {
            return Ok(());
        }
        self.report.polled.push(url.to_owned());
        feed.last_attempt_at = Some(self.now);
        let mut headers: Vec<(HeaderName, HeaderValue)> = Vec::new();
        let validators = [(header::IF_NONE_MATCH, &feed.etag), (header::IF_MODIFIED_SINCE, &feed.last_modified)];
        for (name, value) in validators {
            if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.push((name, value));
            }
        }
        let problem =
            match self.state.settings.outbound.get(url, &headers, FEED_MAX_BYTES, http_client::DEFAULT_TIMEOUT).await {
                Err(error) => Some(error.to_string()),
                Ok(response) if response.status == 304 => {
                    self.report.not_modified.push(url.to_owned());
                    None
                }
                Ok(response) if response.status == 200 => match feed::parse(&response.body, url) {
                    Err(error) => Some(format!("feed refused: {error}")),
                    Ok(entries) => {
                        let retries = self.read_entries(url, entries).await?;
                        if retries.is_empty() {
                            // Only a feed read in full may answer 304 next time: otherwise
                            // the entries that failed would never be listed again.
                            feed.etag = response.header(&header::ETAG).map(str::to_owned);
                            feed.last_modified = response.header(&header::LAST_MODIFIED).map(str::to_owned);
                            None
                        } else {
                            Some(format!("{} report(s) could not be fetched: {}", retries.len(), retries.join("; ")))
                        }
                    }
                },
                Ok(response) => Some(format!("HTTP {}", response.status)),
            };
        match problem {
            None => {
                feed.last_success_at = Some(self.now);
                feed.last_error = None;
                feed.failures = 0;
            }
            Some(problem) => {
                feed.failures += 1;
                let retry_in = backoff(feed.failures, self.state.settings.jma.poll_interval);
                tracing::warn!(
                    feed = url,
                    failures = feed.failures,
                    retry_in_s = retry_in.num_seconds(),
                    error = %problem,
                    "JMA feed poll failed; backing off"
                );
                self.report.failed.push((url.to_owned(), problem.clone()));
                feed.last_error = Some(problem);
            }
        }
        store.put_jma_feed(&feed).await?;
        Ok(())
    }

    /// Reads the feed's new entries, oldest first so warnings are followed in the
    /// order JMA issued them. Returns what failed and should be tried again.
    async fn read_entries(&mut self, url: &str, mut entries: Vec<FeedEntry>) -> Result<Vec<String>, PollError> {
        // Feeds list the newest first; the stable sort keeps ties in JMA's order.
        entries.reverse();
        entries.sort_by_key(|entry| entry.updated);
        let oldest = self.now - KEEP;
        let mut retries = Vec::new();
        for entry in entries {
            if entry.updated.is_some_and(|updated| updated < oldest) {
                continue;
            }
            let code = match feed::triage(&entry) {
                Triage::Fetch(code) => code,
                Triage::Ignore(why) => {
                    tracing::debug!(entry = %entry.id, title = %entry.title, %why, "JMA entry not read");
                    continue;
                }
            };
            if self.state.store.jma_entry_seen(&entry.id).await? {
                continue;
            }
            if !self.still_leased().await? {
                break;
            }
            match self.read_entry(&entry, code).await? {
                EntryOutcome::Done => {}
                EntryOutcome::Retry(why) => {
                    tracing::warn!(feed = url, entry = %entry.id, code, error = %why, "JMA report not fetched; retrying");
                    retries.push(format!("{}: {why}", entry.id));
                }
            }
        }
        Ok(retries)
    }

    async fn read_entry(&mut self, entry: &FeedEntry, code: &str) -> Result<EntryOutcome, PollError> {
        let Some(link) = entry.link.as_deref() else { return Ok(EntryOutcome::Done) };
        let fetched =
            self.state.settings.outbound.get(link, &[], DOCUMENT_MAX_BYTES, http_client::DEFAULT_TIMEOUT).await;
        let body = match fetched {
            Ok(response) if response.status == 200 => response.body,
            // Gone for good: nothing to wait for.
            Ok(response) if matches!(response.status, 404 | 410) => {
                return self.refuse(entry, code, format!("HTTP {}", response.status)).await;
            }
            Ok(response) => return Ok(EntryOutcome::Retry(format!("HTTP {}", response.status))),
            Err(error @ HttpError::TooLarge { .. }) => return self.refuse(entry, code, error.to_string()).await,
            Err(error) => return Ok(EntryOutcome::Retry(error.to_string())),
        };
        self.report.fetched.push(entry.id.clone());
        let Ok(xml) = String::from_utf8(body) else {
            return self.refuse(entry, code, "the report is not UTF-8".to_owned()).await;
        };
        let (mapper, jma_state) = self.prepare().await?;
        let evaluated = mapper.evaluate(&xml, &jma_state, self.now);
        self.mapper = Some(mapper);
        let jma_state = self.jma_state.insert(jma_state);
        let evaluation = match evaluated {
            Ok(evaluation) => evaluation,
            Err(error) => return self.refuse(entry, code, error.to_string()).await,
        };
        // Remembered before the notices are made: a failure below reloads it from the store.
        jma_state.apply(&evaluation.changes);
        let title = evaluation.report.as_ref().map(|r| r.title.clone()).unwrap_or_else(|| entry.title.clone());
        for decision in &evaluation.decisions {
            match decision {
                Decision::Skip { reason } => {
                    tracing::info!(entry = %entry.id, code, %title, %reason, "JMA report skipped");
                }
                Decision::Record { reason } => {
                    tracing::info!(entry = %entry.id, code, %title, %reason, "JMA report recorded; no notice");
                }
                Decision::Notice(notice) => self.make_notice(entry, notice).await?,
                Decision::Cancel(cancel) => {
                    let Some(report) = evaluation.report.as_ref() else { continue };
                    self.take_back(entry, &report.id, cancel).await?;
                }
            }
        }
        self.state.store.apply_jma_changes(&evaluation.changes).await?;
        self.state.store.mark_jma_entry_seen(&entry.id, self.now).await?;
        Ok(EntryOutcome::Done)
    }

    /// A report that will never read: logged, and marked seen so it is not fetched again.
    async fn refuse(&mut self, entry: &FeedEntry, code: &str, why: String) -> Result<EntryOutcome, PollError> {
        tracing::warn!(entry = %entry.id, code, link = entry.link.as_deref().unwrap_or(""), reason = %why, "JMA report refused");
        self.report.refused.push((entry.id.clone(), why));
        self.state.store.mark_jma_entry_seen(&entry.id, self.now).await?;
        Ok(EntryOutcome::Done)
    }

    /// Acts on the 取消 `cancelling` of report `cancel.report`: takes back each of
    /// its notices and tells those they reached. A report that made no notice
    /// (nothing for the towns, or read too late) sends nothing.
    async fn take_back(
        &mut self,
        entry: &FeedEntry,
        cancelling: &ReportId,
        cancel: &JmaCancel,
    ) -> Result<(), PollError> {
        let ids = self.state.store.jma_report_notices(&cancel.report).await?;
        tracing::info!(
            entry = %entry.id,
            cancelled = %cancel.report,
            title = %cancel.title,
            notices = ?ids,
            "JMA 取消: taking back what the report made"
        );
        for (index, id) in ids.into_iter().enumerate() {
            let source = JmaSource { report: cancelling.clone(), part: index + 1 };
            let taken = notices::withdraw_for_jma(self.state, id, &source).await?;
            if matches!(taken.notice.status, NoticeStatus::Cancelled | NoticeStatus::Withdrawn) {
                self.report.withdrawn.push(id);
            }
            if let Some(told) = taken.told {
                self.report.created.push(told.id);
                self.report.sent.push(told.id);
            }
        }
        Ok(())
    }

    async fn make_notice(&mut self, entry: &FeedEntry, notice: &JmaNotice) -> Result<(), PollError> {
        let Created { notice: created, new: is_new } = notices::create_from_jma(self.state, notice).await?;
        if is_new {
            self.report.created.push(created.id);
        }
        tracing::info!(
            entry = %entry.id,
            notice = created.id,
            source = %notice.source,
            title = %created.title,
            send = %notice.send,
            exercise = notice.exercise,
            new = is_new,
            "notice from a JMA report"
        );
        if notice.send != SendMode::Auto || created.status != NoticeStatus::Draft {
            return Ok(());
        }
        match notices::send(self.state, &Actor::jma(), created.id).await {
            Ok(_) => self.report.sent.push(created.id),
            // Someone acted on it first (sent, cancelled): theirs stands.
            Err(error @ (NoticeError::Transition(_) | NoticeError::Conflict(_))) => {
                tracing::info!(notice = created.id, %error, "JMA notice not sent: it changed meanwhile");
            }
            Err(error) => return Err(error.into()),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_doubling_up_to_ten_minutes_but_never_below_the_interval() {
        let minute = Duration::seconds(60);
        let delays: Vec<i64> = (0..7).map(|failures| backoff(failures, minute).num_seconds()).collect();
        assert_eq!(delays, [60, 120, 240, 480, 600, 600, 600]);
        assert_eq!(backoff(1000, minute), BACKOFF_CAP);
        let hour = Duration::hours(1);
        assert_eq!(backoff(3, hour), hour, "a long interval is never shortened");
    }

    #[test]
    fn a_feed_is_due_after_its_delay_or_when_the_clock_went_back() {
        let start = DateTime::parse_from_rfc3339("2026-07-01T05:00:00Z").map(|t| t.with_timezone(&Utc));
        let Ok(start) = start else { panic!("time") };
        let minute = Duration::seconds(60);
        let mut feed = JmaFeedState::new("https://example.jp/feed.xml", start);
        assert!(due(&feed, start, minute), "never polled");
        feed.last_attempt_at = Some(start);
        assert!(!due(&feed, start + Duration::seconds(59), minute));
        assert!(due(&feed, start + minute, minute));
        feed.failures = 2;
        assert!(!due(&feed, start + Duration::seconds(239), minute));
        assert!(due(&feed, start + Duration::seconds(240), minute));
        assert!(due(&feed, start - Duration::hours(1), minute));
    }
}
