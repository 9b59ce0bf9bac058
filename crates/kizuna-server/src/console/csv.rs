//! CSV downloads of the console (the dashboard's tables, the cost report, the
//! audit log): UTF-8 with a byte order mark, so that Excel — what every town
//! hall opens them with — reads Japanese correctly, CRLF line ends (RFC 4180),
//! and text that cannot turn into a formula when a spreadsheet opens it.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// A CSV file being written, row by row.
#[derive(Debug)]
pub struct Csv {
    text: String,
}

impl Default for Csv {
    fn default() -> Self {
        Self::new()
    }
}

impl Csv {
    pub fn new() -> Self {
        Self { text: String::from('\u{feff}') }
    }

    /// One row; each cell is quoted where it must be.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            self.text.push_str(&field(cell.as_ref()));
        }
        self.text.push_str("\r\n");
    }

    #[cfg(test)]
    fn into_string(self) -> String {
        self.text
    }

    /// The file as a download named `filename` (ASCII).
    pub fn download(self, filename: &str) -> Response {
        let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
        (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            self.text,
        )
            .into_response()
    }
}

/// A cell as CSV writes it. A text a spreadsheet would read as a formula
/// (`=`, `+`, `-`, `@`, a tab or a carriage return first) is kept as text with a
/// leading apostrophe; plain numbers, negative ones included, stay numbers.
fn field(cell: &str) -> String {
    let number =
        !cell.is_empty() && cell.strip_prefix('-').unwrap_or(cell).chars().all(|c| c.is_ascii_digit() || c == '.');
    let guarded = if !number && cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) { format!("\"{}\"", guarded.replace('"', "\"\"")) } else { guarded }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        let mut csv = Csv::new();
        csv.row(["秩父市", "75,000", "a \"quoted\" name", "=HYPERLINK(\"x\")", "-5", "two\nlines"]);
        assert_eq!(
            csv.into_string(),
            "\u{feff}秩父市,\"75,000\",\"a \"\"quoted\"\" name\",\"'=HYPERLINK(\"\"x\"\")\",-5,\"two\nlines\"\r\n"
        );
    }
}
