"""Canonical N-Triples: the same graph always gives the same bytes (the parts' files and the tests' publishers)."""

import rdflib
from rdflib.compare import to_canonical_graph

from server.published import ntriples_lines


def canonical_ntriples(graph: rdflib.Graph) -> bytes:
    """N-Triples with canonical blank-node labels and sorted lines: same graph, same bytes."""
    canonical = to_canonical_graph(graph) if any(isinstance(t, rdflib.BNode) for s in graph for t in s) else graph
    lines = ntriples_lines(canonical.serialize(format="nt", encoding="utf-8").decode("utf-8"))
    body = "\n".join(sorted(set(lines)))
    return (body + "\n").encode("utf-8")
