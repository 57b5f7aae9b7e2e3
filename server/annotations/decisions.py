"""The curators' decisions on annotations (data/annotations/decisions.tsv) and the build's check that they
match what the annotator proposes.

One row per annotation key (element, property, concept):
  accepted  a proposal taken; the annotation is in the graph
  rejected  a proposal not taken; `reason` says why; the annotation is not in the graph
  added     an annotation no proposal makes; `evidence` gives the words of the text that support it
The annotations of the lexicon's concepts come only from this file, so that every one of them is either
proposed from the text or justified by hand. Each row also says who decided it and on what date, and how far it
was reviewed:
  person       a person read the element against the seed text and decided
  agent        a software agent (a development session) read it against the seed text; no person has yet
  as-proposed  the annotator's proposal was taken without review (accepted rows only)
Each row is published as a reified statement (fk:AnnotationDecision) with its verdict, evidence, reviewer
(dcterms:creator), date (dcterms:date), review (fk:review) and confidence (fk:confidence: an element's own
words weigh more than a heading it is filed under), so the audit can be queried; rows inherited from a heading
are also typed fk:InheritedAnnotationDecision, and rows that rest on the kind of plan the element belongs to
(via plan: a 再犯防止推進計画's items are about 犯罪をした者等) fk:PlanSubjectAnnotationDecision.
"""

import csv
import hashlib
import importlib
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, XSD

from server.annotations import annotator, lexicon
from server.annotations.annotator import CONFIDENCE, Proposal, element_texts, propose_elements
from server.annotations.lexicon import FK, SCHEME_PROPERTY, Lexicon, load_lexicon
from server.datafile import DataFileError
from server.paths import BASE_IRI, DECISIONS_FILE, ONTOLOGY_NS

COLUMNS = (
    "element",
    "property",
    "concept",
    "verdict",
    "via",
    "evidence",
    "reason",
    "decided_by",
    "decided_on",
    "review",
)
VERDICTS = ("accepted", "rejected", "added")
REVIEWS = ("person", "agent", "as-proposed")
ID_NS = BASE_IRI + "id/"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
# Short forms used in the file: properties by local name, concepts by scheme prefix.
PREFIXES = {"fk": ONTOLOGY_NS} | {
    {"target-group": "tg", "multilayered-function": "fn", "recidivism-priority": "rp", "topic": "tp"}[
        scheme.rstrip("/").rsplit("/", 1)[-1]
    ]: scheme
    for scheme in SCHEME_PROPERTY
}


@dataclass(frozen=True)
class Decision:
    element: str
    property: str
    concept: str
    verdict: str
    via: str  # text, heading, plan or hand
    evidence: str
    reason: str
    line: int  # in the file, 1-based
    decided_by: str = ""
    decided_on: str = ""  # ISO date
    review: str = "as-proposed"

    @property
    def confidence(self) -> float:
        return CONFIDENCE.get(self.via, CONFIDENCE["text"])

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.element, self.property, self.concept)

    @property
    def iri(self) -> str:
        """id/<code>/annotation/<hash of the key>: under the element's municipality, so that the record goes into
        that municipality's part of the build (server.graph.parts)."""
        digest = hashlib.sha1("\t".join(self.key).encode("utf-8")).hexdigest()[:16]
        space = self.element.removeprefix(ID_NS).rsplit("/", 1)[0]  # 082368, or synthetic/089991 in benchmarks
        return f"{ID_NS}{space}/annotation/{digest}"


def expand(short: str) -> str:
    prefix, _, local = short.partition(":")
    if prefix in PREFIXES and local:
        return PREFIXES[prefix] + local
    return ID_NS + short  # elements are written relative to id/: 082368/cwp4-g1


