"""Dereferencing: every kind of resource answers with HTML or RDF by Accept (with q-values) or ?format=."""

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS, VOID
from web_helpers import FK, ID, RDF_SYNTAXES, parse

from server import paths

# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

BASE = paths.BASE_IRI
MEASURE = "352136/cwp3-g1-p1-d1-a01"

# (path, subject IRI, a triple that must be in its description)
RESOURCES = {
    "municipality": (
        "/id/municipality/082368",
        ID["municipality/082368"],
        (ID["municipality/082368"], RDF.type, FK.Municipality),
    ),
    "plan": ("/id/082368/cwp4", ID["082368/cwp4"], (ID["082368/cwp4"], FK.municipality, ID["municipality/082368"])),
    "measure": (
        f"/id/{MEASURE}",
        ID[MEASURE],
        (ID[MEASURE], FK.sourceFile, ID["source/004_cbbcddac45a49502"]),
    ),
    "concept": (
        "/id/concept/target-group/older-people",
        ID["concept/target-group/older-people"],
        (ID["concept/target-group/older-people"], SKOS.prefLabel, rdflib.Literal("高齢者", lang="ja")),
    ),
    "concept scheme": (
        "/id/concept/target-group/",
        ID["concept/target-group/"],
        (ID["concept/target-group/"], RDF.type, SKOS.ConceptScheme),
    ),
    "provision": (
        "/id/law/326AC0000000045-107",
        ID["law/326AC0000000045-107"],
        (ID["law/326AC0000000045-107"], FK.dutyType, FK.EffortDuty),
    ),
    "ontology": ("/ontology", rdflib.URIRef(BASE + "ontology"), (FK.Measure, RDFS.subClassOf, FK.ActionElement)),
    "void": (
        "/.well-known/void",
        rdflib.URIRef(BASE + ".well-known/void#fukushi-kg"),
        (rdflib.URIRef(BASE + ".well-known/void#fukushi-kg"), VOID.sparqlEndpoint, rdflib.URIRef(BASE + "sparql")),
    ),
}


@pytest.mark.parametrize("media_type", list(RDF_SYNTAXES))
@pytest.mark.parametrize("kind", list(RESOURCES))
def test_each_rdf_syntax_by_accept(client, kind, media_type):
    path, _, triple = RESOURCES[kind]
    resp = client.get(path, headers={"Accept": media_type})
    assert resp.status_code == 200
    assert resp.mimetype == media_type
    assert "Accept" in resp.vary
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["Content-Location"].startswith(path + "?format=")
    assert triple in parse(resp)


