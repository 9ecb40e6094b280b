//! How page text is written into a feed so that it stays text in every reader: escaped as HTML
//! where a reader renders the field as HTML, or written as it is where it reads the same
//! either way.

use crate::text;
use scraper::Html;

/// `text` as HTML that shows it as it is, also inside a quoted attribute: `&`, `<`, `>`, `"`
/// and `'` written as character references. Characters XML forbids are dropped first.
pub fn escape_html(text: &str) -> String {
    escape(text, true)
}

/// `text` as the HTML text of an element that shows it as it is: `&`, `<` and `>` written as
/// character references, quotes as they are (a reader that takes the field as plain text
/// shows fewer entities). Characters XML forbids are dropped first.
pub fn escape_text(text: &str) -> String {
    escape(text, false)
}

fn escape(text: &str, quotes: bool) -> String {
    let text = text::clean(text);
    // The characters escaped are ASCII, so the text between them splits at char boundaries
    // and is copied in runs.
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' if quotes => "&quot;",
            b'\'' if quotes => "&#39;",
            _ => continue,
        };
        out.push_str(&text[start..at]);
        out.push_str(entity);
        start = at + 1;
    }
    out.push_str(&text[start..]);
    out
}

/// Text for a field that readers take as plain text or as HTML, each as it guesses, and that
/// no format can declare: RSS titles, categories and dc:creator, Atom names and terms. Text
/// that reads the same either way — nearly every title, "Tom & Jerry <3" and "5 > 3" among
/// them — is written as it is, so both kinds of reader show it exactly. Other text (that
/// would be markup, or another text, as HTML: "<img src=x onerror=…>", "a <b", "&amp;") is
/// HTML-escaped: the reader that renders HTML (the common reading, and feedparser's guess for
/// such text) shows the page's text, and the one that takes it as plain text shows entities —
/// never markup. (Atom titles declare themselves HTML and are always escaped, see
/// [`escape_text`].)
pub(super) fn guarded(text: &str) -> String {
    let text = text::clean(text);
    if reads_as_itself(&text) {
        text.into_owned()
    } else {
        escape_text(&text)
    }
}

/// Whether `text`, read as HTML, shows exactly `text` and holds no element.
fn reads_as_itself(text: &str) -> bool {
    let reference = text
        .match_indices('&')
        .any(|(at, _)| text[at + 1..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '#'));
    if !reference && !text.contains('<') {
        return true;
    }
    // "AT&T", "Q&A" and "Tom & Jerry <3" read as themselves, "&amp;", "&copy 2026", "a <b"
    // and "<img …>" do not: the HTML parser decides, for the few texts that have a `<` or an
    // `&` before a letter, digit or `#`.
    let fragment = Html::parse_fragment(text);
    let root = fragment.root_element();
    root.children().all(|n| n.value().is_text()) && root.text().collect::<String>() == text
}
