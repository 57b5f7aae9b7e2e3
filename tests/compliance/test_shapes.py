"""The requirement shapes themselves: labels, messages, provisions, severities, and queries that ask
for exactly the items their requirement lists."""

import re

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS, SH

from server.compliance import requirements as reqs
from server.graph.loading import load_files
from server.graph.validation import shape_files
from server.paths import DATA_DIR

FK = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
FKS = reqs.FKS
DCTERMS = reqs.DCTERMS


@pytest.fixture(scope="module")
def shapes():
    return reqs.compliance_shapes()


@pytest.fixture(scope="module")
def legislation():
    return load_files([DATA_DIR / "legislation.ttl"])


def both_languages(graph, node, prop) -> bool:
    return {"ja", "en"} <= {getattr(lit, "language", None) for lit in graph.objects(node, prop)}


def test_every_shape_requirement_and_item_is_labelled_in_both_languages(shapes):
    nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    nodes |= set(shapes.subjects(RDF.type, FKS.Requirement)) | set(shapes.subjects(RDF.type, FKS.Item))
    assert len(nodes) > 30
    for node in nodes:
        assert both_languages(shapes, node, RDFS.label), node
    for node in set(shapes.subjects(RDF.type, SH.SPARQLConstraint)) | set(shapes.subjects(RDF.type, FKS.Item)):
        assert both_languages(shapes, node, SH.message), node


def test_provisions_exist_and_severity_follows_the_duty(shapes, legislation):
    for req in reqs.requirements():
        if req.is_structure:
            continue
        duties = set()
        for provision in set(req.provisions) | {p for i in req.items for p in i.provisions}:
            assert (provision, RDF.type, FK.LegalProvision) in legislation, provision
            duties.add(legislation.value(provision, FK.dutyType))
        if req.guideline_level or FK.MandatoryDuty not in duties:
            expected = SH.Warning
        else:
            expected = SH.Violation
        assert req.severity == expected, req.key
        assert req.short.keys() >= {"ja", "en"} and req.label.keys() >= {"ja", "en"}


def test_the_disaster_requirement_is_guideline_level_despite_a_mandatory_provision(legislation):
    dca = next(r for r in reqs.requirements() if r.key == "DCA-49")
    assert dca.guideline_level and dca.severity == SH.Warning
    assert FK.MandatoryDuty in {legislation.value(p, FK.dutyType) for p in dca.provisions}


def expand(graph, text: str) -> rdflib.URIRef:
    prefix, local = text.split(":", 1)
    return rdflib.URIRef(dict(graph.namespaces())[prefix] + local)


def test_each_query_asks_for_exactly_the_items_of_its_requirement(shapes):
    for req in reqs.requirements():
        if req.is_structure:
            continue
        (constraint,) = shapes.objects(req.iri, SH.sparql)
        query = str(shapes.value(constraint, SH.select))
        listed = re.search(r"FILTER\(\?value IN \(([^)]*)\)\)", query).group(1)
        values = {expand(shapes, v.strip()) for v in listed.split(",")}
        assert values == {i.value for i in req.items}, req.key
        for item in req.items:
            if item.annotation is not None:
                assert shapes.namespace_manager.normalizeUri(item.annotation) in query, (req.key, item.key)
        assert "?document fk:embodies $this" in query, "only plans a document embodies are checked"
        assert (req.iri, SH.targetClass, req.applies_to) in shapes


def test_one_file_per_law(shapes, legislation):
    for path in shape_files(reqs.COMPLIANCE):
        if path.name.startswith("_"):
            continue
        graph = load_files([path])
        provisions = set(graph.objects(None, DCTERMS.references))
        laws = {legislation.value(p, FK.law) for p in provisions}
        assert len(laws) == 1, (path.name, laws)
