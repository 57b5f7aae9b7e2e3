"""The SPARQL 1.1 Protocol over real HTTP: the W3C protocol tests that apply to a read-only endpoint (written as
data-driven cases; the dataset tests use this store's own named graph instead of remote files), content
negotiation, the `format` parameter and the service description."""

import csv
import io
import json
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
import rdflib

from server.published import GRAPH_IRI, graph_name

# rdflib's JSON-LD parser warns about its own internals.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UNKNOWN_GRAPH = "http://example.org/no-such-graph"
OMITAMA = "https://w3id.org/fukushi-kg/id/municipality/082368"
SRJ = "{http://www.w3.org/2005/sparql-results#}"
# Each plan's named graph and the shared rest's (server.store.graph_name).
PLAN_GRAPHS = sorted(
    graph_name(k).value
    for k in ("082368", "141500", "142069", "352136", "402036", "shared", "summary", "requirement-verdicts")
)


def q(**params) -> str:
    """A query string; a list value repeats the parameter."""
    pairs = [(k.replace("_", "-"), v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])]
    return "?" + urllib.parse.urlencode(pairs)


def form(**params) -> bytes:
    return q(**params)[1:].encode("ascii")


def boolean(reply) -> bool:
    assert reply.status == 200, reply.text
    assert reply.headers["content-type"].startswith("application/sparql-results+json")
    return json.loads(reply.body)["boolean"]


def bindings(reply) -> list[dict]:
    assert reply.status == 200, reply.text
    return json.loads(reply.body)["results"]["bindings"]


ASK_OMITAMA = f"ASK {{ <{OMITAMA}> a <https://w3id.org/fukushi-kg/ontology#Municipality> }}"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"

# ---------------------------------------------------------------------------------------------------------------
# Positive W3C cases: (id, method, query string, body, headers, check(reply))

POSITIVE = [
    ("query_get", "GET", q(query="ASK {}"), None, {}, lambda r: boolean(r) is True),
    ("query_post_form", "POST", "", form(query="ASK {}"), {"Content-Type": FORM}, lambda r: boolean(r) is True),
    ("query_post_direct", "POST", "", b"ASK {}", {"Content-Type": DIRECT}, lambda r: boolean(r) is True),
    (
        "query_post_direct_charset",
        "POST",
        "",
        b"ASK {}",
        {"Content-Type": DIRECT + "; charset=UTF-8"},
        lambda r: boolean(r) is True,
    ),
    ("data_in_default_graph", "GET", q(query=ASK_OMITAMA), None, {}, lambda r: boolean(r) is True),
    (
        "query_dataset_default_graph",
        "POST",
        q(default_graph_uri=GRAPH_IRI),
        ASK_OMITAMA.encode(),
        {"Content-Type": DIRECT},
        lambda r: boolean(r) is True,
    ),
    (
        "query_dataset_default_graph_unknown",
        "POST",
        q(default_graph_uri=UNKNOWN_GRAPH),
        ASK_OMITAMA.encode(),
        {"Content-Type": DIRECT},
        lambda r: boolean(r) is False,
    ),
    (
        "query_dataset_default_graphs_get",
        "GET",
        q(query=ASK_OMITAMA, default_graph_uri=[UNKNOWN_GRAPH, GRAPH_IRI]),
        None,
        {},
        lambda r: boolean(r) is True,
    ),
    (
        "query_dataset_default_graphs_post",
        "POST",
        "",
        form(query=ASK_OMITAMA, default_graph_uri=[UNKNOWN_GRAPH, GRAPH_IRI]),
        {"Content-Type": FORM},
        lambda r: boolean(r) is True,
    ),
    (
        "query_dataset_named_graphs_post",
        "POST",
        "",
        form(query=GRAPHS, named_graph_uri=[GRAPH_IRI, UNKNOWN_GRAPH]),
        {"Content-Type": FORM},
        lambda r: sorted(b["g"]["value"] for b in bindings(r)) == PLAN_GRAPHS,
    ),
    (
        "query_dataset_named_graphs_get",
        "GET",
        q(query=GRAPHS, named_graph_uri=UNKNOWN_GRAPH),
        None,
        {},
        lambda r: bindings(r) == [],
    ),
    (
        "query_dataset_full",
        "POST",
        q(default_graph_uri=UNKNOWN_GRAPH, named_graph_uri=GRAPH_IRI),
        b"SELECT ?g (COUNT(*) AS ?n) { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g",
        {"Content-Type": DIRECT},
        # The whole graph's name, as a named graph, stands for every graph of the build; none is the default.
        lambda r: (
            sorted(b["g"]["value"] for b in bindings(r)) == PLAN_GRAPHS
            and sum(int(b["n"]["value"]) for b in bindings(r)) > 20000
        ),
    ),
    (
        # The protocol's dataset wins over the query's FROM.
        "query_multiple_dataset",
        "POST",
        q(default_graph_uri=UNKNOWN_GRAPH),
        f"ASK FROM <{GRAPH_IRI}> {{ <{OMITAMA}> ?p ?o }}".encode(),
        {"Content-Type": DIRECT},
        lambda r: boolean(r) is False,
    ),
    (
        "query_from_own_graph",
        "GET",
        q(query=f"ASK FROM <{GRAPH_IRI}> {{ <{OMITAMA}> ?p ?o }}"),
        None,
        {},
        lambda r: boolean(r) is True,
    ),
    (
        "relative_iri_resolved_against_base",
        "GET",
        q(
            query="SELECT ?label { <id/municipality/082368> <http://www.w3.org/2000/01/rdf-schema#label> ?label "
            'FILTER(lang(?label) = "ja") }'
        ),
        None,
        {},
        lambda r: [b["label"]["value"] for b in bindings(r)] == ["小美玉市"],
    ),
    (
        "unknown_parameters_ignored",
        "GET",
        q(query="ASK {}", output="json", results="json"),
        None,
        {},
        lambda r: boolean(r) is True,
    ),
]


