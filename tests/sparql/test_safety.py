"""Safety: no request leaves the server on a query's behalf (SERVICE, FROM, FROM NAMED, LOAD, protocol datasets),
SERVICE only to allow-listed endpoints, updates refused, a runaway query stopped while others are answered,
results capped with a visible signal."""

import json
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib

from server.sparql import executor_of, safety

FORM = "application/x-www-form-urlencoded"


def q(**params) -> str:
    pairs = [(k.replace("_", "-"), v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])]
    return "?" + urllib.parse.urlencode(pairs)


def _settle(listener):
    # A request made on the query's behalf happens before the response is sent; this only lets the listener's
    # thread take it from the backlog.
    time.sleep(0.1)
    return listener.connections


# ---------------------------------------------------------------------------------------------------------------
# Controls: the listener does see the requests both libraries make when nothing stops them.


def test_control_pyoxigraph_calls_service_and_load(listener):
    store = ox.Store()
    with pytest.raises(OSError):
        list(store.query(f"SELECT * {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"))
    with pytest.raises(OSError):
        store.update(f"LOAD <{listener.url}/data.ttl>")
    assert len(_settle(listener)) == 2


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_control_rdflib_fetches_from(listener):
    with pytest.raises(Exception):  # noqa: B017 - whatever rdflib makes of the listener's empty reply
        list(rdflib.Dataset().query(f"SELECT * FROM <{listener.url}/data.ttl> WHERE {{ ?s ?p ?o }}"))
    assert len(_settle(listener)) >= 1  # rdflib tries several times


# ---------------------------------------------------------------------------------------------------------------
# SSRF probes against the endpoint: the listener must see nothing.

SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
    "select * where {{ service <{url}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <{url}/> SELECT * WHERE {{ SERVICE ex:sparql {{ ?s ?p ?o }} }}",
    "PREFIX ex: <{url}/> SELECT * WHERE {{ SERVICEex:sparql {{ ?s ?p ?o }} }}",  # no word boundary needed
    "PREFIX : <{url}/> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE<{url}/sparql>{{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ VALUES ?e {{ <{url}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}/sparql> {{ ?s ?q ?r }} }} }} LIMIT 1",
    "SELECT * WHERE {{ {{ SELECT * {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }} }} }}",
    "ASK {{ FILTER EXISTS {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }} }}",
    "CONSTRUCT WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <{url}/> SELECT * WHERE {{ ?s ?p ex:a\\# . SERVICE ex:x {{ ?s ?p ?o }} }}",  # \# is no comment
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_is_refused(live, http, listener, template):
    reply = http("GET", live.endpoint + q(query=template.format(url=listener.url)))
    assert 400 <= reply.status < 500, reply.text
    assert "SERVICE" in reply.text or "syntax" in reply.text.lower()
    assert _settle(listener) == []


def test_service_refused_by_post_too(live, http, listener):
    body = f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}".encode()
    reply = http("POST", live.endpoint, body, {"Content-Type": "application/sparql-query"})
    assert reply.status == 403 and "SERVICE" in reply.text
    assert _settle(listener) == []


