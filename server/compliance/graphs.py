"""The graphs a validation run reads: the published (bundled) graph, or a planner's draft files
loaded with the shared data and materialised with the fast rule engine.
"""

import threading
from functools import lru_cache
from pathlib import Path

import rdflib

from server.compliance.evaluate import Matrix, evaluate
from server.graph.dumps import DUMP_NAMES
from server.graph.loading import load_files
from server.graph.rules import Schema, apply_rules, schema_from
from server.paths import DATA_DIR, ONTOLOGY_DIR

# What a draft is validated together with (besides the ontology): the provisions it cites, the seed
# texts it may cite and the prefectures its municipality lies in.
DRAFT_BASE = ("legislation.ttl", "sources.ttl", "prefectures.ttl")


class PublishedGraphMissing(Exception):
    pass


def _stamp(paths) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


@lru_cache(maxsize=2)
def _schema(stamp: tuple) -> Schema:
    return schema_from(load_files([Path(p) for p, _, _ in stamp]))


def schema() -> Schema:
    """The closed schema for the rule engine, rebuilt only when an ontology file changes."""
    return _schema(_stamp(sorted(ONTOLOGY_DIR.glob("*.ttl"))))


def draft_graph(files) -> rdflib.Graph:
    """Load draft files (Turtle or JSON-LD) with the shared data and materialise them.

    Raises server.graph.loading.DataFileError, naming file and line, for input that does not parse.
    """
    data = load_files([DATA_DIR / name for name in DRAFT_BASE] + [Path(f) for f in files])
    return apply_rules(schema(), data)


def validate_files(files, source: str | None = None, workers: int = 2) -> Matrix:
    """The matrix of a draft. workers=2 lets a forked child take half the structural shapes' work."""
    files = [Path(f) for f in files]
    return evaluate(draft_graph(files), source or ", ".join(str(f) for f in files), workers)


_lock = threading.Lock()
_cache: dict = {}


def published_matrix(published_dir) -> Matrix:
    """The bundled plans' matrix, computed from the published graph once per version of the dump."""
    path = Path(published_dir) / DUMP_NAMES["nt"]
    if not path.exists():
        raise PublishedGraphMissing(f"{path} does not exist: run `fukushi-kg build` first")
    key = _stamp([path])
    with _lock:
        if key not in _cache:
            graph = rdflib.Graph().parse(path, format="nt")  # already materialised by the build
            _cache.clear()
            _cache[key] = evaluate(graph, str(path))
        return _cache[key]
