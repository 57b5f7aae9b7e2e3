"""Pages of a named question's rows, in the question's own order, without evaluating it for the whole country.

Every named question orders its rows by ?city first. The summary graph knows how many rows each municipality has
for each question (server.graph.summary, dataset question-rows), so the rows [offset, offset + size) of the
whole answer are the rows of a few municipalities: the page's query restricts ?city to those (the question's
own VALUES block) and skips only the rows of the first of them that earlier pages showed. The engine evaluates
one page's municipalities, not 1,741, and the page holds exactly the rows LIMIT/OFFSET over the whole answer
would give (tests/questions/test_paging.py compares them).
"""

import re
from dataclasses import dataclass

from server.questions.parameters import _masked, with_cities

PAGE_SIZE = 50  # as search pages: at national scale a sparse question's page spans many municipalities
_ORDER_BY_CITY = re.compile(r"\bORDER\s+BY\s+\?city\b", re.IGNORECASE)
_OWN_SLICE = re.compile(r"\b(LIMIT|OFFSET)\s+\d+\s*$", re.IGNORECASE)


@dataclass
class Page:
    text: str  # the query that answers this page
    number: int
    size: int
    total: int | None  # rows of the whole answer under these parameters; None when not known in advance
    cut: tuple[int, int] | None = None  # (offset, size) to take from the answer: the query is the question as shipped

    @property
    def pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // self.size))


def orders_by_city(text: str) -> bool:
    return bool(_ORDER_BY_CITY.search(_masked(text)))


def window(counts: dict[str, int], cities: list[str] | None, number: int, size: int) -> tuple[list[str], int, int]:
    """(the municipalities holding rows [(number-1)·size, number·size) in IRI order, how many of the first one's
    rows come before the page, the total rows) from rows per municipality. SPARQL orders IRIs by their text,
    as sorted() does here."""
    # The summary also holds each prefecture's sums: the open scope is every municipality's count.
    scope = sorted(cities if cities is not None else (c for c in counts if "/id/municipality/" in c))
    total = sum(counts.get(c, 0) for c in scope)
    start = (number - 1) * size
    chosen, skip, seen = [], 0, 0
    for city in scope:
        n = counts.get(city, 0)
        if n == 0:
            continue
        if seen + n > start and seen < start + size:
            if not chosen:
                skip = start - seen
            chosen.append(city)
        seen += n
        if seen >= start + size:
            break
    return chosen, skip, total


def page_of(question, bound, counts: dict[str, int] | None, number: int = 1, size: int = PAGE_SIZE) -> Page:
    """The query for page `number` of `bound` (server.questions.parameters.Bound). `counts`: the summary's rows per
    municipality for this question (None when the build has no summary). The summary counts the question as
    shipped, so it is used only when the parameters given restrict ?city alone."""
    if _OWN_SLICE.search(_masked(bound.text)):  # a query that limits itself is shown as it asks
        return Page(bound.text, 1, size, None)
    only_cities = set(bound.given) <= {"municipality", "prefecture"}
    if counts is not None and only_cities and orders_by_city(question.text) and question.parameter("municipality"):
        cities, skip, total = window(counts, bound.cities, number, size)
        text = with_cities(question, bound.text, cities) + f"\nLIMIT {size} OFFSET {skip}\n"
        return Page(text, number, size, total)
    if not bound.given:
        # The question as shipped, whose answer the server keeps once evaluated (its warm-up): the page is cut
        # from that answer rather than asked as another text.
        return Page(bound.text, number, size, None, cut=((number - 1) * size, size))
    return Page(bound.text + f"\nLIMIT {size} OFFSET {(number - 1) * size}\n", number, size, None)
