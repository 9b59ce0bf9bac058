//! The JSON body posted for one event: the event, and the notice as it is now.

use chrono::{DateTime, SecondsFormat, Utc};
use kizuna_store::{Notice, WebhookEvent};

/// The JSON body posted for one event.
pub fn payload(delivery_id: i64, event: WebhookEvent, notice: &Notice, base_url: &str) -> Vec<u8> {
    let time = |at: Option<DateTime<Utc>>| at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true));
    serde_json::json!({
        "delivery_id": delivery_id,
        "event": event.as_str(),
        "notice": {
            "id": notice.id,
            "status": notice.status.as_str(),
            "title": notice.title,
            "body": notice.body,
            "title_en": notice.title_en,
            "body_en": notice.body_en,
            "category": notice.category,
            "municipalities": notice.municipalities,
            "urgency": notice.urgency.as_str(),
            "exercise": notice.exercise,
            "supersedes": notice.supersedes,
            "sent_at": time(notice.sent_at),
            "url": format!("{base_url}/notices/{}", notice.id),
        }
    })
    .to_string()
    .into_bytes()
}
