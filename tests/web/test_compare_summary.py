"""/compare reads its counts and verdicts from the summary graphs made at build time; each figure equals what the
live computation it replaced gives: the SPARQL counts over every element, and the compliance matrix evaluated
from the published graph."""

import pytest

from server.web.compare import DIMENSIONS, LEVELS, SUMMARY_LEVELS, chart, choices, side_by_side

# The live queries the page ran before the summary existed.
LIVE_COUNTS = """
SELECT ?m ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a ?cls ; ?prop ?c ; fk:partOf ?plan .
  ?plan a fk:Plan ; fk:municipality ?m .
} GROUP BY ?m ?c
"""
LIVE_ELEMENTS = """
SELECT ?m (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a ?cls ; fk:partOf ?plan .
  ?plan a fk:Plan ; fk:municipality ?m .
} GROUP BY ?m
"""
PROPERTIES = {"target-group": "targetGroup", "function": "realisesFunction"}


@pytest.fixture
def graph(app):
    with app.test_request_context():
        from server.web.graph import get_graph

        yield get_graph()


@pytest.mark.parametrize("level", sorted(LEVELS))
@pytest.mark.parametrize("dimension", sorted(DIMENSIONS))
def test_chart_counts_equal_the_live_count(graph, dimension, level):
    from server.web.describe import Describer

    fk = graph.ns.fk
    cls = fk + LEVELS[level][0]
    c = chart(Describer(graph), dimension, level, "count")
    cities = [city.value for city, _ in c.cities]
    live = {
        (r["c"].value, r["m"].value): int(r["n"].value)
        for r in graph.select(LIVE_COUNTS, cls=cls, prop=fk + PROPERTIES[dimension])
    }
    shown = {
        (concept.value, city): n
        for concept, per_city in c.counts
        for city, n in zip(cities, per_city, strict=True)
        if n
    }
    assert shown == {key: n for key, n in live.items() if key[1] in cities}
    assert shown, "the bundled plans annotate elements"
    elements = {r["m"].value: int(r["n"].value) for r in graph.select(LIVE_ELEMENTS, cls=cls)}
    assert c.elements == [elements.get(city, 0) for city in cities]


def test_levels_and_verdicts_equal_the_live_computation(graph, published_dir):
    from server.compliance.graphs import published_matrix

    available = choices(graph)
    codes = [c.code for c in available]
    summary = side_by_side(graph, available, codes)
    fk = graph.ns.fk
    for cls, ja, _ in SUMMARY_LEVELS:
        live = {r["m"].value: int(r["n"].value) for r in graph.select(LIVE_ELEMENTS, cls=fk + cls)}
        row = next(counts for label, _, counts in summary.levels if label == ja)
        assert row == [live.get(c.iri, 0) for c in available], cls
    matrix = published_matrix(published_dir)  # what the page computed live before
    for city, tally in zip(available, summary.verdicts, strict=True):
        rows = [row for row in matrix.rows if row.code == city.code]
        if not rows:
            assert tally is None
            continue
        want: dict = {}
        for row in rows:
            for cell in row.cells.values():
                want[cell.verdict] = want.get(cell.verdict, 0) + 1
                if cell.severity == "violation":
                    want["violation"] = want.get("violation", 0) + 1
        assert tally == want, city.code
    assert any(summary.verdicts)


def test_the_page_no_longer_asks_for_the_matrix(app):
    assert "fukushi-kg-verdicts" not in app.extensions
