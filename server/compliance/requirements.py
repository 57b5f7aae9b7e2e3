"""The legal model of the compliance matrix, read from the Turtle in shapes/compliance/.

The files there are the single statement of what each law, national plan or guideline asks (see
shapes/compliance/_common.ttl for the vocabulary and the rules); the evaluator and the renderers read
requirements from here and keep no list of their own.
"""

from dataclasses import dataclass
from functools import lru_cache

import rdflib
from rdflib.namespace import RDF, RDFS

from server.graph.validation import shape_files, shapes_graph

FKS = rdflib.Namespace("https://w3id.org/fukushi-kg/shapes#")
FK = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
SCHEMA = rdflib.Namespace("https://schema.org/")
COMPLIANCE = "compliance"
STRUCTURE = "structure"

SOURCES = ("statute", "national-plan", "guideline")
ADDRESSEES = ("plan-content", "plan-process", "municipality")
DUTIES = ("mandatory", "effort", "take-into-account", "recommendation")


@dataclass(frozen=True)
class Item:
    iri: rdflib.URIRef
    label: dict
    order: int
    signals: tuple  # an element whose own text holds one of these shows the item
    partial_signals: tuple  # … shows it only in part
    context: tuple  # if given, the element or one of its ancestors must also mention one of these
    tag: rdflib.URIRef | None  # the annotation a tagger would give such an element
    tag_property: rdflib.URIRef | None
    after_adoption: bool  # something only a plan already made can show (publication): a draft cannot
    evidence_class: rdflib.URIRef | None  # if given, only nodes of this class are evidence


@dataclass(frozen=True)
class Code:
    code: str
    symbol: str
    label: dict


@dataclass(frozen=True)
class Provision:
    iri: str
    label: dict
    law_id: str | None
    article: str | None
    paragraph: int | None
    item: int | None
    url: str | None  # the article on e-Gov 法令検索


@dataclass(frozen=True)
class Requirement:
    iri: rdflib.URIRef
    key: str  # the id of the JSON contract, e.g. swa-107-1-1
    label: dict
    short: dict
    order: int
    provision: Provision
    source: Code
    basis: dict  # label of the national plan or guideline, when the source is one
    addressee: Code
    duty: Code
    applies_to: tuple  # plan classes
    items: tuple
    fix: dict
    checked: tuple  # URLs of the references the wording and duty were checked against
    checked_note: dict


def texts(graph: rdflib.Graph, node, prop) -> dict:
    """{"ja": …, "en": …} from language-tagged literals (the first of each language)."""
    out = {}
    for lit in graph.objects(node, prop):
        lang = getattr(lit, "language", None) or ""
        out.setdefault(lang, str(lit))
    return out


def local_name(iri) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _strings(graph, node, prop) -> tuple:
    return tuple(sorted(str(o) for o in graph.objects(node, prop)))


def _code(graph, node, allowed, what, req) -> Code:
    value = graph.value(node, FKS.code) if node is not None else None
    if value is None or str(value) not in allowed:
        raise ValueError(f"{req}: {what} must be one of {', '.join(allowed)}")
    return Code(str(value), str(graph.value(node, FKS.symbol, default="")), texts(graph, node, RDFS.label))


def _int(value):
    return int(value) if value is not None else None


def _provision(graph, iri) -> Provision:
    law = graph.value(iri, FK.law)
    law_id = graph.value(law, FK.eGovLawId) if law is not None else None
    url = graph.value(iri, SCHEMA.url)
    return Provision(
        iri=str(iri),
        label=texts(graph, iri, RDFS.label),
        law_id=str(law_id) if law_id is not None else None,
        article=str(graph.value(iri, FK.article)) if graph.value(iri, FK.article) is not None else None,
        paragraph=_int(graph.value(iri, FK.paragraph)),
        item=_int(graph.value(iri, FK.item)),
        url=str(url) if url is not None else None,
    )


def _item(graph, node) -> Item:
    signals = _strings(graph, node, FKS.signal)
    if not signals:
        raise ValueError(f"{node}: an item needs at least one fks:signal")
    return Item(
        iri=node,
        label=texts(graph, node, RDFS.label),
        order=int(graph.value(node, FKS.order, default=rdflib.Literal(0))),
        signals=signals,
        partial_signals=_strings(graph, node, FKS.partialSignal),
        context=_strings(graph, node, FKS.context),
        tag=graph.value(node, FKS.tag),
        tag_property=graph.value(node, FKS.tagProperty),
        evidence_class=graph.value(node, FKS.evidenceClass),
        after_adoption=bool(graph.value(node, FKS.afterAdoption, default=rdflib.Literal(False)).toPython()),
    )


def read_requirements(graph: rdflib.Graph) -> tuple:
    """The requirements of a graph holding shapes/compliance/ and data/legislation.ttl."""
    out = []
    for req in graph.subjects(RDF.type, FKS.Requirement):
        key = graph.value(req, FKS.id)
        provision = graph.value(req, FKS.provision)
        if key is None or provision is None:
            raise ValueError(f"{req}: a requirement needs fks:id and fks:provision")
        if graph.value(provision, FK.law) is None:
            raise ValueError(f"{req}: provision {provision} is not in data/legislation.ttl")
        applies = tuple(sorted(graph.objects(req, FKS.appliesTo)))
        if not applies:
            raise ValueError(f"{req}: a requirement needs fks:appliesTo")
        basis = graph.value(req, FKS.basis)
        out.append(
            Requirement(
                iri=req,
                key=str(key),
                label=texts(graph, req, RDFS.label),
                short=texts(graph, req, FKS.shortLabel),
                order=int(graph.value(req, FKS.order, default=rdflib.Literal(99))),
                provision=_provision(graph, provision),
                source=_code(graph, graph.value(req, FKS.source), SOURCES, "fks:source", req),
                basis=texts(graph, basis, RDFS.label) if basis is not None else {},
                addressee=_code(graph, graph.value(req, FKS.addressee), ADDRESSEES, "fks:addressee", req),
                duty=_code(graph, graph.value(req, FKS.duty), DUTIES, "fks:duty", req),
                applies_to=applies,
                items=tuple(sorted((_item(graph, i) for i in graph.objects(req, FKS.item)), key=lambda i: i.order)),
                fix=texts(graph, req, FKS.fix),
                checked=tuple(sorted(str(u) for u in graph.objects(req, DCTERMS.source))),
                checked_note=texts(graph, req, FKS.checkedNote),
            )
        )
    return tuple(sorted(out, key=lambda r: (r.order, r.key)))


def _files_stamp(group: str) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns) for p in shape_files(group))


@lru_cache(maxsize=4)
def _load(stamp: tuple) -> tuple:
    from server.paths import DATA_DIR

    model = shapes_graph(COMPLIANCE)
    model.parse(DATA_DIR / "legislation.ttl", format="turtle")
    return shapes_graph(STRUCTURE), read_requirements(model)


def _current() -> tuple:
    from server.paths import DATA_DIR

    legislation = DATA_DIR / "legislation.ttl"
    return _load(
        _files_stamp(STRUCTURE) + _files_stamp(COMPLIANCE) + ((str(legislation), legislation.stat().st_mtime_ns),)
    )


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


def requirements() -> tuple:
    """The requirements, read again when a file of shapes/compliance/ or data/legislation.ttl changes."""
    return _current()[1]
