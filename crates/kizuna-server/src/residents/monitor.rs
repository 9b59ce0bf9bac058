//! `/manage/{token}/monitor`: a resident joins the よいまちモニター panel (their
//! municipality or area, age band, and if they wish gender and occupation,
//! after a plain statement of how answers are used), changes what they told,
//! or leaves it — which forgets all of it.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use kizuna_core::subscriber::SubscriberStatus;
use kizuna_core::survey::{AgeBand, Gender, Occupation};
use kizuna_store::MonitorProfile;

use super::form::{ErrorLink, Fields};
use super::link::ResidentLink;
use super::pages::{frame, href, private_page, too_large};
use crate::directory::ReferenceData;
use crate::error::WebError;
use crate::state::AppState;
use crate::surveys::form::parse_place;
use crate::texts;

/// One option of a list on the form.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The places a monitor can belong to: each town, then its areas.
pub struct PlaceGroup {
    pub label: String,
    pub options: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "monitor.html")]
struct MonitorPage {
    frame: crate::web::Frame,
    action: String,
    leave_action: String,
    manage_href: String,
    privacy_href: String,
    active: bool,
    enrolled: bool,
    /// What the page just did: `saved`, `left`.
    done: &'static str,
    errors: Vec<ErrorLink>,
    place_error: Option<String>,
    band_error: Option<String>,
    places: Vec<PlaceGroup>,
    bands: Vec<Choice>,
    genders: Vec<Choice>,
    gender_given: bool,
    occupations: Vec<Choice>,
}

/// The form as typed (or as stored).
#[derive(Default)]
struct Typed {
    place: String,
    band: String,
    gender: String,
    occupation: String,
}

impl Typed {
    fn of(profile: &MonitorProfile) -> Self {
        Self {
            place: match profile.area_id {
                Some(area) => format!("{}/{area}", profile.municipality),
                None => profile.municipality.to_string(),
            },
            band: profile.age_band.as_str().to_owned(),
            gender: profile.gender.map(Gender::as_str).unwrap_or_default().to_owned(),
            occupation: profile.occupation.map(Occupation::as_str).unwrap_or_default().to_owned(),
        }
    }

    fn read(fields: &Fields) -> Self {
        let get = |name: &str| fields.first(name).unwrap_or_default().trim().to_owned();
        Self { place: get("place"), band: get("age_band"), gender: get("gender"), occupation: get("occupation") }
    }
}

/// Which field is wrong.
#[derive(Default)]
struct Problems {
    place: bool,
    band: bool,
}

fn parse_profile(directory: &ReferenceData, typed: &Typed) -> Result<MonitorProfile, Problems> {
    let place = parse_place(directory, &typed.place, |code| directory.municipality(code).is_some());
    let band = AgeBand::parse(&typed.band);
    match (place, band) {
        (Some((municipality, area_id)), Some(age_band)) => Ok(MonitorProfile {
            municipality,
            area_id,
            age_band,
            // Optional: anything but a listed value is "not given".
            gender: Gender::parse(&typed.gender),
            occupation: Occupation::parse(&typed.occupation),
        }),
        (place, band) => Err(Problems { place: place.is_none(), band: band.is_none() }),
    }
}

struct View<'a> {
    link: &'a ResidentLink,
    enrolled: bool,
    typed: Typed,
    problems: Problems,
    done: &'static str,
}

