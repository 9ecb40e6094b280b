#!/usr/bin/env python3
"""Generate the date reader's CLDR tables and their test rows.

Usage:
    cd /tmp && npm pack cldr-dates-full@48.2.0 cldr-core@48.2.0 cldr-cal-persian-full@46.1.0 \
        cldr-rbnf@48.2.0
    tar xzf cldr-dates-full-48.2.0.tgz --wildcards 'package/main/*/dateFields.json' \
        'package/main/*/ca-gregorian.json' package/package.json
    tar xzf cldr-core-48.2.0.tgz package/supplemental/plurals.json \
        package/supplemental/calendarPreferenceData.json \
        package/supplemental/likelySubtags.json package/supplemental/calendarData.json \
        package/supplemental/dayPeriods.json
    mkdir persian && tar xzf cldr-cal-persian-full-46.1.0.tgz -C persian
    mkdir rbnf && tar xzf cldr-rbnf-48.2.0.tgz -C rbnf
    python3 scripts/cldr/generate.py /tmp/package /tmp/persian/package /tmp/rbnf/package

(cldr-cal-persian-full is published up to 46.1.0 only; its month names are those of 48.)

Besides CLDR's words as they are, the script derives from them: the unit words and the
words of the past around a relative age ("{0} минут назад": "минут", "назад"), so that ages
of several units and ages with number words are read; ages without a number where the
singular's word is its own ("минуту назад"); number words, from CLDR's rule-based number
formats (cldr-rbnf: every cardinal spell-out rule set, all genders and cases, 1 to 31 and
the tens to 60); day periods with the hours they cover (dayPeriods.json: "सुबह" 04:00 to
12:00); and day periods written without their dots ("π.μ." as "πμ").

Writes src/dates/cldr/data.tsv (the words and patterns of every language CLDR has relative
times for, except the hand-written ones) and src/dates/cldr/tests.tsv (test rows rendered
from the same data, expected readings computed here with plain date arithmetic). Delete the
tarballs and the extracted folder afterwards; only the two generated files are committed.
"""

import json
import os
import re
import sys
import unicodedata

from rbnf import load as load_rbnf
from datetime import datetime, timedelta, timezone

HAND_WRITTEN = {"nl", "en", "de", "fr", "es", "it", "pt"}

# Variants of one language in another script, read as the same language.
MERGED = {
    "sr": ["sr-Latn"],
    "bs": ["bs-Cyrl"],
    "uz": ["uz-Cyrl"],
    "az": ["az-Cyrl"],
    "zh": ["zh-Hant"],
    "pa": ["pa-Arab"],
    "ms": ["ms-Arab"],
    "ha": [],
}

# Tried first, in this order, when several generated languages read a text.
FIRST = (
    "ru uk pl cs sk hr sr bs sl bg mk be tr az uz kk ar fa he ur zh ja ko hi bn mr ne "
    "ta te th vi id ms fil sw ka hy el sv da nb nn fi et lv lt hu ro ca gl eu af is ga"
).split()

UNITS = ["second", "minute", "hour", "day", "week", "month", "year"]
WIDTHS = ["", "-short", "-narrow"]
SIGNS = ("+", "-", "\u2212")

# Variants whose Solar Hijri month names a language's sites also use: the Dari names of
# Afghanistan ("حمل", "جدی") beside the Iranian ones ("فروردین", "دی").
PERSIAN_VARIANTS = {"fa": ["fa-AF"]}

NOW = datetime(2026, 3, 4, 13, 30, tzinfo=timezone.utc)
# A Friday eight days before NOW, for dates with month and weekday names.
DATE = datetime(2026, 2, 27, tzinfo=timezone.utc)


def load(root, code, name):
    path = os.path.join(root, "main", code, name)
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return data["main"][code]["dates"]


def clean(text):
    """CLDR strings with narrow and no-break spaces as plain spaces."""
    return re.sub(r"[\u202f\u00a0\u2009]", " ", text).strip()


