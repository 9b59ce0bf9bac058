//! `/manage/{token}/erase`: a resident erases their data at once. Only the hash
//! of the address is kept, so it is never mailed again unless it registers anew.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::Lang;

use super::link::ResidentLink;
use super::pages::{ResidentPage, frame, home_link, href, masked, register_link};
use super::service;
use crate::error::WebError;
use crate::state::AppState;

pub(super) async fn erase_page(State(state): State<AppState>, link: ResidentLink) -> Result<Response, WebError> {
    let ResidentLink { token, subscriber, lang } = link;
    let directory = state.directory.current();
    let path = format!("/manage/{token}/erase");
    let title = lang.pick("登録情報の削除", "Erase my data");
    let paragraphs = match lang {
        Lang::Ja => vec![
            format!("{} と、選んだ市町村・分類などの登録情報をすべて削除し、配信を停止します。元に戻すことはできません。", masked(&subscriber)),
            "このアドレスに二度と勝手に送らないように、アドレスから計算した元に戻せない値（ハッシュ値）だけを残します。あらためて登録すれば、また受け取れます。".to_owned(),
        ],
        Lang::En => vec![
            format!("This erases {} and everything you chose, and stops all mail. It cannot be undone.", masked(&subscriber)),
            "So that this address is never mailed again by mistake, we keep only a one-way hash computed from it. You can register again at any time.".to_owned(),
        ],
    };
    let mut page = ResidentPage::new(frame(lang, title, &directory, &path, &[]), title, paragraphs);
    page.form_action = href(&path, &[], lang);
    page.button = lang.pick("登録情報を削除する", "Erase my data").to_owned();
    page.links = vec![(
        href(&format!("/manage/{token}"), &[], lang),
        lang.pick("削除せずに戻る", "Go back without erasing").to_owned(),
    )];
    page.respond(StatusCode::OK)
}

pub(super) async fn erase_submit(State(state): State<AppState>, link: ResidentLink) -> Result<Response, WebError> {
    let ResidentLink { subscriber, lang, .. } = link;
    service::erase(&state, &subscriber).await.map_err(WebError::store(lang))?;
    let directory = state.directory.current();
    let title = lang.pick("登録情報を削除しました", "Your data is erased");
    let paragraphs = vec![
        lang.pick(
            "メールアドレスと登録内容を削除しました。これまでのメールにあるリンクは、もう使えません。",
            "Your address and choices are erased. The links in earlier mails no longer work.",
        )
        .to_owned(),
    ];
    let mut page = ResidentPage::new(frame(lang, title, &directory, "/register", &[]), title, paragraphs);
    page.success = true;
    page.links = vec![register_link(lang), home_link(lang)];
    page.respond(StatusCode::OK)
}
