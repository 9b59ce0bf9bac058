//! ISO-2022-JP for old phones: text cut down to JIS X 0208 (rows 1–8 and 16–84)
//! and written with escape sequences, for bodies and RFC 2047 headers.
//!
//! Old phones know only the 6,879 characters of JIS X 0208. Vendor extensions
//! (NEC row 13 with ①, ㈱; the IBM kanji rows 89–92 with 髙, 﨑) show as garbage
//! or make the phone drop the mail, so they never leave here: the encoder's table
//! is built from the allowed rows only, and everything else is first turned into
//! an equivalent that is in them.
//!
//! What cannot be turned into JIS X 0208:
//! - emoji, pictographs, variation selectors, joiners, private-use characters and
//!   stray combining marks are **removed**: they decorate, and a marker in their
//!   place would only add noise to the sentence;
//! - any other character (a rare kanji such as 𩸽, Hangul, most accented letters
//!   that have no plain base letter) becomes **〓** (geta, 0x222E), the mark that
//!   Japanese print and phones use for "a character that could not be shown", so
//!   the reader knows a name or word is incomplete instead of reading a wrong one.

use std::sync::LazyLock;

use encoding_rs::EUC_JP;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use crate::message::push_base64;

const ESC_JIS_X0208: &[u8; 3] = b"\x1b$B";
const ESC_ASCII: &[u8; 3] = b"\x1b(B";

/// RFC 5322 §2.1.1: no line longer than 998 octets without its CRLF.
pub const MAX_LINE_OCTETS: usize = 998;

/// Raw bytes per encoded word: 36 bytes are 48 base64 characters, so a word is
/// 66 characters and even `Subject: ` plus the first word stays within the 76
/// characters RFC 2047 §2 allows per line.
const WORD_RAW_OCTETS: usize = 36;

/// The mark for a character that could not be shown (〓, JIS 0x222E).
const GETA: char = '\u{3013}';

/// Whether a JIS X 0208 row may be sent: rows 1–8 (symbols, kana, Greek,
/// Cyrillic, box drawing) and 16–84 (the kanji). Rows 9–15 and 85–94 hold only
/// vendor extensions.
pub fn is_allowed_row(row: u8) -> bool {
    matches!(row, 1..=8 | 16..=84)
}

/// For every BMP character, its JIS X 0208 code as the two bytes written after
/// `ESC $ B` (row + 0x20, cell + 0x20), or 0 if it has none in the allowed rows.
/// Built by decoding each allowed position, so no vendor extension can get in.
static JIS_X_0208: LazyLock<Box<[u16]>> = LazyLock::new(|| {
    let mut table = vec![0u16; 0x1_0000].into_boxed_slice();
    for row in (1..=94u8).filter(|row| is_allowed_row(*row)) {
        for cell in 1..=94u8 {
            let euc = [0xa0 + row, 0xa0 + cell];
            let Some(decoded) = EUC_JP.decode_without_bom_handling_and_without_replacement(&euc) else {
                continue;
            };
            let mut chars = decoded.chars();
            if let (Some(c), None) = (chars.next(), chars.next())
                && let Some(slot) = table.get_mut(c as usize)
                && *slot == 0
            {
                *slot = u16::from_be_bytes([row + 0x20, cell + 0x20]);
            }
        }
    }
    table
});

/// One character as ISO-2022-JP writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Ascii(u8),
    Jis(u16),
}

/// The unit for a character that may be sent as it is. Control characters other
/// than tab and line breaks have none: ESC, SO and SI would break the encoding.
fn unit(c: char) -> Option<Unit> {
    match c {
        '\t' | '\n' | '\r' | ' '..='~' => Some(Unit::Ascii(c as u8)),
        _ => JIS_X_0208.get(c as usize).copied().filter(|code| *code != 0).map(Unit::Jis),
    }
}

/// What stands in for a character outside JIS X 0208.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replacement {
    Char(char),
    Text(&'static str),
    /// A circled number, written as `(n)`.
    Number(u32),
    /// A circled letter or ideograph, written inside parentheses.
    Enclosed(char),
}

