"""Data-driven tests of the structural shapes, in the pySHACL style.

Each file in tests/shapes/structure/ adds triples to _base.ttl (a conforming minimal graph) and
states, with t:expect, every (focus node, shape) pair the report must contain — no more, no less.
"""

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SH

from server.graph.loading import load_files
from server.graph.rules import apply_rules, schema_from
from server.graph.validation import shapes_graph, validate
from server.paths import ONTOLOGY_DIR

CASES = Path(__file__).parent / "shapes" / "structure"
T = rdflib.Namespace("https://w3id.org/fukushi-kg/test#")
FKS = rdflib.Namespace("https://w3id.org/fukushi-kg/shapes#")


@pytest.fixture(scope="module")
def schema():
    return schema_from(load_files(sorted(ONTOLOGY_DIR.glob("*.ttl"))))


@pytest.fixture(scope="module")
def shapes():
    return shapes_graph("structure")


def split_case(path: Path) -> tuple[rdflib.Graph, set, bool]:
    case = load_files([CASES / "_base.ttl", path])
    expected = set()
    for node in case.objects(T.case, T.expect):
        expected.add((case.value(node, T.focus), case.value(node, T.shape)))
    expect_none = (T.case, T.expectNoResults, rdflib.Literal(True)) in case
    for triple in list(case):
        if triple[0] == T.case or any(triple[0] == n for n in case.objects(T.case, T.expect)):
            case.remove(triple)
    return case, expected, expect_none


def reported(result) -> set:
    pairs = set()
    nested = set(result.report.objects(None, SH.detail))  # sh:node's inner results; the outer one counts
    for r in set(result.report.subjects(RDF.type, SH.ValidationResult)) - nested:
        focus = result.report.value(r, SH.focusNode)
        # A SPARQL constraint reports the node shape as sh:sourceShape and itself as sh:sourceConstraint.
        shape = result.report.value(r, SH.sourceConstraint) or result.report.value(r, SH.sourceShape)
        pairs.add((focus, shape))
    return pairs


CASE_FILES = sorted(p for p in CASES.glob("*.ttl") if not p.name.startswith("_"))


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case(path, schema, shapes):
    data, expected, expect_none = split_case(path)
    assert expected or expect_none, f"{path.name} states no expectation"
    result = validate(apply_rules(schema, data), shapes)
    assert reported(result) == expected
    assert result.conforms == (not expected)


def test_every_structural_shape_has_a_violating_example(shapes):
    constraints = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    constraints = {c for c in constraints if isinstance(c, rdflib.URIRef)}
    exercised = set()
    for path in CASE_FILES:
        exercised |= {shape for _, shape in split_case(path)[1]}
    assert constraints - exercised == set()


def test_every_shape_has_a_label_or_message_in_both_languages(shapes):
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if isinstance(shape, rdflib.URIRef):
            langs = {lab.language for lab in shapes.objects(shape, rdflib.RDFS.label)}
            assert {"ja", "en"} <= langs, shape
    for shape in set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.subjects(RDF.type, SH.SPARQLConstraint)):
        if isinstance(shape, rdflib.URIRef):
            langs = {m.language for m in shapes.objects(shape, SH.message)}
            assert {"ja", "en"} <= langs, shape