fn page(state: &AppState, directory: &ReferenceData, view: View<'_>) -> Result<String, WebError> {
    let lang = view.link.lang;
    let offered = &state.settings.languages;
    let manage = format!("/manage/{}", view.link.token);
    let path = format!("{manage}/monitor");
    let mut title = texts::text(lang, "monitor-title").into_owned();
    if view.problems.place || view.problems.band {
        title = texts::format(lang, "residents-error-title", &[("title", title.into())]).into_owned();
    }
    let place_error = view.problems.place.then(|| texts::text(lang, "monitor-error-place").into_owned());
    let band_error = view.problems.band.then(|| texts::text(lang, "monitor-error-band").into_owned());
    let mut errors = Vec::new();
    if let Some(message) = &place_error {
        errors.push(ErrorLink { href: "#place".into(), message: message.clone() });
    }
    if let Some(message) = &band_error {
        errors.push(ErrorLink { href: format!("#age-band-{}", AgeBand::ALL[0].as_str()), message: message.clone() });
    }
    let typed = &view.typed;
    let places = directory
        .municipalities
        .iter()
        .map(|m| {
            let whole = Choice {
                value: m.code.to_string(),
                label: texts::format(lang, "monitor-place-whole", &[("town", m.name(lang).to_owned().into())])
                    .into_owned(),
                selected: typed.place == m.code.as_str(),
            };
            let areas = directory.areas_of(&m.code).map(|a| {
                let value = format!("{}/{}", m.code, a.id);
                Choice {
                    label: directory.area_label(a.id, lang).unwrap_or_default(),
                    selected: typed.place == value,
                    value,
                }
            });
            PlaceGroup { label: m.name(lang).to_owned(), options: std::iter::once(whole).chain(areas).collect() }
        })
        .collect();
    let choices = |values: Vec<(&'static str, String)>, chosen: &str| {
        values
            .into_iter()
            .map(|(value, label)| Choice { value: value.into(), label, selected: value == chosen })
            .collect()
    };
    let page = MonitorPage {
        frame: frame(lang, offered, &title, directory, &path, &[]),
        action: href(&path, &[], lang),
        leave_action: href(&format!("{path}/leave"), &[], lang),
        manage_href: href(&manage, &[], lang),
        privacy_href: href("/privacy", &[], lang),
        active: view.link.subscriber.status == SubscriberStatus::Active,
        enrolled: view.enrolled,
        done: view.done,
        errors,
        place_error,
        band_error,
        places,
        bands: choices(AgeBand::ALL.iter().map(|b| (b.as_str(), b.label(lang))).collect(), &typed.band),
        genders: choices(Gender::ALL.iter().map(|g| (g.as_str(), g.label(lang))).collect(), &typed.gender),
        gender_given: Gender::parse(&typed.gender).is_some(),
        occupations: choices(Occupation::ALL.iter().map(|o| (o.as_str(), o.label(lang))).collect(), &typed.occupation),
    };
    Ok(page.render()?)
}

pub(super) async fn monitor_page(State(state): State<AppState>, link: ResidentLink) -> Result<Response, WebError> {
    let directory = state.directory.current();
    let profile = state.store.monitor_profile(link.subscriber.id).await.map_err(WebError::store(link.lang))?;
    let view = View {
        link: &link,
        enrolled: profile.is_some(),
        typed: profile.as_ref().map(Typed::of).unwrap_or_default(),
        problems: Problems::default(),
        done: "",
    };
    Ok(private_page(StatusCode::OK, page(&state, &directory, view)?))
}

pub(super) async fn monitor_submit(
    State(state): State<AppState>,
    link: ResidentLink,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let lang = link.lang;
    let directory = state.directory.current();
    let Ok(body) = body else {
        return too_large(&state, &directory, lang);
    };
    let typed = Typed::read(&Fields::parse(&body));
    let enrolled = state.store.monitor_profile(link.subscriber.id).await.map_err(WebError::store(lang))?.is_some();
    if link.subscriber.status != SubscriberStatus::Active {
        let view = View { link: &link, enrolled, typed, problems: Problems::default(), done: "" };
        return Ok(private_page(StatusCode::CONFLICT, page(&state, &directory, view)?));
    }
    match parse_profile(&directory, &typed) {
        Err(problems) => {
            let view = View { link: &link, enrolled, typed, problems, done: "" };
            Ok(private_page(StatusCode::UNPROCESSABLE_ENTITY, page(&state, &directory, view)?))
        }
        Ok(profile) => {
            let now = state.clock.now();
            state.store.enrol_monitor(link.subscriber.id, &profile, now).await.map_err(WebError::store(lang))?;
            tracing::info!(subscriber = link.subscriber.id, "monitor panel: enrolled or changed");
            let view = View {
                link: &link,
                enrolled: true,
                typed: Typed::of(&profile),
                problems: Problems::default(),
                done: "saved",
            };
            Ok(private_page(StatusCode::OK, page(&state, &directory, view)?))
        }
    }
}

pub(super) async fn monitor_leave(State(state): State<AppState>, link: ResidentLink) -> Result<Response, WebError> {
    let lang = link.lang;
    let directory = state.directory.current();
    let now = state.clock.now();
    if state.store.leave_monitor_panel(link.subscriber.id, now).await.map_err(WebError::store(lang))? {
        tracing::info!(subscriber = link.subscriber.id, "monitor panel: left");
    }
    let view =
        View { link: &link, enrolled: false, typed: Typed::default(), problems: Problems::default(), done: "left" };
    Ok(private_page(StatusCode::OK, page(&state, &directory, view)?))
}
