"""Answers kept per published version (server.sparql.answers): the same job on the same version is evaluated once,
concurrent identical jobs share one evaluation, errors are never kept, a new version is asked afresh, and the
named queries are evaluated once a version is loaded (warm-up)."""

import json
import threading
import time
from urllib.parse import urlencode

import pytest

from server.app import create_app
from server.paths import QUERIES_DIR
from server.sparql import executor_of
from server.sparql.answers import AnswerCache
from server.sparql.executor import Executor
from server.sparql.jobs import Answer, Job, QueryTimeout

from .publishing import publish_tiny

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _wait_for_warm_up(pool, seconds=30):
    deadline = time.monotonic() + seconds
    while not pool.warmed:
        assert time.monotonic() < deadline, "the warm-up did not finish"
        time.sleep(0.05)


def q(**params) -> str:
    return "/sparql?" + urlencode(params)


def _ok(body: bytes = b"x") -> Answer:
    return Answer(200, "application/sparql-results+json", body)


def test_concurrent_identical_jobs_share_one_evaluation():
    cache = AnswerCache(1 << 20)
    release, calls, out = threading.Event(), [], []

    def slow():
        calls.append(1)
        release.wait(5)
        return _ok(b"answer")

    threads = [threading.Thread(target=lambda: out.append(cache.answer("k", slow))) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    release.set()
    for t in threads:
        t.join(5)
    assert len(calls) == 1
    assert sorted(how for _, how in out) == ["evaluated", "shared", "shared", "shared"]
    assert {answer.body for answer, _ in out} == {b"answer"}
    assert cache.answer("k", slow)[1] == "kept" and len(calls) == 1


def test_errors_are_shared_with_the_waiting_but_never_kept():
    cache = AnswerCache(1 << 20)

    def failing():
        raise QueryTimeout("stopped")

    with pytest.raises(QueryTimeout):
        cache.answer("k", failing)
    assert cache.answer("k", lambda: Answer(400, "text/plain", b"bad")) == (
        Answer(400, "text/plain", b"bad"),
        "evaluated",
    )
    assert cache.get("k") is None  # a 400 is not an answer to keep either


def test_the_cache_keeps_to_its_bytes():
    cache = AnswerCache(4096)
    for i in range(20):
        cache.answer(i, lambda: _ok(b"x" * 500))
    assert 0 < len(cache) <= 6
    assert cache.get(19) is not None and cache.get(0) is None  # the least recently used went first
    cache.answer("huge", lambda: _ok(b"x" * 2000))  # over a quarter of the cache: answered, not kept
    assert cache.get("huge") is None


@pytest.fixture
def tiny(tmp_path):
    """A pool of one worker on a published graph of three triples, and the folder it is published in."""
    target = tmp_path / "published"
    publish_tiny(target, 3)
    pool = Executor(target, False, workers=1, timeout=5)
    yield pool, target
    pool.close()


def test_a_new_version_is_asked_afresh(tiny):
    pool, target = tiny
    first = pool.run(Job(COUNT))
    again = pool.run(Job(COUNT))
    assert (first.how, again.how) == ("evaluated", "kept") and again.body == first.body
    assert pool.run(Job(COUNT, solutions_format="csv")).how == "evaluated"  # another job, another answer
    publish_tiny(target, 5)
    deadline = time.monotonic() + 30
    while pool.dump is None or pool.dump.triples != 5:
        assert time.monotonic() < deadline
        pool.run(Job("ASK {}"))
        time.sleep(0.1)
    fresh = pool.run(Job(COUNT))
    assert fresh.how == "evaluated"
    assert json.loads(fresh.body)["results"]["bindings"][0]["n"]["value"] == "5"


def test_service_queries_are_never_kept(tiny):
    pool, _ = tiny
    query = "SELECT * WHERE { OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } } }"
    assert [pool.run(Job(query)).how for _ in range(2)] == ["evaluated", "evaluated"]


def test_the_named_queries_are_answered_from_the_warm_up(published_dir, tmp_path):
    queries = tmp_path / "queries"
    queries.mkdir()
    text = "# Question: how many triples?\n" + COUNT + "\n"
    (queries / "count.rq").write_text(text, encoding="utf-8")
    app = create_app(
        {
            "TESTING": True,
            "PUBLISHED_DIR": str(published_dir),
            "BUILD_IF_MISSING": False,
            "QUERIES_DIR": str(queries),
            "WARM_UP": True,
        }
    )
    pool = executor_of(app)
    try:
        pool.start()
        _wait_for_warm_up(pool)
        assert list(pool.warmed.values())[0][:2] == (1, 1)
        with app.test_client() as client:
            reply = client.get(q(query=text), headers={"Accept": "application/sparql-results+json"})
            assert reply.status_code == 200 and reply.headers["X-Fukushi-Answer"] == "kept"
            assert int(reply.json["results"]["bindings"][0]["n"]["value"]) > 20000
            page = client.get("/query/count", headers={"Accept": "text/html"})  # the query page shares it
            assert page.status_code == 200 and pool.answers.misses == 1
    finally:
        pool.close()


def test_each_questions_first_page_is_kept_by_the_warm_up(published_dir):
    """What /query/<name> shows first (its default parameters, first page) is warmed with the named queries, so
    the first person to open any question is answered from a kept answer."""
    app = create_app({"TESTING": True, "PUBLISHED_DIR": str(published_dir), "BUILD_IF_MISSING": False, "WARM_UP": True})
    pool = executor_of(app)
    names = sorted(p.stem for p in QUERIES_DIR.glob("*.rq"))
    try:
        pool.start()
        _wait_for_warm_up(pool, 120)
        kept, jobs = list(pool.warmed.values())[0][:2]
        assert kept == jobs >= len(names)
        misses = pool.answers.misses
        with app.test_client() as client:
            for name in names:
                assert client.get(f"/query/{name}").status_code == 200, name
        assert pool.answers.misses == misses
    finally:
        pool.close()


def test_the_named_queries_are_warmed_even_when_the_first_pages_cannot_be_made(tiny, capsys):
    pool, _ = tiny
    pool.warm_jobs = (Job(COUNT),)
    pool.first_jobs = lambda: [][0]  # the pages' graph could not be read, say
    pool.start()
    _wait_for_warm_up(pool)
    assert list(pool.warmed.values())[0][:2] == (1, 1)
    assert pool.run(Job(COUNT)).how == "kept"
    assert "first pages were not made" in capsys.readouterr().err


def test_a_first_page_that_is_also_a_named_query_is_warmed_once(tiny):
    pool, _ = tiny
    pool.warm_jobs = (Job(COUNT), Job("ASK {}"))
    pool.first_jobs = lambda: [Job(COUNT)]
    pool.start()
    _wait_for_warm_up(pool)
    assert list(pool.warmed.values())[0][:2] == (2, 2)


def test_pinned_answers_outlast_the_others():
    cache = AnswerCache(4096)
    cache.answer("named", lambda: _ok(b"n" * 1500), pin=True)  # over a quarter of the cache: pinned all the same
    for i in range(20):
        cache.answer(i, lambda: _ok(b"x" * 500))
    assert cache.get("named").body == b"n" * 1500
    cache.clear()
    assert cache.get("named") is None


def test_the_warm_up_evaluates_a_query_whose_shared_evaluation_was_stopped(tiny):
    pool, target = tiny
    pool.start()
    generation, job = pool._generation, Job(COUNT)
    release, outcome = threading.Event(), []

    def clients_evaluation():  # under way when the warm-up comes, then stopped by the client's timeout
        release.wait(5)
        raise QueryTimeout("stopped")

    def client():
        try:
            pool.answers.answer((generation, job), clients_evaluation)
        except QueryTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=client)
    thread.start()
    time.sleep(0.1)
    worker = pool._spawn(pool.dump, generation, spare=True)
    pool._await_ready(worker, pool.dump)
    threading.Timer(0.3, release.set).start()
    assert pool._warm_one(generation, job, worker) is True  # waited, saw the stop, evaluated it itself
    thread.join(5)
    assert outcome and pool.answers.get((generation, job)).status == 200
    pool._forget(worker)


