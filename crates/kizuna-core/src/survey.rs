//! The よいまちモニター panel and its surveys: a monitor's age band and profile,
//! a survey's questions, and a resident's answers checked against them. No I/O:
//! the store keeps what these types have proven, the server shows it.

use thiserror::Error;

use crate::lang::{Explain, Lang};
use crate::text::{TextError, clean};
use crate::texts;

/// A monitor's age band, as DESIGN.md names them in the import, the API and the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgeBand {
    Under20,
    Twenties,
    Thirties,
    Forties,
    Fifties,
    Sixties,
    Seventies,
    EightyPlus,
}

impl AgeBand {
    pub const ALL: [AgeBand; 8] = [
        AgeBand::Under20,
        AgeBand::Twenties,
        AgeBand::Thirties,
        AgeBand::Forties,
        AgeBand::Fifties,
        AgeBand::Sixties,
        AgeBand::Seventies,
        AgeBand::EightyPlus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::Under20 => "under-20",
            AgeBand::Twenties => "20-29",
            AgeBand::Thirties => "30-39",
            AgeBand::Forties => "40-49",
            AgeBand::Fifties => "50-59",
            AgeBand::Sixties => "60-69",
            AgeBand::Seventies => "70-79",
            AgeBand::EightyPlus => "80+",
        }
    }

    /// The Japanese form an existing panel's list uses (`60代`, `80代以上`).
    fn japanese(self) -> &'static str {
        match self {
            AgeBand::Under20 => "10代",
            AgeBand::Twenties => "20代",
            AgeBand::Thirties => "30代",
            AgeBand::Forties => "40代",
            AgeBand::Fifties => "50代",
            AgeBand::Sixties => "60代",
            AgeBand::Seventies => "70代",
            AgeBand::EightyPlus => "80代以上",
        }
    }

    /// The band's code, or (for imported lists) its Japanese form; full-width
    /// digits are read as the ASCII ones.
    pub fn parse(input: &str) -> Option<Self> {
        let input: String = input
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                other => other,
            })
            .collect();
        Self::ALL.into_iter().find(|band| band.as_str() == input || band.japanese() == input)
    }

    /// How the band reads (`60代` / `60–69`).
    pub fn label(self, lang: Lang) -> String {
        texts::text(lang, &format!("age-band-{}", self.as_str().replace('+', "-plus"))).into_owned()
    }
}

/// Gender, when a monitor chooses to give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Female,
    Male,
    Other,
}

impl Gender {
    pub const ALL: [Gender; 3] = [Gender::Female, Gender::Male, Gender::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Other => "other",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == input.trim())
    }

    pub fn label(self, lang: Lang) -> String {
        texts::text(lang, &format!("gender-{}", self.as_str())).into_owned()
    }
}

/// Occupation, when a monitor chooses to give it: a short list, so that no one
/// types personal details into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Occupation {
    Employee,
    SelfEmployed,
    Farming,
    PublicService,
    Student,
    Homemaker,
    NotWorking,
    Other,
}

impl Occupation {
    pub const ALL: [Occupation; 8] = [
        Occupation::Employee,
        Occupation::SelfEmployed,
        Occupation::Farming,
        Occupation::PublicService,
        Occupation::Student,
        Occupation::Homemaker,
        Occupation::NotWorking,
        Occupation::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Occupation::Employee => "employee",
            Occupation::SelfEmployed => "self-employed",
            Occupation::Farming => "farming",
            Occupation::PublicService => "public-service",
            Occupation::Student => "student",
            Occupation::Homemaker => "homemaker",
            Occupation::NotWorking => "not-working",
            Occupation::Other => "other",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == input.trim())
    }

    pub fn label(self, lang: Lang) -> String {
        texts::text(lang, &format!("occupation-{}", self.as_str())).into_owned()
    }
}

/// The four kinds of question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuestionKind {
    /// One choice.
    Single,
    /// Any number of choices; each is counted on its own.
    Multiple,
    /// 1 to 5.
    Rating,
    /// Free text.
    Text,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 4] =
        [QuestionKind::Single, QuestionKind::Multiple, QuestionKind::Rating, QuestionKind::Text];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::Rating => "rating",
            QuestionKind::Text => "text",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == input.trim())
    }

    pub fn has_choices(self) -> bool {
        matches!(self, QuestionKind::Single | QuestionKind::Multiple)
    }
}