impl Replacement {
    fn emit(self, emit: &mut impl FnMut(char)) {
        match self {
            Replacement::Char(c) => emit(c),
            Replacement::Text(text) => text.chars().for_each(emit),
            Replacement::Number(n) => {
                emit('(');
                if n >= 10 {
                    emit(char::from(b'0' + (n / 10 % 10) as u8));
                }
                emit(char::from(b'0' + (n % 10) as u8));
                emit(')');
            }
            Replacement::Enclosed(c) => {
                emit('(');
                emit(c);
                emit(')');
            }
        }
    }
}

/// The fixed replacement for `c`, where NFKC would give something wrong (① → 1,
/// ～ → ~) or does not help and a standard form exists (the IBM and NEC
/// extension kanji, the Unicode spellings of JIS symbols that the WHATWG table
/// maps to other code points).
fn substitute(c: char) -> Option<Replacement> {
    let replacement = match c {
        // Both wave dashes are 0x2141; the decoder reads it as U+FF5E.
        '\u{301c}' => '\u{ff5e}',
        // The JIS X 0221 spellings of 0x2142, 0x215D, 0x2171, 0x2172, 0x224C, 0x216F,
        // 0x213D, 0x2131 and 0x2272, which the WHATWG index maps to other code points.
        '\u{2016}' => '\u{2225}',
        '\u{2212}' => '\u{ff0d}',
        '\u{a2}' => '\u{ffe0}',
        '\u{a3}' => '\u{ffe1}',
        '\u{ac}' => '\u{ffe2}',
        '\u{a5}' => '\u{ffe5}',
        '\u{2014}' => '\u{2015}',
        '\u{203e}' | '\u{af}' => '\u{ffe3}',
        '\u{c5}' => '\u{212b}',
        '\u{2013}' => '-',
        '\u{a6}' | '\u{ffe4}' => '|',
        '\u{2028}' | '\u{2029}' => '\n',
        '\u{2044}' => '/',
        '\u{20ac}' => return Some(Replacement::Text("EUR")),
        '\u{a9}' => return Some(Replacement::Text("(C)")),
        '\u{ae}' => return Some(Replacement::Text("(R)")),
        // NEC row 13 quotation marks.
        '\u{301d}' => '\u{201c}',
        '\u{301e}' | '\u{301f}' => '\u{201d}',
        // Combining (semi-)voiced marks left over when NFKC could not join them.
        '\u{3099}' => '\u{309b}',
        '\u{309a}' => '\u{309c}',
        // IBM and NEC extension kanji and newer jōyō forms → their JIS X 0208 forms.
        '髙' => '高',
        '﨑' => '崎',
        '德' => '徳',
        '栁' => '柳',
        '凞' => '熙',
        '昻' => '昂',
        '黑' => '黒',
        '鷗' => '鴎',
        '𠮷' => '吉',
        '濵' => '濱',
        '瀨' => '瀬',
        '槗' => '橋',
        '靑' => '青',
        '淸' => '清',
        '敎' => '教',
        '寬' => '寛',
        '俠' => '侠',
        '增' => '増',
        '鄕' => '郷',
        '𠮟' => '叱',
        '剝' => '剥',
        '頰' => '頬',
        '塡' => '填',
        _ => return enclosed(c),
    };
    Some(Replacement::Char(replacement))
}

/// Circled and similar enclosed numbers and letters become the same inside
/// parentheses: ① → (1), Ⓐ → (A), ㊤ → (上). NFKC would drop the circle and
/// leave a bare digit that reads as part of the text.
fn enclosed(c: char) -> Option<Replacement> {
    let n = c as u32;
    let number = match n {
        0x2460..=0x2473 => n - 0x245f,
        0x24ea | 0x24ff => 0,
        0x24eb..=0x24f4 => n - 0x24eb + 11,
        0x24f5..=0x24fe => n - 0x24f4,
        0x2776..=0x277f => n - 0x2775,
        0x2780..=0x2789 => n - 0x277f,
        0x278a..=0x2793 => n - 0x2789,
        0x3251..=0x325f => n - 0x3251 + 21,
        0x32b1..=0x32bf => n - 0x32b1 + 36,
        // Circled letters, ideographs and katakana: the NFKC form is one character.
        0x24b6..=0x24e9 | 0x3280..=0x32b0 | 0x32d0..=0x32fe => {
            let mut decomposed = None;
            let mut parts = 0;
            unicode_normalization::char::decompose_compatible(c, |part| {
                decomposed = Some(part);
                parts += 1;
            });
            return decomposed.filter(|inner| parts == 1 && unit(*inner).is_some()).map(Replacement::Enclosed);
        }
        _ => return None,
    };
    Some(Replacement::Number(number))
}

