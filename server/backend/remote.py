"""Answering /sparql from an existing SPARQL 1.1 endpoint (`SPARQL_BACKEND`), behind the same front.

The front keeps every rule of its own: the protocol, read-only and SERVICE/FROM checks (server.sparql.safety run
before any executor), the row cap and its signal, the error statuses. This executor only forwards the checked
query with the SPARQL 1.1 Protocol (POST, form-encoded, which every engine accepts), asks for SPARQL JSON results
or N-Triples, parses the answer with pyoxigraph and serialises it with the same code as the local workers
(server.sparql.jobs.answer), so a client cannot tell the two apart but by speed.

Before anything is sent, the whole text is checked (server.backend.strict): one standard query, no update, no
engine-specific prologue, no graph this server does not publish. The timeout is enforced here as well as by the
engine: the whole exchange must end within QUERY_TIMEOUT (a total deadline, not a per-read timeout), or the
connection is dropped and the client gets the same 503 as a local timeout. Engine errors reach the client as
generic 400/502/503 messages; their detail goes to the server log. Engines stop the query on their side
by their own setting (`oxigraph serve --timeout-s`, Fuseki's `arq:queryTimeout`, Virtuoso's MaxQueryExecutionTime).
"""

import http.client
import socket
import sys
import threading
import urllib.parse

import pyoxigraph as ox

from server.backend.strict import NotForwarded, check
from server.sparql.jobs import Answer, Job, QueryTimeout, WorkerFailed, answer

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
}
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
CHUNK = 1 << 16
TEXT = "text/plain; charset=utf-8"
# What a client is told; what happened (the engine's own words, its address) goes to the server log only: an
# engine's error page can hold its configuration, a password in a connection string, its internal URL.
REFUSED = "Query syntax error: the SPARQL engine refused the query (the detail is in the server log)"
FAILED = "Bad gateway: the SPARQL engine failed to answer (the detail is in the server log)"
UNREACHABLE = "the SPARQL engine cannot be reached (the detail is in the server log)"


class BackendAnswerTooLarge(Exception):
    pass


class _Deadline(Exception):
    pass


def _log(message: str) -> None:
    print(f"fukushi-kg: backend: {message[:2000]}", file=sys.stderr, flush=True)


class RemoteExecutor:
    """Queries answered by a remote SPARQL endpoint. Thread-safe: each call is its own HTTP exchange."""

    def __init__(
        self,
        endpoint: str,
        timeout: float = 5.0,
        max_bytes: int = 256 << 20,
        headers: dict | None = None,
        graphs=lambda: (),
    ):
        self.endpoint = endpoint
        self.timeout = float(timeout)
        self.max_bytes = int(max_bytes)  # an answer larger than this is refused rather than held in memory
        self.headers = headers or {}
        self.graphs = graphs  # () -> the IRIs of the graphs this server publishes (FROM may name only these)
        self.replacements = 0

    def start(self) -> None:
        """Nothing to start: the engine runs elsewhere. `serve` calls this; it checks the engine answers, within
        the query timeout (an engine that accepts and never answers is reported in one line)."""
        try:
            self.run(Job(query="ASK {}"))
        except QueryTimeout as exc:
            raise WorkerFailed(f"the SPARQL engine did not answer within {self.timeout:g} s") from exc

    def close(self) -> None:
        pass

    def worker_pids(self) -> list[int]:
        return []

    def run(self, job: Job, client: str = "-") -> Answer:  # `client`: the fair scheduler is the engine's business
        try:
            allowed = {job.whole_graph, *self.graphs()} - {None}
            check(job.query, allowed, job.default_graphs, job.named_graphs, job.base_iri)
        except NotForwarded as exc:
            return Answer(exc.status, TEXT, str(exc).encode("utf-8"))
        params = [("query", job.query)]
        params += [("default-graph-uri", g) for g in job.default_graphs or ()]
        params += [("named-graph-uri", g) for g in job.named_graphs or ()]
        body = urllib.parse.urlencode(params).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT, **self.headers}
        try:
            status, media_type, data = self._exchange(body, headers)
        except _Deadline as exc:
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped") from exc
        except BackendAnswerTooLarge as exc:
            return Answer(502, TEXT, str(exc).encode())
        except (OSError, http.client.HTTPException) as exc:
            _log(f"{self.endpoint} cannot be reached: {exc}")
            raise WorkerFailed(UNREACHABLE) from exc
        if 400 <= status < 500:
            _log(f"{self.endpoint} answered HTTP {status}: {data[: 64 << 10].decode('utf-8', 'replace')}")
            return Answer(400, TEXT, REFUSED.encode())
        if status != 200:
            _log(f"{self.endpoint} answered HTTP {status}: {data[: 64 << 10].decode('utf-8', 'replace')}")
            return Answer(502, TEXT, FAILED.encode())
        result = answer(lambda: _parse(data, media_type), job)
        if result.status not in (200, 406):  # the engine's answer could not be read: its text stays in the log
            _log(f"{self.endpoint}: unreadable answer ({media_type}): {result.body[:2000].decode('utf-8', 'replace')}")
            return Answer(502, TEXT, FAILED.encode())
        return result

    def _exchange(self, body: bytes, headers: dict) -> tuple[int, str, bytes]:
        """(status, media type, body) of one POST, all of it within `timeout` seconds in total: a timer shuts the
        socket at the deadline, so an engine that sends a byte now and then cannot hold the client longer (a
        per-read timeout would let it hold one for ever)."""
        url = urllib.parse.urlsplit(self.endpoint)
        kind = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        conn = kind(url.hostname, url.port, timeout=self.timeout)
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        expired = threading.Event()
        held = []  # the socket (http.client lets go of it once a response that closes the connection starts)

        def cut():
            expired.set()
            for sock in held:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        timer = threading.Timer(self.timeout, cut)
        timer.daemon = True
        timer.start()
        try:
            conn.connect()
            held.append(conn.sock)
            if expired.is_set():
                raise _Deadline
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            data = self._read(response)
            return response.status, response.headers.get_content_type(), data
        except (OSError, http.client.HTTPException) as exc:
            if expired.is_set() or isinstance(exc, TimeoutError):
                raise _Deadline from exc
            raise
        finally:
            timer.cancel()
            conn.close()
            if expired.is_set():
                raise _Deadline

    def _read(self, response) -> bytes:
        chunks, size = [], 0
        while chunk := response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise BackendAnswerTooLarge(f"the SPARQL engine's answer is larger than {self.max_bytes:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


def _parse(body: bytes, media_type: str):
    if media_type in RESULT_FORMATS:
        return ox.parse_query_results(body, format=RESULT_FORMATS[media_type])
    if media_type in GRAPH_FORMATS:
        return ox.parse(body, format=GRAPH_FORMATS[media_type])
    raise ValueError(f"the SPARQL engine answered in {media_type}, which this front does not read")
