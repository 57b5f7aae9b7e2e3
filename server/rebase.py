"""Moving the graph's IRIs from the canonical base (the one the dumps are written with) to the operator's.

The data files and the dumps always use paths.BASE_IRI. An operator who serves the graph under another
base sets BASE_IRI in the config; every IRI under the canonical base is then rewritten while the dump is
loaded, so pages, RDF answers and SPARQL answers all name resources by the operator's IRIs.
"""

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from server.paths import BASE_IRI as CANONICAL_BASE


def normalise_base(base: str | None) -> str:
    """A base always ends with '/', so that base + 'id/…' is a path below it."""
    base = (base or CANONICAL_BASE).strip()
    return base if base.endswith("/") else base + "/"


def rebase_iri(iri: str, base: str) -> str:
    if base != CANONICAL_BASE and iri.startswith(CANONICAL_BASE):
        return base + iri[len(CANONICAL_BASE) :]
    return iri


def canonical_iri(iri: str, base: str) -> str:
    """The inverse of rebase_iri: what the data files call this resource (e.g. to find a seed text)."""
    if base != CANONICAL_BASE and iri.startswith(base):
        return CANONICAL_BASE + iri[len(base) :]
    return iri


def rebase_term(term, base: str):
    if isinstance(term, ox.NamedNode):
        rebased = rebase_iri(term.value, base)
        return term if rebased == term.value else ox.NamedNode(rebased)
    if isinstance(term, ox.Literal) and term.datatype is not None and term.language is None:
        # A datatype IRI of ours (none today) would move too; language-tagged literals keep rdf:langString.
        rebased = rebase_iri(term.datatype.value, base)
        return term if rebased == term.datatype.value else ox.Literal(term.value, datatype=ox.NamedNode(rebased))
    return term


def rebase_quads(quads: Iterable[ox.Quad], base: str, graph=None) -> Iterator[ox.Quad]:
    """Quads with every canonical IRI rebased (term by term, so literals that merely mention one are left alone)."""
    for q in quads:
        yield ox.Quad(
            rebase_term(q.subject, base),
            rebase_term(q.predicate, base),
            rebase_term(q.object, base),
            q.graph_name if graph is None else graph,
        )
