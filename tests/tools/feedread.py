#!/usr/bin/env python3
"""Read pagefeed's output the way feed readers do, and report what a reader would trip on.

usage: feedread.py [--dir DIR]... [FILE]...

Each .rss/.atom file is parsed as strict XML (Python's expat, which refuses anything that is
not well-formed) and with feedparser (the parser behind many readers), and checked: it parses
without complaint as RSS 2.0 or Atom 1.0; the feed has a title and a link (an absolute
http(s) URL, or the file: URL of a page read from a file); every
entry has a unique id, a title without markup, a date, and a link that is an absolute http(s)
URL where it has one (an item whose page gave no link a reader can follow has none); an RSS
guid marked as permalink is a URL; an Atom feed has an updated date and an author; an
entry's image (enclosure, media:thumbnail) is an absolute http(s) URL and an enclosure has a
type. Where a folder holds both <id>.rss and <id>.atom, the two must list the same links with
the same times, contents (an item page's main text) and images in the same order. Prints one line per problem and a closing count; exits 1 on any.
"""
import calendar
import os
import re
import sys
import xml.etree.ElementTree

try:
    import feedparser
except ImportError:
    sys.exit("feedread: needs feedparser: python3 -m pip install -r tests/requirements.txt")

MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>")
ABSOLUTE = re.compile(r"^https?://[^/\s]+")


def stamp(entry):
    t = entry.get("published_parsed") or entry.get("updated_parsed")
    return calendar.timegm(t) if t else None


def entry_link(entry):
    """The entry's link as a reader follows it: None where the feed gives none. (feedparser
    offers an Atom entry's id as its link when the entry has no link element.)"""
    links = [l for l in entry.get("links", []) if l.get("rel", "alternate") == "alternate"]
    if not links:
        return None
    return links[0].get("href")


def check_file(path, problems):
    with open(path, "rb") as f:
        raw = f.read()

    def say(msg):
        problems.append(f"{path}: {msg}")

    # A strict parser first: feedparser forgives markup that strict readers refuse.
    try:
        xml.etree.ElementTree.fromstring(raw)
    except xml.etree.ElementTree.ParseError as e:
        say(f"not well-formed XML: {e}")
    parsed = feedparser.parse(raw)

    if parsed.bozo:
        say(f"a reader's parser complains: {parsed.get('bozo_exception')!r}")
    expected = "rss20" if path.endswith(".rss") else "atom10"
    if parsed.version != expected:
        say(f"read as {parsed.version!r}, expected {expected}")
    if not parsed.feed.get("title"):
        say("the feed has no title")
    # A feed read from a file without an http(s) canonical link links to that file (feedparser
    # gives file:///tmp/x as file://tmp/x).
    feed_link = parsed.feed.get("link", "")
    if not (ABSOLUTE.match(feed_link) or feed_link.startswith("file:/")):
        say(f"the feed's link {feed_link!r} is not an absolute http(s) URL, nor a file's")
    if expected == "atom10":
        if not parsed.feed.get("updated_parsed"):
            say("the Atom feed has no updated date")
        if not parsed.feed.get("author"):
            say("the Atom feed has no author")
    ids = set()
    for n, e in enumerate(parsed.entries, 1):
        where = f"entry {n}"
        eid = e.get("id")
        if not eid:
            say(f"{where}: no id")
        elif eid in ids:
            say(f"{where}: id {eid!r} repeats")
        ids.add(eid)
        title = e.get("title", "")
        if not title:
            say(f"{where}: no title")
        elif MARKUP.search(title):
            say(f"{where}: markup in the title {title!r}")
        link = entry_link(e)
        if link is not None and not ABSOLUTE.match(link):
            say(f"{where}: link {link!r} is not an absolute http(s) URL")
        if expected == "rss20" and e.get("guidislink") and not ABSOLUTE.match(eid or ""):
            say(f"{where}: guid {eid!r} is marked a permalink but is no URL")
        if stamp(e) is None:
            say(f"{where}: no date a reader can parse")
        for enc in e.get("enclosures", []):
            if not ABSOLUTE.match(enc.get("href", "")):
                say(f"{where}: enclosure {enc.get('href')!r} is not an absolute http(s) URL")
            if not enc.get("type"):
                say(f"{where}: enclosure {enc.get('href')!r} has no type")
        for thumb in e.get("media_thumbnail", []):
            if not ABSOLUTE.match(thumb.get("url", "")):
                say(f"{where}: media:thumbnail {thumb.get('url')!r} is not an absolute http(s) URL")
    return [
        (entry_link(e), stamp(e), content(e), thumbnail(e)) for e in parsed.entries
    ]


def content(entry):
    """The entry's content (RSS content:encoded, Atom content) as a reader gets it."""
    values = [c.get("value") for c in entry.get("content", [])]
    return values[0] if values else None


def thumbnail(entry):
    thumbs = [t.get("url") for t in entry.get("media_thumbnail", [])]
    return thumbs[0] if thumbs else None


def main(argv):
    files = []
    args = iter(argv)
    for a in args:
        if a == "--dir":
            d = next(args, None)
            if d and os.path.isdir(d):
                for root, _, names in os.walk(d):
                    files += [os.path.join(root, n) for n in names if n.endswith((".rss", ".atom"))]
        else:
            files.append(a)
    problems = []
    read = {}
    for path in sorted(files):
        read[path] = check_file(path, problems)
    for path, entries in read.items():
        if path.endswith(".rss"):
            twin = path[: -len(".rss")] + ".atom"
            if twin in read and read[twin] != entries:
                problems.append(
                    f"{path}: RSS and Atom differ in links, times, contents, images or order"
                )
    for p in problems:
        print(p)
    print(f"feedread: {len(files)} feed file(s) read, {len(problems)} problem(s)")
    return 1 if problems or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
