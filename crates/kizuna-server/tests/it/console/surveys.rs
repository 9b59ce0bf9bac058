//! Survey results at the console: counts per option (a multiple choice counts
//! every option), web, paper and total columns, small cells suppressed so that
//! no subtraction from the totals recovers them, free-text answers escaped and
//! their viewing audited, the CSV export audited, and another town's survey not found.

use axum::http::StatusCode;
use kizuna_core::MunicipalityCode;
use kizuna_core::staff::Role;
use kizuna_core::survey::{AgeBand, Answer, QuestionDraft, QuestionKind};
use kizuna_store::{Channel, NewResponse, NewSurvey};

use super::browser::{Browser, PASSWORD, staff};
use crate::support::{TestApp, spawn_app};

fn code(text: &str) -> MunicipalityCode {
    MunicipalityCode::parse(text).unwrap()
}

async fn survey(app: &TestApp, town: &str) -> (i64, Vec<i64>) {
    let choices = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let new = NewSurvey {
        title: "交通アンケート".into(),
        introduction: None,
        municipalities: vec![code(town)],
        age_bands: Vec::new(),
        areas: Vec::new(),
        questions: vec![
            QuestionDraft::parse(QuestionKind::Multiple, "使う交通手段", &choices(&["バス", "鉄道", "車"]), true)
                .and_then(|q| q.with_other(true))
                .unwrap(),
            QuestionDraft::parse(QuestionKind::Text, "ご意見", &[], false).unwrap(),
        ],
        opens_at: app.clock_now(),
        closes_at: None,
        created_by: "staff:1".into(),
    };
    let survey = app.state.store.create_survey(&new, app.clock_now()).await.unwrap();
    (survey.id, survey.questions.iter().map(|q| q.id).collect())
}

async fn respond(app: &TestApp, survey: i64, channel: Channel, band: AgeBand, answers: Vec<(i64, Answer)>) {
    let response = NewResponse {
        survey_id: survey,
        invitation_id: None,
        channel,
        municipality: code("112071"),
        area_id: None,
        age_band: band,
        answers,
    };
    app.state.store.save_response(&response, app.clock_now()).await.unwrap();
}

/// The cells of a table's body rows and of its footer, as shown.
fn table(body: &str, caption: &str) -> (Vec<Vec<String>>, Vec<String>) {
    let start = body.find(&format!(">{caption}</caption>")).unwrap_or_else(|| panic!("no table {caption}"));
    let table = &body[start..body[start..].find("</table>").unwrap() + start];
    let cells = |row: &str| -> Vec<String> {
        row.split("<td class=\"numeric\">")
            .skip(1)
            .map(|c| c.split('<').next().unwrap_or_default().to_owned())
            .collect()
    };
    let (rows, foot) = table.split_once("<tfoot>").unwrap_or((table, ""));
    let rows = rows.split("<tr>").skip(2).map(cells).collect();
    (rows, cells(foot).into_iter().map(|c| c.replace("<strong>", "")).collect())
}

