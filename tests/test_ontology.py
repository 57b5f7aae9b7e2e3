"""The ontology parses, is OWL 2, and documents every term in Japanese and English."""

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from server.graph.loading import load_files
from server.paths import ONTOLOGY_DIR, ONTOLOGY_NS


@pytest.fixture(scope="module")
def ontology():
    return load_files(sorted(ONTOLOGY_DIR.glob("*.ttl")))


def test_ontology_has_a_version_iri(ontology):
    (onto,) = list(ontology.subjects(RDF.type, OWL.Ontology))
    assert ontology.value(onto, OWL.versionIRI) is not None
    assert {lab.language for lab in ontology.objects(onto, RDFS.label)} == {"ja", "en"}


def _terms(ontology):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {s for kind in kinds for s in ontology.subjects(RDF.type, kind) if str(s).startswith(ONTOLOGY_NS)}


def test_every_term_has_labels_in_both_languages_and_a_comment(ontology):
    terms = _terms(ontology)
    assert len(terms) > 60
    for term in terms:
        languages = {lab.language for lab in ontology.objects(term, RDFS.label)}
        assert {"ja", "en"} <= languages, f"{term} lacks a ja or en label"
        assert ontology.value(term, RDFS.comment) is not None, f"{term} lacks a comment"


def test_every_concept_has_labels_in_both_languages_and_a_definition(ontology):
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 40
    for concept in concepts:
        assert {lab.language for lab in ontology.objects(concept, SKOS.prefLabel)} >= {"ja", "en"}, concept
        assert ontology.value(concept, SKOS.definition) is not None, concept
        assert ontology.value(concept, SKOS.inScheme) is not None, concept


def test_evacuation_support_group_is_narrower_than_persons_requiring_special_care(ontology):
    tg = rdflib.Namespace("https://w3id.org/fukushi-kg/id/concept/target-group/")
    assert (tg["persons-requiring-evacuation-support"], SKOS.broader, tg["persons-requiring-special-care"]) in ontology


def test_terms_used_in_data_are_declared(published_dir, ontology):
    graph = rdflib.Graph().parse(published_dir / "fukushi-kg.nt")
    declared = _terms(ontology) | set(ontology.subjects(RDF.type, OWL.NamedIndividual))
    used = {p for p in graph.predicates() if str(p).startswith(ONTOLOGY_NS)}
    used |= {o for o in graph.objects(None, RDF.type) if str(o).startswith(ONTOLOGY_NS)}
    assert used - declared == set()
