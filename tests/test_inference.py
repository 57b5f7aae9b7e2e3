"""The compiled rule set gives exactly owlrl's closure on the bundled data."""

import rdflib

from server.graph.build import split_inputs
from server.graph.inference import materialise
from server.graph.inputs import load_inputs as load_files
from server.graph.rules import apply_rules, schema_from
from server.paths import ONTOLOGY_DIR, graph_input_files


def _ground(graph):
    return {t for t in graph if not any(isinstance(term, rdflib.BNode) for term in t)}


def test_rules_equal_owlrl_on_bundled_data():
    reference = materialise(load_files(graph_input_files()))  # owlrl, the reference reasoner, on the whole graph
    schema_files, data_files = split_inputs(graph_input_files())
    fast = apply_rules(schema_from(load_files(schema_files)), load_files(data_files))
    assert len(fast) == len(reference)
    assert _ground(fast) == _ground(reference)


def test_narrower_annotation_reaches_the_broader_class():
    schema = schema_from(load_files(sorted(ONTOLOGY_DIR.glob("*.ttl"))))
    data = rdflib.Graph().parse(
        data="""@prefix fk: <https://w3id.org/fukushi-kg/ontology#> .
        <https://example.org/m> a fk:Measure ; fk:responsibleDepartment <https://example.org/d> .""",
        format="turtle",
    )
    closed = apply_rules(schema, data)
    fk = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
    m, d = rdflib.URIRef("https://example.org/m"), rdflib.URIRef("https://example.org/d")
    assert (m, rdflib.RDF.type, fk.PlanElement) in closed
    assert (m, fk.carriedOutBy, d) in closed
    assert (d, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/prov#Agent")) in closed
