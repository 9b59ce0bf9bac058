//! The monitor panel and surveys on both backends: enrolling and leaving, the
//! panel's size, an imported list's age bands, invitations to the targeted
//! monitors only, reminders only to those who have not answered (at most N
//! times, at most every M days), one response per invitation that a change
//! replaces, and the counts of results (each option of a multiple choice).

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kizuna_core::consortium::ConsortiumSeed;
use kizuna_core::subscriber::{Charset, MailFormat, RegistrationSource, SubscriberStatus};
use kizuna_core::survey::{AgeBand, Answer, Gender, QuestionDraft, QuestionKind};
use kizuna_core::token::TokenHash;
use kizuna_core::{CategoryKey, EmailAddress, Lang, MunicipalityCode};
use kizuna_store::*;

crate::conformance!(
    residents_enrol_in_the_panel_and_leave_it,
    an_imported_age_band_enrols_the_resident_in_the_panel,
    invitations_go_to_the_targeted_monitors_once_and_their_mails_wait_for_the_scheduler,
    one_response_per_invitation_is_replaced_when_changed_and_counted_per_option,
    reminders_go_only_to_who_has_not_answered_at_most_n_times_and_every_m_days,
);

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 0, 0, 0).single().unwrap()
}

fn code(text: &str) -> MunicipalityCode {
    MunicipalityCode::parse(text).unwrap()
}

async fn seeded(store: &Arc<dyn Store>) {
    store.seed_if_empty(&ConsortiumSeed::chichibu().unwrap(), at(1)).await.unwrap();
}

async fn resident(store: &Arc<dyn Store>, address: &str, status: SubscriberStatus) -> i64 {
    let id = store
        .create_subscriber(
            &NewSubscriber {
                email: EmailAddress::parse(address).unwrap(),
                status,
                language: Lang::JA,
                format: MailFormat::Text,
                charset: Charset::Utf8,
                emergency_only: false,
                source: RegistrationSource::Web,
                source_municipality: None,
                monitor_age_band: None,
                pending_expires_at: None,
            },
            at(1),
        )
        .await
        .unwrap();
    let choice =
        Subscription { municipality: code("112071"), category: CategoryKey::parse("disaster").unwrap(), area_id: None };
    store.replace_subscriptions(id, &[choice]).await.unwrap();
    id
}

fn profile(town: &str, band: AgeBand) -> MonitorProfile {
    MonitorProfile { municipality: code(town), area_id: None, age_band: band, gender: None, occupation: None }
}

async fn monitor(store: &Arc<dyn Store>, address: &str, town: &str, band: AgeBand) -> i64 {
    let id = resident(store, address, SubscriberStatus::Active).await;
    assert!(store.enrol_monitor(id, &profile(town, band), at(1)).await.unwrap());
    id
}

fn members(counts: &[PanelCount]) -> i64 {
    counts.iter().map(|c| c.members).sum()
}

async fn residents_enrol_in_the_panel_and_leave_it(store: Arc<dyn Store>) {
    seeded(&store).await;
    let area = store.areas(&code("112071")).await.unwrap().first().map(|a| a.id);
    let hanako = resident(&store, "hanako@example.jp", SubscriberStatus::Active).await;
    let pending = resident(&store, "pending@example.jp", SubscriberStatus::Pending).await;
    assert!(store.panel_counts().await.unwrap().is_empty());
    let mut wanted = profile("112071", AgeBand::Sixties);
    wanted.area_id = area;
    wanted.gender = Some(Gender::Female);
    assert!(store.enrol_monitor(hanako, &wanted, at(2)).await.unwrap());
    assert!(!store.enrol_monitor(pending, &wanted, at(2)).await.unwrap(), "only active residents enrol");
    assert_eq!(store.monitor_profile(hanako).await.unwrap(), Some(wanted.clone()));
    let counts = store.panel_counts().await.unwrap();
    assert_eq!(
        counts,
        vec![PanelCount { municipality: code("112071"), area_id: area, age_band: AgeBand::Sixties, members: 1 }]
    );
    // A change of profile moves them, never counts them twice.
    assert!(store.enrol_monitor(hanako, &profile("113611", AgeBand::Seventies), at(3)).await.unwrap());
    let counts = store.panel_counts().await.unwrap();
    assert_eq!((members(&counts), counts[0].municipality.as_str()), (1, "113611"));
    // A resident who stops the mail is not in the panel while stopped.
    store.unsubscribe_subscriber(hanako, at(4)).await.unwrap();
    assert!(store.panel_counts().await.unwrap().is_empty());
    store.set_subscriber_status(hanako, SubscriberStatus::Active, at(5)).await.unwrap();
    assert_eq!(members(&store.panel_counts().await.unwrap()), 1);
    assert!(store.leave_monitor_panel(hanako, at(6)).await.unwrap());
    assert!(!store.leave_monitor_panel(hanako, at(6)).await.unwrap());
    assert!(store.panel_counts().await.unwrap().is_empty());
    assert_eq!(store.monitor_profile(hanako).await.unwrap(), None);
    assert_eq!(store.subscriber(hanako).await.unwrap().unwrap().monitor_age_band, None, "the profile is forgotten");
}

