"""The named graphs a build publishes: one per plan part (`graph/<code>`) and the shared rest (`graph/shared`).

The build writes each as `published/graphs/<key>.nt` (server.published.GRAPHS), with its triple count and
checksum in build-info.json; this module names them and reads them back under the operator's base IRI.
"""

from pathlib import Path

import pyoxigraph as ox

from server.paths import BASE_IRI
from server.published import GRAPHS, read_build_info
from server.rebase import normalise_base, rebase_iri, rebase_quads

SHARED = "shared"


def graph_iri(key: str, base: str | None = None) -> str:
    return rebase_iri(f"{BASE_IRI}graph/{key}", normalise_base(base))


def published_graphs(published_dir: Path) -> dict[str, Path]:
    """The per-graph files of a build, by key, as its build-info lists them (so a stray file is not published)."""
    info = read_build_info(Path(published_dir)) or {}
    folder = Path(published_dir) / GRAPHS
    return {key: folder / f"{key}.nt" for key in sorted(info.get("graphs", {}))}


def graph_body(path: Path, base: str | None = None, body: bytes | None = None) -> bytes:
    """A graph file's N-Triples (or `body`, its bytes already read and checked), with its IRIs moved to the
    operator's base when that is not the canonical one."""
    base = normalise_base(base)
    body = Path(path).read_bytes() if body is None else body
    if base == BASE_IRI:
        return body
    quads = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(
        (ox.Triple(q.subject, q.predicate, q.object) for q in rebase_quads(quads, base)),
        format=ox.RdfFormat.N_TRIPLES,
    )
