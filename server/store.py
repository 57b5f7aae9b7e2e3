"""The published graph as a pyoxigraph store: what the SPARQL workers and `fukushi-kg query` answer from.

rdflib, owlrl and pyshacl build the graph; answering queries is pyoxigraph's job (rdflib's memory store is far
too slow for an endpoint). The store is loaded from the N-Triples dump the build writes.
"""

import os
from pathlib import Path

import pyoxigraph as ox

from server.paths import BASE_IRI
from server.rebase import normalise_base, rebase_iri, rebase_quads

# The triples are also loaded as this named graph, so that FROM, FROM NAMED, default-graph-uri and
# named-graph-uri have a graph of ours to name (nothing is ever fetched for them).
GRAPH_IRI = BASE_IRI + "graph"
NT_DUMP = "fukushi-kg.nt"  # server.graph.dumps.DUMP_NAMES["nt"], not imported: it would pull rdflib into workers
STORE = "store"  # the Oxigraph on-disk store the build writes beside the dump (server.graph.dumps.write_store)


class GraphNotBuilt(Exception):
    """There is no N-Triples dump to serve, and building one was not allowed."""


def dump_path(published_dir) -> Path:
    return Path(published_dir) / NT_DUMP


def dump_stamp(path) -> tuple:
    """What changes when a build swaps a new dump in: the workers and the pages reload on a new stamp."""
    st = Path(path).stat()
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def is_stale(path: Path) -> bool:
    """Whether an ontology, data or structural shape file changed after the dump was written."""
    from server.paths import SHAPES_DIR, graph_input_files

    inputs = graph_input_files() + sorted((SHAPES_DIR / "structure").glob("*.ttl"))
    return max(p.stat().st_mtime for p in inputs) > path.stat().st_mtime


def ensure_dump(published_dir, build_if_missing: bool = True) -> Path:
    """The dump's path, building the graph first when it is missing or older than its inputs and that is
    allowed (an edited data file must not be answered from yesterday's graph)."""
    path = dump_path(published_dir)
    if path.exists() and not (build_if_missing and is_stale(path)):
        return path
    if not build_if_missing:
        raise GraphNotBuilt(f"{path} does not exist: run `fukushi-kg build` first")
    from server.graph.build import build

    build(Path(published_dir))
    return path


def in_memory_limit() -> int:
    """Dumps up to this many bytes are served from memory (FUKUSHI_KG_IN_MEMORY_LIMIT, default 256 MiB)."""
    return int(os.environ.get("FUKUSHI_KG_IN_MEMORY_LIMIT", 256 << 20))


def load_store(nt_path, base: str | None = None, memory_limit: int | None = None) -> ox.Store:
    """The published graph as a store: the dump in the default graph and again in GRAPH_IRI.

    A dump larger than `memory_limit` bytes (about 1.5 million triples by default) is served from the Oxigraph
    on-disk store the build writes beside it (server.graph.dumps.write_store), opened read-only: in milliseconds
    at any size, and every process that opens it shares the operating system's page cache instead of holding its
    own copy. A smaller one is loaded into memory, where queries run 2–10× faster than on RocksDB (measured on
    the bundled data) and loading costs well under a second. Under an operator's `base`, whose IRIs the store on
    disk does not have, the dump is always loaded, every canonical IRI rewritten as it is loaded (server.rebase),
    so the pages and the SPARQL workers, which both load through here, name resources alike.
    """
    base = normalise_base(base)
    on_disk = Path(nt_path).parent / STORE
    limit = in_memory_limit() if memory_limit is None else memory_limit
    if base == BASE_IRI and on_disk.is_dir() and Path(nt_path).stat().st_size > limit:
        return ox.Store.read_only(str(on_disk))
    store = ox.Store()
    if base == BASE_IRI:
        store.bulk_load(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)
        store.bulk_load(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH_IRI))
        return store
    for graph in (ox.DefaultGraph(), ox.NamedNode(rebase_iri(GRAPH_IRI, base))):
        parsed = ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)
        store.bulk_extend(rebase_quads(parsed, base, graph))
    return store


def triple_count(published_dir) -> int | None:
    """The number of triples in the published graph, from the build's record (None when unknown)."""
    from server.graph.dumps import read_build_info

    info = read_build_info(Path(published_dir))
    return info.get("triples") if info else None
