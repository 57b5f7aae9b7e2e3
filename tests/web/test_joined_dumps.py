"""A build above the whole-dump limit (national scale) writes no whole Turtle or JSON-LD dump: the download is the
graphs' files joined as they are sent, byte for byte what a smaller build writes, each file held to its record."""

import json
import os
import shutil
from pathlib import Path

import pytest

from server.app import create_app
from server.graph.dumps import publish_graphs
from server.graph.parts import FORMATS, PartResult
from server.published import BUILD_INFO, DUMP_NAMES, GRAPHS, read_build_info


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


def test_only_the_n_triples_dumps_are_written(joined):
    _, folder, _ = joined
    names = set(os.listdir(folder))
    assert {DUMP_NAMES["nt"], DUMP_NAMES["nt.gz"]} <= names
    assert not {DUMP_NAMES["ttl"], DUMP_NAMES["jsonld"]} & names
    info = json.loads(open(os.path.join(folder, BUILD_INFO), encoding="utf-8").read())
    assert info["joined"] == {DUMP_NAMES["ttl"]: "ttl", DUMP_NAMES["jsonld"]: "jsonld"}


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_the_joined_download_is_the_whole_dump_a_small_build_writes(joined, fmt):
    small, folder, client = joined
    name = DUMP_NAMES[fmt]
    reply = client.get(f"/dumps/{name}")
    assert reply.status_code == 200
    body = reply.get_data()
    with open(os.path.join(small, name), "rb") as fh:
        assert body == fh.read()
    assert int(reply.headers["Content-Length"]) == len(body) == read_build_info(folder)["files"][name]


def test_a_damaged_graph_file_stops_the_joined_download(joined, tmp_path):
    _, folder, _ = joined
    copy = tmp_path / "published"
    shutil.copytree(folder, copy)
    part = sorted((copy / GRAPHS).glob("*.ttl"))[-1]
    os.chmod(part, 0o644)
    part.write_bytes(part.read_bytes()[:-10])
    client = create_app({"TESTING": True, "PUBLISHED_DIR": str(copy), "BUILD_IF_MISSING": False}).test_client()
    reply = client.get(f"/dumps/{DUMP_NAMES['ttl']}")
    assert reply.status_code == 503
    assert "build-info.json" in reply.get_data(as_text=True) and str(copy) not in reply.get_data(as_text=True)
    assert client.get(f"/dumps/{DUMP_NAMES['jsonld']}").status_code == 200  # the other files are whole
