"""The elements and activities that prove a requirement item is met.

The SHACL report only says what is missing; an analyst also wants what is there. Each finder
below is the positive form of one constraint component of shapes/compliance/_common.ttl, run on
dictionaries instead of SPARQL because a validation run asks it hundreds of times.
tests/compliance checks that a finder returns nothing exactly when its shape reports the item.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import RDF, RDFS, SKOS

from server.compliance.requirements import local_name
from server.compliance.shacl import prepared
from server.paths import SOURCE_NS

FK = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")

# The most specific class first, to name what kind of thing the evidence is.
CLASS_ORDER = [
    FK.Measure,
    FK.Role,
    FK.MeasureGroup,
    FK.Direction,
    FK.PriorityInitiative,
    FK.Policy,
    FK.BasicGoal,
    FK.Perspective,
    FK.BasicPhilosophy,
    FK.ParticipationActivity,
    FK.EvaluationActivity,
    FK.PlanElement,
]


@dataclass(frozen=True)
class Evidence:
    iri: str
    label: str
    kind: str
    source: str | None  # the seed file name, e.g. 004_cbbcddac45a49502.txt
    start: int | None
    end: int | None
    concepts: tuple = field(default_factory=tuple)  # (iri, ja label) pairs the element carries

    def where(self) -> str:
        if not self.source:
            return ""
        lines = f"{self.start}" if self.start == self.end else f"{self.start}-{self.end}"
        return f"{self.source}:{lines}"

    def as_dict(self) -> dict:
        return {
            "iri": self.iri,
            "label": self.label,
            "class": self.kind,
            "source": self.source,
            "startLine": self.start,
            "endLine": self.end,
            "concepts": [{"iri": c, "label": lab} for c, lab in self.concepts],
        }


class EvidenceFinder:
    """Indexes one materialised graph; answers per document or plan."""

    def __init__(self, graph: rdflib.Graph):
        self.graph = graph
        self.narrower = defaultdict(set)
        self.broader = defaultdict(set)
        for c, b in graph.subject_objects(SKOS.broader):
            self.narrower[b].add(c)
            self.broader[c].add(b)
        self._described = {}

    # --- concept closures (skos:broader is not transitive: walk it) ---

    def _walk(self, start, edges) -> set:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            for nxt in edges.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def narrower_or_self(self, concept) -> set:
        return self._walk(concept, self.narrower) | {concept}

    def related(self, concept) -> set:
        """The concept, its narrower concepts and its broader ones (fks:documentConcerns)."""
        return self.narrower_or_self(concept) | self._walk(concept, self.broader)

    # --- scopes ---

    def document_plans(self, document) -> list:
        return sorted(self.graph.objects(document, FK.embodies))

    def elements_of(self, plans) -> set:
        return {e for p in plans for e in self.graph.subjects(FK.partOf, p)}

    def documents_of(self, plan) -> list:
        return sorted(self.graph.subjects(FK.embodies, plan))

    # --- finders, one per constraint component ---

    def covering(self, elements, annotation, concepts: set) -> list:
        found = []
        for element in elements:
            matched = [c for c in self.graph.objects(element, annotation) if c in concepts]
            if matched:
                found.append(self.describe(element, matched))
        return sorted(found, key=_evidence_order)

    def for_item(self, item, plan) -> list:
        if item.kind == "activity":
            activities = [a for a in self.graph.subjects(FK.forPlan, plan) if (a, RDF.type, item.value) in self.graph]
            return sorted((self.describe(a) for a in activities), key=_evidence_order)
        if item.kind == "plan-covers":
            elements = self.elements_of([plan])
            concepts = self.narrower_or_self(item.value)
        else:
            plans = {p for d in self.documents_of(plan) for p in self.document_plans(d)}
            elements = self.elements_of(plans)
            concerns = item.kind == "document-concerns"
            concepts = self.related(item.value) if concerns else self.narrower_or_self(item.value)
        return self.covering(elements, item.annotation, concepts)

    def partly(self, query: str, plan) -> list:
        rows = self.graph.query(prepared(query), initBindings={"this": plan})
        return sorted((self.describe(row[0]) for row in rows), key=_evidence_order)

    # --- description ---

    def label(self, node, lang="ja") -> str:
        labels = list(self.graph.objects(node, RDFS.label))
        for lit in labels:
            if getattr(lit, "language", None) == lang:
                return str(lit)
        return str(labels[0]) if labels else str(node)

    def describe(self, node, concepts=()) -> Evidence:
        key = (node, tuple(sorted(concepts)))
        if key not in self._described:
            g = self.graph
            kind = next((local_name(c) for c in CLASS_ORDER if (node, RDF.type, c) in g), "")
            source = g.value(node, FK.sourceFile)
            start, end = g.value(node, FK.startLine), g.value(node, FK.endLine)
            self._described[key] = Evidence(
                iri=str(node),
                label=self.label(node),
                kind=kind,
                source=_source_name(source),
                start=int(start) if start is not None else None,
                end=int(end) if end is not None else None,
                concepts=tuple((str(c), self.label(c)) for c in sorted(concepts)),
            )
        return self._described[key]


def _source_name(source) -> str | None:
    if source is None:
        return None
    text = str(source)
    return f"{text.removeprefix(SOURCE_NS)}.txt" if text.startswith(SOURCE_NS) else text


def _evidence_order(ev: Evidence):
    return (ev.source or "", ev.start or 0, ev.iri)
