#!/usr/bin/env python3
"""Read feeds as a reader that renders every field as HTML would, and report anything that
could run script or load something.

usage: nomarkup.py FILE...
       nomarkup.py --self-test

Each .rss/.atom file is parsed with feedparser, with its sanitiser and its rewriting of
relative links turned off, so that each value is read as the file holds it, as a reader that
does not sanitise gets it. Every title, summary, author, category and
content (an item page's main text, RSS content:encoded and Atom content: sanitised markup, so
markup is allowed there, but not what this script calls a problem) it gives back (the feed's
title and subtitle too) is parsed as HTML with Python's html.parser: a
problem is any element (the value is read inside a <div>, as a reader embeds it, so that a tag
left open in it closes on the reader's markup) that can run script, load a document or restyle the page (script,
style, iframe, frame, object, embed, svg, math, link, meta, base, form and its controls), any
on* attribute, any style attribute, and any attribute whose value is a javascript:,
vbscript: or data: URL. Prints, as JSON, for each file the text each field shows when
rendered as HTML, and the problems; exits 1 where there is any problem.

--self-test writes hand-made feeds, each with one kind of live markup in an Atom summary and
an RSS description (<script>, an onerror handler, a javascript: link, an <iframe>), and one
whose summaries show that markup only as text; it exits 0 only if each of the first is
reported for both files, and the last is not reported at all.
"""
import html.parser
import json
import os
import re
import sys
import tempfile
from xml.sax.saxutils import escape

try:
    import feedparser
except ImportError:
    sys.exit("nomarkup: needs feedparser: python3 -m pip install -r tests/requirements.txt")

DANGEROUS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
    "math", "link", "meta", "base", "form", "input", "button", "textarea", "select",
    "template", "noscript", "video", "audio", "canvas",
}
URL_ATTRS = {
    "href", "src", "xlink:href", "action", "formaction", "data", "poster", "background",
    "cite", "srcset", "ping", "lowsrc", "dynsrc", "codebase", "longdesc",
}
SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
INVISIBLE = re.compile(r"[\x00-\x20]+")


class Reader(html.parser.HTMLParser):
    """Collects the text an HTML fragment shows and the dangers it holds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []
        self.dangers = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS:
            self.dangers.append(f"<{tag}>")
            if tag in ("script", "style"):
                self.hidden += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.dangers.append(f"<{tag} {name}>")
            elif name == "style":
                self.dangers.append(f"<{tag} style>")
            # Browsers ignore control characters and spaces inside a scheme.
            if name in URL_ATTRS and value and SCHEME.match(INVISIBLE.sub("", value)):
                self.dangers.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.text.append(data)

    def unknown_decl(self, data):
        # <![CDATA[ … ]]> in HTML: text a browser shows as a comment, never markup.
        pass


def read(value):
    reader = Reader()
    # Inside an element, as a reader shows it: a tag left open in the value ("<img src=x
    # onerror=…") is closed by the reader's own markup that follows, and runs.
    reader.feed("<div>" + (value or "") + "</div>")
    reader.close()
    return " ".join("".join(reader.text).split()), reader.dangers


def check_file(path):
    with open(path, "rb") as f:
        parsed = feedparser.parse(f.read(), sanitize_html=False, resolve_relative_uris=False)
    problems = []

    def field(where, value):
        text, dangers = read(value)
        for d in dangers:
            problems.append(f"{path}: {where}: {d} in {value!r}")
        return text

    out = {
        "version": parsed.version,
        "feed": {
            "title": field("feed title", parsed.feed.get("title")),
            "subtitle": field("feed subtitle", parsed.feed.get("subtitle")),
        },
        "entries": [],
    }
    for n, e in enumerate(parsed.entries, 1):
        authors = [a.get("name") for a in e.get("authors", []) if a.get("name")]
        if not authors and e.get("author"):
            authors = [e.get("author")]
        out["entries"].append({
            "title": field(f"entry {n} title", e.get("title")),
            "summary": field(f"entry {n} summary", e.get("summary")),
            "summary_html": e.get("summary", ""),
            "authors": [field(f"entry {n} author", a) for a in authors],
            "categories": [field(f"entry {n} category", t.get("term")) for t in e.get("tags", [])],
            "content": [field(f"entry {n} content", c.get("value")) for c in e.get("content", [])],
        })
    out["problems"] = problems
    return out


# Each kind of live markup the self-test plants, with the problem it must be reported as.
PLANTED = [
    ("script", "Before <script>alert(1)</script> after", "<script>"),
    ("onerror", "An <img src=x onerror=alert(2)> image", "<img onerror>"),
    ("javascript", 'A <a href="javascript:alert(3)">link</a>', "<a href='javascript:alert(3)'>"),
    ("iframe", 'A <iframe src="https://x.example/"></iframe> frame', "<iframe>"),
]
# Summaries that show the same markup as text only: nothing to report.
SHOWN = "Shows &lt;script&gt;alert(1)&lt;/script&gt; &lt;iframe&gt; as <b>text</b>"


def atom(summary):
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Self-test</title><id>urn:self-test</id><updated>2026-01-01T00:00:00Z</updated>
<entry><title>Entry</title><id>urn:self-test:1</id><updated>2026-01-01T00:00:00Z</updated>
<link href="https://x.example/1"/><summary type="html">{escape(summary)}</summary></entry>
</feed>
"""


def rss(summary):
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Self-test</title><link>https://x.example/</link>
<description>Self-test</description>
<item><title>Entry</title><link>https://x.example/1</link><guid>urn:self-test:1</guid>
<description>{escape(summary)}</description></item>
</channel></rss>
"""


def self_test():
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        def check(name, summary):
            found = {}
            for ext, render in (("atom", atom), ("rss", rss)):
                path = os.path.join(tmp, f"{name}.{ext}")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(render(summary))
                found[ext] = check_file(path)["problems"]
            return found

        for name, summary, problem in PLANTED:
            for ext, problems in check(name, summary).items():
                if not any("entry 1 summary" in p and problem in p for p in problems):
                    failures.append(f"{ext}: {name}: {problem} not reported, only {problems}")
                else:
                    print(f"nomarkup self-test: {ext}: {name}: reported {problem}")
        for ext, problems in check("shown", SHOWN).items():
            if problems:
                failures.append(f"{ext}: markup shown as text reported: {problems}")
    for f in failures:
        print(f"nomarkup self-test: FAILED: {f}", file=sys.stderr)
    return 1 if failures else 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    result = {path: check_file(path) for path in argv}
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 1 if any(r["problems"] for r in result.values()) or not argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
