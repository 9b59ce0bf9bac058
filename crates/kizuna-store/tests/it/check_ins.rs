//! Safety check-ins: answers recorded through a mailed token, changed, counted
//! per municipality and area, and follow-ups that reach only those their
//! audience names (of a withdrawn notice, those it reached) — on both backends.

use std::sync::Arc;

use kizuna_core::check_in::{CheckInAnswer, CheckInMessage, CheckInReply, FollowUpAudience, Household};
use kizuna_core::notice::{NoticeAction, NoticeStatus, Urgency};
use kizuna_core::token::TokenHash;
use kizuna_core::{CategoryKey, MunicipalityCode};
use kizuna_store::*;

use crate::delivery::{Resident, add, at, claim, new_notice, seeded, send};

crate::conformance!(
    answers_are_recorded_changed_and_counted_per_place,
    a_follow_up_reaches_only_its_audience_and_answers_the_check_in,
    erasing_a_resident_erases_their_answer,
    a_withdrawal_while_sending_stops_the_rest_and_its_follow_up_reaches_those_it_reached,
);

const CHICHIBU: &str = "112071";
const YOKOZE: &str = "113611";

fn reply(answer: CheckInAnswer, household: i64, message: Option<&str>) -> CheckInReply {
    CheckInReply {
        answer,
        household: Household::parse(&household.to_string()).unwrap(),
        message: message.map(|m| CheckInMessage::parse(m).unwrap().unwrap()),
    }
}

/// Sends `notice` at `minute` and mails it: every delivery gets the token
/// `{prefix}:{email}`, and the relay accepts them all.
async fn mail(store: &Arc<dyn Store>, notice: i64, minute: u32, prefix: &str) -> Vec<String> {
    send(store, notice, at(minute, 0)).await;
    let batch = store.claim_deliveries(&claim(prefix, at(minute, 0), 100)).await.unwrap();
    let tokens: Vec<(i64, TokenHash)> =
        batch.iter().map(|d| (d.id, TokenHash::of(&format!("{prefix}:{}", d.email)))).collect();
    store.store_delivery_tokens(&tokens).await.unwrap();
    let sent: Vec<DeliveryOutcome> =
        batch.iter().map(|d| DeliveryOutcome { delivery_id: d.id, result: DeliveryResult::Sent }).collect();
    store.record_delivery_outcomes(prefix, &sent, 3, at(minute, 1)).await.unwrap();
    let mut emails: Vec<String> = batch.into_iter().map(|d| d.email).collect();
    emails.sort();
    emails
}

/// What the stored token `token` answers; a derived link of the same delivery
/// must answer the same.
async fn link(store: &Arc<dyn Store>, token: &str) -> Option<CheckInLink> {
    let hash = TokenHash::of(token);
    let stored = store.check_in_link(MailedLink::Stored(&hash)).await.unwrap();
    if let Some(delivery) = store.delivery_by_link(MailedLink::Stored(&hash)).await.unwrap() {
        let derived = store.check_in_link(MailedLink::Checked(delivery.delivery_id)).await.unwrap();
        assert_eq!(derived, stored, "a derived link of delivery {} answers as its stored token", delivery.delivery_id);
    }
    stored
}

/// Four recipients of a check-in for 秩父市 and 横瀬町: one of 秩父市 in an
/// area, one of each town without, and one of both towns (who counts once, in
/// the first). Returns the notice and the area.
async fn check_in_notice(store: &Arc<dyn Store>) -> (i64, i64) {
    seeded(store).await;
    let area = store.add_area(&MunicipalityCode::parse(CHICHIBU).unwrap(), "大滝", "Otaki").await.unwrap();
    add(store, Resident::new("a@example.jp", &[(CHICHIBU, "disaster")])).await;
    let b = add(store, Resident::new("b@example.jp", &[])).await;
    store
        .replace_subscriptions(
            b,
            &[Subscription {
                municipality: MunicipalityCode::parse(CHICHIBU).unwrap(),
                category: CategoryKey::parse("disaster").unwrap(),
                area_id: Some(area),
            }],
        )
        .await
        .unwrap();
    add(store, Resident::new("c@example.jp", &[(YOKOZE, "disaster")])).await;
    add(store, Resident::new("d@example.jp", &[(YOKOZE, "disaster"), (CHICHIBU, "disaster")])).await;
    add(store, Resident::new("not-a-recipient@example.jp", &[(CHICHIBU, "event")])).await;
    let mut new = new_notice("disaster", &[CHICHIBU, YOKOZE], Urgency::Emergency, vec![]);
    new.check_in = true;
    let id = store.create_notice(&new, "staff:1", at(0, 0)).await.unwrap().0.id;
    assert!(store.notice(id).await.unwrap().unwrap().check_in, "the notice keeps its check-in");
    let emails = mail(store, id, 1, "n").await;
    assert_eq!(emails, ["a@example.jp", "b@example.jp", "c@example.jp", "d@example.jp"]);
    (id, area)
}

