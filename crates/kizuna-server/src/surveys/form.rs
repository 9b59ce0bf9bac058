//! A survey's questions as a form: the values given for each question (`q{id}`
//! fields, and `q{id}-other` for what was written beside "その他"), the questions
//! as a page shows them with their errors, and the answers read from them. The
//! residents' answer page and the console's paper answer entry share it.

use kizuna_core::lang::Explain;
use kizuna_core::survey::{self, Answer, AnswerError, AskedQuestion, QuestionKind};
use kizuna_core::{Lang, MunicipalityCode};
use kizuna_store::{StoredResponse, Survey};

use crate::directory::ReferenceData;
use crate::texts;

/// `112071` or `112071/12`: a town `allowed` admits and, optionally, one of its areas.
pub fn parse_place(
    directory: &ReferenceData,
    value: &str,
    allowed: impl Fn(&MunicipalityCode) -> bool,
) -> Option<(MunicipalityCode, Option<i64>)> {
    let (town, area) = match value.split_once('/') {
        Some((town, area)) => (town, Some(area.parse::<i64>().ok()?)),
        None => (value, None),
    };
    let code = MunicipalityCode::parse(town).ok().filter(|code| allowed(code))?;
    if let Some(area) = area {
        directory.areas_of(&code).find(|a| a.id == area)?;
    }
    Some((code, area))
}

/// One choice of a question.
pub struct OptionView {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// "その他" as a choice, with the line beside it (`q{id}-other`).
pub struct OtherView {
    pub option: OptionView,
    pub typed: String,
}

pub struct QuestionView {
    pub id: i64,
    pub number: usize,
    pub kind: &'static str,
    pub text: String,
    pub required: bool,
    pub options: Vec<OptionView>,
    pub other: Option<OtherView>,
    pub typed: String,
    pub error: Option<String>,
}

/// What was given for one question, as typed or as stored.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub question: i64,
    pub values: Vec<String>,
    /// Written beside "その他".
    pub other: String,
}

/// What was given for each question.
pub type Values = Vec<Given>;

fn given(values: &Values, question: i64) -> Option<&Given> {
    values.iter().find(|g| g.question == question)
}

pub fn stored_values(response: Option<&StoredResponse>) -> Values {
    let Some(response) = response else { return Vec::new() };
    response
        .answers
        .iter()
        .map(|(question, answer)| {
            let (values, other) = match answer {
                Answer::Choices { chosen, other } => {
                    let mut values: Vec<String> = chosen.iter().map(i64::to_string).collect();
                    values.extend(other.is_some().then(|| survey::OTHER_VALUE.to_owned()));
                    (values, other.clone().unwrap_or_default())
                }
                Answer::Rating(rating) => (vec![rating.to_string()], String::new()),
                Answer::Text(text) => (vec![text.clone()], String::new()),
            };
            Given { question: *question, values, other }
        })
        .collect()
}

/// The `q{id}` and `q{id}-other` fields of a submission; `all` reads every value of a field.
pub fn form_values<S: AsRef<str>>(survey: &Survey, all: impl Fn(&str) -> Vec<S>) -> Values {
    survey
        .questions
        .iter()
        .map(|q| Given {
            question: q.id,
            values: all(&format!("q{}", q.id)).iter().map(|v| v.as_ref().to_owned()).collect(),
            other: if q.other {
                all(&format!("q{}-other", q.id)).first().map(|v| v.as_ref().to_owned()).unwrap_or_default()
            } else {
                String::new()
            },
        })
        .collect()
}

/// Each question as the form shows it, and the error summary's (href, message) lines.
pub fn question_views(
    survey: &Survey,
    values: &Values,
    problems: &[(i64, AnswerError)],
    lang: Lang,
) -> (Vec<QuestionView>, Vec<(String, String)>) {
    let mut errors = Vec::new();
    let questions = survey
        .questions
        .iter()
        .enumerate()
        .map(|(index, q)| {
            let given = given(values, q.id);
            let typed_other = given.map(|g| g.other.as_str()).unwrap_or_default();
            let given = given.map(|g| g.values.as_slice()).unwrap_or_default();
            let has = |value: &str| given.iter().any(|v| v.trim() == value);
            let options: Vec<OptionView> = match q.kind {
                QuestionKind::Single | QuestionKind::Multiple => q
                    .choices
                    .iter()
                    .enumerate()
                    .map(|(i, label)| OptionView {
                        id: format!("q{}-{i}", q.id),
                        value: i.to_string(),
                        label: label.clone(),
                        checked: has(&i.to_string()),
                    })
                    .collect(),
                QuestionKind::Rating => (1..=survey::RATING_MAX)
                    .map(|r| {
                        let key = match r {
                            1 => "survey-page-rating-low",
                            survey::RATING_MAX => "survey-page-rating-high",
                            _ => "survey-page-rating",
                        };
                        OptionView {
                            id: format!("q{}-{r}", q.id),
                            value: r.to_string(),
                            label: texts::format(lang, key, &[("n", r.into())]).into_owned(),
                            checked: has(&r.to_string()),
                        }
                    })
                    .collect(),
                QuestionKind::Text => Vec::new(),
            };
            let other = q.other.then(|| OtherView {
                option: OptionView {
                    id: format!("q{}-other-choice", q.id),
                    value: survey::OTHER_VALUE.to_owned(),
                    label: texts::text(lang, "survey-page-other").into_owned(),
                    checked: has(survey::OTHER_VALUE) || !typed_other.trim().is_empty(),
                },
                typed: typed_other.to_owned(),
            });
            let problem = problems.iter().find(|(id, _)| *id == q.id).map(|(_, e)| e);
            let error = problem.map(|e| e.explain(lang));
            if let (Some(problem), Some(message)) = (problem, &error) {
                // An empty "その他" line sends the reader to that line.
                let target = match (problem, &other) {
                    (AnswerError::OtherEmpty, Some(_)) => format!("q{}-other", q.id),
                    _ => options.first().map_or_else(|| format!("q{}", q.id), |o| o.id.clone()),
                };
                // The summary names the question, so that two "answer this question" lines differ.
                let line = texts::format(
                    lang,
                    "survey-error-summary",
                    &[("n", (index + 1).into()), ("message", message.as_str().into())],
                );
                errors.push((format!("#{target}"), line.into_owned()));
            }
            QuestionView {
                id: q.id,
                number: index + 1,
                kind: q.kind.as_str(),
                text: q.text.clone(),
                required: q.required,
                options,
                other,
                typed: if q.kind == QuestionKind::Text { given.join("\n") } else { String::new() },
                error,
            }
        })
        .collect();
    (questions, errors)
}

/// What is wrong with each question whose answer cannot be taken.
pub type Problems = Vec<(i64, AnswerError)>;

/// The answers to every question, or what is wrong with each that cannot be taken.
pub fn parse_answers(survey: &Survey, values: &Values) -> Result<Vec<(i64, Answer)>, Problems> {
    let mut answers = Vec::new();
    let mut problems = Vec::new();
    for q in &survey.questions {
        let asked = AskedQuestion { kind: q.kind, choices: &q.choices, required: q.required, other: q.other };
        let given = given(values, q.id);
        let (values, other) = given.map_or((&[][..], ""), |g| (g.values.as_slice(), g.other.as_str()));
        match survey::parse_answer(&asked, values, other) {
            Ok(Some(answer)) => answers.push((q.id, answer)),
            Ok(None) => {}
            Err(problem) => problems.push((q.id, problem)),
        }
    }
    if problems.is_empty() { Ok(answers) } else { Err(problems) }
}
