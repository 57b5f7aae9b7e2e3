"""Publishing a build from its parts: the whole dumps are the graphs' files laid end to end and parse to the same
triples in every format; each graph is a named graph of the store; after a small change the previous store is
reused (its database files linked) and holds exactly what a fresh load would; the shared inputs are read once
per content."""

import gzip
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.graph import dumps, parts
from server.graph.parts import PartResult, write_formats
from server.paths import graph_input_files
from server.published import DUMP_NAMES, STORE, graph_name, read_build_info

FORMATS = {
    "nt": ox.RdfFormat.N_TRIPLES,
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def _triples(path: Path, fmt) -> set:
    return set(ox.parse(path=str(path), format=fmt))


def test_the_whole_dumps_are_the_graphs_in_every_format(published_dir):
    info = read_build_info(published_dir)
    whole = _triples(published_dir / DUMP_NAMES["nt"], ox.RdfFormat.N_TRIPLES)
    assert len(whole) == info["triples"]
    union = set()
    for key, meta in info["graphs"].items():
        graph = _triples(published_dir / "graphs" / f"{key}.nt", ox.RdfFormat.N_TRIPLES)
        assert len(graph) == meta["triples"]
        union |= graph
    assert union == whole
    for name, fmt in (("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD)):
        parsed = _triples(published_dir / DUMP_NAMES[name], fmt)
        assert {t for t in parsed if not _blank(t)} == {t for t in whole if not _blank(t)}
        assert len(parsed) == len(whole)
    # gzip members laid end to end: one gzip file holding the N-Triples, byte for byte
    unzipped = gzip.decompress((published_dir / DUMP_NAMES["nt.gz"]).read_bytes())
    assert unzipped == (published_dir / DUMP_NAMES["nt"]).read_bytes()


def _blank(triple) -> bool:
    return any(isinstance(t, ox.BlankNode) for t in (triple.subject, triple.object))


def _graph(folder: Path, key: str, lines: list[str]) -> PartResult:
    files, sums = write_formats(sorted(lines), folder, key, {})
    return PartResult(key, key, files, sums, len(lines))


def _line(s: str, o: str) -> str:
    return f"<https://example.org/{s}> <https://example.org/p> <https://example.org/{o}> ."


def _quads(store: ox.Store) -> set:
    return {(q.subject, q.predicate, q.object, q.graph_name) for q in store}


def _expected(graphs: dict[str, list[str]]) -> set:
    out = set()
    for key, lines in graphs.items():
        for t in ox.parse("\n".join(lines).encode() + b"\n", format=ox.RdfFormat.N_TRIPLES):
            out.add((t.subject, t.predicate, t.object, graph_name(key)))
            out.add((t.subject, t.predicate, t.object, ox.DefaultGraph()))
    return out


def test_a_small_change_reuses_the_previous_store(tmp_path, monkeypatch):
    monkeypatch.setattr(dumps, "REUSE_LIMIT", 0.5)  # one graph of three
    target = tmp_path / "published"
    shared = [_line("s", "t")]
    a = [_line("a1", "x"), _line("both", "x"), _line("a2", "y")]
    b = [_line("b1", "x"), _line("both", "x")]  # a triple two plans hold
    first = {"shared": shared, "A": a, "B": b}
    dumps.publish_graphs({k: _graph(tmp_path / "v1", k, v) for k, v in first.items()}, target, {})
    old_store = Path(os.path.realpath(target)) / STORE

    a2 = [_line("a1", "x"), _line("a3", "z")]  # a2 gone, `both` gone from A only, a3 new
    second = {"shared": shared, "A": a2, "B": b}
    info = dumps.publish_graphs({k: _graph(tmp_path / "v2", k, v) for k, v in second.items()}, target, {})
    new_store = Path(os.path.realpath(target)) / STORE
    assert new_store != old_store
    linked = [p for p in new_store.glob("*.sst") if (old_store / p.name).exists()]
    assert linked and all(p.stat().st_ino == (old_store / p.name).stat().st_ino for p in linked)
    assert _quads(ox.Store.read_only(str(new_store))) == _expected(second)  # `both` stays: B holds it
    assert info["store"]["files"] == dumps.store_files(new_store)


def test_a_large_change_loads_the_store_afresh(tmp_path):
    target = tmp_path / "published"
    first = {"shared": [_line("s", "t")], "A": [_line("a", "x")]}
    dumps.publish_graphs({k: _graph(tmp_path / "v1", k, v) for k, v in first.items()}, target, {})
    old_store = Path(os.path.realpath(target)) / STORE
    second = {"shared": [_line("s", "u")], "A": [_line("a", "x")]}  # the shared graph changed: everything may
    dumps.publish_graphs({k: _graph(tmp_path / "v2", k, v) for k, v in second.items()}, target, {})
    new_store = Path(os.path.realpath(target)) / STORE
    old_inodes = {p.stat().st_ino for p in old_store.glob("*.sst")}
    assert not any(p.stat().st_ino in old_inodes for p in new_store.glob("*.sst"))
    assert _quads(ox.Store.read_only(str(new_store))) == _expected(second)


def test_a_cut_store_file_is_refused_before_serving(tmp_path):
    from server.published import DumpInvalid, verified_dump

    target = tmp_path / "published"
    dumps.publish_graphs({"shared": _graph(tmp_path / "g", "shared", [_line("s", "t")])}, target, {})
    folder = Path(os.path.realpath(target))
    (folder / "fukushi-kg.nt").chmod(0o644)
    with open(folder / "fukushi-kg.nt", "ab") as fh:  # a dump large enough to be served from the store
        fh.write(b"#" * 64 + b"\n")
    os.environ["FUKUSHI_KG_IN_MEMORY_LIMIT"] = "1"
    try:
        with pytest.raises(DumpInvalid, match="bytes, the build wrote"):
            verified_dump(target)
        with open(folder / "fukushi-kg.nt", "r+b") as fh:
            fh.truncate(read_build_info(folder)["files"]["fukushi-kg.nt"])
        table = sorted((folder / STORE).glob("*.sst"))[0]
        with open(table, "r+b") as fh:
            fh.truncate(table.stat().st_size - 1)
        with pytest.raises(DumpInvalid, match=table.name):
            verified_dump(target)
    finally:
        del os.environ["FUKUSHI_KG_IN_MEMORY_LIMIT"]


def test_shared_inputs_are_read_once_per_content(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = parts.build_parts(graph_input_files(), cache_dir=cache, workers=1)
    read = []
    real = parts.load_files
    monkeypatch.setattr(parts, "load_files", lambda paths, *a, **k: read.extend(paths) or real(paths, *a, **k))
    again = parts.build_parts(graph_input_files(), cache_dir=cache, workers=1)
    _, _, shared = parts.split_files(graph_input_files())
    assert again.rebuilt == [] and not set(map(Path, read)) & set(shared)
    assert again.merged_lines() == first.merged_lines()