/// The highest rating.
pub const RATING_MAX: i64 = 5;
pub const TITLE_MAX: usize = 100;
pub const INTRODUCTION_MAX: usize = 2000;
pub const QUESTION_MAX: usize = 500;
pub const CHOICE_MAX: usize = 100;
pub const MAX_QUESTIONS: usize = 50;
pub const MAX_CHOICES: usize = 20;
/// A free-text answer: a few paragraphs.
pub const ANSWER_MAX: usize = 2000;

/// A question as staff wrote it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionDraft {
    pub kind: QuestionKind,
    pub text: String,
    pub choices: Vec<String>,
    pub required: bool,
    /// A choice question may end with "その他" and a line to say what.
    pub other: bool,
}

/// Why a survey's text or questions cannot be accepted; `field` names where.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SurveyError {
    #[error("{0}")]
    Text(#[from] TextError),
    #[error("a survey needs at least one question and at most {MAX_QUESTIONS}")]
    QuestionCount,
    #[error("a {kind} question needs between 2 and {MAX_CHOICES} different choices", kind = .0.as_str())]
    Choices(QuestionKind),
    #[error("a {kind} question has no choices", kind = .0.as_str())]
    NoChoicesWanted(QuestionKind),
    #[error("only a single or multiple choice question can offer \"other\"")]
    OtherWithoutChoices,
}

impl Explain for SurveyError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            SurveyError::Text(e) => e.explain(lang),
            SurveyError::QuestionCount => {
                texts::format(lang, "survey-error-question-count", &[("max", MAX_QUESTIONS.into())]).into_owned()
            }
            SurveyError::Choices(_) => {
                texts::format(lang, "survey-error-choices", &[("max", MAX_CHOICES.into())]).into_owned()
            }
            SurveyError::NoChoicesWanted(_) => texts::text(lang, "survey-error-no-choices-wanted").into_owned(),
            SurveyError::OtherWithoutChoices => texts::text(lang, "survey-error-other-without-choices").into_owned(),
        }
    }
}

pub fn parse_title(input: &str) -> Result<String, TextError> {
    clean(input, "survey_title", TITLE_MAX, false)
}

/// An introduction may be left out: empty is `None`.
pub fn parse_introduction(input: &str) -> Result<Option<String>, TextError> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    clean(input, "introduction", INTRODUCTION_MAX, true).map(Some)
}

impl QuestionDraft {
    pub fn parse(kind: QuestionKind, text: &str, choices: &[String], required: bool) -> Result<Self, SurveyError> {
        let text = clean(text, "question", QUESTION_MAX, false)?;
        let mut kept: Vec<String> = Vec::new();
        for choice in choices.iter().filter(|c| !c.trim().is_empty()) {
            let choice = clean(choice, "choice", CHOICE_MAX, false)?;
            if !kept.contains(&choice) {
                kept.push(choice);
            }
        }
        if kind.has_choices() && !(2..=MAX_CHOICES).contains(&kept.len()) {
            return Err(SurveyError::Choices(kind));
        }
        if !kind.has_choices() && !kept.is_empty() {
            return Err(SurveyError::NoChoicesWanted(kind));
        }
        Ok(Self { kind, text, choices: kept, required, other: false })
    }

    /// Offers "その他" with a line to say what, after the written choices.
    pub fn with_other(self, other: bool) -> Result<Self, SurveyError> {
        if other && !self.kind.has_choices() {
            return Err(SurveyError::OtherWithoutChoices);
        }
        Ok(Self { other, ..self })
    }
}

/// The questions of a survey: at least one, at most [`MAX_QUESTIONS`].
pub fn check_question_count(count: usize) -> Result<(), SurveyError> {
    if (1..=MAX_QUESTIONS).contains(&count) { Ok(()) } else { Err(SurveyError::QuestionCount) }
}

/// One question's answer, checked against the question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Indexes into the question's written choices (at most one for a single
    /// choice), and what the resident wrote when they chose "その他".
    Choices {
        chosen: Vec<i64>,
        other: Option<String>,
    },
    Rating(i64),
    Text(String),
}

/// Why an answer cannot be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum AnswerError {
    #[error("this question needs an answer")]
    Required,
    #[error("the answer is not one of the choices")]
    NotAChoice,
    #[error("the answer is longer than {ANSWER_MAX} characters")]
    TooLong,
    #[error("the answer contains control characters")]
    ControlCharacters,
    #[error("only one choice may be chosen")]
    OnlyOne,
    #[error("\"other\" was chosen but nothing was written for it")]
    OtherEmpty,
}

