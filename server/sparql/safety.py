"""Inspecting a query before it runs: what would make the server act on the query's behalf.

What pyoxigraph does with each construct decides what must be checked here:
- SERVICE makes an HTTP request to the named endpoint. It is refused unless every endpoint is in
  SERVICE_ALLOWLIST (a variable endpoint never is).
- LOAD (and every other update operation) would fetch or change data: updates are refused outright.
- FROM / FROM NAMED (and the protocol's default-graph-uri / named-graph-uri) only choose among the graphs already
  in the store; pyoxigraph never dereferences them, so they need no check. tests/sparql/test_safety.py holds
  that claim to account with a listener that must see no connection.

Detection is lexical and errs on the side of refusing. pyoxigraph's grammar does not require a keyword to end
at a word boundary (`SERVICEex:x {…}` is a SERVICE clause to it), so every occurrence of "service", in any case,
outside a string, an IRI, a comment or a variable name counts as a SERVICE clause. Those four are tokenised as
the grammar does (an IRI admits no white space, so `?a < ?b` is not one; `\\#` in a prefixed name is not a
comment). Only when SERVICE is present and an allowlist is configured is the query parsed (with rdflib's SPARQL
parser) to learn the endpoints, and then the parse must find as many SERVICE clauses as the scan did.
"""

import re
from functools import lru_cache

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# One alternative per token class, tried in this order at each position. Strings and IRIs follow the SPARQL
# grammar's terminals (IRIREF admits no white space, so `?a < ?b` is not an IRI).
_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*)?:
                (?:[\w\-.:\u00b7\u00c0-\uffff]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*)
    | (?P<word>[A-Za-z_][\w\-]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(text: str) -> list[tuple[str, str]]:
    """(class, text) pairs, white space and comments dropped."""
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup not in ("ws", "comment")]


def _first_keyword(toks) -> str | None:
    """The first keyword after the prologue (BASE / PREFIX declarations): the query form or update verb."""
    i = 0
    while i < len(toks):
        kind, text = toks[i]
        upper = text.upper()
        if kind == "word" and upper == "BASE":
            i += 2
        elif kind == "word" and upper == "PREFIX":
            i += 3
        elif kind == "word":
            return upper
        else:
            return None
    return None


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, an update keyword, or None when the text starts with none of them."""
    return _first_keyword(tokens(query))


def service_count(query: str) -> int:
    """How many SERVICE clauses pyoxigraph could find in the query, counted generously (see above)."""
    if "service" not in query.lower():  # fast path: most queries never mention it
        return 0
    return sum(text.upper().count("SERVICE") for kind, text in tokens(query) if kind not in ("string", "iri", "var"))


def check(query: str, allowlist=(), base_iri: str | None = None) -> str | None:
    """Raise Refused when the query may not run; otherwise return its form (None if unrecognised)."""
    return _check(query, tuple(allowlist), base_iri)


@lru_cache(maxsize=512)
def _check(query: str, allowlist: tuple[str, ...], base_iri: str | None) -> str | None:
    form = query_form(query)
    if form in UPDATE_KEYWORDS:
        raise Refused(403, f"SPARQL Update ({form}) is not accepted: this endpoint is read-only")
    count = service_count(query)
    if count == 0:
        return form
    if not allowlist:
        raise Refused(403, "SERVICE is not allowed on this endpoint (no federated endpoint is allow-listed)")
    endpoints = service_endpoints(query, base_iri)
    if len(endpoints) != count:
        raise Refused(400, "the SERVICE clauses of this query could not be checked")
    for endpoint in endpoints:
        if endpoint is None:
            raise Refused(403, "SERVICE with a variable endpoint is not allowed")
        if endpoint not in allowlist:
            raise Refused(403, f"SERVICE <{endpoint}> is not allowed: the endpoint is not in the allowlist")
    return form


def service_endpoints(query: str, base_iri: str | None = None) -> list[str | None]:
    """Every SERVICE endpoint IRI in the query (None for a variable), by rdflib's parser and algebra."""
    from rdflib import URIRef
    from rdflib.plugins.sparql.algebra import translateQuery, traverse
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = translateQuery(parseQuery(query), base=base_iri).algebra
    except Exception as exc:  # rdflib raises pyparsing and other errors alike for text it cannot read
        raise Refused(400, f"the query mentions SERVICE and could not be parsed to check it: {exc}") from exc
    found = []

    def visit(node):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            term = node.get("term")
            found.append(str(term) if isinstance(term, URIRef) else None)

    traverse(algebra, visitPre=visit)
    return found
