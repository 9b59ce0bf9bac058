//! Checks on untrusted report text before the real parser sees it: size, DOCTYPE and
//! entity declarations, unknown entity references and nesting depth.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::JmaError;

/// Limits on a report's text. JMA's largest reports of the kinds Kizuna reads stay well
/// under a megabyte; their elements nest about a dozen deep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JmaLimits {
    /// Reports of a handled type larger than this are refused.
    pub max_bytes: usize,
    /// Elements nested deeper than this are refused.
    pub max_depth: usize,
    /// How much of an over-sized report is read to learn its type, so that a large
    /// report of a type Kizuna ignores is skipped rather than refused.
    pub head_bytes: usize,
}

impl Default for JmaLimits {
    fn default() -> Self {
        Self { max_bytes: 5 * 1024 * 1024, max_depth: 32, head_bytes: 64 * 1024 }
    }
}

/// What the scan learned: the report's `Control/Title` and `Control/Status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Scanned {
    pub title: String,
    pub status: Option<String>,
}

/// Reads the whole text, refusing what a JMA report never contains.
pub(super) fn scan(text: &str, limits: &JmaLimits) -> Result<Scanned, JmaError> {
    walk(text, limits, false)?.ok_or_else(|| JmaError::NotJmaReport("no Control/Title".into()))
}

/// Reads only the start of an over-sized text, far enough to find its title.
pub(super) fn scan_head(text: &str, limits: &JmaLimits) -> Result<Option<Scanned>, JmaError> {
    let mut end = limits.head_bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    walk(&text[..end], limits, true)
}

