"""Downloads held to build-info.json like the graph: a published file cut while the server runs is a 503 that
says so (the pages keep answering from the checked graph), a damaged build-info.json is a 503 on /sparql and on
the graph downloads, never a 500; and a Range header of several ranges gets the whole file."""

import os
import shutil

import pytest

from server.app import create_app


@pytest.fixture
def damaged(published_dir, tmp_path):
    """A private copy of the published version (so it can be damaged) and a client of a server on it."""
    copy = tmp_path / "published"
    shutil.copytree(os.path.realpath(published_dir), copy)
    app = create_app({"TESTING": True, "PUBLISHED_DIR": str(copy), "BUILD_IF_MISSING": False, "QUERY_TIMEOUT": 3.0})
    return copy, app.test_client()


def cut(path, keep=0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def unavailable(resp, *words):
    assert resp.status_code == 503, resp.status_code
    text = resp.get_data(as_text=True)
    assert all(w in text for w in words), text
    assert "Traceback" not in text and "/tmp" not in text  # the detail (server paths) stays in the log


@pytest.mark.parametrize("name", ["fukushi-kg.ttl", "fukushi-kg.nt.gz", "fukushi-kg.jsonld"])
def test_a_cut_dump_is_not_served(damaged, name):
    folder, client = damaged
    whole = client.get(f"/dumps/{name}")
    assert whole.status_code == 200 and whole.headers["ETag"]
    cut(folder / name)
    unavailable(client.get(f"/dumps/{name}"), "build-info.json")
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200  # the pages go on


def test_a_dump_changed_in_place_is_not_served(damaged):
    folder, client = damaged
    path = folder / "fukushi-kg.ttl"
    data = bytearray(path.read_bytes())
    data[100] ^= 1  # same size, other bytes
    path.write_bytes(bytes(data))
    unavailable(client.get("/dumps/fukushi-kg.ttl"), "一致しません")


def test_a_cut_graph_file_is_not_served(damaged):
    folder, client = damaged
    assert client.get("/dumps/graphs/082368.nt").status_code == 200
    cut(folder / "graphs" / "082368.nt")
    unavailable(client.get("/dumps/graphs/082368.nt"))


def test_a_cut_build_info_is_503_everywhere(damaged):
    folder, client = damaged
    assert client.get("/dumps/graphs/082368.nt").status_code == 200
    cut(folder / "build-info.json")
    unavailable(client.get("/sparql", headers={"Accept": "text/turtle"}), "build-info.json")
    unavailable(client.get("/dumps/graphs/082368.nt"), "build-info.json")
    unavailable(client.get("/dumps/build-info.json"), "build-info.json")
    unavailable(client.get("/dumps/fukushi-kg.ttl"), "build-info.json")


def test_ranges(client):
    whole = client.get("/dumps/fukushi-kg.ttl").data
    one = client.get("/dumps/fukushi-kg.ttl", headers={"Range": "bytes=10-19"})
    assert one.status_code == 206 and one.data == whole[10:20]
    several = client.get("/dumps/fukushi-kg.ttl", headers={"Range": "bytes=0-9, 20-29"})
    assert several.status_code == 200 and several.data == whole
