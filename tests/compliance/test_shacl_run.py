"""The speed-ups of server/compliance/shacl.py change no result: the forked share gives what the
one process gives."""

import pytest
import rdflib
from compliance_cases import CASE_FILES, CASES
from rdflib.namespace import RDF, SH

from server.compliance import requirements as reqs
from server.compliance import shacl
from server.compliance.evaluate import read_findings
from server.compliance.graphs import draft_graph


def key(report) -> set:
    return {(f.focus, f.shape, f.value, f.severity) for f in read_findings(report)}


@pytest.fixture(scope="module")
def cases_graph():
    return draft_graph([CASES / "_base.ttl", *CASE_FILES])


@pytest.fixture(scope="module")
def serial(cases_graph):
    return shacl.validate(cases_graph, reqs.structure_shapes(), workers=1)


def test_the_forked_share_gives_the_same_results(cases_graph, serial):
    forked = shacl.validate(cases_graph, reqs.structure_shapes(), workers=2, min_split=1)
    assert key(forked) == key(serial) != set()


def test_the_merged_report_conforms_only_without_violations(serial):
    node = serial.value(None, RDF.type, SH.ValidationReport)
    assert len(list(serial.subjects(RDF.type, SH.ValidationReport))) == 1
    assert serial.value(node, SH.conforms) == rdflib.Literal(False)  # the structure case has a violation


def test_the_fast_loader_reads_what_rdflib_reads():
    from rdflib.compare import isomorphic

    from server.compliance.graphs import load_fast
    from server.graph.inputs import load_inputs as load_files
    from server.paths import ONTOLOGY_DIR, graph_input_files

    data = [f for f in graph_input_files() if f.parent != ONTOLOGY_DIR]
    assert set(load_fast(data)) == set(load_files(data))  # the data has no blank nodes
    ontology = sorted(ONTOLOGY_DIR.glob("*.ttl"))
    assert isomorphic(load_fast(ontology), load_files(ontology))  # owl:oneOf lists are blank nodes


def test_the_fast_loader_reports_errors_as_the_build_does(tmp_path):
    from server.compliance.graphs import load_fast
    from server.datafile import DataFileError

    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix fk: <https://w3id.org/fukushi-kg/ontology#> .\n<a> fk:b <c> .\n<x> fk:y ;\n", "utf-8")
    with pytest.raises(DataFileError) as err:
        load_fast([bad])
    assert err.value.path == bad and err.value.line == 3
