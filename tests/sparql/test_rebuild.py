"""A rebuilt graph is served without restarting: the worker pool follows the dump."""

import shutil

from server.app import create_app
from server.graph.dumps import write_dumps
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
        fresh = (
            b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
            b"<https://example.org/a> <https://example.org/b> <https://example.org/d> .\n"
        )
        write_dumps(fresh, published, {})  # the build's own publication step: dumps and store swapped in at once
        assert _count(client) == 2
        assert len(executor_of(app).worker_pids()) == 1  # the old worker is gone, not kept beside the new one
    finally:
        executor_of(app).close()
