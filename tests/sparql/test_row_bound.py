"""A query whose text ends with its outermost LIMIT cannot pass the row cap: its answer is written by the engine
itself (as Oxigraph's own server does) and is the same answer the capped path gives."""

import json

import pyoxigraph as ox
import pytest

from server.sparql.jobs import Job, execute
from server.sparql.safety import checked, row_bound, tokens


@pytest.mark.parametrize(
    ("query", "bound"),
    [
        ("SELECT * { ?s ?p ?o } LIMIT 50 OFFSET 0", 50),
        ("SELECT * { ?s ?p ?o } OFFSET 10 LIMIT 7 # the page\n", 7),
        ("SELECT * { ?s ?p ?o } ORDER BY ?s", None),
        ("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 5 } }", None),  # a sub-query's limit bounds nothing outside
        ("SELECT * { ?s ?p ?o } LIMIT 5 VALUES ?s { <urn:x> }", None),
        ("SELECT * { ?s ?p ?o } # LIMIT 5", None),
        ('SELECT * { ?s ?p "LIMIT 5" }', None),
        ("SELECT * { ?s ?p ?o } OFFSET 5", None),
        ("SELECT * { ?s ?p ?o } LIMIT 1.5", None),
    ],
)
def test_the_bound_is_read_from_the_end_of_the_text(query, bound):
    assert row_bound(tokens(query)) == bound
    assert checked(query) == ("SELECT", bound)


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    s.extend(
        ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(f"値 {i}", language="ja"))
        for i in range(30)
    )
    return s


QUERY = "SELECT ?s ?o { ?s <urn:p> ?o } ORDER BY ?s LIMIT 20"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_the_engines_own_answer_is_the_capped_paths_answer(store, fmt):
    direct = execute(store, Job(QUERY, solutions_format=fmt, max_rows=10000, max_bytes=1 << 20, row_bound=20))
    capped = execute(store, Job(QUERY, solutions_format=fmt, max_rows=10000, max_bytes=1 << 20))
    assert direct.status == capped.status == 200 and direct.content_type == capped.content_type
    assert direct.rows == -1 and capped.rows == 20  # the first was written by the engine, the second row by row
    if fmt == "json":
        assert json.loads(direct.body) == json.loads(capped.body)
    else:
        assert direct.body == capped.body


def test_a_bound_over_the_row_cap_takes_the_capped_path(store):
    answer = execute(store, Job(QUERY, solutions_format="json", max_rows=5, row_bound=20))
    assert answer.truncated and len(json.loads(answer.body)["results"]["bindings"]) == 5


def test_an_answer_over_the_byte_cap_is_evaluated_again_and_cut(store):
    answer = execute(store, Job(QUERY, solutions_format="json", max_rows=10000, max_bytes=400, row_bound=20))
    rows = json.loads(answer.body)["results"]["bindings"]
    assert answer.truncated and 0 < len(rows) < 20
