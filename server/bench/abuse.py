"""`fukushi-kg bench abuse`: replay issue 10's probes against a real server and print what they did to it.

The server is `fukushi-kg serve` (the production setup, waitress) on a free loopback port, on the built graph.
The probes, each bounded in requests and time:

- memory: distinct queries of almost 1 MiB (a cache keyed on query texts kept 560 of them alive), a chunked
  upload of 64 MiB that never ends (it must be refused once past the body limit, not read whole), an answer
  that would run to gigabytes (cut by rows and bytes) and a query that needs gigabytes to evaluate (stopped by
  the worker memory limit or the timeout);
- crashes: the queries that killed workers with SIGSEGV (2,200 nested groups, STR( nested 953 deep,
  6,500 UNIONs), each sent repeatedly;
- fairness: eight heavy clients (each its own loopback address, 127.0.0.2-9) keep sending queries that run
  past the timeout, while a quick client (127.0.0.10) sends `ASK {}` every half second; an answer within 2 s
  counts.

Printed: resident memory of the server and its query workers (at rest before, peak, and retained after the
probes), the quick client's answers within 2 s (target at least 95 %), the 5xx responses (503 and 429 are the
documented refusals: timeout, memory stop, busy, over share; any other 5xx is a failure) and the workers lost
(died on their own, as the server logs them; workers stopped after a timeout or over the memory limit are
replaced, not lost).
"""

import collections
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from server.bench.harness import free_port, server_env, stop
from server.graph.on_demand import ensure_dump
from server.paths import PUBLISHED_DIR

QUICK = "ASK {}"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
HUGE_ANSWER = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
CRASHERS = {
    "2,200 nested groups": "SELECT * WHERE " + "{" * 2200 + " ?s ?p ?o " + "}" * 2200,
    "STR( nested 953 deep": "SELECT (" + "STR(" * 953 + "?s" + ")" * 953 + " AS ?x) WHERE { ?s ?p ?o }",
    "6,500 UNIONs": "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 6501) + " }",
}
HEAVY_CLIENTS = [f"127.0.0.{i}" for i in range(2, 10)]
QUICK_CLIENT = "127.0.0.10"
LOST_MARK = "query worker"  # server.sparql.pool logs "fukushi-kg: query worker PID lost (signal …)"


def register_arguments(p) -> None:
    p.add_argument("--duration", type=float, default=20.0, help="abuse: seconds of heavy load (default: 20)")
    p.add_argument("--big-queries", type=int, default=100, help="abuse: distinct ~1 MiB queries (default: 100)")


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: collections.Counter = collections.Counter()

    def add(self, status) -> None:
        with self.lock:
            self.statuses[status] += 1

    def fives(self) -> dict:
        return {s: n for s, n in self.statuses.items() if isinstance(s, int) and s >= 500}


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and its children (the query workers)."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            pass
    return total


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            time.sleep(0.05)


def _request(port, body: bytes, source=None, timeout=30.0, headers=None) -> tuple[int | str, float]:
    start = time.monotonic()
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        conn.request("POST", "/sparql", body, {"Content-Type": "application/sparql-query", **(headers or {})})
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.monotonic() - start
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__, time.monotonic() - start
    finally:
        conn.close()


