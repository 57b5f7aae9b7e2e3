"""The lexicon: for each concept of the annotation schemes, the normalised words that signal it.

Normalisation is the morphological analyser's (server.language, SudachiPy): each word's normalised form,
with a noun made from a verb folded to the verb (`lemma_key`), so that 障がい/障害, 見まもり/見守り,
子ども/こども/子供, 支えあい/支え合い, 取組/取り組み and inflected forms (問わない/問わず) meet without a
hand-kept table. The lexicon's labels and the element's text are keyed the same way; spellings the
dictionary does not fold (伴走, 単身, 分野を問わない …) are skos:altLabel/hiddenLabel in
ontology/vocabularies.ttl, where a reviewer reads them.
"""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SKOS

from server.language import lemma_key
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


def plain(text: str) -> str:
    """NFKC, case folded, white space removed: the literal form."""
    return "".join(plain_chars(text)[0])


def plain_chars(text: str) -> tuple[str, list[int]]:
    """`plain(text)` and, per character of it, the offset of the original character it came from."""
    out, where = [], []
    for i, c in enumerate(text):
        n = unicodedata.normalize("NFKC", c).casefold()
        if n.isspace():
            continue
        out.append(n)
        where.extend([i] * len(n))
    return "".join(out), where


def normalise(text: str) -> str:
    """The text's lemma key (server.language.lemma_key): the form terms and texts are compared in."""
    return lemma_key(text)


@dataclass(frozen=True)
class Concept:
    iri: str
    scheme: str
    property: str
    label: str
    terms: tuple[str, ...]  # lemma keys, longest first
    excluded: tuple[str, ...]  # lemma keys
    from_headings: bool
    # The labels as written (NFKC, no white space): matched literally as well, because the analyser cuts a
    # word differently in some contexts (「範囲で居場所」 is read 範囲 で 居る 場所).
    literals: tuple[str, ...] = ()
    excluded_literals: tuple[str, ...] = ()
    # fk:contextLabel: words that signal the concept only where the element's words or its headings name the
    # scheme's fk:contextConcept (就労 is a 再犯 priority only where offenders are named: in a 生活困窮 section
    # it is not). Lemma keys and literals, as for the terms.
    context: str | None = None
    context_terms: tuple[str, ...] = ()
    context_literals: tuple[str, ...] = ()


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
        in_context = [w for w in _ja(graph.objects(concept, FK.contextLabel)) if w.strip()]
        context = graph.value(scheme, FK.contextConcept)
        concepts.append(
            Concept(
                iri=str(concept),
                scheme=str(scheme),
                property=SCHEME_PROPERTY[str(scheme)],
                label=(_ja(graph.objects(concept, SKOS.prefLabel)) or [str(concept)])[0],
                terms=tuple(terms),
                excluded=tuple(sorted({normalise(w) for w in _ja(graph.objects(concept, FK.excludedTerm))})),
                from_headings=graph.value(scheme, FK.filedUnderHeadings) == rdflib.Literal(True),
                literals=tuple(sorted({plain(w) for w in words if w.strip()}, key=lambda t: (-len(t), t))),
                excluded_literals=tuple(sorted({plain(w) for w in _ja(graph.objects(concept, FK.excludedTerm))})),
                context=str(context) if context is not None and in_context else None,
                context_terms=tuple(sorted({normalise(w) for w in in_context}, key=lambda t: (-len(t), t))),
                context_literals=tuple(sorted({plain(w) for w in in_context}, key=lambda t: (-len(t), t))),
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
