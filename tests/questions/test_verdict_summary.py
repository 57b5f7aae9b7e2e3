"""The requirement-verdicts graph (server.graph.summary.verdict_lines): the compliance cells per municipality and
prefecture, by verdict and severity, equal what the compliance publication in the graph holds, counted cell by cell."""

from collections import Counter

import pytest

from server.graph.summary import FK, REF_AREA, SUMMARY, VERDICTS

QB = "http://purl.org/linked-data/cube#"
FKS = "https://w3id.org/fukushi-kg/shapes#"
DCTERMS = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def verdict_counts(rows):
    """{(area, verdict, severity): count} as the observations of the requirement-verdicts dataset say."""
    found = rows(
        f"""SELECT ?area ?verdict ?severity ?n WHERE {{
              ?obs <{QB}dataSet> <{SUMMARY}{VERDICTS}> ; <{REF_AREA}> ?area ; <{FK}count> ?n ;
                   <{FK}observedVerdict> ?verdict ; <{FK}observedSeverity> ?severity }}"""
    )
    counts = {(r["area"], r["verdict"], r["severity"]): int(r["n"]) for r in found}
    assert len(counts) == len(found), "two observations for one area, verdict and severity"
    return counts


@pytest.fixture(scope="module")
def live_cells(store):
    """The same counts made from the compliance triples one cell at a time (no SPARQL aggregate)."""
    import pyoxigraph as ox

    def one(s, p):
        return next(iter(store.quads_for_pattern(s, ox.NamedNode(p), None)), None)

    prefecture = {}
    tally = Counter()
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(FKS + "Verdict")):
        cell = quad.subject
        document = one(cell, DCTERMS + "subject").object
        city = one(document, FK + "municipality").object
        verdict, severity = one(cell, FKS + "verdict").object.value, one(cell, FKS + "severity").object.value
        tally[(city.value, verdict, severity)] += 1
        if city.value not in prefecture:
            prefecture[city.value] = one(city, FK + "prefecture").object.value
        tally[(prefecture[city.value], verdict, severity)] += 1
    return dict(tally)


def test_each_count_equals_the_cells_of_the_compliance_graph(verdict_counts, live_cells):
    assert live_cells, "the bundled build publishes a compliance matrix"
    assert verdict_counts == live_cells


def test_the_graph_is_its_own_and_says_its_structure(published_dir):
    import json

    info = json.loads((published_dir / "build-info.json").read_text(encoding="utf-8"))
    assert info["graphs"][VERDICTS]["triples"] > 0
    text = (published_dir / "graphs" / f"{VERDICTS}.nt").read_text(encoding="utf-8")
    for dimension in (REF_AREA, FK + "observedVerdict", FK + "observedSeverity"):
        assert f"<{QB}dimension> <{dimension}>" in text
    assert f"<{QB}measure> <{FK}count>" in text


def test_the_dimensions_are_in_the_ontology(rows):
    found = rows(
        f"""SELECT ?p WHERE {{ VALUES ?p {{ <{FK}observedVerdict> <{FK}observedSeverity> }}
              ?p a <{QB}DimensionProperty> ; <{RDFS}label> ?l . FILTER(lang(?l) = "ja") }}"""
    )
    assert {r["p"] for r in found} == {FK + "observedVerdict", FK + "observedSeverity"}


def test_no_compliance_no_graph():
    from server.graph.summary import verdict_lines

    assert verdict_lines([], ["<a> <b> <c> ."]) == []
