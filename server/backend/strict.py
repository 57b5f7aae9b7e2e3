"""What the front forwards to an existing SPARQL engine: one standard SPARQL 1.1 query over this dataset's
graphs, and nothing else.

The local workers run only what pyoxigraph's query parser accepts, so there an update hidden after a query
(`SELECT * WHERE {} ; INSERT DATA {…}`) is a syntax error. An engine may accept more: several operations in one
request, its own prologue (Virtuoso's `DEFINE get:soft "replace"` makes FROM <http://…> fetch and load the
document), predefined prefixes whose functions reach its host (Virtuoso's `bif:` and `sql:`), FROM naming any
graph it can load. So the whole text is checked before it goes out, with the same tokeniser as the read-only and
SERVICE checks (server.sparql.safety), and, as they do, it errs on the side of refusing:
- every bare word is a SPARQL 1.1 keyword or built-in function (DEFINE, LOAD, INSERT … are not);
- no `;` outside brackets: one operation per request;
- every prefixed name's prefix is declared by the query (standard SPARQL has no predefined prefixes);
- every graph the dataset names (FROM, FROM NAMED, the protocol's default-graph-uri and named-graph-uri) is one
  this server publishes.

Why not a full parse: pyoxigraph exposes no parse-only call (giving the text to an empty store spent 74 s on a
250-pattern group), and rdflib's parser recurses once per triple (a 100-pattern group exceeds Python's limit).
The engine parses the text anyway; this check decides only what it is allowed to see.
"""

from server.sparql import safety

KEYWORDS = set(
    """
    BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP BY HAVING ORDER ASC DESC
    LIMIT OFFSET VALUES UNDEF OPTIONAL GRAPH SERVICE SILENT BIND MINUS FILTER UNION IN NOT EXISTS SEPARATOR A TRUE
    FALSE LATERAL COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND
    ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR
    MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG
    STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRIPLE SUBJECT PREDICATE OBJECT
    ISTRIPLE LANGDIR HASLANG HASLANGDIR STRLANGDIR
    """.split()
)


class NotForwarded(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def check(query: str, allowed_graphs: set[str], default_graphs=(), named_graphs=(), base_iri=None) -> None:
    """Raise NotForwarded (status, message) unless `query` may go to the engine."""
    toks = safety.tokens(query)
    declared = {toks[i + 1][1].partition(":")[0] for i in range(len(toks) - 1) if _is(toks[i], "PREFIX")}
    depth = 0
    for i, (kind, text) in enumerate(toks):
        before = toks[i - 1] if i else ("", "")
        if kind == "other":
            depth += text in safety.OPENERS
            depth -= text in safety.CLOSERS
            if text == ";" and depth <= 0:
                raise NotForwarded(400, "only one SPARQL query is accepted per request (`;` separates operations)")
        elif kind == "word" and text.upper() not in KEYWORDS:
            if before[1] == "@" or (_exponent(text) and before[1][-1:].isdigit()) or _blank_node(toks, i):
                continue  # a language tag, a number's exponent, a blank node's `_`
            if text.upper() in safety.UPDATE_KEYWORDS:
                raise NotForwarded(403, f"SPARQL Update ({text.upper()}) is not accepted: this endpoint is read-only")
            raise NotForwarded(
                400,
                f"`{text[:40]}` is not SPARQL 1.1: this endpoint forwards standard queries only "
                "(no engine-specific prologue such as DEFINE)",
            )
        elif kind == "pname" and before[1] != "_" and not _is(before, "PREFIX"):
            prefix = text.partition(":")[0]
            if prefix not in declared:
                raise NotForwarded(400, f"the prefix `{prefix[:40]}:` is not declared (PREFIX {prefix[:40]}: <…>)")
    for iri in [*dataset_iris(toks, base_iri), *(default_graphs or ()), *(named_graphs or ())]:
        if iri not in allowed_graphs:
            raise NotForwarded(
                403,
                f"FROM / FROM NAMED / default-graph-uri may only name this dataset's graphs; <{iri[:200]}> is not "
                "one of them (the engine is not asked to load data)",
            )


def _is(token, word: str) -> bool:
    return token[0] == "word" and token[1].upper() == word


def _exponent(text: str) -> bool:
    body = text[1:].lstrip("+-")
    return text[:1] in "eE" and (body == "" or body.isdigit())


def _blank_node(toks, i: int) -> bool:
    return toks[i][1] == "_" and i + 1 < len(toks) and toks[i + 1][0] == "pname"


def dataset_iris(toks, base_iri: str | None = None) -> list[str]:
    """The IRIs of the query's FROM and FROM NAMED clauses (prefixed names expanded), from its tokens."""
    prefixes, found, i = {}, [], 0
    while i < len(toks):
        if _is(toks[i], "PREFIX") and i + 2 < len(toks):
            prefixes[toks[i + 1][1].partition(":")[0]] = toks[i + 2][1][1:-1]
            i += 3
            continue
        if _is(toks[i], "FROM"):
            j = i + 1 + (i + 1 < len(toks) and _is(toks[i + 1], "NAMED"))
            if j >= len(toks):
                break
            kind, term = toks[j]
            if kind == "iri":
                iri = term[1:-1]
                found.append(iri if ":" in iri or not base_iri else base_iri + iri)
            elif kind == "pname":
                prefix, _, local = term.partition(":")
                found.append(prefixes.get(prefix, "") + local)
            else:
                found.append(term)  # not a graph name: refused as one this server does not publish
            i = j + 1
            continue
        i += 1
    return found
