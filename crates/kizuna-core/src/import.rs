//! Bringing in an existing registrant list (CSV): the file's encoding, its
//! records, and each row as a subscriber with choices or a reason it was
//! rejected — the same rules for the command line and the console. Also the
//! other direction: cells written so that Excel opens an export as it was meant.

use std::borrow::Cow;
use std::fmt;

use crate::codes::{CategoryKey, CodeError, MunicipalityCode};
use crate::consortium::{Category, Municipality};
use crate::email::{EmailAddress, EmailError};
use crate::lang::{Explain, Lang};
use crate::staff::Scope;
use crate::survey::AgeBand;
use crate::texts;

mod decode;

pub use decode::{TextEncoding, decode};

/// The header every list starts with (`monitor_age_band` may be left out).
pub const HEADER: &str = "email,municipalities,categories,emergency_only,language,monitor_age_band";

/// Why a whole list cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    #[error("the file is neither UTF-8 nor Shift_JIS text; save it from Excel as \"CSV UTF-8\" or \"CSV\"")]
    NotText,
    #[error("the file is empty")]
    Empty,
    #[error("line {line}: a quoted field is not closed")]
    UnclosedQuote { line: usize },
    #[error("the header lacks {}; expected email,municipalities,categories,emergency_only,language[,monitor_age_band]", .0.join(", "))]
    MissingColumns(Vec<&'static str>),
}

impl Explain for ListError {
    fn explain(&self, lang: Lang) -> String {
        match self {
            ListError::NotText => texts::text(lang, "import-error-not-text").into_owned(),
            ListError::Empty => texts::text(lang, "import-error-empty").into_owned(),
            ListError::UnclosedQuote { line } => {
                texts::format(lang, "import-error-unclosed-quote", &[("line", (*line).into())]).into_owned()
            }
            ListError::MissingColumns(columns) => {
                texts::format(lang, "import-error-missing-columns", &[("columns", columns.join(", ").into())])
                    .into_owned()
            }
        }
    }
}

/// Splits CSV text (RFC 4180: commas, double quotes, `""` inside quotes, CRLF or
/// LF) into records, each with the line number it starts on.
pub fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, ListError> {
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
        return Err(ListError::UnclosedQuote { line: start_line });
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
    /// Enrols the resident in the monitor panel.
    pub monitor_age_band: Option<AgeBand>,
}

/// What is wrong with one cell of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    Email(EmailError),
    Code(CodeError),
    NotAMember(MunicipalityCode),
    /// A municipality the importing staff member does not act for.
    OutsideScope(MunicipalityCode),
    NoMunicipality,
    NotACategory(CategoryKey),
    StaffOnly(CategoryKey),
    NotYesOrNo(String),
    NotALanguage(String),
    AgeBand,
}

impl RowProblem {
    fn key(&self) -> &'static str {
        match self {
            RowProblem::Email(_) | RowProblem::Code(_) => "",
            RowProblem::NotAMember(_) => "import-error-not-a-member",
            RowProblem::OutsideScope(_) => "import-error-outside-scope",
            RowProblem::NoMunicipality => "import-error-no-municipality",
            RowProblem::NotACategory(_) => "import-error-not-a-category",
            RowProblem::StaffOnly(_) => "import-error-staff-only",
            RowProblem::NotYesOrNo(_) => "import-error-not-yes-or-no",
            RowProblem::NotALanguage(_) => "import-error-not-a-language",
            RowProblem::AgeBand => "import-error-age-band",
        }
    }
}

impl Explain for RowProblem {
    fn explain(&self, lang: Lang) -> String {
        let value: String = match self {
            RowProblem::Email(error) => return error.explain(lang),
            RowProblem::Code(error) => return error.explain(lang),
            RowProblem::NotAMember(code) | RowProblem::OutsideScope(code) => code.to_string(),
            RowProblem::NotACategory(key) | RowProblem::StaffOnly(key) => key.to_string(),
            RowProblem::NotYesOrNo(value) | RowProblem::NotALanguage(value) => value.clone(),
            RowProblem::NoMunicipality | RowProblem::AgeBand => String::new(),
        };
        texts::format(lang, self.key(), &[("value", value.into())]).into_owned()
    }
}

/// In English, as the command line reports it.
impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowProblem::Email(error) => write!(f, "{error}"),
            RowProblem::Code(error) => write!(f, "{error}"),
            RowProblem::NotAMember(code) => write!(f, "{code} is not a member of the consortium"),
            RowProblem::OutsideScope(code) => write!(f, "{code} is not a municipality you act for"),
            RowProblem::NoMunicipality => f.write_str("no municipality given"),
            RowProblem::NotACategory(key) => write!(f, "{key} is not a category"),
            RowProblem::StaffOnly(key) => write!(f, "{key} is for staff only; use `subscribers set-staff`"),
            RowProblem::NotYesOrNo(value) => write!(f, "{value:?} is not true or false"),
            RowProblem::NotALanguage(value) => write!(f, "{value:?} is not ja or en"),
            RowProblem::AgeBand => f.write_str("not an age band (under-20, 20-29 … 80+, or 10代 … 80代以上)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {column}: {problem}")]
