"""An operator's own BASE_IRI: the server answers /id/… as BASE_IRI + "id/…", whatever the Host, and every
answer (pages, RDF, dumps) names resources by the operator's IRIs."""

import gzip
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, VOID
from web_helpers import parse

from server import paths
from server.app import create_app
from server.rebase import canonical_iri, rebase_iri

OPERATOR = "http://data.example.org/welfare/"


@pytest.fixture(scope="module")
def operator_client(published_dir):
    app = create_app(
        {"TESTING": True, "PUBLISHED_DIR": str(published_dir), "BUILD_IF_MISSING": False, "BASE_IRI": OPERATOR}
    )
    return app.test_client()


def test_rebase_round_trip():
    iri = paths.BASE_IRI + "id/municipality/082368"
    assert rebase_iri(iri, OPERATOR) == OPERATOR + "id/municipality/082368"
    assert canonical_iri(rebase_iri(iri, OPERATOR), OPERATOR) == iri
    assert rebase_iri("https://schema.org/Legislation", OPERATOR) == "https://schema.org/Legislation"


@pytest.mark.parametrize("host", ["localhost:5000", "data.example.org", "elsewhere.test:8080"])
def test_resource_iri_is_the_base_whatever_the_host(operator_client, host):
    resp = operator_client.get("/id/municipality/082368", headers={"Accept": "text/turtle", "Host": host})
    g = parse(resp)
    muni = rdflib.URIRef(OPERATOR + "id/municipality/082368")
    assert (muni, RDF.type, rdflib.URIRef(OPERATOR + "ontology#Municipality")) in g
    assert (rdflib.URIRef(OPERATOR + "id/082368/cwp4"), rdflib.URIRef(OPERATOR + "ontology#municipality"), muni) in g
    assert paths.BASE_IRI.encode() not in resp.data


def test_pages_use_the_operator_iris(operator_client):
    html = operator_client.get("/id/082368/cwp4").text
    assert f"<code>{OPERATOR}id/082368/cwp4</code>" in html
    assert 'href="/id/082368/cwp4-g1"' in html  # links stay local
    assert paths.BASE_IRI not in html.replace("https://w3id.org/fukushi-kg/ontology", "")  # no canonical IRIs
    assert "第4次小美玉市地域福祉計画" in html
    # The seed text is still found from the rebased source IRI.
    assert 'class="line cited"' in operator_client.get("/id/082368/cwp4-g1").text


def test_ontology_and_void_use_the_operator_iris(operator_client):
    onto = parse(operator_client.get("/ontology", headers={"Accept": "text/turtle"}))
    assert (rdflib.URIRef(OPERATOR + "ontology"), RDF.type, OWL.Ontology) in onto
    void = parse(operator_client.get("/.well-known/void", headers={"Accept": "text/turtle"}))
    dataset = rdflib.URIRef(OPERATOR + ".well-known/void#fukushi-kg")
    assert (dataset, VOID.sparqlEndpoint, rdflib.URIRef(OPERATOR + "sparql")) in void
    assert (dataset, VOID.uriSpace, rdflib.Literal(OPERATOR + "id/")) in void


def test_dumps_are_rebased(operator_client, published_dir):
    resp = operator_client.get("/dumps/fukushi-kg.nt.gz")
    nt = gzip.decompress(resp.data)
    assert f"<{OPERATOR}id/municipality/082368>".encode() in nt
    assert b"<https://w3id.org/fukushi-kg/" not in nt
    original = (published_dir / "fukushi-kg.nt").read_bytes()
    assert nt.count(b"\n") == original.count(b"\n")
    void = parse(operator_client.get("/.well-known/void", headers={"Accept": "text/turtle"}))
    sizes = {
        str(void.value(d, rdflib.URIRef("http://www.w3.org/ns/dcat#downloadURL"))): int(
            void.value(d, rdflib.URIRef("http://www.w3.org/ns/dcat#byteSize"))
        )
        for d in void.objects(None, rdflib.URIRef("http://www.w3.org/ns/dcat#distribution"))
        if void.value(d, rdflib.URIRef("http://www.w3.org/ns/dcat#byteSize")) is not None
    }
    assert sizes[OPERATOR + "dumps/fukushi-kg.nt.gz"] == len(resp.data)
    ttl = operator_client.get("/dumps/fukushi-kg.ttl")
    g = rdflib.Graph().parse(data=ttl.data, format="turtle")
    assert len(g) == original.count(b"\n")


def test_sparql_answers_use_the_operator_iris(operator_client):
    query = f"SELECT ?city WHERE {{ ?city a <{OPERATOR}ontology#Municipality> }}"
    resp = operator_client.post(
        "/sparql", data=query, headers={"Content-Type": "application/sparql-query", "Accept": "application/json"}
    )
    assert resp.status_code == 200
    cities = {b["city"]["value"] for b in resp.get_json()["results"]["bindings"]}
    assert cities == {
        OPERATOR + "id/municipality/" + code for code in ("082368", "142069", "141500", "402036", "352136")
    }


def test_plan_graph_dump_uses_the_operator_iris(operator_client, published_dir):
    reply = operator_client.get("/dumps/graphs/082368.nt")
    assert reply.status_code == 200
    g = rdflib.Graph().parse(data=reply.data, format="nt")
    canonical = rdflib.Graph().parse(published_dir / "graphs" / "082368.nt", format="nt")
    assert len(g) == len(canonical)
    assert (
        rdflib.URIRef(OPERATOR + "id/municipality/082368"),
        RDF.type,
        rdflib.URIRef(OPERATOR + "ontology#Municipality"),
    ) in g
    assert b"https://w3id.org/fukushi-kg/id/" not in reply.data


def test_a_rebased_dump_keeps_a_literal_with_other_line_separators_whole():
    """Oxigraph writes U+2028, form feed or NEL inside a literal as they are: the rebased N-Triples dump is cut at
    line feeds only, so such a literal (a table cell's break, a PDF's page break) stays one triple."""
    import pyoxigraph as ox

    from server.web.dumps import dump_bytes
    from server.web.graph import Graph, Namespaces

    text = "一\u2028二\x0c三\x85四"
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(OPERATOR + "id/x"), ox.NamedNode(OPERATOR + "ontology#note"), ox.Literal(text)))
    graph = Graph(store, Namespaces(OPERATOR), Path("."), {}, ())
    nt = dump_bytes(graph, "fukushi-kg.nt")
    assert [t.object for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)] == [ox.Literal(text)]
