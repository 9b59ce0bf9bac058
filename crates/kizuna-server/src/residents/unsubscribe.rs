//! `/unsubscribe/{token}`: stops every mail to a resident. A GET shows a
//! button; the POST alone unsubscribes (RFC 8058 one-click), so a mail program
//! can do it without cookies and a link preview never does.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::subscriber::SubscriberStatus;

use super::link::ResidentLink;
use super::pages::{ResidentPage, frame, home_link, href, masked, register_link};
use super::service;
use crate::directory::ReferenceData;
use crate::error::WebError;
use crate::state::AppState;

pub(super) async fn unsubscribe_page(State(state): State<AppState>, link: ResidentLink) -> Result<Response, WebError> {
    let ResidentLink { token, subscriber, lang } = link;
    let directory = state.directory.current();
    let path = format!("/unsubscribe/{token}");
    if subscriber.status == SubscriberStatus::Unsubscribed {
        return unsubscribed_page(&directory, lang, &token, true);
    }
    let title = lang.pick("配信の停止", "Stop the mails");
    let paragraphs = vec![match lang {
        Lang::Ja => format!(
            "{} へのお知らせメールを、すべて停止します。よろしければ、下のボタンを押してください。",
            masked(&subscriber)
        ),
        Lang::En => format!(
            "This stops every notice mail to {}. If that is what you want, press the button below.",
            masked(&subscriber)
        ),
    }];
    let mut page = ResidentPage::new(frame(lang, title, &directory, &path, &[]), title, paragraphs);
    page.form_action = href(&path, &[], lang);
    page.button = lang.pick("配信を停止する", "Stop all mails").to_owned();
    page.links = vec![(
        href(&format!("/manage/{token}"), &[], lang),
        lang.pick("停止せずに、受け取る内容を変更する", "Change what you receive instead").to_owned(),
    )];
    page.respond(StatusCode::OK)
}

fn unsubscribed_page(directory: &ReferenceData, lang: Lang, token: &str, earlier: bool) -> Result<Response, WebError> {
    let title = lang.pick("配信を停止しました", "The mails are stopped");
    let first = if earlier {
        lang.pick("このアドレスへの配信は、すでに停止しています。", "Mail to this address was already stopped.")
    } else {
        lang.pick(
            "このアドレスへのお知らせメールを停止しました。",
            "No more notice mails will be sent to this address.",
        )
    };
    let paragraphs = vec![
        first.to_owned(),
        lang.pick(
            "もう一度受け取りたいときは、あらためて登録してください。記録を残したくない場合は、登録情報をすぐに削除できます。",
            "To receive them again, please register anew. If you want nothing kept, you can erase your data now.",
        )
        .to_owned(),
    ];
    let path = format!("/unsubscribe/{token}");
    let mut page = ResidentPage::new(frame(lang, title, directory, &path, &[]), title, paragraphs);
    page.success = true;
    page.links = vec![
        (
            href(&format!("/manage/{token}/erase"), &[], lang),
            lang.pick("登録情報を削除する", "Erase my data").to_owned(),
        ),
        register_link(lang),
        home_link(lang),
    ];
    page.respond(StatusCode::OK)
}

/// One-click unsubscribe (RFC 8058): a mail program POSTs
/// `List-Unsubscribe=One-Click` without cookies; a person presses the button.
/// Either way the POST alone is enough, and its body is not needed.
pub(super) async fn unsubscribe_submit(
    State(state): State<AppState>,
    link: ResidentLink,
) -> Result<Response, WebError> {
    let ResidentLink { token, subscriber, lang } = link;
    let changed = service::unsubscribe(&state, &subscriber).await.map_err(WebError::store(lang))?;
    unsubscribed_page(&state.directory.current(), lang, &token, !changed)
}
