"""Answering /sparql from an existing SPARQL 1.1 endpoint (`SPARQL_BACKEND`), behind the same front.

The front keeps every rule of its own: the protocol, read-only and SERVICE/FROM checks (server.sparql.safety run
before any executor), the row cap and its signal, the error statuses. This executor only forwards the checked
query with the SPARQL 1.1 Protocol (POST, form-encoded, which every engine accepts), asks for SPARQL JSON results
or N-Triples, parses the answer with pyoxigraph and serialises it with the same code as the local workers
(server.sparql.jobs.answer), so a client cannot tell the two apart but by speed.

The timeout is enforced here as well as by the engine: the whole exchange must end within QUERY_TIMEOUT, or the
connection is dropped and the client gets the same 503 as a local timeout. Engines stop the query on their side
by their own setting (`oxigraph serve --timeout-s`, Fuseki's `arq:queryTimeout`, Virtuoso's MaxQueryExecutionTime).
"""

import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

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


class BackendAnswerTooLarge(Exception):
    pass


class RemoteExecutor:
    """Queries answered by a remote SPARQL endpoint. Thread-safe: each call is its own HTTP exchange."""

    def __init__(self, endpoint: str, timeout: float = 5.0, max_bytes: int = 256 << 20, headers: dict | None = None):
        self.endpoint = endpoint
        self.timeout = float(timeout)
        self.max_bytes = int(max_bytes)  # an answer larger than this is refused rather than held in memory
        self.headers = headers or {}
        self.replacements = 0

    def start(self) -> None:
        """Nothing to start: the engine runs elsewhere. `serve` calls this; it checks the engine answers."""
        self.run(Job(query="ASK {}"))

    def close(self) -> None:
        pass

    def worker_pids(self) -> list[int]:
        return []

    def run(self, job: Job, client: str = "-") -> Answer:  # `client`: the fair scheduler is the engine's business
        params = [("query", job.query)]
        params += [("default-graph-uri", g) for g in job.default_graphs or ()]
        params += [("named-graph-uri", g) for g in job.named_graphs or ()]
        request = urllib.request.Request(
            self.endpoint,
            data=urllib.parse.urlencode(params).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT, **self.headers},
        )
        deadline = time.monotonic() + self.timeout
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = self._read(response, deadline)
                media_type = response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            detail = exc.read(64 << 10).decode("utf-8", "replace").strip()
            if 400 <= exc.code < 500:
                return Answer(400, "text/plain; charset=utf-8", f"Bad request (SPARQL engine): {detail}".encode())
            raise WorkerFailed(f"the SPARQL engine answered HTTP {exc.code}: {detail[:300]}") from exc
        except TimeoutError as exc:
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped") from exc
        except BackendAnswerTooLarge as exc:
            return Answer(502, "text/plain; charset=utf-8", str(exc).encode())
        except (urllib.error.URLError, OSError) as exc:
            raise WorkerFailed(f"the SPARQL engine at {self.endpoint} cannot be reached ({exc})") from exc
        return answer(lambda: _parse(body, media_type), job)

    def _read(self, response, deadline: float) -> bytes:
        chunks, size = [], 0
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise BackendAnswerTooLarge(f"the SPARQL engine's answer is larger than {self.max_bytes:,} bytes")
            if time.monotonic() > deadline:
                raise TimeoutError
            chunks.append(chunk)
        return b"".join(chunks)


def _parse(body: bytes, media_type: str):
    if media_type in RESULT_FORMATS:
        return ox.parse_query_results(body, format=RESULT_FORMATS[media_type])
    if media_type in GRAPH_FORMATS:
        return ox.parse(body, format=GRAPH_FORMATS[media_type])
    raise ValueError(f"the SPARQL engine answered in {media_type}, which this front does not read")
