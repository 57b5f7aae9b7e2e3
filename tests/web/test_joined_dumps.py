"""A build above the whole-dump limit (national scale) writes no whole dump: a download is the graphs' files joined
as they are sent, byte for byte what a smaller build writes, each file held to its record; the store, the pages
and /sparql serve the same graph, checked against the graphs' records."""

import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.app import create_app
from server.graph.dumps import publish_graphs
from server.graph.parts import FORMATS, PartResult
from server.published import (
    BUILD_INFO,
    DUMP_NAMES,
    GRAPHS,
    STORE,
    DumpInvalid,
    dump_exists,
    dump_stamp,
    read_build_info,
    store_location,
    verified_dump,
)


def _graphs_of(folder):
    """The published version's graphs as the build hands them to publication (their files in `graphs/`)."""
    info = read_build_info(folder)
    return {
        key: PartResult(
            key,
            "",
            {fmt: folder / GRAPHS / f"{key}.{fmt}" for fmt in FORMATS},
            meta["formats"],
            meta["triples"],
        )
        for key, meta in info["graphs"].items()
    }


@pytest.fixture(scope="module")
def joined(published_dir, tmp_path_factory):
    """The bundled build published again with a whole-dump limit of 0 bytes, and a client of a server on it."""
    small = Path(os.path.realpath(published_dir))
    target = tmp_path_factory.mktemp("joined") / "published"
    os.environ["FUKUSHI_KG_WHOLE_DUMP_LIMIT"] = "0"
    try:
        info = {k: v for k, v in read_build_info(small).items() if k in ("version", "reasoner", "asserted_triples")}
        publish_graphs(_graphs_of(small), target, info)
    finally:
        del os.environ["FUKUSHI_KG_WHOLE_DUMP_LIMIT"]
    app = create_app({"TESTING": True, "PUBLISHED_DIR": str(target), "BUILD_IF_MISSING": False})
    return small, Path(os.path.realpath(target)), app.test_client()


def test_no_whole_dump_is_written(joined):
    _, folder, _ = joined
    assert not set(DUMP_NAMES.values()) & set(os.listdir(folder))
    info = json.loads(open(os.path.join(folder, BUILD_INFO), encoding="utf-8").read())
    assert info["joined"] == {name: fmt for fmt, name in DUMP_NAMES.items()}
    assert info["ntriples_sha256"] is None  # each graph's own SHA-256 is recorded instead
    assert all(meta["sha256"] for meta in info["graphs"].values())


@pytest.mark.parametrize("fmt", ["nt", "nt.gz", "ttl", "jsonld"])
def test_the_joined_download_is_the_whole_dump_a_small_build_writes(joined, fmt):
    small, folder, client = joined
    name = DUMP_NAMES[fmt]
    reply = client.get(f"/dumps/{name}")
    assert reply.status_code == 200
    body = reply.get_data()
    with open(os.path.join(small, name), "rb") as fh:
        assert body == fh.read()
    assert int(reply.headers["Content-Length"]) == len(body) == read_build_info(folder)["files"][name]


def test_the_joined_graph_is_served_as_the_written_one(joined, client):
    _, folder, joined_client = joined
    assert dump_exists(folder / DUMP_NAMES["nt"])
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    for query, least in ((count, 1000), (graphs, 6)):  # the shared graph and the five plans' at least
        answers = [
            c.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
            for c in (client, joined_client)
        ]
        assert [a.status_code for a in answers] == [200, 200]
        values = [a.get_json()["results"]["bindings"][0]["n"]["value"] for a in answers]
        assert values[0] == values[1] and int(values[0]) >= least
    assert joined_client.get("/overview").status_code == 200


def test_the_store_on_disk_holds_the_joined_whole_in_its_default_graph(joined, published_dir):
    small, folder, _ = joined
    quads = {
        where: ox.Store.read_only(str(where / STORE)).query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
        for where in (small, folder)
    }
    counts = {where: int(next(iter(result))["n"].value) for where, result in quads.items()}
    assert counts[small] == counts[folder] > 1000
    os.environ["FUKUSHI_KG_IN_MEMORY_LIMIT"] = "0"  # served from the store: its files and the graphs' sizes checked
    try:
        dump = verified_dump(folder)
        assert store_location(dump.path) == folder / STORE
    finally:
        del os.environ["FUKUSHI_KG_IN_MEMORY_LIMIT"]


def _damaged_copy(folder, tmp_path, suffix, damage):
    copy = tmp_path / "published"
    shutil.copytree(folder, copy)
    part = sorted((copy / GRAPHS).glob(f"*.{suffix}"))[-1]
    os.chmod(part, 0o644)
    damage(part)
    return copy, part


@pytest.mark.parametrize("memory_limit", [None, "0"])
@pytest.mark.parametrize("damage", ["cut", "removed"])
def test_a_damaged_graph_file_refuses_the_joined_graph(joined, tmp_path, damage, memory_limit):
    _, folder, _ = joined
    how = {"cut": lambda p: p.write_bytes(p.read_bytes()[:-10]), "removed": lambda p: p.unlink()}[damage]
    copy, part = _damaged_copy(folder, tmp_path, "nt", how)
    if memory_limit is not None:
        os.environ["FUKUSHI_KG_IN_MEMORY_LIMIT"] = memory_limit
    try:
        # in memory each graph file is hashed; from the store the files' sizes are checked (the store holds the
        # graph, checksummed by RocksDB, and a download hashes each file it joins)
        named = part.name if memory_limit is None and damage == "cut" else "graphs"
        with pytest.raises(DumpInvalid, match=named):
            verified_dump(copy)
    finally:
        os.environ.pop("FUKUSHI_KG_IN_MEMORY_LIMIT", None)


def test_a_new_version_of_a_joined_dump_has_a_new_stamp(joined, tmp_path):
    _, folder, _ = joined
    target = tmp_path / "published"
    os.environ["FUKUSHI_KG_WHOLE_DUMP_LIMIT"] = "0"
    try:
        publish_graphs(_graphs_of(folder), target, {})
        first = dump_stamp(target / DUMP_NAMES["nt"])
        publish_graphs(_graphs_of(folder), target, {})
    finally:
        del os.environ["FUKUSHI_KG_WHOLE_DUMP_LIMIT"]
    assert dump_stamp(target / DUMP_NAMES["nt"]) != first
    (Path(os.path.realpath(target)) / BUILD_INFO).unlink()
    assert not dump_exists(target / DUMP_NAMES["nt"]) and verified_dump(target) is None


def test_a_damaged_graph_file_stops_the_joined_download(joined, tmp_path):
    _, folder, _ = joined
    copy, _ = _damaged_copy(folder, tmp_path, "ttl", lambda p: p.write_bytes(p.read_bytes()[:-10]))
    client = create_app({"TESTING": True, "PUBLISHED_DIR": str(copy), "BUILD_IF_MISSING": False}).test_client()
    reply = client.get(f"/dumps/{DUMP_NAMES['ttl']}")
    assert reply.status_code == 503
    assert "build-info.json" in reply.get_data(as_text=True) and str(copy) not in reply.get_data(as_text=True)
    assert client.get(f"/dumps/{DUMP_NAMES['jsonld']}").status_code == 200  # the other files are whole
