"""fukushi-kg import: the outline parser on a plan it was not written against, PDF pages, the draft, the
review page, and clear errors for bad codes."""

from pathlib import Path

import pytest
import rdflib

from server.cli import main
from server.compliance.graphs import validate_files
from server.importer.codes import UnknownCode, lookup
from server.importer.outline import parse
from server.importer.reading import read_document, text_lines

FIXTURES = Path(__file__).parent / "fixtures"
FK = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
SCHEMA = rdflib.Namespace("https://schema.org/")

# A plan in the conventions of Japanese municipal plans, but none of the seeds' layouts: full-width digits,
# 基本目標Ⅰ style numbering, 「～」 periods, a plan made together with two statutory plans, a role list by
# tier, a table of 具体的取組 with an 実施主体 column, a 成果指標 table, and sections about the plan.
PLAN = """第３期さくら市地域福祉計画（骨子案）

第1章 計画の策定にあたって
1 計画策定の趣旨
本計画は、地域共生社会の実現に向けて策定するものです。
2 計画の期間
計画期間は令和７年度～令和11年度の5年間とします。
3 計画の位置付け
本計画は、次の計画と一体的に策定します。
- ◆ 成年後見制度利用促進基本計画
- ◆ 再犯防止推進計画

第2章 計画の基本的な考え方
1 基本理念
「ともに生きる　あたたかいまち　さくら」

2 基本目標
基本目標Ⅰ　安心して暮らせる仕組みづくり
基本目標Ⅱ　支えあう地域づくり

第3章 施策の展開
基本目標Ⅰ　安心して暮らせる仕組みづくり
1. 相談支援の充実
【現状と課題】
相談先が分からないという声が多くあります。
(1) 相談窓口の周知
窓口の情報を広く届けます。
【役割分担】
市民の取組【自助】
- 困ったときは早めに相談しましょう。
行政の取組【公助】
- 相談窓口を分かりやすく案内します。
【具体的取組】
取組	内容	実施主体
総合相談窓口の運営	福祉の相談を一か所で受け付けます。	福祉課
出張相談会の開催	公民館で相談会を開きます。	福祉課、社会福祉協議会
(2) 権利擁護の推進（成年後見制度利用促進基本計画）
2. 生活困窮者への支援
基本目標Ⅱ　支えあう地域づくり
1. 見守り活動の推進
ア 地域の見守り
イ 災害時の支えあい

第4章 計画の推進
1 計画の進行管理
\t成果指標\t目標\t実績
全体\t地域の支えあいを感じる市民の割合\t70.0%\t55.2%
"""


@pytest.fixture(scope="module")
def outline():
    return parse(text_lines(PLAN))


def tree(o):
    return {(e.cls, e.number, e.label, e.parent.label if e.parent else None) for e in o.elements}


def test_document_facts(outline):
    assert outline.title == "第３期さくら市地域福祉計画（骨子案）"
    assert outline.edition == 3 and outline.edition_label == "第3期"
    assert outline.statuses == ["outline-draft"]
    assert outline.period[:2] == (2025, 2029)
    assert {e.key for e in outline.embodied} == {"gpp", "rpp"}


def test_the_tree_follows_the_numbering_and_the_announced_levels(outline):
    goal1, goal2 = "安心して暮らせる仕組みづくり", "支えあう地域づくり"
    assert tree(outline) == {
        ("BasicPhilosophy", None, "ともに生きる　あたたかいまち　さくら", None),
        ("BasicGoal", "基本目標1", goal1, None),
        ("BasicGoal", "基本目標2", goal2, None),
        ("Policy", "1.", "相談支援の充実", goal1),
        ("Direction", "(1)", "相談窓口の周知", "相談支援の充実"),
        ("Role", None, "困ったときは早めに相談しましょう。", "相談窓口の周知"),
        ("Role", None, "相談窓口を分かりやすく案内します。", "相談窓口の周知"),
        ("Measure", None, "総合相談窓口の運営", "相談窓口の周知"),
        ("Measure", None, "出張相談会の開催", "相談窓口の周知"),
        ("Direction", "(2)", "権利擁護の推進（成年後見制度利用促進基本計画）", "相談支援の充実"),
        ("Policy", "2.", "生活困窮者への支援", goal1),
        ("Policy", "1.", "見守り活動の推進", goal2),
        ("MeasureGroup", "ア", "地域の見守り", "見守り活動の推進"),
        ("MeasureGroup", "イ", "災害時の支えあい", "見守り活動の推進"),
    }


