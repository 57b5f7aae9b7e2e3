"""Fixtures for the web and Linked Data tests: RDF parsing of responses, a tiny hostile graph, live servers."""

import json
from pathlib import Path

import pytest
import rdflib
from web_helpers import HOSTILE_QUERY, HOSTILE_SOURCE, HOSTILE_TTL

from server import paths
from server.app import create_app


@pytest.fixture(scope="session")
def hostile_dirs(tmp_path_factory):
    """A published dir, a seed-text dir and a queries dir, each with markup and scripts in its text."""
    root = tmp_path_factory.mktemp("hostile")
    published, sources, queries = root / "published", root / "sources", root / "queries"
    for d in (published, sources, queries):
        d.mkdir()
    nt = rdflib.Graph().parse(data=HOSTILE_TTL, format="turtle").serialize(format="nt", encoding="utf-8")
    (published / "fukushi-kg.nt").write_bytes(nt)
    (published / "build-info.json").write_text(
        json.dumps({"version": "test", "triples": nt.count(b"\n"), "files": {"fukushi-kg.nt": len(nt)}}),
        encoding="utf-8",
    )
    (sources / "hostile.txt").write_text(HOSTILE_SOURCE, encoding="utf-8")
    (queries / "hostile.rq").write_text(HOSTILE_QUERY, encoding="utf-8")
    return published, sources, queries


@pytest.fixture
def hostile_app(hostile_dirs, monkeypatch):
    published, sources, queries = hostile_dirs
    monkeypatch.setattr(paths, "SOURCES_DIR", sources)
    return create_app(
        {"TESTING": True, "PUBLISHED_DIR": str(published), "BUILD_IF_MISSING": False, "QUERIES_DIR": str(queries)}
    )


@pytest.fixture(scope="session")
def example_queries(tmp_path_factory) -> Path:
    """One known competency-style query, so the browser test can check its exact answer."""
    folder = tmp_path_factory.mktemp("queries")
    (folder / "municipalities.rq").write_text(
        "# Question: Which municipalities are in the graph?\n"
        "PREFIX fk: <https://w3id.org/fukushi-kg/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?municipality ?name WHERE {\n"
        "  ?municipality a fk:Municipality ; rdfs:label ?name . FILTER(lang(?name) = 'ja')\n"
        "} ORDER BY ?municipality\n",
        encoding="utf-8",
    )
    return folder
