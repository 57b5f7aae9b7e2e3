"""Builds never run inside a request: one builder in the background, the requests answered meanwhile.

The build is replaced by a stand-in that takes a second and publishes a small graph through the real
publication step, so that the test runs in seconds; what is under test is who builds, how often, and what the
requests get meanwhile.
"""

import threading
import time

import pytest

from server.app import create_app
from server.graph import on_demand
from server.sparql import executor_of

from .publishing import publish_tiny

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def builds(monkeypatch):
    calls = []

    def stand_in(target, reasoner="owlrl"):
        calls.append(threading.current_thread().name)
        time.sleep(1.0)
        publish_tiny(target, 3)

    monkeypatch.setattr("server.graph.build.build", stand_in)
    return calls


def _concurrently(client, n=4):
    replies, threads = [], []

    def ask():
        start = time.monotonic()
        resp = client.post("/sparql", data={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
        replies.append((resp, time.monotonic() - start))

    for _ in range(n):
        threads.append(threading.Thread(target=ask))
        threads[-1].start()
    for t in threads:
        t.join(timeout=30)
    return replies


def _count(resp) -> int:
    return int(resp.get_json()["results"]["bindings"][0]["n"]["value"])


def _app(target):
    return create_app({"TESTING": True, "PUBLISHED_DIR": str(target), "BUILD_IF_MISSING": True, "QUERY_WORKERS": 1})


def test_missing_graph_concurrent_requests_get_503_while_one_builder_works(tmp_path, builds):
    app = _app(tmp_path / "published")
    client = app.test_client()
    try:
        replies = _concurrently(client)
        for resp, seconds in replies:
            assert resp.status_code == 503 and int(resp.headers["Retry-After"]) > 0
            assert "being built" in resp.get_data(as_text=True) and seconds < 0.9
        page = client.get("/id/municipality/082368")
        assert page.status_code == 503 and page.headers["Retry-After"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            resp = client.post("/sparql", data={"query": COUNT})
            if resp.status_code == 200:
                break
            time.sleep(0.2)
        assert resp.status_code == 200 and _count(resp) == 3
        assert builds == ["fukushi-kg-build"]  # one build, on the builder thread, not in a request
    finally:
        executor_of(app).close()


def test_stale_graph_is_served_while_one_builder_rebuilds(tmp_path, builds, monkeypatch):
    target = tmp_path / "published"
    publish_tiny(target, 2)
    changed = time.time() + 0.5  # an input edited after the dump was written: stale until the rebuild
    monkeypatch.setattr(on_demand, "latest_input_change", lambda: changed)
    app = _app(target)
    client = app.test_client()
    try:
        replies = _concurrently(client)
        assert [(r.status_code, _count(r)) for r, _ in replies] == [(200, 2)] * 4
        assert all(seconds < 0.9 for _, seconds in replies)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _count(client.post("/sparql", data={"query": COUNT})) != 3:
            time.sleep(0.2)
        assert _count(client.post("/sparql", data={"query": COUNT})) == 3
        assert builds == ["fukushi-kg-build"]
    finally:
        executor_of(app).close()
