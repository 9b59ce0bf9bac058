//! What changed between two versions of a notice, for the approver: each field
//! that differs, its text compared line by line.

use kizuna_core::Lang;
use kizuna_store::NoticeVersion;

use crate::texts;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Same,
    Removed,
    Added,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: Kind,
    pub text: String,
}

impl Line {
    pub fn removed(&self) -> bool {
        self.kind == Kind::Removed
    }

    pub fn added(&self) -> bool {
        self.kind == Kind::Added
    }
}

/// One field that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub lines: Vec<Line>,
}

/// The lines of `before` and `after`, each kept, removed or added, in order: the
/// longest common subsequence, which is small work for a notice's few lines.
pub fn lines(before: &str, after: &str) -> Vec<Line> {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] { common[i + 1][j + 1] + 1 } else { common[i + 1][j].max(common[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let line = |kind, text: &str| Line { kind, text: text.to_owned() };
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(line(Kind::Same, a[i]));
            i += 1;
            j += 1;
        } else if common[i + 1][j] >= common[i][j + 1] {
            out.push(line(Kind::Removed, a[i]));
            i += 1;
        } else {
            out.push(line(Kind::Added, b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|t| line(Kind::Removed, t)));
    out.extend(b[j..].iter().map(|t| line(Kind::Added, t)));
    out
}

/// The fields of `after` that differ from `before`.
pub fn changes(before: &NoticeVersion, after: &NoticeVersion, lang: Lang) -> Vec<Change> {
    let text = |v: &Option<kizuna_core::text::NoticeTitle>| v.as_ref().map(|t| t.to_string()).unwrap_or_default();
    let body = |v: &Option<kizuna_core::text::NoticeBody>| v.as_ref().map(|t| t.to_string()).unwrap_or_default();
    let codes = |v: &NoticeVersion| v.municipalities.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ");
    let pairs = [
        ("console-field-title", before.title.to_string(), after.title.to_string()),
        ("console-field-body", before.body.to_string(), after.body.to_string()),
        ("console-field-title-en", text(&before.title_en), text(&after.title_en)),
        ("console-field-body-en", body(&before.body_en), body(&after.body_en)),
        ("console-field-category", before.category.to_string(), after.category.to_string()),
        ("console-field-municipalities", codes(before), codes(after)),
        ("console-field-urgency", before.urgency.as_str().to_owned(), after.urgency.as_str().to_owned()),
        ("console-field-exercise", before.exercise.to_string(), after.exercise.to_string()),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(key, a, b)| Change { field: texts::text(lang, key).into_owned(), lines: lines(&a, &b) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_shows_as_removed_then_added_among_the_kept_ones() {
        let diff = lines(
            "明日、断水します。\n9時から12時まで\n芦ヶ久保地区",
            "明日、断水します。\n9時から15時まで\n芦ヶ久保地区",
        );
        let marks: Vec<(char, &str)> = diff
            .iter()
            .map(|l| {
                (
                    match l.kind {
                        Kind::Same => ' ',
                        Kind::Removed => '-',
                        Kind::Added => '+',
                    },
                    l.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            marks,
            [(' ', "明日、断水します。"), ('-', "9時から12時まで"), ('+', "9時から15時まで"), (' ', "芦ヶ久保地区")]
        );
    }
}