#[tokio::test]
async fn results_count_each_option_suppress_small_cells_against_subtraction_and_audit_free_text() {
    let app = spawn_app(&[], None).await;
    let (id, q) = survey(&app, "112071").await;
    let other = survey(&app, "113611").await.0;
    let hostile = "<img src=x onerror=alert(1)>";
    for n in 0..6 {
        let answer = if n == 0 {
            vec![(q[0], Answer::Choices { chosen: vec![0, 2], other: None }), (q[1], Answer::Text(hostile.into()))]
        } else {
            vec![(q[0], Answer::Choices { chosen: vec![0], other: None })]
        };
        respond(&app, id, Channel::Web, AgeBand::Sixties, answer).await;
    }
    for _ in 0..2 {
        respond(
            &app,
            id,
            Channel::Paper,
            AgeBand::Sixties,
            vec![(q[0], Answer::Choices { chosen: vec![1, 2], other: None })],
        )
        .await;
    }
    for n in 0..3 {
        let other = (n == 0).then(|| "<b>自転車</b>".to_owned());
        respond(&app, id, Channel::Web, AgeBand::Seventies, vec![(q[0], Answer::Choices { chosen: vec![2], other })])
            .await;
    }
    staff(&app, "admin@city.chichibu.example", Some("112071"), Role::MunicipalityAdmin, false, false).await;
    let mut admin = Browser::new(&app);
    assert_eq!(admin.sign_in("admin@city.chichibu.example", PASSWORD).await.location(), "/admin");

    let page = admin.get(&format!("/admin/surveys/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let (counts, _) = table(&page.body, "使う交通手段");
    let counted: Vec<&str> = counts.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(counted, ["6", "2", "6", "1"], "バス 6, 鉄道 2, 車 6, その他 1: each option of a multiple choice");
    assert!(page.body.contains("<th scope=\"row\">その他</th>"));
    assert!(
        page.body.contains("「その他」に書かれた内容") && page.body.contains("&#60;b&#62;自転車"),
        "what was written for その他 is listed, escaped"
    );
    assert!(page.body.contains("<svg") && page.body.contains("role=\"img\""), "a chart beside the table");
    assert!(page.body.contains("&#60;img src=x") && !page.body.contains(hostile), "free text shown escaped");

    let (days, _) = table(&page.body, "回答率の推移");
    assert_eq!(days, [["11", "11", "—"]], "responses by day, none invited by mail here");
    let (bands, totals) = table(&page.body, "年代別");
    assert_eq!(totals, ["9", "2", "11"], "paper answers count in the paper and total columns");
    assert!(page.body.contains("5件未満"));
    let shown = |cell: &String| cell.parse::<i64>().is_ok();
    for row in &bands {
        assert_ne!(row.iter().filter(|c| !shown(c)).count(), 1, "one hidden cell in a row is recovered: {bands:?}");
    }
    for column in 0..3 {
        let hidden = bands.iter().filter(|r| !shown(&r[column])).count();
        assert_ne!(hidden, 1, "one hidden cell in a column is the total minus the rest: {bands:?}");
    }
    assert!(!bands.iter().any(|r| r[1] == "2"), "the 2 paper answers are not shown: {bands:?}");

    let audited = app.state.store.audit_entries(50).await.unwrap();
    assert!(audited.iter().any(|e| e.action == "survey_free_text_view" && e.subject == format!("survey:{id}")));
    let csv = admin.get(&format!("/admin/surveys/{id}/results.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}') && csv.body.contains("バス"));
    let audited = app.state.store.audit_entries(50).await.unwrap();
    assert!(audited.iter().any(|e| e.action == "survey_results_export"));

    assert_eq!(admin.get(&format!("/admin/surveys/{other}")).await.status, StatusCode::NOT_FOUND);
    let list = admin.get("/admin/surveys").await;
    assert!(
        list.body.contains(&format!("/admin/surveys/{id}"))
            && !list.body.contains(&format!("/admin/surveys/{other}\""))
    );
    // Nobody in the panel: staff are told that nobody was invited or reminded, not that mails are on their way.
    let invited = admin.post(&format!("/admin/surveys/{id}/invite"), &[]).await;
    assert_eq!(invited.location(), format!("/admin/surveys/{id}?done=invited-none"));
    assert!(admin.get(invited.location()).await.body.contains("新たに招待する人はいません"));
    let reminded = admin.post(&format!("/admin/surveys/{id}/remind"), &[]).await;
    assert!(admin.get(reminded.location()).await.body.contains("いま再送できる人はいません"));
    let closed = admin.post(&format!("/admin/surveys/{id}/close"), &[]).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert!(admin.get(&format!("/admin/surveys/{id}")).await.body.contains("締め切り済み"));
}

#[tokio::test]
async fn a_paper_answer_typed_in_counts_in_the_paper_and_total_columns() {
    let app = spawn_app(&[], None).await;
    let (id, q) = survey(&app, "112071").await;
    staff(&app, "admin@city.chichibu.example", Some("112071"), Role::MunicipalityAdmin, false, false).await;
    let mut admin = Browser::new(&app);
    admin.sign_in("admin@city.chichibu.example", PASSWORD).await;
    let form = admin.get(&format!("/admin/surveys/{id}/paper")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("使う交通手段") && form.body.contains("name=\"age_band\""));
    let first = format!("q{}", q[0]);
    let missing = admin.post(&format!("/admin/surveys/{id}/paper"), &[("place", "112071")]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("href=\"#age-band-under-20\"") && missing.body.contains(&format!("href=\"#{first}-0\""))
    );
    let saved = admin
        .post(&format!("/admin/surveys/{id}/paper"), &[("place", "112071"), ("age_band", "70-79"), (&first, "1")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = admin.get(saved.location()).await;
    assert!(after.body.contains("紙・電話の回答を保存しました"), "a confirmation says so");
    let tally = app.state.store.survey_tally(id).await.unwrap();
    assert_eq!((tally.web, tally.paper), (0, 1));
    let page = admin.get(&format!("/admin/surveys/{id}")).await;
    let (_, totals) = table(&page.body, "年代別");
    assert_eq!(totals, ["0", "1", "1"], "the paper answer is in the paper and total columns");
    let audited = app.state.store.audit_entries(20).await.unwrap();
    assert!(audited.iter().any(|e| e.action == "survey_paper_answer"));
}

#[tokio::test]
async fn a_survey_with_every_kind_of_question_is_written_at_the_console() {
    let app = spawn_app(&[], None).await;
    staff(&app, "admin@city.chichibu.example", Some("112071"), Role::MunicipalityAdmin, false, false).await;
    let mut admin = Browser::new(&app);
    admin.sign_in("admin@city.chichibu.example", PASSWORD).await;
    let area = app.state.store.add_area(&code("112071"), "影森", "Kagemori").await.unwrap();
    app.state.directory.reload(app.state.store.as_ref()).await.unwrap();
    let form = admin.get("/admin/surveys/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("name=\"area\" value=\"{area}\"")), "the town's areas are offered");
    assert!(
        form.body.contains("value=\"112071\" checked") && !form.body.contains("value=\"113611\""),
        "one's own town only"
    );
    let area_text = area.to_string();
    let mut fields = vec![
        ("title", "子育て支援アンケート"),
        ("municipality", "112071"),
        ("age_band", "30-39"),
        ("closes", "2026-12-20"),
        ("area", &area_text),
        ("q1-kind", "single"),
        ("q1-text", "保育園を利用していますか"),
        ("q1-choices", "はい"),
        ("q1-required", "yes"),
        ("q2-kind", "multiple"),
        ("q2-text", "必要な支援"),
        ("q2-choices", "一時預かり\n病児保育\n相談窓口"),
        ("q2-other", "yes"),
        ("q3-kind", "rating"),
        ("q3-other", "yes"),
        ("q3-text", "満足度"),
        ("q5-kind", "text"),
        ("q5-text", "ご意見"),
    ];
    let refused = admin.post("/admin/surveys/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#q1-choices\""), "the summary links to the slot's field");
    assert!(refused.body.contains("一時預かり"), "what was typed is kept");
    let choices = fields.iter().position(|(name, _)| *name == "q1-choices").unwrap();
    fields[choices] = ("q1-choices", "はい\nいいえ");
    let other_on_rating = admin.post("/admin/surveys/new", &fields).await;
    assert_eq!(other_on_rating.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(other_on_rating.body.contains("href=\"#q3-other\""), "「その他」 only on a choice question");
    assert!(other_on_rating.body.contains("「その他」を付けられるのは選択式の質問だけです"));
    fields.retain(|(name, _)| *name != "q3-other");
    let created = admin.post("/admin/surveys/new", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let surveys = app.state.store.surveys().await.unwrap();
    let survey = &surveys[0];
    let kinds: Vec<&str> = survey.questions.iter().map(|q| q.kind.as_str()).collect();
    assert_eq!(kinds, ["single", "multiple", "rating", "text"]);
    assert_eq!(survey.questions.iter().map(|q| q.other).collect::<Vec<_>>(), [false, true, false, false]);
    assert_eq!(
        (survey.age_bands.as_slice(), survey.areas.as_slice()),
        ([AgeBand::Thirties].as_slice(), [area].as_slice())
    );
    assert_eq!(
        survey.closes_at.map(|at| at.to_rfc3339()),
        Some("2026-12-20T15:00:00+00:00".to_owned()),
        "the end of the day in Japan"
    );
    assert!(app.state.store.audit_entries(10).await.unwrap().iter().any(|e| e.action == "survey_create"));
}
