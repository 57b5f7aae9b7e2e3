"""The compiled rule set gives exactly owlrl's closure on the bundled data."""

import rdflib

from server.annotations.decisions import annotation_graph, decision_records, read_decisions
from server.graph.build import split_inputs
from server.graph.loading import load_files
from server.graph.rules import apply_rules, schema_from
from server.paths import ONTOLOGY_DIR, graph_input_files


def _ground(graph):
    return {t for t in graph if not any(isinstance(term, rdflib.BNode) for term in t)}


def test_rules_equal_owlrl_on_bundled_data(published_dir):
    reference = rdflib.Graph().parse(published_dir / "fukushi-kg.nt")  # built with owlrl
    schema_files, data_files = split_inputs(graph_input_files())
    decisions = read_decisions()  # the annotations decided in data/annotations/decisions.tsv, and their records
    fast = apply_rules(schema_from(load_files(schema_files)), load_files(data_files) + annotation_graph(decisions))
    fast += decision_records(decisions)
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
