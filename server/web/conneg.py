"""Content negotiation for Linked Data: HTML or an RDF syntax by `Accept` (q-values) or `?format=`."""

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Response, abort, request

from server.sparql.negotiation import choose


@dataclass(frozen=True)
class Format:
    key: str
    media_type: str
    label: str
    extension: str
    aliases: tuple = ()


# Order matters: on equal q-values the earlier offer wins, so a browser's "text/html, */*" gets HTML and an
# RDF client that accepts several syntaxes gets Turtle.
FORMATS = (
    Format("html", "text/html", "HTML", "html", ("application/xhtml+xml",)),
    Format("ttl", "text/turtle", "Turtle", "ttl", ("application/x-turtle",)),
    Format("nt", "application/n-triples", "N-Triples", "nt"),
    Format("jsonld", "application/ld+json", "JSON-LD", "jsonld", ("application/json",)),
    Format("rdf", "application/rdf+xml", "RDF/XML", "rdf"),
)
BY_KEY = {f.key: f for f in FORMATS}
BY_MEDIA_TYPE = {mt: f for f in FORMATS for mt in (f.media_type, *f.aliases)}
RDF_FORMATS = tuple(f for f in FORMATS if f.key != "html")
OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}


def negotiate(offers=FORMATS) -> Format:
    """The representation to send; 400 for an unknown ?format=, 406 when Accept allows none of ours."""
    wanted = request.args.get("format")
    if wanted:
        fmt = BY_KEY.get(wanted) or BY_MEDIA_TYPE.get(wanted)
        if fmt is None or fmt not in offers:
            keys = [f.key for f in offers]
            abort(
                400,
                description=f"形式 {wanted!r} は扱えません（{'・'.join(keys)} のいずれか） / "
                f"unknown format {wanted!r}; use one of: {', '.join(keys)}",
            )
        return fmt
    if not request.headers.get("Accept"):
        return offers[0]
    # The endpoint's own negotiation (RFC 9110 rules): parameters such as charset=utf-8 or a JSON-LD profile do
    # not make a media range miss, as they did with werkzeug's best_match (406 for text/turtle;charset=utf-8).
    media_types = [(mt, mt) for f in offers for mt in (f.media_type, *f.aliases)]
    best = choose(request.headers.get("Accept"), media_types)
    if best is None:
        abort(406, description="acceptable: " + ", ".join(f.media_type for f in offers))
    return BY_MEDIA_TYPE[best]


def format_links(path: str, offers=FORMATS) -> list[tuple[Format, str]]:
    return [(f, f"{path}?format={f.key}") for f in offers]


def serialize(triples: list, fmt: Format, prefixes: dict) -> bytes:
    used = _used_prefixes(triples, prefixes)
    if fmt.key == "jsonld":
        return _jsonld(triples, used)
    return ox.serialize(triples, format=OX_FORMATS[fmt.key], prefixes=used if fmt.key != "nt" else None)


def _used_prefixes(triples, prefixes: dict) -> dict:
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal) and term.datatype is not None:
                iris.add(term.datatype.value)
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


def _jsonld(triples, prefixes: dict) -> bytes:
    """Compacted against a context of prefixes only, so any JSON-LD processor reads it without fetching."""
    import rdflib

    graph = rdflib.Graph()
    for t in triples:
        graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    return graph.serialize(format="json-ld", context=dict(prefixes), auto_compact=True, encoding="utf-8")


def _to_rdflib(term):
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def rdf_response(triples: list, fmt: Format, prefixes: dict, path: str) -> Response:
    body = serialize(triples, fmt, prefixes)
    resp = Response(body, content_type=f"{fmt.media_type}; charset=utf-8")
    describe_representation(resp, fmt, path)
    return resp


def describe_representation(resp: Response, fmt: Format, path: str, offers=FORMATS) -> Response:
    """Same-URI negotiation: say what varies, which variant this is, and where each variant lives."""
    resp.vary.add("Accept")
    resp.headers["Content-Location"] = f"{path}?format={fmt.key}"
    resp.headers["Link"] = ", ".join(
        f'<{href}>; rel="alternate"; type="{f.media_type}"' for f, href in format_links(path, offers)
    )
    return resp
