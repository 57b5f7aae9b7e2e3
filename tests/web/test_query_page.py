"""The query page: Japanese questions first, answers as tables of names linked to local pages, downloads that
parse back to the table shown, and /sparql sending a browser to the page instead of a 406."""

import csv
import io
import json
import re

from test_search import table_of

from server import paths


def test_questions_are_listed_japanese_first(client):
    html = client.get("/query").text
    for path in sorted(paths.QUERIES_DIR.glob("*.rq")):
        ja = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# 問い:"))
        question = re.search(rf'id="example-{path.stem}">.*?<p class="question">(.*?)</p>', html, re.S).group(1)
        assert question.startswith(f'<span class="title">{ja.removeprefix("# 問い:").strip()}</span>'), path.name
        assert f'href="/query/{path.stem}?format=csv"' in html and "download" in html


def test_answer_table_shows_labels_linked_to_local_pages(client):
    rows = table_of(client.get("/query/plans").text, "result")
    header, body = rows[0], rows[1:]
    # Headed by the query's labels (# column ?city: 市町村 / Municipality), Japanese first, English beside.
    assert header[:2] == ["全国地方公共団体コード Local government code", "市町村 Municipality"]
    mine = [r for r in body if r[0] == "352136"]
    assert mine and all(r[1] == "美祢市" for r in mine)
    html = client.get("/query/plans").text
    assert 'href="/id/municipality/352136"' in html  # this server's page, not w3id.org
    assert not re.search(r">https?://", html.split('id="result"')[1].split("</table>")[0])  # no IRI as text
    assert "^^" not in html and "xsd:" not in html.split('id="result"')[1]


def test_answer_downloads_parse_back_to_the_table(client):
    shown = table_of(client.get("/query/plans").text, "result")[1:]
    text = client.get("/query/plans?format=csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["全国地方公共団体コード", "市町村", "市町村 (IRI)"]
    without_iris = [[cell for cell, head in zip(r, rows[0], strict=True) if not head.endswith("(IRI)")] for r in rows]
    assert without_iris[1:] == shown
    data = json.loads(client.get("/query/plans?format=json").data)
    keys = [c["key"] for c in data["columns"] if not c["key"].endswith("_iri")]
    assert [[str(row[k] or "") for k in keys] for row in data["rows"]] == shown
    assert data["rows"][0]["city_iri"].startswith(paths.BASE_IRI + "id/municipality/")


def test_unknown_example_is_404(client):
    assert client.get("/query/no-such-question").status_code == 404


def test_sparql_sends_a_browser_to_the_query_page(client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    resp = client.get("/sparql", headers={"Accept": browser})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/query")
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    resp = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/html"})
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"]).text
    assert 'data-default-query="SELECT * WHERE { ?s ?p ?o } LIMIT 1"' in page
    # SPARQL clients are answered as before.
    assert client.get("/sparql", query_string={"query": query}).mimetype == "application/sparql-results+json"


def test_comparison_shares_and_downloads(client):
    text = client.get("/compare?level=measure&format=csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:2] == ["全国地方公共団体コード", "地方公共団体名"]
    for r in rows:
        n, total = int(r["要素数"]), int(r["比較する階層の要素数"])
        assert r["割合（%）"] == ("" if total == 0 else str(round(100 * n / total, 1)))
    # Each table of the count view shows the download's raw counts, cell for cell.
    html = client.get("/compare?level=measure&scale=count").text
    checked = 0
    for key, title in (("target-group", "対象者別"), ("function", "重層的支援の機能別")):
        table = table_of(html, f"{key}-table")
        cities = table[0][1:-1]
        for row in table[1:-2]:  # the body; the foot holds the totals and the elements of the level
            for city, cell in zip(cities, row[1:-1], strict=True):
                match = [r for r in rows if (r["地方公共団体名"], r["観点"], r["概念"]) == (city, title, row[0])]
                assert len(match) == 1 and match[0]["要素数"] == cell, (city, row[0])
                checked += 1
    assert checked >= 5 * 5
    share = client.get("/compare?level=measure").text
    assert "割合" in share and "%</td>" in share


def test_parameters_are_form_fields_kept_in_the_url(client):
    html = client.get("/query/measures?prefecture=35").text
    assert '<option value="35" selected>山口県</option>' in html
    assert '<select name="target-group">' in html and '<select name="function">' in html
    # 美祢市's 208 measures give 230 rows (test_competency_queries); 50 a page
    assert "230 行中 1–50 行目" in html
    assert 'href="/query/measures?page=2&amp;prefecture=35"' in html
    rows = table_of(html, "result")[1:]
    assert len(rows) == 50 and {r[0] for r in rows} == {"352136"}
    last = table_of(client.get("/query/measures?prefecture=35&page=5").text, "result")[1:]
    assert len(last) == 30


def test_unfiltered_question_counts_rows_by_prefecture(client):
    html = client.get("/query/measures").text
    # 神奈川県: 相模原市 26 + 小田原市 64 rows; 山口県: 美祢市 230; prefectures with no rows are not listed
    counts = re.findall(
        r'<tr><td><a href="/query/measures\?prefecture=(\d+)">(.+?)</a></td><td class="num">(\d+)</td>', html
    )
    assert counts == [("14", "神奈川県", "90"), ("35", "山口県", "230")]
    within = client.get("/query/measures?prefecture=14").text
    assert 'href="/query/measures?prefecture=14&amp;municipality=142069">小田原市</a></td><td class="num">64<' in within


def test_bad_parameter_is_a_400_saying_why(client):
    resp = client.get("/query/plans?municipality=999999")
    assert resp.status_code == 400 and "市町村コード 999999" in resp.text
    assert client.get("/query/plans?target-group=older-people").status_code == 400


def test_the_page_query_is_offered_as_sparql(client):
    resp = client.get("/query/plans?municipality=352136&format=sparql")
    assert resp.mimetype == "application/sparql-query"
    assert "VALUES ?city { <https://w3id.org/fukushi-kg/id/municipality/352136> }" in resp.text
    assert resp.text.rstrip().endswith("LIMIT 50 OFFSET 0")
