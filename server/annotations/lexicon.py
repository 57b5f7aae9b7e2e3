"""The lexicon: for each concept of the annotation schemes, the normalised words that signal it.

Normalisation (表記ゆれ): NFKC, then white space removed, then a short table of spelling variants
folded to one form. We chose a table over SudachiPy's normalized_form because the folds these plans
need are few and must be checkable by a reviewer, and Sudachi works token by token: it splits the
compound terms the lexicon matches (避難行動要支援者, 相談支援包括化推進員) and its dictionary
does not treat 障がい/障害 as one word. The table is applied to the lexicon and the text alike.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SKOS

from server.paths import ONTOLOGY_DIR, ONTOLOGY_NS

FK = rdflib.Namespace(ONTOLOGY_NS)
CONCEPT_NS = "https://w3id.org/fukushi-kg/id/concept/"

# Scheme -> the element property its concepts are annotated with.
SCHEME_PROPERTY = {
    CONCEPT_NS + "target-group/": ONTOLOGY_NS + "targetGroup",
    CONCEPT_NS + "multilayered-function/": ONTOLOGY_NS + "realisesFunction",
    CONCEPT_NS + "recidivism-priority/": ONTOLOGY_NS + "addressesPriority",
    CONCEPT_NS + "topic/": ONTOLOGY_NS + "topic",
}

# Spelling variants seen in the five plans (and common in others), folded to one written form.
# Order matters: longer variants first where one contains another.
VARIANTS = (
    ("障がい", "障害"),
    ("障碍", "障害"),
    ("子ども", "こども"),
    ("子供", "こども"),
    ("支えあい", "支え合い"),
    ("ささえあい", "支え合い"),
    ("助けあい", "助け合い"),
    ("取り組み", "取組"),
    ("取組み", "取組"),
    ("一人暮らし", "ひとり暮らし"),
    ("独り暮らし", "ひとり暮らし"),
    ("一人親", "ひとり親"),
    ("引きこもり", "ひきこもり"),
    ("申し立て", "申立て"),
    ("居場所作り", "居場所づくり"),
    ("まち作り", "まちづくり"),
    ("地域作り", "地域づくり"),
)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, no white space, spelling variants folded (see VARIANTS)."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    for variant, form in VARIANTS:
        text = text.replace(variant, form)
    return text


@dataclass(frozen=True)
class Concept:
    iri: str
    scheme: str
    property: str
    label: str
    terms: tuple[str, ...]  # normalised, longest first
    excluded: tuple[str, ...]  # normalised
    from_headings: bool


@dataclass(frozen=True)
class Lexicon:
    concepts: tuple[Concept, ...]

    def concept(self, iri: str) -> Concept | None:
        return next((c for c in self.concepts if c.iri == iri), None)

    @property
    def properties(self) -> frozenset[str]:
        return frozenset(c.property for c in self.concepts)


def _ja(values) -> list[str]:
    return [str(v) for v in values if isinstance(v, rdflib.Literal) and v.language == "ja"]


def lexicon_from_graph(graph: rdflib.Graph) -> Lexicon:
    concepts = []
    for concept in sorted(set(graph.subjects(RDF.type, SKOS.Concept))):
        scheme = graph.value(concept, SKOS.inScheme)
        if scheme is None or str(scheme) not in SCHEME_PROPERTY:
            continue
        if graph.value(concept, FK.assignedByReading) == rdflib.Literal(True):
            continue
        words = _ja(graph.objects(concept, SKOS.prefLabel))
        words += _ja(graph.objects(concept, SKOS.altLabel)) + _ja(graph.objects(concept, SKOS.hiddenLabel))
        terms = sorted({normalise(w) for w in words if w.strip()}, key=lambda t: (-len(t), t))
        concepts.append(
            Concept(
                iri=str(concept),
                scheme=str(scheme),
                property=SCHEME_PROPERTY[str(scheme)],
                label=(_ja(graph.objects(concept, SKOS.prefLabel)) or [str(concept)])[0],
                terms=tuple(terms),
                excluded=tuple(sorted({normalise(w) for w in _ja(graph.objects(concept, FK.excludedTerm))})),
                from_headings=graph.value(scheme, FK.filedUnderHeadings) == rdflib.Literal(True),
            )
        )
    return Lexicon(tuple(concepts))


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Lexicon:
    return lexicon_from_graph(rdflib.Graph().parse(path, format="turtle"))


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """The lexicon of ontology/vocabularies.ttl (or `path`), cached until the file changes."""
    path = Path(path) if path else ONTOLOGY_DIR / "vocabularies.ttl"
    return _load(str(path.resolve()), path.stat().st_mtime)
