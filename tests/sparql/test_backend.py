"""An existing engine behind the same front: `fukushi-kg publish` puts each plan's graph into Oxigraph server with
the Graph Store Protocol, and the app answers /sparql from it with the same answers, limits and refusals."""

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import rdflib

from server import cli
from server.app import create_app
from server.backend.graphs import graph_iri
from server.backend.publish import publish
from server.paths import QUERIES_DIR
from server.published import read_build_info

ACCEPT_JSON = {"Accept": "application/sparql-results+json"}
BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
FK = "https://w3id.org/fukushi-kg/ontology#"
KEYS = {"082368", "141500", "142069", "352136", "402036", "shared", "summary", "requirement-verdicts"}


def _oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    assert Path(found).exists(), "the `oxigraph` command (PyPI package oxigraph, in the test extra) is missing"
    return found


def _ask_engine(url: str, query: str) -> dict:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=data, headers=ACCEPT_JSON, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _q(query: str) -> str:
    return "?" + urllib.parse.urlencode({"query": query})


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """Oxigraph server on a free loopback port, its default graph the union of the named graphs."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    location = tmp_path_factory.mktemp("oxigraph")
    command = [
        _oxigraph(),
        "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            _ask_engine(base + "/query", "ASK {}")
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "oxigraph serve did not start"
            time.sleep(0.1)
    yield {"query": base + "/query", "store": base + "/store"}
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def published(engine, published_dir):
    return publish(engine["store"], published_dir)


def test_publish_puts_one_graph_per_plan(engine, published, published_dir):
    expected = read_build_info(published_dir)["graphs"]
    assert set(expected) == KEYS
    assert {(p.key, p.graph) for p in published} == {(key, graph_iri(key)) for key in KEYS}
    assert all(200 <= p.status < 300 for p in published)
    rows = _ask_engine(engine["query"], BY_GRAPH)["results"]["bindings"]
    assert {r["g"]["value"]: int(r["n"]["value"]) for r in rows} == {
        graph_iri(key): meta["triples"] for key, meta in expected.items()
    }


def test_one_plan_is_republished_alone_by_the_command(engine, published, published_dir, capsys):
    args = ["publish", "--to", engine["store"], "--published", str(published_dir), "--only", "402036"]
    assert cli.main(args) == 0
    size = (published_dir / "graphs" / "402036.nt").stat().st_size
    assert capsys.readouterr().out.strip().splitlines() == [f"PUT {graph_iri('402036')}: HTTP 204, {size:,} bytes"]
    rows = _ask_engine(engine["query"], BY_GRAPH)["results"]["bindings"]
    assert len(rows) == len(KEYS)  # replaced, not added beside


def test_publish_to_nowhere_fails_with_one_line(published_dir, capsys):
    assert cli.main(["publish", "--to", "http://127.0.0.1:9/store", "--published", str(published_dir)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: PUT ")


def test_publish_unknown_graph_is_an_error(engine, published_dir, capsys):
    assert cli.main(["publish", "--to", engine["store"], "--published", str(published_dir), "--only", "999999"]) == 2
    assert "no published graph for 999999" in capsys.readouterr().err


@pytest.fixture(scope="module")
def fronts(engine, published, published_dir, _serve):
    """Our app in front of the engine: as in production, and with tight limits for the safety checks."""

    def make(**limits):
        config = {"TESTING": True, "PUBLISHED_DIR": str(published_dir), "BUILD_IF_MISSING": False}
        return _serve(create_app({**config, "SPARQL_BACKEND": engine["query"], **limits}))

    return make(QUERY_TIMEOUT=10.0), make(QUERY_TIMEOUT=1.0, MAX_ROWS=5)


def _rows(reply) -> list:
    doc = json.loads(reply.body)
    return sorted(json.dumps(b, sort_keys=True, ensure_ascii=False) for b in doc["results"]["bindings"])


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES_DIR.glob("*.rq")))
def test_competency_queries_answer_alike_through_the_engine(name, fronts, live, http):
    body = urllib.parse.urlencode({"query": (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **ACCEPT_JSON}
    ours, theirs = http("POST", live.endpoint, body, headers), http("POST", fronts[0].endpoint, body, headers)
    assert ours.status == theirs.status == 200
    assert _rows(theirs) == _rows(ours) and _rows(ours)


def test_graph_answers_come_through_as_turtle(fronts, http):
    query = "CONSTRUCT { ?c ?p ?o } WHERE { ?c a <https://w3id.org/fukushi-kg/ontology#Municipality> ; ?p ?o }"
    reply = http("GET", fronts[0].endpoint + _q(query))
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=reply.text, format="turtle")
    cities = {str(c) for c in graph.subjects(rdflib.RDF.type, rdflib.URIRef(FK + "Municipality"))}
    assert cities == {
        f"https://w3id.org/fukushi-kg/id/municipality/{code}"
        for code in KEYS - {"shared", "summary", "requirement-verdicts"}
    }


def test_update_is_refused_before_the_engine(fronts, http, engine):
    update = "INSERT DATA { <urn:x> <urn:y> <urn:z> }"
    reply = http("POST", fronts[0].endpoint, update.encode(), {"Content-Type": "application/sparql-update"})
    assert reply.status == 403
    assert _ask_engine(engine["query"], "ASK { <urn:x> ?p ?o }")["boolean"] is False


def test_service_is_refused_before_the_engine(fronts, http, listener):
    reply = http("GET", fronts[0].endpoint + _q(f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"))
    assert reply.status in (400, 403) and "SERVICE" in reply.text
    assert listener.connections == []


def test_malformed_query_is_400_with_the_parsers_message(fronts, http):
    reply = http("GET", fronts[0].endpoint + _q("SELECT WHERE {"))
    assert reply.status == 400 and "error" in reply.text.lower()


def test_row_cap_and_its_signal_hold(fronts, http):
    reply = http("GET", fronts[1].endpoint + _q("SELECT * WHERE { ?s ?p ?o } LIMIT 20"), None, ACCEPT_JSON)
    assert reply.status == 200 and reply.headers["x-fukushi-truncated"] == "true"
    doc = json.loads(reply.body)
    assert doc["truncated"] is True and len(doc["results"]["bindings"]) == 5


def test_runaway_query_is_stopped_on_our_side(fronts, http):
    start = time.monotonic()
    reply = http("GET", fronts[1].endpoint + _q("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"))
    assert reply.status == 503 and "timed out" in reply.text
    assert time.monotonic() - start < 3.0


def test_unreachable_engine_is_503_not_a_traceback(published_dir, _serve, http):
    config = {"TESTING": True, "PUBLISHED_DIR": str(published_dir), "BUILD_IF_MISSING": False}
    front = _serve(create_app({**config, "SPARQL_BACKEND": "http://127.0.0.1:9/query"}))
    reply = http("GET", front.endpoint + _q("ASK {}"))
    assert reply.status == 503 and "cannot be reached" in reply.text


def test_publish_answers_an_auth_challenge(published_dir, monkeypatch, capsys):
    """A Graph Store that asks for HTTP Basic auth (as Fuseki behind Shiro does) gets the user and password."""
    import base64
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen = []

    class Store(BaseHTTPRequestHandler):
        def do_PUT(self):  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Authorization") != "Basic " + base64.b64encode(b"loader:s3cret").decode():
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="store"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            seen.append(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["graph"][0])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Store)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/store"
    try:
        args = ["publish", "--to", url, "--published", str(published_dir), "--only", "082368"]
        assert cli.main(args) == 2 and "HTTP 401" in capsys.readouterr().err
        monkeypatch.setenv("FUKUSHI_KG_PUBLISH_PASSWORD", "s3cret")
        assert cli.main([*args, "--user", "loader"]) == 0
        assert seen == [graph_iri("082368")]
    finally:
        server.shutdown()
