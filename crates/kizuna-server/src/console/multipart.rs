//! Uploads (`multipart/form-data`, RFC 7578) as the console receives them: the
//! gate has already read the whole body within the route's limit, so the parts
//! are cut out of it in memory. The same form sent urlencoded (a test, or a
//! form without a file) reads as parts without a file name.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// Parts read from one submission; the rest is ignored.
const MAX_PARTS: usize = 50;

/// One field of a form: a value, or a file with its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

/// A submitted form with files.
#[derive(Debug, Default, Clone)]
pub struct Upload(pub Vec<Part>);

impl Upload {
    /// The text of the first field `name`, or empty.
    pub fn text(&self, name: &str) -> &str {
        self.0.iter().find(|p| p.name == name).and_then(|p| std::str::from_utf8(&p.data).ok()).unwrap_or("")
    }

    /// The file given as `name`, if one was chosen (browsers send an empty part without a name otherwise).
    pub fn file(&self, name: &str) -> Option<&Part> {
        self.0.iter().find(|p| p.name == name && p.filename.as_deref().is_some_and(|f| !f.is_empty()))
    }

    /// Reads a body of either encoding; `None` when it says multipart but is not.
    pub fn read(content_type: &str, body: &[u8]) -> Option<Self> {
        match boundary(content_type) {
            Some(boundary) => parse(body, &boundary).map(Upload),
            None => Some(Upload(
                form_urlencoded::parse(body)
                    .take(MAX_PARTS)
                    .map(|(k, v)| Part { name: k.into_owned(), filename: None, data: v.into_owned().into_bytes() })
                    .collect(),
            )),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type =
            request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let bytes = Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        Upload::read(&content_type, &bytes).ok_or_else(|| axum::http::StatusCode::BAD_REQUEST.into_response())
    }
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    if !params.next()?.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim().eq_ignore_ascii_case("boundary").then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The parts of a body, or `None` when it is not well formed.
pub fn parse(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    if boundary.is_empty() || boundary.len() > 200 {
        return None;
    }
    let delimiter = format!("\r\n--{boundary}").into_bytes();
    // The first delimiter may open the body without the CRLF before it.
    let start = find(body, &delimiter[2..])?;
    let mut rest = &body[start + delimiter.len() - 2..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let head_end = find(rest, b"\r\n\r\n")?;
        let head = std::str::from_utf8(&rest[..head_end]).ok()?;
        let content = &rest[head_end + 4..];
        let end = find(content, &delimiter)?;
        if parts.len() < MAX_PARTS {
            let (name, filename) = disposition(head)?;
            parts.push(Part { name, filename, data: content[..end].to_vec() });
        }
        rest = &content[end + delimiter.len()..];
    }
}

/// The field name and file name of a part's `Content-Disposition`.
fn disposition(head: &str) -> Option<(String, Option<String>)> {
    let line = head.split("\r\n").find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    let (mut name, mut filename) = (None, None);
    for param in line.split(';').skip(1) {
        let Some((key, value)) = param.split_once('=') else { continue };
        let value = value.trim().trim_matches('"').to_owned();
        match key.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(value),
            "filename" => filename = Some(value),
            _ => {}
        }
    }
    Some((name?, filename))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browsers_upload_is_cut_into_its_fields_and_file() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.csv\"\r\n\
            Content-Type: text/csv\r\n\r\nemail\r\n\x82\xa0@example.jp\r\n\r\n--XyZ--\r\n";
        let upload = Upload::read("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(upload.text("csrf_token"), "abc");
        let file = upload.file("file").unwrap();
        assert_eq!(file.filename.as_deref(), Some("list.csv"));
        assert_eq!(file.data, b"email\r\n\x82\xa0@example.jp\r\n", "the bytes as sent, line breaks kept");
        assert!(upload.file("csrf_token").is_none());
    }

    #[test]
    fn an_empty_file_field_or_a_broken_body_is_no_file() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\n\r\n--b--";
        assert!(Upload::read("multipart/form-data; boundary=\"b\"", body).unwrap().file("file").is_none());
        assert!(Upload::read("multipart/form-data; boundary=b", b"--b\r\nno end").is_none());
        let form = Upload::read("application/x-www-form-urlencoded", b"csrf_token=t&skip=1").unwrap();
        assert_eq!((form.text("csrf_token"), form.text("skip")), ("t", "1"));
        assert_eq!(boundary("text/plain"), None);
    }
}
