//! Printable A4 registration posters: a municipality's name, a QR code for the web
//! form and one for empty-mail registration, and how to let the mail through the
//! carriers' spam filters (指定受信).

use std::fmt::Write as _;

use askama::Template;
use kizuna_core::consortium::Municipality;
use kizuna_core::{Lang, MunicipalityCode};
use qrcode::{Color, EcLevel, QrCode};

use crate::state::AppState;
use crate::texts::PageText;

#[derive(Debug, thiserror::Error)]
pub enum PosterError {
    #[error("no such municipality")]
    UnknownMunicipality,
    #[error("the text cannot be put in a QR code: {0}")]
    Qr(#[from] qrcode::types::QrError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
}

/// `/register?source=web_qr&municipality=CODE` on the public site: the source tells
/// the registration form (and the statistics) that the resident came from a poster.
pub fn register_url(base_url: &str, code: &MunicipalityCode) -> String {
    format!("{}/register?source=web_qr&municipality={code}", base_url.trim_end_matches('/'))
}

/// The address an empty mail goes to; the `+CODE` names the poster's municipality.
pub fn register_address(code: &MunicipalityCode, mail_domain: &str) -> String {
    format!("touroku+{code}@{mail_domain}")
}

/// A QR code as a square of modules, dark or light, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    pub data: String,
    /// Modules per side, without the quiet zone.
    pub width: usize,
    /// QR version 1–40: size grows by four modules per version.
    pub version: i16,
    dark: Vec<bool>,
}

/// Light modules a reader needs around the code (ISO/IEC 18004 asks for four).
const QUIET_ZONE: usize = 4;

impl QrMatrix {
    /// Encodes with error correction level M: 15 % of the code may be lost to a
    /// crease or a smudge on a printed poster and it still reads.
    pub fn encode(data: &str) -> Result<Self, PosterError> {
        let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)?;
        let version = match code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        };
        let dark = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
        Ok(Self { data: data.to_owned(), width: code.width(), version, dark })
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// Modules per side with the quiet zone: the `viewBox` size of [`Self::svg_path`].
    pub fn size(&self) -> usize {
        self.width + 2 * QUIET_ZONE
    }

    /// An SVG path drawing the dark modules in module units, quiet zone included;
    /// each horizontal run of dark modules is one rectangle.
    pub fn svg_path(&self) -> String {
        let mut path = String::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.width && self.is_dark(x, y) {
                    x += 1;
                }
                let run = x - start;
                let _ = write!(path, "M{} {}h{run}v1h-{run}z", start + QUIET_ZONE, y + QUIET_ZONE);
            }
        }
        path
    }
}

#[derive(Template)]
#[template(path = "poster.svg")]
struct PosterSvg<'a> {
    lang: &'static str,
    town: &'a str,
    consortium: &'a str,
    web_url: &'a str,
    address: &'a str,
    mail_domain: &'a str,
    privacy_url: &'a str,
    web_qr: &'a QrMatrix,
    mail_qr: &'a QrMatrix,
}

impl PosterSvg<'_> {
    /// A text of the server's catalog in the poster's language.
    fn t<'b>(&self, key: &'static str) -> PageText<'b> {
        PageText::new(self.lang, key)
    }
}

/// The registration poster of one municipality as an A4 SVG document in
/// Japanese: it is printed for the municipality's notice boards, and its lines
/// are measured for Japanese text.
pub fn register_poster(
    municipality: &Municipality,
    consortium_ja: &str,
    base_url: &str,
    mail_domain: &str,
) -> Result<String, PosterError> {
    let web_url = register_url(base_url, &municipality.code);
    let address = register_address(&municipality.code, mail_domain);
    let web_qr = QrMatrix::encode(&web_url)?;
    let mail_qr = QrMatrix::encode(&format!("mailto:{address}"))?;
    let poster = PosterSvg {
        lang: Lang::JA.as_str(),
        town: &municipality.name_ja,
        consortium: consortium_ja,
        web_url: &web_url,
        address: &address,
        mail_domain,
        privacy_url: &format!("{}/privacy", base_url.trim_end_matches('/')),
        web_qr: &web_qr,
        mail_qr: &mail_qr,
    };
    Ok(poster.render()?)
}

/// The poster of a municipality of the region, for the configured site and mail domain.
pub fn for_municipality(state: &AppState, code: &MunicipalityCode) -> Result<String, PosterError> {
    let directory = state.directory.current();
    let municipality = directory.municipality(code.as_str()).ok_or(PosterError::UnknownMunicipality)?;
    let consortium = directory.consortium_name(Lang::JA);
    register_poster(municipality, consortium, &state.settings.base_url, &state.settings.mail_domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> MunicipalityCode {
        MunicipalityCode::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_codes_carry_the_registration_url_and_address_of_the_town() {
        assert_eq!(
            register_url("https://anshin.example.jp/", &code("113611")),
            "https://anshin.example.jp/register?source=web_qr&municipality=113611"
        );
        assert_eq!(register_address(&code("113611"), "anshin.example.jp"), "touroku+113611@anshin.example.jp");
    }

    #[test]
    fn a_qr_matrix_has_the_size_its_version_says() -> Result<(), PosterError> {
        let url = "https://anshin.example.jp/register?source=web_qr&municipality=113611";
        let qr = QrMatrix::encode(url)?;
        assert_eq!(qr.data, url);
        assert_eq!(qr.width, 17 + 4 * usize::try_from(qr.version).unwrap_or_default());
        // 68 bytes at level M need version 5 (up to 84 bytes); a bigger code prints smaller modules.
        assert_eq!(qr.version, 5);
        // Finder patterns: the three corners are dark, the fourth is not a finder.
        assert!(qr.is_dark(0, 0) && qr.is_dark(qr.width - 1, 0) && qr.is_dark(0, qr.width - 1));
        assert!(!qr.is_dark(7, 7), "the separator around the top-left finder is light");
        Ok(())
    }

    #[test]
    fn the_svg_path_draws_exactly_the_dark_modules() -> Result<(), PosterError> {
        let qr = QrMatrix::encode("mailto:touroku+113611@anshin.example.jp")?;
        let path = qr.svg_path();
        let mut drawn = vec![false; qr.size() * qr.size()];
        for part in path.split('M').filter(|p| !p.is_empty()) {
            let (xy, rest) = part.split_once('h').unwrap_or_default();
            let (x, y) = xy.split_once(' ').unwrap_or_default();
            let run = rest.split_once('v').unwrap_or_default().0;
            let (x, y, run): (usize, usize, usize) =
                (x.parse().unwrap_or_default(), y.parse().unwrap_or_default(), run.parse().unwrap_or_default());
            for dx in 0..run {
                drawn[y * qr.size() + x + dx] = true;
            }
        }
        for y in 0..qr.size() {
            for x in 0..qr.size() {
                let expected = x >= QUIET_ZONE && y >= QUIET_ZONE && qr.is_dark(x - QUIET_ZONE, y - QUIET_ZONE);
                assert_eq!(drawn[y * qr.size() + x], expected, "module {x},{y}");
            }
        }
        Ok(())
    }
}
