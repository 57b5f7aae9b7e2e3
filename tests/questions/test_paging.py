"""Pages of a named question read from the summary's rows per municipality hold exactly the rows LIMIT/OFFSET
over the whole ordered answer gives."""

import pytest

from server.graph.summary import FK, QUESTION_ROWS, REF_AREA, SUMMARY
from server.questions.paging import Page, page_of, window
from server.questions.parameters import bind

QB = "http://purl.org/linked-data/cube#"
MUNI = "https://w3id.org/fukushi-kg/id/municipality/"
PREF = "https://w3id.org/fukushi-kg/id/prefecture/"


def test_window_picks_the_municipalities_of_a_page():
    a, b, c, d = (f"{MUNI}{n}" for n in ("010006", "082368", "141500", "352136"))
    counts = {a: 3, b: 0, c: 5, d: 2, PREF + "080004": 99}  # rows a 0-2, c 3-7, d 8-9; a prefecture's sum beside
    assert window(counts, None, 1, 4) == ([a, c], 0, 10)
    assert window(counts, None, 2, 4) == ([c], 1, 10)
    assert window(counts, None, 2, 5) == ([c, d], 2, 10)
    assert window(counts, None, 3, 4) == ([d], 0, 10)
    assert window(counts, None, 4, 4) == ([], 0, 10)
    assert window(counts, [d, a], 1, 4) == ([a, d], 0, 5)


def counts_of(rows, name):
    found = rows(
        f"""SELECT ?area ?n WHERE {{ ?o <{QB}dataSet> <{SUMMARY}{QUESTION_ROWS}> ; <{FK}question> "{name}" ;
              <{REF_AREA}> ?area ; <{FK}count> ?n }}"""
    )
    return {r["area"]: int(r["n"]) for r in found}


def as_tuples(found):
    return [tuple(sorted(r.items())) for r in found]


@pytest.mark.parametrize("params", [{}, {"prefecture": "14"}, {"municipality": "352136,142069"}])
def test_pages_are_slices_of_the_whole_answer(questions, lookup, rows, params):
    for name, question in questions.items():
        bound = bind(question, params, lookup)
        whole = as_tuples(rows(bound.text))
        counts = counts_of(rows, name)
        got, number = [], 1
        while True:
            page = page_of(question, bound, counts, number, size=7)
            assert page.total == len(whole), name
            found = as_tuples(rows(page.text))
            assert found == whole[(number - 1) * 7 : number * 7], (name, number)
            got += found
            if number >= page.pages:
                break
            number += 1
        assert got == whole, name


def test_without_a_summary_a_page_is_limit_and_offset(questions, lookup, rows):
    question = questions["measures"]
    bound = bind(question, {"target-group": "older-people"}, lookup)
    page = page_of(question, bound, counts_of(rows, "measures"), 2, size=5)
    assert isinstance(page, Page) and page.total is None
    assert as_tuples(rows(page.text)) == as_tuples(rows(bound.text))[5:10]


def test_a_question_without_a_city_order_is_cut_from_its_answer_as_shipped(lookup, rows):
    """The text stays the question's own (so the server's kept answer serves it); the page is a cut of it."""
    from server.questions.named import parse

    question = parse("count", "# Question: how many?\nSELECT ?s WHERE { ?s a ?c } ORDER BY ?s\n")
    bound = bind(question, {}, lookup)
    page = page_of(question, bound, None, 3, size=4)
    assert page.text == question.text and page.cut == (8, 4)
