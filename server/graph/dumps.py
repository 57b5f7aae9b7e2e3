"""Writing the published dumps, all at once or not at all."""

import gzip
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.compare import to_canonical_graph

from server.store import GRAPH_IRI, STORE

DUMP_NAMES = {
    "nt": "fukushi-kg.nt",
    "nt.gz": "fukushi-kg.nt.gz",
    "ttl": "fukushi-kg.ttl",
    "jsonld": "fukushi-kg.jsonld",
}
BUILD_INFO = "build-info.json"
GRAPHS = "graphs"  # one N-Triples file per named graph: a plan's part (<code>.nt) and the shared rest (shared.nt)


def canonical_ntriples(graph: rdflib.Graph) -> bytes:
    """N-Triples with canonical blank-node labels and sorted lines: same graph, same bytes."""
    canonical = to_canonical_graph(graph) if any(isinstance(t, rdflib.BNode) for s in graph for t in s) else graph
    lines = canonical.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    body = "\n".join(sorted(set(line for line in lines if line.strip())))
    return (body + "\n").encode("utf-8")


def write_dumps(
    nt: bytes,
    target: Path,
    info: dict,
    prefixes: dict[str, str] | None = None,
    graphs: dict[str, bytes] | None = None,
) -> dict:
    """Write every dump of the canonical N-Triples `nt` into a fresh folder, then swap it in for `target`.

    The previous dumps stay in place until every new file is complete; a failure on the way
    leaves them as they were. Turtle and JSON-LD are written by pyoxigraph from the same triples: rdflib's
    serialisers take minutes at national scale, and its Turtle invents `default1`… prefixes.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        (staging / DUMP_NAMES["nt"]).write_bytes(nt)
        with gzip.GzipFile(staging / DUMP_NAMES["nt.gz"], "wb", mtime=0) as fh:
            fh.write(nt)
        # Parsed once per output rather than held as a list: millions of Python triples cost gigabytes.
        for name, fmt, extra in (
            ("ttl", ox.RdfFormat.TURTLE, {"prefixes": prefixes or {}}),
            ("jsonld", ox.RdfFormat.JSON_LD, {}),
        ):
            ox.serialize(
                ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), str(staging / DUMP_NAMES[name]), format=fmt, **extra
            )
        write_store(staging / STORE, nt)
        info = dict(info, ntriples_sha256=hashlib.sha256(nt).hexdigest(), files={})
        for name in DUMP_NAMES.values():
            info["files"][name] = (staging / name).stat().st_size
        if graphs:
            (staging / GRAPHS).mkdir()
            info["graphs"] = {}
            for key, body in sorted(graphs.items()):
                (staging / GRAPHS / f"{key}.nt").write_bytes(body)
                info["graphs"][key] = {"triples": body.count(b"\n"), "sha256": hashlib.sha256(body).hexdigest()}
        (staging / BUILD_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return info


def write_store(folder: Path, nt: bytes) -> None:
    """An Oxigraph store holding `nt` in the default graph and again in the named graph server.store.GRAPH_IRI,
    laid out as the in-memory store the workers used to build from the dump, so answers do not change."""
    store = ox.Store(str(folder))
    store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH_IRI))
    store.flush()
    del store  # closes the database before the folder is swapped in


def _swap_in(staging: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_build_info(target: Path) -> dict | None:
    path = Path(target) / BUILD_INFO
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
