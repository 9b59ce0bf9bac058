//! `ResidentLink`: the resident a manage, unsubscribe or erase link names, and
//! the language to answer in. A link that names nobody is answered with the
//! friendly invalid-link page; a confirmation link not yet confirmed goes to its
//! confirmation page first; a link of a resident who has unsubscribed goes to
//! the unsubscribe page, which says so and offers erasure.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use kizuna_core::Lang;
use kizuna_core::subscriber::SubscriberStatus;
use kizuna_store::Subscriber;

use super::form::Fields;
use super::pages::{href, invalid_link, token_lang};
use super::service::{self, Holder};
use crate::error::WebError;
use crate::state::AppState;

/// The token of `/manage/{token}`, `/manage/{token}/erase` or
/// `/unsubscribe/{token}`, resolved.
pub struct ResidentLink {
    pub token: String,
    pub subscriber: Subscriber,
    /// `?lang=`, else the resident's own language while it is offered, else Japanese.
    pub lang: Lang,
}

impl FromRequestParts<AppState> for ResidentLink {
    /// The page to show instead: the invalid-link page, a redirect, or an error page.
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Path(token) =
            Path::<String>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let offered = &state.settings.languages;
        let asked = Fields::query(parts.uri.query()).lang(offered);
        let fallback = token_lang(asked, None, &parts.headers, offered);
        let holder = service::holder(state, &token)
            .await
            .map_err(|source| WebError::Store { lang: fallback, source }.into_response())?;
        match holder {
            None => Err(invalid_link(state, fallback).unwrap_or_else(IntoResponse::into_response)),
            Some(Holder::NotYetConfirmed) => {
                let to = href(&format!("/confirm/{token}"), &[], asked.unwrap_or_default());
                Err(Redirect::to(&to).into_response())
            }
            Some(Holder::Resident(subscriber)) => {
                let lang = token_lang(asked, Some(&subscriber), &parts.headers, offered);
                if subscriber.status == SubscriberStatus::Unsubscribed && !open_after_unsubscribing(parts.uri.path()) {
                    let to = href(&format!("/unsubscribe/{token}"), &[], lang);
                    return Err(Redirect::to(&to).into_response());
                }
                Ok(ResidentLink { token, subscriber, lang })
            }
        }
    }
}

/// The pages a link still opens once its resident has unsubscribed: the
/// unsubscribe page, which says so, and erasure. Every other page of the link
/// (choices, the monitor panel) goes to the unsubscribe page: the link no
/// longer shows or changes anything.
fn open_after_unsubscribing(path: &str) -> bool {
    path.starts_with("/unsubscribe/") || path.ends_with("/erase")
}
