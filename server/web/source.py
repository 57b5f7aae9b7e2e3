"""Seed-text excerpts: the lines a plan fact cites, shown on its page so a reader can check it."""

import functools
from dataclasses import dataclass
from pathlib import Path

from server import paths
from server.rebase import canonical_iri
from server.web.graph import Graph

CONTEXT_LINES = 2


@dataclass
class Line:
    number: int
    text: str
    cited: bool


@dataclass
class Excerpt:
    source_iri: str
    start: int
    end: int
    lines: list  # empty when the text or the lines cannot be found

    @property
    def found(self) -> bool:
        return bool(self.lines)


def read_lines(source_iri: str, base: str) -> list[str] | None:
    """The seed text's lines, or None when the IRI names no bundled text (e.g. the seeds' README)."""
    try:
        path = paths.source_text_path(canonical_iri(source_iri, base))
    except ValueError:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read(path: Path, _mtime: int, _size: int) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def excerpts(graph: Graph, iri: str) -> list[Excerpt]:
    """One excerpt per fk:sourceFile of the resource (the data model gives each fact one)."""
    fk = graph.ns.fk
    out = []
    for src in graph.objects(iri, fk + "sourceFile"):
        starts = [int(o.value) for o in graph.objects(iri, fk + "startLine")]
        ends = [int(o.value) for o in graph.objects(iri, fk + "endLine")]
        if not starts:
            continue
        start, end = min(starts), max(ends or starts)
        text = read_lines(src.value, graph.ns.base) or []
        lines = []
        if 1 <= start <= len(text):
            first, last = max(1, start - CONTEXT_LINES), min(len(text), end + CONTEXT_LINES)
            lines = [Line(n, text[n - 1], start <= n <= end) for n in range(first, last + 1)]
        out.append(Excerpt(src.value, start, end, lines))
    return out