def test_actors_tiers_departments_and_descriptions(outline):
    by_label = {e.label: e for e in outline.elements}
    assert by_label["困ったときは早めに相談しましょう。"].tiers == ["self-help"]
    assert by_label["困ったときは早めに相談しましょう。"].actors == [("residents", "市民")]
    assert by_label["相談窓口を分かりやすく案内します。"].tiers == ["public-help"]
    outreach = by_label["出張相談会の開催"]
    assert outreach.description == "公民館で相談会を開きます。"
    assert ("department", "福祉課") in outreach.actors and ("department", "社会福祉協議会") in outreach.actors
    assert by_label["相談窓口の周知"].description == "窓口の情報を広く届けます。"
    assert by_label["権利擁護の推進（成年後見制度利用促進基本計画）"].part_of == ["gpp"]


def test_sections_about_the_plan_are_not_elements_and_indicators_are_read(outline):
    labels = {e.label for e in outline.elements}
    assert not labels & {"計画策定の趣旨", "計画の期間", "計画の進行管理", "現状と課題"}
    [indicator] = outline.indicators
    assert (indicator.group, indicator.label, indicator.target, indicator.actual) == (
        "全体",
        "地域の支えあいを感じる市民の割合",
        "70.0%",
        "55.2%",
    )
    unused = {line.text for line in outline.lines if line.text.strip() and line.number not in _covered(outline)}
    assert "本計画は、地域共生社会の実現に向けて策定するものです。" in unused


def _covered(outline):
    from server.importer.review import covered_lines

    return covered_lines(outline)


def test_pdf_lines_keep_their_pages_and_the_draft_cites_them(tmp_path):
    lines = read_document(FIXTURES / "sample-plan.pdf")
    assert [(ln.page, ln.text) for ln in lines if ln.text.startswith("基本目標")] == [
        (2, "基本目標1 つながりのある地域づくり")
    ]
    out = tmp_path / "sakura.ttl"
    assert main(["import", str(FIXTURES / "sample-plan.pdf"), "--municipality", "092142", "--out", str(out)]) == 0
    g = rdflib.Graph().parse(out)
    goal = next(g.subjects(rdflib.RDFS.label, rdflib.Literal("つながりのある地域づくり", lang="ja")))
    assert g.value(goal, SCHEMA.pageStart).toPython() == 2
    assert g.value(goal, FK.startLine).toPython() == 6
    source = g.value(goal, FK.sourceFile)
    assert str(g.value(source, rdflib.URIRef("http://purl.org/dc/terms/identifier"))) == "sample-plan.pdf"
    period = g.value(next(g.subjects(rdflib.RDF.type, FK.CommunityWelfarePlan)), FK.period)
    assert (g.value(period, FK.startFiscalYear).toPython(), g.value(period, FK.endFiscalYear).toPython()) == (
        2026,
        2030,
    )


def test_validate_accepts_the_draft_and_reports_what_is_missing(tmp_path, capsys):
    plan = tmp_path / "sakura.txt"
    plan.write_text(PLAN, encoding="utf-8")
    out, review = tmp_path / "sakura.ttl", tmp_path / "sakura.html"
    # 栃木県 was not among the four prefectures the data used to have.
    assert main(["import", str(plan), "--municipality", "092142", "--out", str(out), "--review", str(review)]) == 0
    matrix = validate_files([out])
    [row] = matrix.rows
    assert row.code == "092142"
    assert row.structure == [] and matrix.unattributed == []  # it passes the structural shapes (draft profile)
    assert matrix.exit_code() == 0
    missing = [c for c in row.cells.values() if c.missing and c.verdict in ("absent", "partial", "undeterminable")]
    assert missing  # and the compliance requirements it does not meet are reported, not errors
    assert all(c.requirement.fix.get("ja") for c in missing)  # each with what the plan would need to add
    html = review.read_text(encoding="utf-8")
    assert "相談支援の充実" in html and 'class="unused"' in html
    assert "<script" not in html.lower()