async fn an_imported_age_band_enrols_the_resident_in_the_panel(store: Arc<dyn Store>) {
    seeded(&store).await;
    let row = |address: &str, band: Option<&str>| ImportRow {
        subscriber: NewSubscriber {
            email: EmailAddress::parse(address).unwrap(),
            status: SubscriberStatus::Active,
            language: Lang::JA,
            format: MailFormat::Text,
            charset: Charset::Utf8,
            emergency_only: false,
            source: RegistrationSource::Import,
            source_municipality: None,
            monitor_age_band: band.map(str::to_owned),
            pending_expires_at: None,
        },
        subscriptions: vec![Subscription {
            municipality: code("113638"),
            category: CategoryKey::parse("disaster").unwrap(),
            area_id: None,
        }],
    };
    let rows = [row("a@example.jp", Some("40-49")), row("b@example.jp", None)];
    assert_eq!(store.import_subscribers(&rows, at(2)).await.unwrap(), 2);
    let counts = store.panel_counts().await.unwrap();
    assert_eq!(
        counts,
        vec![PanelCount { municipality: code("113638"), area_id: None, age_band: AgeBand::Forties, members: 1 }]
    );
}

fn question(kind: QuestionKind, choices: &[&str], required: bool) -> QuestionDraft {
    let choices: Vec<String> = choices.iter().map(|c| (*c).to_owned()).collect();
    QuestionDraft::parse(kind, "質問", &choices, required).unwrap()
}

fn new_survey(towns: &[&str], bands: &[AgeBand]) -> NewSurvey {
    NewSurvey {
        title: "まちづくりアンケート".into(),
        introduction: Some("ご協力ください。".into()),
        municipalities: towns.iter().map(|t| code(t)).collect(),
        age_bands: bands.to_vec(),
        areas: Vec::new(),
        questions: vec![
            question(QuestionKind::Single, &["はい", "いいえ"], true),
            question(QuestionKind::Multiple, &["バス", "鉄道", "車"], false).with_other(true).unwrap(),
            question(QuestionKind::Rating, &[], false),
            question(QuestionKind::Text, &[], false),
        ],
        opens_at: at(10),
        closes_at: Some(at(30)),
        created_by: "staff:1".into(),
    }
}

