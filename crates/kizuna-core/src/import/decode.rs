//! Which encoding an uploaded list is in. Excel saves "CSV UTF-8" with a byte
//! order mark and plain "CSV" in the office's code page, Shift_JIS (Windows-31J
//! on Japanese Windows); "Unicode text" is UTF-16 with a byte order mark.

use encoding_rs::{SHIFT_JIS, UTF_16BE, UTF_16LE};

use super::ListError;

/// The encoding a list was read in, for the preview to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16,
    ShiftJis,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16 => "UTF-16",
            TextEncoding::ShiftJis => "Shift_JIS",
        }
    }
}

/// The text of an uploaded file. UTF-8 is tried first: a Shift_JIS file of
/// Japanese text is almost never valid UTF-8, while the reverse often decodes to
/// nonsense, so the order decides ambiguous files the right way. Nothing is
/// replaced: a byte that fits neither encoding refuses the whole file rather
/// than importing a damaged address.
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), ListError> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return String::from_utf8(rest.to_vec()).map(|t| (t, TextEncoding::Utf8)).map_err(|_| ListError::NotText);
    }
    let utf16 = match bytes {
        [0xff, 0xfe, rest @ ..] => Some(UTF_16LE.decode_without_bom_handling_and_without_replacement(rest)),
        [0xfe, 0xff, rest @ ..] => Some(UTF_16BE.decode_without_bom_handling_and_without_replacement(rest)),
        _ => None,
    };
    if let Some(text) = utf16 {
        return text.map(|t| (t.into_owned(), TextEncoding::Utf16)).ok_or(ListError::NotText);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), TextEncoding::Utf8));
    }
    SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| (t.into_owned(), TextEncoding::ShiftJis))
        .ok_or(ListError::NotText)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_or_without_a_bom_shift_jis_and_utf16_are_read() {
        let text = "email,language\r\ntaro@example.jp,ja\r\n# 秩父市・横瀬町\r\n";
        assert_eq!(decode(text.as_bytes()).unwrap(), (text.to_owned(), TextEncoding::Utf8));
        let bom = [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&bom).unwrap(), (text.to_owned(), TextEncoding::Utf8));
        let (sjis, _, _) = SHIFT_JIS.encode(text);
        assert_ne!(sjis.as_ref(), text.as_bytes());
        assert_eq!(decode(&sjis).unwrap(), (text.to_owned(), TextEncoding::ShiftJis));
        // Windows-31J's extensions, which Excel writes: ① and ㈱.
        let (extended, _, _) = SHIFT_JIS.encode("①㈱髙");
        assert_eq!(decode(&extended).unwrap().0, "①㈱髙");
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16).unwrap(), (text.to_owned(), TextEncoding::Utf16));
    }

    #[test]
    fn bytes_of_no_known_encoding_are_refused_whole() {
        assert_eq!(decode(b"taro@example.jp,\x82\xff\xfd"), Err(ListError::NotText));
        assert_eq!(decode(b"\xef\xbb\xbf\x82\xa0"), Err(ListError::NotText));
    }
}
