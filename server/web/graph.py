"""The published graph, loaded once per app into an in-process pyoxigraph store for the pages.

Only our own, fixed queries run here; user queries go to the SPARQL endpoint's worker processes, where a
runaway query can be killed without taking a page request down with it.
"""

import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from flask import current_app

from server.config import dump_source
from server.published import (
    DumpInvalid,
    GraphNotBuilt,
    check_triples,
    dump_path,
    dump_stamp,
    read_build_info,
    verified_dump,
)
from server.rebase import normalise_base
from server.store import load_store, store_triples

EXTENSION = "fukushi_kg.web.graph"
DEFAULT = ox.DefaultGraph()

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
SCHEMA = "https://schema.org/"
VANN = "http://purl.org/vocab/vann/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
SD = "http://www.w3.org/ns/sparql-service-description#"

STANDARD_PREFIXES = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "org": ORG,
    "prov": PROV,
    "time": TIME,
    "schema": SCHEMA,
    "vann": VANN,
}


@dataclass(frozen=True)
class Namespaces:
    """Our IRIs under the base the server answers for."""

    base: str

    @property
    def fk(self) -> str:
        return self.base + "ontology#"

    @property
    def ontology(self) -> str:
        return self.base + "ontology"

    @property
    def id(self) -> str:
        return self.base + "id/"

    @property
    def source(self) -> str:
        return self.base + "id/source/"

    @property
    def dataset(self) -> str:
        return self.base + ".well-known/void#fukushi-kg"

    def prefixes(self) -> dict:
        """Prefixes for serialising: ours first, so Turtle and JSON-LD read like the data files."""
        ours = {
            "fk": self.fk,
            "muni": self.id + "municipality/",
            "pref": self.id + "prefecture/",
            "law": self.id + "law/",
            "src": self.source,
            "tg": self.id + "concept/target-group/",
            "fn": self.id + "concept/multilayered-function/",
            "tier": self.id + "concept/support-tier/",
            "tp": self.id + "concept/topic/",
            "rp": self.id + "concept/recidivism-priority/",
            "ak": self.id + "concept/activity-kind/",
            "ds": self.id + "concept/draft-status/",
        }
        return ours | STANDARD_PREFIXES

    def fk_term(self, local: str) -> ox.NamedNode:
        return ox.NamedNode(self.fk + local)


@dataclass
class Graph:
    store: ox.Store
    ns: Namespaces
    published_dir: Path  # the version folder the store was loaded from (not the `published` link)
    build_info: dict
    stamp: tuple
    # Derived artefacts (rebased dumps, VoID statistics) computed on first use, dropped on reload.
    cache: dict = field(default_factory=dict)

    def query(self, sparql: str, **bindings):
        """Run one of our own SPARQL queries; keyword arguments bind variables (no string pasting of IRIs)."""
        if bindings:
            # The values go in a VALUES block at the head of the WHERE group, so they hold before grouping and
            # need not be selected (pyoxigraph's `substitutions` insists they are, and a trailing VALUES would
            # join after GROUP BY). Terms are written out by pyoxigraph, which escapes them.
            names = " ".join(f"?{k}" for k in bindings)
            row = " ".join(str(_term(v)) for v in bindings.values())
            head, sep, tail = sparql.partition("WHERE {")
            if not sep:
                raise ValueError("a query with bindings needs a 'WHERE {' group")
            sparql = f"{head}WHERE {{ VALUES ({names}) {{ ({row}) }}{tail}"
        return self.store.query(sparql, prefixes=self.ns.prefixes())

    def select(self, sparql: str, **bindings) -> list[dict]:
        """Solutions as dicts of variable name -> term (unbound variables left out)."""
        solutions = self.query(sparql, **bindings)
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    def triples(self, s=None, p=None, o=None):
        return (q.triple for q in self.store.quads_for_pattern(_term(s), _term(p), _term(o), DEFAULT))

    def objects(self, s, p) -> list:
        return [q.object for q in self.store.quads_for_pattern(_term(s), _term(p), None, DEFAULT)]

    def has(self, iri: str) -> bool:
        try:
            node = ox.NamedNode(iri)
        except ValueError:  # a request path that is no IRI at all (spaces, brackets …) names nothing here
            return False
        for pattern in ((node, None, None), (None, None, node), (None, node, None)):
            if next(iter(self.store.quads_for_pattern(*pattern, DEFAULT)), None) is not None:
                return True
        return False


def _term(value):
    if value is None or isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal):
        return value
    if isinstance(value, str):
        return ox.NamedNode(value)
    return ox.Literal(value)


class GraphHolder:
    """One per app. Reloads when the dump on disk changes, so a rebuild shows without a restart; a new dump
    that fails its check (server.published.verified_dump, then the triple count) is logged and the graph already
    loaded is kept."""

    def __init__(self):
        self.lock = threading.Lock()
        self.graph: Graph | None = None
        self.refused: set[tuple] = set()  # stamps of dumps that failed their check

    def get(self, app) -> Graph:
        published = Path(app.config["PUBLISHED_DIR"])
        base = normalise_base(app.config.get("BASE_IRI"))
        graph = self.graph
        try:
            current = dump_stamp(dump_path(published))
        except FileNotFoundError:
            current = None
        if graph is not None and graph.ns.base == base and (graph.stamp == current or current in self.refused):
            return graph
        with self.lock:
            graph = self.graph
            if graph is not None and graph.ns.base == base and (graph.stamp == current or current in self.refused):
                return graph
            try:
                self.graph = self._load(published, base, dump_source(app))
            except DumpInvalid as exc:
                if graph is None or graph.ns.base != base:
                    raise
                self.refused.add(current)
                print(f"fukushi-kg: keeping the graph from {graph.published_dir}: {exc}", file=sys.stderr, flush=True)
            return self.graph

    @staticmethod
    def _load(published: Path, base: str, ensure) -> Graph:
        ensure(published)
        dump = verified_dump(published)
        if dump is None:
            raise GraphNotBuilt(f"{dump_path(published)} does not exist: run `fukushi-kg build` first")
        try:
            store = load_store(dump.path, base)
        except (OSError, SyntaxError, ValueError) as exc:
            raise DumpInvalid(f"{dump.path}: cannot load: {exc}") from exc
        check_triples(dump, store_triples(store, dump.path, base))
        info = read_build_info(dump.folder) or {}
        return Graph(store, Namespaces(base), dump.folder, info, dump.stamp)


def init_graph(app) -> None:
    app.extensions[EXTENSION] = GraphHolder()


def get_graph() -> Graph:
    return current_app.extensions[EXTENSION].get(current_app)


__all__ = ["Graph", "GraphNotBuilt", "Namespaces", "get_graph", "init_graph"]