impl Explain for AnswerError {
    fn explain(&self, lang: Lang) -> String {
        let key = match self {
            AnswerError::Required => "answer-error-required",
            AnswerError::NotAChoice => "answer-error-not-a-choice",
            AnswerError::TooLong => "answer-error-too-long",
            AnswerError::ControlCharacters => "answer-error-control",
            AnswerError::OnlyOne => "answer-error-only-one",
            AnswerError::OtherEmpty => "answer-error-other-empty",
        };
        texts::format(lang, key, &[("max", ANSWER_MAX.into())]).into_owned()
    }
}

/// A question as an answer is checked against it.
pub struct AskedQuestion<'a> {
    pub kind: QuestionKind,
    pub choices: &'a [String],
    pub required: bool,
    pub other: bool,
}

/// The value a form submits for "その他".
pub const OTHER_VALUE: &str = "other";

/// Reads one question's submitted values: `None` for an optional question left
/// blank. Choices are submitted as their index (`0`, `1`, …) or [`OTHER_VALUE`],
/// ratings as `1`–`5`; `other` is what was written on the "その他" line. Writing
/// there chooses "その他" (a phone without script cannot tick it for you).
pub fn parse_answer(
    question: &AskedQuestion<'_>,
    values: &[String],
    other: &str,
) -> Result<Option<Answer>, AnswerError> {
    let values: Vec<&str> = values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
    let answer = match question.kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            let mut chosen = Vec::new();
            let mut other_chosen = question.other && !other.trim().is_empty();
            for value in values {
                if question.other && value == OTHER_VALUE {
                    other_chosen = true;
                    continue;
                }
                let index: i64 = value.parse().map_err(|_| AnswerError::NotAChoice)?;
                if index < 0 || index as usize >= question.choices.len() {
                    return Err(AnswerError::NotAChoice);
                }
                if !chosen.contains(&index) {
                    chosen.push(index);
                }
            }
            if question.kind == QuestionKind::Single && chosen.len() + usize::from(other_chosen) > 1 {
                return Err(AnswerError::OnlyOne);
            }
            chosen.sort_unstable();
            let other =
                if other_chosen { Some(free_text(other.trim())?.ok_or(AnswerError::OtherEmpty)?) } else { None };
            (!chosen.is_empty() || other.is_some()).then_some(Answer::Choices { chosen, other })
        }
        QuestionKind::Rating => match values.as_slice() {
            [] => None,
            [one] => {
                let rating: i64 = one.parse().map_err(|_| AnswerError::NotAChoice)?;
                if !(1..=RATING_MAX).contains(&rating) {
                    return Err(AnswerError::NotAChoice);
                }
                Some(Answer::Rating(rating))
            }
            _ => return Err(AnswerError::NotAChoice),
        },
        QuestionKind::Text => free_text(&values.join("\n"))?.map(Answer::Text),
    };
    if answer.is_none() && question.required {
        return Err(AnswerError::Required);
    }
    Ok(answer)
}

