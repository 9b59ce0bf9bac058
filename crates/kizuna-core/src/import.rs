//! Bringing in an existing registrant list (CSV): each row becomes a subscriber
//! with choices, or a reason it was rejected.

use crate::codes::{CategoryKey, MunicipalityCode};
use crate::consortium::{Category, Municipality};
use crate::email::EmailAddress;
use crate::lang::{Explain, Lang};

/// Splits CSV text (RFC 4180: commas, double quotes, `""` inside quotes, CRLF or
/// LF) into records, each with the line number it starts on.
pub fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start_line = 1;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                if !(record.len() == 1 && record[0].is_empty()) {
                    records.push((start_line, std::mem::take(&mut record)));
                }
                record.clear();
                line += 1;
                start_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(format!("line {start_line}: a quoted field is not closed"));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push((start_line, record));
    }
    Ok(records)
}

/// One accepted row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSubscriber {
    pub email: EmailAddress,
    pub municipalities: Vec<MunicipalityCode>,
    pub categories: Vec<CategoryKey>,
    pub emergency_only: bool,
    pub language: Lang,
    pub monitor_age_band: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {column}: {problem}")]
pub struct RowError {
    pub line: usize,
    pub column: &'static str,
    pub problem: String,
}

/// The columns of the registrant list, found by header name.
#[derive(Debug)]
pub struct ImportFormat {
    email: usize,
    municipalities: usize,
    categories: usize,
    emergency_only: usize,
    language: usize,
    monitor_age_band: Option<usize>,
}

const REQUIRED: [&str; 5] = ["email", "municipalities", "categories", "emergency_only", "language"];

impl ImportFormat {
    pub fn from_header(header: &[String]) -> Result<Self, String> {
        let find = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
        let missing: Vec<&str> = REQUIRED.iter().copied().filter(|name| find(name).is_none()).collect();
        if !missing.is_empty() {
            return Err(format!(
                "the header lacks {}; expected email,municipalities,categories,emergency_only,language[,monitor_age_band]",
                missing.join(", ")
            ));
        }
        let at = |name: &str| find(name).unwrap_or_default();
        Ok(Self {
            email: at("email"),
            municipalities: at("municipalities"),
            categories: at("categories"),
            emergency_only: at("emergency_only"),
            language: at("language"),
            monitor_age_band: find("monitor_age_band"),
        })
    }

    /// Parses one row against the consortium's members and categories. An empty
    /// `categories` means every public category; emergency-only residents get the
    /// emergency categories whatever the column says.
    pub fn parse_row(
        &self,
        line: usize,
        row: &[String],
        members: &[Municipality],
        categories: &[Category],
    ) -> Result<ImportedSubscriber, RowError> {
        let cell = |i: usize| row.get(i).map(|v| v.trim()).unwrap_or("");
        let fail = |column, problem: String| RowError { line, column, problem };
        let email = EmailAddress::parse(cell(self.email)).map_err(|e| fail("email", e.explain(Lang::EN)))?;
        let mut municipalities = Vec::new();
        for code in cell(self.municipalities).split(';').map(str::trim).filter(|c| !c.is_empty()) {
            let code = MunicipalityCode::parse(code).map_err(|e| fail("municipalities", e.to_string()))?;
            if !members.iter().any(|m| m.code == code) {
                return Err(fail("municipalities", format!("{code} is not a member of the consortium")));
            }
            if !municipalities.contains(&code) {
                municipalities.push(code);
            }
        }
        if municipalities.is_empty() {
            return Err(fail("municipalities", "no municipality given".into()));
        }
        let emergency_only = match cell(self.emergency_only).to_ascii_lowercase().as_str() {
            "" | "0" | "false" | "no" | "n" => false,
            "1" | "true" | "yes" | "y" => true,
            other => return Err(fail("emergency_only", format!("{other:?} is not true or false"))),
        };
        let chosen: Vec<CategoryKey> = if emergency_only {
            categories.iter().filter(|c| c.emergency && !c.restricted).map(|c| c.key.clone()).collect()
        } else if cell(self.categories).is_empty() {
            categories.iter().filter(|c| !c.restricted).map(|c| c.key.clone()).collect()
        } else {
            let mut chosen = Vec::new();
            for key in cell(self.categories).split(';').map(str::trim).filter(|k| !k.is_empty()) {
                let key = CategoryKey::parse(key).map_err(|e| fail("categories", e.to_string()))?;
                match categories.iter().find(|c| c.key == key) {
                    None => return Err(fail("categories", format!("{key} is not a category"))),
                    Some(c) if c.restricted => {
                        return Err(fail(
                            "categories",
                            format!("{key} is for staff only; use `subscribers set-staff`"),
                        ));
                    }
                    Some(_) if !chosen.contains(&key) => chosen.push(key),
                    Some(_) => {}
                }
            }
            chosen
        };
        let language = match cell(self.language).to_ascii_lowercase().as_str() {
            "" | "jp" | "japanese" => Lang::JA,
            "english" => Lang::EN,
            tag => match Lang::existing().into_iter().find(|lang| lang.as_str().eq_ignore_ascii_case(tag)) {
                Some(lang) => lang,
                None => return Err(fail("language", format!("{tag:?} is not {}", one_of(&Lang::existing())))),
            },
        };
        let monitor_age_band = match self.monitor_age_band.map(cell).filter(|v| !v.is_empty()) {
            None => None,
            Some(band) if band.chars().count() <= 20 && !band.chars().any(char::is_control) => Some(band.to_owned()),
            Some(_) => return Err(fail("monitor_age_band", "too long or has control characters".into())),
        };
        Ok(ImportedSubscriber { email, municipalities, categories: chosen, emergency_only, language, monitor_age_band })
    }
}

