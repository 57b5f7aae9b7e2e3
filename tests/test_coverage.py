"""Every element the documents print is in the graph, once: counts per document and class."""

import pytest
import rdflib
from rdflib.namespace import RDF
from seed_counts import EXPECTED

FK = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
MUNI = "https://w3id.org/fukushi-kg/id/municipality/"


@pytest.fixture(scope="module")
def graph(published_dir):
    return rdflib.Graph().parse(published_dir / "fukushi-kg.nt")


def counts_for_document(graph, code):
    documents = [
        d
        for d in graph.subjects(RDF.type, FK.PlanDocument)
        if graph.value(d, FK.municipality) == rdflib.URIRef(MUNI + code)
    ]
    assert len(documents) == 1, f"expected one document for {code}"
    plans = set(graph.objects(documents[0], FK.embodies))
    elements = {e for p in plans for e in graph.subjects(FK.partOf, p)}
    indicators = {i for p in plans for i in graph.subjects(FK.indicatorOf, p)}
    previous = {q for p in plans for q in graph.objects(p, FK.previousPlan)}
    indicators |= {i for p in previous for i in graph.subjects(FK.indicatorOf, p)}
    out = {}
    for name in (
        "BasicPhilosophy",
        "BasicGoal",
        "Perspective",
        "Policy",
        "PriorityInitiative",
        "Direction",
        "MeasureGroup",
        "Measure",
        "Role",
    ):
        cls = FK[name]
        members = {e for e in elements if (e, RDF.type, cls) in graph}
        if name == "Policy":
            members = {e for e in members if (e, RDF.type, FK.PriorityInitiative) not in graph}
        if members:
            out[name] = len(members)
    if indicators:
        out["Indicator"] = len(indicators)
    return out


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_element_counts_match_the_source_text(graph, code):
    expected = {k: v for k, v in EXPECTED[code]().items() if v}
    assert counts_for_document(graph, code) == expected
