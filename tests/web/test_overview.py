"""/overview: the map of Japan, the table and CSV behind it, and the national reference figures, all read from the
graph (the summary graph and data/statistics.ttl)."""

import csv
import io
import re

import pyoxigraph as ox

from server.web.overview import VERDICTS

FK = "https://w3id.org/fukushi-kg/ontology#"
TG = "https://w3id.org/fukushi-kg/id/concept/target-group/"


def table(html, every=False):
    """{prefecture code: (municipalities, plans, measures)} from the page's table; `every`: all its figures (the
    requirements by verdict too)."""
    found = re.findall(
        r'<tr><td><a href="/query/plans\?prefecture=(\d\d)">[^<]+</a></td>((?:<td class="num">\d+</td>)+)</tr>', html
    )
    rows = {code: tuple(int(n) for n in re.findall(r"(\d+)</td>", cells)) for code, cells in found}
    return rows if every else {code: figures[:3] for code, figures in rows.items()}


def live_action_elements(published_dir, code, group=None):
    """Distinct fk:ActionElement of the municipality's plans, counted over the whole graph."""
    store = ox.Store()
    store.bulk_load(path=str(published_dir / "fukushi-kg.nt"), format=ox.RdfFormat.N_TRIPLES)
    annotated = f"?e <{FK}targetGroup> <{TG}{group}> ." if group else ""
    sparql = f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
      ?e a <{FK}ActionElement> ; <{FK}partOf> ?plan . ?plan a <{FK}Plan> ; <{FK}municipality> ?m .
      ?m <{FK}localGovernmentCode> "{code}" . {annotated} }}"""
    return int(next(iter(store.query(sparql)))["n"].value)


def test_each_prefecture_is_a_row_and_a_linked_shape(client):
    html = client.get("/overview").text
    rows = table(html)
    assert len(rows) == 47
    paths = re.findall(r'<a href="/query/plans\?prefecture=(\d\d)"><path class="shade\d" d="M[^"]+Z">', html)
    assert sorted(paths) == [f"{n:02d}" for n in range(1, 48)]
    # 美祢市 (山口県): 第3次 and 第2次 地域福祉計画; 久留米市 (福岡県): 第4期 and 第1期; 相模原市 (神奈川県) its 第5期
    # (小田原市's plan states no kind); 小美玉市 (茨城県) its 第4次
    with_plans = {code: row[:2] for code, row in rows.items() if row[0]}
    assert with_plans == {"08": (1, 1), "14": (1, 1), "35": (1, 2), "40": (1, 2)}


def test_measures_equal_the_live_count(client, published_dir):
    rows = table(client.get("/overview?metric=measures").text)
    assert rows["35"][2] == live_action_elements(published_dir, "352136")
    older = table(client.get("/overview?metric=measures&target-group=older-people").text)
    assert older["35"][2] == live_action_elements(published_dir, "352136", "older-people") > 0
    assert older["35"][2] < rows["35"][2]


def test_csv_holds_the_same_figures(client):
    html_rows = table(client.get("/overview").text)
    text = client.get("/overview?format=csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["都道府県コード", "都道府県名"] and len(rows) == 48
    assert {r[0]: tuple(map(int, r[2:5])) for r in rows[1:]} == html_rows


def test_requirements_met_equal_the_compliance_cells_by_prefecture(client, published_dir):
    """Each prefecture's cells per verdict on the map, in the table, the CSV and the JSON equal the compliance
    publication's cells of its municipalities' documents, counted one by one from the whole graph."""
    from collections import Counter

    store = ox.Store()
    store.bulk_load(path=str(published_dir / "fukushi-kg.nt"), format=ox.RdfFormat.N_TRIPLES)
    fks = "https://w3id.org/fukushi-kg/shapes#"
    live = Counter()
    for r in store.query(
        f"""SELECT ?cell ?verdict ?pref WHERE {{ ?cell a <{fks}Verdict> ; <{fks}verdict> ?verdict ;
              <http://purl.org/dc/terms/subject>/<{FK}municipality>/<{FK}prefecture> ?pref }}"""
    ):
        live[(r["pref"].value.rsplit("/", 1)[-1][:2], r["verdict"].value)] += 1  # JIS X 0401 code first
    assert live, "the bundled build publishes a compliance matrix"
    verdicts = ["present", "partial", "absent", "undeterminable", "not-applicable"]
    want = {f"{n:02d}": tuple(live[(f"{n:02d}", v)] for v in verdicts) for n in range(1, 48)}
    html = client.get("/overview?metric=present").text
    assert {code: row[3:] for code, row in table(html, every=True).items()} == want
    shapes = re.findall(r'prefecture=(\d\d)"><path class="shade\d" d="M[^"]+Z"><title>[^:]+: (\d+)</title>', html)
    assert {code: int(n) for code, n in shapes} == {code: w[0] for code, w in want.items()}  # the map's layer
    text = client.get("/overview?format=csv").data.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    at = [header.index(VERDICTS[v][0]) for v in verdicts]
    assert {r[0]: tuple(int(r[i]) for i in at) for r in rows} == want
    data = client.get("/overview?format=json").get_json()
    records = data["rows"] if isinstance(data, dict) else data
    names = [f"requirements_{v.replace('-', '_')}" for v in verdicts]
    assert {r["prefecture_code"]: tuple(r[k] for k in names) for r in records} == want
    # 小田原市's 28 cells are all not applicable (its one judgement), with 相模原市's in 神奈川県
    assert want["14"][4] >= 28


def test_reference_figures_come_from_the_graph_with_their_sources(client):
    html = client.get("/overview").text
    section = html.split('id="reference"')[1]
    # data/statistics.ttl: 1,111 of 1,742 (厚生労働省, 2013-03-31); 重層 42/134/189 (FY2021-2023); 再犯 69, 188
    assert re.search(r"<td>2013-03-31</td><td class=\"num\">1111</td><td class=\"num\">1742</td>", section)
    assert [n for n in re.findall(r"<td>(20\d\d)</td><td class=\"num\">(\d+)</td>", section)] == [
        ("2021", "42"),
        ("2022", "134"),
        ("2023", "189"),
    ]
    assert section.count('rel="external"') == 6
    assert 'href="https://www.mhlw.go.jp/stf/houdou/0000033126.html"' in section


def test_bad_choices_are_400(client):
    assert client.get("/overview?metric=everything").status_code == 400
    assert client.get("/overview?target-group=nobody").status_code == 400
    resp = client.get("/overview?format=xlsx")
    assert resp.status_code == 400
    assert "形式 'xlsx' は扱えません（html・csv・json のいずれか） / unknown format 'xlsx'" in resp.text.replace(
        "&#39;", "'"
    )


def test_home_links_the_overview(client):
    assert 'href="/overview"' in client.get("/").text


def test_home_shows_plan_totals_from_the_summary(client):
    html = client.get("/").text
    line = re.search(r'<p class="stat" id="plan-totals">(.*?)</p>', html, re.S).group(1)
    # the 19 (plan, kind) rows of test_competency_queries.test_plans, counted by kind
    assert re.findall(r"([^\s:·>]+) (\d+)", line) == [
        ("地域福祉計画", "6"),
        ("再犯防止推進計画", "4"),
        ("地域福祉活動計画", "4"),
        ("成年後見制度利用促進基本計画", "3"),
        ("重層的支援体制整備事業実施計画", "2"),
    ]
