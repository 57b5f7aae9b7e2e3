"""Publishing small graphs through the real publication step (server.graph.dumps.write_dumps), for the tests
that follow a publication (kept out of the test modules so that a subprocess can import it alone)."""

from pathlib import Path

import rdflib

from server.graph import dumps
from server.graph.canonical import canonical_ntriples


def tiny_graph(n: int) -> rdflib.Graph:
    g = rdflib.Graph()
    for i in range(n):
        g.add((rdflib.URIRef("https://example.org/a"), rdflib.URIRef("https://example.org/b"), rdflib.Literal(i)))
    return g


def publish_tiny(target: Path, n: int) -> dict:
    return dumps.write_dumps(canonical_ntriples(tiny_graph(n)), Path(target), {"triples": n})