def tokens(pattern):
    """A CLDR date/time pattern as (kind, text): ('field', 'MMMM') or ('lit', ' г.')."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "'":
            j = pattern.find("'", i + 1)
            if j == i + 1:
                out.append(("lit", "'"))
                i += 2
                continue
            if j < 0:
                j = len(pattern)
            out.append(("lit", pattern[i + 1 : j]))
            i = j + 1
        elif c.isascii() and c.isalpha():
            j = i
            while j < len(pattern) and pattern[j] == c:
                j += 1
            out.append(("field", pattern[i:j]))
            i = j
        else:
            out.append(("lit", c))
            i += 1
    merged = []
    for kind, text in out:
        if merged and kind == "lit" and merged[-1][0] == "lit":
            merged[-1] = ("lit", merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged


def numeric_month_suffix(names):
    """'月' where every month name is its number and that word ('3月'), else None."""
    suffixes = set()
    for n, name in names.items():
        m = re.fullmatch(r"(\d+)\s*(.*)", name)
        if not m or int(m.group(1)) != int(n):
            return None
        suffixes.add(m.group(2))
    return suffixes.pop() if len(suffixes) == 1 else None


def date_pattern(pattern, greg):
    """A CLDR date pattern in the reader's form: {d} {M} {N} {y} {E} and literal text.
    None when it has no day or no month."""
    out = []
    fields = set()
    for kind, text in tokens(clean(pattern)):
        if kind == "lit":
            out.append(text)
            continue
        c, n = text[0], len(text)
        if c == "d":
            out.append("{d}")
        elif c in "ML" and n <= 2:
            out.append("{M}")
        elif c in "ML":
            ctx = "format" if c == "M" else "stand-alone"
            width = "wide" if n == 4 else "abbreviated"
            suffix = numeric_month_suffix(greg["months"][ctx][width])
            out.append("{M}" + suffix if suffix is not None else "{N}")
        elif c == "y":
            out.append("{yy}" if n == 2 else "{y}")
        elif c in "Ec":
            out.append("{E}")
        else:
            continue
        fields.add(out[-1][:3])
    if "{d}" not in fields or not ({"{M}", "{N}"} & fields):
        return None
    text = "".join(out).strip()
    return text.replace("\t", " ")


def persian_days_before(year):
    """Days from 1 Farvardin 1 to 1 Farvardin of `year`, by the 33-year rule (exact for
    1178..1501; see src/dates/calendar.rs)."""
    return 365 * (year - 1) + (8 * year + 21) // 33


def to_persian(when):
    """A Gregorian date as a Solar Hijri (year, month, day)."""
    nowruz_1404 = datetime(2025, 3, 21, tzinfo=timezone.utc)
    year = when.year - 621
    def nowruz(y):
        return nowruz_1404 + timedelta(days=persian_days_before(y) - persian_days_before(1404))
    if nowruz(year) > when:
        year -= 1
    day_of_year = (when - nowruz(year)).days
    if day_of_year < 186:
        return year, day_of_year // 31 + 1, day_of_year % 31 + 1
    return year, (day_of_year - 186) // 30 + 7, (day_of_year - 186) % 30 + 1


def render(pattern, when, greg, hour12_ok=True, ymd=None, offset=0):
    """A CLDR pattern rendered for `when` with ASCII digits; None for fields not handled.
    `ymd` gives the year, month and day in another calendar (whose data `greg` then is);
    `offset` is added to the year (an era's)."""
    year, month, day = ymd or (when.year + offset, when.month, when.day)
    out = []
    for kind, text in tokens(clean(pattern)):
        if kind == "lit":
            out.append(text)
            continue
        c, n = text[0], len(text)
        if c == "d":
            out.append(f"{day:0{n}d}")
        elif c in "ML":
            ctx = "format" if c == "M" else "stand-alone"
            if n <= 2:
                out.append(f"{month:0{n}d}")
            else:
                width = {3: "abbreviated", 4: "wide"}.get(n)
                if width is None:
                    return None
                out.append(greg["months"][ctx][width][str(month)])
        elif c == "y":
            out.append(f"{year % 100:02d}" if n == 2 else str(year))
        elif c in "Ec":
            ctx = "format" if c == "E" else "stand-alone"
            width = "wide" if n == 4 else "abbreviated"
            key = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][when.weekday()]
            out.append(greg["days"][ctx][width][key])
        elif c == "H":
            out.append(f"{when.hour:0{n}d}")
        elif c == "h" and hour12_ok:
            out.append(f"{(when.hour % 12) or 12:0{n}d}")
        elif c == "m":
            out.append(f"{when.minute:0{n}d}")
        elif c == "a":
            periods = greg["dayPeriods"]["format"]["abbreviated"]
            out.append(periods["am" if when.hour < 12 else "pm"])
        else:
            return None
    return clean("".join(out))