/// `ja or en`, `ja, en or vi`: the tags of `langs` as a message lists them.
fn one_of(langs: &[Lang]) -> String {
    let tags: Vec<&str> = langs.iter().map(|lang| lang.as_str()).collect();
    match tags.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consortium::ConsortiumSeed;

    #[test]
    fn csv_handles_quotes_crlf_and_a_bom() {
        let text = "\u{feff}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\r\nlast,\"multi\nline\"";
        let records = parse_csv(text).unwrap();
        assert_eq!(
            records,
            vec![
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["x, y".into(), "say \"hi\"".into()]),
                (4, vec!["last".into(), "multi\nline".into()]),
            ]
        );
        assert!(parse_csv("a,\"open").is_err());
    }

    #[test]
    fn rows_become_subscribers_or_say_what_is_wrong() {
        let seed = ConsortiumSeed::chichibu().unwrap();
        let header: Vec<String> = "email,municipalities,categories,emergency_only,language,monitor_age_band"
            .split(',')
            .map(Into::into)
            .collect();
        let format = ImportFormat::from_header(&header).unwrap();
        let row = |text: &str| -> Vec<String> { text.split(',').map(Into::into).collect() };
        let parse = |text: &str| format.parse_row(7, &row(text), &seed.municipalities, &seed.categories);

        let ok = parse("ＴＡＲＯ@docomo.ne.jp,112071;113620,disaster;event,no,ja,60代").unwrap();
        assert_eq!(ok.email.as_str(), "taro@docomo.ne.jp");
        assert_eq!(ok.municipalities.len(), 2);
        assert_eq!(ok.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>(), ["disaster", "event"]);
        assert_eq!(ok.monitor_age_band.as_deref(), Some("60代"));

        let emergency = parse("hanako@ezweb.ne.jp,113654,,yes,en,").unwrap();
        assert_eq!(emergency.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>(), ["disaster", "weather"]);
        assert_eq!(emergency.language, Lang::EN);
        let all = parse("all@example.jp,113654,,no,ja,").unwrap();
        assert_eq!(all.categories.len(), 6, "every public category, not the staff one");

        let errors = [
            ("not-an-address,112071,disaster,no,ja,", "email"),
            ("a@example.jp,131016,disaster,no,ja,", "municipalities"),
            ("a@example.jp,,disaster,no,ja,", "municipalities"),
            ("a@example.jp,112071,staff,no,ja,", "categories"),
            ("a@example.jp,112071,weather;fishing,no,ja,", "categories"),
            ("a@example.jp,112071,disaster,maybe,ja,", "emergency_only"),
            ("a@example.jp,112071,disaster,no,fr,", "language"),
        ];
        for (text, column) in errors {
            let error = parse(text).unwrap_err();
            assert_eq!((error.line, error.column), (7, column), "{text}: {error}");
        }
        assert!(ImportFormat::from_header(&row("email,municipalities")).unwrap_err().contains("categories"));
    }
}
