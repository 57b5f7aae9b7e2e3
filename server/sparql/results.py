"""Serialising query answers: SPARQL results (JSON, XML, CSV, TSV) and RDF graphs (Turtle, N-Triples, JSON-LD,
RDF/XML).

pyoxigraph's own writers write every answer. An answer may be cut at MAX_ROWS rows, so the executor takes the
rows first; the rows kept are handed to pyoxigraph as the SPARQL TSV results they are (terms in their N-Triples
form, which str() of a pyoxigraph term gives, tabs and line breaks escaped) and written from there in the format
asked. A cut answer says so in-band: a top-level "truncated" member in JSON (clients ignore unknown members, so
the document stays valid SPARQL JSON) and a <link> at the end of the XML head (where the XML results schema
puts links).
"""

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
TRUNCATED_LINK = "urn:fukushi-kg:truncated"  # the XML results <link> that marks a cut answer


@dataclass(frozen=True)
class Format:
    key: str
    media_type: str  # what the response is labelled with
    content_type: str  # media type plus charset where the type needs one
    aliases: tuple[str, ...] = ()  # other media types a client may ask for to get this format


SOLUTION_FORMATS = {
    f.key: f
    for f in (
        Format("json", "application/sparql-results+json", "application/sparql-results+json", ("application/json",)),
        Format(
            "xml",
            "application/sparql-results+xml",
            "application/sparql-results+xml; charset=utf-8",
            ("application/xml", "text/xml"),
        ),
        Format("csv", "text/csv", "text/csv; charset=utf-8"),
        Format("tsv", "text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
    )
}
GRAPH_FORMATS = {
    f.key: f
    for f in (
        Format("turtle", "text/turtle", "text/turtle; charset=utf-8", ("application/x-turtle", "application/turtle")),
        Format("ntriples", "application/n-triples", "application/n-triples", ("text/plain",)),
        Format("jsonld", "application/ld+json", "application/ld+json", ("application/json", "application/x-json+ld")),
        Format("rdfxml", "application/rdf+xml", "application/rdf+xml; charset=utf-8", ("application/xml", "text/xml")),
    )
}
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

# Prefixes for Turtle and RDF/XML output, so that a CONSTRUCT reads like the data files.
PREFIXES = {
    "fk": "https://w3id.org/fukushi-kg/ontology#",
    "muni": "https://w3id.org/fukushi-kg/id/municipality/",
    "src": "https://w3id.org/fukushi-kg/id/source/",
    "law": "https://w3id.org/fukushi-kg/id/law/",
    "tg": "https://w3id.org/fukushi-kg/id/concept/target-group/",
    "fn": "https://w3id.org/fukushi-kg/id/concept/multilayered-function/",
    "rp": "https://w3id.org/fukushi-kg/id/concept/recidivism-priority/",
    "tp": "https://w3id.org/fukushi-kg/id/concept/topic/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}


def offers(formats: dict[str, Format]) -> list[tuple[str, str]]:
    """(media type, key) pairs for negotiation: canonical types first, in the table's order, then aliases."""
    canonical = [(f.media_type, f.key) for f in formats.values()]
    return canonical + [(alias, f.key) for f in formats.values() for alias in f.aliases]


# ---------------------------------------------------------------------------------------------------------------
# Solutions


def write_solutions(key: str, variables: list[str], rows: list[list], truncated: bool = False) -> bytes:
    """Serialise SELECT solutions; `rows` hold pyoxigraph terms (None where unbound) in `variables` order."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if term is None else _nt(term) for term in row) for row in rows]
    tsv = ("\n".join(lines) + "\n").encode("utf-8")
    solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    body = solutions.serialize(format=RESULTS_FORMATS[key])
    if truncated and key == "json":
        body = b'{"truncated":true,' + body[1:]
    elif truncated and key == "xml":
        head, _, rest = body.partition(b"</head>")
        body = head + f"<link href={quoteattr(TRUNCATED_LINK)}/>".encode() + b"</head>" + rest
    return body


def _nt(term) -> str:
    """A term as SPARQL TSV writes it: N-Triples, with RDF 1.2 triple terms as <<( s p o )>>."""
    if isinstance(term, ox.Triple):
        return f"<<( {_nt(term.subject)} {_nt(term.predicate)} {_nt(term.object)} )>>"
    return str(term)


def write_boolean(key: str, result: ox.QueryBoolean) -> bytes:
    return result.serialize(format=RESULTS_FORMATS[key])


def write_graph(key: str, triples: list) -> bytes:
    return ox.serialize(triples, format=RDF_FORMATS[key], prefixes=PREFIXES)
