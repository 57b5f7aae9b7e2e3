"""The /search part of `fukushi-kg bench abuse`: floods of what one request can ask of the search, sent while an
ordinary reader searches every half second.

Floods (each from four clients at once, back to back): distinct 250 KB queries (each once kept ≈ 37.5 MB), 2,000
ticked municipalities (quadratic links: 172 MB of HTML), 16,000 short words (held the index lock for 10 s), the
same at the limits that are still served (100 values, 32 words), `within=` and a page of 1.8e17. Every answer
must be a 200 or the documented 400; the ordinary search must come back within 2 s (none over 5 s).
"""

import collections
import threading
import time
import urllib.parse

from server.bench.harness import timed_request

NORMAL = "/search?" + urllib.parse.urlencode({"q": "見守り"})
CLIENTS = 4


def _get(port: int, path: str, timeout: float = 60.0) -> tuple[int | str, float]:
    return timed_request(port, "GET", path, headers={"Accept": "text/html"}, timeout=timeout)


def floods(searches: int) -> dict[str, list[str]]:
    """Each flood's request paths."""
    codes = [f"{n:06d}" for n in range(2000)]
    return {
        f"{searches} distinct 250 KB queries": [
            "/search?" + urllib.parse.urlencode({"q": f"{i:08d}" + "x" * 249_990}) for i in range(searches)
        ],
        "2,000 ticked municipalities (×50)": ["/search?" + urllib.parse.urlencode([("municipality", c) for c in codes])]
        * 50,
        "16,000 short words (×50)": ["/search?" + urllib.parse.urlencode({"q": " ".join("ab" for _ in range(16000))})]
        * 50,
        "100 ticked values, at the limit (×50)": [
            "/search?" + urllib.parse.urlencode([("municipality", c) for c in codes[:100]])
        ]
        * 50,
        "32 words, at the limit (×50)": [
            "/search?" + urllib.parse.urlencode({"q": " ".join(f"見守り{i}" for i in range(32))})
        ]
        * 50,
        "within= and page=1.8e17 (×50 each)": [
            "/search?within=082368/cwp4",
            "/search?" + urllib.parse.urlencode({"q": "見守り", "page": "180000000000000000"}),
        ]
        * 50,
    }


def run_floods(port: int, searches: int) -> dict:
    """Send every flood; returns the statuses of the flood requests and the ordinary searches' times."""
    statuses: collections.Counter = collections.Counter()
    normal: list[tuple[int | str, float]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            tick = time.monotonic()
            status, seconds = _get(port, NORMAL, timeout=30)
            with lock:
                normal.append((status, seconds))
            time.sleep(max(0.0, 0.5 - (time.monotonic() - tick)))

    watcher = threading.Thread(target=reader, daemon=True)
    watcher.start()
    per_flood = {}
    for name, paths in floods(searches).items():
        start = time.monotonic()
        queue = list(paths)
        flood_statuses: collections.Counter = collections.Counter()

        def flood(queue=queue, flood_statuses=flood_statuses):
            while True:
                with lock:
                    if not queue:
                        return
                    path = queue.pop()
                status, _ = _get(port, path)
                with lock:
                    flood_statuses[status] += 1

        threads = [threading.Thread(target=flood, daemon=True) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses.update(flood_statuses)
        per_flood[name] = (dict(flood_statuses), time.monotonic() - start)
    stop.set()
    watcher.join(timeout=35)
    return {"statuses": statuses, "normal": normal, "floods": per_flood}