fn walk(text: &str, limits: &JmaLimits, partial: bool) -> Result<Option<Scanned>, JmaError> {
    if text.trim().is_empty() {
        return Err(JmaError::Empty);
    }
    let mut reader = Reader::from_str(text);
    reader.config_mut().enable_all_checks(true);
    let mut path: Vec<String> = Vec::new();
    let mut seen_root = false;
    let mut title: Option<String> = None;
    let mut status: Option<String> = None;
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            // A truncated head ends mid-element; what was read before that is enough.
            Err(_) if partial => break,
            Err(error) => {
                return Err(JmaError::Malformed(format!("at byte {}: {error}", reader.error_position())));
            }
        };
        match event {
            Event::DocType(_) => return Err(JmaError::Doctype),
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                if path.is_empty() {
                    if seen_root {
                        return Err(JmaError::Malformed("more than one root element".into()));
                    }
                    if name != "Report" {
                        return Err(JmaError::NotJmaReport(format!("root element is <{name}>, not <Report>")));
                    }
                    seen_root = true;
                }
                path.push(name);
                if path.len() > limits.max_depth {
                    return Err(JmaError::TooDeep { max: limits.max_depth });
                }
            }
            Event::Empty(start) => {
                if path.is_empty() {
                    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                    return Err(JmaError::NotJmaReport(format!("root element is an empty <{name}/>")));
                }
                if path.len() + 1 > limits.max_depth {
                    return Err(JmaError::TooDeep { max: limits.max_depth });
                }
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Text(content) => {
                if path.is_empty() && !content.iter().all(u8::is_ascii_whitespace) {
                    return Err(JmaError::NotJmaReport("text outside the root element".into()));
                }
                let field = match path.as_slice() {
                    [report, control, field] if report == "Report" && control == "Control" => Some(field.as_str()),
                    _ => None,
                };
                let value = || content.decode().map(|text| text.trim().to_owned()).unwrap_or_default();
                match field {
                    Some("Title") if title.is_none() => title = Some(value()),
                    Some("Status") if status.is_none() => status = Some(value()),
                    _ => {}
                }
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().map(|name| name.into_owned()).unwrap_or_default();
                let predefined = matches!(name.as_str(), "lt" | "gt" | "amp" | "quot" | "apos");
                if !predefined && !name.starts_with('#') {
                    return Err(JmaError::UnknownEntity(name.chars().take(40).collect()));
                }
            }
            Event::Eof => break,
            Event::CData(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
        if partial && title.is_some() && status.is_some() {
            break;
        }
    }
    if !seen_root {
        return Err(JmaError::NotJmaReport("no root element".into()));
    }
    if !partial && !path.is_empty() {
        return Err(JmaError::Malformed(format!("<{}> is never closed", path.join("/"))));
    }
    Ok(title.map(|title| Scanned { title, status }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "<?xml version=\"1.0\"?><Report><Control><Title>震度速報</Title>\
        <Status>通常</Status></Control><Head/></Report>";

    #[test]
    fn a_plain_report_yields_its_title_and_status() {
        let scanned = scan(SMALL, &JmaLimits::default());
        assert_eq!(scanned, Ok(Scanned { title: "震度速報".into(), status: Some("通常".into()) }));
    }

    #[test]
    fn billion_laughs_is_refused_before_any_expansion() {
        let mut xml = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE Report [\n<!ENTITY lol \"lol\">\n");
        for level in 1..10 {
            let previous = if level == 1 { "lol".to_owned() } else { format!("lol{}", level - 1) };
            xml.push_str(&format!("<!ENTITY lol{level} \"{}\">\n", format!("&{previous};").repeat(10)));
        }
        xml.push_str("]>\n<Report><Control><Title>&lol9;</Title></Control></Report>");
        assert_eq!(scan(&xml, &JmaLimits::default()), Err(JmaError::Doctype));
        assert_eq!(scan_head(&xml, &JmaLimits::default()), Err(JmaError::Doctype));
    }

    #[test]
    fn an_undeclared_entity_is_refused() {
        let xml = SMALL.replace("震度速報", "&xxe;");
        assert_eq!(scan(&xml, &JmaLimits::default()), Err(JmaError::UnknownEntity("xxe".into())));
        let fine = SMALL.replace("震度速報", "震度&amp;速報&#x41;");
        assert!(scan(&fine, &JmaLimits::default()).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let depth = 10_000;
        let xml = format!("<Report>{}{}</Report>", "<a>".repeat(depth), "</a>".repeat(depth));
        assert_eq!(scan(&xml, &JmaLimits::default()), Err(JmaError::TooDeep { max: 32 }));
        let empty_at_limit = format!("<Report>{}<b/>{}</Report>", "<a>".repeat(31), "</a>".repeat(31));
        assert_eq!(scan(&empty_at_limit, &JmaLimits::default()), Err(JmaError::TooDeep { max: 32 }));
    }

    #[test]
    fn text_that_is_not_a_jma_report_is_refused() {
        let limits = JmaLimits::default();
        assert_eq!(scan("", &limits), Err(JmaError::Empty));
        assert!(matches!(scan("just some words", &limits), Err(JmaError::NotJmaReport(_))));
        assert!(matches!(scan("{\"json\": true}", &limits), Err(JmaError::NotJmaReport(_))));
        assert!(matches!(scan("<html><body/></html>", &limits), Err(JmaError::NotJmaReport(_))));
        assert!(matches!(scan("<Report><Control></Report>", &limits), Err(JmaError::Malformed(_))));
        assert!(matches!(scan("<Report><Control>", &limits), Err(JmaError::Malformed(_))));
        assert!(matches!(scan("<Report></Report><Report></Report>", &limits), Err(JmaError::Malformed(_))));
        assert!(matches!(scan("<Report><Head/></Report>", &limits), Err(JmaError::NotJmaReport(_))));
    }

    #[test]
    fn the_head_of_a_long_report_is_enough_to_know_its_title() {
        let long = SMALL.replace("<Head/>", &format!("<Head>{}</Head>", "x".repeat(200_000)));
        let limits = JmaLimits { head_bytes: 1000, ..JmaLimits::default() };
        let head = scan_head(&long, &limits);
        assert_eq!(head.map(|h| h.map(|s| s.title)), Ok(Some("震度速報".into())));
    }
}
