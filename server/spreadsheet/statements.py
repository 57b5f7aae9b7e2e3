"""The template's その他の記述 sheet: every statement of a plan that the other sheets have no column for.

Role statements, 圏域, evaluation and participation activities, indicators, findings, English names, notes on
documents, previous plans: the data model has more than a planner's table should show. So that exporting a
plan and importing it back gives the same graph (and the same compliance verdicts), whatever the three main
sheets do not carry is written here as one statement a row — subject, property, value, with the value's
language or datatype — and read back as it was written. IDs are short as in the other sheets (352136/cwp3,
municipality/352136); properties and datatypes are prefixed names (fk:roleOf, xsd:integer).
"""

import rdflib

from server.paths import BASE_IRI, ONTOLOGY_NS

ID = BASE_IRI + "id/"
TITLES = ("主語", "述語", "目的語", "言語", "データ型")
RESOURCE = "IRI"  # the データ型 of a value that is a resource, not text
PREFIXES = {
    "fk": ONTOLOGY_NS,
    "rdf": str(rdflib.RDF),
    "rdfs": str(rdflib.RDFS),
    "xsd": str(rdflib.XSD),
    "owl": str(rdflib.OWL),
    "skos": str(rdflib.SKOS),
    "dcterms": str(rdflib.DCTERMS),
    "org": "http://www.w3.org/ns/org#",
    "prov": str(rdflib.PROV),
    "schema": "https://schema.org/",
    "time": "http://www.w3.org/2006/time#",
    "eli": "http://data.europa.eu/eli/ontology#",
}


def compact(iri: str) -> str:
    if iri.startswith(ID):
        return iri.removeprefix(ID)
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri.removeprefix(ns)}"
    return iri


def expand(text: str) -> str | None:
    """The IRI a cell names, or None when it names none."""
    text = text.strip()
    if text.startswith(("http://", "https://", "urn:")):
        return text
    prefix, colon, rest = text.partition(":")
    if colon:
        return PREFIXES[prefix] + rest if prefix in PREFIXES and rest else None
    return ID + text if text else None


def statement_rows(graph: rdflib.Graph) -> list[list[str]]:
    """The graph's statements as rows, subjects grouped, in a stable order."""
    rows = []
    for s, p, o in sorted(graph):
        if isinstance(o, rdflib.Literal):
            datatype = compact(str(o.datatype)) if o.datatype else ""
            rows.append([compact(str(s)), compact(str(p)), str(o), o.language or "", datatype])
        else:
            rows.append([compact(str(s)), compact(str(p)), compact(str(o)), "", RESOURCE])
    return rows


def statements_graph(rows: list[list[str]], where: str) -> tuple[rdflib.Graph, list[str]]:
    """The sheet's rows (header first) as statements, and every problem found, one line each."""
    graph, problems = rdflib.Graph(), []
    if not rows:
        return graph, problems
    header = [h.strip() for h in rows[0]]
    if header[: len(TITLES)] != list(TITLES):
        return graph, [f"{where} 1行: 列は {', '.join(TITLES)} の順にしてください"]
    for number, row in enumerate(rows[1:], start=2):
        cells = [(row[i] if i < len(row) else "") for i in range(len(TITLES))]
        if not any(c.strip() for c in cells):
            continue
        subject, predicate, value, lang, datatype = cells
        s, p = expand(subject), expand(predicate)
        if s is None:
            problems.append(f"{where} {number}行 列『主語』: 『{subject}』は ID でも IRI でもありません")
        if p is None or ":" not in predicate:
            known = ", ".join(f"{k}:" for k in PREFIXES)
            problems.append(f"{where} {number}行 列『述語』: 『{predicate}』は使えません。接頭辞: {known}")
        if datatype.strip() == RESOURCE:
            o = expand(value)
            if o is None:
                problems.append(f"{where} {number}行 列『目的語』: 『{value}』は ID でも IRI でもありません")
            obj = rdflib.URIRef(o) if o else None
        elif datatype.strip():
            dt = expand(datatype)
            if dt is None or ":" not in datatype:
                problems.append(
                    f"{where} {number}行 列『データ型』: 『{datatype}』は使えません（IRI、xsd:integer など）"
                )
            obj = rdflib.Literal(value, datatype=rdflib.URIRef(dt)) if dt else None
        else:
            obj = rdflib.Literal(value, lang=lang.strip() or None)
        if s and p and obj is not None:
            graph.add((rdflib.URIRef(s), rdflib.URIRef(p), obj))
    return graph, problems
