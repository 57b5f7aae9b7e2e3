"""Quality-check queries (queries/quality/*.rq, in the Ontology Development Kit's manner) return no rows."""

import pyoxigraph
import pytest

from server.paths import QUERIES_DIR

QUALITY = sorted((QUERIES_DIR / "quality").glob("*.rq"))


@pytest.fixture(scope="module")
def store(published_dir):
    store = pyoxigraph.Store()
    store.bulk_load(path=str(published_dir / "fukushi-kg.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


@pytest.mark.parametrize("path", QUALITY, ids=[p.stem for p in QUALITY])
def test_quality_query_returns_no_rows(store, path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Question: ")
    rows = [[str(v) for v in row] for row in store.query(text)]
    assert rows == []


def test_quality_queries_can_fail(store):
    """Each check is live: the same query over a defective graph finds the defect."""
    bad = pyoxigraph.Store()
    bad.load(
        input="""@prefix fk: <https://w3id.org/fukushi-kg/ontology#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://w3id.org/fukushi-kg/id/x/a> a fk:PlanElement , fk:Measure ; rdfs:label "(1) label"@ja ;
            fk:parent <https://w3id.org/fukushi-kg/id/x/p> ; fk:order 1 ; fk:targetGroup <https://example.org/c> .
        <https://w3id.org/fukushi-kg/id/x/b> a fk:Measure ;
            fk:parent <https://w3id.org/fukushi-kg/id/x/p> ; fk:order 1 .
        <file:///tmp/x> a fk:Department .
        # the same label, annotated on the strength of its words in one element only
        <https://w3id.org/fukushi-kg/id/x/c> a fk:PlanElement ; rdfs:label "障がい者の見守り"@ja ;
            fk:targetGroup <https://w3id.org/fukushi-kg/id/concept/target-group/people-with-disabilities> .
        <https://w3id.org/fukushi-kg/id/x/c-decision> rdf:subject <https://w3id.org/fukushi-kg/id/x/c> ;
            rdf:predicate fk:targetGroup ; fk:verdict "accepted" ; fk:evidence "障害者"@ja ;
            rdf:object <https://w3id.org/fukushi-kg/id/concept/target-group/people-with-disabilities> .
        <https://w3id.org/fukushi-kg/id/x/d> a fk:PlanElement ; rdfs:label "障害者の 見守り"@ja .
        # a 再犯 priority on an element of no recidivism plan
        <https://w3id.org/fukushi-kg/id/x/d> fk:addressesPriority
            <https://w3id.org/fukushi-kg/id/concept/recidivism-priority/employment-and-housing> .""".encode(),
        format=pyoxigraph.RdfFormat.TURTLE,
    )
    found = {p.stem for p in QUALITY if list(bad.query(p.read_text(encoding="utf-8")))}
    assert found == {p.stem for p in QUALITY}