fn place(counts: &CheckInCounts, town: &str, area: Option<i64>) -> (i64, i64, i64) {
    let p = counts
        .places
        .iter()
        .find(|p| p.municipality.as_str() == town && p.area_id == area)
        .unwrap_or_else(|| panic!("no place {town} {area:?} in {counts:?}"));
    (p.safe, p.needs_help, p.unanswered)
}

async fn answers_are_recorded_changed_and_counted_per_place(store: Arc<dyn Store>) {
    let (id, area) = check_in_notice(&store).await;
    let untouched = store.check_in_counts(id).await.unwrap();
    assert_eq!((untouched.safe, untouched.needs_help, untouched.unanswered), (0, 0, 4));

    let a = link(&store, "n:a@example.jp").await.expect("a's token answers the check-in");
    assert_eq!((a.notice_id, a.answer.clone()), (id, None));
    assert_eq!(link(&store, "forged").await, None);
    let plain = new_notice("disaster", &[YOKOZE], Urgency::Normal, vec![]);
    let plain = store.create_notice(&plain, "s", at(2, 0)).await.unwrap().0.id;
    mail(&store, plain, 2, "p").await;
    assert_eq!(link(&store, "p:c@example.jp").await, None, "a notice without a check-in has none to answer");

    let first = store.record_check_in(&a, &reply(CheckInAnswer::Safe, 3, None), at(3, 0)).await.unwrap();
    assert_eq!((first.answer, first.household.get()), (CheckInAnswer::Safe, 3));
    let b = link(&store, "n:b@example.jp").await.unwrap();
    let hostile = "<script>alert(1)</script> 足を怪我";
    store.record_check_in(&b, &reply(CheckInAnswer::Help, 2, Some(hostile)), at(4, 0)).await.unwrap();

    let counts = store.check_in_counts(id).await.unwrap();
    assert_eq!((counts.safe, counts.needs_help, counts.unanswered), (1, 1, 2));
    assert_eq!((counts.safe_people, counts.needs_help_people), (3, 2));
    assert_eq!(place(&counts, CHICHIBU, None), (1, 0, 1), "a answered; d counts once, in 秩父市");
    assert_eq!(place(&counts, CHICHIBU, Some(area)), (0, 1, 0));
    assert_eq!(place(&counts, YOKOZE, None), (0, 0, 1));
    assert_eq!(counts.places.len(), 3);

    // A changed answer replaces the first; the time of the first stays.
    let a = link(&store, "n:a@example.jp").await.unwrap();
    assert_eq!(a.answer.as_ref().map(|c| c.answer), Some(CheckInAnswer::Safe), "the page shows the answer so far");
    let changed = store.record_check_in(&a, &reply(CheckInAnswer::Help, 1, Some("水が出ない")), at(5, 0)).await;
    let changed = changed.unwrap();
    assert_eq!((changed.first_answered_at, changed.answered_at), (at(3, 0), at(5, 0)));
    let counts = store.check_in_counts(id).await.unwrap();
    assert_eq!((counts.safe, counts.needs_help, counts.unanswered), (0, 2, 2), "one answer per recipient");

    let help = store.help_requests(id).await.unwrap();
    type Seen<'a> = (&'a str, &'a str, Option<i64>, i64, Option<&'a str>);
    let seen: Vec<Seen> = help
        .iter()
        .map(|h| {
            (
                h.email.as_str(),
                h.municipality.as_str(),
                h.area_id,
                h.household.get(),
                h.message.as_ref().map(|m| m.as_str()),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("b@example.jp", CHICHIBU, Some(area), 2, Some(hostile)),
            ("a@example.jp", CHICHIBU, None, 1, Some("水が出ない")),
        ]
    );
    assert_eq!(store.answered_at(id, &[1, 2, 3]).await.unwrap(), [Some(at(3, 0)), Some(at(4, 0)), None]);
}

