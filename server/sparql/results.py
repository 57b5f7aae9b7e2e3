"""Serialising query answers: SPARQL results (JSON, XML, CSV, TSV) and RDF graphs (Turtle, N-Triples, JSON-LD,
RDF/XML).

Solutions are written here rather than by pyoxigraph's serialisers because the answer may be cut at MAX_ROWS,
and a cut answer must say so in-band: a top-level "truncated" member in JSON (clients ignore unknown members,
so the document stays valid SPARQL JSON) and a <link> in the XML head (which the XML results schema allows).
Graphs are few and plain, so pyoxigraph writes them.
"""

import csv
import io
import json
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

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
BOOLEAN_FORMATS = {
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
    return _SOLUTION_WRITERS[key](variables, rows, truncated)


def write_boolean(key: str, result: ox.QueryBoolean) -> bytes:
    return result.serialize(format=BOOLEAN_FORMATS[key])


def write_graph(key: str, triples: list) -> bytes:
    return ox.serialize(triples, format=RDF_FORMATS[key], prefixes=PREFIXES)


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


def _write_json(variables, rows, truncated) -> bytes:
    bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    if truncated:
        doc["truncated"] = True
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"unexpected term {term!r}")


def _write_xml(variables, rows, truncated) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    if truncated:
        out.append(f"<link href={quoteattr(TRUNCATED_LINK)}/>")
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        out += [
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, row, strict=True)
            if t is not None
        ]
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(term) -> str:
    # SPARQL 1.1 CSV: lexical forms only (no datatype or language), blank nodes as _:label.
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _write_csv(variables, rows, truncated) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _write_tsv(variables, rows, truncated) -> bytes:
    # SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax, which pyoxigraph's str() gives with tabs and newlines
    # escaped, so a value can never break a row.
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


_SOLUTION_WRITERS = {"json": _write_json, "xml": _write_xml, "csv": _write_csv, "tsv": _write_tsv}