def plural_samples(rule):
    """Up to two integer samples of a plural rule, at least 1 and under 1000."""
    m = re.search(r"@integer ([^@]*)", rule)
    if not m:
        return []
    found = []
    for part in m.group(1).split(","):
        part = part.strip()
        if not re.fullmatch(r"\d+(~\d+)?", part):
            continue
        lo = int(part.split("~")[0])
        hi = int(part.split("~")[1]) if "~" in part else lo
        for v in (lo, hi):
            if 1 <= v < 1000 and v not in found:
                found.append(v)
    return found[:2]


def has_data(fields, greg):
    past = fields["minute"]["relativeTime-type-past"]["relativeTimePattern-count-other"]
    return (
        not past.strip().startswith(SIGNS)
        and greg["months"]["format"]["wide"]["1"] != "M01"
        and "relative-type--1" in fields["day"]
    )


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def row(code, text, earliest, latest, point):
    return "\t".join([code, "UTC", iso(NOW), text, iso(earliest), iso(latest), iso(point)])


def error_row(code, text):
    return "\t".join([code, "UTC", iso(NOW), text, "error", "", ""])


def day_row(code, text, back, clock=None):
    day = datetime(NOW.year, NOW.month, NOW.day, tzinfo=timezone.utc) - timedelta(days=back)
    if clock:
        start = day.replace(hour=clock[0], minute=clock[1])
        return row(code, text, start - timedelta(seconds=1), start + timedelta(seconds=59), start)
    end = min(day + timedelta(days=1) - timedelta(seconds=1), NOW)
    return row(code, text, day - timedelta(seconds=1), end, day)


SPAN = {
    "second": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}


class Lang:
    def __init__(self, code):
        self.code = code
        self.lines = []
        self.seen = set()
        self.tests = []
        # The calendar the language's sites date by, when not the Gregorian one:
        # ("persian", data of ca-persian) or ("era", offset).
        self.calendar = None

    def add(self, *parts):
        parts = tuple(clean(p).replace("\t", " ") for p in parts)
        if any(p == "" for p in parts) or parts in self.seen:
            return
        self.seen.add(parts)
        self.lines.append("\t".join((self.code,) + parts))


def preferred_calendar(code, supplemental):
    """The calendar CLDR prefers in the language's likely territory ("persian" for fa,
    "buddhist" for th), and the offset of its era to the Gregorian years."""
    likely = supplemental["likelySubtags"].get(code, "")
    territory = likely.split("-")[-1] if likely else "001"
    prefs = supplemental["calendarPreferenceData"]
    first = prefs.get(territory, prefs["001"])[0]
    eras = supplemental["calendarData"].get(first, {}).get("eras", {})
    start = eras.get("0", {}).get("_start")
    offset = None
    if start:
        m = re.fullmatch(r"(-?\d+)-\d+-\d+", start)
        offset = 1 - int(m.group(1)) if m else None
    return first, offset