/// Emoji and symbols that phones show as emoji (the JIS X 0208 ones, such as
/// ☆ or →, are sent before this is asked).
fn is_pictograph(c: char) -> bool {
    matches!(
        c as u32,
        0x1_f000..=0x1_faff // emoji, playing cards, regional indicators, skin tones
            | 0x2190..=0x21ff // arrows
            | 0x2300..=0x23ff // ⌚ ⏰ and other technical symbols
            | 0x25a0..=0x27bf // shapes, ☀ ☎ and other symbols, dingbats
            | 0x2b00..=0x2bff // ⭐ ⬆ and other arrows and stars
            | 0x3030 | 0x303d
            | 0xe000..=0xf8ff // private use: the carriers' own emoji
            | 0xf_0000..
    )
}

/// Characters that only decorate: removed rather than marked with 〓.
fn is_decoration(c: char) -> bool {
    is_pictograph(c)
        || matches!(
            c as u32,
            0x200b..=0x200f // zero-width space, joiners, direction marks
                | 0x202a..=0x202e
                | 0x2060..=0x206f
                | 0xfeff
                | 0xfe00..=0xfe0f // variation selectors
                | 0xe_0000..=0xe_01ef // tags and ideographic variation selectors
        )
        || c.is_control()
        || is_combining_mark(c)
}

/// Writes what stands for a character that NFKC left outside JIS X 0208: a
/// fixed replacement, nothing for decoration, the base letter of an accented
/// Latin letter (é → e), or 〓.
fn fallback(c: char, emit: &mut impl FnMut(char)) {
    if let Some(replacement) = substitute(c) {
        return replacement.emit(emit);
    }
    if is_decoration(c) {
        return;
    }
    let mut base = None;
    let mut marks_only = true;
    decompose_canonical(c, |part| match base {
        None => base = Some(part),
        Some(_) => marks_only &= is_combining_mark(part),
    });
    match base {
        Some(base) if base != c && marks_only && unit(base).is_some() => emit(base),
        _ => emit(GETA),
    }
}

fn is_combining(c: char) -> bool {
    c >= '\u{300}' && is_combining_mark(c)
}

/// Runs `text` through the JIS X 0208 normalisation and hands each resulting
/// character, every one of which has a unit, to `emit`. Text that is already
/// JIS X 0208 passes unchanged without allocating.
fn normalise(text: &str, emit: &mut impl FnMut(char)) {
    // Characters that are not JIS X 0208 as they stand, and characters followed by
    // a combining mark, wait here so NFKC sees a whole run: ｶﾞ must become ガ, not
    // カ and a lone voiced mark.
    let mut pending = String::new();
    let mut chars = text.chars().peekable();
    // Within an emoji sequence, what follows a zero-width joiner is part of the
    // picture (🏃‍♀️ is a runner, not a runner and ♀), even when it is JIS X 0208.
    let mut in_emoji = false;
    let mut after_joiner = false;
    while let Some(c) = chars.next() {
        if in_emoji {
            if after_joiner {
                after_joiner = false;
                continue;
            }
            if c == '\u{200d}' {
                after_joiner = true;
                continue;
            }
            if matches!(c, '\u{fe0e}' | '\u{fe0f}') {
                continue;
            }
        }
        in_emoji = is_pictograph(c);
        if unit(c).is_some() && !chars.peek().is_some_and(|next| is_combining(*next)) {
            flush(&mut pending, emit);
            emit(c);
        } else {
            pending.push(c);
        }
    }
    flush(&mut pending, emit);
}

