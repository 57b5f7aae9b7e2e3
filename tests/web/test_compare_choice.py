"""/compare lets a planner pick a municipality and peers (by name, prefecture or plan kind), kept in the URL,
and shows them side by side: plans and periods, elements by level, indicators, verdicts; the charts, their
tables and the downloads hold the chosen municipalities only."""

import csv
import io
import re


def _heads(html: str) -> list[str]:
    table = re.search(r'<table class="data side-by-side">.*?</thead>', html, re.S).group(0)
    return re.findall(r'<a href="/id/municipality/(\d{6})">', table)


def test_a_city_and_two_peers_side_by_side(client):
    html = client.get("/compare?city=352136&peer=082368&peer=402036").get_data(as_text=True)
    assert _heads(html) == ["352136", "082368", "402036"]  # the chosen city first
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+?) <span.*?</th>(.*?)</tr>', html, re.S))
    measures = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', rows["具体的な取組の数"])]
    assert len(measures) == 3 and measures[0] > 100  # 美祢市's full draft lists its measures
    assert "第3次美祢市地域福祉計画" in rows["計画と期間"] and "2025–2029年度" in rows["計画と期間"]
    assert rows["法令適合"].count('href="/compliance?city=') == 3
    # The form shows the choice, so the page can be changed from where it is.
    assert re.search(r'<option value="352136" selected>', html)
    assert 'name="peer" value="082368" checked' in html and 'name="peer" value="141500" checked' not in html
    # Downloads keep the selection.
    link = re.search(r'href="(/compare\?[^"]*format=csv[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "city=352136" in link and "peer=082368" in link
    rows = list(csv.DictReader(io.StringIO(client.get(link).data.decode("utf-8-sig"))))
    assert {r["全国地方公共団体コード"] for r in rows} == {"352136", "082368", "402036"}


def test_peers_by_prefecture_and_by_plan_kind(client):
    assert _heads(client.get("/compare?pref=140007").get_data(as_text=True)) == ["141500", "142069"]
    kind = _heads(client.get("/compare?kind=MultilayeredSupportPlan").get_data(as_text=True))
    assert "082368" in kind and "142069" not in kind


def test_nothing_or_unknown_chosen_compares_everyone(client):
    everyone = ["082368", "141500", "142069", "352136", "402036"]
    assert _heads(client.get("/compare").get_data(as_text=True)) == everyone
    assert _heads(client.get("/compare?city=999999&peer=<script>").get_data(as_text=True)) == everyone


def _section(html: str, id_: str) -> str:
    return re.search(rf'<section id="{id_}">(.*?)</section>', html, re.S).group(1)


def test_plan_trees_side_by_side_to_the_depth_in_the_url(client):
    shallow = client.get("/compare?city=352136&peer=082368&tree=1").get_data(as_text=True)
    assert '<option value="1" selected>' in shallow  # the form keeps the depth chosen
    trees = _section(shallow, "trees")
    columns = re.findall(r'<div class="city-trees">\s*<h3><a href="/id/municipality/(\d+)">', trees)
    assert columns == ["352136", "082368"]
    assert "第3次美祢市地域福祉計画" in trees and "下位" in trees  # cut below the first level, and says so
    deeper = _section(client.get("/compare?city=352136&peer=082368&tree=3").get_data(as_text=True), "trees")
    assert deeper.count("<li>") > trees.count("<li>")
    assert '<section id="trees">' not in client.get("/compare?city=352136&tree=0").get_data(as_text=True)


def test_indicators_side_by_side(client, app):
    html = client.get("/compare?city=402036&peer=352136").get_data(as_text=True)
    row = re.search(r'<tr><th scope="row">成果指標 .*?</tr>', html, re.S).group(0)
    with app.test_request_context():
        from server.web.graph import get_graph

        graph = get_graph()
        labels = [
            r["l"].value
            for r in graph.select(
                "SELECT ?l WHERE { ?i a fk:Indicator ; fk:indicatorOf/fk:municipality ?m ; rdfs:label ?l ."
                ' FILTER(lang(?l) = "ja") }',
                m=graph.ns.id + "municipality/402036",
            )
        ]
    kurume, mine = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert labels and all(label in kurume for label in labels)
    assert "目標" in kurume and "実績" in kurume and "記載なし" in mine
