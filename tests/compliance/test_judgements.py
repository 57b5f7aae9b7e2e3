"""The reviewers' judgements (data/compliance/judgements.tsv): read with clear errors, put beside the
automatic verdicts, and the plan-type judgement on 小田原市 governing every cell of its document."""

import pytest
from compliance_cases import CASES

from server.compliance import judgements as judged
from server.compliance.evaluate import evaluate
from server.compliance.graphs import draft_graph
from server.datafile import DataFileError

HEADER = "\t".join(judged.COLUMNS) + "\n"


def write(tmp_path, *rows):
    path = tmp_path / "judgements.tsv"
    path.write_text(HEADER + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("082368/document", "swa-107-1-1", "present", "", "A", "2026-13-01", "r", ""), "date"),
        (("082368/document", "swa-107-1-1", "present", "Plan", "A", "2026-12-01", "r", ""), "plan_type"),
        (("082368/document", "swa-107-1-1", "maybe", "", "A", "2026-12-01", "r", ""), "verdict"),
        (("082368/document", "no-such-req", "present", "", "A", "2026-12-01", "r", ""), "no-such-req"),
        (("082368/document", "swa-107-1-1", "present", "", "", "2026-12-01", "r", ""), "reviewer"),
        (("082368/document", "swa-107-1-1", "present", "", "A", "2026-12-01", "r", "line 28"), "001:28"),
    ],
)
def test_a_bad_row_names_file_and_line(tmp_path, row, message):
    path = write(tmp_path, row)
    with pytest.raises(DataFileError) as err:
        judged.read_judgements(path, requirement_ids={"swa-107-1-1"})
    assert f"{path}:2:" in str(err.value) and message in str(err.value)


def test_a_second_judgement_on_a_cell_is_refused(tmp_path):
    row = ("082368/document", "swa-107-1-1", "present", "", "A", "2026-12-01", "r", "000:73")
    with pytest.raises(DataFileError, match=":3:"):
        judged.read_judgements(write(tmp_path, row, row))


def test_a_cell_judgement_replaces_the_verdict_and_keeps_the_automatic_one(tmp_path):
    files = [CASES / "_base.ttl", CASES / "effort-absent-is-warning.ttl"]
    doc = "https://example.org/compliance/effort-absent/doc"
    graph = draft_graph(files)
    path = write(
        tmp_path, (doc, "swa-107-3", "present", "", "審査 太郎", "2026-12-01", "別冊に評価の章がある", "000:1")
    )
    matrix = evaluate(graph, "t", judgements=judged.read_judgements(path))
    cell = next(r for r in matrix.rows if r.document == doc).cells["swa-107-3"]
    assert (cell.auto_verdict, cell.auto_severity) == ("absent", "warning")
    assert (cell.verdict, cell.severity) == ("present", "info")
    assert cell.judgement["reviewer"] == "審査 太郎" and "別冊" in cell.reason_ja
    untouched = next(r for r in matrix.rows if r.document == doc).cells["swa-107-1-4"]
    assert untouched.judgement is None and untouched.auto_verdict is None


def test_odawara_is_read_as_an_activity_plan(bundled_matrix):
    row = next(r for r in bundled_matrix.rows if r.code == "142069")
    assert {c.verdict for c in row.cells.values()} == {"not-applicable"}
    assert {c.auto_verdict for c in row.cells.values()} == {"undeterminable"}
    cell = row.cells["swa-107-1-1"]
    assert cell.judgement["kind"] == "plan-type" and cell.judgement["lines"] == ["001:28", "001:59", "001:66"]
    assert "地域福祉活動計画" in cell.reason_ja and "第107条" in cell.reason_ja
    assert any(f["kind"] == "municipal-plan-needed" for f in cell.findings)
    # the other municipalities keep their automatic verdicts
    other = next(r for r in bundled_matrix.rows if r.code == "352136")
    assert all(c.judgement is None for c in other.cells.values())
