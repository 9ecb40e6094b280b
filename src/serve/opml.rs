//! `/feeds.opml`: every feed as an OPML 2.0 outline, for a feed reader to import at once.
//! `xmlUrl` is the feed's RSS file where `base_url` says it is served, else on this server;
//! `htmlUrl` the page the feed is made from.

use crate::text;
use url::Url;

/// One feed of the outline.
pub struct Outline<'a> {
    pub title: &'a str,
    pub xml_url: Url,
    pub html_url: &'a str,
}

/// `text` for an XML attribute value: the characters XML forbids dropped, markup escaped.
fn attr(text: &str) -> String {
    let clean = text::clean(text);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// The OPML 2.0 document.
pub fn opml(outlines: &[Outline<'_>]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>pagefeed</title>\n  </head>\n  <body>\n",
    );
    for o in outlines {
        let title = attr(o.title);
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{title}\" title=\"{title}\" xmlUrl=\"{}\" htmlUrl=\"{}\"/>\n",
            attr(o.xml_url.as_str()),
            attr(o.html_url)
        ));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feed_is_an_outline_and_text_stays_text() {
        let doc = opml(&[
            Outline {
                title: "Buitenland",
                xml_url: Url::parse("https://feeds.example.org/buitenland.rss").expect("url"),
                html_url: "https://nieuws.example/buitenland",
            },
            Outline {
                title: "A \"quoted\" <b>&amp;</b>\u{1} 'x'",
                xml_url: Url::parse("http://127.0.0.1:8080/b.rss").expect("url"),
                html_url: "https://s.example/?a=1&b=2",
            },
        ]);
        assert!(
            doc.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">")
        );
        assert!(doc.contains(
            "<outline type=\"rss\" text=\"Buitenland\" title=\"Buitenland\" xmlUrl=\"https://feeds.example.org/buitenland.rss\" htmlUrl=\"https://nieuws.example/buitenland\"/>"
        ), "{doc}");
        assert!(
            doc.contains(
                "text=\"A &quot;quoted&quot; &lt;b&gt;&amp;amp;&lt;/b&gt; &apos;x&apos;\""
            ),
            "{doc}"
        );
        assert!(
            doc.contains("htmlUrl=\"https://s.example/?a=1&amp;b=2\""),
            "{doc}"
        );
        assert!(!doc.contains('\u{1}'));
        // Read back: the outline attributes hold exactly the text.
        let outlines: Vec<&str> = doc.matches("<outline ").collect();
        assert_eq!(outlines.len(), 2);
    }
}
