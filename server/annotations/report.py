"""The annotation audit: per city and concept, the elements annotated (or not) and the words that decided it,
read from the published graph's fk:AnnotationDecision records; and the figures `annotations --stats` prints."""

from collections import Counter, defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from server.annotations.lexicon import SCHEME_PROPERTY
from server.paths import QUERIES_DIR

AUDIT = """
PREFIX fk: <https://w3id.org/fukushi-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?city ?code ?cityLabel ?scheme ?schemeLabel ?concept ?conceptLabel ?element ?elementLabel
       ?source ?start ?verdict ?via ?evidence ?reason ?review ?by ?date ?confidence ?property
WHERE {
  ?decision a fk:AnnotationDecision ; rdf:subject ?element ; rdf:predicate ?property ; rdf:object ?concept ;
            fk:verdict ?verdict ; fk:proposedVia ?via .
  OPTIONAL { ?decision fk:evidence ?evidence }
  OPTIONAL { ?decision fk:reason ?reason }
  OPTIONAL { ?decision fk:review ?review }
  OPTIONAL { ?decision dcterms:creator ?by }
  OPTIONAL { ?decision dcterms:date ?date }
  OPTIONAL { ?decision fk:confidence ?confidence }
  ?concept skos:inScheme ?scheme ; skos:prefLabel ?conceptLabel . FILTER (lang(?conceptLabel) = "ja")
  ?scheme skos:prefLabel ?schemeLabel . FILTER (lang(?schemeLabel) = "ja")
  ?element fk:parent+ ?plan . ?plan a fk:Plan ; fk:municipality ?city .
  ?city fk:localGovernmentCode ?code ; rdfs:label ?cityLabel . FILTER (lang(?cityLabel) = "ja")
  OPTIONAL { ?element rdfs:label ?elementLabel . FILTER (lang(?elementLabel) = "ja") }
  OPTIONAL { ?element fk:sourceFile ?source ; fk:startLine ?start }
}
"""

# The quality checks that judge the annotations (queries/quality/); `--stats` prints their row counts.
QUALITY_CHECKS = (
    "annotations-outside-their-scheme",
    "same-label-different-annotations",
    "recidivism-priority-out-of-context",
)
SCHEME_ORDER = list(SCHEME_PROPERTY)


@dataclass(frozen=True)
class Entry:
    city: str
    code: str
    city_label: str
    scheme: str
    scheme_label: str
    concept: str
    concept_label: str
    element: str
    element_label: str
    source: str
    start: int | None
    verdict: str
    via: str
    evidence: str
    reason: str
    review: str = ""
    decided_by: str = ""
    decided_on: str = ""
    confidence: float | None = None
    predicate: str = ""

    @property
    def inherited(self) -> bool:
        return self.via == "heading"

    @property
    def from_plan(self) -> bool:
        """Rests on the kind of plan the element belongs to (fk:PlanSubjectAnnotationDecision)."""
        return self.via == "plan"


def _value(row, name, default=""):
    term = row[name]
    return default if term is None else term.value


def entries(store: ox.Store) -> list[Entry]:
    out = []
    for row in store.query(AUDIT):
        out.append(
            Entry(
                city=_value(row, "city"),
                code=_value(row, "code"),
                city_label=_value(row, "cityLabel"),
                scheme=_value(row, "scheme"),
                scheme_label=_value(row, "schemeLabel"),
                concept=_value(row, "concept"),
                concept_label=_value(row, "conceptLabel"),
                element=_value(row, "element"),
                element_label=_value(row, "elementLabel"),
                source=_value(row, "source").rsplit("/", 1)[-1],
                start=int(row["start"].value) if row["start"] is not None else None,
                verdict=_value(row, "verdict"),
                via=_value(row, "via"),
                evidence=_value(row, "evidence"),
                reason=_value(row, "reason"),
                review=_value(row, "review"),
                decided_by=_value(row, "by"),
                decided_on=_value(row, "date"),
                confidence=float(row["confidence"].value) if row["confidence"] is not None else None,
                predicate=_value(row, "property"),
            )
        )
    return sorted(out, key=_order)


def _order(e: Entry):
    scheme = SCHEME_ORDER.index(e.scheme) if e.scheme in SCHEME_ORDER else len(SCHEME_ORDER)
    return (e.code, scheme, e.concept, e.verdict == "rejected", e.element)


