#!/usr/bin/env bash
# A load test of `pagefeed run` (release build), not run in CI: N feeds polled from pages that
# nginx serves on 127.0.0.1, for a bounded time. Reports how long a round of polls takes
# against the interval, the daemon's CPU as a share of the whole machine (utime + stime from
# /proc/<pid>/stat), its peak and steady resident memory (VmHWM, VmRSS) and its threads.
#
#   scripts/load-test.sh listing [FEEDS] [SECONDS]   pages of 1,000 items (about 1.7 MB)
#   scripts/load-test.sh seed [FEEDS] [SECONDS]      the seed page (5.5 kB, 7 items)
#
# Defaults: listing 1,000 feeds, interval 60 s; seed 10,000 feeds, interval 600 s; 300 s.
# Environment: CONCURRENCY (4), INTERVAL (s), MAX_ITEMS (100, the config's default),
# PAGEFEED (a pagefeed binary to measure instead of building one), KEEP=1 (keep the folder).
#
# nginx is installed from Debian where it is missing (nginx-light, else nginx). It runs with a
# config of its own in a temporary folder (its own pid file, logs and temporary paths; no
# system config is read or changed), sends no validators and answers no conditional request,
# so that every poll fetches, parses and publishes a whole page. Everything the script
# starts is stopped at the end, and the folder is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-listing}
case $kind in
listing) feeds=${2:-1000} interval=${INTERVAL:-60} ;;
seed) feeds=${2:-10000} interval=${INTERVAL:-600} ;;
*)
    echo "usage: $0 listing|seed [FEEDS] [SECONDS]" >&2
    exit 2
    ;;
esac
duration=${3:-300}
concurrency=${CONCURRENCY:-4}
max_items=${MAX_ITEMS:-100}

if [ -n "${PAGEFEED:-}" ]; then
    bin=$PAGEFEED
else
    cargo build --release --locked --quiet --bin pagefeed
    bin=${CARGO_TARGET_DIR:-$PWD/target}/release/pagefeed
fi

nginx=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$nginx" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y nginx-light || { apt-get update && apt-get install -y nginx-light; } ||
        apt-get install -y nginx
    nginx=$(command -v nginx || echo /usr/sbin/nginx)
fi

work=$(mktemp -d /tmp/pagefeed-load.XXXXXX)
chmod 755 "$work"
cleanup() {
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The pages: a few distinct files, each served under many paths (/f/<n> -> page-<n mod 10>).
mkdir -p "$work/www"
python3 - "$kind" "$work/www" <<'PY'
import sys, re, datetime
kind, out = sys.argv[1], sys.argv[2]
# Absolute dates ("4 maart 2026 13:12"): a page that does not change says the same of its
# items at every poll (relative ones would contradict what the last poll read).
months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]
def date(v, i):
    t = datetime.datetime(2026, 3, 4, 13, 30) - datetime.timedelta(minutes=7 * i + v)
    return f"{t.day} {months[t.month - 1]} {t.year} {t.hour:02}:{t.minute:02}"
if kind == "seed":
    seed = open("config/seed/buitenland-1330.html").read()
    for v in range(10):
        n = iter(range(1000))
        page = re.sub(r'(news-list__time">)[^<]*', lambda m: m.group(1) + date(v, next(n)), seed)
        open(f"{out}/page-{v}.html", "w").write(page)
    sys.exit()
# The listing of benches/pass.rs: 1,000 wire items of about 1.5 kB.
places = ["BEIROET", "TEHERAN", "WASHINGTON", "NEW YORK", "BAGDAD", "DOHA"]
filler = "Een tweede zin met meer tekst om het item de omvang van een echt nieuwsbericht te geven. " * 14
for v in range(10):
    parts = ['<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Listing</title></head><body><main><ul class="news-list">\n']
    for i in range(1000):
        parts.append(
            f'<li class="news-list__item"><a class="news-list__link" href="/buitenland/2026/03/04/bericht-{v}-{i}">'
            f'<p class="news-list__text">{places[i % len(places)]} (ANP/AFP) - Bericht {i} over de gebeurtenissen van vandaag, met 10.000 woorden context. {filler}</p>'
            f'<span class="news-list__time">{date(v, i)}</span></a></li>\n')
    parts.append("</ul></main></body></html>\n")
    open(f"{out}/page-{v}.html", "w").write("".join(parts))
PY
chmod -R a+rX "$work/www"
page_bytes=$(stat -c %s "$work/www/page-0.html")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    default_type text/html;
    charset utf-8;
    etag off;
    if_modified_since off;
    server {
        listen 127.0.0.1:$port;
        root $work/www;
        location ~ ^/f/[0-9]*([0-9])$ { try_files /page-\$1.html =404; }
    }
}
EOF
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
server=$!
for _ in $(seq 50); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/f/1" 2>/dev/null && break
    sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/f/1"

