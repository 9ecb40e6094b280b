#!/usr/bin/env python3
"""A small, time-bounded load on a pagefeed server on 127.0.0.1: requests per second for
one path, with keep-alive connections, with and without the feed's ETag (the 304 case).

    scripts/serve-load.py PORT PATH [--seconds 5] [--workers 2] [--connections 4]

Only 127.0.0.1 is ever asked. Each worker process runs `--connections` keep-alive
connections in turn; the figure is what the whole machine manages (the client shares the
cores with the server, so it is a floor, not the server's ceiling).
"""
import argparse
import http.client
import multiprocessing
import time


def worker(port, path, seconds, connections, etag, out):
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(connections)]
    headers = {"If-None-Match": etag} if etag else {}
    n, errors, end = 0, 0, time.monotonic() + seconds
    while time.monotonic() < end:
        for c in conns:
            try:
                c.request("GET", path, headers=headers)
                r = c.getresponse()
                r.read()
                if r.status not in (200, 304):
                    errors += 1
                n += 1
            except Exception:
                errors += 1
                c.close()
    out.put((n, errors))


def run(port, path, seconds, workers, connections, etag):
    out = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=worker, args=(port, path, seconds, connections, etag, out))
        for _ in range(workers)
    ]
    start = time.monotonic()
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    took = time.monotonic() - start
    n = sum(r[0] for r in results)
    return n / took, sum(r[1] for r in results)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("path")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--connections", type=int, default=4)
    a = ap.parse_args()
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=10)
    c.request("GET", a.path)
    r = c.getresponse()
    body = r.read()
    etag = r.getheader("ETag")
    print(f"{a.path}: {r.status}, {len(body)} bytes, ETag {etag}")
    for label, tag in (("200 (whole body)", None), ("304 (If-None-Match)", etag)):
        rps, errors = run(a.port, a.path, min(a.seconds, 30), a.workers, a.connections, tag)
        print(f"{label}: {rps:.0f} requests/s, {errors} errors")


if __name__ == "__main__":
    main()
