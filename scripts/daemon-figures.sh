#!/usr/bin/env bash
# The daemon's figures in the README: `pagefeed run` with N feeds of the seed page (default
# 100), served from 127.0.0.1 by Python's http.server. Reports the resident memory when idle
# between polls (VmRSS), the CPU per poll (utime + stime over the polls, from /proc), and the
# CPU of one whole `pagefeed once` process on the same page, for the ratio. Bounded: about a
# minute; touches nothing outside a temporary folder and 127.0.0.1.
#
# usage: scripts/daemon-figures.sh [FEEDS]
set -euo pipefail
cd "$(dirname "$0")/.."
feeds=${1:-100}
cargo build --release --locked --quiet --bin pagefeed
bin=$PWD/target/release/pagefeed
work=$(mktemp -d)
cleanup() {
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null || true
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# A server that sends no validators, so that every poll fetches and parses the page whole.
python3 - "$port" <<'PY' >/dev/null 2>&1 &
import http.server, sys
page = open("config/seed/buitenland-1330.html", "rb").read()
class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Page).serve_forever()
PY
server=$!
for _ in $(seq 50); do
    curl -fsS "http://127.0.0.1:$port/buitenland-1330.html" >/dev/null 2>&1 && break
    sleep 0.1
done

interval=20
{
    printf 'output_dir = "feeds"\nstate_dir = "state"\ntimezone = "Europe/Amsterdam"\n'
    printf 'language = "nl"\ninterval = "%ss"\nhost_delay = "0s"\nconcurrency = 4\n' "$interval"
    for n in $(seq "$feeds"); do
        printf '\n[[feed]]\nid = "f%s"\nurl = "http://127.0.0.1:%s/buitenland-1330.html?f=%s"\nrobots = false\n' "$n" "$port" "$n"
        printf '[feed.items]\nselect = "ul.news-list > li"\nsummary = "p.news-list__text"\n'
        printf 'date = "span.news-list__time"\nlink = "a"\n'
    done
} >"$work/pagefeed.toml"

ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"; }
polls() { grep -c "polled" "$work/log" || true; }

PAGEFEED_LOG=info "$bin" run -c "$work/pagefeed.toml" 2>"$work/log" &
daemon=$!
# The first round: every feed fetched whole, parsed and written.
for _ in $(seq 300); do
    [ "$(polls)" -ge "$feeds" ] && break
    sleep 0.1
done
sleep 2
idle_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$daemon/status")
cpu0=$(cpu "$daemon")
polls0=$(polls)
# Two more rounds, each poll a whole fetch, parse and (unchanged) render.
sleep $((2 * interval + 5))
cpu1=$(cpu "$daemon")
polls1=$(polls)
kill "$daemon"
wait "$daemon" 2>/dev/null || true
daemon=

printf 'output_dir = "once-feeds"\nstate_dir = "once-state"\ntimezone = "Europe/Amsterdam"\nlanguage = "nl"\n' >"$work/once.toml"
sed -n '/^\[\[feed\]\]$/,$p' "$work/pagefeed.toml" | awk '/^\[\[feed\]\]$/ { n++ } n <= 1' >>"$work/once.toml"
# Twenty runs, for a resolution finer than time's 10 ms.
/usr/bin/time -o "$work/time" -f '%U %S' \
    bash -c 'for _ in $(seq 20); do "$0" once -c "$1" 2>/dev/null; done' "$bin" "$work/once.toml"
once_cpu=$(awk '{ print ($1 + $2) / 20 }' "$work/time")

awk -v f="$feeds" -v kb="$idle_kb" -v c0="$cpu0" -v c1="$cpu1" -v p0="$polls0" -v p1="$polls1" -v once="$once_cpu" 'BEGIN {
    per = (c1 - c0) / (p1 - p0) * 1000
    printf "%d feeds: idle resident memory %.1f MB\n", f, kb / 1024
    printf "CPU per poll %.1f ms over %d polls; one whole `pagefeed once` process %.0f ms (%.2fx)\n", per, p1 - p0, once * 1000, per / (once * 1000)
}'