/// Writes a waiting run: characters with a fixed replacement get it before NFKC
/// can change them (① must not become 1); the rest goes through NFKC.
fn flush(pending: &mut String, emit: &mut impl FnMut(char)) {
    if pending.is_empty() {
        return;
    }
    let mut start = 0;
    for (i, c) in pending.char_indices() {
        // A combining mark is left to NFKC, which may join it to the character before.
        if is_combining(c) {
            continue;
        }
        if let Some(replacement) = substitute(c) {
            flush_nfkc(&pending[start..i], emit);
            replacement.emit(emit);
            start = i + c.len_utf8();
        }
    }
    flush_nfkc(&pending[start..], emit);
    pending.clear();
}

fn flush_nfkc(run: &str, emit: &mut impl FnMut(char)) {
    for c in run.nfkc() {
        if unit(c).is_some() {
            emit(c);
        } else {
            fallback(c, emit);
        }
    }
}

/// The text as an old phone can show it: every character in JIS X 0208 rows 1–8
/// and 16–84 or ASCII. See the module documentation for what is substituted,
/// removed or marked with 〓.
///
/// The result uses the code points the WHATWG decoders (browsers, `encoding_rs`)
/// give back for ISO-2022-JP: both wave dashes come out as U+FF5E, the minus sign
/// as U+FF0D, so decoding [`encode_iso2022jp`]'s output gives exactly this text.
pub fn to_jis_x0208_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalise(text, &mut |c| out.push(c));
    out
}

/// Appends one unit, switching character sets as needed, and returns the
/// octets written.
fn put(out: &mut Vec<u8>, in_jis: &mut bool, unit: Unit) -> usize {
    match unit {
        Unit::Ascii(byte) => {
            let switch = switch_to_ascii(out, in_jis);
            out.push(byte);
            switch + 1
        }
        Unit::Jis(code) => {
            let mut switch = 0;
            if !*in_jis {
                out.extend_from_slice(ESC_JIS_X0208);
                *in_jis = true;
                switch = ESC_JIS_X0208.len();
            }
            out.extend_from_slice(&code.to_be_bytes());
            switch + 2
        }
    }
}

fn switch_to_ascii(out: &mut Vec<u8>, in_jis: &mut bool) -> usize {
    if !*in_jis {
        return 0;
    }
    out.extend_from_slice(ESC_ASCII);
    *in_jis = false;
    ESC_ASCII.len()
}

/// The octets a unit takes in the current state, counting the `ESC ( B` that
/// must follow a JIS X 0208 character before the line or word can end.
fn room_needed(unit: Unit, in_jis: bool) -> usize {
    match (unit, in_jis) {
        (Unit::Ascii(_), false) => 1,
        (Unit::Ascii(_), true) => 1 + ESC_ASCII.len(),
        (Unit::Jis(_), true) => 2 + ESC_ASCII.len(),
        (Unit::Jis(_), false) => ESC_JIS_X0208.len() + 2 + ESC_ASCII.len(),
    }
}

/// The text encoded as ISO-2022-JP (RFC 1468), after [`to_jis_x0208_text`]:
/// only JIS X 0208 rows 1–8 and 16–84 between `ESC $ B` and `ESC ( B`, every
/// line and the whole text ending in ASCII. Line breaks are kept as they are
/// (`\n` stays `\n`); nothing is ever written as `&#…;`.
pub fn encode_iso2022jp(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 16);
    let mut in_jis = false;
    normalise(text, &mut |c| {
        if let Some(unit) = unit(c) {
            put(&mut out, &mut in_jis, unit);
        }
    });
    switch_to_ascii(&mut out, &mut in_jis);
    out
}

