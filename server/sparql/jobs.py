"""A query to answer (Job), its answer (Answer), the ways a query is refused, and answering a job against a store.

What a query worker runs (server.sparql.worker) and what the remote backend shares (server.backend.remote), so
that both answer alike; nothing here knows of the pool or its scheduling.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from server.sparql import results


@dataclass(frozen=True)
class Job:
    """One query to answer. The result format is chosen beforehand for both kinds of answer, because the
    kind (solutions or a graph) is only certain once the query has been parsed."""

    query: str
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None  # protocol dataset: overrides FROM / FROM NAMED
    named_graphs: tuple[str, ...] | None = None
    whole_graph: str | None = None  # the IRI that names the whole graph (server.published.GRAPH_IRI under the base)
    solutions_format: str | None = "json"  # None: the client accepts no solutions format (-> 406)
    graph_format: str | None = "turtle"
    max_rows: int | None = None
    max_bytes: int | None = None  # about this many bytes of terms, then the answer is cut as at max_rows
    row_bound: int | None = None  # the query's own outermost LIMIT, when its text ends with it (safety.row_bound)


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    rows: int = 0  # -1 when the engine wrote the answer itself and the rows were not counted
    how: str = "evaluated"  # or "kept" / "shared": from the answer cache (server.sparql.answers)


class QueryTimeout(Exception):
    pass


class NoWorkerFree(Exception):
    pass


class WorkerFailed(Exception):
    pass


class OverShare(Exception):
    """The client already has its share of queries running or waiting (answered 429)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class QueryTooLarge(Exception):
    """The query's worker grew past the memory limit and was stopped."""


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", message.encode("utf-8"))


def _not_acceptable(kind: str, formats: dict) -> Answer:
    offered = ", ".join(f.media_type for f in formats.values())
    return _error(406, f"Not Acceptable: this query returns {kind}; available formats: {offered}")


def _size(terms) -> int:
    """About how many bytes the terms take once written (their text plus the markup around each)."""
    return sum(len(t.value) + 24 if t is not None and not isinstance(t, ox.Triple) else 24 for t in terms)


def _take(iterator, max_rows, max_bytes=None, size=_size):
    """The first rows, cut at `max_rows` rows or `max_bytes` bytes (estimated), and whether it was cut."""
    taken, used = [], 0
    for item in iterator:
        if max_rows is not None and len(taken) >= max_rows:
            return taken, True
        used += size(item)
        if max_bytes is not None and used > max_bytes and taken:
            return taken, True
        taken.append(item)
    return taken, False


def _triple_size(triple) -> int:
    return _size((triple.subject, triple.predicate, triple.object))


def execute(store: ox.Store, job: Job) -> Answer:
    """Run `job` against `store` and serialise the answer. Errors become answers, never exceptions."""
    kwargs = {"base_iri": job.base_iri}
    if job.default_graphs is not None:
        kwargs["default_graph"] = [
            ox.DefaultGraph() if g == job.whole_graph else ox.NamedNode(g) for g in job.default_graphs
        ]
    if job.named_graphs is not None:
        kwargs["named_graphs"] = [
            name
            for g in job.named_graphs
            for name in (_named_graphs(store) if g == job.whole_graph else [ox.NamedNode(g)])
        ]
    return answer(lambda: store.query(job.query, **kwargs), job)


_NAMED: dict[int, list] = {}


def _named_graphs(store: ox.Store) -> list:
    """Every named graph of the store (each plan's and the shared one), listed once per store."""
    if id(store) not in _NAMED:
        _NAMED.clear()
        _NAMED[id(store)] = list(store.named_graphs())
    return _NAMED[id(store)]


def answer(evaluate: Callable[[], object], job: Job) -> Answer:
    """Serialise what `evaluate` returns (pyoxigraph solutions, a boolean, or triples) as the job asks, with the
    row cap. Shared by the local workers and the remote backend (server.backend.remote), so both answer alike."""
    try:
        result = evaluate()
        if isinstance(result, ox.QueryBoolean):
            if job.solutions_format is None:
                return _not_acceptable("a boolean", results.SOLUTION_FORMATS)
            fmt = results.SOLUTION_FORMATS[job.solutions_format]
            return Answer(200, fmt.content_type, results.write_boolean(fmt.key, result), rows=1)
        if isinstance(result, ox.QuerySolutions):
            if job.solutions_format is None:
                return _not_acceptable("solutions", results.SOLUTION_FORMATS)
            fmt = results.SOLUTION_FORMATS[job.solutions_format]
            if job.row_bound is not None and (job.max_rows is None or job.row_bound <= job.max_rows):
                # The query cannot pass the row cap: the engine writes its answer itself, as a server of its own
                # does (the rows taken one by one into Python and written again cost about 1 ms a page). The
                # bytes written are more than the estimate the cap counts, so an answer within max_bytes here
                # would not have been cut; a larger one is evaluated again and cut as usual.
                body = result.serialize(format=results.RESULTS_FORMATS[fmt.key])
                if job.max_bytes is None or len(body) <= job.max_bytes:
                    return Answer(200, fmt.content_type, body, False, -1)
                result = evaluate()
            variables = [v.value for v in result.variables]
            rows, truncated = _take((list(solution) for solution in result), job.max_rows, job.max_bytes)
            body = results.write_solutions(fmt.key, variables, rows, truncated)
            return Answer(200, fmt.content_type, body, truncated, len(rows))
        if job.graph_format is None:
            return _not_acceptable("an RDF graph", results.GRAPH_FORMATS)
        fmt = results.GRAPH_FORMATS[job.graph_format]
        triples, truncated = _take(iter(result), job.max_rows, job.max_bytes, _triple_size)
        return Answer(200, fmt.content_type, results.write_graph(fmt.key, triples), truncated, len(triples))
    except SyntaxError as exc:
        return _error(400, f"Query syntax error: {exc}")
    except ValueError as exc:
        return _error(400, f"Bad request: {exc}")
    except OSError as exc:  # pyoxigraph raises OSError subclasses when a (permitted) SERVICE call fails
        return _error(502, f"Query evaluation failed: {exc}")
    except Exception as exc:  # the message only: a stack trace tells a client nothing it can act on
        return _error(500, f"Query evaluation failed: {type(exc).__name__}: {exc}")
