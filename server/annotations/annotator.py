"""Propose annotations for a plan element from its own text and from the headings it is printed under."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import rdflib
from rdflib.namespace import RDFS

from server.annotations.lexicon import FK, Concept, Lexicon, load_lexicon, normalise

__all__ = ["Proposal", "propose", "propose_elements", "element_texts", "load_lexicon", "normalise", "Lexicon"]

DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
# Joins an element's label and description: survives normalisation and is in no term, so no match spans it.
SEPARATOR = "|"


@dataclass(frozen=True)
class Proposal:
    element: str | None
    property: str  # full IRI of fk:targetGroup, fk:realisesFunction, fk:addressesPriority or fk:topic
    concept: str  # full IRI
    matched: str  # the normalised words matched in the text, or the heading's text
    via: str  # "text" or "heading"

    @property
    def key(self) -> tuple[str | None, str, str]:
        return (self.element, self.property, self.concept)


def matches(text: str, lexicon: Lexicon) -> dict[Concept, str]:
    """Concept -> the first term of it found in `text` (normalised), after two rules: a term inside one of
    the concept's excluded words does not count, and a term inside a longer matched term of the same scheme
    does not count (要介護者 is not also 介護者, but 要援護者名簿 is a register and names 要援護者)."""
    norm = normalise(text)
    found = []  # (start, end, concept, term)
    for concept in lexicon.concepts:
        blocked = [(s, s + len(x)) for x in concept.excluded for s in _occurrences(norm, x)]
        for term in concept.terms:
            for start in _occurrences(norm, term):
                end = start + len(term)
                if not any(bs <= start and end <= be for bs, be in blocked):
                    found.append((start, end, concept, term))
    kept = [m for m in found if not any(_inside(m, o) for o in found)]
    out: dict[Concept, str] = {}
    for _, _, concept, term in sorted(kept, key=lambda m: (m[0], -m[1])):
        out.setdefault(concept, term)
    return out


def _inside(m, o) -> bool:
    """Match m lies inside the longer match o of the same scheme."""
    return o[2].scheme == m[2].scheme and o[0] <= m[0] and m[1] <= o[1] and (o[1] - o[0]) > (m[1] - m[0])


def _occurrences(text: str, term: str) -> Iterable[int]:
    start = text.find(term)
    while start >= 0:
        yield start
        start = text.find(term, start + 1)


def propose(
    text: str, headings: Sequence[str] = (), lexicon: Lexicon | None = None, element: str | None = None
) -> list[Proposal]:
    """Proposals for one element: every concept whose terms occur in `text`, and, for schemes whose documents
    file items under headings (fk:filedUnderHeadings), every concept named by one of `headings` (outermost
    first; the nearest heading that names it is recorded)."""
    lexicon = lexicon or load_lexicon()
    proposals = {}
    for concept, term in matches(text, lexicon).items():
        proposals[concept.iri] = Proposal(element, concept.property, concept.iri, term, "text")
    for heading in reversed(list(headings)):
        for concept in matches(heading, lexicon):
            if concept.from_headings and concept.iri not in proposals:
                proposals[concept.iri] = Proposal(element, concept.property, concept.iri, heading.strip(), "heading")
    return sorted(proposals.values(), key=lambda p: (p.property, p.concept))


def element_texts(graph: rdflib.Graph) -> dict[str, tuple[str, list[str]]]:
    """Element IRI -> (its own text: Japanese labels and descriptions, its headings: the Japanese labels of the
    elements above it, outermost first). Elements are the resources with a fk:parent."""
    parents = {s: o for s, o in graph.subject_objects(FK.parent)}

    def ja(subject, prop):
        return sorted(str(v) for v in graph.objects(subject, prop) if getattr(v, "language", None) == "ja")

    out = {}
    for element in parents:
        own = SEPARATOR.join(ja(element, RDFS.label) + ja(element, DCTERMS.description))
        headings, seen, up = [], {element}, parents.get(element)
        while up is not None and up in parents and up not in seen:
            seen.add(up)
            headings.insert(0, SEPARATOR.join(ja(up, RDFS.label)))
            up = parents.get(up)
        out[str(element)] = (own, headings)
    return out


def propose_elements(graph: rdflib.Graph, lexicon: Lexicon | None = None) -> list[Proposal]:
    """Run the annotator once over every element of `graph`."""
    lexicon = lexicon or load_lexicon()
    out = []
    for element, (own, headings) in sorted(element_texts(graph).items()):
        out.extend(propose(own, headings, lexicon, element=element))
    return out
