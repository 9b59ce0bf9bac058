//! A small XML writer for the documents Kizuna publishes (CAP, Atom): escaping, and
//! dropping the characters that XML 1.0 cannot carry at all.

/// Whether a character may appear in an XML 1.0 document. DEL and the C1 controls
/// are legal but never meant in a notice (they come from pasted mojibake), so they go
/// with the C0 controls that XML forbids.
fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// Escapes text for element content. A carriage return is written as a character
/// reference because a parser would otherwise turn it into a line feed.
pub(crate) fn escape_text(input: &str) -> String {
    escape(input, false)
}

/// Escapes text for a double- or single-quoted attribute. Tabs and line ends are
/// written as references because attribute normalisation would turn them into spaces.
pub(crate) fn escape_attr(input: &str) -> String {
    escape(input, true)
}

fn escape(input: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    for c in input.chars().filter(|&c| is_xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// Writes an indented UTF-8 document. Element and attribute names come from this
/// crate's code, never from input, so only values are escaped.
pub(crate) struct XmlWriter {
    out: String,
    depth: usize,
}

impl XmlWriter {
    pub(crate) fn new() -> Self {
        Self { out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), depth: 0 }
    }

    fn start_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            self.out.push_str(&escape_attr(value));
            self.out.push('"');
        }
    }

    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    pub(crate) fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// An element holding only text.
    pub(crate) fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start_tag(name, attrs);
        self.out.push('>');
        self.out.push_str(&escape_text(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str("/>\n");
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_so_a_title_cannot_inject_elements() {
        assert_eq!(escape_text("A & B <script>"), "A &amp; B &lt;script&gt;");
        assert_eq!(escape_attr(r#"a"b'c<d&e"#), "a&quot;b&apos;c&lt;d&amp;e");
    }

    #[test]
    fn characters_xml_cannot_carry_are_dropped_and_line_ends_survive() {
        assert_eq!(escape_text("避難\u{0}所\u{7}を\u{1b}開設\u{fffe}"), "避難所を開設");
        assert_eq!(escape_text("一行目\n\t二行目\r\n"), "一行目\n\t二行目&#13;\n");
        assert_eq!(escape_attr("a\nb\tc"), "a&#10;b&#9;c");
        assert_eq!(escape_text("\u{85}次\u{9f}"), "次");
    }

    #[test]
    fn elements_nest_with_indentation_and_escaped_values() {
        let mut xml = XmlWriter::new();
        xml.open("a", &[("x", "1&2")]);
        xml.text("b", &[], "<c>");
        xml.empty("d", &[("href", "https://e.jp/?a=1&b=2")]);
        xml.close("a");
        assert_eq!(
            xml.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1&amp;2\">\n  <b>&lt;c&gt;</b>\n  \
             <d href=\"https://e.jp/?a=1&amp;b=2\"/>\n</a>\n"
        );
    }
}
