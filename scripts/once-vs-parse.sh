#!/usr/bin/env bash
# Whole processes, side by side in one run: `pagefeed once` (a first poll, then a steady one)
# against the bare scraper parse of the same page (read the file, parse, select the items;
# examples/bare_parse.rs), on the seed page and on generated listings of 100, 1,000 and
# 10,000 items, and against rsspls where it is on PATH (or RSSPLS=/path/to/rsspls). CPU
# (user + system) summed over RUNS runs of each, from /usr/bin/time; ratios against the bare
# parse of the same run. Touches nothing outside a temporary folder.
#
# usage: scripts/once-vs-parse.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
cargo build --release --locked --quiet --bin pagefeed --example bare_parse
bin=$PWD/target/release/pagefeed
bare=$PWD/target/release/examples/bare_parse
rsspls=${RSSPLS:-$(command -v rsspls || true)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp config/seed/buitenland-1330.html "$work/seed.html"
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
for n in (100, 1000, 10000):
    items = "".join(
        f'<li class="item"><a href="https://news.example/{i}">Item {i}: a headline of some words</a>'
        f'<p>A summary of item {i}, a sentence or two of what it says, as such lists carry.</p>'
        f'<time datetime="2026-03-04T{(i // 60) % 24:02d}:{i % 60:02d}:00Z">{i} minutes ago</time></li>\n'
        for i in range(n))
    open(f"{work}/list-{n}.html", "w").write(
        f"<!DOCTYPE html><html><head><title>List {n}</title></head><body><ul>{items}</ul></body></html>")
PY

cpu() { # runs the command RUNS times; prints total user+system seconds
    /usr/bin/time -o "$work/t" -f '%U %S' bash -c 'for _ in $(seq "$0"); do "$@" >/dev/null 2>&1; done' "$runs" "$@"
    awk '{ print $1 + $2 }' "$work/t"
}

printf '%-12s %10s %12s %8s %12s %8s %10s %8s\n' page bare once-first ratio once-steady ratio rsspls ratio
for page in seed list-100 list-1000 list-10000; do
    sel="li"; [ "$page" = seed ] && sel="ul.news-list > li"
    printf 'output_dir = "feeds-%s"\nstate_dir = "state-%s"\nmax_items = 100\n[[feed]]\nid = "p"\nurl = "%s.html"\n[feed.items]\nselect = "%s"\n' \
        "$page" "$page" "$page" "$sel" >"$work/$page.toml"
    b=$(cpu "$bare" "$work/$page.html" "$sel")
    # First polls: a fresh state each run.
    f=$(cpu bash -c 'rm -rf "$1"/state-"$2" "$1"/feeds-"$2"; exec "$0" once -c "$1/$2.toml" --now 2026-03-04T13:30:00+01:00' "$bin" "$work" "$page")
    "$bin" once -c "$work/$page.toml" --now 2026-03-04T13:30:00+01:00 >/dev/null 2>&1
    s=$(cpu "$bin" once -c "$work/$page.toml" --now 2026-03-04T13:40:00+01:00)
    r="-"; rr="-"
    if [ -n "$rsspls" ]; then
        printf '[rsspls]\noutput = "%s/rsspls-out"\nfile_urls = true\n[[feed]]\ntitle = "p"\nfilename = "p.rss"\n[feed.config]\nurl = "file://%s/%s.html"\nitem = "%s"\nheading = "a"\n' \
            "$work" "$work" "$page" "$sel" >"$work/$page.rsspls.toml"
        mkdir -p "$work/rsspls-out"
        # rsspls keeps a cache of what it fetched: a fresh one each run, as pagefeed's first poll.
        r=$(cpu bash -c 'rm -rf "$HOME/.cache/rsspls"; exec "$0" -c "$1"' "$rsspls" "$work/$page.rsspls.toml")
        rr=$(awk -v a="$f" -v b="$r" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    fi
    awk -v p="$page" -v b="$b" -v f="$f" -v s="$s" -v r="$r" -v rr="$rr" -v n="$runs" 'BEGIN {
        printf "%-12s %8.1fms %10.1fms %7.1fx %10.1fms %7.1fx %8sms %7sx\n", p, b / n * 1000, f / n * 1000, f / b, s / n * 1000, s / b, (r == "-" ? "-" : sprintf("%.1f", r / n * 1000)), rr
    }'
done
echo "(rsspls ratio: pagefeed's first poll ÷ rsspls; $runs runs each, CPU per run)"
