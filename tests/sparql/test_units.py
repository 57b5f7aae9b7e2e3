"""Small pieces without a server: negotiation, serialisers, the store's dump name."""

import json
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest

from server.published import DUMP_NAMES, NT_DUMP
from server.sparql import negotiation, results

SOLUTIONS = results.offers(results.SOLUTION_FORMATS)


@pytest.mark.parametrize(
    "accept, expected",
    [
        (None, "json"),
        ("", "json"),
        ("*/*", "json"),
        ("text/csv", "csv"),
        ("TEXT/CSV", "csv"),
        ("text/csv;q=0.2, application/sparql-results+xml;q=0.3", "xml"),
        ("text/*", "csv"),
        ("text/*;q=0.5, text/tab-separated-values", "tsv"),
        ("*/*;q=0.9, application/sparql-results+json;q=0", "xml"),
        ("image/png", None),
        ("application/json;q=0", None),  # the alias says no, nothing else is accepted
        ("garbage, text/csv", "csv"),
        ("text/csv;q=abc, application/sparql-results+xml", "xml"),
    ],
)
def test_choose(accept, expected):
    assert negotiation.choose(accept, SOLUTIONS) == expected


def test_serialisers_escape():
    tricky = ox.Literal('a,"b"\tc\nd', language="ja")
    rows = [
        [ox.NamedNode("http://e/s"), tricky, None],
        [
            ox.BlankNode("b0"),
            ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            ox.Literal("x"),
        ],
    ]
    variables = ["s", "o", "z"]
    doc = json.loads(results.write_solutions("json", variables, rows))
    assert doc["results"]["bindings"][0] == {
        "s": {"type": "uri", "value": "http://e/s"},
        "o": {"type": "literal", "value": 'a,"b"\tc\nd', "xml:lang": "ja"},
    }
    assert doc["results"]["bindings"][1]["s"] == {"type": "bnode", "value": "b0"}
    csv_text = results.write_solutions("csv", variables, rows).decode()
    assert csv_text == 's,o,z\r\nhttp://e/s,"a,""b""\tc\nd",\r\n_:b0,1,x\r\n'
    tsv_lines = results.write_solutions("tsv", variables, rows).decode().split("\n")
    assert tsv_lines[0] == "?s\t?o\t?z" and len(tsv_lines) == 4  # header, 2 rows, final newline
    assert tsv_lines[1].count("\t") == 2
    xml_text = results.write_solutions("xml", variables, rows, truncated=True).decode()
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ElementTree.fromstring(xml_text)
    literal = root.find("r:results/r:result/r:binding[@name='o']/r:literal", ns)
    assert literal.text == 'a,"b"\tc\nd' and literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "ja"
    head = root.find("r:head", ns)
    assert [e.tag.split("}")[1] for e in head] == ["variable"] * 3 + ["link"]  # links after the variables
    assert head[-1].get("href") == "urn:fukushi-kg:truncated"
    truncated = json.loads(results.write_solutions("json", variables, rows, truncated=True))
    assert truncated["truncated"] is True and truncated["results"]["bindings"] == doc["results"]["bindings"]


def test_dump_name_matches_the_build():
    assert NT_DUMP == DUMP_NAMES["nt"]


def test_triple_terms_pass_through_the_writers():
    triple = ox.Triple(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o", language="ja"))
    doc = json.loads(results.write_solutions("json", ["t"], [[triple]]))
    assert doc["results"]["bindings"][0]["t"] == {
        "type": "triple",
        "value": {
            "subject": {"type": "uri", "value": "http://e/s"},
            "predicate": {"type": "uri", "value": "http://e/p"},
            "object": {"type": "literal", "value": "o", "xml:lang": "ja"},
        },
    }