def by_city_and_concept(items: list[Entry]) -> dict:
    """code -> (city label, {concept IRI -> (scheme label, concept label, [Entry])}), in report order."""
    out: dict = {}
    for e in items:
        city = out.setdefault(e.code, (e.city_label, {}))
        city[1].setdefault(e.concept, (e.scheme_label, e.concept_label, []))[2].append(e)
    return out


@dataclass(frozen=True)
class SchemeStats:
    scheme: str
    label: str
    proposals: int
    accepted: int
    rejected: int
    added: int


def stats(items: list[Entry]) -> list[SchemeStats]:
    # A decision row counts once even where its element belongs to two plans of a city.
    unique = {(e.element, e.concept): e for e in items}.values()
    counts: dict = defaultdict(Counter)
    labels = {}
    for e in unique:
        counts[e.scheme][e.verdict] += 1
        labels[e.scheme] = e.scheme_label
    out = []
    for scheme in SCHEME_ORDER:
        c = counts.get(scheme, Counter())
        out.append(
            SchemeStats(
                scheme,
                labels.get(scheme, scheme),
                c["accepted"] + c["rejected"],
                c["accepted"],
                c["rejected"],
                c["added"],
            )
        )
    return out


REVIEWS = ("person", "agent", "as-proposed")


@dataclass(frozen=True)
class ReviewStats:
    decisions: int
    by_review: dict  # review -> count
    inherited: int  # kept annotations that rest on a heading
    from_plan: int = 0  # kept annotations that rest on the plan's kind

    def share(self, review: str) -> float:
        return self.by_review.get(review, 0) / self.decisions if self.decisions else 0.0


def review_stats(items: list[Entry]) -> ReviewStats:
    """How far the decisions were reviewed: by a person, by a software agent, or taken as proposed."""
    unique = {(e.element, e.concept): e for e in items}.values()
    counts = Counter(e.review or "as-proposed" for e in unique)
    inherited = sum(1 for e in unique if e.inherited and e.verdict != "rejected")
    from_plan = sum(1 for e in unique if e.from_plan and e.verdict != "rejected")
    return ReviewStats(len(unique), {r: counts.get(r, 0) for r in REVIEWS}, inherited, from_plan)


TEXTS = """
PREFIX fk: <https://w3id.org/fukushi-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?element ?kind ?text WHERE {
  ?element fk:parent ?up .
  { ?element rdfs:label ?text . BIND (0 AS ?kind) } UNION { ?element dcterms:description ?text . BIND (1 AS ?kind) }
  FILTER (lang(?text) = "ja")
}
"""


def element_texts(store: ox.Store) -> dict[str, str]:
    """Element -> its own text as the annotator reads it (Japanese labels, then descriptions, joined)."""
    from server.annotations.annotator import SEPARATOR

    parts: dict = defaultdict(lambda: ([], []))
    for row in store.query(TEXTS):
        parts[row["element"].value][int(row["kind"].value)].append(row["text"].value)
    return {e: SEPARATOR.join(sorted(labels) + sorted(descriptions)) for e, (labels, descriptions) in parts.items()}


def near_duplicate_problems(store: ox.Store, items: list[Entry] | None = None) -> list[str]:
    """The near-duplicate consistency check (server.annotations.consistency) over the published graph."""
    from server.annotations.consistency import problems, read_settled
    from server.annotations.decisions import Decision

    items = entries(store) if items is None else items
    decisions = [
        Decision(e.element, e.predicate, e.concept, e.verdict, e.via, e.evidence, e.reason, 0)
        for e in {(e.element, e.concept): e for e in items}.values()
    ]
    return problems(element_texts(store), decisions, read_settled())


def quality_rows(store: ox.Store, items: list[Entry] | None = None) -> dict[str, int]:
    """Rows each annotation quality check returns on the store (0 when the annotations are consistent), and the
    differences the near-duplicate check finds undecided."""
    out = {}
    for name in QUALITY_CHECKS:
        text = (QUERIES_DIR / "quality" / f"{name}.rq").read_text(encoding="utf-8")
        out[name] = sum(1 for _ in store.query(text))
    out[NEAR_DUPLICATES] = len(near_duplicate_problems(store, items))
    return out


NEAR_DUPLICATES = "near-duplicates-tagged-differently"
