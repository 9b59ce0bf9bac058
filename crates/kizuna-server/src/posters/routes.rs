//! `/posters/register.svg?municipality=CODE`: the printable registration poster.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kizuna_core::MunicipalityCode;

use super::service::{self as posters, PosterError};
use crate::error::WebError;
use crate::state::AppState;
use crate::texts;
use crate::web::Params;

pub fn routes() -> Router<AppState> {
    Router::new().route("/posters/register.svg", get(register_poster))
}

async fn register_poster(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Response, WebError> {
    let params = Params::parse(query.as_deref());
    let lang = params.lang(&state.settings.languages);
    let code = MunicipalityCode::parse(params.get("municipality").trim()).map_err(|_| WebError::BadRequest {
        lang,
        message: texts::text(lang, "problem-poster-municipality").into_owned(),
    })?;
    let svg = posters::for_municipality(&state, &code).map_err(|error| match error {
        PosterError::UnknownMunicipality => WebError::NotFound(lang),
        other => WebError::Internal { lang, message: other.to_string() },
    })?;
    let disposition = format!("inline; filename=\"kizuna-register-{code}.svg\"");
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        svg,
    )
        .into_response())
}