def shorten(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri.removeprefix(ID_NS)


def read_decisions(path: Path | None = None) -> list[Decision]:
    """Parse the decisions table; a malformed row raises DataFileError with the file and line."""
    path = Path(path) if path else DECISIONS_FILE
    if not path.exists():
        return []
    out, seen = [], {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise DataFileError(path, 1, f"the header must be: {' '.join(COLUMNS)}")
    for number, row in enumerate(rows[1:], start=2):
        if not row or row[0].startswith("#"):
            continue
        if len(row) != len(COLUMNS):
            raise DataFileError(path, number, f"expected {len(COLUMNS)} tab-separated columns, found {len(row)}")
        values = dict(zip(COLUMNS, (v.strip() for v in row), strict=True))
        decision = Decision(
            element=expand(values["element"]),
            property=expand(values["property"]),
            concept=expand(values["concept"]),
            verdict=values["verdict"],
            via=values["via"],
            evidence=values["evidence"],
            reason=values["reason"],
            line=number,
            decided_by=values["decided_by"],
            decided_on=values["decided_on"],
            review=values["review"],
        )
        problem = _row_problem(decision)
        if problem:
            raise DataFileError(path, number, problem)
        if decision.key in seen:
            raise DataFileError(
                path, number, f"a second decision on the same annotation (first at line {seen[decision.key]})"
            )
        seen[decision.key] = number
        out.append(decision)
    return out


def _row_problem(d: Decision) -> str | None:
    if d.verdict not in VERDICTS:
        return f"verdict must be one of {', '.join(VERDICTS)}, not {d.verdict!r}"
    if d.review not in REVIEWS:
        return f"review must be one of {', '.join(REVIEWS)}, not {d.review!r}"
    if d.review == "as-proposed" and d.verdict != "accepted":
        return (
            f"only an accepted proposal can be taken as proposed; a {d.verdict} row is a decision: "
            "review agent or person"
        )
    if not d.decided_by:
        return "decided_by is empty: say who decided"
    if not _ISO_DATE.fullmatch(d.decided_on):
        return f"decided_on must be a date written 2026-12-04, not {d.decided_on!r}"
    if d.property not in SCHEME_PROPERTY.values():
        return f"unknown annotation property {shorten(d.property)!r}"
    scheme = next(s for s, p in SCHEME_PROPERTY.items() if p == d.property)
    if not d.concept.startswith(scheme):
        return f"{shorten(d.concept)} is outside the scheme of {shorten(d.property)}"
    if d.verdict == "rejected" and not d.reason:
        return "a rejected proposal needs a reason"
    if d.verdict == "added" and (d.via != "hand" or not d.evidence):
        return "an annotation added by hand has via 'hand' and the supporting words in 'evidence'"
    if d.verdict != "added" and d.via not in ("text", "heading", "plan"):
        return "a decision on a proposal has via 'text', 'heading' or 'plan'"
    return None


def annotation_graph(decisions: list[Decision]) -> rdflib.Graph:
    """The annotations the decisions keep (accepted and added rows): part of the data, so inference sees them."""
    graph = rdflib.Graph()
    for d in decisions:
        if d.verdict != "rejected":
            graph.add((rdflib.URIRef(d.element), rdflib.URIRef(d.property), rdflib.URIRef(d.concept)))
    return graph


def decision_records(decisions: list[Decision]) -> rdflib.Graph:
    """One fk:AnnotationDecision (a reified rdf:Statement) per row."""
    graph = rdflib.Graph()
    for d in decisions:
        node = rdflib.URIRef(d.iri)
        graph.add((node, RDF.type, FK.AnnotationDecision))
        graph.add((node, RDF.subject, rdflib.URIRef(d.element)))
        graph.add((node, RDF.predicate, rdflib.URIRef(d.property)))
        graph.add((node, RDF.object, rdflib.URIRef(d.concept)))
        graph.add((node, FK.verdict, rdflib.Literal(d.verdict)))
        graph.add((node, FK.proposedVia, rdflib.Literal(d.via)))
        if d.via == "heading":
            graph.add((node, RDF.type, FK.InheritedAnnotationDecision))
        elif d.via == "plan":
            graph.add((node, RDF.type, FK.PlanSubjectAnnotationDecision))
        graph.add((node, FK.confidence, rdflib.Literal(Decimal(str(d.confidence)))))
        graph.add((node, FK.review, rdflib.Literal(d.review)))
        graph.add((node, DCTERMS.creator, rdflib.Literal(d.decided_by)))
        graph.add((node, DCTERMS.date, rdflib.Literal(d.decided_on, datatype=XSD.date)))
        if d.evidence:
            graph.add((node, FK.evidence, rdflib.Literal(d.evidence, lang="ja")))
        if d.reason:
            graph.add((node, FK.reason, rdflib.Literal(d.reason, lang="ja")))
    return graph


def decision_graph(decisions: list[Decision]) -> rdflib.Graph:
    """The annotations and their decision records together."""
    return annotation_graph(decisions) + decision_records(decisions)


def check(
    graph: rdflib.Graph,
    decisions: list[Decision],
    lexicon: Lexicon | None = None,
    proposals: list[Proposal] | None = None,
    path: Path | None = None,
) -> list[str]:
    """Problems that must fail the build: a proposal with no decision, a decision with no proposal, an
    annotation of a lexicon concept stated in the data instead of decided here, a decision on an unknown element.
    `graph` is the data without the decisions' annotations."""
    lexicon = lexicon or load_lexicon()
    path = Path(path) if path else DECISIONS_FILE
    proposals = propose_elements(graph, lexicon) if proposals is None else proposals
    by_key = {d.key: d for d in decisions}
    proposed = {p.key: p for p in proposals}
    elements = set(element_texts(graph))
    concepts = {c.iri for c in lexicon.concepts}
    problems = []
    for p in proposals:
        if p.key not in by_key:
            problems.append(
                f"{path}: no decision on the proposal {shorten(p.element)} {shorten(p.property)} {shorten(p.concept)}"
                f" (matched {p.matched!r} via {p.via}): add a row accepting or rejecting it"
            )
        elif by_key[p.key].verdict == "added":
            problems.append(
                f"{path}:{by_key[p.key].line}: the annotator now proposes this annotation: mark it accepted"
            )
    for d in decisions:
        where = f"{path}:{d.line}"
        if d.element not in elements:
            problems.append(f"{where}: {shorten(d.element)} is not a plan element")
        if d.verdict != "added" and d.key not in proposed:
            problems.append(f"{where}: the decision has no proposal any more: remove the row or record it as added")
    for prop in lexicon.properties:
        for s, o in graph.subject_objects(rdflib.URIRef(prop)):
            if str(o) in concepts:
                problems.append(
                    f"{shorten(str(s))} {shorten(prop)} {shorten(str(o))} is stated in the data: "
                    f"annotations of lexicon concepts are recorded in {path.name}"
                )
    return problems


def annotator_sources() -> list[Path]:
    """The annotator's own code and the analyser's: a change to it re-runs the check (and rebuilds every part)."""
    words = importlib.import_module("server.language.words")  # the module: the package exports a function so named
    return [Path(annotator.__file__), Path(__file__), Path(lexicon.__file__), Path(words.__file__)]