def read_persian(lang, code, persian, greg, root_persian):
    """Solar Hijri month names of a language whose sites date by that calendar: its own
    (not the root's inherited Latin ones), less any that is also a Gregorian month name."""
    gregorian_names = {clean(n) for c in ("format", "stand-alone") for w in ("wide", "abbreviated")
                       for n in greg["months"][c][w].values()}
    inherited = {clean(n) for c in ("format", "stand-alone") for w in ("wide", "abbreviated")
                 for n in root_persian["months"][c][w].values()}
    for ctx in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for n, name in persian["months"][ctx][width].items():
                name = clean(name)
                if name in gregorian_names or name in inherited or re.match(r"\d", name):
                    continue
                lang.add("persian", n, name)


def write_persian_tests(lang, persian):
    """Rows of Solar Hijri dates in the language's patterns of that calendar; those with
    month names only where the language has names of its own."""
    named = any(line.split("\t")[1] == "persian" for line in lang.lines)
    formats = persian["dateFormats"]
    available = persian["dateTimeFormats"]["availableFormats"]
    back = (NOW.replace(hour=0, minute=0) - DATE).days
    for p in (formats["full"], formats["long"], formats["medium"], formats["short"], available.get("MMMd")):
        if not p or (not named and re.search(r"MMM|LLL", p)):
            continue
        text = render(p, DATE, persian, ymd=to_persian(DATE))
        if text:
            lang.tests.append(day_row(lang.code, text, back))

# Numbers spelled out as number words: every count of an age sites write in words.
NUMBER_VALUES = list(range(1, 32)) + [40, 45, 50, 60]


def unspaced(c):
    """Letters of scripts written without spaces, each a word of its own to the reader."""
    o = ord(c)
    return (0x0E00 <= o <= 0x0EFF or 0x1000 <= o <= 0x109F or 0x1780 <= o <= 0x17FF
            or 0x2E80 <= o <= 0x2FDF or 0x3005 <= o <= 0x3007 or 0x3021 <= o <= 0x3029
            or 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0x3400 <= o <= 0x4DBF
            or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF66 <= o <= 0xFF9F
            or o >= 0x20000)


def boundary(s, k):
    """Whether one word may end before s[k] and another start there."""
    if k <= 0 or k >= len(s):
        return True
    a, b = s[k - 1], s[k]
    if a.isspace() or b.isspace():
        return True
    if unicodedata.category(b).startswith("M"):
        return False
    return unspaced(a) or unspaced(b)


def common_edge(strings, suffix):
    """The longest common prefix (or suffix) of the strings that ends (starts) where words
    meet in every one of them."""
    if not strings:
        return ""
    flip = (lambda x: x[::-1]) if suffix else (lambda x: x)
    rev = [flip(x) for x in strings]
    n = 0
    while all(len(x) > n and x[n] == rev[0][n] for x in rev):
        n += 1
    for k in range(n, -1, -1):
        if all(boundary(x, len(x) - k if suffix else k) for x in strings):
            return flip(rev[0][:k])
    return ""


def derive_ages(lang, patterns):
    """From the past patterns of one width ((unit, count, pattern) with "{0}"): the words of
    the past around every one of them ("назад"), and each pattern's unit words after the
    number ("минут"). An age of one unit without a number is read where the singular's unit
    word is not also another count's ("минуту назад")."""
    befores = [p.split("{0}")[0] for _, _, p in patterns]
    afters = [p.split("{0}")[1] for _, _, p in patterns]
    pre = common_edge(befores, False)
    suf = common_edge(afters, True)
    if not pre.strip() and not suf.strip():
        return
    if len({u for u, _, _ in patterns}) < 3:
        return
    lang.add("ago", pre.strip() or "~", suf.strip() or "~")
    # "för {0} sedan" is also written without its first word ("5 minuter sedan").
    if pre.strip() and suf.strip():
        lang.add("ago", "~", suf.strip())
    words = {}
    for (unit, count, _), b, a in zip(patterns, befores, afters):
        if b[len(pre):].strip():
            continue
        word = a[: len(a) - len(suf)].strip()
        if word:
            lang.add("unit", unit, word)
            words.setdefault(unit, {}).setdefault(word, set()).add(count)
    for unit, forms in words.items():
        for word, counts in forms.items():
            if counts == {"one"} and not any(w != word and "one" in c for w, c in forms.items()):
                lang.add("past", unit, "1", " ".join(x for x in (pre.strip(), word, suf.strip()) if x))


