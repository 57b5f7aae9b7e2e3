"""`fukushi-kg validate`: formats, the draft path and the exit codes (0 conforms, 1 violations, 2 error)."""

import json
import re

import pytest
import rdflib
from compliance_cases import CASES
from rdflib.namespace import RDF, SH

from server.cli import main

BASE = CASES / "_base.ttl"
DRAFTS = CASES.parent / "drafts"
CONFORMING = DRAFTS / "conforming.ttl"
VIOLATING = DRAFTS / "structure-violation.ttl"


def run(capsys, *argv):
    code = main(["validate", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_bundled_plans_have_no_violation_and_the_text_shows_verdict_duty_source(capsys, published_dir):
    code, out, err = run(capsys, "--published", published_dir)
    assert code == 0, err
    for text in (
        "小美玉市",
        "Kurume City",
        "凡例 Legend",
        "○ 記載あり present",
        "？ この文書からは判断できない cannot be determined from this document",
        "義 義務 / mandatory",
        "勘 勘案 / take into account",
        "国 国の基本計画 / national basic plan",
        "根拠 Evidence:",
        "理由 Reason:",
        "追加すべき事項 Fix:",
        "【素案】」1644行（頁は不明",  # evidence names the plan and its line, not the file
        "https://laws.e-gov.go.jp/law/326AC0000000045#Mp-At_107",
    ):
        assert text in out
    # the matrix row of 美祢市: every cell is verdict + duty + source (+ severity mark); 107条1項各号 are
    # statutory content (定) of a plan whose making is an effort duty
    row = next(line for line in out.splitlines() if line.startswith("352136"))
    assert row.split()[4:7] == ["○定法", "○定法", "○定法"] and "－努法" in row and "○努法" in row
    # 久留米市's outline shows residents' views but cannot show publication: partial, on an effort duty
    assert "△努法" in next(line for line in out.splitlines() if line.startswith("402036"))


def test_fail_on_warning_turns_unmet_effort_duties_into_exit_1(capsys):
    # The full draft says nothing of residents' views or evaluation (107条2項・3項, effort duties): warnings
    code, out, err = run(capsys, BASE, CONFORMING, "--format", "json")
    assert code == 0, err
    severities = {c["requirement"]: c["severity"] for c in json.loads(out)["cells"]}
    assert severities["swa-107-2"] == severities["swa-107-3"] == "warning"
    assert "violation" not in severities.values()
    assert run(capsys, BASE, CONFORMING, "--fail-on", "warning")[0] == 1


def test_city_filter_and_unknown_city(capsys, published_dir):
    code, out, _ = run(capsys, "--published", published_dir, "--city", "352136", "--format", "json")
    data = json.loads(out)
    assert code == 0 and {c["municipality"] for c in data["cells"]} == {"352136"}
    code, _, err = run(capsys, "--published", published_dir, "--city", "999999")
    assert code == 2 and "999999" in err


def test_markdown_json_and_turtle(capsys, published_dir):
    _, md, _ = run(capsys, "--published", published_dir, "--city", "082368", "--format", "md")
    assert md.startswith("# コンプライアンス・マトリクス / Compliance matrix")
    assert "| 市町村 Municipality |" in md and "- 判定 Verdict:" in md and "| △義法 |" in md
    _, js, _ = run(capsys, "--published", published_dir, "--format", "json")
    data = json.loads(js)
    assert data["exitCode"] == 0 and data["conforms"] is True and len(data["documents"]) == 5
    cell = next(c for c in data["cells"] if (c["municipality"], c["requirement"]) == ("082368", "gpa-14"))
    assert (cell["verdict"], cell["source"], cell["duty"]) == ("present", "statute", "effort")
    assert cell["evidence"][0]["source_file"] == "000_c70c8bbf81b64066.txt"
    assert cell["evidence"][0]["where_ja"].startswith("「第4次小美玉市地域福祉計画（案）【概要版】」79行")
    _, ttl, _ = run(capsys, "--published", published_dir, "--city", "082368", "--format", "ttl")
    report = rdflib.Graph().parse(data=ttl, format="turtle")
    node = report.value(None, RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == rdflib.Literal(True)
    foci = {str(report.value(r, SH.focusNode)) for r in report.objects(node, SH.result)}
    assert foci == set()  # the structural shapes find nothing wrong in the bundled 小美玉市 data


def test_a_conforming_draft_exits_0(capsys):
    code, out, err = run(capsys, BASE, CONFORMING)
    assert code == 0, err
    assert "○ 記載あり present — 社会福祉法 第107条第1項第1号" in out
    assert "福祉の各分野に共通して取り組むべき事項" in out and "分野横断" in out


def test_a_draft_with_a_violation_exits_1(capsys):
    code, out, _ = run(capsys, BASE, VIOLATING, "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["exitCode"] == 1 and data["conforms"] is False
    structure = data["documents"][0]["structure"]
    assert structure and {f["severity"] for f in structure} == {"Violation"}


def test_a_json_ld_draft(capsys, tmp_path):
    graph = rdflib.Graph().parse(BASE).parse(CONFORMING)
    draft = tmp_path / "draft.jsonld"
    draft.write_text(graph.serialize(format="json-ld"), encoding="utf-8")
    code, out, err = run(capsys, draft, "--format", "json")
    assert code == 0, err
    cells = {c["requirement"]: c for c in json.loads(out)["cells"]}
    assert {cells[f"swa-107-1-{n}"]["verdict"] for n in range(1, 6)} == {"present"}


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("broken.ttl", "@prefix fk: <https://w3id.org/fukushi-kg/ontology#> .\n\n:x fk:topic ;\n", 3),
        ("broken.jsonld", '{\n  "@id": "https://example.org/x",\n  "name" "oops"\n}\n', 3),
    ],
)
def test_malformed_input_exits_2_with_file_and_line(capsys, tmp_path, name, text, line):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, path)
    assert code == 2 and out == ""
    assert f"{path}:{line}:" in err


def test_missing_file_and_nothing_to_check_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path / "nope.ttl")
    assert code == 2 and "nope.ttl" in err
    code, _, err = run(capsys, BASE)
    assert code == 2 and "fk:PlanDocument" in err


