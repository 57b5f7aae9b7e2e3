"""Every table a page shows can be taken away as CSV (UTF-8 with a BOM) and Excel, headed in Japanese: the
compliance matrix, query answers (their columns labelled by the query's header), search results, plan trees
and comparisons. Query answers show sources as the plan document's name and line, linked to the source text.
A municipality's page links to its verdicts; an unknown municipality's page says what is in the graph."""

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from server.cells import TRIGGERS, restore
from server.paths import QUERIES_DIR
from server.sparql.columns import column_labels

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN = "https://w3id.org/fukushi-kg/id/352136/cwp3"
TABLES = {
    "compliance": (
        "/compliance?city=352136",
        ["全国地方公共団体コード", "地方公共団体名", "計画書", "文書の完全性", "要件"],
    ),
    "query": ("/query/plans", ["全国地方公共団体コード", "市町村", "市町村 (IRI)", "計画", "計画 (IRI)"]),
    "search": ("/search?q=%E8%A6%8B%E5%AE%88%E3%82%8A", ["全国地方公共団体コード", "地方公共団体名"]),
    "tree": (f"/search?within={PLAN}", ["全国地方公共団体コード", "地方公共団体名"]),
    "compare": ("/compare?level=action", ["全国地方公共団体コード", "地方公共団体名", "観点", "概念"]),
}


def _with(path: str, fmt: str) -> str:
    return path + ("&" if "?" in path else "?") + f"format={fmt}"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_table_downloads_as_csv_and_excel_with_japanese_headings(client, name):
    path, first = TABLES[name]
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True).replace("&amp;", "&")
    assert "format=xlsx" in html and "format=csv" in html  # the page offers both

    got = client.get(_with(path, "csv"))
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert got.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig"))))
    assert rows[0][: len(first)] == first and len(rows) > 1

    book = client.get(_with(path, "xlsx"))
    assert book.status_code == 200 and book.mimetype == XLSX
    assert book.headers["Content-Disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(book.data)).active
    assert [c.value for c in ws[1]] == rows[0]  # the same table in both
    assert ws.max_row == len(rows) and ws.freeze_panes == "A2"
    # A formula-like cell is "'…" in CSV (server.cells) and text with Excel's quote prefix in XLSX.
    first_row = next(ws.iter_rows(min_row=2))
    assert [str(c.value) if c.value is not None else "" for c in first_row] == [restore(v) for v in rows[1]]
    assert all(c.quotePrefix for c in first_row if isinstance(c.value, str) and c.value.startswith(TRIGGERS))


def test_compliance_download_says_what_the_page_says(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/compliance?city=352136&format=csv").data.decode("utf-8-sig"))))
    by_requirement = {r["要件"]: r for r in rows}
    cell = by_requirement["社会福祉法 第107条第2項：策定時の住民等の意見の反映と公表"]
    assert cell["判定"] == "○ 記載あり" and cell["文書の完全性"] == "全文の素案・案"
    assert "004_cbbcddac45a49502.txt:" in cell["根拠（要素名と出典の行）"]


def test_every_query_labels_its_columns():
    for path in sorted(Path(QUERIES_DIR).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        select = re.search(r"^SELECT.*$", text, re.M).group(0)
        inside = set(re.findall(r"\(\w+\((?:DISTINCT )?\?(\w+)\)", select))  # aggregated: only the alias shows
        variables = [v for v in dict.fromkeys(re.findall(r"\?(\w+)", select)) if v not in inside]
        shown = [v for v in variables if not (v.endswith("Label") and v[: -len("Label")] in variables)]
        labels = column_labels(text)
        assert [v for v in shown if v not in labels] == [], path.name
        assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", ja) for ja, _ in labels.values()), path.name


def test_query_answer_headings_and_sources_are_for_people(client):
    # 美祢市's measures (the first page of the whole answer holds 相模原市's and 小田原市's, in code order)
    html = client.get("/query/measures?municipality=352136").get_data(as_text=True)
    assert "<code>?city</code>" not in html
    assert re.search(r"<th[^>]*>市町村 <span class=\"en\" lang=\"en\">Municipality</span></th>", html)
    link = re.search(r'<a href="(/id/source/004_cbbcddac45a49502#L(\d+))"[^>]*>([^<]+)</a>', html)
    assert link, "a source links to its line of the source text"
    assert link.group(3).startswith("第3次美祢市地域福祉計画") and link.group(3).endswith(f"{link.group(2)}行")
    assert ".txt:" not in link.group(3)
    assert client.get(link.group(1).split("#")[0]).status_code == 200


def test_municipality_page_links_to_its_verdicts(client):
    html = client.get("/id/municipality/352136", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/compliance?city=352136"' in html


def test_an_unknown_municipality_says_what_is_here_and_how_to_add_a_plan(client):
    resp = client.get("/id/municipality/131016", headers={"Accept": "text/html"})
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert "131016" in html and "計画を追加するには" in html and "fukushi-kg import" in html
    for code, name in (("082368", "小美玉市"), ("352136", "美祢市"), ("402036", "久留米市")):
        assert code in html and name in html
    assert html.index("計画を追加するには") < html.index("How to add a plan")  # Japanese first
