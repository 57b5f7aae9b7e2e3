"""A rebuilt graph is served without restarting: the worker pool follows the dump."""

import os
import shutil

from server.app import create_app
from server.sparql import executor_of

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(client) -> int:
    resp = client.post("/sparql", data={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert resp.status_code == 200, resp.data
    return int(resp.get_json()["results"]["bindings"][0]["n"]["value"])


def test_queries_answer_from_the_rebuilt_dump(published_dir, tmp_path):
    published = tmp_path / "published"
    shutil.copytree(published_dir, published)
    app = create_app({"TESTING": True, "PUBLISHED_DIR": str(published), "BUILD_IF_MISSING": False, "QUERY_WORKERS": 1})
    client = app.test_client()
    try:
        before = _count(client)
        assert before > 15000
        dump = published / "fukushi-kg.nt"
        fresh = tmp_path / "fresh.nt"
        fresh.write_text(
            "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
            "<https://example.org/a> <https://example.org/b> <https://example.org/d> .\n",
            encoding="utf-8",
        )
        os.replace(fresh, dump)  # as the build swaps its output in
        stat = dump.stat()
        os.utime(dump, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
        assert _count(client) == 2
        assert len(executor_of(app).worker_pids()) == 1  # the old worker is gone, not kept beside the new one
    finally:
        executor_of(app).close()