@pytest.mark.parametrize("case", POSITIVE, ids=[c[0] for c in POSITIVE])
def test_positive(live, http, case):
    _, method, query_string, body, headers, check = case
    reply = http(method, live.endpoint + query_string, body, headers)
    assert check(reply), reply.text


# ---------------------------------------------------------------------------------------------------------------
# Negative W3C cases, and this endpoint's refusals: (id, method, query string, body, headers, expected status)

UTF16_ASK = "ASK {}".encode("utf-16")
NEGATIVE = [
    ("bad_query_method", "PUT", q(query="ASK {}"), None, {}, 405),
    ("bad_query_method_delete", "DELETE", q(query="ASK {}"), None, {}, 405),
    ("bad_multiple_queries", "GET", q(query=["ASK {}", "SELECT * {}"]), None, {}, 400),
    ("bad_multiple_queries_form", "POST", q(query="ASK {}"), form(query="ASK {}"), {"Content-Type": FORM}, 400),
    ("bad_query_in_url_and_body", "POST", q(query="ASK {}"), b"ASK {}", {"Content-Type": DIRECT}, 400),
    ("bad_query_wrong_media_type", "POST", "", b"ASK {}", {"Content-Type": "text/plain"}, 415),
    ("bad_query_missing_form_type", "POST", "", form(query="ASK {}"), {}, 415),
    ("bad_query_missing_direct_type", "POST", "", b"ASK {}", {}, 415),
    ("bad_query_non_utf8", "POST", "", UTF16_ASK, {"Content-Type": DIRECT + "; charset=UTF-16"}, 415),
    ("bad_query_non_utf8_bytes", "POST", "", b"ASK { \xff\xfe }", {"Content-Type": DIRECT}, 400),
    ("bad_query_non_utf8_form", "POST", "", b"query=ASK%20%7B%FF%7D", {"Content-Type": FORM}, 400),
    ("bad_query_non_utf8_get", "GET", "?query=ASK%20%7B%FF%7D", None, {}, 400),
    ("bad_query_syntax", "GET", q(query="ASK {"), None, {}, 400),
    ("bad_query_empty", "GET", q(query=""), None, {}, 400),
    ("bad_query_missing", "POST", "", form(format="json"), {"Content-Type": FORM}, 400),
    ("bad_default_graph_iri", "GET", q(query="ASK {}", default_graph_uri="not an iri"), None, {}, 400),
    ("bad_update_get", "GET", q(update="CLEAR ALL"), None, {}, 400),
    ("bad_multiple_updates", "POST", "", form(update=["CLEAR NAMED", "CLEAR DEFAULT"]), {"Content-Type": FORM}, 403),
    ("bad_update_wrong_media_type", "POST", "", b"CLEAR NAMED", {"Content-Type": "text/plain"}, 415),
    ("bad_update_missing_form_type", "POST", "", form(update="CLEAR NAMED"), {}, 415),
    ("bad_update_missing_direct_type", "POST", "", b"CLEAR NAMED", {}, 415),
    (
        "bad_update_non_utf8",
        "POST",
        "",
        "CLEAR NAMED".encode("utf-16"),
        {"Content-Type": "application/sparql-update; charset=UTF-16"},
        415,
    ),
    ("bad_update_syntax", "POST", "", form(update="CLEAR XYZ"), {"Content-Type": FORM}, 403),
    (
        "bad_update_dataset_conflict",
        "POST",
        "",
        form(
            using_named_graph_uri="http://example/people",
            update="WITH <http://example/addresses> DELETE { ?p <http://xmlns.com/foaf/0.1/givenName> 'Bill' } "
            "WHERE { ?p <http://xmlns.com/foaf/0.1/givenName> 'Bill' }",
        ),
        {"Content-Type": FORM},
        403,
    ),
    # The W3C positive update tests: refused, because the endpoint is read-only.
    ("update_post_form", "POST", "", form(update="CLEAR ALL"), {"Content-Type": FORM}, 403),
    ("update_post_direct", "POST", "", b"CLEAR ALL", {"Content-Type": "application/sparql-update"}, 403),
    ("update_as_query", "GET", q(query="INSERT DATA { <urn:a> <urn:b> <urn:c> }"), None, {}, 403),
    ("update_and_query", "POST", "", form(query="ASK {}", update="CLEAR ALL"), {"Content-Type": FORM}, 400),
    ("not_acceptable", "GET", q(query="SELECT * {}"), None, {"Accept": "image/png"}, 406),
    ("not_acceptable_graph", "GET", q(query="CONSTRUCT WHERE { ?s ?p ?o }"), None, {"Accept": "text/csv"}, 406),
    ("unknown_format", "GET", q(query="ASK {}", format="png"), None, {}, 400),
]


