"""The downloadable dumps. With the canonical base they are the build's files as written; under another base
they are reserialised once from the rebased store, so a download names resources as the pages do."""

import gzip
from dataclasses import dataclass

import pyoxigraph as ox

from server.paths import BASE_IRI as CANONICAL_BASE
from server.published import BUILD_INFO, DUMP_NAMES, ntriples_lines
from server.web.graph import DEFAULT, Graph


@dataclass(frozen=True)
class Dump:
    name: str
    media_type: str
    label: str
    compress: str | None = None  # the media type inside, for a compressed file


DUMPS = (
    Dump(DUMP_NAMES["ttl"], "text/turtle", "Turtle"),
    Dump(DUMP_NAMES["nt.gz"], "application/gzip", "N-Triples (gzip)", "application/n-triples"),
    Dump(DUMP_NAMES["jsonld"], "application/ld+json", "JSON-LD"),
    Dump(DUMP_NAMES["nt"], "application/n-triples", "N-Triples"),
)
BY_NAME = {d.name: d for d in DUMPS}
BUILD_INFO_NAME = BUILD_INFO


def rebased(graph: Graph) -> bool:
    return graph.ns.base != CANONICAL_BASE


def dump_bytes(graph: Graph, name: str) -> bytes:
    """A dump's content under the served base (only needed when that is not the canonical one)."""
    cache = graph.cache.setdefault("dumps", {})
    if name not in cache:
        if name == DUMP_NAMES["nt"]:
            raw = graph.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=DEFAULT)
            lines = sorted(set(ntriples_lines(raw.decode("utf-8"))))
            cache[name] = ("\n".join(lines) + "\n").encode("utf-8")
        elif name == DUMP_NAMES["nt.gz"]:
            cache[name] = gzip.compress(dump_bytes(graph, DUMP_NAMES["nt"]), mtime=0)
        elif name == DUMP_NAMES["ttl"]:
            cache[name] = graph.store.dump(format=ox.RdfFormat.TURTLE, from_graph=DEFAULT, prefixes=graph.ns.prefixes())
        elif name == DUMP_NAMES["jsonld"]:
            cache[name] = graph.store.dump(format=ox.RdfFormat.JSON_LD, from_graph=DEFAULT)
        else:
            raise KeyError(name)
    return cache[name]


def dump_sizes(graph: Graph) -> dict:
    """Bytes per dump name, as a client will download them."""
    if rebased(graph):
        return {d.name: len(dump_bytes(graph, d.name)) for d in DUMPS}
    files = graph.build_info.get("files") or {}
    sizes = {}
    for d in DUMPS:
        path = graph.published_dir / d.name
        sizes[d.name] = files.get(d.name) if d.name in files else (path.stat().st_size if path.exists() else None)
    return sizes
