"""The draft profile (shapes/draft/): what `fukushi-kg validate FILE` holds a planner's draft to."""

from pathlib import Path

import pytest
import rdflib

from server.cli import main
from server.compliance.evaluate import evaluate
from server.compliance.graphs import draft_graph, validate_files

FIXTURES = Path(__file__).parent / "fixtures"
FK = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
SCHEMA = rdflib.Namespace("https://schema.org/")
GOAL = rdflib.URIRef("https://w3id.org/fukushi-kg/id/092142/cwp2-g1")


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    out = tmp_path_factory.mktemp("draft") / "sakura.ttl"
    assert main(["import", str(FIXTURES / "sample-plan.pdf"), "--municipality", "092142", "--out", str(out)]) == 0
    return rdflib.Graph().parse(out)


def _structure_messages(graph: rdflib.Graph, tmp_path, name="d.ttl", draft=True) -> list[str]:
    path = tmp_path / name
    graph.serialize(path, format="turtle")
    matrix = validate_files([path]) if draft else evaluate(draft_graph([path]), str(path))
    findings = [f for row in matrix.rows for f in row.structure] + matrix.unattributed
    return [f"{f.focus} {f.message.get('ja', '')} {f.message.get('en', '')}" for f in findings]


def test_the_imported_draft_has_no_structural_finding(draft, tmp_path):
    assert (GOAL, SCHEMA.pageStart, rdflib.Literal(2)) in draft
    assert _structure_messages(draft, tmp_path) == []


def test_a_page_is_enough_where_the_seeds_need_lines(draft, tmp_path):
    g = rdflib.Graph() + draft
    g.remove((GOAL, FK.startLine, None))
    g.remove((GOAL, FK.endLine, None))
    assert _structure_messages(g, tmp_path) == []
    bundled_rules = _structure_messages(g, tmp_path, "b.ttl", draft=False)
    assert any("開始行" in m for m in bundled_rules)  # the build's shapes, without the profile, want lines


def test_neither_line_nor_page_is_reported(draft, tmp_path):
    g = rdflib.Graph() + draft
    for p in (FK.startLine, FK.endLine, SCHEMA.pageStart, SCHEMA.pageEnd):
        g.remove((GOAL, p, None))
    messages = _structure_messages(g, tmp_path)
    assert len(messages) == 1 and "出典の行" in messages[0] and "cwp2-g1" in messages[0]


def test_a_code_of_another_prefecture_is_reported(draft, tmp_path):
    g = rdflib.Graph() + draft
    muni = rdflib.URIRef("https://w3id.org/fukushi-kg/id/municipality/092142")
    g.set((muni, FK.prefecture, rdflib.URIRef("https://w3id.org/fukushi-kg/id/prefecture/130001")))
    messages = _structure_messages(g, tmp_path)
    assert any("092142" in m and "都道府県コード 09" in m for m in messages), messages


def test_every_prefecture_is_in_the_data():
    from server.paths import DATA_DIR

    g = rdflib.Graph().parse(DATA_DIR / "prefectures.ttl")
    notations = sorted(str(n) for n in g.objects(None, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#notation")))
    assert notations == [f"{n:02d}" for n in range(1, 48)]
    for pref in g.subjects(rdflib.RDF.type, FK.Prefecture):
        code = str(g.value(pref, FK.localGovernmentCode))
        weights = sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2), strict=True))
        assert int(code[5]) == (11 - weights % 11) % 10, code  # 総務省's check digit
        assert {v.language for v in g.objects(pref, rdflib.RDFS.label)} == {"ja", "en"}
