"""Publication: a rebuilt graph is served without a restart, a damaged one never is, and a switch loses no query.

Each test publishes into its own folder: a copy of the session's build as the first version, then small graphs
written by the real publication step (server.graph.dumps.write_dumps).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from server.app import create_app
from server.graph import dumps
from server.published import DumpInvalid, verified_dump, versions_dir
from server.sparql import executor_of

from .publishing import publish_tiny

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def own_published(published_dir, tmp_path) -> Path:
    """tmp_path/published, a link to a copy of the session's build as its first version."""
    target = tmp_path / "published"
    version = versions_dir(target) / "1-session"
    shutil.copytree(os.path.realpath(published_dir), version)
    dumps.publish(version, target)
    return target


def _count(client) -> int:
    resp = client.post("/sparql", data={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200, resp.data
    return int(resp.get_json()["results"]["bindings"][0]["n"]["value"])


def _until(predicate, limit=10.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


def _app(published, **extra):
    config = {"TESTING": True, "PUBLISHED_DIR": str(published), "BUILD_IF_MISSING": False, "QUERY_WORKERS": 1}
    return create_app(config | extra)


def _damaged_version(target: Path, cut) -> Path:
    """Publish a copy of the current version whose N-Triples dump `cut` shortened; build-info.json unchanged."""
    current = Path(os.path.realpath(target))
    version = versions_dir(target) / f"{time.time_ns()}-damaged"
    shutil.copytree(current, version)
    nt = (version / "fukushi-kg.nt").read_bytes()
    (version / "fukushi-kg.nt").write_bytes(cut(nt))
    dumps.publish(version, target)
    return version / "fukushi-kg.nt"


AT_LINE = {"at a line boundary": lambda nt: nt[: nt.index(b"\n", len(nt) // 2) + 1], "mid-line": lambda nt: nt[:-7]}


def test_queries_answer_from_the_rebuilt_dump(own_published):
    app = _app(own_published)
    client = app.test_client()
    whole = verified_dump(own_published).triples  # the session build, as its record says
    try:
        assert _count(client) == whole
        before = executor_of(app).worker_pids()
        publish_tiny(own_published, 2)
        assert _until(lambda: _count(client) == 2)
        after = executor_of(app).worker_pids()
        assert len(after) == 1 and after != before  # the old worker is gone, not kept beside the new one
    finally:
        executor_of(app).close()


@pytest.mark.parametrize("cut", AT_LINE.values(), ids=AT_LINE.keys())
def test_a_damaged_dump_is_never_switched_to(own_published, cut, capfd):
    app = _app(own_published)
    client = app.test_client()
    whole = verified_dump(own_published).triples  # the session build, as its record says
    try:
        page = "/id/municipality/082368"
        assert _count(client) == whole and client.get(page, headers={"Accept": "text/turtle"}).status_code == 200
        damaged = _damaged_version(own_published, cut)
        for _ in range(5):  # the check runs in the background; the old graph answers meanwhile and after
            assert _count(client) == whole
            time.sleep(0.1)
        assert _until(lambda: str(damaged) in capfd.readouterr().err)
        assert client.get(page, headers={"Accept": "text/turtle"}).status_code == 200
        assert _count(client) == whole
    finally:
        executor_of(app).close()


@pytest.mark.parametrize("cut", AT_LINE.values(), ids=AT_LINE.keys())
def test_a_damaged_dump_is_refused_naming_the_file(own_published, cut, capfd):
    damaged = _damaged_version(own_published, cut)
    with pytest.raises(DumpInvalid, match=str(damaged)):
        verified_dump(own_published)
    app = _app(own_published)
    try:
        reply = app.test_client().post("/sparql", data={"query": COUNT})
        text = reply.get_data(as_text=True)
        assert reply.status_code == 503 and "failed its check" in text
        assert str(own_published.parent) not in text  # server paths go to the log only
        assert str(damaged) in capfd.readouterr().err
    finally:
        executor_of(app).close()


def test_serve_on_a_damaged_dump_exits_with_one_line(own_published):
    damaged = _damaged_version(own_published, AT_LINE["mid-line"])
    env = dict(os.environ, FUKUSHI_KG_PUBLISHED_DIR=str(own_published), FUKUSHI_KG_BUILD_IF_MISSING="false")
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(damaged) in lines[0] and lines[0].startswith("error: ")


def test_queued_and_running_queries_finish_across_switches(own_published):
    app = _app(own_published, QUERY_WORKERS=2, CLIENT_QUERIES=100)
    client = app.test_client()
    statuses = []
    try:
        _count(client)

        def ask():
            for _ in range(12):
                resp = client.post("/sparql", data={"query": COUNT})
                statuses.append(resp.status_code)

        threads = [threading.Thread(target=ask) for _ in range(6)]
        for t in threads:
            t.start()
        for n in (3, 4, 5):  # three switches while the queries run
            publish_tiny(own_published, n)
            time.sleep(0.4)
        for t in threads:
            t.join(timeout=60)
        assert len(statuses) == 72 and set(statuses) == {200}
        assert _until(lambda: _count(client) == 5)
    finally:
        executor_of(app).close()


KILLER = """
import os, signal, sys
from pathlib import Path
sys.path[:0] = [{root!r}, {root!r} + "/tests"]
from sparql.publishing import publish_tiny
real_replace, real_rename = os.replace, os.rename
def dying(step):
    def call(*args, **kwargs):
        # Die at the publication's own step: the link swapped over the target, or the staging folder renamed.
        if step == {step!r} and (step == "rename" or str(args[1]) == {target!r}):
            os.kill(os.getpid(), signal.SIGKILL)
        return (real_replace if step == "replace" else real_rename)(*args, **kwargs)
    return call
os.replace, os.rename = dying("replace"), dying("rename")
publish_tiny(Path({target!r}), 3)
"""


@pytest.mark.parametrize("step", ["rename", "replace"])
def test_a_kill_during_publication_leaves_the_old_graph_and_no_leftovers(own_published, step):
    before = verified_dump(own_published)
    code = KILLER.format(root=str(ROOT), step=step, target=str(own_published))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == -signal.SIGKILL
    after = verified_dump(own_published)  # still there, whole, and the same
    assert after is not None and after.sha256 == before.sha256
    versions = versions_dir(own_published)
    assert any(p.name.startswith(("staging-", "link-")) for p in versions.iterdir())  # what the kill left
    publish_tiny(own_published, 2)
    assert verified_dump(own_published).triples == 2
    assert not any(p.name.startswith(("staging-", "link-")) for p in versions.iterdir())


def test_publication_is_a_link_with_umask_permissions(tmp_path):
    target = tmp_path / "published"
    old = os.umask(0o027)
    try:
        publish_tiny(target, 2)
    finally:
        os.umask(old)
    assert target.is_symlink()
    folder = Path(os.path.realpath(target))
    assert folder.parent == versions_dir(target)
    assert folder.stat().st_mode & 0o777 == 0o750
    assert (folder / "fukushi-kg.nt").stat().st_mode & 0o777 == 0o640
    for n in (3, 4, 5, 6):
        publish_tiny(target, n)
    kept = [p for p in versions_dir(target).iterdir() if p.is_dir()]
    assert len(kept) == dumps.KEEP_VERSIONS and Path(os.path.realpath(target)) in kept


def test_a_plain_folder_from_before_versioning_is_taken_over(published_dir, tmp_path):
    target = tmp_path / "published"
    shutil.copytree(os.path.realpath(published_dir), target)  # the previous layout: dumps in a real folder
    publish_tiny(target, 2)
    assert target.is_symlink() and verified_dump(target).triples == 2


def test_a_worker_stopped_by_two_threads_at_once_closes_its_descriptor_once():
    """close() and the thread forgetting a worker that failed to start may stop it together (a CI run closed the
    same descriptor twice: EBADF, or worse, another socket's number given out again in between)."""
    from server.sparql.pool import _Worker

    ours, theirs = socket.socketpair()
    theirs.close()
    conn = Connection(ours.detach())
    closes = []

    def slow_close(handle=conn._handle):
        closes.append(handle)
        time.sleep(0.2)  # both threads are inside close() unless stop() lets only one in
        os.close(handle)

    conn._close = slow_close
    worker = _Worker(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]), conn)
    errors = []

    def stop():
        try:
            worker.stop()
        except OSError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=stop) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(closes) == 1 and conn.closed and not worker.alive
