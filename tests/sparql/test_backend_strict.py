"""Backend mode as strict as local: the front reads the whole request and refuses updates, engine prologues and
dataset loading before the engine sees anything; the engine's answer has a total deadline; its errors reach the
client as generic messages (detail in the log); `serve` reports an engine that never answers in one line."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from server.backend.remote import RemoteExecutor
from server.backend.strict import NotForwarded, check
from server.sparql.jobs import Job, QueryTimeout, WorkerFailed

GRAPHS = {"https://w3id.org/fukushi-kg/graph", "https://w3id.org/fukushi-kg/graph/082368"}


class _QuietServer(ThreadingHTTPServer):
    # The client under test gives up on a slow answer by design; the handler's broken pipe would otherwise be
    # printed by socketserver into whichever test's stderr is captured at that moment.
    def handle_error(self, request, client_address):
        pass


class Engine:
    """A fake SPARQL engine: records every request; answers as `behaviour` says."""

    def __init__(self, behaviour: str):
        self.seen: list[bytes] = []
        engine = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                engine.seen.append(self.rfile.read(int(self.headers["Content-Length"])))
                if behaviour == "silent":
                    time.sleep(30)
                    return
                if behaviour == "error":
                    body = b"Virtuoso 28000 Error: connect to db user=dba password=s3cret at http://10.0.0.5:8890"
                    self.send_response(500)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                body = json.dumps({"head": {}, "boolean": True}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if behaviour == "drip":
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.5)
                else:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/sparql"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def engine(request):
    made = []

    def make(behaviour="ok"):
        made.append(Engine(behaviour))
        return made[-1]

    yield make
    for e in made:
        e.close()


@pytest.mark.parametrize(
    "query, status",
    [
        ("SELECT * WHERE {} ; INSERT DATA { <urn:a> <urn:b> <urn:c> }", 400),
        ("SELECT * WHERE { ?s ?p ?o } ;\nDROP ALL", 400),
        ('DEFINE get:soft "replace" SELECT * FROM <http://example.org/x> WHERE { ?s ?p ?o }', 400),
        ("SELECT * FROM <http://example.org/x> WHERE { ?s ?p ?o }", 403),
        ("PREFIX e: <http://example.org/> SELECT * FROM NAMED e:x WHERE { ?s ?p ?o }", 403),
        ('SELECT * WHERE { ?s ?p ?o FILTER(bif:contains(?o, "x")) }', 400),
        ("LOAD <http://example.org/x>", 403),
    ],
)
def test_refused_before_the_engine(engine, query, status):
    fake = engine()
    reply = RemoteExecutor(fake.url, graphs=lambda: GRAPHS).run(Job(query=query))
    assert reply.status == status and fake.seen == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <https://w3id.org/fukushi-kg/graph/082368> WHERE { ?s ?p ?o }",
        'PREFIX fk: <https://w3id.org/fukushi-kg/ontology#> SELECT * { ?s a fk:Plan ; ?p "x"@ja-JP, 1.5e-3, _:b }',
        'SELECT (GROUP_CONCAT(?x; separator=",") AS ?y) WHERE { ?s a ?x }',
    ],
)
def test_standard_queries_go_through(query):
    check(query, GRAPHS)


def test_protocol_dataset_is_held_to_the_graphs_too():
    with pytest.raises(NotForwarded):
        check("ASK {}", GRAPHS, default_graphs=("http://example.org/load-me",))


def test_a_dripping_engine_is_cut_at_the_deadline(engine):
    fake = engine("drip")
    start = time.monotonic()
    with pytest.raises(QueryTimeout):
        RemoteExecutor(fake.url, timeout=1.0).run(Job(query="ASK {}"))
    assert time.monotonic() - start < 2.5


def test_engine_errors_stay_in_the_log(engine, capsys):
    fake = engine("error")
    reply = RemoteExecutor(fake.url).run(Job(query="ASK {}"))
    text = reply.body.decode()
    assert reply.status == 502 and "s3cret" not in text and "10.0.0.5" not in text and "127.0.0.1" not in text
    assert "s3cret" in capsys.readouterr().err  # the operator sees what happened


def test_unreachable_engine_message_names_no_address():
    with pytest.raises(WorkerFailed) as caught:
        RemoteExecutor("http://127.0.0.1:9/sparql").run(Job(query="ASK {}"))
    assert "127.0.0.1" not in str(caught.value) and "cannot be reached" in str(caught.value)


def test_serve_reports_a_silent_engine_in_one_line(engine, published_dir, monkeypatch, capsys):
    from server import cli

    fake = engine("silent")
    monkeypatch.setenv("FUKUSHI_KG_SPARQL_BACKEND", fake.url)
    monkeypatch.setenv("FUKUSHI_KG_PUBLISHED_DIR", str(published_dir))
    monkeypatch.setenv("FUKUSHI_KG_QUERY_TIMEOUT", "1")
    start = time.monotonic()
    assert cli.main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "did not answer within 1 s" in err
    assert time.monotonic() - start < 10
