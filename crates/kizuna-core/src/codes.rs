//! Official codes: local government codes, JMA area codes and category keys.

use std::fmt;

use thiserror::Error;

use crate::lang::{Explain, Lang};
use crate::texts;

/// 全国地方公共団体コード: five digits and a mod-11 check digit.
/// Serialises as its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct MunicipalityCode(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodeError {
    #[error("a local government code has exactly 6 digits: {0:?}")]
    MunicipalityShape(String),
    #[error("the check digit of local government code {0} is wrong")]
    MunicipalityCheckDigit(String),
    #[error("a JMA area code has exactly 7 digits: {0:?}")]
    JmaAreaShape(String),
    #[error("a category key is 1 to 32 lower-case letters, digits or '_': {0:?}")]
    CategoryKeyShape(String),
}

impl Explain for CodeError {
    fn explain(&self, lang: Lang) -> String {
        // `input` is quoted as the Display text quotes it, so both read alike.
        let (key, input) = match self {
            CodeError::MunicipalityShape(input) => ("code-error-municipality-shape", format!("{input:?}")),
            CodeError::MunicipalityCheckDigit(input) => ("code-error-municipality-check-digit", input.clone()),
            CodeError::JmaAreaShape(input) => ("code-error-jma-area", format!("{input:?}")),
            CodeError::CategoryKeyShape(input) => ("code-error-category-key", format!("{input:?}")),
        };
        texts::format(lang, key, &[("input", input.into())]).into_owned()
    }
}

impl MunicipalityCode {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let code = input.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::MunicipalityShape(input.to_owned()));
        }
        let digits: Vec<u32> = code.bytes().map(|b| u32::from(b - b'0')).collect();
        let weighted: u32 = digits[..5].iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
        let check = (11 - weighted % 11) % 10;
        if digits[5] != check {
            return Err(CodeError::MunicipalityCheckDigit(code.to_owned()));
        }
        Ok(Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// 気象庁防災情報XML「市町村等」code: 7 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JmaAreaCode(String);

impl JmaAreaCode {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let code = input.trim();
        if code.len() != 7 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError::JmaAreaShape(input.to_owned()));
        }
        Ok(Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JmaAreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `key` of a notice category, as in `consortium.toml` (`disaster`, `weather`, …).
/// Serialises as its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct CategoryKey(String);

impl CategoryKey {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let key = input.trim();
        let shaped = (1..=32).contains(&key.len())
            && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !shaped {
            return Err(CodeError::CategoryKeyShape(input.to_owned()));
        }
        Ok(Self(key.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CategoryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_consortium_codes_pass_their_check_digit() {
        for code in ["112071", "113611", "113620", "113638", "113654"] {
            assert_eq!(MunicipalityCode::parse(code).map(|c| c.to_string()), Ok(code.to_owned()));
        }
    }

    #[test]
    fn a_wrong_check_digit_or_shape_is_refused() {
        assert_eq!(MunicipalityCode::parse("112072"), Err(CodeError::MunicipalityCheckDigit("112072".into())));
        for bad in ["11207", "1120711", "11207a", "", "１１２０７１"] {
            assert!(matches!(MunicipalityCode::parse(bad), Err(CodeError::MunicipalityShape(_))), "{bad}");
        }
    }

    #[test]
    fn other_known_codes_check_out() {
        // 東京都千代田区 131016, 札幌市 011002, 埼玉県 110001
        for code in ["131016", "011002", "110001"] {
            assert!(MunicipalityCode::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn jma_area_codes_have_seven_digits() {
        assert!(JmaAreaCode::parse("1120700").is_ok());
        assert!(JmaAreaCode::parse("112070").is_err());
        assert!(JmaAreaCode::parse("11207OO").is_err());
    }

    #[test]
    fn category_keys_are_plain_identifiers() {
        assert!(CategoryKey::parse("disaster").is_ok());
        assert!(CategoryKey::parse("Disaster").is_err());
        assert!(CategoryKey::parse("dis aster").is_err());
        assert!(CategoryKey::parse("").is_err());
    }
}

/// Lets a code be compared with the text it was parsed from (`code == "112071"`).
macro_rules! compares_with_str {
    ($($type:ty),*) => {$(
        impl PartialEq<str> for $type {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $type {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    )*};
}
pub(crate) use compares_with_str;

compares_with_str!(MunicipalityCode, JmaAreaCode, CategoryKey);
