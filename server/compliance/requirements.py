"""The legal model of the compliance matrix, read from the Turtle in shapes/compliance/.

The files there are the single statement of what each law, national plan or guideline asks (see
shapes/compliance/_common.ttl for the vocabulary and the rules); the evaluator and the renderers read
requirements from here and keep no list of their own. A requirement's duty is never stated twice: a
statute requirement takes its provision's fk:dutyType (data/legislation.ttl), a national plan's or a
guideline's comes from its source (fks:impliesDuty); a requirement that states fks:duty is refused.
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
DUTIES = ("mandatory", "statutory-content", "effort", "take-into-account", "recommendation")


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
    in_place: bool = False  # the preceding plan's achievement (a body already set up) is evidence too
    embodied_with: rdflib.URIRef | None = None  # being made as one with a plan of this class shows the item


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
    url: str | None  # the article, paragraph or item on e-Gov 法令検索
    duty_text: dict = None  # what the provision asks, summarised (fk:duty)
    duty_type: str | None = None  # fk:dutyType's local name
    in_force_since: str | None = None  # the day its present wording took effect
    earlier_wording: dict = None
    former_article: str | None = None
    version: dict = None  # the law version in force the checks use (ELI expression)
    sources: tuple = ()  # primary sources (dcterms:source)
    checked_with: tuple = ()  # secondary references used to check the wording
    unconfirmed: dict = None  # what no primary source confirmed


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
    embodiment_check: bool = False  # a document that embodies such a plan must have elements serving it


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


ELI = rdflib.Namespace("http://data.europa.eu/eli/ontology#")


def _str(value):
    return str(value) if value is not None else None


def _version(graph, law) -> dict:
    """The law version in force that the checks use: the latest ELI expression of the Act."""
    versions = sorted(graph.objects(law, ELI.is_realized_by), key=lambda v: str(graph.value(v, ELI.version_date) or ""))
    if not versions:
        return {}
    v = versions[-1]
    return {
        "iri": str(v),
        "label": texts(graph, v, RDFS.label),
        "version_date": _str(graph.value(v, ELI.version_date)),
        "law_revision_id": _str(graph.value(v, FK.lawRevisionId)),
        "amending_law": _str(graph.value(v, FK.amendingLaw)),
        "unconfirmed": texts(graph, v, FK.unconfirmed),
        "sources": _strings(graph, v, DCTERMS.source),
    }


def _provision(graph, iri) -> Provision:
    law = graph.value(iri, FK.law)
    law_id = graph.value(law, FK.eGovLawId) if law is not None else None
    url = graph.value(iri, SCHEMA.url)
    duty = graph.value(iri, FK.dutyType)
    return Provision(
        iri=str(iri),
        label=texts(graph, iri, RDFS.label),
        law_id=str(law_id) if law_id is not None else None,
        article=str(graph.value(iri, FK.article)) if graph.value(iri, FK.article) is not None else None,
        paragraph=_int(graph.value(iri, FK.paragraph)),
        item=_int(graph.value(iri, FK.item)),
        url=str(url) if url is not None else None,
        duty_text=texts(graph, iri, FK.duty),
        duty_type=local_name(duty) if duty is not None else None,
        in_force_since=_str(graph.value(iri, FK.inForceSince)),
        earlier_wording=texts(graph, iri, FK.earlierWording),
        former_article=_str(graph.value(iri, FK.formerArticle)),
        version=_version(graph, law) if law is not None else {},
        sources=_strings(graph, iri, DCTERMS.source),
        checked_with=_strings(graph, iri, FK.checkedWith),
        unconfirmed=texts(graph, iri, FK.unconfirmed),
    )


def _duty(graph, req, source_node, provision) -> Code:
    """The one duty of a requirement: the provision's for a statute, the source's for a plan or guideline."""
    if graph.value(req, FKS.duty) is not None:
        raise ValueError(f"{req}: fks:duty is not stated on a requirement; it comes from the provision or the source")
    implied = graph.value(source_node, FKS.impliesDuty) if source_node is not None else None
    if implied is not None:
        return _code(graph, implied, DUTIES, "the source's fks:impliesDuty", req)
    duty_type = graph.value(provision, FK.dutyType)
    node = next(graph.subjects(FKS.forDutyType, duty_type), None) if duty_type is not None else None
    if node is None:
        raise ValueError(f"{req}: provision {provision} has no fk:dutyType a requirement can take")
    return _code(graph, node, DUTIES, "the provision's fk:dutyType", req)


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
        in_place=bool(graph.value(node, FKS.inPlace, default=rdflib.Literal(False)).toPython()),
        embodied_with=graph.value(node, FKS.embodiedWith),
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
                duty=_duty(graph, req, graph.value(req, FKS.source), provision),
                applies_to=applies,
                items=tuple(sorted((_item(graph, i) for i in graph.objects(req, FKS.item)), key=lambda i: i.order)),
                fix=texts(graph, req, FKS.fix),
                checked=tuple(sorted(str(u) for u in graph.objects(req, DCTERMS.source))),
                checked_note=texts(graph, req, FKS.checkedNote),
                embodiment_check=bool(graph.value(req, FKS.embodimentCheck, default=rdflib.Literal(False)).toPython()),
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
