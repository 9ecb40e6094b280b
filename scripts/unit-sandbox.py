#!/usr/bin/env python3
"""pagefeed with a rendered feed inside an approximation of the hardened unit, where systemd
itself cannot be run (a container whose PID 1 is not systemd).

Reads systemd/pagefeed.service and, unless --unit-only, systemd/pagefeed.service.d/browser.conf,
and applies what of them can be had without systemd, as systemd would:

- DynamicUser=: a user of its own (65534); NoNewPrivileges=yes; CapabilityBoundingSet= (empty);
  PrivateUsers=yes: a user namespace that maps only that user;
- ProtectProc=invisible and ProcSubset=: a /proc of its own with hidepid=invisible, and
  subset=pid where the files say ProcSubset=pid;
- SystemCallFilter= (groups expanded by systemd-analyze, assignments in order, the rest EPERM),
  RestrictNamespaces= (clone, unshare and setns with another namespace type refused, clone3
  ENOSYS) and RestrictAddressFamilies= (socket() of another family refused): one seccomp filter.

- MemoryDenyWriteExecute=yes: mmap of writable and executable memory, and mprotect to
  executable, refused (as systemd's seccomp rules do).

Not applied: the file-system settings (ProtectSystem=, PrivateTmp=, ...), memory and task
limits.

Serves a page whose items a script inserts on 127.0.0.1, runs `pagefeed once` with
render = "browser" inside, and checks the outcome: with the drop-in the feed is written;
with --unit-only the poll fails with the browser's one-line error (the unit alone does not let
Chromium's sandbox start); with --keep-mdwe (the drop-in, but MemoryDenyWriteExecute=yes) it
fails within browser_timeout (V8 cannot reserve its code range). Needs root (for the namespaces) and Debian's
python3-seccomp.

    scripts/unit-sandbox.py [--unit-only | --keep-mdwe] [PAGEFEED]   (default: target/debug/pagefeed)
"""

import errno
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNIT = os.path.join(ROOT, "systemd", "pagefeed.service")
DROPIN = os.path.join(ROOT, "systemd", "pagefeed.service.d", "browser.conf")
USER = 65534
CLONE = {
    "mnt": 0x00020000,
    "cgroup": 0x02000000,
    "uts": 0x04000000,
    "ipc": 0x08000000,
    "user": 0x10000000,
    "pid": 0x20000000,
    "net": 0x40000000,
}
FAMILIES = {"AF_UNIX": 1, "AF_INET": 2, "AF_INET6": 10, "AF_NETLINK": 16, "AF_PACKET": 17}


def settings(files):
    """Each key's assignments, in order, over the [Service] sections of `files`."""
    found = {}
    for path in files:
        section = None
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line or line[0] in "#;":
                    continue
                if line.startswith("["):
                    section = line
                    continue
                if section == "[Service]" and "=" in line:
                    key, value = line.split("=", 1)
                    found.setdefault(key.strip(), []).append(value.strip())
    return found


def groups():
    out = subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True, text=True, check=True).stdout
    table, current = {}, None
    for raw in out.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not raw[0].isspace():
            current = line.split()[0]
            table[current] = []
        elif current:
            table[current].append(line.split()[0])
    return table


def expand(name, table, seen=None):
    seen = set() if seen is None else seen
    if not name.startswith("@"):
        return {name}
    if name in seen:
        return set()
    seen.add(name)
    calls = set()
    for member in table.get(name, []):
        calls |= expand(member, table, seen)
    return calls


def allowed_calls(assignments):
    """SystemCallFilter= as systemd reads it: the first assignment sets the mode (an allow
    list here), then each adds (or with ~ removes) calls."""
    table = groups()
    allowed = set()
    for value in assignments:
        remove = value.startswith("~")
        names = value.lstrip("~").split()
        calls = set().union(*(expand(n, table) for n in names)) if names else set()
        allowed = allowed - calls if remove else allowed | calls
    return allowed


def namespaces(assignments):
    """The namespace types RestrictNamespaces= allows (None: all)."""
    allowed = None
    for value in assignments:
        if value == "":
            allowed = None
        elif value == "yes":
            allowed = set()
        elif value == "no":
            allowed = None
        else:
            allowed = (allowed or set()) | set(value.split())
    return allowed


def filter_and_exec(files, command):
    import seccomp  # Debian's python3-seccomp, for /usr/bin/python3

    found = settings(files)
    allowed = allowed_calls(found.get("SystemCallFilter", []))
    spaces = namespaces(found.get("RestrictNamespaces", []))
    families = set()
    for value in found.get("RestrictAddressFamilies", []):
        families = set(value.split()) if value else set()
    mdwe = found.get("MemoryDenyWriteExecute", ["no"])[-1] == "yes"
    f = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
    guarded = {"clone", "clone3", "unshare", "setns", "socket"}
    if mdwe:
        # MemoryDenyWriteExecute=yes: no mapping both writable and executable, no memory
        # made executable later.
        guarded |= {"mmap", "mprotect", "pkey_mprotect"}
        write, execute = 0x2, 0x4
        for both in (0, write, execute):
            f.add_rule(seccomp.ALLOW, "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, write | execute, both))
        for call in ("mprotect", "pkey_mprotect"):
            f.add_rule(seccomp.ALLOW, call, seccomp.Arg(2, seccomp.MASKED_EQ, execute, 0))
    for call in sorted(allowed - guarded):
        try:
            f.add_rule(seccomp.ALLOW, call)
        except (RuntimeError, ValueError, OSError):
            pass  # a name this architecture does not have
    refused = 0 if spaces is None else sum(v for k, v in CLONE.items() if k not in spaces)
    f.add_rule(seccomp.ALLOW, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, refused, 0))
    f.add_rule(seccomp.ALLOW, "unshare", seccomp.Arg(0, seccomp.MASKED_EQ, refused, 0))
    f.add_rule(seccomp.ALLOW, "setns", seccomp.Arg(1, seccomp.MASKED_EQ, refused, 0))
    f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    for family in families:
        f.add_rule(seccomp.ALLOW, "socket", seccomp.Arg(0, seccomp.EQ, FAMILIES[family]))
    print(
        f"unit-sandbox: {len(allowed)} system calls, namespaces {sorted(spaces) if spaces is not None else 'all'}, "
        f"families {sorted(families)}, memory deny write execute {mdwe}",
        file=sys.stderr,
    )
    f.load()
    os.execvp(command[0], command)