async fn a_follow_up_reaches_only_its_audience_and_answers_the_check_in(store: Arc<dyn Store>) {
    let (id, _) = check_in_notice(&store).await;
    let a = link(&store, "n:a@example.jp").await.unwrap();
    store.record_check_in(&a, &reply(CheckInAnswer::Safe, 1, None), at(3, 0)).await.unwrap();
    let b = link(&store, "n:b@example.jp").await.unwrap();
    store.record_check_in(&b, &reply(CheckInAnswer::Help, 1, None), at(3, 0)).await.unwrap();

    let mut unanswered = new_notice("disaster", &[CHICHIBU, YOKOZE], Urgency::Emergency, vec![]);
    unanswered.follow_up = Some(FollowUp { of: id, audience: FollowUpAudience::Unanswered });
    let follow_up = store.create_notice(&unanswered, "staff:1", at(4, 0)).await.unwrap().0;
    assert_eq!(follow_up.follow_up, unanswered.follow_up);
    assert_eq!(store.recipient_counts(follow_up.id).await.unwrap().total, 2, "the pre-send count is the audience");
    assert_eq!(mail(&store, follow_up.id, 5, "f").await, ["c@example.jp", "d@example.jp"]);

    // The follow-up's link answers the check-in it follows.
    let c = link(&store, "f:c@example.jp").await.expect("a follow-up's token answers the check-in");
    assert_eq!(c.notice_id, id);
    store.record_check_in(&c, &reply(CheckInAnswer::Safe, 4, None), at(6, 0)).await.unwrap();
    let counts = store.check_in_counts(id).await.unwrap();
    assert_eq!((counts.safe, counts.needs_help, counts.unanswered, counts.safe_people), (2, 1, 1, 5));
    assert!(!follow_up.check_in, "the follow-up asks nothing new: its links answer the check-in it follows");

    let mut needs_help = new_notice("disaster", &[CHICHIBU, YOKOZE], Urgency::Normal, vec![]);
    needs_help.follow_up = Some(FollowUp { of: id, audience: FollowUpAudience::NeedsHelp });
    let second = store.create_notice(&needs_help, "staff:1", at(7, 0)).await.unwrap().0.id;
    assert_eq!(mail(&store, second, 8, "g").await, ["b@example.jp"]);
}

async fn erasing_a_resident_erases_their_answer(store: Arc<dyn Store>) {
    let (id, _) = check_in_notice(&store).await;
    let b = link(&store, "n:b@example.jp").await.unwrap();
    store.record_check_in(&b, &reply(CheckInAnswer::Help, 1, Some("助けて")), at(3, 0)).await.unwrap();
    store.erase_subscriber(b.subscriber_id, at(4, 0)).await.unwrap();
    assert!(store.help_requests(id).await.unwrap().is_empty());
    let counts = store.check_in_counts(id).await.unwrap();
    assert_eq!((counts.needs_help, counts.unanswered), (0, 3));
}

async fn a_withdrawal_while_sending_stops_the_rest_and_its_follow_up_reaches_those_it_reached(store: Arc<dyn Store>) {
    seeded(&store).await;
    for email in ["a@example.jp", "b@example.jp", "c@example.jp", "d@example.jp"] {
        add(&store, Resident::new(email, &[(CHICHIBU, "weather")])).await;
    }
    add(&store, Resident::new("e@example.jp", &[(YOKOZE, "weather")])).await;
    let warning = new_notice("weather", &[CHICHIBU], Urgency::Emergency, vec![]);
    let id = store.create_notice(&warning, "jma", at(1, 0)).await.unwrap().0.id;
    assert_eq!(send(&store, id, at(1, 0)).await, 4);
    // One message went out, one is on the wire, two wait.
    let first = store.claim_deliveries(&claim("p/1", at(1, 1), 1)).await.unwrap();
    let sent = [DeliveryOutcome { delivery_id: first[0].id, result: DeliveryResult::Sent }];
    store.record_delivery_outcomes("p/1", &sent, 3, at(1, 2)).await.unwrap();
    let in_flight = store.claim_deliveries(&claim("p/2", at(1, 2), 1)).await.unwrap();

    let withdrawn = store.transition_notice(id, NoticeAction::Withdraw, "jma", None, at(1, 3)).await.unwrap();
    assert_eq!(withdrawn.status, NoticeStatus::Withdrawn);
    let counts = store.delivery_counts(id).await.unwrap();
    assert_eq!((counts.sent, counts.sending, counts.queued, counts.cancelled), (1, 1, 0, 2));
    assert!(store.claim_deliveries(&claim("p/3", at(1, 4), 10)).await.unwrap().is_empty(), "nothing is left to send");
    let reach = store.follow_up_reach(id, FollowUpAudience::Reached).await.unwrap();
    assert_eq!(reach, 2, "what went out and what was on the wire, not what was stopped");

    let mut told = new_notice("weather", &[CHICHIBU], Urgency::Emergency, vec![]);
    told.follow_up = Some(FollowUp { of: id, audience: FollowUpAudience::Reached });
    let told = store.create_notice(&told, "jma", at(1, 5)).await.unwrap().0.id;
    assert_eq!(store.recipient_counts(told).await.unwrap().total, 2);
    let mut reached = vec![first[0].email.clone(), in_flight[0].email.clone()];
    reached.sort();
    assert_eq!(mail(&store, told, 6, "t").await, reached);
    assert!(link(&store, &format!("t:{}", reached[0])).await.is_none(), "it answers no check-in");
}