/// Appends `text` as a 7bit ISO-2022-JP mail body: line ends become CRLF (a
/// lone CR counts as a line end), and a line that would pass
/// [`MAX_LINE_OCTETS`] is broken, in ASCII, and goes on after a fresh `ESC $ B`.
/// The last line gets no CRLF unless `text` ends with a line break.
pub fn push_iso2022jp_body(out: &mut Vec<u8>, text: &str) {
    let mut in_jis = false;
    let mut line_octets = 0;
    let mut after_cr = false;
    normalise(text, &mut |c| {
        let was_after_cr = std::mem::replace(&mut after_cr, c == '\r');
        match (c, unit(c)) {
            ('\n', _) if was_after_cr => {}
            ('\r' | '\n', _) => {
                switch_to_ascii(out, &mut in_jis);
                out.extend_from_slice(b"\r\n");
                line_octets = 0;
            }
            (_, Some(unit)) => {
                if line_octets + room_needed(unit, in_jis) > MAX_LINE_OCTETS {
                    // Broken in ASCII, as RFC 1468 wants every line to end.
                    switch_to_ascii(out, &mut in_jis);
                    out.extend_from_slice(b"\r\n");
                    line_octets = 0;
                }
                line_octets += put(out, &mut in_jis, unit);
            }
            (_, None) => {}
        }
    });
    switch_to_ascii(out, &mut in_jis);
}

/// A header value as RFC 2047 encoded words `=?ISO-2022-JP?B?…?=`, folded onto
/// lines of their own. Each word holds whole characters and ends in ASCII, so a
/// phone can decode every word alone. Line breaks and tabs become spaces; plain
/// ASCII comes back as it is.
pub fn encode_header_iso2022jp(text: &str) -> String {
    let mut normalised = String::with_capacity(text.len());
    normalise(text, &mut |c| normalised.push(if matches!(c, '\t' | '\n' | '\r') { ' ' } else { c }));
    if normalised.is_ascii() && !normalised.contains("=?") && normalised.len() <= 900 {
        return normalised;
    }
    let mut out = Vec::with_capacity(normalised.len() * 3);
    let mut word = Vec::with_capacity(WORD_RAW_OCTETS);
    let mut in_jis = false;
    for unit in normalised.chars().filter_map(unit) {
        if word.len() + room_needed(unit, in_jis) > WORD_RAW_OCTETS {
            switch_to_ascii(&mut word, &mut in_jis);
            push_encoded_word(&mut out, &word);
            word.clear();
        }
        put(&mut word, &mut in_jis, unit);
    }
    if !word.is_empty() {
        switch_to_ascii(&mut word, &mut in_jis);
        push_encoded_word(&mut out, &word);
    }
    out.into_iter().map(char::from).collect()
}