pub struct RowError {
    pub line: usize,
    pub column: &'static str,
    pub problem: RowProblem,
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

/// What a list is read against: the consortium's members and categories, and
/// the municipalities the person importing acts for.
pub struct ImportRules<'a> {
    pub members: &'a [Municipality],
    pub categories: &'a [Category],
    pub scope: &'a Scope,
}

impl ImportFormat {
    pub fn from_header(header: &[String]) -> Result<Self, ListError> {
        let find = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
        let missing: Vec<&'static str> = REQUIRED.iter().copied().filter(|name| find(name).is_none()).collect();
        if !missing.is_empty() {
            return Err(ListError::MissingColumns(missing));
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

    /// Parses one row against the rules. An empty `categories` means every
    /// public category; emergency-only residents get the emergency categories
    /// whatever the column says.
    pub fn parse_row(
        &self,
        line: usize,
        row: &[String],
        rules: &ImportRules<'_>,
    ) -> Result<ImportedSubscriber, RowError> {
        let cell = |i: usize| row.get(i).map(|v| from_excel(v.trim())).unwrap_or("");
        let fail = |column, problem: RowProblem| RowError { line, column, problem };
        let email = EmailAddress::parse(cell(self.email)).map_err(|e| fail("email", RowProblem::Email(e)))?;
        let mut municipalities = Vec::new();
        for code in cell(self.municipalities).split(';').map(str::trim).filter(|c| !c.is_empty()) {
            let code = MunicipalityCode::parse(code).map_err(|e| fail("municipalities", RowProblem::Code(e)))?;
            if !rules.members.iter().any(|m| m.code == code) {
                return Err(fail("municipalities", RowProblem::NotAMember(code)));
            }
            if !rules.scope.covers(&code) {
                return Err(fail("municipalities", RowProblem::OutsideScope(code)));
            }
            if !municipalities.contains(&code) {
                municipalities.push(code);
            }
        }
        if municipalities.is_empty() {
            return Err(fail("municipalities", RowProblem::NoMunicipality));
        }
        let emergency_only = match cell(self.emergency_only).to_ascii_lowercase().as_str() {
            "" | "0" | "false" | "no" | "n" => false,
            "1" | "true" | "yes" | "y" => true,
            other => return Err(fail("emergency_only", RowProblem::NotYesOrNo(other.to_owned()))),
        };
        let categories = rules.categories;
        let chosen: Vec<CategoryKey> = if emergency_only {
            categories.iter().filter(|c| c.emergency && !c.restricted).map(|c| c.key.clone()).collect()
        } else if cell(self.categories).is_empty() {
            categories.iter().filter(|c| !c.restricted).map(|c| c.key.clone()).collect()
        } else {
            let mut chosen = Vec::new();
            for key in cell(self.categories).split(';').map(str::trim).filter(|k| !k.is_empty()) {
                let key = CategoryKey::parse(key).map_err(|e| fail("categories", RowProblem::Code(e)))?;
                match categories.iter().find(|c| c.key == key) {
                    None => return Err(fail("categories", RowProblem::NotACategory(key))),
                    Some(c) if c.restricted => return Err(fail("categories", RowProblem::StaffOnly(key))),
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
                None => return Err(fail("language", RowProblem::NotALanguage(tag.to_owned()))),
            },
        };
        let monitor_age_band = match self.monitor_age_band.map(cell).filter(|v| !v.is_empty()) {
            None => None,
            Some(band) => Some(AgeBand::parse(band).ok_or_else(|| fail("monitor_age_band", RowProblem::AgeBand))?),
        };
        Ok(ImportedSubscriber { email, municipalities, categories: chosen, emergency_only, language, monitor_age_band })
    }
}

/// A list read whole: every row accepted or rejected, in the file's order.
#[derive(Debug, Default)]
pub struct ParsedList {
    /// Records after the header.
    pub total: usize,
    /// Accepted rows with their line numbers.
    pub rows: Vec<(usize, ImportedSubscriber)>,
    pub rejected: Vec<RowError>,
}

/// Reads a list's text: its header, then each row against the rules.
pub fn read_list(text: &str, rules: &ImportRules<'_>) -> Result<ParsedList, ListError> {
    let mut records = parse_csv(text)?.into_iter();
    let (_, header) = records.next().ok_or(ListError::Empty)?;
    let format = ImportFormat::from_header(&header)?;
    let mut list = ParsedList::default();
    for (line, record) in records {
        list.total += 1;
        match format.parse_row(line, &record, rules) {
            Ok(row) => list.rows.push((line, row)),
            Err(error) => list.rejected.push(error),
        }
    }
    Ok(list)
}

/// Excel runs a cell that starts with one of these as a formula, so an export
/// writes such a cell with a leading `'` (an address may legally start with
/// `=`, `+` or `-`, and `|` and `!` are allowed after it: a DDE payload).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as an export writes it: guarded against formulas, and quoted when it
/// holds a comma, a quote or a line break.
pub fn csv_cell(value: &str) -> Cow<'_, str> {
    let guarded: Cow<'_, str> =
        if value.starts_with(FORMULA_START) { Cow::Owned(format!("'{value}")) } else { Cow::Borrowed(value) };
    if guarded.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", guarded.replace('"', "\"\"")))
    } else {
        guarded
    }
}

/// A cell as read back: the `'` an export put before a formula-like cell is
/// dropped, so an exported list imports again as it was.
fn from_excel(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
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
        let rules = ImportRules {
            members: &seed.municipalities,
            categories: &seed.categories,
            scope: &Scope::AllMunicipalities,
        };
        let parse = |text: &str| format.parse_row(7, &row(text), &rules);

        let ok = parse("ＴＡＲＯ@docomo.ne.jp,112071;113620,disaster;event,no,ja,60代").unwrap();
        assert_eq!(ok.email.as_str(), "taro@docomo.ne.jp");
        assert_eq!(ok.municipalities.len(), 2);
        assert_eq!(ok.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>(), ["disaster", "event"]);
        assert_eq!(ok.monitor_age_band, Some(AgeBand::Sixties));

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
            ("a@example.jp,112071,disaster,no,ja,60代 女性", "monitor_age_band"),
        ];
        for (text, column) in errors {
            let error = parse(text).unwrap_err();
            assert_eq!((error.line, error.column), (7, column), "{text}: {error}");
        }
        let missing = ImportFormat::from_header(&row("email,municipalities")).unwrap_err();
        assert!(missing.to_string().contains("categories"), "{missing}");
        assert!(missing.explain(Lang::JA).contains("categories"), "{}", missing.explain(Lang::JA));
        let staff_only = parse("a@example.jp,112071,staff,no,ja,").unwrap_err();
        assert!(staff_only.problem.explain(Lang::JA).contains("staff"), "the reason names the value");
        assert!(staff_only.to_string().starts_with("line 7: categories: staff is for staff only"), "{staff_only}");
    }

    #[test]
    fn a_municipality_admin_imports_only_into_their_municipality() {
        let seed = ConsortiumSeed::chichibu().unwrap();
        let yokoze = Scope::Municipality(MunicipalityCode::parse("113611").unwrap());
        let rules = ImportRules { members: &seed.municipalities, categories: &seed.categories, scope: &yokoze };
        let text = format!(
            "{HEADER}\r\nmine@example.jp,113611,,no,ja,\r\nboth@example.jp,113611;112071,,no,ja,\r\n\r\n\
             '=cmd@example.jp,113611,,no,ja,\r\n"
        );
        let list = read_list(&text, &rules).unwrap();
        assert_eq!(list.total, 3);
        assert_eq!(
            list.rows.iter().map(|(line, row)| (*line, row.email.as_str())).collect::<Vec<_>>(),
            [(2, "mine@example.jp"), (5, "=cmd@example.jp")]
        );
        let [error] = list.rejected.as_slice() else { panic!("one rejected row: {:?}", list.rejected) };
        assert_eq!((error.line, error.column), (3, "municipalities"));
        assert_eq!(error.problem, RowProblem::OutsideScope(MunicipalityCode::parse("112071").unwrap()));
        assert!(error.problem.explain(Lang::JA).contains("112071"));
        assert_eq!(read_list("", &rules).unwrap_err(), ListError::Empty);
    }

    #[test]
    fn export_cells_are_quoted_and_never_run_as_formulas_yet_read_back_as_they_were() {
        assert_eq!(csv_cell("taro@example.jp"), "taro@example.jp");
        assert_eq!(csv_cell("112071;113611"), "112071;113611");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=cmd|'/Ccalc'!A0@example.jp"), "'=cmd|'/Ccalc'!A0@example.jp");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(from_excel("'=cmd@example.jp"), "=cmd@example.jp");
        assert_eq!(from_excel("'taro@example.jp"), "'taro@example.jp", "an apostrophe that guards nothing is data");
    }
}