@pytest.mark.parametrize("case", NEGATIVE, ids=[c[0] for c in NEGATIVE])
def test_negative(live, http, case):
    _, method, query_string, body, headers, status = case
    reply = http(method, live.endpoint + query_string, body, headers)
    assert reply.status == status, reply.text
    assert reply.headers["content-type"].startswith("text/plain")
    assert reply.text.strip()
    assert "Traceback" not in reply.text and 'File "' not in reply.text


def test_syntax_error_carries_the_parser_message(live, http):
    reply = http("GET", live.endpoint + q(query="SELECT * WHERE { ?s ?p }"))
    assert reply.status == 400
    assert reply.text.startswith("Query syntax error: error at 1:")  # pyoxigraph's SyntaxError text


def test_method_not_allowed_names_the_allowed_methods(live, http):
    reply = http("PUT", live.endpoint + q(query="ASK {}"))
    assert reply.status == 405 and reply.headers["allow"] == "GET, POST"


# ---------------------------------------------------------------------------------------------------------------
# Content negotiation

SELECT_TWO = (
    "SELECT ?plan ?label WHERE { ?plan a <https://w3id.org/fukushi-kg/ontology#CommunityWelfarePlan> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = 'ja') } ORDER BY ?plan LIMIT 2"
)
CONSTRUCT = f"CONSTRUCT {{ <{OMITAMA}> ?p ?o }} WHERE {{ <{OMITAMA}> ?p ?o FILTER(isLiteral(?o) || ?p != <urn:x>) }}"


def _parse_solutions(content_type: str, body: bytes) -> list[str]:
    """The ?label values of SELECT_TWO, from whichever format came back."""
    if content_type.startswith("application/sparql-results+json"):
        return [b["label"]["value"] for b in json.loads(body)["results"]["bindings"]]
    if content_type.startswith("application/sparql-results+xml"):
        root = ET.fromstring(body)
        return [e.text for e in root.iter(SRJ + "literal")]
    if content_type.startswith("text/csv"):
        return [row["label"] for row in csv.DictReader(io.StringIO(body.decode("utf-8")))]
    if content_type.startswith("text/tab-separated-values"):
        lines = body.decode("utf-8").splitlines()
        assert lines[0] == "?plan\t?label"
        return [line.split("\t")[1].removesuffix("@ja").strip('"') for line in lines[1:]]
    raise AssertionError(content_type)


@pytest.mark.parametrize(
    "accept, expected",
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/*;q=0.9, */*;q=0.1", "text/csv"),
        ("*/*;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+json;q=0, text/csv;q=0.2", "text/csv"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
    ],
)
def test_select_negotiation(live, http, accept, expected):
    reply = http("GET", live.endpoint + q(query=SELECT_TWO), headers={"Accept": accept} if accept else {})
    assert reply.status == 200, reply.text
    assert reply.headers["content-type"].startswith(expected)
    assert reply.headers["vary"] == "Accept"
    labels = _parse_solutions(reply.headers["content-type"], reply.body)
    assert len(labels) == 2 and all("計画" in label or "プラン" in label for label in labels)


