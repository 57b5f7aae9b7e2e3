"""Helpers shared by the web tests (a module of its own: conftest files are not importable)."""

import threading

import rdflib
from werkzeug.serving import make_server

from server import paths

FK = rdflib.Namespace(paths.ONTOLOGY_NS)
ID = rdflib.Namespace(paths.BASE_IRI + "id/")
RDF_SYNTAXES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def parse(resp, media_type: str | None = None) -> rdflib.Graph:
    """The response body as a graph, parsed by the syntax its Content-Type names."""
    media_type = media_type or resp.mimetype
    graph = rdflib.Graph()
    graph.parse(data=resp.data, format=RDF_SYNTAXES[media_type])
    return graph


# A municipality and plan whose every literal tries to break out of the page it is shown on.
HOSTILE_TTL = r"""
@prefix fk: <https://w3id.org/fukushi-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix id: <https://w3id.org/fukushi-kg/id/> .

id:municipality\/999999 a fk:Municipality ;
    rdfs:label "<script>alert(1)</script>"@ja , "\"><img src=x onerror=alert(2)>"@en ;
    fk:localGovernmentCode "999999" ;
    dcterms:source <javascript:alert(3)> .
id:999999\/cwp1 a fk:Plan , fk:CommunityWelfarePlan ;
    rdfs:label "<b onmouseover=alert(4)>plan</b>"@ja ;
    fk:municipality id:municipality\/999999 .
id:999999\/cwp1-m1 a fk:Measure , fk:ActionElement , fk:PlanElement ;
    rdfs:label "</textarea><script>alert(5)</script>"@ja ;
    dcterms:description "a & b < c"@ja ;
    fk:parent id:999999\/cwp1 ; fk:partOf id:999999\/cwp1 ; fk:order 1 ;
    fk:targetGroup id:concept\/target-group\/hostile ;
    fk:carriedOutBy id:municipality\/999999 ;
    fk:sourceFile id:source\/hostile ; fk:startLine 2 ; fk:endLine 2 .
id:concept\/target-group\/hostile skos:prefLabel "<svg onload=alert(6)>"@ja .
id:source\/hostile a fk:SourceDocument ; rdfs:label "<iframe src=javascript:alert(7)>"@ja .
"""
HOSTILE_SOURCE = "first line\n<script>alert(8)</script> cited line\nthird line\n"
HOSTILE_QUERY = "# Question: </pre><script>alert(9)</script>\nSELECT * WHERE { ?s ?p ?o } LIMIT 1\n"
MARKERS = [f"alert({n})" for n in range(1, 10)]


class LiveServer:
    """An app on a free loopback port, served from a thread (werkzeug's own server, as in development)."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()
