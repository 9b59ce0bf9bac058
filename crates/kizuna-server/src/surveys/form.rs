//! A survey's questions as a form: the values given for each question (`q{id}`
//! fields), the questions as a page shows them with their errors, and the
//! answers read from them. The residents' answer page and the console's paper
//! answer entry share it.

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

pub struct QuestionView {
    pub id: i64,
    pub number: usize,
    pub kind: &'static str,
    pub text: String,
    pub required: bool,
    pub options: Vec<OptionView>,
    pub typed: String,
    pub error: Option<String>,
}

/// The values of each question, as typed or as stored.
pub type Values = Vec<(i64, Vec<String>)>;

pub fn stored_values(response: Option<&StoredResponse>) -> Values {
    response
        .map(|r| {
            r.answers
                .iter()
                .map(|(q, answer)| {
                    let values = match answer {
                        Answer::Choices(chosen) => chosen.iter().map(i64::to_string).collect(),
                        Answer::Rating(rating) => vec![rating.to_string()],
                        Answer::Text(text) => vec![text.clone()],
                    };
                    (*q, values)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The `q{id}` fields of a submission; `all` reads every value of a field.
pub fn form_values<S: AsRef<str>>(survey: &Survey, all: impl Fn(&str) -> Vec<S>) -> Values {
    survey
        .questions
        .iter()
        .map(|q| (q.id, all(&format!("q{}", q.id)).iter().map(|v| v.as_ref().to_owned()).collect()))
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
            let given = values.iter().find(|(id, _)| *id == q.id).map(|(_, v)| v.as_slice()).unwrap_or_default();
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
            let error = problems.iter().find(|(id, _)| *id == q.id).map(|(_, e)| e.explain(lang));
            if let Some(message) = &error {
                let target = options.first().map_or_else(|| format!("q{}", q.id), |o| o.id.clone());
                errors.push((format!("#{target}"), message.clone()));
            }
            QuestionView {
                id: q.id,
                number: index + 1,
                kind: q.kind.as_str(),
                text: q.text.clone(),
                required: q.required,
                options,
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
        let asked = AskedQuestion { kind: q.kind, choices: &q.choices, required: q.required };
        let given = values.iter().find(|(id, _)| *id == q.id).map(|(_, v)| v.as_slice()).unwrap_or_default();
        match survey::parse_answer(&asked, given) {
            Ok(Some(answer)) => answers.push((q.id, answer)),
            Ok(None) => {}
            Err(problem) => problems.push((q.id, problem)),
        }
    }
    if problems.is_empty() { Ok(answers) } else { Err(problems) }
}
