"""The human pages: home, resource pages (plan tree, source excerpt), ontology, query and comparison."""

import json
import re

import pytest

from server import paths

MEASURE = "/id/352136/cwp3-g1-p1-d1-a01"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_links_everything(client):
    html = client.get("/").text
    assert '<html lang="ja">' in html
    for code, name in (
        ("082368", "小美玉市"),
        ("141500", "相模原市"),
        ("142069", "小田原市"),
        ("352136", "美祢市"),
        ("402036", "久留米市"),
    ):
        assert f'href="/id/municipality/{code}"' in html and name in html
    for href in (
        "/query",
        "/compliance",
        "/compare",
        "/ontology",
        "/.well-known/void",
        "/context.jsonld",
        "/dumps/fukushi-kg.ttl",
        "/dumps/fukushi-kg.nt.gz",
        "/dumps/fukushi-kg.jsonld",
    ):
        assert f'href="{href}"' in html, href
    assert 'href="/id/082368/cwp4"' in html  # plans are listed with their municipality
    assert "Municipalities and plans" in html  # English beside the Japanese


def test_plan_page_shows_tree_in_printed_order(client):
    html = client.get("/id/082368/cwp4").text
    tree = html[html.index('id="tree"') :]
    # 基本理念 first, then the three goals in order, each goal's policies under it.
    positions = [
        tree.index(f'href="/id/082368/{local}"')
        for local in ("cwp4-philosophy", "cwp4-g1", "cwp4-g1-p1", "cwp4-g1-p1-d1", "cwp4-g1-p2", "cwp4-g2", "cwp4-g3")
    ]
    assert positions == sorted(positions)
    assert "ぬくもりあふれるまちづくり" in tree and "基本目標" in tree and "基本施策" in tree


def test_plan_tree_shows_actors_and_target_groups(client):
    tree = client.get("/id/352136/cwp3").text
    tree = tree[tree.index('id="tree"') :]
    assert 'class="tag actor"' in tree and 'class="tag target"' in tree
    assert "福祉課" in tree  # a responsible department
    assert "高齢者" in tree  # a target group


def test_measure_page_has_source_excerpt(client):
    html = client.get(MEASURE).text
    excerpt = html[html.index('id="source"') : html.index('id="properties"')]
    lines = paths.source_text_path(paths.SOURCE_NS + "004_cbbcddac45a49502").read_text(encoding="utf-8").splitlines()
    cited = lines[909 - 1]
    assert "福祉総合相談支援体制の整備" in cited
    assert 'class="line cited"' in excerpt
    cited_html = re.search(r'<span class="line cited"><span class="ln">909</span>(.*?)\n</span>', excerpt, re.S)
    assert cited_html and "福祉総合相談支援体制の整備" in cited_html.group(1)
    assert 'href="/id/source/004_cbbcddac45a49502#L909"' in excerpt
    # Breadcrumbs up to the plan, and the element's actor in the properties.
    crumbs = html[html.index('class="crumbs"') : html.index("<h1>")]
    assert 'href="/id/352136/cwp3"' in crumbs and 'href="/id/352136/cwp3-g1-p1-d1"' in crumbs


def test_source_document_page_has_numbered_lines(client):
    html = client.get("/id/source/004_cbbcddac45a49502").text
    assert 'id="L909"' in html


def test_resource_page_lists_properties_and_incoming_links(client):
    html = client.get("/id/concept/target-group/older-people").text
    props = html[html.index('id="properties"') : html.index('id="incoming"')]
    assert "高齢者" in props and "Older people" in props and "skos:prefLabel" in props
    incoming = html[html.index('id="incoming"') :]
    assert "fk:targetGroup" in incoming and 'href="/id/352136/' in incoming


def test_ontology_page_documents_terms(client):
    html = client.get("/ontology", headers={"Accept": "text/html"}).text
    article = re.search(r'<article class="term" id="parent">(.*?)</article>', html, re.S).group(1)
    assert "直接の上位" in article and "parent" in article
    assert 'href="/ontology#PlanElement"' in article  # domain, linked to its anchor
    assert '<article class="term" id="Measure">' in html
    measure = re.search(r'<article class="term" id="Measure">(.*?)</article>', html, re.S).group(1)
    assert 'href="/ontology#ActionElement"' in measure  # superclass
    assert "MandatoryDuty" in html  # individuals