def read_numbers(lang, rbnf):
    """Number words of every cardinal spell-out rule set (genders, cases), or of the plain
    numbering where a language has none."""
    names = [n for n in rbnf.sets if n.startswith("%spellout-cardinal") and "financial" not in n]
    if not names and "%spellout-numbering" in rbnf.sets:
        names = ["%spellout-numbering"]
    for name in names:
        for n in NUMBER_VALUES:
            word = rbnf.spell(name, n)
            if word and not re.search(r"\d", word):
                lang.add("number", str(n), word)


def read_periods(lang, greg, rules):
    """Day periods other than am/pm ("सुबह", "晚上") with the hours they cover, from
    CLDR's day period rules; words of several periods are left out."""
    found = {}
    for ctx in ("format", "stand-alone"):
        for width in ("abbreviated", "wide"):
            for key, word in greg["dayPeriods"][ctx][width].items():
                rule = rules.get(key, {})
                # One letter ("v." in Czech) is a preposition as often as a period.
                if key in ("am", "pm") or "_from" not in rule or len(re.sub(r"[.\s]", "", word)) < 2:
                    continue
                hours = (int(rule["_from"][:2]), int(rule["_before"][:2]))
                found.setdefault(clean(word), set()).add(hours)
    ampm = {clean(w) for c in ("format", "stand-alone") for wd in ("abbreviated", "wide")
            for k, w in greg["dayPeriods"][c][wd].items() if k in ("am", "pm")}
    for word, hours in found.items():
        if len(hours) == 1 and word not in ampm:
            start, end = next(iter(hours))
            lang.add("period", str(start), str(end), word)


