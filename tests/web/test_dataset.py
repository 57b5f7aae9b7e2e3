"""The dataset description (VoID + DCAT), the dumps with their sizes, and the JSON-LD context."""

import gzip
import json

import pytest
import rdflib
from rdflib import namespace as ns
from web_helpers import FK, ID, parse

from server import paths

# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

BASE = paths.BASE_IRI
DATASET = rdflib.URIRef(BASE + ".well-known/void#fukushi-kg")
DUMPS = ("fukushi-kg.ttl", "fukushi-kg.nt.gz", "fukushi-kg.jsonld", "fukushi-kg.nt")


def void_graph(client) -> rdflib.Graph:
    return parse(client.get("/.well-known/void", headers={"Accept": "text/turtle"}))


def test_void_counts_match_the_build(client, published_dir):
    g = void_graph(client)
    info = json.loads((published_dir / "build-info.json").read_text(encoding="utf-8"))
    assert (DATASET, ns.RDF.type, ns.VOID.Dataset) in g and (DATASET, ns.RDF.type, ns.DCAT.Dataset) in g
    assert g.value(DATASET, ns.VOID.triples).toPython() == info["triples"]
    assert g.value(DATASET, ns.VOID.entities).toPython() > 700
    partitions = {
        g.value(p, ns.VOID["class"]): g.value(p, ns.VOID.entities).toPython()
        for p in g.objects(DATASET, ns.VOID.classPartition)
    }
    assert partitions[FK.Municipality] == 5


def test_void_names_endpoint_vocabularies_licence_and_provenance(client):
    g = void_graph(client)
    assert (DATASET, ns.VOID.sparqlEndpoint, rdflib.URIRef(BASE + "sparql")) in g
    assert (DATASET, ns.VOID.uriSpace, rdflib.Literal(BASE + "id/")) in g
    assert (DATASET, ns.VOID.vocabulary, rdflib.URIRef(paths.ONTOLOGY_NS)) in g
    assert (DATASET, ns.VOID.vocabulary, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#")) in g
    assert g.value(DATASET, ns.DCTERMS.license) is not None
    assert {str(t) for t in g.objects(DATASET, ns.DCTERMS.title)} >= {"市町村地域福祉計画ナレッジグラフ"}
    assert (DATASET, ns.PROV.wasDerivedFrom, ID["source/004_cbbcddac45a49502"]) in g
    activity = g.value(DATASET, ns.PROV.wasGeneratedBy)
    assert (activity, ns.RDF.type, ns.PROV.Activity) in g
    services = list(g.subjects(ns.RDF.type, ns.DCAT.DataService))
    assert g.value(services[0], ns.DCAT.endpointURL) == rdflib.URIRef(BASE + "sparql")


def test_dumps_download_with_the_sizes_the_description_gives(client, published_dir):
    g = void_graph(client)
    info = json.loads((published_dir / "build-info.json").read_text(encoding="utf-8"))
    described = {}
    for dist in g.objects(DATASET, ns.DCAT.distribution):
        url = g.value(dist, ns.DCAT.downloadURL)
        if url is not None:
            size = g.value(dist, ns.DCAT.byteSize)
            assert size.datatype == ns.XSD.nonNegativeInteger
            described[str(url)] = int(size)
    assert set(described) == {BASE + "dumps/" + name for name in DUMPS}
    for name in DUMPS:
        resp = client.get(f"/dumps/{name}")
        assert resp.status_code == 200
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert len(resp.data) == info["files"][name] == described[BASE + "dumps/" + name]
        assert int(resp.headers["Content-Length"]) == len(resp.data)
        resp.close()
    assert (DATASET, ns.VOID.dataDump, rdflib.URIRef(BASE + "dumps/fukushi-kg.nt.gz")) in g


def test_dump_content_types(client):
    expected = {
        "fukushi-kg.ttl": "text/turtle",
        "fukushi-kg.nt.gz": "application/gzip",
        "fukushi-kg.jsonld": "application/ld+json",
        "fukushi-kg.nt": "application/n-triples",
    }
    for name, media_type in expected.items():
        resp = client.head(f"/dumps/{name}")
        assert resp.status_code == 200 and resp.mimetype == media_type
    gz = client.get("/dumps/fukushi-kg.nt.gz")
    assert gzip.decompress(gz.data).startswith(b"<") and gz.headers.get("Content-Encoding") is None
    gz.close()
    assert client.get("/dumps/secrets.txt").status_code == 404
    assert client.get("/dumps/..%2Fbuild-info.json").status_code == 404


def test_void_html_links_the_dumps(client):
    html = client.get("/.well-known/void", headers={"Accept": "text/html"}).text
    for name in DUMPS:
        assert f'href="/dumps/{name}"' in html


def test_jsonld_context_reads_plain_json_as_our_rdf(client):
    resp = client.get("/context.jsonld")
    assert resp.status_code == 200 and resp.mimetype == "application/ld+json"
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    context = resp.get_json()["@context"]
    assert context["fk"] == paths.ONTOLOGY_NS
    assert context["parent"] == {"@id": "fk:parent", "@type": "@id"}
    assert context["order"] == {"@id": "fk:order", "@type": "xsd:integer"}
    doc = {
        "@context": context,
        "id": BASE + "id/999999/x-g1",
        "type": "BasicGoal",
        "parent": BASE + "id/999999/x",
        "order": 2,
        "label": {"ja": "目標", "en": "Goal"},
    }
    g = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    subject = rdflib.URIRef(BASE + "id/999999/x-g1")
    assert (subject, ns.RDF.type, FK.BasicGoal) in g
    assert (subject, FK.parent, rdflib.URIRef(BASE + "id/999999/x")) in g
    assert (subject, FK.order, rdflib.Literal(2, datatype=ns.XSD.integer)) in g
    assert (subject, rdflib.RDFS.label, rdflib.Literal("目標", lang="ja")) in g


def test_void_describes_each_plan_graph_with_its_dump(client, published_dir):
    g = void_graph(client)
    info = json.loads((published_dir / "build-info.json").read_text(encoding="utf-8"))
    subsets = {str(s).removeprefix(BASE + "graph/"): s for s in g.objects(DATASET, ns.VOID.subset)}
    assert (
        set(subsets)
        == set(info["graphs"])
        == {"082368", "141500", "142069", "352136", "402036", "shared", "summary", "requirement-verdicts"}
    )
    union = rdflib.Graph()
    for key, subset in subsets.items():
        assert g.value(subset, ns.VOID.triples).toPython() == info["graphs"][key]["triples"]
        url = str(g.value(subset, ns.VOID.dataDump))
        assert url == f"{BASE}dumps/graphs/{key}.nt"
        reply = client.get(url.removeprefix(BASE[:-1]))
        assert reply.status_code == 200 and reply.mimetype == "application/n-triples"
        assert reply.data == (published_dir / "graphs" / f"{key}.nt").read_bytes()
        union.parse(data=reply.data, format="nt")
    whole = rdflib.Graph().parse(published_dir / "fukushi-kg.nt", format="nt")
    assert len(union) == len(whole)  # the plan graphs and the shared rest make up the whole, nothing more


@pytest.mark.parametrize("key", ["999999", "..%2Fbuild-info", "shared.nt", "%2E%2E"])
def test_unknown_graph_dump_is_404(client, key):
    assert client.get(f"/dumps/graphs/{key}.nt").status_code == 404
