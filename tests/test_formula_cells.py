"""Formula injection: every CSV and XLSX written for people has its formula-like cells neutralised (a leading
quote, OWASP), and the plan template comes back unchanged through an export and an import."""

import csv
import io

import pytest
from openpyxl import load_workbook

from server.cells import neutralise, restore
from server.spreadsheet.template import export_rows, write_csv, write_xlsx

HOSTILE = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", HOSTILE)
def test_neutralise_and_restore(text):
    assert neutralise(text) == "'" + text and restore(neutralise(text)) == text


@pytest.mark.parametrize("text", ["支え合い", "'quoted", "1-2", ""])
def test_plain_cells_are_left_alone(text):
    assert neutralise(text) == text and restore(text) == text


def test_search_csv_has_no_formula_cells(client):
    body = client.get("/search?q=見守り&format=csv").data.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(body)) for c in row]
    assert cells and not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_template_export_neutralises_and_imports_back(tmp_path):
    rows = export_rows("082368")
    rows["elements"][0]["label"] = "=1+1"
    rows["elements"][1]["label"] = "- 地域の見守り"
    paths = write_csv(rows, tmp_path, "plan")
    text = paths["elements"].read_text(encoding="utf-8")
    assert "'=1+1" in text and "'- 地域の見守り" in text
    xlsx = write_xlsx(rows, tmp_path / "plan.xlsx")
    ws = load_workbook(xlsx)["要素"]
    cells = [c for row in ws.iter_rows() for c in row if c.value in ("=1+1", "- 地域の見守り")]
    assert len(cells) == 2 and all(c.data_type == "s" and c.quotePrefix for c in cells)

    from server.spreadsheet.load import spreadsheet_graph

    for path in (paths["elements"], xlsx):
        labels = {str(o) for o in spreadsheet_graph(path, "082368").objects(None, None)}
        assert "=1+1" in labels and "- 地域の見守り" in labels and "'=1+1" not in labels


def test_the_search_csv_had_cells_to_neutralise(client):
    """The bundled plans have lines starting with "-" or "－"-like marks: the check above is not vacuous."""
    body = client.get("/search?q=見守り&format=csv").data.decode("utf-8-sig")
    assert any(c.startswith("'") for row in csv.reader(io.StringIO(body)) for c in row)
