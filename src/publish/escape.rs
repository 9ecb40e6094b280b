//! How page text is written into a feed so that it stays text in every reader: escaped as HTML
//! where a reader renders the field as HTML, or written as it is where it reads the same
//! either way.

use crate::text;
use scraper::Html;

/// `text` as HTML that shows it as it is: `&`, `<`, `>`, `"` and `'` written as character
/// references. Characters XML forbids are dropped first.
pub fn escape_html(text: &str) -> String {
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
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[start..at]);
        out.push_str(entity);
        start = at + 1;
    }
    out.push_str(&text[start..]);
    out
}

/// Text for a field that readers take as plain text or as HTML, each as it guesses: RSS
/// titles, categories and dc:creator, Atom titles (written as `type="html"`), names and
/// terms. Text that reads the same either way (no `<`, no `&` that starts a character
/// reference: nearly every title) is written as it is, so both kinds of reader show it
/// exactly. Other text is HTML-escaped: the reader that renders HTML (the common reading,
/// and feedparser's guess for such text) shows the page's text, and the one that takes it
/// as plain text shows entities — never markup. A page's `<img onerror=…>` shown as text
/// stays text in every reader.
pub(super) fn guarded(text: &str) -> String {
    let text = text::clean(text);
    if reads_as_itself(&text) {
        text.into_owned()
    } else {
        escape_html(&text)
    }
}

/// Whether `text`, read as HTML, shows exactly `text` and holds no element.
fn reads_as_itself(text: &str) -> bool {
    if text.contains('<') {
        return false;
    }
    let reference = text
        .match_indices('&')
        .any(|(at, _)| text[at + 1..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '#'));
    if !reference {
        return true;
    }
    // "AT&T" and "Q&A" read as themselves, "&amp;" and "&copy 2026" do not: the HTML
    // parser decides, for the few texts that have an `&` before a letter, digit or `#`.
    let fragment = Html::parse_fragment(text);
    let root = fragment.root_element();
    root.children().all(|n| n.value().is_text()) && root.text().collect::<String>() == text
}
