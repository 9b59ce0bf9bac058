//! The JSON shapes the notice and statistics endpoints answer with.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

use kizuna_store::{CheckInCounts, DeliveryCounts, Notice, SubscriberCount};
use serde::Serialize;

use crate::notices::{NoticePage, NoticeReport};

#[derive(Debug, Serialize)]
pub struct DeliveriesView {
    total: i64,
    queued: i64,
    sending: i64,
    sent: i64,
    deferred: i64,
    bounced: i64,
    failed: i64,
    cancelled: i64,
}

impl From<DeliveryCounts> for DeliveriesView {
    fn from(c: DeliveryCounts) -> Self {
        Self {
            total: c.total,
            queued: c.queued,
            sending: c.sending,
            sent: c.sent,
            deferred: c.deferred,
            bounced: c.bounced,
            failed: c.failed,
            cancelled: c.cancelled,
        }
    }
}

/// A notice as the API shows it; `deliveries` only where one notice is answered.
#[derive(Debug, Serialize)]
pub struct NoticeView {
    id: i64,
    status: &'static str,
    source: &'static str,
    title: String,
    body: String,
    title_en: Option<String>,
    body_en: Option<String>,
    category: String,
    municipalities: Vec<String>,
    areas: Vec<i64>,
    urgency: &'static str,
    exercise: bool,
    check_in: bool,
    send_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    supersedes: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deliveries: Option<DeliveriesView>,
}

impl NoticeView {
    pub fn id(&self) -> i64 {
        self.id
    }

    fn new(n: Notice, deliveries: Option<DeliveryCounts>) -> Self {
        Self {
            id: n.id,
            status: n.status.as_str(),
            source: n.source.as_str(),
            title: n.title.to_string(),
            body: n.body.to_string(),
            title_en: n.title_en.map(|t| t.to_string()),
            body_en: n.body_en.map(|b| b.to_string()),
            category: n.category.to_string(),
            municipalities: n.municipalities.iter().map(|c| c.to_string()).collect(),
            areas: n.area_ids,
            urgency: n.urgency.as_str(),
            exercise: n.exercise,
            check_in: n.check_in,
            send_at: n.send_at,
            expires_at: n.expires_at,
            supersedes: n.supersedes,
            created_at: n.created_at,
            updated_at: n.updated_at,
            sent_at: n.sent_at,
            deliveries: deliveries.map(DeliveriesView::from),
        }
    }
}

impl From<NoticeReport> for NoticeView {
    fn from(report: NoticeReport) -> Self {
        NoticeView::new(report.notice, Some(report.deliveries))
    }
}

#[derive(Debug, Serialize)]
pub struct NoticeListView {
    notices: Vec<NoticeView>,
    /// Pass as `before` for the next page; null on the last page.
    next_before: Option<i64>,
}

impl From<NoticePage> for NoticeListView {
    fn from(page: NoticePage) -> Self {
        Self {
            notices: page.notices.into_iter().map(|n| NoticeView::new(n, None)).collect(),
            next_before: page.next_before,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SubscriberCountView {
    municipality: String,
    category: String,
    active: i64,
}

#[derive(Debug, Serialize)]
pub struct SubscriberStatsView {
    subscribers: Vec<SubscriberCountView>,
}

impl From<Vec<SubscriberCount>> for SubscriberStatsView {
    fn from(counts: Vec<SubscriberCount>) -> Self {
        Self {
            subscribers: counts
                .into_iter()
                .map(|c| SubscriberCountView {
                    municipality: c.municipality.to_string(),
                    category: c.category.to_string(),
                    active: c.active,
                })
                .collect(),
        }
    }
}

/// Recipients of a check-in by their answer.
#[derive(Debug, Default, Serialize)]
pub struct CheckInTally {
    safe: i64,
    needs_help: i64,
    unanswered: i64,
}

/// `GET /api/v1/notices/{id}/check-ins`: the whole and per municipality (each
/// recipient counts once, in one municipality, so these add up to the whole).
#[derive(Debug, Serialize)]
pub struct CheckInsView {
    #[serde(flatten)]
    total: CheckInTally,
    by_municipality: BTreeMap<String, CheckInTally>,
}

impl From<CheckInCounts> for CheckInsView {
    fn from(counts: CheckInCounts) -> Self {
        let mut by_municipality: BTreeMap<String, CheckInTally> = BTreeMap::new();
        for place in &counts.places {
            let town = by_municipality.entry(place.municipality.to_string()).or_default();
            town.safe += place.safe;
            town.needs_help += place.needs_help;
            town.unanswered += place.unanswered;
        }
        Self {
            total: CheckInTally { safe: counts.safe, needs_help: counts.needs_help, unanswered: counts.unanswered },
            by_municipality,
        }
    }
}