def read_locale(lang, fields, greg, plurals, primary, rbnf=None, period_rules=None):
    by_width = {}
    for unit in UNITS:
        for width in WIDTHS:
            f = fields.get(unit + width, {})
            for kind, direction in (("relativeTime-type-past", "past"), ("relativeTime-type-future", "future")):
                for key, pattern in f.get(kind, {}).items():
                    count = key.rsplit("-", 1)[-1]
                    pattern = clean(pattern)
                    # "−{0} мин" (a narrow form): read in the past, where the sign says it.
                    if pattern.startswith(SIGNS):
                        if direction == "past" and "{0}" in pattern:
                            lang.add(direction, unit, "n", pattern)
                        continue
                    if "({0})" in pattern:
                        pattern = pattern.replace("({0})", "").strip()
                    if "{0}" in pattern:
                        lang.add(direction, unit, "n", pattern)
                        if direction == "past" and pattern.count("{0}") == 1:
                            by_width.setdefault(width, []).append((unit, count, pattern))
                    elif count in ("one", "two"):
                        lang.add(direction, unit, "1" if count == "one" else "2", pattern)
    for width, patterns in by_width.items():
        derive_ages(lang, patterns)
    if rbnf:
        read_numbers(lang, rbnf)
    day = fields["day"]
    for key, back in (("relative-type--2", 2), ("relative-type--1", 1), ("relative-type-0", 0),
                      ("relative-type-1", -1), ("relative-type-2", -2)):
        for width in WIDTHS:
            word = fields.get("day" + width, {}).get(key)
            if word:
                lang.add("day", str(back), word)
    for unit in ("week", "month", "year"):
        for width in WIDTHS:
            word = fields.get(unit + width, {}).get("relative-type--1")
            if word:
                lang.add("last", unit, word)
    for width in WIDTHS:
        word = fields.get("second" + width, {}).get("relative-type-0")
        if word:
            lang.add("now", word)
    for ctx in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for n, name in greg["months"][ctx][width].items():
                if not re.match(r"\d", clean(name)):
                    lang.add("month", n, name)
        for width in ("wide", "abbreviated", "short"):
            for i, key in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]):
                lang.add("weekday", str(i + 1), greg["days"][ctx][width][key])
        for width in ("abbreviated", "wide"):
            periods = greg["dayPeriods"][ctx][width]
            for key in ("am", "pm"):
                if key in periods:
                    lang.add(key, periods[key])
                    # "π.μ." as sites also write it: "πμ".
                    bare = re.sub(r"[.\s]", "", clean(periods[key]))
                    if bare != clean(periods[key]) and len(bare) > 1:
                        lang.add(key, bare)
    read_periods(lang, greg, period_rules or {})
    formats = greg["dateFormats"]
    available = greg["dateTimeFormats"]["availableFormats"]
    patterns = [formats[k] for k in ("full", "long", "medium", "short")]
    patterns += [v for k, v in available.items() if re.fullmatch(r"y*M{1,4}E*d|y*M{1,4}d?E*|[yMLdE]+", k) and "-alt-" not in k]
    for p in patterns:
        if isinstance(p, str):
            compiled = date_pattern(p, greg)
            if compiled:
                lang.add("date", compiled)
    short = [f[0] for k, f in tokens(formats["short"]) if k == "field"]
    order = "dm" if short.index("d") < short.index("M") and short[0] != "y" else "md"
    # Time patterns: words between hour and minute ("時", "시") follow an hour; a day period
    # written before the hour ("下午2:05", "오후 2:05") is read there.
    times = list(greg["timeFormats"].values()) + [available.get(k, "") for k in ("Hm", "hm", "Hms", "hms")]
    for t in times:
        if not isinstance(t, str):
            continue
        toks = tokens(clean(t))
        fields_seen = [x[1][0] for x in toks if x[0] == "field"]
        if "a" in fields_seen and ("h" in fields_seen or "K" in fields_seen):
            hour = "h" if "h" in fields_seen else "K"
            if fields_seen.index("a") < fields_seen.index(hour):
                lang.add("ampm", "before")
        for i, (kind, text) in enumerate(toks):
            if kind == "lit" and 0 < i < len(toks) - 1 and toks[i - 1][0] == "field" and toks[i - 1][1][0] in "Hh" and re.search(r"\w", text):
                lang.add("hour", text)
            elif kind == "lit" and re.search(r"\w", text):
                lang.add("word", text)
    for key in ("dateTimeFormats-atTime", "dateTimeFormats-relative"):
        for v in greg.get(key, {}).get("standard", {}).values():
            for kind, text in tokens(clean(v).replace("{1}", "\x01").replace("{0}", "\x00")):
                text = text.replace("\x01", "").replace("\x00", "")
                if kind == "lit" and re.search(r"\w", text):
                    lang.add("at", text)
    if primary:
        lang.add("order", order)
        write_tests(lang, fields, greg, plurals)


