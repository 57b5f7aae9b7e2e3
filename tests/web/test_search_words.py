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