DATASET_QUERIES = [
    ("SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}", {}),
    ("SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
    ("SELECT * FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }}", {}),
    ("SELECT * FROM NAMED <file:///etc/passwd> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
    ("SELECT * WHERE {{ ?s ?p ?o }}", {"default_graph_uri": "{url}/data.ttl"}),
    ("SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {"named_graph_uri": "{url}/data.ttl"}),
    ("SELECT * WHERE {{ ?s ?p ?o }}", {"default_graph_uri": "file:///etc/passwd"}),
]


@pytest.mark.parametrize("template, params", DATASET_QUERIES)
def test_datasets_are_never_fetched(live, http, listener, template, params):
    """FROM and the protocol's graph IRIs name graphs in the store; an unknown one is simply empty."""
    params = {k: v.format(url=listener.url) for k, v in params.items()}
    reply = http("GET", live.endpoint + q(query=template.format(url=listener.url), **params))
    assert reply.status == 200, reply.text
    assert json.loads(reply.body)["results"]["bindings"] == []
    assert b"root:" not in reply.body
    assert _settle(listener) == []


@pytest.mark.parametrize(
    "content_type, body",
    [
        (FORM, "update=LOAD+%3C{url}%2Fdata.ttl%3E"),
        ("application/sparql-update", "LOAD <{url}/data.ttl>"),
        ("application/sparql-update", "LOAD <file:///etc/passwd>"),
        ("application/sparql-query", "LOAD <{url}/data.ttl>"),
        (FORM, "query=LOAD+%3C{url}%2Fdata.ttl%3E"),
    ],
)
def test_load_is_refused(live, http, listener, content_type, body):
    reply = http("POST", live.endpoint, body.format(url=listener.url).encode(), {"Content-Type": content_type})
    assert reply.status == 403, reply.text
    assert _settle(listener) == []


def test_load_by_get_is_refused(live, http, listener):
    reply = http("GET", live.endpoint + q(update=f"LOAD <{listener.url}/data.ttl>"))
    assert reply.status == 400
    assert _settle(listener) == []


# ---------------------------------------------------------------------------------------------------------------
# The allowlist


def test_allowlisted_service_is_called(limited, live, http):
    """The limited app allows exactly the live endpoint: a federated query through it returns its data."""
    query = (
        f"SELECT ?label WHERE {{ SERVICE <{live.endpoint}> {{ "
        "<https://w3id.org/fukushi-kg/id/municipality/082368> <http://www.w3.org/2000/01/rdf-schema#label> ?label "
        "FILTER(lang(?label) = 'ja') } }"
    )
    reply = http("GET", limited.endpoint + q(query=query))
    assert reply.status == 200, reply.text
    assert [b["label"]["value"] for b in json.loads(reply.body)["results"]["bindings"]] == ["小美玉市"]


def test_service_outside_allowlist_is_refused(limited, live, http, listener):
    both = f"SELECT * {{ SERVICE <{live.endpoint}> {{ ?s ?p ?o }} SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"
    for query in (both, "SELECT * { SERVICE ?x { ?s ?p ?o } }", both.replace("SERVICE <", "SERVICE<")):
        reply = http("GET", limited.endpoint + q(query=query))
        assert reply.status == 403, reply.text
    assert _settle(listener) == []


def test_service_description_announces_federation(limited, http):
    graph = rdflib.Graph().parse(data=http("GET", limited.endpoint).body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.feature, sd.BasicFederatedQuery) in graph


# ---------------------------------------------------------------------------------------------------------------
# The scan itself: generous about SERVICE, but not fooled by strings, IRIs, comments and variables.


@pytest.mark.parametrize(
    "query, count",
    [
        ("SELECT ?service WHERE { ?service ?p 'service' }", 0),
        ("SELECT * WHERE { <http://example.org/service> ?p ?o } # SERVICE <x> {}", 0),
        ('SELECT * WHERE { ?s ?p """a\nSERVICE <http://x/> { }""" }', 0),
        ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", 1),
        ("SELECT * WHERE { SERVICESILENT <http://x/> { ?s ?p ?o } }", 1),
        ("PREFIX service: <http://x/> SELECT * WHERE { ?s service:p ?o }", 2),  # over-counted: refused, safely
        ("SELECT * WHERE { ?s ?p ex:a\\#b . SERVICE <http://x/> {} }", 1),
        ("SELECT * WHERE { FILTER(?a < ?b) SERVICE <http://x/> { } FILTER(?c > 1) }", 1),
    ],
)
def test_service_count(query, count):
    assert safety.service_count(query) == count


def test_query_form():
    assert safety.query_form("PREFIX a: <http://a/> BASE <http://b/> # c\n select * {}") == "SELECT"
    assert safety.query_form("prefix a: <http://a/>\nINSERT DATA {}") == "INSERT"
    assert safety.query_form("{") is None


# ---------------------------------------------------------------------------------------------------------------
# Timeout: the runaway query is stopped, the server keeps answering meanwhile, a fresh worker takes over.

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "ASK { <https://w3id.org/fukushi-kg/id/municipality/082368> ?p ?o }"


def test_runaway_query_is_stopped_while_others_are_answered(limited, http):
    executor = executor_of(limited.app)
    http("GET", limited.endpoint + q(query=QUICK))  # workers up
    before = executor.worker_pids()
    outcome = {}

    def runaway():
        start = time.monotonic()
        outcome["reply"] = http("GET", limited.endpoint + q(query=RUNAWAY))
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    start = time.monotonic()
    quick = http("GET", limited.endpoint + q(query=QUICK))
    quick_seconds = time.monotonic() - start
    assert quick.status == 200 and json.loads(quick.body)["boolean"] is True
    assert quick_seconds < 1.0
    assert thread.is_alive(), "the quick query should have been answered while the runaway one still ran"
    thread.join(timeout=10)
    reply = outcome["reply"]
    assert reply.status == 503
    assert "timed out" in reply.text and "1 s" in reply.text
    assert 0.9 < outcome["seconds"] < 3.0
    # The killed worker is replaced and the endpoint answers as before.
    deadline = time.monotonic() + 5
    while len(executor.worker_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    after = executor.worker_pids()
    assert len(after) == 2 and after != before
    for _ in range(3):
        assert http("GET", limited.endpoint + q(query=QUICK)).status == 200


# ---------------------------------------------------------------------------------------------------------------
# MAX_ROWS (5 on the limited app)

ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 20"


def test_truncated_json(limited, http):
    reply = http("GET", limited.endpoint + q(query=ALL))
    assert reply.headers["x-fukushi-truncated"] == "true"
    doc = json.loads(reply.body)
    assert doc["truncated"] is True and len(doc["results"]["bindings"]) == 5
    assert doc["head"]["vars"] == ["s", "p", "o"]


def test_truncated_xml_csv_tsv(limited, http):
    xml = http("GET", limited.endpoint + q(query=ALL, format="xml"))
    root = ET.fromstring(xml.body)
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert len(root.findall(f"{ns}results/{ns}result")) == 5
    assert root.find(f"{ns}head/{ns}link").get("href") == "urn:fukushi-kg:truncated"
    for fmt in ("csv", "tsv"):
        reply = http("GET", limited.endpoint + q(query=ALL, format=fmt))
        assert reply.headers["x-fukushi-truncated"] == "true"
        assert len(reply.text.strip().splitlines()) == 6  # header + 5 rows


def test_truncated_graph(limited, http):
    reply = http("GET", limited.endpoint + q(query="CONSTRUCT WHERE { ?s ?p ?o }", format="nt"))
    assert reply.headers["x-fukushi-truncated"] == "true"
    assert len(rdflib.Graph().parse(data=reply.body, format="nt")) == 5


def test_not_truncated_at_the_limit(limited, http):
    reply = http("GET", limited.endpoint + q(query=ALL.replace("LIMIT 20", "LIMIT 5")))
    assert "x-fukushi-truncated" not in reply.headers
    doc = json.loads(reply.body)
    assert "truncated" not in doc and len(doc["results"]["bindings"]) == 5