def write_tests(lang, fields, greg, plurals):
    code = lang.code
    t = lang.tests
    for unit in ("minute", "hour", "day", "week"):
        for width in ("", "-short"):
            past = fields.get(unit + width, {}).get("relativeTime-type-past", {})
            for key, pattern in past.items():
                pattern = clean(pattern)
                category = key.rsplit("-", 1)[-1]
                if pattern.startswith(SIGNS):
                    continue
                if "{0}" not in pattern or "({0})" in pattern:
                    if category in ("one", "two"):
                        n = 1 if category == "one" else 2
                        text = pattern.replace("({0})", "").strip()
                        latest = NOW - n * SPAN[unit]
                        t.append(row(code, text, latest - SPAN[unit], latest, latest))
                    continue
                for n in plural_samples(plurals.get(f"pluralRule-count-{category}", "")):
                    latest = NOW - n * SPAN[unit]
                    t.append(row(code, pattern.replace("{0}", str(n)), latest - SPAN[unit], latest, latest))
        future = fields.get(unit, {}).get("relativeTime-type-future", {})
        other = clean(future.get("relativeTimePattern-count-other", ""))
        pasts = {clean(p) for w in WIDTHS for p in fields.get(unit + w, {}).get("relativeTime-type-past", {}).values()}
        # A future pattern that is also a past one ("{0} दिन में") says nothing of the future.
        if "{0}" in other and not other.startswith(SIGNS) and other not in pasts:
            t.append(error_row(code, other.replace("{0}", "5")))
    day = fields["day"]
    for key, back in (("relative-type--1", 1), ("relative-type-0", 0), ("relative-type--2", 2)):
        if key in day:
            t.append(day_row(code, clean(day[key]), back))
    at = greg["dateTimeFormats-atTime"]["standard"]["long"]
    short_time = greg["timeFormats"]["short"]
    clock = render(short_time, NOW.replace(day=3, hour=14, minute=5), greg)
    if clock and "relative-type--1" in day:
        text = clean(at.replace("{1}", clean(day["relative-type--1"])).replace("{0}", clock))
        text = text.replace("'", "")
        t.append(day_row(code, text, 1, (14, 5)))
    if "{0}" not in clean(fields["second"].get("relative-type-0", "{0}")):
        word = clean(fields["second"]["relative-type-0"])
        t.append(row(code, word, NOW - timedelta(minutes=5), NOW, NOW))
    formats = greg["dateFormats"]
    available = greg["dateTimeFormats"]["availableFormats"]
    back = (NOW.replace(hour=0, minute=0) - DATE).days
    offset = lang.calendar[1] if lang.calendar and lang.calendar[0] == "era" else 0
    for p in (formats["full"], formats["long"], formats["medium"], formats["short"], available.get("yMMMd"), available.get("MMMd")):
        if p:
            text = render(p, DATE, greg, offset=offset)
            if text:
                t.append(day_row(code, text, back))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "/tmp/package"
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = os.path.join(here, "..", "..", "src", "dates", "cldr")
    with open(os.path.join(root, "package.json"), encoding="utf-8") as f:
        version = json.load(f)["version"]
    with open(os.path.join(root, "supplemental", "plurals.json"), encoding="utf-8") as f:
        plurals = json.load(f)["supplemental"]["plurals-type-cardinal"]
    supplemental = {}
    for name, key in (("calendarPreferenceData", "calendarPreferenceData"),
                      ("likelySubtags", "likelySubtags"), ("calendarData", "calendarData")):
        with open(os.path.join(root, "supplemental", name + ".json"), encoding="utf-8") as f:
            supplemental[name] = json.load(f)["supplemental"][key]
    persian_root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(root), "persian", "package")

    def load_persian(code):
        path = os.path.join(persian_root, "main", code, "ca-persian.json")
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as f:
            return json.load(f)["main"][code]["dates"]["calendars"]["persian"]

    root_persian = load_persian("und")
    rbnf_root = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(root), "rbnf", "package")
    with open(os.path.join(rbnf_root, "package.json"), encoding="utf-8") as f:
        rbnf_version = json.load(f)["version"]
    with open(os.path.join(root, "supplemental", "dayPeriods.json"), encoding="utf-8") as f:
        day_periods = json.load(f)["supplemental"]["dayPeriodRuleSet"]

    def load_rbnf_of(variant):
        # Norwegian Bokmål's rules are CLDR's "no".
        path = os.path.join(rbnf_root, "rbnf", {"nb": "no"}.get(variant, variant) + ".json")
        return load_rbnf(path) if os.path.exists(path) else None

    codes = []
    for code in sorted(os.listdir(os.path.join(root, "main"))):
        if "-" in code or code == "und" or code in HAND_WRITTEN:
            continue
        fields = load(root, code, "dateFields.json")["fields"]
        greg = load(root, code, "ca-gregorian.json")["calendars"]["gregorian"]
        if has_data(fields, greg):
            codes.append(code)
    codes.sort(key=lambda c: (FIRST.index(c) if c in FIRST else len(FIRST), c))
    langs = []
    for code in codes:
        lang = Lang(code)
        preferred, offset = preferred_calendar(code, supplemental)
        greg = load(root, code, "ca-gregorian.json")["calendars"]["gregorian"]
        if preferred == "persian" and load_persian(code):
            lang.calendar = ("persian", load_persian(code))
        elif preferred != "gregorian" and offset:
            lang.calendar = ("era", offset)
        for variant in [code] + MERGED.get(code, []):
            if not os.path.isdir(os.path.join(root, "main", variant)):
                continue
            fields = load(root, variant, "dateFields.json")["fields"]
            greg = load(root, variant, "ca-gregorian.json")["calendars"]["gregorian"]
            read_locale(lang, fields, greg, plurals.get(code, {}), variant == code,
                        load_rbnf_of(variant), day_periods.get(variant, day_periods.get(code, {})))
        if lang.calendar and lang.calendar[0] == "persian":
            lang.add("calendar", "persian")
            for variant in [code] + PERSIAN_VARIANTS.get(code, []):
                persian = load_persian(variant)
                if persian:
                    read_persian(lang, variant, persian, greg, root_persian)
            for p in lang.calendar[1]["dateFormats"].values():
                compiled = date_pattern(p, lang.calendar[1]) if isinstance(p, str) else None
                if compiled:
                    lang.add("date", compiled)
            write_persian_tests(lang, lang.calendar[1])
        elif lang.calendar:
            lang.add("calendar", "era", str(lang.calendar[1]))
        langs.append(lang)
    header = [
        f"# CLDR {version} (npm cldr-dates-full {version}, cldr-core {version} plurals and day",
        f"# periods, cldr-rbnf {rbnf_version} number words), generated by scripts/cldr/generate.py;",
        "# do not edit. One line per entry:",
        "# code, kind, values. Kinds: past/future unit n|count pattern, day back word,",
        "# last unit word, now word, month n name, weekday n name, am/pm word, ampm before,",
        "# hour word, word word, at word, date pattern ({d} {M} {N} {y} {E}), order dm|md,",
        "# calendar persian (sites date by the Solar Hijri calendar), persian n name (its",
        "# month names), calendar era offset (years may be of an era: Gregorian + offset),",
        "# ago before after (the words of the past around an age, ~ for none), unit unit word",
        "# (a unit's word after the number), number n word, period from before word (a day",
        "# period and the hours it covers).",
    ]
    with open(os.path.join(out_dir, "data.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(header) + "\n")
        for lang in langs:
            f.write("\n".join(lang.lines) + "\n")
    with open(os.path.join(out_dir, "tests.tsv"), "w", encoding="utf-8") as f:
        f.write(f"# language\tzone\tnow\ttext\tearliest\tlatest\tpoint\n")
        f.write(f"# rendered from CLDR {version} by scripts/cldr/generate.py; expected readings by plain arithmetic\n")
        for lang in langs:
            seen = set()
            for r in lang.tests:
                key = r.split("\t")[3]
                if key not in seen:
                    seen.add(key)
                    f.write(r + "\n")
    print(f"{len(langs)} languages from CLDR {version}: {' '.join(codes)}")


if __name__ == "__main__":
    main()