def test_review_page_escapes_the_plan_text(tmp_path):
    plan = tmp_path / "x.txt"
    plan.write_text("第1次テスト町地域福祉計画\n基本目標1 <script>alert(1)</script>\n", encoding="utf-8")
    review = tmp_path / "x.html"
    assert (
        main(
            ["import", str(plan), "--municipality", "082368", "--out", str(tmp_path / "x.ttl"), "--review", str(review)]
        )
        == 0
    )
    html = review.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "code, message",
    [
        ("992003", "unknown prefecture code 99"),
        ("011003", "check digit should be 2"),
        ("011011", "no municipality has this code in 北海道"),
        ("080004", "is the prefecture 茨城県"),
        ("8236", "six digits"),
    ],
)
def test_an_unknown_code_says_exactly_what_is_wrong(code, message, tmp_path, capsys):
    with pytest.raises(UnknownCode) as err:
        lookup(code)
    assert message in str(err.value)
    plan = tmp_path / "p.txt"
    plan.write_text(PLAN, encoding="utf-8")
    assert main(["import", str(plan), "--municipality", code]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_or_unknown_document_is_an_error(tmp_path, capsys):
    assert main(["import", str(tmp_path / "none.txt"), "--municipality", "082368"]) == 2
    assert "no such file" in capsys.readouterr().err
    odd = tmp_path / "plan.docx"
    odd.write_bytes(b"PK")
    assert main(["import", str(odd), "--municipality", "082368"]) == 2
    assert "give a .txt or .pdf file" in capsys.readouterr().err


def test_the_importer_reaches_the_target_on_the_seeds():
    """The issue's target over the five seed texts (fukushi-kg bench import prints the detail)."""
    from server.bench.importer import run

    scores = run()
    curated = sum(s.curated for s in scores)
    matched = sum(s.matched for s in scores)
    imported = sum(s.imported for s in scores)
    assert matched / curated >= 0.9 and matched / imported >= 0.9
    assert all(s.period_ok and s.embodied_ok for s in scores)


# Another layout: 第N節 sections, kanji-numbered goals, "施策1" headings, 《主な取組》 bullets, a Gregorian period,
# embodied plans stated in running text, and a 施策の内容・担当課 table.
PLAN2 = """みどり町第２次地域福祉計画・地域福祉活動計画

第1章 計画の概要
第1節 計画の期間
本計画の期間は2025年度から2029年度までの5年間です。
第2節 計画の位置づけ
本計画は、再犯防止推進計画を内包し、成年後見制度利用促進計画として位置づけます。

第2章 計画の体系
■めざす姿
だれもが笑顔で暮らせるみどり町

■基本目標
基本目標一　ふれあいのある地域
基本目標二　安心できる暮らし

第3章 施策の展開
基本目標一　ふれあいのある地域
施策1　交流の場づくり
《主な取組》
●サロン活動の支援
●世代間交流の推進
施策2　担い手の育成
《主な取組》
●ボランティア講座の開催

基本目標二　安心できる暮らし
施策1　相談体制の充実
施策の内容\t担当課
総合相談窓口の設置\t福祉課
"""


def test_a_plan_in_other_conventions():
    o = parse(text_lines(PLAN2))
    assert (o.edition, o.statuses, o.period[:2]) == (2, [], (2025, 2029))
    assert {e.key for e in o.embodied} == {"cwap", "gpp", "rpp"}
    goal1, goal2 = "ふれあいのある地域", "安心できる暮らし"
    assert tree(o) == {
        ("BasicPhilosophy", None, "だれもが笑顔で暮らせるみどり町", None),
        ("BasicGoal", "基本目標1", goal1, None),
        ("BasicGoal", "基本目標2", goal2, None),
        ("Direction", "施策1", "交流の場づくり", goal1),
        ("Measure", "●", "サロン活動の支援", "交流の場づくり"),
        ("Measure", "●", "世代間交流の推進", "交流の場づくり"),
        ("Direction", "施策2", "担い手の育成", goal1),
        ("Measure", "●", "ボランティア講座の開催", "担い手の育成"),
        ("Direction", "施策1", "相談体制の充実", goal2),
        ("Measure", None, "総合相談窓口の設置", "相談体制の充実"),
    }
    philosophy = next(e for e in o.elements if e.cls == "BasicPhilosophy")
    assert philosophy.level_label == "めざす姿"
    measure = next(e for e in o.elements if e.label == "総合相談窓口の設置")
    assert measure.actors == [("department", "福祉課")]


def test_the_article_a_plan_is_cited_with_gives_its_provision():
    from server.importer.draft import LAW, draft_graph

    text = (
        "第1次テスト市地域福祉計画\n本計画は、以下の計画を内包する。\n"
        "- ◆ 成年後見制度利用促進市町村計画(成年後見制度の利用の促進に関する法律 第14条第1項)\n"
        "- ◆ 再犯防止推進計画\n"
        "第八条 都道府県及び市町村は、再犯防止推進計画を勘案して、計画を定めるよう努めなければならない。\n"
        "- ◆ 重層的支援体制整備事業実施計画(社会福祉法第106条の5)\n"
    )
    o = parse(text_lines(text))
    assert {(e.key, e.article, e.paragraph) for e in o.embodied} == {
        ("gpp", "14", "1"),
        ("rpp", "8", ""),
        ("msp", "106_5", ""),
    }
    g = draft_graph(o, lookup("082368"), "t.txt")
    bases = set(g.objects(None, FK.legalBasis))
    assert LAW["428AC1000000029-14-1"] in bases and LAW["428AC1000000104-8"] in bases
    assert LAW["326AC0000000045-106_5"] in bases and LAW["326AC0000000045-107"] in bases