def test_keys_hold_no_query_text():
    """1,000 distinct 64 KiB queries: the cache holds digests, so what it keeps is its answers, not the texts."""
    import sys

    cache = AnswerCache(1 << 20)
    for n in range(1000):
        job = Job(query=f"ASK {{}} # {n} " + "x" * (64 << 10))
        cache.answer((1, job), lambda: _ok(b"true"))
    assert all(isinstance(k, bytes) and len(k) == 32 for k in cache._items)
    held = sum(sys.getsizeof(k) for k in cache._items) + sum(len(a.body) for a in cache._items.values())
    assert held < 200_000 and cache._bytes <= cache.max_bytes
    job = Job(query="ASK {} # 999 " + "x" * (64 << 10))
    assert cache.get((1, job)) is not None  # the same job finds its answer by digest


def test_the_warm_up_worker_runs_at_the_lowest_priority(published_dir, tmp_path, monkeypatch):
    """The warm-up evaluates every named question while clients ask theirs: its worker yields the CPU to the
    pool's workers (on a 2-core machine it had taken their time)."""
    import os

    from server.sparql import kept

    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "count.rq").write_text("# Question: how many triples?\n" + COUNT + "\n", encoding="utf-8")
    seen = []
    real = kept.lower_priority

    def watched(worker):
        real(worker)
        seen.append(os.getpriority(os.PRIO_PROCESS, worker.process.pid))

    monkeypatch.setattr(kept, "lower_priority", watched)
    config = {"TESTING": True, "PUBLISHED_DIR": str(published_dir), "BUILD_IF_MISSING": False}
    app = create_app(dict(config, QUERIES_DIR=str(queries), WARM_UP=True))
    pool = executor_of(app)
    try:
        pool.start()
        _wait_for_warm_up(pool)
        assert seen == [19]
        ours = os.getpriority(os.PRIO_PROCESS, os.getpid())
        assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in pool.worker_pids()] == [ours] * pool.size
    finally:
        pool.close()