def inside(files, command):
    """In new mount and PID namespaces, as root: our own /proc, then the unit's user."""
    found = settings(files)
    subset = found.get("ProcSubset", ["all"])[-1]
    options = "hidepid=invisible" + (",subset=pid" if subset == "pid" else "")
    subprocess.run(["mount", "-t", "proc", "-o", options, "proc", "/proc"], check=True)
    os.execvp(
        "setpriv",
        ["setpriv", f"--reuid={USER}", f"--regid={USER}", "--clear-groups", "--no-new-privs",
         "--inh-caps=-all", "--bounding-set=-all",
         "unshare", "--user", f"--map-user={USER}", f"--map-group={USER}",
         "/usr/bin/python3", os.path.abspath(__file__), "--filter", *files, "--", *command],
    )


PAGE = b"""<!doctype html><html><head><title>Unit</title></head><body><ul id="news"></ul><script>
addEventListener('load', () => {
  for (const [t, d] of [['First', '5 minutes ago'], ['Second', '1 hour ago']]) {
    const li = document.createElement('li');
    li.innerHTML = '<a href="/n/' + t + '">' + t + '</a> <span>' + d + '</span>';
    document.getElementById('news').append(li);
  }
});
</script></body></html>"""


def check(mode, pagefeed):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = PAGE if self.path == "/page" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folder = tempfile.mkdtemp(prefix="pf-unit-", dir="/tmp")
    os.chmod(folder, 0o777)
    config = os.path.join(folder, "pagefeed.toml")
    with open(config, "w") as f:
        f.write(
            f'output_dir = "feeds"\nstate_dir = "state"\n\n[[feed]]\nid = "unit"\n'
            f'url = "http://127.0.0.1:{server.server_address[1]}/page"\nrobots = false\n'
            f'render = "browser"\n[feed.items]\nselect = "#news > li"\ntitle = "a"\ndate = "span"\n'
        )
    files = [UNIT] + ([] if mode == "--unit-only" else [DROPIN])
    if mode == "--keep-mdwe":
        # The drop-in, but V8 kept from writable, executable memory.
        keep = os.path.join(folder, "keep-mdwe.conf")
        with open(DROPIN) as f, open(keep, "w") as out:
            out.write(f.read() + "\nMemoryDenyWriteExecute=yes\n")
        files = [UNIT, keep]
        with open(config, "r+") as f:
            text = f.read()
            f.seek(0)
            f.write('browser_timeout = "5s"\n' + text)
    env = dict(os.environ, HOME=folder, TMPDIR="/tmp", PAGEFEED_LOG="info")
    try:
        # --kill-child: if this script gives up (the timeout), everything inside goes too.
        run = subprocess.run(
            ["unshare", "--mount", "--pid", "--fork", "--kill-child", "--propagation", "private",
             sys.executable, os.path.abspath(__file__), "--inside", *files, "--",
             pagefeed, "once", "-c", config],
            env=env, capture_output=True, text=True, timeout=120,
        )
        written = os.path.exists(os.path.join(folder, "feeds", "unit.rss"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        server.shutdown()
    log = run.stderr.strip()
    if mode == "--unit-only":
        ok = run.returncode == 1 and not written and 'feed "unit": ' in log and "browser: the browser" in log
        what = "the unit alone: Chromium's sandbox cannot start, and the poll says so"
    elif mode == "--keep-mdwe":
        # The browser's last words are whatever reached its standard error first: V8's
        # "process OOM" most runs, another renderer's complaint in some. What must hold is
        # that the poll fails within browser_timeout, with one line, and writes nothing.
        ok = (
            run.returncode == 1
            and not written
            and "the browser stopped answering while it rendered the page (browser_timeout 5s)" in log
        )
        what = "the drop-in without MemoryDenyWriteExecute=no: the browser cannot render, the poll says so within browser_timeout"
    else:
        ok = run.returncode == 0 and written
        what = "the unit with the browser drop-in: the rendered feed is written"
    print(f"unit-sandbox: {'ok' if ok else 'FAILED'}: {what}")
    if not ok:
        print(f"exit {run.returncode}\n{log}")
    return ok


def main():
    args = sys.argv[1:]
    if args and args[0] in ("--inside", "--filter"):
        stage = args[0]
        split = args.index("--")
        files, command = args[1:split], args[split + 1:]
        if stage == "--inside":
            inside(files, command)
        else:
            filter_and_exec(files, command)
        return
    modes = [a for a in args if a in ("--unit-only", "--keep-mdwe")]
    rest = [a for a in args if not a.startswith("--")]
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    pagefeed = os.path.abspath(rest[0] if rest else os.path.join(target, "debug", "pagefeed"))
    sys.exit(0 if check(modes[0] if modes else "", pagefeed) else 1)


if __name__ == "__main__":
    main()
