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
