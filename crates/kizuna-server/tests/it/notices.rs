//! The notice service as the console will use it: staff actors, a return with a
//! note, refusals by role and scope, and a draft checked against the directory,
//! which sees reference data added later once it is reloaded.

use kizuna_core::notice::{NoticeStatus, Urgency};
use kizuna_core::staff::{Role, Scope};
use kizuna_core::text::{NoticeBody, NoticeTitle};
use kizuna_core::{CategoryKey, MunicipalityCode};
use kizuna_server::notices::{self, Actor, NoticeDraft, NoticeError, Permission};

use crate::support::*;

fn town(code: &str) -> Scope {
    Scope::Municipality(MunicipalityCode::parse(code).unwrap())
}

fn draft(towns: &[&str], areas: Vec<i64>) -> NoticeDraft {
    NoticeDraft {
        title: NoticeTitle::parse("道路の通行止め").unwrap(),
        body: NoticeBody::parse("本文です。").unwrap(),
        title_en: None,
        body_en: None,
        category: CategoryKey::parse("notice").unwrap(),
        municipalities: towns.iter().map(|t| MunicipalityCode::parse(t).unwrap()).collect(),
        areas,
        urgency: Urgency::Normal,
        exercise: false,
        expires_at: None,
        send_at: None,
        check_in: false,
    }
}

#[tokio::test]
async fn an_author_writes_and_submits_and_an_approver_returns_it_with_a_note() {
    let app = spawn_app(&[], None).await;
    let author = Actor::staff(5, town("112071"), Role::Author, false);
    let approver = Actor::staff(6, town("112071"), Role::Approver, false);
    let made = notices::create(&app.state, &author, draft(&["112071"], vec![]), None).await.unwrap();
    assert!(made.new);
    let id = made.notice.id;
    notices::submit(&app.state, &author, id).await.unwrap();

    let refused = notices::approve(&app.state, &author, id).await;
    assert!(matches!(refused, Err(NoticeError::NotAllowed { permission: Permission::Approve, .. })), "{refused:?}");
    let sent = notices::send(&app.state, &author, id).await;
    assert!(
        matches!(sent, Err(NoticeError::NotAllowed { permission: Permission::SendUnapproved, .. })),
        "no second person, no emergency right: {sent:?}"
    );

    let returned = notices::return_notice(&app.state, &approver, id, "日付が違います").await.unwrap();
    assert_eq!(returned.status, NoticeStatus::Returned);
    let events = app.state.store.notice_events(id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!((last.actor.as_str(), last.note.as_deref()), ("staff:6", Some("日付が違います")));

    let again = notices::return_notice(&app.state, &approver, id, "もう一度").await;
    assert!(matches!(again, Err(NoticeError::Transition(_))), "a returned notice cannot be returned: {again:?}");
}

#[tokio::test]
async fn staff_act_only_within_their_municipality() {
    let app = spawn_app(&[], None).await;
    let yokoze = Actor::staff(7, town("113611"), Role::Approver, true);
    let made = notices::create(
        &app.state,
        &Actor::staff(8, town("112071"), Role::Author, false),
        draft(&["112071"], vec![]),
        None,
    )
    .await
    .unwrap();
    let refused = notices::send(&app.state, &yokoze, made.notice.id).await;
    assert!(matches!(&refused, Err(NoticeError::OutOfScope(code)) if code == "112071"), "{refused:?}");
    let refused = notices::validate(&app.state, &yokoze, &draft(&["113611", "112071"], vec![]));
    assert!(matches!(&refused, Err(NoticeError::OutOfScope(code)) if code == "112071"), "{refused:?}");
    assert_eq!(app.state.store.notice(made.notice.id).await.unwrap().unwrap().status, NoticeStatus::Draft);
}

#[tokio::test]
async fn a_draft_is_checked_against_the_directory_which_sees_new_areas_once_reloaded() {
    let app = spawn_app(&[], None).await;
    let author = Actor::staff(9, Scope::AllMunicipalities, Role::Author, false);
    let unknown = notices::validate(&app.state, &author, &draft(&["131016"], vec![]));
    assert!(matches!(unknown, Err(NoticeError::UnknownMunicipality { index: 0, .. })), "{unknown:?}");

    let area = app
        .state
        .store
        .add_area(&kizuna_core::MunicipalityCode::parse("112071").unwrap(), "影森", "Kagemori")
        .await
        .unwrap();
    let with_area = draft(&["112071"], vec![area]);
    let before = notices::validate(&app.state, &author, &with_area);
    assert!(matches!(before, Err(NoticeError::UnknownArea { index: 0, .. })), "not reloaded yet: {before:?}");
    app.state.directory.reload(app.state.store.as_ref()).await.unwrap();
    notices::validate(&app.state, &author, &with_area).unwrap();
    assert_eq!(app.state.directory.current().areas_of("112071").count(), 1);
}