async fn invitations_go_to_the_targeted_monitors_once_and_their_mails_wait_for_the_scheduler(store: Arc<dyn Store>) {
    seeded(&store).await;
    let sixty = monitor(&store, "sixty@example.jp", "112071", AgeBand::Sixties).await;
    monitor(&store, "twenty@example.jp", "112071", AgeBand::Twenties).await;
    monitor(&store, "yokoze@example.jp", "113611", AgeBand::Sixties).await;
    resident(&store, "not-a-monitor@example.jp", SubscriberStatus::Active).await;
    let survey = store.create_survey(&new_survey(&["112071"], &[AgeBand::Sixties]), at(10)).await.unwrap();
    assert_eq!(survey.questions.len(), 4);
    assert_eq!(survey.questions[1].choices, ["バス", "鉄道", "車"]);
    assert_eq!(survey.questions.iter().map(|q| q.other).collect::<Vec<_>>(), [false, true, false, false]);
    assert_eq!(survey.age_bands, [AgeBand::Sixties]);
    assert!(survey.is_open(at(11)) && !survey.is_open(at(30)) && !survey.is_open(at(9)));
    assert_eq!(store.invite_monitors(survey.id, at(10)).await.unwrap(), 1);
    assert_eq!(store.invite_monitors(survey.id, at(11)).await.unwrap(), 0, "nobody is invited twice");
    let invitations = store.invitations(survey.id).await.unwrap();
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0].subscriber_id, Some(sixty));
    let due = store.due_survey_mails(at(10), 100).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].kind, due[0].subscriber_id), (SurveyMailKind::Invite, Some(sixty)));
    let hash = TokenHash::of("a personal link token of forty-three chars");
    store.add_survey_link(invitations[0].id, &hash, at(10)).await.unwrap();
    store.survey_mail_sent(due[0].id, at(10)).await.unwrap();
    assert!(store.due_survey_mails(at(10), 100).await.unwrap().is_empty());
    assert_eq!(store.invitation_by_link(&hash).await.unwrap(), Some(invitations[0].clone()));
    assert_eq!(store.invitation_by_link(&TokenHash::of("forged")).await.unwrap(), None);
    // A failed mail is tried again later, or given up on.
    let everyone = store.create_survey(&new_survey(&["112071", "113611"], &[]), at(10)).await.unwrap();
    assert_eq!(store.invite_monitors(everyone.id, at(10)).await.unwrap(), 3);
    let due = store.due_survey_mails(at(10), 2).await.unwrap();
    assert_eq!(due.len(), 2, "the batch is limited");
    store.survey_mail_failed(due[0].id, Some(at(12)), at(10)).await.unwrap();
    store.survey_mail_failed(due[1].id, None, at(10)).await.unwrap();
    assert_eq!(store.due_survey_mails(at(11), 100).await.unwrap().len(), 1);
    let later = store.due_survey_mails(at(12), 100).await.unwrap();
    assert_eq!(later.len(), 2);
    assert!(later.iter().any(|m| m.id == due[0].id && m.attempts == 1));
    // An area narrows who is asked to the monitors of that area.
    let kagemori = store.add_area(&code("112071"), "影森", "Kagemori").await.unwrap();
    let local = resident(&store, "kagemori@example.jp", SubscriberStatus::Active).await;
    let mut in_area = profile("112071", AgeBand::Forties);
    in_area.area_id = Some(kagemori);
    store.enrol_monitor(local, &in_area, at(10)).await.unwrap();
    let mut narrowed = new_survey(&["112071"], &[]);
    narrowed.areas = vec![kagemori];
    let narrowed = store.create_survey(&narrowed, at(10)).await.unwrap();
    assert_eq!(store.invite_monitors(narrowed.id, at(10)).await.unwrap(), 1);
    assert_eq!(store.invitations(narrowed.id).await.unwrap()[0].area_id, Some(kagemori));
    assert!(store.close_survey(everyone.id, at(13)).await.unwrap());
    assert!(!store.close_survey(everyone.id, at(14)).await.unwrap());
    assert!(store.survey(everyone.id).await.unwrap().unwrap().is_closed(at(13)));
    let ids: Vec<i64> = store.surveys().await.unwrap().iter().map(|s| s.id).collect();
    assert_eq!(ids, [narrowed.id, everyone.id, survey.id], "newest first");
}

