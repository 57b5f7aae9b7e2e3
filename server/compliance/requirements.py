"""The requirements of the compliance matrix, read from the shapes in shapes/compliance/.

The shape files are the single statement of what each law asks: the evaluator, the evidence
finder and the renderers all read the requirements from them instead of keeping their own list.
"""

from dataclasses import dataclass
from functools import lru_cache

import rdflib
from rdflib.namespace import RDF, RDFS, SH

from server.graph.validation import shape_files, shapes_graph

FKS = rdflib.Namespace("https://w3id.org/fukushi-kg/shapes#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
COMPLIANCE = "compliance"
STRUCTURE = "structure"

# What an item shape asks, by the annotation that states it (see shapes/compliance/_common.ttl).
KINDS = {
    FKS.documentCovers: "document-covers",
    FKS.documentConcerns: "document-concerns",
    FKS.planCovers: "plan-covers",
    FKS.activityFor: "activity",
}


@dataclass(frozen=True)
class Item:
    iri: rdflib.URIRef
    key: str
    label: dict
    message: dict
    order: int
    provisions: tuple
    severity: rdflib.URIRef
    kind: str
    value: rdflib.URIRef  # the concept to cover, or the class of activity
    annotation: rdflib.URIRef | None


@dataclass(frozen=True)
class Requirement:
    iri: rdflib.URIRef
    key: str
    label: dict
    short: dict
    order: int
    provisions: tuple
    severity: rdflib.URIRef | None
    guideline_level: bool
    applies_to: rdflib.URIRef | None  # the class of embodied plan the requirement applies to
    partly_query: str | None  # SPARQL SELECT ?activity with $this: evidence for "partly"
    partly_label: dict
    shapes_group: str | None
    items: tuple

    @property
    def is_structure(self) -> bool:
        return self.shapes_group is not None


def texts(graph: rdflib.Graph, node, prop) -> dict:
    """{"ja": …, "en": …} from language-tagged literals (the first of each language)."""
    out = {}
    for lit in graph.objects(node, prop):
        lang = getattr(lit, "language", None) or ""
        out.setdefault(lang, str(lit))
    return out


def local_name(iri) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def sparql_prefixes(graph: rdflib.Graph, node) -> str:
    """PREFIX lines for a node's sh:prefixes declarations, so its sh:select runs outside pySHACL."""
    lines = []
    for prefixes in graph.objects(node, SH.prefixes):
        for decl in graph.objects(prefixes, SH.declare):
            prefix, namespace = graph.value(decl, SH.prefix), graph.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines)


def _select(graph: rdflib.Graph, node) -> str | None:
    if node is None:
        return None
    query = graph.value(node, SH.select)
    return f"{sparql_prefixes(graph, node)}\n{query}" if query is not None else None


def _item(graph: rdflib.Graph, shape, severity) -> Item:
    kinds = [(param, kind) for param, kind in KINDS.items() if graph.value(shape, param) is not None]
    if len(kinds) != 1:
        raise ValueError(f"{shape}: an item states exactly one of {sorted(KINDS)}, found {len(kinds)}")
    param, kind = kinds[0]
    return Item(
        iri=shape,
        key=local_name(shape),
        label=texts(graph, shape, RDFS.label),
        message=texts(graph, shape, SH.message),
        order=int(graph.value(shape, FKS.order, default=rdflib.Literal(0))),
        provisions=tuple(sorted(graph.objects(shape, DCTERMS.references))),
        severity=severity,
        kind=kind,
        value=graph.value(shape, param),
        annotation=graph.value(shape, FKS.annotation),
    )


def _item_order(item: Item):
    return (item.order, item.key)


def read_requirements(graph: rdflib.Graph) -> tuple:
    requirements = []
    for req in graph.subjects(RDF.type, FKS.Requirement):
        severity = graph.value(req, SH.severity, default=SH.Violation)
        items = sorted((_item(graph, i, severity) for i in graph.objects(req, FKS.item)), key=_item_order)
        group = graph.value(req, FKS.shapesGroup)
        partly = graph.value(req, FKS.partlyWhen)
        requirements.append(
            Requirement(
                iri=req,
                key=local_name(req),
                label=texts(graph, req, RDFS.label),
                short=texts(graph, req, FKS.shortLabel),
                order=int(graph.value(req, FKS.order, default=rdflib.Literal(99))),
                provisions=tuple(sorted(graph.objects(req, DCTERMS.references))),
                severity=severity if graph.value(req, FKS.shapesGroup) is None else None,
                guideline_level=bool(graph.value(req, FKS.guidelineLevel, default=rdflib.Literal(False)).toPython()),
                applies_to=graph.value(req, FKS.appliesTo),
                partly_query=_select(graph, partly),
                partly_label=texts(graph, partly, RDFS.label) if partly is not None else {},
                shapes_group=str(group) if group is not None else None,
                items=tuple(items),
            )
        )
    return tuple(sorted(requirements, key=lambda r: (r.order, r.key)))


def _files_stamp(group: str) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns) for p in shape_files(group))


@lru_cache(maxsize=4)
def _load(stamp: tuple) -> tuple[rdflib.Graph, rdflib.Graph, tuple]:
    compliance = shapes_graph(COMPLIANCE)
    return shapes_graph(STRUCTURE), compliance, read_requirements(compliance)


def _current() -> tuple:
    return _load(_files_stamp(STRUCTURE) + _files_stamp(COMPLIANCE))


def load() -> tuple[rdflib.Graph, tuple]:
    """(the compliance shapes, the requirements), read again when a shape file changes."""
    _, compliance, requirements = _current()
    return compliance, requirements


def structure_shapes() -> rdflib.Graph:
    return _current()[0]


DRAFT = "draft"


@lru_cache(maxsize=2)
def _draft(stamp: tuple) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph += shapes_graph(STRUCTURE)
    graph += shapes_graph(DRAFT)
    return graph


def draft_structure_shapes() -> rdflib.Graph:
    """The structural shapes with the draft profile (shapes/draft/) over them, for a planner's draft."""
    return _draft(_files_stamp(STRUCTURE) + _files_stamp(DRAFT))


def compliance_shapes() -> rdflib.Graph:
    return _current()[1]


def requirements() -> tuple:
    return _current()[2]
