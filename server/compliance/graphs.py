"""The graphs a validation run reads: the published (bundled) graph, or a planner's draft files
loaded with the shared data and materialised with the fast rule engine.

Turtle and N-Triples drafts are read with pyoxigraph (already a dependency: the SPARQL endpoint's
store), about twenty times faster than rdflib's parser, which is what lets a draft be checked in
under two seconds. A file pyoxigraph rejects is read again with server.graph.loading, so the error
names file and line exactly as `fukushi-kg build` would; JSON-LD always goes that way.
"""

import threading
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib

from server.compliance.evaluate import Matrix, NothingToCheck, evaluate
from server.datafile import DataFileError
from server.graph.inputs import parse_input
from server.graph.loading import load_files, parse_file
from server.graph.rules import Schema, apply_rules, schema_from
from server.paths import DATA_DIR, ONTOLOGY_DIR, ONTOLOGY_NS
from server.published import DUMP_NAMES, dump_exists, dump_stamp, open_dump

# What a draft is validated together with (besides the ontology): the provisions it cites, the seed
# texts it may cite and the prefectures its municipality lies in.
DRAFT_BASE = ("legislation.ttl", "sources.ttl", "prefectures.ttl")


class PublishedGraphMissing(Exception):
    pass


def _stamp(paths) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


@lru_cache(maxsize=2)
def _schema(stamp: tuple) -> Schema:
    return schema_from(load_files([Path(p) for p, _, _ in stamp]))


def schema() -> Schema:
    """The closed schema for the rule engine, rebuilt only when an ontology file changes."""
    return _schema(_stamp(sorted(ONTOLOGY_DIR.glob("*.ttl"))))


def draft_graph(files) -> rdflib.Graph:
    """Load draft files (Turtle or JSON-LD) with the shared data and materialise them.

    Raises server.graph.loading.DataFileError, naming file and line, for input that does not parse.
    """
    return apply_rules(schema(), load_fast([DATA_DIR / name for name in DRAFT_BASE] + [Path(f) for f in files]))


FAST_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def load_fast(paths) -> rdflib.Graph:
    """The files in one rdflib graph, as server.graph.inputs.load_inputs would give it."""
    graph = rdflib.Graph()
    terms: dict = {}
    for path in paths:
        path = Path(path)
        fmt = FAST_FORMATS.get(path.suffix.lower())
        if fmt is None:
            parse_input(path, graph)
            continue
        try:
            quads = list(ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()))
        except (SyntaxError, OSError, ValueError):
            parse_file(path)  # raises the DataFileError with rdflib's file:line
            raise DataFileError(path, None, "pyoxigraph could not read the file") from None
        bnodes: dict = {}  # blank nodes are local to their file
        for q in quads:
            graph.add(
                (_term(q.subject, terms, bnodes), _term(q.predicate, terms, bnodes), _term(q.object, terms, bnodes))
            )
    return graph


def _term(term, cache: dict, bnodes: dict):
    if isinstance(term, ox.BlankNode):
        if term.value not in bnodes:
            bnodes[term.value] = rdflib.BNode()
        return bnodes[term.value]
    key = (
        type(term),
        term.value,
        getattr(term, "language", None),
        getattr(getattr(term, "datatype", None), "value", None),
    )
    if key not in cache:
        if isinstance(term, ox.NamedNode):
            cache[key] = rdflib.URIRef(term.value)
        elif term.language:
            cache[key] = rdflib.Literal(term.value, lang=term.language)
        elif term.datatype.value == XSD_STRING:  # rdflib's Turtle parser gives a plain literal
            cache[key] = rdflib.Literal(term.value)
        else:
            cache[key] = rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    return cache[key]


def graph_from_ntriples(data: bytes) -> rdflib.Graph:
    """N-Triples (a build's merged lines) in one rdflib graph, read with pyoxigraph for speed."""
    graph = rdflib.Graph()
    terms: dict = {}
    bnodes: dict = {}
    for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        graph.add((_term(t.subject, terms, bnodes), _term(t.predicate, terms, bnodes), _term(t.object, terms, bnodes)))
    return graph


def validate_files(files, source: str | None = None, workers: int = 2) -> Matrix:
    """The matrix of a draft. workers=2 lets a forked child take half the structural shapes' work."""
    files = [Path(f) for f in files]
    graph = draft_graph(files)
    has_document = (None, rdflib.RDF.type, rdflib.URIRef(ONTOLOGY_NS + "PlanDocument")) in graph
    if has_document and (None, rdflib.URIRef(ONTOLOGY_NS + "parent"), None) not in graph:
        # Every requirement would be "not shown" or "cannot be determined", and no violation would read as
        # 違反なし: a draft without a single element is not judged at all.
        raise NothingToCheck(
            f"判定できません: {', '.join(f.name for f in files)} には計画の要素（基本目標・施策・取組など）が一つも"
            "ありません。計画書の体系が読み取れなかったか、計画ではない文書です / cannot judge: the draft has no "
            "plan elements (goals, policies, measures)"
        )
    return evaluate(graph, source or ", ".join(str(f) for f in files), workers, draft=True)


_lock = threading.Lock()
_cache: dict = {}


def published_matrix(published_dir) -> Matrix:
    """The bundled plans' matrix, computed from the published graph once per version of the dump."""
    path = Path(published_dir) / DUMP_NAMES["nt"]
    if not dump_exists(path):
        raise PublishedGraphMissing(f"{path} does not exist: run `fukushi-kg build` first")
    key = (str(path), dump_stamp(path))
    with _lock:
        if key not in _cache:
            with open_dump(path) as whole:
                graph = rdflib.Graph().parse(file=whole, format="nt")  # already materialised by the build
            _cache.clear()
            _cache[key] = evaluate(graph, str(path))
        return _cache[key]
