"""What the graph says about one resource: the triples for RDF answers and the rows for its HTML page."""

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import request

from server.web.graph import DCTERMS, RDF, RDFS, SKOS, Graph, Namespaces
from server.web.labels import Label, Labeller

INCOMING_LIMIT = 200  # values shown per incoming property; the RDF answer has them all
BNODE_DEPTH = 4


def description_triples(graph: Graph, iri: str) -> list[ox.Triple]:
    """Symmetric concise bounded description: triples from and to the resource, blank nodes followed."""
    node = ox.NamedNode(iri)
    out = list(graph.triples(node, None, None))
    seen = set()
    todo = [t.object for t in out if isinstance(t.object, ox.BlankNode)]
    while todo:
        b = todo.pop()
        if b in seen:
            continue
        seen.add(b)
        more = list(graph.triples(b, None, None))
        out.extend(more)
        todo.extend(t.object for t in more if isinstance(t.object, ox.BlankNode))
    out.extend(t for t in graph.triples(None, None, node) if t.subject != node)
    return out


def local_href(iri: str, ns: Namespaces) -> str | None:
    """Where a browser should go for an IRI: our own IRIs are served here, whatever the base; other http(s)
    IRIs are linked as they are; anything else (urn:, javascript: …) is not a link at all."""
    if iri.startswith(ns.base):
        return request.script_root + "/" + iri[len(ns.base) :]
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def curie(iri: str, prefixes: dict) -> str | None:
    best = None
    for p, space in prefixes.items():
        if iri.startswith(space) and (best is None or len(space) > len(prefixes[best])):
            best = p
    if best is None:
        return None
    rest = iri[len(prefixes[best]) :]
    return f"{best}:{rest}" if rest and all(c.isalnum() or c in "-_." for c in rest) else None


@dataclass
class Value:
    kind: str  # "iri", "bnode" or "literal"
    value: str
    label: Label | None = None
    href: str | None = None
    curie: str | None = None
    lang: str | None = None
    datatype: str | None = None
    nested: list = field(default_factory=list)


@dataclass
class Row:
    iri: str
    label: Label
    curie: str | None
    href: str | None
    values: list
    hidden: int = 0  # values left out of the page


class Describer:
    def __init__(self, graph: Graph, labeller: Labeller | None = None):
        self.graph = graph
        self.ns = graph.ns
        self.labels = labeller or Labeller(graph)
        self.prefixes = graph.ns.prefixes()

    def iri_value(self, iri: str) -> Value:
        return Value("iri", iri, self.labels(iri), local_href(iri, self.ns), curie(iri, self.prefixes))

    def value(self, term, depth: int = 0) -> Value:
        if isinstance(term, ox.NamedNode):
            return self.iri_value(term.value)
        if isinstance(term, ox.BlankNode):
            nested = self.rows(term, depth + 1) if depth < BNODE_DEPTH else []
            return Value("bnode", term.value, nested=nested)
        datatype = None
        if term.language is None and term.datatype.value not in (RDF + "langString", _XSD_STRING):
            datatype = curie(term.datatype.value, self.prefixes) or term.datatype.value
        return Value("literal", term.value, lang=term.language, datatype=datatype)

    def row(self, predicate: str, values: list, hidden: int = 0) -> Row:
        return Row(
            predicate,
            self.labels(predicate),
            curie(predicate, self.prefixes),
            local_href(predicate, self.ns),
            values,
            hidden,
        )

    def rows(self, subject, depth: int = 0) -> list[Row]:
        grouped: dict[str, list] = {}
        for t in self.graph.triples(subject, None, None):
            grouped.setdefault(t.predicate.value, []).append(t.object)
        return [
            self.row(p, [self.value(o, depth) for o in sorted(objs, key=self._sort_key)])
            for p, objs in sorted(grouped.items(), key=lambda kv: self._predicate_key(kv[0]))
        ]

    def incoming(self, iri: str) -> list[Row]:
        grouped: dict[str, list] = {}
        for t in self.graph.triples(None, None, ox.NamedNode(iri)):
            if isinstance(t.subject, ox.NamedNode) and t.subject.value != iri:
                grouped.setdefault(t.predicate.value, []).append(t.subject.value)
        rows = []
        for p, subjects in sorted(grouped.items(), key=lambda kv: self._predicate_key(kv[0])):
            subjects = sorted(set(subjects))
            shown = sorted((self.iri_value(s) for s in subjects[:INCOMING_LIMIT]), key=lambda v: v.label.ja)
            rows.append(self.row(p, shown, max(0, len(subjects) - INCOMING_LIMIT)))
        return rows

    def types(self, iri: str) -> tuple[list[Value], list[Value]]:
        """(most specific types, their inferred supertypes): the materialised graph states both."""
        types = {o.value for o in self.graph.objects(iri, RDF + "type") if isinstance(o, ox.NamedNode)}
        supers = set()
        for t in types:
            supers |= {o.value for o in self.graph.objects(t, RDFS + "subClassOf") if o.value != t}
        specific = sorted(types - supers, key=self._type_key)
        inferred = sorted(types & supers, key=self._type_key)
        return [self.iri_value(t) for t in specific], [self.iri_value(t) for t in inferred]

    def _type_key(self, iri: str):
        return (not iri.startswith(self.ns.fk), self.labels(iri).ja)

    def _predicate_key(self, p: str):
        if p in _FIRST:
            return (0, _FIRST.index(p), "")
        return (1 if p.startswith(self.ns.fk) else 2, 0, self.labels(p).ja)

    @staticmethod
    def _sort_key(term):
        if isinstance(term, ox.Literal):
            lang = (term.language or "").lower()
            return (0, {"ja": 0, "": 1, "en": 2}.get(lang, 3), term.value)
        return (1, 0, term.value)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_FIRST = [
    RDFS + "label",
    SKOS + "prefLabel",
    DCTERMS + "title",
    RDF + "type",
    DCTERMS + "description",
    SKOS + "definition",
    RDFS + "comment",
]