fn push_encoded_word(out: &mut Vec<u8>, raw: &[u8]) {
    if !out.is_empty() {
        out.extend_from_slice(b"\r\n ");
    }
    out.extend_from_slice(b"=?ISO-2022-JP?B?");
    push_base64(out, raw);
    out.extend_from_slice(b"?=");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> String {
        let (text, had_errors) = encoding_rs::ISO_2022_JP.decode_without_bom_handling(bytes);
        assert!(!had_errors, "decoder found errors in {bytes:?}");
        text.into_owned()
    }

    /// Every double-byte code between `ESC $ B` and `ESC ( B`, checking that the
    /// escapes are the only ones and that the text ends in ASCII.
    fn jis_codes(bytes: &[u8]) -> Vec<[u8; 2]> {
        let mut codes = Vec::new();
        let mut in_jis = false;
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == 0x1b {
                match &bytes[i..(i + 3).min(bytes.len())] {
                    b"\x1b$B" => in_jis = true,
                    b"\x1b(B" => in_jis = false,
                    other => panic!("unexpected escape {other:?}"),
                }
                i += 3;
            } else if in_jis {
                assert!(!matches!(bytes[i], b'\r' | b'\n'), "line break inside JIS X 0208");
                codes.push([bytes[i], bytes[i + 1]]);
                i += 2;
            } else {
                assert!(bytes[i] < 0x80, "8-bit byte {:#x}", bytes[i]);
                i += 1;
            }
        }
        assert!(!in_jis, "text does not end in ASCII");
        codes
    }

    fn assert_strict(bytes: &[u8]) {
        for [row, cell] in jis_codes(bytes) {
            assert!(is_allowed_row(row - 0x20), "row {} used", row - 0x20);
            assert!((0x21..=0x7e).contains(&cell));
        }
        // Bytes inside a JIS X 0208 run may well be "&#" (0x26 0x23 is a code); a
        // numeric character reference would be ASCII text.
        assert!(!decode(bytes).contains("&#"), "numeric character reference in output");
    }

    #[test]
    fn circled_and_parenthesised_forms_keep_their_brackets() {
        assert_eq!(to_jis_x0208_text("①"), "(1)");
        assert_eq!(to_jis_x0208_text("⑳"), "(20)");
        assert_eq!(to_jis_x0208_text("❶と㉑"), "(1)と(21)");
        assert_eq!(to_jis_x0208_text("㈱秩父"), "(株)秩父");
        assert_eq!(to_jis_x0208_text("㈲"), "(有)");
        assert_eq!(to_jis_x0208_text("㊤"), "(上)");
    }

    #[test]
    fn vendor_kanji_become_their_standard_forms() {
        assert_eq!(to_jis_x0208_text("髙橋"), "高橋");
        assert_eq!(to_jis_x0208_text("山﨑"), "山崎");
        assert_eq!(to_jis_x0208_text("德川"), "徳川");
        assert_eq!(to_jis_x0208_text("𠮷野"), "吉野");
        // A compatibility ideograph from the IBM rows, handled by NFKC.
        assert_eq!(to_jis_x0208_text("\u{f9dc}"), "隆");
    }

    #[test]
    fn both_wave_dashes_are_0x2141() {
        for dash in ["\u{301c}", "\u{ff5e}"] {
            assert_eq!(encode_iso2022jp(dash), b"\x1b$B\x21\x41\x1b(B", "{dash:?}");
            let bytes = encode_iso2022jp(&format!("9時{dash}17時"));
            assert_eq!(decode(&bytes), "9時\u{ff5e}17時");
        }
    }

    #[test]
    fn half_width_katakana_becomes_full_width_with_voiced_marks_joined() {
        assert_eq!(to_jis_x0208_text("ｶﾅ"), "カナ");
        assert_eq!(to_jis_x0208_text("ｶﾞ"), "ガ");
        assert_eq!(to_jis_x0208_text("ﾊﾟｿｺﾝ ｾﾝﾀｰ"), "パソコン センター");
        // Decomposed kana, as macOS writes file names.
        assert_eq!(to_jis_x0208_text("か\u{3099}"), "が");
    }

    #[test]
    fn full_width_and_jis_symbols_that_nfkc_would_change_are_kept() {
        let kept = "ＡＢＣ\u{3000}１２３\u{3000}…\u{3000}゛\u{3000}℃\u{3000}￥\u{3000}\u{212b}";
        assert_eq!(to_jis_x0208_text(kept), kept);
        assert_eq!(to_jis_x0208_text("\u{c5}"), "\u{212b}");
    }

    #[test]
    fn emoji_are_removed_and_other_unknown_characters_marked() {
        assert_eq!(to_jis_x0208_text("避難🏃\u{200d}♀\u{fe0f}してください☀\u{fe0f}"), "避難してください");
        assert_eq!(to_jis_x0208_text("♀と♂"), "♀と♂");
        assert_eq!(to_jis_x0208_text("👍🏻了解"), "了解");
        assert_eq!(to_jis_x0208_text("𩸽の塩焼き"), "〓の塩焼き");
        assert_eq!(to_jis_x0208_text("한국"), "〓〓");
        assert_eq!(to_jis_x0208_text("Café"), "Cafe");
        assert_eq!(to_jis_x0208_text("½ ©"), "1/2 (C)");
        assert_eq!(to_jis_x0208_text("a\u{1b}$Bb"), "a$Bb");
    }

    #[test]
    fn output_never_contains_character_references_or_vendor_rows() {
        let awkward = "①㈱髙﨑〜～ｶﾞ😀№℡∮∟⊿ⅰⅱ纊褜鍈銈蓜俉炻昱棈鋹曻彅丨仡仼伀伃伹佖侒侊侚侔";
        let bytes = encode_iso2022jp(awkward);
        assert_strict(&bytes);
        assert_eq!(decode(&bytes), to_jis_x0208_text(awkward));
    }

    #[test]
    fn every_unicode_scalar_encodes_strictly_and_round_trips() {
        // From U+0080, so that no "&#" can come from the input itself.
        let all: String = (0x80..=0x10ffffu32).filter_map(char::from_u32).collect();
        for chunk in all.chars().collect::<Vec<_>>().chunks(4096) {
            let text: String = chunk.iter().collect();
            let normalised = to_jis_x0208_text(&text);
            let bytes = encode_iso2022jp(&text);
            assert_strict(&bytes);
            assert_eq!(decode(&bytes), normalised);
        }
    }

    #[test]
    fn the_table_holds_exactly_the_allowed_rows() {
        let codes: Vec<u16> = JIS_X_0208.iter().copied().filter(|code| *code != 0).collect();
        assert_eq!(codes.len(), 6879, "JIS X 0208 has 6,879 characters");
        assert!(codes.iter().all(|code| is_allowed_row((code >> 8) as u8 - 0x20)));
    }

    #[test]
    fn every_substitute_is_needed_and_sendable() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            let mut out = Vec::new();
            if let Some(replacement) = substitute(c) {
                replacement.emit(&mut |r| out.push(r));
                assert!(unit(c).is_none(), "{c} is JIS X 0208 already");
                assert!(out.iter().all(|r| unit(*r).is_some()), "{c} → {out:?}");
            }
        }
    }

    #[test]
    fn escapes_surround_only_the_kanji() {
        assert_eq!(encode_iso2022jp("a"), b"a");
        assert_eq!(encode_iso2022jp("あa"), b"\x1b$B\x24\x22\x1b(Ba");
        assert_eq!(encode_iso2022jp("あ\nい"), b"\x1b$B\x24\x22\x1b(B\n\x1b$B\x24\x24\x1b(B");
    }

    #[test]
    fn body_lines_stay_within_998_octets_and_end_in_ascii() {
        let long = format!("{}\n{}a{}", "あ".repeat(5000), "x".repeat(2500), "い".repeat(700));
        let mut body = Vec::new();
        push_iso2022jp_body(&mut body, &long);
        for line in body.split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert!(line.len() <= MAX_LINE_OCTETS, "line of {} octets", line.len());
            jis_codes(line);
        }
        assert!(!body.contains(&b'\n') || body.windows(2).filter(|w| w == b"\r\n").count() > 3);
        let unwrapped: String = decode(&body).replace("\r\n", "");
        assert_eq!(unwrapped, long.replace('\n', ""));
    }

    #[test]
    fn body_line_ends_become_crlf() {
        let mut body = Vec::new();
        push_iso2022jp_body(&mut body, "一\n二\r\n三\r四\n");
        assert_eq!(decode(&body), "一\r\n二\r\n三\r\n四\r\n");
    }

    #[test]
    fn header_words_are_short_complete_and_decode_to_the_text() {
        let subject = "【訓練】秩父市からのお知らせ：大雨警報（土砂災害）が発表されました。①避難所を開設しました ABC";
        let encoded = encode_header_iso2022jp(subject);
        let mut decoded = String::new();
        for (i, line) in encoded.split("\r\n").enumerate() {
            let word = if i == 0 { line } else { line.strip_prefix(' ').unwrap_or_default() };
            assert!(word.len() <= 75, "{word}");
            assert!(("Subject: ".len() + word.len()) <= 76);
            let payload = word.strip_prefix("=?ISO-2022-JP?B?").and_then(|w| w.strip_suffix("?=")).unwrap_or_default();
            let bytes = decode_base64(payload);
            jis_codes(&bytes);
            decoded.push_str(&decode(&bytes));
        }
        assert_eq!(decoded, to_jis_x0208_text(subject));
        assert_eq!(encode_header_iso2022jp("Plain subject"), "Plain subject");
        assert_eq!(encode_header_iso2022jp("line\r\nbreak"), "line  break");
    }

    fn decode_base64(text: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        let mut acc = 0u32;
        let mut bits = 0;
        for b in text.bytes().filter(|b| *b != b'=') {
            let value = ALPHABET.iter().position(|a| *a == b).unwrap() as u32;
            acc = acc << 6 | value;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        out
    }
}