async fn one_response_per_invitation_is_replaced_when_changed_and_counted_per_option(store: Arc<dyn Store>) {
    seeded(&store).await;
    monitor(&store, "a@example.jp", "112071", AgeBand::Sixties).await;
    monitor(&store, "b@example.jp", "112071", AgeBand::Sixties).await;
    let survey = store.create_survey(&new_survey(&["112071"], &[]), at(10)).await.unwrap();
    store.invite_monitors(survey.id, at(10)).await.unwrap();
    let invitations = store.invitations(survey.id).await.unwrap();
    let q: Vec<i64> = survey.questions.iter().map(|q| q.id).collect();
    let hostile = "<script>alert('x')</script> & \"quotes\"";
    let response = |invitation: &Invitation, channel: Channel, answers: Vec<(i64, Answer)>| NewResponse {
        survey_id: survey.id,
        invitation_id: Some(invitation.id),
        channel,
        municipality: invitation.municipality.clone(),
        area_id: invitation.area_id,
        age_band: invitation.age_band,
        answers,
    };
    let first = vec![
        (q[0], Answer::Choices { chosen: vec![0], other: None }),
        (q[1], Answer::Choices { chosen: vec![0, 2], other: None }),
    ];
    let id = store.save_response(&response(&invitations[0], Channel::Web, first), at(11)).await.unwrap();
    let changed = vec![
        (q[0], Answer::Choices { chosen: vec![1], other: None }),
        (q[1], Answer::Choices { chosen: vec![0, 1, 2], other: Some("徒歩".into()) }),
        (q[2], Answer::Rating(4)),
        (q[3], Answer::Text(hostile.into())),
    ];
    let again = store.save_response(&response(&invitations[0], Channel::Web, changed.clone()), at(12)).await.unwrap();
    assert_eq!(again, id, "a change replaces the response");
    let stored = store.response_of(invitations[0].id).await.unwrap().unwrap();
    assert_eq!(stored.answers, changed);
    assert_eq!((stored.submitted_at, stored.updated_at), (at(11), at(12)));
    assert_eq!(store.response_of(invitations[1].id).await.unwrap(), None);
    let second = vec![
        (q[0], Answer::Choices { chosen: vec![1], other: None }),
        (q[1], Answer::Choices { chosen: Vec::new(), other: Some("自転車".into()) }),
    ];
    store.save_response(&response(&invitations[1], Channel::Paper, second.clone()), at(13)).await.unwrap();
    assert_eq!(store.response_of(invitations[1].id).await.unwrap().unwrap().answers, second, "only その他 chosen");
    // A paper answer from someone never invited.
    let mut walk_in =
        response(&invitations[1], Channel::Paper, vec![(q[0], Answer::Choices { chosen: vec![0], other: None })]);
    walk_in.invitation_id = None;
    store.save_response(&walk_in, at(14)).await.unwrap();
    let tally = store.survey_tally(survey.id).await.unwrap();
    assert_eq!((tally.invited, tally.web, tally.paper), (2, 1, 2));
    let count = |question: i64, value: i64| {
        tally.counts.iter().find(|(q, v, _)| *q == question && *v == value).map_or(0, |(_, _, n)| *n)
    };
    assert_eq!((count(q[0], 0), count(q[0], 1)), (1, 2));
    // Each option of a multiple choice is counted: バス 1, 鉄道 1, 車 1 — not "combinations".
    assert_eq!((count(q[1], 0), count(q[1], 1), count(q[1], 2)), (1, 1, 1));
    assert_eq!(count(q[2], 4), 1);
    let texts = vec![(q[1], "徒歩".to_owned()), (q[1], "自転車".to_owned()), (q[3], hostile.to_owned())];
    assert_eq!(tally.texts, texts, "what was written for その他 and free text, stored as typed");
    assert!(tally.answered.contains(&(q[1], 2)), "その他 alone answers the question");
    let groups = store.response_groups(survey.id).await.unwrap();
    let by = |channel: Channel| groups.iter().filter(|g| g.channel == channel).map(|g| g.responses).sum::<i64>();
    assert_eq!((by(Channel::Web), by(Channel::Paper)), (1, 2));
    assert_eq!(store.response_times(survey.id).await.unwrap(), [at(11), at(13), at(14)], "first answers, oldest first");
    // Erasing a monitor who answered keeps the answer, tied to no one.
    let erased = invitations[0].subscriber_id.unwrap();
    store.erase_subscriber(erased, at(15)).await.unwrap();
    let after = store.invitations(survey.id).await.unwrap();
    assert_eq!(after[0].subscriber_id, None);
    let tally = store.survey_tally(survey.id).await.unwrap();
    assert_eq!((tally.invited, tally.web, tally.paper), (2, 1, 2), "results read the same after erasure");
}

async fn reminders_go_only_to_who_has_not_answered_at_most_n_times_and_every_m_days(store: Arc<dyn Store>) {
    seeded(&store).await;
    monitor(&store, "a@example.jp", "112071", AgeBand::Sixties).await;
    monitor(&store, "b@example.jp", "112071", AgeBand::Sixties).await;
    let survey = store.create_survey(&new_survey(&["112071"], &[]), at(10)).await.unwrap();
    store.invite_monitors(survey.id, at(10)).await.unwrap();
    let invitations = store.invitations(survey.id).await.unwrap();
    let answered = NewResponse {
        survey_id: survey.id,
        invitation_id: Some(invitations[0].id),
        channel: Channel::Web,
        municipality: code("112071"),
        area_id: None,
        age_band: AgeBand::Sixties,
        answers: vec![(survey.questions[0].id, Answer::Choices { chosen: vec![0], other: None })],
    };
    store.save_response(&answered, at(11)).await.unwrap();
    let every = Duration::days(3);
    let remind = |now: DateTime<Utc>| {
        let store = store.clone();
        async move { store.remind_monitors(survey.id, 2, now - every, now).await.unwrap() }
    };
    assert_eq!(remind(at(11)).await, 0, "not within M days of the invitation");
    assert_eq!(remind(at(13)).await, 1, "only the one who has not answered");
    assert_eq!(remind(at(14)).await, 0, "not more often than every M days");
    assert_eq!(remind(at(16)).await, 1);
    assert_eq!(remind(at(25)).await, 0, "at most N times");
    let reminded = store.invitations(survey.id).await.unwrap();
    assert_eq!(reminded.iter().map(|i| i.reminders).collect::<Vec<_>>(), [0, 2]);
    let kinds: Vec<SurveyMailKind> =
        store.due_survey_mails(at(25), 100).await.unwrap().iter().map(|m| m.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == SurveyMailKind::Remind).count(), 2);
}