/// Typed text, cleaned: `None` when nothing was written.
fn free_text(input: &str) -> Result<Option<String>, AnswerError> {
    match clean(input, "answer", ANSWER_MAX, true) {
        Ok(text) => Ok(Some(text)),
        Err(TextError::Empty { .. }) => Ok(None),
        Err(TextError::TooLong { .. }) => Err(AnswerError::TooLong),
        Err(TextError::ControlCharacters { .. }) => Err(AnswerError::ControlCharacters),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_bands_read_their_codes_and_the_japanese_forms_of_old_lists() {
        assert_eq!(AgeBand::parse("60-69"), Some(AgeBand::Sixties));
        assert_eq!(AgeBand::parse("60代"), Some(AgeBand::Sixties));
        assert_eq!(AgeBand::parse("６０代"), Some(AgeBand::Sixties));
        assert_eq!(AgeBand::parse("10代"), Some(AgeBand::Under20));
        assert_eq!(AgeBand::parse("80代以上"), Some(AgeBand::EightyPlus));
        assert_eq!(AgeBand::parse("80+"), Some(AgeBand::EightyPlus));
        assert_eq!(AgeBand::parse("60代, 女性"), None);
        assert_eq!(AgeBand::parse("65"), None);
        for band in AgeBand::ALL {
            assert_eq!(AgeBand::parse(band.as_str()), Some(band));
            assert!(!band.label(Lang::JA).is_empty() && !band.label(Lang::EN).is_empty());
        }
    }

    #[test]
    fn choice_questions_need_two_different_choices_and_others_none() {
        let two = vec!["はい".to_owned(), " ".to_owned(), "いいえ".to_owned()];
        let q = QuestionDraft::parse(QuestionKind::Single, "満足していますか", &two, true).unwrap();
        assert_eq!(q.choices, ["はい", "いいえ"]);
        let same = vec!["はい".to_owned(), "はい".to_owned()];
        assert_eq!(
            QuestionDraft::parse(QuestionKind::Multiple, "q", &same, false),
            Err(SurveyError::Choices(QuestionKind::Multiple))
        );
        assert!(QuestionDraft::parse(QuestionKind::Text, "q", &two, false).is_err());
        assert!(QuestionDraft::parse(QuestionKind::Rating, "", &[], false).is_err());
    }

    #[test]
    fn answers_are_checked_against_their_question() {
        let choices = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let multiple = AskedQuestion { kind: QuestionKind::Multiple, choices: &choices, required: true, other: false };
        let values = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let chosen = |c: &[i64]| Some(Answer::Choices { chosen: c.to_vec(), other: None });
        assert_eq!(parse_answer(&multiple, &values(&["2", "0", "2"]), ""), Ok(chosen(&[0, 2])));
        assert_eq!(parse_answer(&multiple, &values(&[]), ""), Err(AnswerError::Required));
        assert_eq!(parse_answer(&multiple, &values(&["3"]), ""), Err(AnswerError::NotAChoice));
        assert_eq!(parse_answer(&multiple, &values(&[OTHER_VALUE]), "x"), Err(AnswerError::NotAChoice));
        assert_eq!(parse_answer(&multiple, &values(&["1"]), "ignored: no other line"), Ok(chosen(&[1])));
        let single = AskedQuestion { kind: QuestionKind::Single, choices: &choices, required: false, other: false };
        assert_eq!(parse_answer(&single, &values(&["0", "1"]), ""), Err(AnswerError::OnlyOne));
        assert_eq!(parse_answer(&single, &values(&[]), ""), Ok(None));
        let rating = AskedQuestion { kind: QuestionKind::Rating, choices: &[], required: true, other: false };
        assert_eq!(parse_answer(&rating, &values(&["5"]), ""), Ok(Some(Answer::Rating(5))));
        assert_eq!(parse_answer(&rating, &values(&["6"]), ""), Err(AnswerError::NotAChoice));
        let text = AskedQuestion { kind: QuestionKind::Text, choices: &[], required: false, other: false };
        let hostile = "<script>alert(1)</script>";
        assert_eq!(parse_answer(&text, &values(&[hostile]), ""), Ok(Some(Answer::Text(hostile.to_owned()))));
        assert_eq!(parse_answer(&text, &values(&["a\u{7}b"]), ""), Err(AnswerError::ControlCharacters));
        assert_eq!(parse_answer(&text, &values(&[&"長".repeat(ANSWER_MAX + 1)]), ""), Err(AnswerError::TooLong));
    }

    #[test]
    fn other_is_chosen_by_ticking_it_or_by_writing_on_its_line() {
        let choices = vec!["バス".to_owned(), "鉄道".to_owned()];
        let values = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let answer = |chosen: &[i64], other: Option<&str>| {
            Some(Answer::Choices { chosen: chosen.to_vec(), other: other.map(str::to_owned) })
        };
        let single = AskedQuestion { kind: QuestionKind::Single, choices: &choices, required: true, other: true };
        assert_eq!(parse_answer(&single, &values(&[OTHER_VALUE]), " 自転車 "), Ok(answer(&[], Some("自転車"))));
        assert_eq!(parse_answer(&single, &values(&[]), "自転車"), Ok(answer(&[], Some("自転車"))));
        assert_eq!(parse_answer(&single, &values(&[OTHER_VALUE]), "  "), Err(AnswerError::OtherEmpty));
        assert_eq!(parse_answer(&single, &values(&["0"]), "自転車"), Err(AnswerError::OnlyOne));
        assert_eq!(parse_answer(&single, &values(&["1"]), ""), Ok(answer(&[1], None)));
        let multiple = AskedQuestion { kind: QuestionKind::Multiple, choices: &choices, required: true, other: true };
        assert_eq!(
            parse_answer(&multiple, &values(&["1", OTHER_VALUE, "0"]), "徒歩"),
            Ok(answer(&[0, 1], Some("徒歩")))
        );
        assert_eq!(parse_answer(&multiple, &values(&["0"]), "a\u{7}"), Err(AnswerError::ControlCharacters));
        assert_eq!(
            QuestionDraft::parse(QuestionKind::Text, "q", &[], false).unwrap().with_other(true),
            Err(SurveyError::OtherWithoutChoices)
        );
        assert!(
            QuestionDraft::parse(QuestionKind::Single, "q", &choices, false).unwrap().with_other(true).unwrap().other
        );
    }
}
