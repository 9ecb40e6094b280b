#!/usr/bin/env python3
"""How long a following feed takes to give every item of an undated list its true time.

Serves, on 127.0.0.1, an undated list of N items whose pages state their publication time in
JSON-LD, runs `pagefeed run` (interval 10m, the default follow_budget and host_delay) against
it, and reports, each time the feed changes, how many items it holds, whether each holds the
time its page states, and the requests the site has had.

usage: scripts/follow-figures.py [PAGEFEED] [N]   (default target/debug/pagefeed, 100)
"""
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/pagefeed"
count = int(sys.argv[2]) if len(sys.argv) > 2 else 100
base = datetime(2026, 3, 4, 12, 0, 0, tzinfo=timezone.utc)
truth = {i: base - timedelta(minutes=37 * i + 3) for i in range(count)}
requests = {"list": 0, "item": 0, "other": 0}


class Site(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/list":
            requests["list"] += 1
            items = "".join(
                f'<li><a href="/item/{i}">Essay {i}</a><p>On subject {i}.</p></li>'
                for i in range(count)
            )
            body = f"<html><head><title>Essays</title></head><body><ul class=essays>{items}</ul></body></html>"
        elif self.path.startswith("/item/"):
            requests["item"] += 1
            i = int(self.path.rsplit("/", 1)[1])
            stamp = truth[i].isoformat()
            body = (
                '<html><head><script type="application/ld+json">'
                f'{{"@type":"BlogPosting","headline":"Essay {i}","datePublished":"{stamp}",'
                f'"author":{{"@type":"Person","name":"Writer {i % 7}"}}}}</script></head>'
                f"<body><article><h1>Essay {i}</h1><p>Text.</p></article></body></html>"
            )
        else:
            requests["other"] += 1
            self.send_response(404)
            self.end_headers()
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
threading.Thread(target=server.serve_forever, daemon=True).start()
port = server.server_address[1]
work = tempfile.mkdtemp()
config = os.path.join(work, "pagefeed.toml")
with open(config, "w") as f:
    f.write(
        f'output_dir = "feeds"\nstate_dir = "state"\ninterval = "10m"\n'
        f'[[feed]]\nid = "essays"\nurl = "http://127.0.0.1:{port}/list"\nfollow = true\n'
        f'[feed.items]\nselect = "ul.essays > li"\ntitle = "a"\n'
    )
rss = os.path.join(work, "feeds", "essays.rss")
daemon = subprocess.Popen([binary, "run", "-c", config], stderr=subprocess.DEVNULL)
start = time.monotonic()
last = None
try:
    while time.monotonic() - start < 40 * 60:
        time.sleep(1)
        try:
            items = ET.parse(rss).getroot().findall("./channel/item")
        except (OSError, ET.ParseError):
            continue
        right = sum(
            1
            for item in items
            if parsedate_to_datetime(item.findtext("pubDate"))
            == truth[int(item.findtext("link").rsplit("/", 1)[1])]
        )
        state = (len(items), right)
        if state != last:
            last = state
            print(
                f"{time.monotonic() - start:7.1f} s: {len(items):3} items, {right:3} at their page's time; "
                f"requests: list {requests['list']}, item pages {requests['item']}, other {requests['other']}",
                flush=True,
            )
        if len(items) == count and right == count:
            break
finally:
    daemon.terminate()
    daemon.wait()
    server.shutdown()
