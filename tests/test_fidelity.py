"""Fidelity gaps found by reading the seeds against the graph: parents, shared structure of plans made
together, and text that planners compare. Each expectation cites the seed lines it comes from."""

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS
from seed_text import label_in_lines

from server.paths import source_text_path

FK = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
ID = "https://w3id.org/fukushi-kg/id/"
TIER = "https://w3id.org/fukushi-kg/id/concept/support-tier/"


def iri(local):
    return rdflib.URIRef(ID + local)


@pytest.fixture(scope="module")
def graph(published_dir):
    return rdflib.Graph().parse(published_dir / "fukushi-kg.nt")


def ja(graph, subject, prop=RDFS.label):
    return [str(v) for v in graph.objects(subject, prop) if getattr(v, "language", None) == "ja"]


def test_sagamihara_priority_headings_sit_under_the_plan(graph):
    # seed 002 lines 55-59: 【就労・住居の確保】… are printed after items (1)-(3), and nothing in the text files them
    # under (3) (line 57 names no priority): they are the plan's own list of the national priorities
    for order, d in enumerate(("rpp-d1", "rpp-d2", "rpp-d3"), start=4):
        assert graph.value(iri("141500/" + d), FK.parent) == iri("141500/rpp")
        assert int(graph.value(iri("141500/" + d), FK.order)) == order


def test_mine_sub_bullets_sit_under_line_1287(graph):
    # seed 004 lines 1287-1292: 「次の5つの項目を中心に…」 then ア〜オ indented beneath it
    parent = iri("352136/cwp3-g1-p3-d3-r14")
    children = sorted(graph.subjects(FK.parent, parent))
    assert [str(graph.value(c, FK.number)) for c in children] == ["ア", "イ", "ウ", "エ", "オ"]
    assert [int(graph.value(c, FK.order)) for c in children] == [1, 2, 3, 4, 5]


def elements_of(graph, plan):
    return {e for e in graph.subjects(FK.partOf, iri(plan)) if (e, RDF.type, FK.PlanElement) in graph}


def test_plans_made_as_one_share_the_whole_tree(graph):
    # 美祢市 004:232-234 「2つの計画を一体的につくる」; 久留米市 003:25 one プラン for both plans
    for welfare, activity in (("352136/cwp3", "352136/cwap3"), ("402036/cwp4", "402036/cwap7")):
        assert elements_of(graph, activity) == elements_of(graph, welfare)
        assert graph.value(iri(activity), FK.basicPhilosophy) == graph.value(iri(welfare), FK.basicPhilosophy)
    assert len(elements_of(graph, "352136/cwap3")) > 300


def test_sagamihara_activity_plan_shares_only_philosophy_and_goals(graph):
    # 002:89 「基本理念、基本目標を共有」; the activity plan is not in the document
    shared = set(graph.subjects(FK.sharedBy, iri("141500/cwap10")))
    assert shared == {iri("141500/" + e) for e in ("cwp5-philosophy", "cwp5-g1", "cwp5-g2", "cwp5-g3")}
    assert graph.value(iri("141500/cwap10"), FK.basicPhilosophy) == iri("141500/cwp5-philosophy")
    assert elements_of(graph, "141500/cwap10") == set()


def test_omitama_goals_carry_their_explanations(graph):
    for goal, line in (("g1", 64), ("g2", 73), ("g3", 84)):
        element = iri("082368/cwp4-" + goal)
        (text,) = ja(graph, element, DCTERMS.description)
        seed = source_text_path(str(graph.value(element, FK.sourceFile))).read_text(encoding="utf-8").splitlines()
        assert text == seed[line - 1].strip()
    (philosophy,) = ja(graph, iri("082368/cwp4-philosophy"), DCTERMS.description)
    assert philosophy.endswith("「地域共生社会」の実現を目指します。")  # line 7, both sentences


def test_kurume_review_of_its_first_plan(graph):
    evaluation = iri("402036/plan1-evaluation")
    findings = set(graph.subjects(FK.findingOf, evaluation))
    kinds = {k: {f for f in findings if (f, RDF.type, FK[k]) in graph} for k in ("Achievement", "Issue", "Conclusion")}
    # 003:47-55 nine achievements; 57 the judgement; 68-73 six issues for the second plan
    assert {k: len(v) for k, v in kinds.items()} == {"Achievement": 9, "Issue": 6, "Conclusion": 1}
    (conclusion,) = kinds["Conclusion"]
    assert ja(graph, conclusion) == ["第1期プランの成果目標については、ほとんどが達成に至っていません。"]
    assert {int(graph.value(f, FK.startLine)) for f in kinds["Achievement"]} == set(range(47, 56))
    assert all(graph.value(f, FK.forPlan) == iri("402036/plan1") for f in findings)


def test_mine_role_statements_per_actor_and_tier(graph):
    statements = {s for s in graph.subjects(RDF.type, FK.RoleStatement) if str(s).startswith(ID + "352136/")}
    by_tier = {}
    for s in statements:
        for tier in graph.objects(s, FK.statedTier):
            by_tier.setdefault(str(tier).removeprefix(TIER), set()).add(str(graph.value(s, FK.roleOf)).removeprefix(ID))
    # 004:64 自助（市民）, 70 互助・共助（地域・団体・事業者等）（社会福祉協議会）, 80 公助（行政）
    assert by_tier == {
        "self-help": {"352136/residents"},
        "mutual-help": {"352136/community", "352136/shakyo"},
        "social-solidarity": {"352136/community", "352136/shakyo"},
        "public-help": {"municipality/352136"},
    }
    chapter5 = sorted(s for s in statements if "chapter5-role-" in str(s))
    assert len(chapter5) == 7  # 004:2145-2175 ①〜⑦
    for s in statements:
        lines = source_text_path(str(graph.value(s, FK.sourceFile))).read_text(encoding="utf-8").splitlines()
        cited = lines[int(graph.value(s, FK.startLine)) - 1 : int(graph.value(s, FK.endLine))]
        (text,) = ja(graph, s, DCTERMS.description)
        assert label_in_lines(text, cited), s


def test_adoption_date_where_printed(graph):
    # 004:48 「令和2年3月に「第2次美祢市地域福祉計画・第2次美祢市地域福祉活動計画」を策定し」
    assert str(graph.value(iri("352136/cwp2"), DCTERMS.issued)) == "2020-03"
    # 003:125 the drafting schedule's last row, 「令和8年3月 策定」: planned, not done
    for plan in ("402036/cwp4", "402036/cwap7"):
        assert str(graph.value(iri(plan), FK.plannedAdoption)) == "2026-03"
        assert graph.value(iri(plan), DCTERMS.issued) is None