def test_html_escapes_what_the_draft_says(capsys, tmp_path):
    draft = tmp_path / "draft.ttl"
    text = CONFORMING.read_text(encoding="utf-8").replace('"方向1"@ja', '"<script>alert(1)</script>"@ja')
    draft.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, BASE, draft, "--format", "html")
    assert code == 0, err
    assert "<script>alert(1)</script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_no_published_graph_and_no_build_allowed_exits_2(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("FUKUSHI_KG_BUILD_IF_MISSING", "false")
    code, out, err = run(capsys, "--published", tmp_path / "empty")
    assert code == 2 and out == "" and "fukushi-kg build" in err


def test_markdown_escapes_angle_brackets_once(capsys, tmp_path):
    draft = tmp_path / "draft.ttl"
    text = CONFORMING.read_text(encoding="utf-8").replace('"方向1"@ja', '"分野横断 <b>太字</b>"@ja')
    draft.write_text(text, encoding="utf-8")
    code, md, err = run(capsys, BASE, draft, "--format", "md")
    assert code == 0, err
    assert "\\<b>太字\\</b>" in md  # CommonMark's backslash escape: shown as <b> once rendered
    assert "&lt;" not in md and not re.search(r"(?<!\\)<", md)  # every < escaped, none twice


def test_cccev_and_prov(capsys, published_dir):
    code, ttl, err = run(capsys, "--published", published_dir, "--format", "cccev")
    assert code == 0, err
    g = rdflib.Graph().parse(data=ttl, format="turtle")
    cccev = rdflib.Namespace("http://data.europa.eu/m8g/")
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    eli = rdflib.Namespace("http://data.europa.eu/eli/ontology#")
    req = rdflib.URIRef("https://w3id.org/fukushi-kg/shapes#swa-107-1-1")
    assert (req, RDF.type, cccev.Requirement) in g
    assert g.value(req, cccev.isDerivedFrom) == rdflib.URIRef(
        "https://w3id.org/fukushi-kg/id/law/326AC0000000045-107-1-1"
    )
    assert set(g.objects(req, cccev.hasRequirement)) <= set(g.subjects(RDF.type, cccev.Criterion))
    assert len(set(g.subjects(RDF.type, cccev.Evidence))) > 100
    assert set(g.subjects(RDF.type, eli.LegalExpression))
    # 小田原市's plan-type judgement, as PROV
    (judgement,) = set(g.subjects(RDF.type, prov.Entity))
    assert g.value(judgement, prov.generatedAtTime) == rdflib.Literal("2026-12-04", datatype=rdflib.XSD.date)
    agent = g.value(judgement, prov.wasAttributedTo)
    assert (agent, RDF.type, prov.Agent) in g
    activity = g.value(judgement, prov.wasGeneratedBy)
    assert (activity, RDF.type, prov.Activity) in g and (activity, prov.wasAssociatedWith, agent) in g


def test_report_needs_one_document_and_a_known_suffix(capsys, published_dir, tmp_path):
    code, _, err = run(capsys, "--published", published_dir, "--report", tmp_path / "all.pdf")
    assert code == 2 and "--city" in err and not (tmp_path / "all.pdf").exists()
    code, _, err = run(capsys, "--published", published_dir, "--city", "402036", "--report", tmp_path / "r.docx")
    assert code == 2 and ".pdf" in err and not (tmp_path / "r.docx").exists()


def test_report_pdf_of_a_plan_prints_document_verdicts_quotes_and_law_version(capsys, published_dir, tmp_path):
    import pypdfium2

    target = tmp_path / "odawara.pdf"
    code, _, err = run(capsys, "--published", published_dir, "--city", "142069", "--report", target)
    assert code == 0, err
    pdf = pypdfium2.PdfDocument(target)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\r\n", "\n")
    assert "法令適合 報告書" in text and "小田原市" in text and "第4期計画" in text
    assert "対象外" in text and "レビュー担当者の判断" in text and "001:28" in text  # the reviewer's reading
    assert "確認した法令の版" in text and "2024-04-24" in text  # the Social Welfare Act version checked
    assert "社会福祉法 第107条第1項第1号" in text
