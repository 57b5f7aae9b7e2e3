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

The same token scan refuses queries whose shape would exhaust the engine's stack: pyoxigraph's parser and
evaluator recurse once per nesting level and once per link of a UNION / OPTIONAL / operator chain, and a
query such as 2,200 nested groups, STR( nested 953 deep or 6,500 UNIONs kills the process with SIGSEGV
(no Python exception is raised). The limits below are far under what crashes a worker (which also runs the
query on a large stack, server.sparql.worker) and far over what a real query needs.
"""

import hashlib
import re
import threading
from collections import OrderedDict

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
MAX_DEPTH = 64  # nesting of { ( [ — each level is a recursion in the engine
MAX_CHAIN = 1000  # binary links (UNION, OPTIONAL, MINUS, ||, &&, path / and |) — each one is a tree level
CHAIN_WORDS = {"UNION", "OPTIONAL", "MINUS"}
CHAIN_SYMBOLS = {"|", "/", "&"}  # path `/` and `|`; `||` and `&&` arrive as two tokens and count once
OPENERS, CLOSERS = "{([", "})]"


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


def check_shape(toks) -> None:
    """Refuse (400) a query nested deeper than MAX_DEPTH or with more than MAX_CHAIN chained operators."""
    depth = deepest = chain = 0
    previous = ""
    for kind, text in toks:
        doubled, previous = text == previous and text in "|&", text
        if doubled:
            previous = ""
            continue
        if kind == "other":
            if text in OPENERS:
                depth += 1
                deepest = max(deepest, depth)
            elif text in CLOSERS:
                depth -= 1
            elif text in CHAIN_SYMBOLS:
                chain += 1
        elif kind == "word" and text.upper() in CHAIN_WORDS:
            chain += 1
    if deepest > MAX_DEPTH:
        raise Refused(400, f"the query is nested {deepest} levels deep; this endpoint accepts at most {MAX_DEPTH}")
    if chain > MAX_CHAIN:
        raise Refused(
            400,
            f"the query chains {chain} UNION/OPTIONAL/MINUS/operator links; this endpoint accepts at most {MAX_CHAIN}",
        )


class _Verdicts:
    """The checks' outcomes for recent queries, keyed by the text's SHA-256 so that the cache holds 64 bytes
    per query whatever its size (a cache keyed on the text itself kept 560 one-MiB queries alive)."""

    def __init__(self, size: int = 1024):
        self.size = size
        self.items: OrderedDict[bytes, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: bytes):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key: bytes, verdict) -> None:
        # A refusal's message may quote the query (a SERVICE IRI, a parser's error): kept short, so that a
        # kept verdict costs a few hundred bytes whatever the query.
        verdict = tuple(v[:MAX_MESSAGE] + "…" if isinstance(v, str) and len(v) > MAX_MESSAGE else v for v in verdict)
        with self.lock:
            self.items[key] = verdict
            while len(self.items) > self.size:
                self.items.popitem(last=False)


MAX_MESSAGE = 500
_VERDICTS = _Verdicts()


def check(query: str, allowlist=(), base_iri: str | None = None) -> str | None:
    """Raise Refused when the query may not run; otherwise return its form (None if unrecognised)."""
    return checked(query, allowlist, base_iri)[0]


def checked(query: str, allowlist=(), base_iri: str | None = None) -> tuple[str | None, int | None]:
    """check(), and the most rows the query can answer when its text says so (row_bound)."""
    allowlist = tuple(allowlist)
    key = hashlib.sha256(repr((query, allowlist, base_iri)).encode("utf-8", "surrogatepass")).digest()
    verdict = _VERDICTS.get(key)
    if verdict is None:
        try:
            verdict = ("ok", *_check(query, allowlist, base_iri))
        except Refused as exc:
            verdict = ("refused", exc.status, exc.message)
        _VERDICTS.put(key, verdict)
    if verdict[0] == "refused":
        raise Refused(verdict[1], verdict[2])
    return verdict[1], verdict[2]


def row_bound(toks) -> int | None:
    """The LIMIT of a query whose text ends with its solution modifiers' LIMIT (and OFFSET), in either order:
    after the last closing brace nothing but the outermost query's modifiers can stand, so no answer has more
    rows. None when the text ends otherwise (a VALUES block, ORDER BY, no LIMIT)."""
    i, limit = len(toks), None
    for _ in range(2):
        j = i
        while j > 0 and toks[j - 1][0] == "other" and toks[j - 1][1].isdigit():
            j -= 1
        if j == i or j == 0 or toks[j - 1][0] != "word":
            break
        keyword = toks[j - 1][1].upper()
        if keyword == "LIMIT" and limit is None:
            limit = int("".join(text for _, text in toks[j:i]))
        elif keyword != "OFFSET":
            break
        i = j - 1
    return limit


def _check(query: str, allowlist: tuple[str, ...], base_iri: str | None) -> tuple[str | None, int | None]:
    toks = tokens(query)
    form = _first_keyword(toks)
    if form in UPDATE_KEYWORDS:
        raise Refused(403, f"SPARQL Update ({form}) is not accepted: this endpoint is read-only")
    check_shape(toks)
    count = service_count(query)
    bound = row_bound(toks)
    if count == 0:
        return form, bound
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
    return form, bound


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


# A line with FROM before any `#`: only such a query is scanned for the keyword (the competency queries say
# "from" in their comments).
_MAYBE_FROM = re.compile(r"^[^#\n]*\bfrom\b", re.IGNORECASE | re.MULTILINE)


def dataset_naming(query: str, whole_graph: str, base_iri: str | None = None) -> tuple:
    """(default graphs, named graphs) of the query's FROM / FROM NAMED clauses when one of them names the whole
    graph, else (None, None) and pyoxigraph reads the clauses itself.

    The whole graph is the store's default graph, which a FROM clause cannot name, so a query that says
    FROM <…/graph> gets its dataset passed to pyoxigraph explicitly (server.sparql.jobs.execute maps the name).
    Only queries that mention FROM are parsed, by rdflib as for SERVICE; one it cannot read is left to
    pyoxigraph, whose error the client gets."""
    if not _MAYBE_FROM.search(query) or not any(
        kind == "word" and text.upper() == "FROM" for kind, text in tokens(query)
    ):
        return None, None
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        clauses = translateQuery(parseQuery(query), base=base_iri).algebra.get("datasetClause") or []
    except Exception:  # rdflib raises pyparsing and other errors alike for text it cannot read
        return None, None
    default = tuple(str(c["default"]) for c in clauses if "default" in c)
    named = tuple(str(c["named"]) for c in clauses if "named" in c)
    if whole_graph not in default + named:
        return None, None
    return default, named
