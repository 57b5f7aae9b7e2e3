"""The ontology at its namespace IRI: /ontology is documentation for people and the ontology file for machines.

The file (ontology/fukushi.ttl) is served rather than the ontology's part of the materialised graph, so a
client gets the axioms as written, without the entailments the build adds.
"""

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, abort, current_app, make_response, render_template, request

from server import paths
from server.rebase import normalise_base, rebase_quads
from server.web.conneg import describe_representation, format_links, negotiate, rdf_response
from server.web.cors import open_for_reading
from server.web.describe import Describer, Value
from server.web.graph import OWL, RDF, RDFS, Graph, Namespaces
from server.web.labels import Label, pick

bp = open_for_reading(Blueprint("ontology", __name__))
EXTENSION = "fukushi_kg.web.ontology"
ONTOLOGY_FILE = "fukushi.ttl"

KINDS = {
    OWL + "ObjectProperty": "オブジェクトプロパティ",
    OWL + "DatatypeProperty": "データプロパティ",
    OWL + "AnnotationProperty": "注釈プロパティ",
}
CHARACTERISTICS = {
    OWL + "FunctionalProperty": ("関数的", "functional"),
    OWL + "TransitiveProperty": ("推移的", "transitive"),
    OWL + "SymmetricProperty": ("対称的", "symmetric"),
}


@dataclass
class Term:
    iri: str
    anchor: str
    label: Label
    comments: Label | None
    kind: str = ""
    supers: list = field(default_factory=list)
    domains: list = field(default_factory=list)
    ranges: list = field(default_factory=list)
    inverse: list = field(default_factory=list)
    disjoint: list = field(default_factory=list)
    members: list = field(default_factory=list)
    characteristics: list = field(default_factory=list)
    types: list = field(default_factory=list)


def ontology_graph() -> Graph:
    """The ontology file in a small store of its own, under the configured base; reread when it changes."""
    path = paths.ONTOLOGY_DIR / ONTOLOGY_FILE
    base = normalise_base(current_app.config.get("BASE_IRI"))
    key = (str(path), path.stat().st_mtime_ns, base)
    holder = current_app.extensions.setdefault(EXTENSION, {"lock": threading.Lock(), "graph": None, "key": None})
    with holder["lock"]:
        if holder["key"] != key:
            store = ox.Store()
            store.bulk_extend(rebase_quads(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), base))
            holder["graph"] = Graph(store, Namespaces(base), Path(path).parent, {}, key)
            holder["key"] = key
        return holder["graph"]


@bp.route("/ontology")
@bp.route("/ontology/<version>")
def ontology(version=None):
    graph = ontology_graph()
    if version is not None and not graph.has(graph.ns.ontology + "/" + version):
        abort(404)
    fmt = negotiate()
    if fmt.key != "html":
        return rdf_response(list(graph.triples()), fmt, graph.ns.prefixes(), request.path)
    html = render_template("web/ontology.html", **documentation(graph), formats=format_links(request.path))
    return describe_representation(make_response(html), fmt, request.path)


def documentation(graph: Graph) -> dict:
    d = Describer(graph)
    fk, onto = graph.ns.fk, graph.ns.ontology
    header = {
        "iri": onto,
        "label": d.labels(onto),
        "comment": pick(graph.objects(onto, RDFS + "comment")),
        "version": next((o.value for o in graph.objects(onto, OWL + "versionInfo")), None),
        "version_iri": next((o.value for o in graph.objects(onto, OWL + "versionIRI")), None),
        "license": [d.iri_value(o.value) for o in graph.objects(onto, "http://purl.org/dc/terms/license")],
        "namespace": fk,
    }

    def term(iri: str) -> Term:
        return Term(iri, iri[len(fk) :], d.labels(iri), pick(graph.objects(iri, RDFS + "comment")))

    def values(iri: str, prop: str) -> list[Value]:
        out = []
        for o in graph.objects(iri, prop):
            if isinstance(o, ox.NamedNode):
                out.append(d.iri_value(o.value))
            elif isinstance(o, ox.BlankNode) and prop == OWL + "oneOf":
                out.extend(d.iri_value(m.value) for m in _rdf_list(graph, o))
        return out

    ours = sorted({t.subject.value for t in graph.triples(None, RDF + "type", None) if t.subject.value.startswith(fk)})
    classes, properties, individuals = [], [], []
    for iri in ours:
        types = {o.value for o in graph.objects(iri, RDF + "type")}
        t = term(iri)
        if OWL + "Class" in types:
            t.supers = values(iri, RDFS + "subClassOf")
            t.disjoint = values(iri, OWL + "disjointWith")
            t.members = values(iri, OWL + "oneOf")
            t.domains = [d.iri_value(s) for s in _subjects(graph, RDFS + "domain", iri)]  # properties on it
            classes.append(t)
        elif types & set(KINDS):
            t.kind = next(KINDS[k] for k in KINDS if k in types)
            t.characteristics = [CHARACTERISTICS[c] for c in CHARACTERISTICS if c in types]
            t.supers = values(iri, RDFS + "subPropertyOf")
            t.domains = values(iri, RDFS + "domain")
            t.ranges = values(iri, RDFS + "range")
            t.inverse = values(iri, OWL + "inverseOf")
            properties.append(t)
        else:
            t.types = [d.iri_value(x) for x in sorted(types) if x != OWL + "NamedIndividual"]
            individuals.append(t)
    return {"header": header, "classes": classes, "properties": properties, "individuals": individuals}


def _subjects(graph: Graph, prop: str, obj: str) -> list[str]:
    return sorted(t.subject.value for t in graph.triples(None, prop, obj) if isinstance(t.subject, ox.NamedNode))


def _rdf_list(graph: Graph, head) -> list:
    items, seen = [], set()
    while isinstance(head, ox.BlankNode) and head not in seen:
        seen.add(head)
        items.extend(graph.objects(head, RDF + "first"))
        rest = graph.objects(head, RDF + "rest")
        head = rest[0] if rest else None
    return items