def _endless_chunked(port, megabytes: int = 64) -> int | str:
    """Stream chunks up to `megabytes` without the final chunk; return the status the server answered with."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"%x\r\n%s\r\n" % (1 << 16, b"#" * (1 << 16))
        try:
            for _ in range(megabytes * 16):
                sock.sendall(chunk)
        except OSError:
            pass  # the server refused and closed: what we want
        try:
            head = sock.recv(64)
        except OSError as exc:
            return type(exc).__name__
    return int(head.split()[1]) if head.startswith(b"HTTP/") else "no answer"


def _start_server(published: Path, port: int, log) -> subprocess.Popen:
    env = server_env(published)
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        if _request(port, QUICK.encode(), timeout=5)[0] == 200:
            return process
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not come up within 120 s")


def bench(args) -> int:
    published = Path(args.published) if args.published else PUBLISHED_DIR
    ensure_dump(published)
    port = free_port()
    tally = Tally()
    mib = 1 << 20
    with tempfile.TemporaryFile("w+") as log:
        server = _start_server(published, port, log)
        try:
            time.sleep(1.0)
            at_rest = _tree_rss(server.pid)
            sampler = Sampler(server.pid)
            sampler.start()

            t = time.monotonic()
            for i in range(args.big_queries):
                text = f"ASK {{ ?s ?p {i} }} #" + "x" * (mib - 100)
                tally.add(_request(port, text.encode())[0])
            chunked = _endless_chunked(port)
            tally.add(chunked)
            huge = _request(port, HUGE_ANSWER.encode(), timeout=60)[0]
            hungry = _request(port, HUNGRY.encode(), timeout=60)[0]
            tally.add(huge), tally.add(hungry)
            print(
                f"memory probe ({time.monotonic() - t:.1f} s): {args.big_queries} distinct ~1 MiB queries; "
                f"endless chunked upload -> {chunked}; gigabyte answer -> {huge}; gigabyte evaluation -> {hungry}"
            )

            crash_statuses = collections.Counter()
            for text in CRASHERS.values():
                for _ in range(10):
                    status = _request(port, text.encode())[0]
                    crash_statuses[status] += 1
                    tally.add(status)
            print(f"crash probe: {sum(crash_statuses.values())} queries -> {dict(crash_statuses)}")

            quick = _fairness(port, args.duration, tally)
            time.sleep(2.0)  # let killed workers come back and the server settle
            retained = _tree_rss(server.pid)
            sampler.stop.set()
            sampler.join()
        finally:
            stop(server)
        log.seek(0)
        lost = sum(1 for line in log if LOST_MARK in line and " lost " in line)

    within, sent = quick
    share = within / sent if sent else 0.0
    fives = tally.fives()
    other = {s: n for s, n in fives.items() if s != 503}
    print()
    print(
        f"memory (server + workers): at rest {at_rest / mib:.0f} MiB, peak {sampler.peak / mib:.0f} MiB, "
        f"retained {retained / mib:.0f} MiB"
    )
    print(
        f"quick queries answered within 2 s under heavy load: {within}/{sent} ({share:.0%}; target >= 95 %: "
        f"{'met' if share >= 0.95 else 'NOT met'})"
    )
    print(f"responses: {dict(sorted(tally.statuses.items(), key=str))}")
    print(
        f"5xx: {sum(fives.values())} (503 documented: {fives.get(503, 0)}; other 5xx: {sum(other.values())}); "
        f"429: {tally.statuses.get(429, 0)}"
    )
    print(f"workers lost: {lost}")
    return 0 if share >= 0.95 and not other and not lost else 1


def _fairness(port: int, duration: float, tally: Tally) -> tuple[int, int]:
    done = threading.Event()

    def heavy(address: str, text: str):
        while not done.is_set():
            status, seconds = _request(port, text.encode(), source=address, timeout=60)
            tally.add(status)
            if status in (429, 503):
                time.sleep(0.2)  # what Retry-After asks of a client, shortened

    threads = [
        threading.Thread(target=heavy, args=(a, HEAVY if i % 2 else HUNGRY), daemon=True)
        for i, a in enumerate(HEAVY_CLIENTS)
    ]
    for t in threads:
        t.start()
    within = sent = 0
    late = []
    begin = time.monotonic()
    end = begin + duration
    while time.monotonic() < end:
        tick = time.monotonic()
        status, seconds = _request(port, QUICK.encode(), source=QUICK_CLIENT, timeout=30)
        tally.add(status)
        sent += 1
        if status == 200 and seconds <= 2.0:
            within += 1
        else:
            late.append(f"{status} in {seconds:.1f} s at {tick - begin:.1f} s")
        time.sleep(max(0.0, 0.5 - (time.monotonic() - tick)))
    done.set()
    for t in threads:
        t.join(timeout=60)
    print(f"fairness probe: {len(HEAVY_CLIENTS)} heavy clients for {duration:g} s, quick client every 0.5 s")
    if late:
        print(f"  quick queries not answered within 2 s: {'; '.join(late)}")
    return within, sent
