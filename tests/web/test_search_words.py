"""Search meets the words planners type: kana readings find the kanji the plan prints, digits inside a term
are found, abbreviations find the full name, and a municipality's or plan's name leads to its page."""

import re

import pytest

from server.search.normalise import highlight, match_expression, normalise


@pytest.mark.parametrize(
    "typed, printed",
    [("見まもり", "見守り"), ("みまもり活動", "見守り活動"), ("ささえあい", "支え合い"), ("一人ひとり", "一人一人")],
)
def test_readings_fold_to_the_printed_spelling(typed, printed):
    assert normalise(typed).text == normalise(printed).text


def test_highlight_marks_the_original_characters_of_a_folded_word():
    _, found = match_expression("見まもり")
    assert highlight("地域の見守り活動", found) == [("地域の", False), ("見守り", True), ("活動", False)]


def _total(client, q) -> int:
    html = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    return int(re.search(r'id="total">(\d+)', html).group(1))


def test_a_reading_in_kana_finds_what_the_kanji_finds(client):
    assert _total(client, "見まもり") == _total(client, "見守り") > 0


def test_digits_inside_a_term_are_found(client):
    html = client.get("/search", query_string={"q": "8050"}).get_data(as_text=True)
    assert re.search(r"<mark>8050</mark>問題", html), "美祢市's text says 8050問題 (seed 004 line 46)"


def test_an_abbreviation_finds_the_full_name_too(client):
    both = _total(client, "社協")
    assert both >= _total(client, "社会福祉協議会") > 0 and both > 17
    html = client.get("/search", query_string={"q": "社協"}).get_data(as_text=True)
    assert "<mark>社会福祉協議会</mark>" in html


def test_a_name_leads_to_its_page(client):
    html = client.get("/search", query_string={"q": "美祢市"}).get_data(as_text=True)
    assert re.search(r'<p class="named"><a href="/id/municipality/352136"><strong>美祢市</strong>', html)
    html = client.get("/search", query_string={"q": "第3次美祢市地域福祉計画"}).get_data(as_text=True)
    assert 'href="/id/352136/cwp3"' in html.split('<p class="named">', 1)[1].split("</p>", 1)[0]
    assert '<p class="named">' not in client.get("/search", query_string={"q": "見守り"}).get_data(as_text=True)


@pytest.mark.parametrize(
    "name, page",
    [
        ("小美玉市", "/id/municipality/082368"),
        ("美祢市", "/id/municipality/352136"),
        ("第3次美祢市地域福祉計画", "/id/352136/cwp3"),
        # The name in brackets of a plan printed under two names.
        ("第4期久留米市地域福祉計画", "/id/402036/cwp4"),
    ],
)
def test_the_site_search_box_goes_to_the_named_page(client, name, page):
    response = client.get("/search", query_string={"q": name, "go": "1"})
    assert response.status_code == 303 and response.headers["Location"] == page
    assert client.get(page).status_code == 200
    # The search page's own form (no go=1) shows the results, with the link to the page at the top.
    html = client.get("/search", query_string={"q": name}).get_data(as_text=True)
    assert f'<p class="named"><a href="{page}">' in html


def test_a_name_shared_by_several_plans_lists_them(client):
    response = client.get("/search", query_string={"q": "再犯防止推進計画", "go": "1"})
    assert response.status_code == 200
    named = response.get_data(as_text=True).split('<p class="named">', 1)[1].split("</p>", 1)[0]
    assert 'href="/id/402036/rpp"' in named and 'href="/id/141500/rpp"' in named


def test_the_header_box_asks_to_go(client):
    assert '<input type="hidden" name="go" value="1">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "abbreviation, full",
    [("社協", "社会福祉協議会"), ("包括", "地域包括支援センター"), ("民児協", "民生委員児童委員協議会")],
)
def test_each_abbreviation_marks_its_full_name(client, abbreviation, full):
    html = client.get("/search", query_string={"q": abbreviation}).get_data(as_text=True)
    marked = {normalise(m).text for m in re.findall(r"<mark>(.*?)</mark>", html)}
    assert normalise(full).text in marked, sorted(marked)[:10]