def test_query_page_lists_examples_from_the_queries_folder(client, app, tmp_path, monkeypatch):
    (tmp_path / "b.rq").write_text(
        "# Question: 二つ目の問い？\nSELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8"
    )
    (tmp_path / "a.rq").write_text("# Question: First question?\nASK { ?s ?p ?o }\n", encoding="utf-8")
    (tmp_path / "c.rq").write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 2\n", encoding="utf-8")
    monkeypatch.setitem(app.config, "QUERIES_DIR", str(tmp_path))
    html = client.get("/query").text
    titles = re.findall(r'<span class="title">(.*?)</span>', html)
    assert titles == ["First question?", "二つ目の問い？", "c"]
    assert 'src="/static/web/vendor/yasgui/yasgui.min.js"' in html
    assert 'data-endpoint="/sparql"' in html


def test_query_page_reads_the_real_queries(client):
    html = client.get("/query").text
    for path in sorted(paths.QUERIES_DIR.glob("*.rq")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        if first.startswith("# Question:"):
            assert f'id="example-{path.stem}"' in html


def test_no_cdn_in_pages(client):
    for path in ("/", "/query", "/compare", MEASURE, "/ontology", "/.well-known/void"):
        html = client.get(path).text
        for src in re.findall(r'(?:src|href)="([^"]+)"', html):
            if src.endswith((".js", ".css")):
                assert src.startswith("/static/web/"), src


@pytest.mark.parametrize("level", ["action", "measure"])
def test_comparison_page_matches_the_graph(client, app, level):
    html = client.get(f"/compare?level={level}&scale=count").text
    table = re.search(
        r'<section class="chart" id="function">.*?<table class="data matrix"[^>]*>(.*?)</table>', html, re.S
    )
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.S).group(1)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", body, re.S)
    assert len(rows) == 5  # the five 重層 functions, zero or not
    # Independent count of one cell: 美祢市's elements realising 包括的相談支援.
    cls = "ActionElement" if level == "action" else "Measure"
    with app.test_request_context():
        from server.web.graph import get_graph

        graph = get_graph()
        expected = graph.select(
            "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?cls ; fk:realisesFunction ?f ; fk:partOf ?p ."
            " ?p a fk:Plan ; fk:municipality ?m }",
            cls=graph.ns.fk + cls,
            f=graph.ns.id + "concept/multilayered-function/comprehensive-consultation",
            m=graph.ns.id + "municipality/352136",
        )[0]["n"].value
    header = re.search(r"<thead>(.*?)</thead>", table.group(1), re.S).group(1)
    cities = re.findall(r'href="/id/municipality/(\d+)"', header)
    mine = cities.index("352136")
    consultation = next(cells for th, cells in rows if "包括的相談支援" in th)
    counts = re.findall(r'<td class="num">(\d+)</td>', consultation)
    assert counts[mine] == expected
    # The chart draws the table's figures: its JSON holds the same count for the same city and concept.
    spec = json.loads(re.search(r'<script type="application/json" id="function-data">(.*?)</script>', html, re.S)[1])
    row = next(i for i, label in enumerate(spec["labels"]) if "包括的相談支援" in label)
    assert spec["datasets"][mine]["data"][row] == int(expected) and spec["stacked"] is True


def test_void_page_shows_counts_and_sizes(client, published_dir):
    html = client.get("/.well-known/void", headers={"Accept": "text/html"}).text
    info = (published_dir / "build-info.json").read_text(encoding="utf-8")
    assert '"triples": ' in info
    for name in ("fukushi-kg.ttl", "fukushi-kg.nt.gz", "fukushi-kg.jsonld"):
        size = (published_dir / name).stat().st_size
        assert f'data-bytes="{size}"' in html
    # The triple count comes from the store; the dump's line count checks it independently.
    assert "{:,}".format(sum(1 for _ in open(published_dir / "fukushi-kg.nt", encoding="utf-8"))) in html
