#!/usr/bin/env python3
"""A rendered poll against a plain one of the same page: wall time and peak memory.

Serves the seed page (a static page that works without JavaScript) on 127.0.0.1 and polls
it with `pagefeed once`, RUNS times over HTTP and RUNS times with render = "browser" (a
fresh state each time, so every poll is a first poll and every rendered one starts the
browser), then runs `pagefeed run` with a rendered feed polled every 2 s for the cost of a
render once the browser is up. Memory is sampled every 20 ms over pagefeed and every
process of its browser (found by the profile folder in their command line or environment):
the sum of resident sets (RSS, which counts pages the browser's processes share once per
process) and of proportional sets (PSS, which shares them out), at their peak.

    scripts/browser-figures.py [RUNS]          (PAGEFEED=path/to/pagefeed, default: release
                                                build where there is one, else debug)
"""

import http.server
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
PAGE = os.path.join(ROOT, "config", "seed", "buitenland-1330.html")


def binary():
    if os.environ.get("PAGEFEED"):
        return os.environ["PAGEFEED"]
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    for profile in ("release", "debug"):
        path = os.path.join(target, profile, "pagefeed")
        if os.path.exists(path):
            return path
    sys.exit("no pagefeed binary: cargo build first")


def serve():
    body = open(PAGE, "rb").read()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/page":
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


CONFIG = """output_dir = "feeds"
state_dir = "state"
host_delay = "0s"
timezone = "Europe/Amsterdam"
language = "nl"
interval = "2s"

[[feed]]
id = "seed"
url = "{url}"
robots = false
{extra}
[feed.items]
select = "ul.news-list > li"
summary = "p.news-list__text"
date = "span.news-list__time"
link = "a"
"""


def kb(path, field):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(pid, folder):
    """pagefeed's pid and those of the processes that name `folder`."""
    pids = [pid]
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == pid:
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmdline = f.read()
            try:
                with open(f"/proc/{name}/environ", "rb") as f:
                    environ = f.read()
            except OSError:
                environ = b""
        except OSError:
            continue
        if folder.encode() in cmdline or folder.encode() in environ:
            pids.append(int(name))
    return pids


class Sampler:
    def __init__(self, pid, folder):
        self.pid, self.folder = pid, folder
        self.rss = self.pss = self.own = 0
        self.processes = 0
        self.done = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.done:
            pids = tree(self.pid, self.folder)
            rss = sum(kb(f"/proc/{p}/status", "VmRSS:") for p in pids)
            pss = sum(kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
            self.own = max(self.own, kb(f"/proc/{self.pid}/status", "VmRSS:"))
            self.processes = max(self.processes, len(pids))
            time.sleep(0.02)

    def stop(self):
        self.done = True
        self.thread.join()


def workspace(url, extra):
    folder = tempfile.mkdtemp(prefix="pf-", dir="/tmp")
    os.makedirs(os.path.join(folder, "tmp"))
    with open(os.path.join(folder, "pagefeed.toml"), "w") as f:
        f.write(CONFIG.format(url=url, extra=extra))
    env = dict(os.environ, TMPDIR=os.path.join(folder, "tmp"), PAGEFEED_LOG="info")
    return folder, env


def once(pagefeed, url, extra):
    folder, env = workspace(url, extra)
    start = time.monotonic()
    child = subprocess.Popen(
        [pagefeed, "once", "-c", os.path.join(folder, "pagefeed.toml")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    sampler = Sampler(child.pid, os.path.join(folder, "tmp"))
    _, err = child.communicate()
    wall = time.monotonic() - start
    sampler.stop()
    ok = child.returncode == 0 and os.path.exists(os.path.join(folder, "feeds", "seed.rss"))
    shutil.rmtree(folder, ignore_errors=True)
    if not ok:
        sys.exit(f"pagefeed once failed: {err.decode(errors='replace')}")
    return wall, sampler


def daemon(pagefeed, url, seconds=16):
    folder, env = workspace(url, 'render = "browser"')
    child = subprocess.Popen(
        [pagefeed, "run", "-c", os.path.join(folder, "pagefeed.toml")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    sampler = Sampler(child.pid, os.path.join(folder, "tmp"))
    time.sleep(seconds)
    steady_rss = sum(kb(f"/proc/{p}/status", "VmRSS:") for p in tree(child.pid, os.path.join(folder, "tmp")))
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=20)
    sampler.stop()
    time.sleep(0.5)
    left = [p for p in tree(-1, os.path.join(folder, "tmp")) if p != -1]
    shutil.rmtree(folder, ignore_errors=True)
    took = [int(m) for m in re.findall(r"took_ms=(\d+)", err)]
    return took, sampler, steady_rss, left


def main():
    pagefeed = binary()
    server = serve()
    url = f"http://127.0.0.1:{server.server_address[1]}/page"
    print(f"pagefeed: {pagefeed}; {RUNS} runs each; page {os.path.basename(PAGE)}")
    print(f"{'poll':<26}{'wall (median, min-max)':<28}{'peak RSS, all':<16}{'peak PSS, all':<16}{'pagefeed RSS':<14}processes")
    for label, extra in (("once, plain (http)", ""), ("once, rendered (browser)", 'render = "browser"')):
        walls, rss, pss, own, procs = [], [], [], [], []
        for _ in range(RUNS):
            wall, s = once(pagefeed, url, extra)
            walls.append(wall)
            rss.append(s.rss)
            pss.append(s.pss)
            own.append(s.own)
            procs.append(s.processes)
        print(
            f"{label:<26}{statistics.median(walls) * 1000:7.0f} ms ({min(walls) * 1000:.0f}-{max(walls) * 1000:.0f}){'':<6}"
            f"{max(rss) / 1024:7.1f} MB{'':<6}{max(pss) / 1024:7.1f} MB{'':<6}{max(own) / 1024:6.1f} MB{'':<4}{max(procs)}"
        )
    took, s, steady, left = daemon(pagefeed, url)
    if len(took) < 2:
        sys.exit(f"the daemon polled {len(took)} time(s)")
    print(
        f"run, rendered every 2 s: first poll {took[0]} ms (the browser's start included), "
        f"then median {statistics.median(took[1:]):.0f} ms over {len(took) - 1} polls; "
        f"peak RSS {s.rss / 1024:.1f} MB, PSS {s.pss / 1024:.1f} MB, {s.processes} processes; "
        f"RSS between polls {steady / 1024:.1f} MB; processes left after SIGTERM: {len(left)}"
    )
    server.shutdown()


if __name__ == "__main__":
    main()
