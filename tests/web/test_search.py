"""/search on the bundled data: fixed queries against sets computed independently from the graph and the seed
texts (plain substring matching over the spellings a reader would accept), facets, URL state, and the CSV and
JSON forms parsed back against the HTML table."""

import csv
import io
from html.parser import HTMLParser

import pytest

from server import paths
from server.search.normalise import highlight, index_text, match_expression, normalise, runs

SASAEAI = ("支え合い", "支えあい", "ささえあい")

ELEMENT_TEXTS = """
SELECT ?e ?code ?text ?src ?start ?end WHERE {
  ?e a fk:PlanElement ; fk:partOf ?plan . ?plan a fk:Plan ; fk:municipality ?m . ?m fk:localGovernmentCode ?code .
  OPTIONAL { ?e rdfs:label|dcterms:description|fk:note ?text }
  OPTIONAL { ?e fk:sourceFile ?src ; fk:startLine ?start ; fk:endLine ?end }
}
"""


@pytest.fixture(scope="module")
def element_texts(app):
    """element IRI -> (municipality code, every text the index should see), read straight from the graph."""
    from server.rebase import canonical_iri
    from server.web.graph import get_graph

    with app.app_context():
        graph = get_graph()
        rows = graph.select(ELEMENT_TEXTS)
        base = graph.ns.base
    out: dict[str, tuple[str, set]] = {}
    for r in rows:
        code, texts = out.setdefault(r["e"].value, (r["code"].value, set()))
        if "text" in r:
            texts.add(r["text"].value)
        if "src" in r:
            path = paths.source_text_path(canonical_iri(r["src"].value, base))
            if path.exists():
                lines = path.read_text(encoding="utf-8").splitlines()
                texts.update(lines[int(r["start"].value) - 1 : int(r["end"].value)])
    return out


def expected(element_texts, spellings, code=None) -> set:
    return {
        iri
        for iri, (c, texts) in element_texts.items()
        if (code is None or c == code) and any(s in t for t in texts for s in spellings)
    }


def hits(client, **params) -> list[dict]:
    resp = client.get("/search", query_string={**params, "format": "json"})
    assert resp.status_code == 200, resp.text
    return resp.get_json()["hits"]


def iris(client, **params) -> set:
    return {h["iri"] for h in hits(client, **params)}


def test_normalisation_folds_variant_spellings():
    for a, b in (
        ("支えあい", "支え合い"),
        ("障がい", "障害"),
        ("ＳＯＳ１２３", "sos123"),
        ("ｻｻｴｱｲ", "ささえあい"),
        ("子供", "こども"),
    ):
        assert normalise(a).text == normalise(b).text, (a, b)
    # Highlighting maps back to the original characters, whatever their width or spelling.
    assert highlight("障がいのある人", runs("障害")) == [("障がい", True), ("のある人", False)]
    assert highlight("ＳＯＳネット", runs("sos")) == [("ＳＯＳ", True), ("ネット", False)]
    # Users' text is never FTS5 syntax.
    expression, _ = match_expression('a" OR "b NEAR(')
    assert expression == '"a"* AND "or" AND "b"* AND "ne ea ar"'
    assert index_text("地域福祉") == "地域 域福 福祉 祉"


def test_variant_spellings_find_the_same_elements(client, element_texts):
    want = expected(element_texts, SASAEAI)
    assert len(want) >= 10
    # The data spells it both ways, so the equality below is not one spelling found twice.
    assert any("支えあい" in t for _, ts in element_texts.values() for t in ts)
    assert any("支え合い" in t for _, ts in element_texts.values() for t in ts)
    assert iris(client, q="支えあい") == want
    assert iris(client, q="支え合い") == want
    assert iris(client, q="ｻｻｴｱｲ") == want  # half-width katakana
    assert iris(client, q="障がい") == iris(client, q="障害") == expected(element_texts, ("障害", "障がい", "障碍"))


def test_a_facet_narrows_the_results(client, element_texts):
    everywhere = iris(client, q="支えあい")
    sagamihara = iris(client, q="支えあい", municipality="141500")
    assert sagamihara == expected(element_texts, SASAEAI, code="141500")
    assert sagamihara and sagamihara < everywhere
    two = iris(client, q="支えあい", municipality=["141500", "402036"])  # one facet's values are alternatives
    assert two == sagamihara | expected(element_texts, SASAEAI, code="402036")


def test_facet_counts_add_up_and_links_hold_the_state(client):
    body = client.get("/search", query_string={"q": "見守り", "format": "json"}).get_json()
    counts = {f["value"]: f["count"] for f in body["facets"]["municipality"]}
    assert sum(counts.values()) == body["total"] > 0  # every element has one municipality
    levels = {f["value"]: f["count"] for f in body["facets"]["level"]}
    assert sum(levels.values()) == body["total"]
    # The HTML facet link carries q and the value; following it gives the narrowed search.
    html = client.get("/search", query_string={"q": "見守り"}).text
    parser = Links()
    parser.feed(html)
    link = next(h for h, a in parser.links if a.get("data-facet") == "municipality" and a["data-value"] == "352136")
    narrowed = client.get(link.replace("&amp;", "&")).text
    assert f'id="total">{counts["352136"]} 件' in narrowed