{
    printf 'output_dir = "%s/feeds"\nstate_dir = "%s/state"\n' "$work" "$work"
    printf 'timezone = "Europe/Amsterdam"\nlanguage = "nl"\ninterval = "%ss"\n' "$interval"
    printf 'host_delay = "0s"\nconcurrency = %s\nmax_items = %s\n' "$concurrency" "$max_items"
    for n in $(seq "$feeds"); do
        printf '\n[[feed]]\nid = "f%s"\nurl = "http://127.0.0.1:%s/f/%s"\nrobots = false\n' "$n" "$port" "$n"
        printf '[feed.items]\nselect = "ul.news-list > li"\nsummary = "p.news-list__text"\n'
        printf 'date = "span.news-list__time"\nlink = "a"\n'
    done
} >"$work/pagefeed.toml"

ticks=$(getconf CLK_TCK)
cores=$(nproc)
echo "$kind: $feeds feeds of $page_bytes-byte pages, interval ${interval}s, concurrency $concurrency," \
    "max_items $max_items, ${duration}s, $cores cores; $bin"

PAGEFEED_LOG=info "$bin" run -c "$work/pagefeed.toml" 2>"$work/log" &
daemon=$!
start=$(date +%s.%N)
# Once a second: seconds since start, polls logged, CPU ticks, VmRSS kB, VmHWM kB, threads.
(
    while [ -r "/proc/$daemon/stat" ]; do
        now=$(date +%s.%N)
        polls=$(grep -c ' polled' "$work/log" 2>/dev/null || true)
        cpu=$(awk '{ print $14 + $15 }' "/proc/$daemon/stat" 2>/dev/null) || break
        mem=$(awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } /^Threads:/ { t = $2 }
            END { print r, h, t }' "/proc/$daemon/status" 2>/dev/null) || break
        echo "$(awk -v a="$now" -v b="$start" 'BEGIN { printf "%.2f", a - b }') ${polls:-0} $cpu $mem"
        sleep 1
    done
) >"$work/samples" &
sampler=$!
sleep "$duration"
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=
errors=$(grep -ciE 'error|warn' "$work/log" || true)
kill "$daemon"
wait "$daemon" 2>/dev/null || true
daemon=

# Rounds: round k is done when the polls logged reach k x FEEDS; it began at its first poll
# past (k-1) x FEEDS (the sample a second before, at the latest).
awk -v feeds="$feeds" -v interval="$interval" -v ticks="$ticks" -v cores="$cores" '
{
    t[NR] = $1; p[NR] = $2; c[NR] = $3; rss[NR] = $4; hwm[NR] = $5; th[NR] = $6
    if ($6 > maxth) maxth = $6
}
END {
    n = NR
    printf "polls logged: %d in %.0f s\n", p[n], t[n]
    k = 1; begun = 0
    for (i = 1; i <= n; i++) {
        if (!begun && p[i] > (k - 1) * feeds) { b = (i > 1 ? t[i - 1] : 0); if (k == 1) b = 0; begun = 1 }
        if (begun && p[i] >= k * feeds) {
            printf "round %d: %d polls in %.0f s (interval %d s), done at %.0f s\n", k, feeds, t[i] - b, interval, t[i]
            done[k] = i; k++; begun = 0; i--
        }
    }
    if (k == 1) printf "round 1 unfinished: %d of %d polls in %.0f s\n", p[n], feeds, t[n]
    printf "CPU over the run: %.1f%% of the machine (%d cores)\n", (c[n] - c[1]) / ticks / (t[n] - t[1]) / cores * 100, cores
    # The steady part: from the end of the first round to the end of the run, where that is
    # at least one interval; else from the end of the first round.
    if (k > 1 && t[n] - t[done[1]] > 10) {
        s = done[1]
        printf "CPU after the first round (%.0f s to %.0f s): %.1f%% of the machine\n", t[s], t[n], (c[n] - c[s]) / ticks / (t[n] - t[s]) / cores * 100
        printf "CPU per poll after the first round: %.1f ms\n", (p[n] > p[s] ? (c[n] - c[s]) / ticks * 1000 / (p[n] - p[s]) : 0)
    }
    if (k > 1) printf "CPU per poll in the first round: %.1f ms\n", c[done[1]] / ticks * 1000 / p[done[1]]
    printf "memory: peak (VmHWM) %.1f MB; resident (VmRSS) at the end %.1f MB\n", hwm[n] / 1024, rss[n] / 1024
    printf "threads: at most %d, at the end %d\n", maxth, th[n]
}' "$work/samples"
# Steady resident memory: over the last half of the run.
n=$(wc -l <"$work/samples")
tail -n $((n / 2)) "$work/samples" | awk '{ print $4 }' | sort -n | awk '{ v[NR] = $1 }
    END { printf "resident over the last half of the run: median %.1f MB, most %.1f MB\n", v[int((NR + 1) / 2)] / 1024, v[NR] / 1024 }'
echo "warnings and errors logged: $errors"
if [ "$errors" -gt 0 ]; then grep -iE 'error|warn' "$work/log" | head -5; fi