@pytest.mark.parametrize(
    "key,media_type",
    [
        ("ttl", "text/turtle"),
        ("nt", "application/n-triples"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
    ],
)
def test_format_parameter_overrides_accept(client, key, media_type):
    path, _, triple = RESOURCES["plan"]
    resp = client.get(f"{path}?format={key}", headers={"Accept": "text/html"})
    assert resp.status_code == 200 and resp.mimetype == media_type
    assert triple in parse(resp)


@pytest.mark.parametrize("kind", list(RESOURCES))
def test_browsers_get_html(client, kind):
    path, subject, _ = RESOURCES[kind]
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
    resp = client.get(path, headers={"Accept": browser})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "Accept" in resp.vary
    assert 'rel="alternate"; type="text/turtle"' in resp.headers["Link"]
    assert '<link rel="alternate" type="text/turtle"' in resp.text


@pytest.mark.parametrize(
    "accept,expected",
    [
        ("text/html;q=0.5, text/turtle", "text/turtle"),
        ("application/rdf+xml;q=0.9, text/turtle;q=0.8", "application/rdf+xml"),
        ("application/json", "application/ld+json"),
        ("application/x-turtle", "text/turtle"),
        ("text/*", "text/html"),
        ("text/*;q=0.1, application/n-triples", "application/n-triples"),
        ("*/*", "text/html"),
        ("*/*;q=0.1, application/ld+json;q=0.2", "application/ld+json"),
    ],
)
def test_q_values(client, accept, expected):
    resp = client.get("/id/municipality/352136", headers={"Accept": accept})
    assert resp.status_code == 200 and resp.mimetype == expected


def test_same_uri_pattern_no_redirect(client):
    """The resource answers at its own IRI; the variant's own URL is given in Content-Location."""
    resp = client.get("/id/municipality/352136", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    again = client.get(resp.headers["Content-Location"], headers={"Accept": "text/html"})
    assert again.status_code == 200 and again.mimetype == "text/turtle"
    assert parse(again).isomorphic(parse(resp))


def test_unacceptable_and_unknown_format(client):
    resp = client.get("/id/municipality/352136", headers={"Accept": "image/png"})
    assert resp.status_code == 406
    assert "text/turtle" in resp.text
    resp = client.get("/id/municipality/352136?format=docx")
    assert resp.status_code == 400
    assert "形式 'docx' は扱えません（" in resp.text.replace("&#39;", "'")


def test_head_and_options(client):
    head = client.head("/id/082368/cwp4", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.mimetype == "text/turtle" and head.data == b""
    assert head.headers["Access-Control-Allow-Origin"] == "*"
    pre = client.options(
        "/id/082368/cwp4", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    )
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in pre.headers["Access-Control-Allow-Methods"]


def test_unknown_resource_is_404(client):
    assert client.get("/id/municipality/000000", headers={"Accept": "text/turtle"}).status_code == 404
    resp = client.get("/id/municipality/000000", headers={"Accept": "text/html"})
    assert resp.status_code == 404 and "見つかりません" in resp.text


def test_description_has_incoming_links_and_labels(client):
    """The RDF description is symmetric: it names the plans that point at the municipality too."""
    g = parse(client.get("/id/municipality/082368?format=ttl"))
    municipality = ID["municipality/082368"]
    assert (ID["082368/cwp4"], FK.municipality, municipality) in g
    assert (municipality, RDFS.label, rdflib.Literal("小美玉市", lang="ja")) in g
    assert (municipality, RDFS.label, rdflib.Literal("Omitama City", lang="en")) in g


def test_measure_description_carries_its_provenance(client):
    g = parse(client.get(f"/id/{MEASURE}", headers={"Accept": "application/n-triples"}))
    measure = ID[MEASURE]
    assert (measure, FK.startLine, rdflib.Literal(909)) in g
    assert (measure, FK.parent, ID["352136/cwp3-g1-p1-d1"]) in g
    assert (measure, RDF.type, FK.Measure) in g


def test_jsonld_is_compacted_with_prefixes(client):
    resp = client.get("/id/082368/cwp4", headers={"Accept": "application/ld+json"})
    doc = resp.get_json()
    assert doc["@context"]["fk"] == paths.ONTOLOGY_NS
    assert (ID["082368/cwp4"], RDF.type, FK.CommunityWelfarePlan) in parse(resp)


def test_ontology_rdf_is_the_ontology_file(client):
    g = parse(client.get("/ontology", headers={"Accept": "text/turtle"}))
    onto = rdflib.URIRef(BASE + "ontology")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert (FK.parent, RDFS.domain, FK.PlanElement) in g
    expected = rdflib.Graph().parse(paths.ONTOLOGY_DIR / "fukushi.ttl")
    assert len(g) == len(expected)
    # The version IRI dereferences to the same document.
    version = next(g.objects(onto, OWL.versionIRI))
    path = "/" + str(version)[len(BASE) :]
    assert len(parse(client.get(path, headers={"Accept": "text/turtle"}))) == len(expected)


@pytest.mark.parametrize(
    "accept, media_type",
    [
        ("text/turtle;charset=utf-8", "text/turtle"),
        ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"', "application/ld+json"),
        ("application/n-triples; charset=UTF-8", "application/n-triples"),
    ],
)
def test_parameters_in_accept_do_not_make_406(client, accept, media_type):
    """As on /sparql: a charset or a JSON-LD profile in Accept still names the media type."""
    resp = client.get("/id/municipality/082368", headers={"Accept": accept})
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith(media_type)
