"""The published graph as a pyoxigraph store: what the SPARQL workers and `fukushi-kg query` answer from.

rdflib, owlrl and pyshacl build the graph; answering queries is pyoxigraph's job (rdflib's memory store is far
too slow for an endpoint). The store is loaded from the N-Triples dump the build writes, after the dump was
checked against the build's record (server.published.verified_dump). The store never builds: what starts the
server or a command decides that (server.graph.on_demand).
"""

from pathlib import Path

import pyoxigraph as ox

from server.paths import BASE_IRI
from server.published import NQuads, graph_files, graph_name, open_dump, read_build_info, store_location
from server.rebase import normalise_base, rebase_quads


def store_triples(store: ox.Store, nt_path=None, base: str | None = None) -> int | None:
    """Triples in the named graphs of a store loaded by load_store (the build's count: each graph's, summed);
    None for the store on disk, which the build wrote in the same step and whose count would be a scan of every
    quad (1.5 s at national scale) on every worker start."""
    if nt_path is not None and store_location(nt_path, base) is not None:
        return None
    default = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"].value)
    return (len(store) - default) or default  # a dump published without its named graphs has only the default


def load_store(nt_path, base: str | None = None, memory_limit: int | None = None) -> ox.Store:
    """The published graph as a store: the whole dump in the default graph, and each graph of the build (a plan's,
    or the shared rest) as its named graph (graph_name).

    A dump larger than `memory_limit` bytes (about 1.5 million triples by default) is served from the Oxigraph
    on-disk store the build writes beside it (server.published.STORE), opened read-only: in milliseconds
    at any size, and every process that opens it shares the operating system's page cache instead of holding its
    own copy. A smaller one is loaded into memory, where queries run 2–10× faster than on RocksDB (measured on
    the bundled data) and loading costs well under a second. Under an operator's `base`, whose IRIs the store on
    disk does not have, the dump is always loaded, every canonical IRI rewritten as it is loaded (server.rebase),
    so the pages and the SPARQL workers, which both load through here, name resources alike.
    """
    on_disk = store_location(nt_path, base, memory_limit)
    if on_disk is not None:
        return ox.Store.read_only(str(on_disk))
    base = normalise_base(base)
    store = ox.Store()
    graphs = graph_files(nt_path)
    if base == BASE_IRI:
        store.bulk_load(input=NQuads(graphs), format=ox.RdfFormat.N_QUADS)
        with open_dump(nt_path) as whole:
            store.bulk_load(input=whole, format=ox.RdfFormat.N_TRIPLES)
        return store
    with open_dump(nt_path) as whole:
        store.bulk_extend(rebase_quads(ox.parse(input=whole, format=ox.RdfFormat.N_TRIPLES), base, ox.DefaultGraph()))
    for key, path in graphs.items():
        parsed = ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        store.bulk_extend(rebase_quads(parsed, base, graph_name(key, base)))
    return store


def triple_count(published_dir) -> int | None:
    """The number of triples in the published graph, from the build's record (None when unknown)."""
    info = read_build_info(Path(published_dir))
    return info.get("triples") if info else None


def graph_counts(published_dir, base: str | None = None) -> dict[str, int | None]:
    """Each named graph's IRI (under `base`) and triple count, from the build's record."""
    info = read_build_info(Path(published_dir)) or {}
    return {graph_name(key, base).value: meta.get("triples") for key, meta in (info.get("graphs") or {}).items()}