def test_measure_facet_with_a_target_group(client, app):
    from server.web.graph import get_graph

    key = "concept/target-group/older-people"
    got = iris(client, level="Measure", target_group=key)
    with app.app_context():
        graph = get_graph()
        rows = graph.select(
            "SELECT DISTINCT ?e WHERE { ?e a fk:Measure ; fk:targetGroup ?g ; fk:partOf ?p . ?p a fk:Plan }",
            g=graph.ns.id + key,
        )
    assert got == {r["e"].value for r in rows}


def test_json_hit_carries_what_the_issue_names(client):
    body = client.get("/search?q=支え合い", headers={"Accept": "application/json"}).get_json()
    assert body["hits"] == hits(client, q="支え合い")
    hit = next(h for h in body["hits"] if h["iri"].endswith("/402036/cwp4-p4-d1"))
    assert hit["label"] == "多様な見守り活動による支え合い推進"
    assert (hit["code"], hit["municipality"]) == ("402036", "久留米市")
    assert hit["plans"][0]["iri"].endswith("/402036/cwp4") and hit["level_label"]
    assert [p["label"] for p in hit["path"]][-1] == "見守り活動・交流の場や居場所づくりの推進"
    assert any("支え合い" in line["text"] for line in hit["source"]["lines"])


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.links.append((dict(attrs)["href"], dict(attrs)))


class TableText(HTMLParser):
    """The text of each cell of the table with the given id."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_of(html: str, table_id: str) -> list[list[str]]:
    parser = TableText(table_id)
    parser.feed(html)
    return parser.rows


def test_csv_and_json_parse_back_to_the_table_shown(client):
    shown = table_of(client.get("/search?q=見守り&municipality=141500").text, "results")
    body = shown[1:]
    assert body, "no rows shown"
    raw = client.get("/search?q=見守り&municipality=141500&format=csv")
    assert raw.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(raw.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["全国地方公共団体コード", "地方公共団体名"]
    # Columns shown: code, municipality, plan, level, number, element, place; the CSV has them in that order.
    assert [r[:6] for r in rows[1:]] == [r[:6] for r in body]
    assert [r[6].replace(" > ", " › ") for r in rows[1:]] == [r[6] for r in body]
    data = client.get("/search?q=見守り&municipality=141500&format=json").get_json()
    assert [[h["code"], h["municipality"], h["label"]] for h in data["hits"]] == [[r[0], r[1], r[5]] for r in body]


def test_search_box_on_every_page(client):
    for path in ("/", "/query", "/compare", "/ontology", "/id/municipality/352136", "/search"):
        html = client.get(path, headers={"Accept": "text/html"}).text
        assert 'class="site-search"' in html and 'name="q"' in html, path


def test_plan_tree_downloads_list_the_tree(client, app):
    from server.web.graph import get_graph
    from server.web.plans import count, tree

    html = client.get("/id/082368/cwp4").text
    assert "/search?within=" in html and "format=csv" in html
    with app.test_request_context():
        from server.web.describe import Describer

        graph = get_graph()
        size = count(tree(Describer(graph), graph.ns.id + "082368/cwp4"))
    rows = list(csv.reader(io.StringIO(client.get("/search?within=082368/cwp4&format=csv").data.decode("utf-8-sig"))))
    assert len(rows) - 1 == size
    assert rows[1][5] == "ぬくもりあふれるまちづくり"  # 基本理念 heads the tree, as on the page


def test_unknown_format_and_empty_query(client):
    assert client.get("/search?q=x&format=xml").status_code == 400
    assert 'id="total">0 件' in client.get("/search?q=、。").text  # punctuation alone finds nothing …
    assert hits(client, q="、。") == []  # … and says so in JSON


def test_json_pages(client):
    everything = hits(client, q="見守り")
    first = client.get("/search", query_string={"q": "見守り", "format": "json", "size": 20}).get_json()
    assert first["pages"] == -(-len(everything) // 20) and len(first["hits"]) == 20
    second = client.get(first["next"]).get_json()
    assert [h["iri"] for h in first["hits"] + second["hits"]] == [h["iri"] for h in everything[:40]]


def test_seed_text_lines_are_searched_too(client, app):
    from server.web.graph import get_graph

    with app.app_context():
        graph = get_graph()
        texts = graph.select(
            "SELECT DISTINCT ?src ?code WHERE { ?d fk:textSource ?src ; fk:municipality ?m . "
            "?m fk:localGovernmentCode ?code }"
        )
    want = {}
    for r in texts:
        lines = paths.source_text_path(r["src"].value).read_text(encoding="utf-8").splitlines()
        want[r["code"].value] = [n for n, line in enumerate(lines, 1) if "地域共生社会" in line]
    body = client.get("/search", query_string={"q": "地域共生社会", "format": "json"}).get_json()
    assert body["source_lines"]["total"] == sum(len(v) for v in want.values()) > body["total"]
    narrowed = client.get("/search", query_string={"q": "地域共生社会", "municipality": "082368", "format": "json"})
    got = narrowed.get_json()["source_lines"]
    assert [x["line"] for x in got["lines"]] == want["082368"][:20] and got["total"] == len(want["082368"])
