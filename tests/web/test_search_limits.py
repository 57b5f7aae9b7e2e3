"""/search under hostile parameters: each limit answers 400 with a message naming it, the plan page's
「この中を検索」 link answers, huge pages are refused, and the kept normalisations stay bounded in bytes."""

import re

import pytest

from server.search import normalise as norm_mod
from server.search import views


def test_within_link_from_a_plan_page_answers(client):
    html = client.get("/id/082368/cwp4").text
    assert "/search?within=" in html
    r = client.get("/search?within=082368/cwp4", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert "この中" in r.text and 'id="total"' in r.text


@pytest.mark.parametrize("page", ["180000000000000000", "9" * 40, "0", "-3"])
def test_page_out_of_range_is_400_not_500(client, page):
    r = client.get("/search", query_string={"q": "見守り", "page": page})
    assert r.status_code == 400
    assert "page" in r.text


def test_long_query_is_refused_with_the_limit(client):
    r = client.get("/search", query_string={"q": "あ" * (views.MAX_QUERY_CHARS + 1)})
    assert r.status_code == 400
    assert "検索語が長すぎます" in r.text and f"{views.MAX_QUERY_CHARS:,}" in r.text
    assert client.get("/search", query_string={"q": "あ" * views.MAX_QUERY_CHARS}).status_code == 200


def test_word_flood_is_refused(client):
    r = client.get("/search", query_string={"q": " ".join(["見守り"] * (views.MAX_WORDS + 1))})
    assert r.status_code == 400 and "語が多すぎます" in r.text
    assert client.get("/search", query_string={"q": " ".join(["見守り"] * views.MAX_WORDS)}).status_code == 200


def test_facet_flood_is_refused(client):
    values = [f"{n:06d}" for n in range(views.MAX_FACET_VALUES + 1)]
    r = client.get("/search", query_string=[("municipality", v) for v in values])
    assert r.status_code == 400 and "絞り込みの値が多すぎます" in r.text


def test_many_selected_values_make_each_link_once(client):
    values = [f"{n:06d}" for n in range(views.MAX_FACET_VALUES)]
    r = client.get("/search", query_string=[("municipality", v) for v in values], headers={"Accept": "text/html"})
    assert r.status_code == 200
    # Each selected value shows as a facet entry and a chip: two links each, every one naming the other values.
    per_link = sum(len(f"municipality={v}&") for v in values)
    assert len(r.data) < 4 * len(values) * per_link


def test_normalisation_cache_is_bounded_in_bytes(monkeypatch):
    cache = norm_mod._ByteBoundedCache(200_000)
    monkeypatch.setattr(norm_mod, "_CACHE", cache)
    for n in range(200):
        norm_mod.normalise(f"{n}支えあい" * 100)
    assert cache.bytes <= cache.max_bytes and 0 < len(cache.items) < 200
    long = "あ" * (norm_mod.MAX_KEPT_CHARS + 1)
    # Sudachi reads a run of あ as interjections (あああ → ああ): compare with the uncached normalisation.
    assert norm_mod.normalise(long).text == norm_mod._normalise(long).text and long not in cache.items


def test_the_page_lists_at_most_the_cap_of_a_facets_values_with_exact_counts(client, monkeypatch):
    """At national scale the municipality facet has 1,741 values: the page lists the cap (here 2 of the 5
    bundled municipalities), those with the most hits, and says how many it leaves out; the JSON keeps every
    value and count."""
    monkeypatch.setattr(views, "FACET_VALUES_SHOWN", 2)
    every = client.get("/search", query_string={"q": "地域", "format": "json"}).get_json()["facets"]["municipality"]
    assert len(every) == 5
    counts = {v["value"]: v["count"] for v in every}
    html = client.get("/search", query_string={"q": "地域"}, headers={"Accept": "text/html"}).text
    section = html.split('id="facet-municipality"')[1].split("</section>")[0]
    listed = dict(re.findall(r'data-value="(\d{6})">(?:✓ )?[^<]+</a> <span class="count">(\d+)</span>', section))
    assert {k: int(n) for k, n in listed.items()} == {
        k: counts[k] for k in sorted(counts, key=lambda k: (-counts[k], k))[:2]
    }
    assert "ほか 3 件" in section


def test_the_cap_keeps_the_facets_order():
    from server.search.index import FacetValue
    from server.web.labels import Label

    values = [FacetValue(f"{n:06d}", Label(str(n)), count, n == 4) for n, count in enumerate([5, 1, 9, 3, 0, 7])]
    orig = views.FACET_VALUES_SHOWN
    try:
        views.FACET_VALUES_SHOWN = 3
        shown, hidden = views._shown(values)
    finally:
        views.FACET_VALUES_SHOWN = orig
    assert [v.key for v in shown] == ["000002", "000004", "000005"] and hidden == 3
