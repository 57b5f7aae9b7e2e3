"""Annotations proposed by the lexicon annotator of server/annotations (the annotations issue).

The importer only needs `propose(text, headings=(), lexicon=None) -> [Proposal]` (fields element,
property, concept, matched, via) and `load_lexicon()`. Where that module is missing, the draft
carries no proposals and the review page says so, rather than the importer guessing concepts itself.
"""

from dataclasses import dataclass


@dataclass
class ElementProposal:
    element: object  # the outline element
    property: str
    concept: str
    matched: str
    via: str


def annotator_available() -> bool:
    try:
        from server.annotations import annotator  # noqa: F401
    except ImportError:
        return False
    return True


def propose_for(outline) -> list[ElementProposal]:
    if not annotator_available():
        return []
    from server.annotations.annotator import load_lexicon, propose

    lexicon = load_lexicon()
    out: list[ElementProposal] = []
    for el in outline.elements:
        headings, node = [], el.parent
        while node is not None:
            headings.append(node.label)
            node = node.parent
        text = el.label + ("\n" + el.description if el.description else "")
        seen = set()
        for p in propose(text, headings=tuple(reversed(headings)), lexicon=lexicon):
            key = (str(p.property), str(p.concept))
            if key in seen:
                continue
            seen.add(key)
            out.append(ElementProposal(el, str(p.property), str(p.concept), str(p.matched), str(p.via)))
    return out
