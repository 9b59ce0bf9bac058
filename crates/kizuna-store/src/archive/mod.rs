//! The public archive: published notices of public categories, filtered and
//! searched, for the archive pages, the feeds and the CAP index.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use kizuna_core::{CategoryKey, MunicipalityCode};

use crate::notices::{Notice, read};
use crate::{Result, SqlStore};

mod queries;
use queries::*;

/// What the public archive, its feeds and the CAP index ask for. Only published
/// notices (sending, sent, corrected, withdrawn) of unrestricted categories come back;
/// obituaries leave once their first publication is older than `obituary_days`.
#[derive(Debug, Clone)]
pub struct ArchiveQuery {
    pub municipality: Option<MunicipalityCode>,
    pub category: Option<CategoryKey>,
    /// The first Tokyo calendar day of sending to include.
    pub sent_from: Option<chrono::NaiveDate>,
    /// The last Tokyo calendar day of sending to include.
    pub sent_until: Option<chrono::NaiveDate>,
    /// Words that must all appear in the title or text.
    pub search: Option<kizuna_core::text::SearchQuery>,
    /// Whether notices that a correction replaced are listed too (the archive keeps
    /// them; the index of current CAP messages does not).
    pub include_superseded: bool,
    /// Whether withdrawn notices are listed too: the feeds keep them, so their
    /// readers learn of the withdrawal; the archive's lists do not (their own pages
    /// stay, marked withdrawn).
    pub include_withdrawn: bool,
    pub now: DateTime<Utc>,
    pub obituary_days: u32,
    pub limit: i64,
    pub offset: i64,
}

impl ArchiveQuery {
    /// Everything public at `now`, newest first.
    pub fn everything(now: DateTime<Utc>, obituary_days: u32, limit: i64) -> Self {
        Self {
            municipality: None,
            category: None,
            sent_from: None,
            sent_until: None,
            search: None,
            include_superseded: true,
            include_withdrawn: true,
            now,
            obituary_days,
            limit,
            offset: 0,
        }
    }
}

/// One page of the archive and how many notices match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivePage {
    pub notices: Vec<Notice>,
    pub total: i64,
}

#[async_trait]
pub trait Archive: Send + Sync + 'static {
    /// One page of the public archive, newest first, with the number of notices
    /// that match in all.
    async fn archive_notices(&self, query: &ArchiveQuery) -> Result<ArchivePage>;
    /// The published notice that corrects notice `id`, if any.
    async fn correction_of(&self, id: i64) -> Result<Option<i64>>;
    /// The next moment after `now` at which the public pages change by time
    /// alone: an obituary leaves the lists (`obituary_days` after its first
    /// publication) or a notice expires. None while nothing is waiting to.
    async fn next_timed_change(&self, now: DateTime<Utc>, obituary_days: u32) -> Result<Option<DateTime<Utc>>>;
}

#[async_trait]
impl Archive for SqlStore {
    async fn archive_notices(&self, query: &ArchiveQuery) -> Result<ArchivePage> {
        let words: Vec<String> = query
            .search
            .as_ref()
            .map(|search| search.words().iter().map(|w| like_pattern(w)).collect())
            .unwrap_or_default();
        let word = |i: usize| words.get(i).cloned();
        let from = query.sent_from.map(kizuna_core::time::start_of_tokyo_day);
        let before = query.sent_until.and_then(|day| day.succ_opt()).map(kizuna_core::time::start_of_tokyo_day);
        let obituary_cutoff = query.now - Duration::days(i64::from(query.obituary_days));
        let filtered = |sql: &'static str| {
            self.db
                .query(sql)
                .bind(query.municipality.as_ref().map(|c| c.as_str()))
                .bind(query.category.as_ref().map(|c| c.as_str()))
                .bind(from)
                .bind(before)
                .bind(word(0))
                .bind(word(1))
                .bind(word(2))
                .bind(word(3))
                .bind(word(4))
                .bind(query.include_superseded)
                .bind(obituary_cutoff)
                .bind(kizuna_core::cap::OBITUARY_CATEGORY)
                .bind(query.include_withdrawn)
        };
        let total: i64 = filtered(COUNT).fetch_scalar().await?;
        let rows = filtered(PAGE).bind(query.limit.clamp(1, 500)).bind(query.offset.max(0)).fetch_all().await?;
        Ok(ArchivePage { notices: read::notices(&self.db, &rows).await?, total })
    }

    async fn correction_of(&self, id: i64) -> Result<Option<i64>> {
        self.db.query(CORRECTION_OF).bind(id).fetch_optional_scalar().await
    }

    async fn next_timed_change(&self, now: DateTime<Utc>, obituary_days: u32) -> Result<Option<DateTime<Utc>>> {
        let days = Duration::days(i64::from(obituary_days));
        let oldest_obituary: Option<DateTime<Utc>> = self
            .db
            .query(NEXT_OBITUARY_EXIT)
            .bind(kizuna_core::cap::OBITUARY_CATEGORY)
            .bind(now - days)
            .fetch_optional_scalar()
            .await?;
        // Listed while `now - sent <= days`: it leaves just after that.
        let obituary_exit = oldest_obituary.map(|sent| sent + days + Duration::microseconds(1));
        let expiry: Option<DateTime<Utc>> = self.db.query(NEXT_EXPIRY).bind(now).fetch_optional_scalar().await?;
        Ok(obituary_exit.into_iter().chain(expiry).min())
    }
}

/// `%word%` for LIKE, with the wildcard characters of the word taken literally.
fn like_pattern(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    pattern.push('%');
    for c in word.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}
