//! `/confirm/{token}`: the link of a confirmation mail shows what was chosen;
//! only its button (a POST) completes the registration, because mail scanners
//! open links on their own.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kizuna_core::Lang;
use kizuna_core::subscriber::{Charset, MailFormat};
use kizuna_store::{Subscriber, Subscription};

use super::choices::describe;
use super::form::Fields;
use super::pages::{ResidentPage, frame, home_link, href, invalid_link, token_lang};
use super::service::{self, Confirmation};
use crate::directory::ReferenceData;
use crate::error::WebError;
use crate::state::AppState;

fn summary_rows(
    directory: &ReferenceData,
    subscriber: &Subscriber,
    subscriptions: &[Subscription],
    lang: Lang,
) -> Vec<(String, String)> {
    let (towns, categories) = describe(directory, subscriptions, subscriber.emergency_only, lang);
    let format = match (subscriber.format, lang) {
        (MailFormat::Text, Lang::Ja) => "テキスト",
        (MailFormat::Html, Lang::Ja) => "HTML",
        (MailFormat::Text, Lang::En) => "Plain text",
        (MailFormat::Html, Lang::En) => "HTML",
    };
    let charset = match subscriber.charset {
        Charset::Utf8 => lang.pick("標準（UTF-8）", "Standard (UTF-8)"),
        Charset::Iso2022Jp => lang.pick("古い携帯電話向け（ISO-2022-JP）", "For older phones (ISO-2022-JP)"),
    };
    vec![
        (lang.pick("メールアドレス", "Email address").to_owned(), subscriber.email.clone()),
        (lang.pick("市町村", "Municipalities").to_owned(), towns),
        (lang.pick("受け取る情報", "Information").to_owned(), categories),
        (lang.pick("メールの形式", "Mail format").to_owned(), format.to_owned()),
        (lang.pick("文字コード", "Character set").to_owned(), charset.to_owned()),
        (
            lang.pick("メールの言語", "Mail language").to_owned(),
            subscriber.language.pick("日本語", "English").to_owned(),
        ),
    ]
}

pub(super) async fn confirm_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let asked = Fields::query(query.as_deref()).lang();
    let found =
        service::confirmation(&state, &token).await.map_err(WebError::store(token_lang(asked, None, &headers)))?;
    let (subscriber, waiting) = match found {
        None => return invalid_link(&state, token_lang(asked, None, &headers)),
        Some(Confirmation::Waiting { subscriber, subscriptions }) => (subscriber, Some(subscriptions)),
        Some(Confirmation::AlreadyDone(subscriber)) => (subscriber, None),
    };
    let lang = token_lang(asked, Some(&subscriber), &headers);
    let directory = state.directory.current();
    let path = format!("/confirm/{token}");
    let Some(subscriptions) = waiting else {
        return confirmed_page(&directory, lang, &token, &subscriber, &[], true);
    };
    let title = lang.pick("登録の確認", "Confirm your registration");
    let paragraphs = vec![
        lang.pick(
            "まだ登録は完了していません。内容を確かめて、下の「登録を完了する」ボタンを押してください。",
            "Your registration is not complete yet. Please check the details and press \"Complete registration\" below.",
        )
        .to_owned(),
    ];
    let mut page = ResidentPage::new(frame(lang, title, &directory, &path, &[]), title, paragraphs);
    page.summary = summary_rows(&directory, &subscriber, &subscriptions, lang);
    page.form_action = href(&path, &[], lang);
    page.button = lang.pick("登録を完了する", "Complete registration").to_owned();
    page.links = vec![(
        href("/privacy", &[], lang),
        lang.pick("個人情報の取り扱いについて", "How we handle your personal information").to_owned(),
    )];
    page.respond(StatusCode::OK)
}

pub(super) fn confirmed_page(
    directory: &ReferenceData,
    lang: Lang,
    token: &str,
    subscriber: &Subscriber,
    subscriptions: &[Subscription],
    earlier: bool,
) -> Result<Response, WebError> {
    let title = lang.pick("登録が完了しました", "Your registration is complete");
    let mut paragraphs = vec![
        if earlier {
            lang.pick("この登録は、すでに完了しています。", "This registration was already completed.")
        } else {
            lang.pick(
                "ご登録ありがとうございます。選んだ市町村からのお知らせを、メールでお届けします。",
                "Thank you. Notices from the municipalities you chose will come to you by mail.",
            )
        }
        .to_owned(),
    ];
    paragraphs.push(
        lang.pick(
            "受け取る内容の変更や配信の停止は、お知らせのメールの末尾にあるリンクからいつでもできます。",
            "You can change your choices or stop the mails at any time with the links at the end of every notice mail.",
        )
        .to_owned(),
    );
    let path = format!("/confirm/{token}");
    let mut page = ResidentPage::new(frame(lang, title, directory, &path, &[]), title, paragraphs);
    page.success = true;
    if !subscriptions.is_empty() {
        page.summary = summary_rows(directory, subscriber, subscriptions, lang);
    }
    page.links = vec![
        (
            href(&format!("/manage/{token}"), &[], lang),
            lang.pick("登録内容を変更する", "Change your choices").to_owned(),
        ),
        home_link(lang),
    ];
    page.respond(StatusCode::OK)
}

pub(super) async fn confirm_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let asked = Fields::query(query.as_deref()).lang();
    let confirmed =
        service::confirm(&state, &token).await.map_err(WebError::store(token_lang(asked, None, &headers)))?;
    let Some((subscriber, subscriptions)) = confirmed else {
        return invalid_link(&state, token_lang(asked, None, &headers));
    };
    let lang = token_lang(asked, Some(&subscriber), &headers);
    let directory = state.directory.current();
    confirmed_page(&directory, lang, &token, &subscriber, &subscriptions, false)
}