@pytest.mark.parametrize(
    "accept, expected, rdflib_format",
    [
        (None, "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/json", "application/ld+json", "json-ld"),
        ("text/csv;q=1, application/rdf+xml;q=0.5", "application/rdf+xml", "xml"),
    ],
)
def test_graph_negotiation(live, http, accept, expected, rdflib_format):
    for query in (CONSTRUCT, f"DESCRIBE <{OMITAMA}>"):
        reply = http("GET", live.endpoint + q(query=query), headers={"Accept": accept} if accept else {})
        assert reply.status == 200, reply.text
        assert reply.headers["content-type"].startswith(expected)
        graph = rdflib.Graph().parse(data=reply.body, format=rdflib_format)
        labels = set(graph.objects(rdflib.URIRef(OMITAMA), rdflib.RDFS.label))
        assert rdflib.Literal("小美玉市", lang="ja") in labels


@pytest.mark.parametrize(
    "fmt, query, expected",
    [
        ("csv", SELECT_TWO, "text/csv"),
        ("tsv", SELECT_TWO, "text/tab-separated-values"),
        ("xml", SELECT_TWO, "application/sparql-results+xml"),
        ("json", SELECT_TWO, "application/sparql-results+json"),
        ("text/tab-separated-values", SELECT_TWO, "text/tab-separated-values"),
        ("json", CONSTRUCT, "application/ld+json"),
        ("xml", CONSTRUCT, "application/rdf+xml"),
        ("turtle", CONSTRUCT, "text/turtle"),
        ("nt", CONSTRUCT, "application/n-triples"),
    ],
)
def test_format_parameter_beats_accept(live, http, fmt, query, expected):
    reply = http("GET", live.endpoint + q(query=query, format=fmt), headers={"Accept": "text/html"})
    assert reply.status == 200, reply.text
    assert reply.headers["content-type"].startswith(expected)


def test_ask_in_xml(live, http):
    reply = http("GET", live.endpoint + q(query=ASK_OMITAMA), headers={"Accept": "application/sparql-results+xml"})
    assert ET.fromstring(reply.body).find(SRJ + "boolean").text == "true"


def test_json_terms(live, http):
    """Typed literals carry their datatype, language-tagged ones their language, IRIs are uris."""
    query = (
        "SELECT ?plan ?label ?start WHERE { ?plan <https://w3id.org/fukushi-kg/ontology#period> ?p ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label . ?p <https://w3id.org/fukushi-kg/ontology#"
        "startFiscalYear> ?start FILTER(?plan = <https://w3id.org/fukushi-kg/id/082368/cwp4> && lang(?label) = 'ja') }"
    )
    (row,) = bindings(http("GET", live.endpoint + q(query=query)))
    assert row["plan"] == {"type": "uri", "value": "https://w3id.org/fukushi-kg/id/082368/cwp4"}
    assert row["label"] == {"type": "literal", "value": "第4次小美玉市地域福祉計画", "xml:lang": "ja"}
    assert row["start"] == {"type": "literal", "value": "2026", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


# ---------------------------------------------------------------------------------------------------------------
# Service description

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.mark.parametrize("accept, rdflib_format", [(None, "turtle"), ("application/ld+json", "json-ld")])
def test_service_description(live, http, accept, rdflib_format):
    reply = http("GET", live.endpoint, headers={"Accept": accept} if accept else {})
    assert reply.status == 200, reply.text
    graph = rdflib.Graph().parse(data=reply.body, format=rdflib_format)
    service = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert service is not None
    assert graph.value(service, SD.endpoint) == rdflib.URIRef(live.endpoint)
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(f).rsplit("/", 1)[-1] for f in graph.objects(service, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_CSV", "Turtle", "JSON-LD"} <= formats
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph  # no SERVICE allowed by default
    names = set(graph.objects(None, SD.name))
    assert names == {rdflib.URIRef(g) for g in PLAN_GRAPHS}
    void_triples = rdflib.URIRef("http://rdfs.org/ns/void#triples")
    default = next(graph.objects(None, SD.defaultGraph))
    whole = int(graph.value(default, void_triples))
    named = [int(graph.value(g, void_triples)) for g in graph.objects(None, SD.graph)]
    assert whole > 20000 and len(named) == len(PLAN_GRAPHS) and sum(named) == whole  # the whole is its graphs


def test_head_request(live, http):
    reply = http("HEAD", live.endpoint + q(query="ASK {}"))
    assert reply.status == 200 and reply.body == b""
