"""The SPARQL 1.1 Protocol endpoint (a Flask Blueprint): request parsing, content negotiation and errors.

Queries arrive by GET, by POST form (application/x-www-form-urlencoded) or by POST direct
(application/sparql-query). Anything else the protocol forbids or this read-only endpoint refuses is answered
with a 4xx and a plain-text message; the message is the parser's own where there is one.
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, request
from werkzeug.exceptions import RequestEntityTooLarge

from server.published import DumpInvalid, GraphNotBuilt
from server.sparql import negotiation, results, safety, service_description
from server.sparql.executor import Executor
from server.sparql.jobs import Job, NoWorkerFree, OverShare, QueryTimeout, QueryTooLarge, WorkerFailed

FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
TRUNCATED_HEADER = "X-Fukushi-Truncated"
ANSWER_HEADER = "X-Fukushi-Answer"  # evaluated, or kept / shared: from the answer cache (server.sparql.answers)

# `format` parameter values (for browsers, and the ones SPARQLWrapper sends) -> (solutions key, graph key).
FORMAT_NAMES = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "n3": (None, "turtle"),  # Turtle is N3 too
    "nt": (None, "ntriples"),
    "ntriples": (None, "ntriples"),
    "n-triples": (None, "ntriples"),
    "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"),
    "rdf": (None, "rdfxml"),
    "rdfxml": (None, "rdfxml"),
    "rdf+xml": (None, "rdfxml"),
    "rdf/xml": (None, "rdfxml"),
}


@dataclass(frozen=True)
class Settings:
    base_iri: str | None
    max_rows: int | None
    service_allowlist: tuple[str, ...]
    graph_iri: str
    triples: Callable[[], int | None]  # for the service description
    graphs: Callable[[], dict] = dict  # named graph IRI -> its triples, for the service description
    max_body: int = 1 << 20
    max_bytes: int | None = None


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class SparqlRequest:
    query: str | None
    updates: int
    default_graphs: list[str]
    named_graphs: list[str]
    formats: list[str]


def create_blueprint(executor: Executor, settings: Settings) -> Blueprint:
    """A mountable endpoint at /sparql answering from `executor`."""
    bp = Blueprint("sparql", __name__)

    @bp.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
    def sparql():
        if request.method == "OPTIONS":
            return _preflight()
        if _browser_wants_page():  # a person following a link: the query page, with the query in the editor
            target = request.script_root + "/query"
            return redirect(
                target + ("?" + urlencode({"query": request.args["query"]}) if "query" in request.args else ""), 303
            )
        try:
            return _answer(executor, settings)
        except ProtocolError as exc:
            return _error(exc.status, exc.message, exc.headers)

    return bp


def _browser_wants_page() -> bool:
    """A browser's GET (no `format`, text/html named in Accept) that would otherwise get no page a person can
    read: the bare endpoint, when text/html ranks above every RDF and result type, or a query for which Accept
    admits no result format at all (which would be a 406). SPARQL clients never name text/html."""
    if request.method != "GET" or "format" in request.args:
        return False
    accept = request.accept_mimetypes
    if not any(value == "text/html" for value, _ in accept):
        return False
    offers = results.offers(results.SOLUTION_FORMATS) + results.offers(results.GRAPH_FORMATS)
    if "query" not in request.args:
        best_data = max((q for value, q in accept if value in {m for m, _ in offers}), default=0)
        return accept["text/html"] > best_data
    header = request.headers.get("Accept")
    return not any(
        negotiation.choose(header, results.offers(kind)) for kind in (results.SOLUTION_FORMATS, results.GRAPH_FORMATS)
    )


def _answer(executor: Executor, settings: Settings) -> Response:
    if request.method not in ("GET", "HEAD", "POST"):
        raise ProtocolError(
            405, f"{request.method} is not allowed: send queries by GET or POST", {"Allow": "GET, POST"}
        )
    req = parse_request(settings.max_body)
    if req.updates:
        if request.method == "POST":
            raise ProtocolError(403, "SPARQL Update is not accepted: this endpoint is read-only")
        raise ProtocolError(400, "an update cannot be sent by GET (and this endpoint is read-only)")
    solutions_key, graph_key = choose_formats(req.formats)
    if req.query is None:
        if request.method == "POST":
            raise ProtocolError(
                400, "no query: send it as the `query` parameter or as an application/sparql-query body"
            )
        return _service_description(settings, graph_key)
    try:
        form, bound = safety.checked(req.query, settings.service_allowlist, settings.base_iri)
    except safety.Refused as exc:
        raise ProtocolError(exc.status, exc.message) from exc
    if form in ("SELECT", "ASK") and solutions_key is None:
        raise ProtocolError(406, _not_acceptable("SPARQL results", results.SOLUTION_FORMATS))
    if form in ("CONSTRUCT", "DESCRIBE") and graph_key is None:
        raise ProtocolError(406, _not_acceptable("an RDF graph", results.GRAPH_FORMATS))
    if req.default_graphs or req.named_graphs:
        default_graphs, named_graphs = tuple(req.default_graphs), tuple(req.named_graphs)
    else:
        default_graphs, named_graphs = safety.dataset_naming(req.query, settings.graph_iri, settings.base_iri)
    job = Job(
        query=req.query,
        base_iri=settings.base_iri,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        whole_graph=settings.graph_iri,
        solutions_format=solutions_key,
        graph_format=graph_key,
        max_rows=settings.max_rows,
        max_bytes=settings.max_bytes,
        row_bound=bound if form == "SELECT" else None,
    )
    try:
        answer = executor.run(job, request.remote_addr or "-")
    except QueryTimeout as exc:
        raise ProtocolError(503, f"Query timed out: {exc}") from exc
    except QueryTooLarge as exc:
        raise ProtocolError(503, f"Query stopped: {exc}") from exc
    except OverShare as exc:
        raise ProtocolError(
            429, f"Too many queries: {exc}; try again shortly", {"Retry-After": str(exc.retry_after)}
        ) from exc
    except NoWorkerFree as exc:
        raise ProtocolError(503, f"Server busy: {exc}; try again shortly", {"Retry-After": "1"}) from exc
    except DumpInvalid as exc:  # the detail names server paths: it goes to the log, not to the client
        print(f"fukushi-kg: {exc}", file=sys.stderr, flush=True)
        raise ProtocolError(
            503, "Service unavailable: the published graph failed its check (see the server log)"
        ) from exc
    except GraphNotBuilt as exc:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        raise ProtocolError(503, f"Service unavailable: {exc}", headers) from exc
    except WorkerFailed as exc:
        raise ProtocolError(503, f"Service unavailable: {exc}", {"Retry-After": "1"}) from exc
    if answer.status != 200:
        return _error(answer.status, answer.body.decode("utf-8"))
    response = Response(answer.body, status=200, content_type=answer.content_type)
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    response.headers[ANSWER_HEADER] = answer.how
    _common_headers(response)
    return response


def select_job(query: str, settings: Settings) -> Job:
    """The job of a SELECT asked for SPARQL JSON results with no dataset: what a client's plain JSON request
    makes, and what the query page and the warm-up make, so that they all share one kept answer."""
    return Job(
        query=query,
        base_iri=settings.base_iri,
        whole_graph=settings.graph_iri,
        solutions_format="json",
        graph_format=None,
        max_rows=settings.max_rows,
        max_bytes=settings.max_bytes,
        row_bound=_row_bound(query, settings),
    )


def _row_bound(query: str, settings: Settings) -> int | None:
    """As the endpoint finds it for the same text (so that a page and a client's request share a kept answer)."""
    try:
        form, bound = safety.checked(query, settings.service_allowlist, settings.base_iri)
    except safety.Refused:
        return None
    return bound if form == "SELECT" else None


def parse_request(max_body: int) -> SparqlRequest:
    """Read the operation and its parameters from the current request, enforcing the protocol's rules."""
    params = _params(request.query_string, "query string")
    direct_query = None
    direct_updates = 0
    if request.method == "POST":
        # Werkzeug counts a streamed (chunked) body against max_content_length as it reads and stops there, so
        # an oversized upload is never held whole. A stream is cut at the limit without an error, hence one
        # byte more is allowed through: a body that reaches it is over the limit.
        request.max_content_length = max_body + 1
        try:
            body = request.get_data(cache=True)
        except RequestEntityTooLarge as exc:
            raise ProtocolError(413, f"request body larger than {max_body} bytes") from exc
        except (OSError, ValueError) as exc:  # e.g. an invalid chunk-size line in a chunked body
            raise ProtocolError(400, f"the request body cannot be read: {exc}") from exc
        if len(body) > max_body:
            raise ProtocolError(413, f"request body larger than {max_body} bytes")
        media_type = request.mimetype
        charset = request.mimetype_params.get("charset")
        if charset and charset.lower().replace("-", "") != "utf8":
            raise ProtocolError(415, f"only UTF-8 is accepted, not charset={charset}")
        if media_type == FORM:
            params += _params(body, "form body")
        elif media_type == DIRECT_QUERY:
            direct_query = _utf8(body, "query")
        elif media_type == DIRECT_UPDATE:
            direct_updates = 1
        elif not media_type:
            raise ProtocolError(415, f"a POST needs a Content-Type: {FORM} or {DIRECT_QUERY}")
        else:
            raise ProtocolError(415, f"unsupported Content-Type {media_type}: use {FORM} or {DIRECT_QUERY}")
    queries = [v for k, v in params if k == "query"]
    if direct_query is not None:
        queries.append(direct_query)
    if len(queries) > 1:
        raise ProtocolError(400, "more than one query given: send exactly one")
    updates = direct_updates + sum(1 for k, _ in params if k == "update")
    if queries and updates:
        raise ProtocolError(400, "both a query and an update given")
    return SparqlRequest(
        query=queries[0] if queries else None,
        updates=updates,
        default_graphs=[_graph_iri(v, "default-graph-uri") for k, v in params if k == "default-graph-uri"],
        named_graphs=[_graph_iri(v, "named-graph-uri") for k, v in params if k == "named-graph-uri"],
        formats=[v for k, v in params if k == "format"],
    )


def choose_formats(format_values: list[str]) -> tuple[str | None, str | None]:
    """(solutions key, graph key): from `format` parameters first, then from the Accept header."""
    solutions_key = graph_key = None
    for value in format_values:
        name = value.strip().lower()
        if name in FORMAT_NAMES:
            s, g = FORMAT_NAMES[name]
        elif "/" in name and "*" not in name:  # a media type, or a list of them (SPARQLWrapper sends both)
            s = negotiation.choose(name, results.offers(results.SOLUTION_FORMATS))
            g = negotiation.choose(name, results.offers(results.GRAPH_FORMATS))
        else:
            s = g = None
        if s is None and g is None:
            raise ProtocolError(400, f"unknown format {value!r}; use one of: {', '.join(sorted(FORMAT_NAMES))}")
        solutions_key = solutions_key or s
        graph_key = graph_key or g
    accept = request.headers.get("Accept")
    if solutions_key is None:
        solutions_key = negotiation.choose(accept, results.offers(results.SOLUTION_FORMATS))
    if graph_key is None:
        graph_key = negotiation.choose(accept, results.offers(results.GRAPH_FORMATS))
    return solutions_key, graph_key


def _service_description(settings: Settings, graph_key: str | None) -> Response:
    if graph_key is None:
        raise ProtocolError(406, _not_acceptable("an RDF description of the service", results.GRAPH_FORMATS))
    triples = service_description.describe(
        request.base_url, settings.triples(), bool(settings.service_allowlist), settings.graphs()
    )
    fmt = results.GRAPH_FORMATS[graph_key]
    response = Response(results.write_graph(fmt.key, triples), status=200, content_type=fmt.content_type)
    _common_headers(response)
    return response


def _params(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(
            raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=1000
        )
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the {where} is not valid UTF-8") from exc
    except ValueError as exc:
        raise ProtocolError(400, f"the {where} cannot be read: {exc}") from exc


def _utf8(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the {what} is not valid UTF-8: {exc}") from exc


def _graph_iri(value: str, param: str) -> str:
    try:
        return ox.NamedNode(value.strip()).value
    except ValueError as exc:
        raise ProtocolError(400, f"{param} must be an absolute IRI: {value!r} ({exc})") from exc


def _not_acceptable(kind: str, formats: dict) -> str:
    return (
        f"Not Acceptable: this request returns {kind}; available: {', '.join(f.media_type for f in formats.values())}"
    )


def _preflight() -> Response:
    """The CORS preflight a browser sends before a cross-origin POST (the endpoint is public and read-only)."""
    response = Response(status=204)
    response.headers["Allow"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response.headers["Access-Control-Max-Age"] = "86400"
    _common_headers(response)
    return response


def _common_headers(response: Response) -> None:
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = TRUNCATED_HEADER


def _error(status: int, message: str, headers: dict | None = None) -> Response:
    response = Response(message.rstrip("\n") + "\n", status=status, content_type="text/plain; charset=utf-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    _common_headers(response)
    return response
