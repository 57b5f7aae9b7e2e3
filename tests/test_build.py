"""The build: dumps, determinism, and bad input that fails loudly and loses nothing."""

import gzip
import hashlib
import shutil

import pytest
import rdflib
from rdflib.compare import isomorphic

from server import cli
from server.datafile import DataFileError
from server.graph import build as build_module
from server.graph.build import BuildFailed, build
from server.graph.loading import parse_file
from server.paths import graph_input_files
from server.published import DUMP_NAMES, read_build_info


def _digest(folder):
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_dumps_hold_the_same_graph(published_dir):
    nt = rdflib.Graph().parse(published_dir / DUMP_NAMES["nt"], format="nt")
    ttl = rdflib.Graph().parse(published_dir / DUMP_NAMES["ttl"], format="turtle")
    jsonld = rdflib.Graph().parse(published_dir / DUMP_NAMES["jsonld"], format="json-ld")
    gz = gzip.decompress((published_dir / DUMP_NAMES["nt.gz"]).read_bytes())
    assert gz == (published_dir / DUMP_NAMES["nt"]).read_bytes()
    assert len(nt) > 15000
    assert isomorphic(nt, ttl) and isomorphic(nt, jsonld)
    info = read_build_info(published_dir)
    assert info["triples"] == len(nt)
    assert info["files"][DUMP_NAMES["nt"]] == (published_dir / DUMP_NAMES["nt"]).stat().st_size


def test_published_graph_is_materialised(published_dir):
    graph = rdflib.Graph().parse(published_dir / DUMP_NAMES["nt"], format="nt")
    fk = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
    measure = rdflib.URIRef("https://w3id.org/fukushi-kg/id/352136/cwp3-g2-p2-d1-a07")
    # fk:partOf is transitive and fk:parent a sub-property of it: the measure is part of its plan.
    assert (measure, fk.partOf, rdflib.URIRef("https://w3id.org/fukushi-kg/id/352136/cwp3")) in graph
    assert (measure, rdflib.RDF.type, fk.PlanElement) in graph


def test_same_input_gives_byte_identical_ntriples(published_dir, tmp_path):
    again = tmp_path / "again"
    build(again)
    assert (again / DUMP_NAMES["nt"]).read_bytes() == (published_dir / DUMP_NAMES["nt"]).read_bytes()


BAD_TURTLE = """@prefix : <https://example.org/> .
:a :b :c .
:a :b "an unterminated string .
:d :e :f .
"""


def test_malformed_file_error_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD_TURTLE, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        parse_file(bad)
    assert err.value.line == 3
    assert err.value.path == bad
    assert str(err.value).startswith(f"{bad}:3: ")


def test_malformed_jsonld_error_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonld"
    bad.write_text('{\n  "@id": "https://example.org/a",\n  "x": [1, 2\n}\n', encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        parse_file(bad)
    assert err.value.line == 4


@pytest.fixture
def previous_dumps(published_dir, tmp_path):
    target = tmp_path / "published"
    shutil.copytree(published_dir, target)
    return target


def test_malformed_file_fails_the_build_and_keeps_the_dumps(previous_dumps, tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD_TURTLE, encoding="utf-8")
    monkeypatch.setattr(build_module, "graph_input_files", lambda: graph_input_files() + [bad])
    before = _digest(previous_dumps)
    assert cli.main(["build", "--out", str(previous_dumps)]) == cli.EXIT_ERROR
    assert f"{bad}:3:" in capsys.readouterr().err
    assert _digest(previous_dumps) == before


def test_structural_violation_fails_the_build_and_keeps_the_dumps(previous_dumps, tmp_path, monkeypatch, capsys):
    orphan = tmp_path / "orphan.ttl"
    orphan.write_text(
        "@prefix fk: <https://w3id.org/fukushi-kg/ontology#> .\n<https://example.org/orphan> a fk:Measure .\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(build_module, "graph_input_files", lambda: graph_input_files() + [orphan])
    before = _digest(previous_dumps)
    with pytest.raises(BuildFailed) as err:
        build(previous_dumps, reasoner="rules")
    assert any("https://example.org/orphan" in m for m in err.value.messages)
    assert _digest(previous_dumps) == before
    assert cli.main(["build", "--reasoner", "rules", "--out", str(previous_dumps)]) == cli.EXIT_VIOLATIONS
    assert "https://example.org/orphan" in capsys.readouterr().err
    assert _digest(previous_dumps) == before


def test_bundled_data_conforms_to_the_structural_shapes(published_dir):
    from server.graph.build import check_structure

    result = check_structure(rdflib.Graph().parse(published_dir / DUMP_NAMES["nt"], format="nt"))
    assert result.conforms, result.text
    assert result.violations == []


def test_the_store_on_disk_holds_the_dump_and_opens_read_only(published_dir):
    import pyoxigraph as ox

    from server.published import graph_name
    from server.store import load_store

    store = load_store(published_dir / DUMP_NAMES["nt"], memory_limit=0)  # served from disk above the limit
    count = "SELECT (COUNT(*) AS ?n) WHERE { %s }"
    in_default = int(next(iter(store.query(count % "?s ?p ?o")))["n"].value)
    info = read_build_info(published_dir)
    assert in_default == info["triples"]
    for key, meta in info["graphs"].items():  # and each graph of the build as its named graph
        in_named = int(next(iter(store.query(count % f"GRAPH <{graph_name(key).value}> {{ ?s ?p ?o }}")))["n"].value)
        assert in_named == meta["triples"]
    with pytest.raises(RuntimeError, match="read-write"):  # opened read-only: the server cannot change it
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    memory = ox.Store()
    memory.bulk_load(path=str(published_dir / DUMP_NAMES["nt"]), format=ox.RdfFormat.N_TRIPLES)

    def ground(source):  # blank-node labels differ between stores; everything else must be equal
        quads = list(source.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return len(quads), {q for q in quads if not any(isinstance(t, ox.BlankNode) for t in q.triple)}

    assert ground(store) == ground(memory)


def test_a_small_dump_is_served_from_memory(published_dir):
    from server.store import load_store

    with pytest.raises(RuntimeError, match="read-write"):
        load_store(published_dir / DUMP_NAMES["nt"], memory_limit=0).update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    in_memory = load_store(published_dir / DUMP_NAMES["nt"])  # 3 MB, under the default limit
    in_memory.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")  # a private copy: writable, and nobody else sees it
    ask = "ASK { <urn:a> <urn:b> <urn:c> }"
    assert in_memory.query(ask) and not load_store(published_dir / DUMP_NAMES["nt"], memory_limit=0).query(ask)
