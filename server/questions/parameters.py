"""Parameter values for a named question: checked against the code lists, then written into the question's own
`VALUES ?var { … }` block (SPARQL 1.1 inline data) as terms taken from those lists.

No text from a request reaches the query: a municipality code is checked (six digits, check digit, 総務省's
list in data/reference/) and replaced by the IRI the graph gives that code; a prefecture (JIS code, six-digit
code or name, as data/prefectures.ttl lists them) by the IRIs of its municipalities in the graph; a target group
or a function by the concept's IRI in ontology/vocabularies.ttl; a fiscal year by an integer. The block is found
in the query's body with comments, strings and IRIs masked, so a word in a comment is never taken for it.

Why a VALUES block in the body rather than a trailing VALUES clause: a trailing one joins after GROUP BY and
after a sub-query has already run over every municipality; one at the head of the group binds ?city first, so
the engine evaluates one municipality's triples (pyoxigraph and Oxigraph's server start from the smallest
pattern). Why not pyoxigraph's `substitutions`: the endpoint, Oxigraph's server and other engines take a query
text, and the text users copy from a page must say what it asks.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from server.paths import BASE_IRI, DATA_DIR, ONTOLOGY_DIR

FK = BASE_IRI + "ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SCHEMES = {
    "target-group": BASE_IRI + "id/concept/target-group/",
    "function": BASE_IRI + "id/concept/multilayered-function/",
}
MAX_MUNICIPALITIES = 50  # a comparison, not the country: the country is the unfiltered question
FISCAL_YEARS = range(1947, 2101)  # 社会福祉法's predecessor (1951) onward, with room; Gregorian

_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
_VALUES = re.compile(r"\bVALUES\s+\?(\w+)\s*\{([^{}]*)\}", re.IGNORECASE)


class ParameterError(ValueError):
    """A value that is not in its code list: the message says which and what is expected (Japanese first)."""


def _masked(text: str) -> str:
    """The query with comments and string literals blanked (same length); IRIs kept but their `#` hidden."""
    out = list(text)
    for match in _TOKENS.finditer(text):
        start, end = match.span()
        token = match.group()
        if token.startswith("<"):
            for i in range(start, end):
                if out[i] in "#{}":
                    out[i] = "_"
        else:
            out[start:end] = " " * (end - start)
    return "".join(out)


def values_blocks(text: str) -> dict[str, list[tuple[int, int]]]:
    """{variable: [(start, end) of the block's contents]} for every single-variable VALUES block in the body."""
    found: dict[str, list[tuple[int, int]]] = {}
    for match in _VALUES.finditer(_masked(text)):
        found.setdefault(match.group(1), []).append(match.span(2))
    return found


def substitute(text: str, contents: dict[str, list[str]]) -> str:
    """The query with each named variable's VALUES block holding `contents[var]` (SPARQL terms already written
    by pyoxigraph or from an integer). An empty list leaves the block empty: the question has no rows."""
    blocks = values_blocks(text)
    edits = []
    for variable, terms in contents.items():
        for span in blocks[variable]:  # every block of the variable (sub-queries repeat it)
            edits.append((span, " " + " ".join(terms) + " "))
    for (start, end), body in sorted(edits, reverse=True):
        text = text[:start] + body + text[end:]
    return text


@dataclass(frozen=True)
class Choice:
    """One entry of a code list as a form offers it."""

    value: str  # what goes in the URL
    label: str
    iri: str = ""


@lru_cache(maxsize=1)
def prefectures() -> tuple[tuple[str, str, str, str], ...]:
    """(JIS code, six-digit code, name, IRI) of the 47 prefectures, from data/prefectures.ttl."""
    store = ox.Store()
    store.load(path=str(DATA_DIR / "prefectures.ttl"), format=ox.RdfFormat.TURTLE)
    rows = store.query(
        f"""SELECT ?p ?notation ?code ?label WHERE {{
              ?p a <{FK}Prefecture> ; <{SKOS}notation> ?notation ; <{FK}localGovernmentCode> ?code ;
                 <{RDFS}label> ?label . FILTER(lang(?label) = "ja") }} ORDER BY ?notation"""
    )
    return tuple((r["notation"].value, r["code"].value, r["label"].value, r["p"].value) for r in rows)


@lru_cache(maxsize=1)
def concepts() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """{parameter: ((local name, Japanese label, IRI), …)} of each concept scheme, from ontology/vocabularies.ttl,
    in notation order where the scheme numbers its concepts, else by label."""
    store = ox.Store()
    store.load(path=str(ONTOLOGY_DIR / "vocabularies.ttl"), format=ox.RdfFormat.TURTLE)
    out = {}
    for name, scheme in SCHEMES.items():
        rows = store.query(
            f"""SELECT ?c ?label ?notation WHERE {{
                  ?c <{SKOS}inScheme> <{scheme}> ; <{SKOS}prefLabel> ?label . FILTER(lang(?label) = "ja")
                  OPTIONAL {{ ?c <{SKOS}notation> ?notation }} }} ORDER BY ?notation ?label"""
        )
        out[name] = tuple((r["c"].value.removeprefix(scheme), r["label"].value, r["c"].value) for r in rows)
    return out


def _clean(raw: str) -> str:
    return unicodedata.normalize("NFKC", str(raw)).strip()


def prefecture_iri(raw: str) -> str:
    value = _clean(raw)
    for notation, code, name, iri in prefectures():
        if value in (notation, code, name, iri) or (value.isdigit() and len(value) == 1 and "0" + value == notation):
            return iri
    raise ParameterError(
        f"都道府県 {value!r} は data/prefectures.ttl にありません（01–47 の JIS コード、6桁の団体コードか名前） / "
        f"prefecture {value!r} is not in data/prefectures.ttl: give its JIS code (01–47), six-digit code or name"
    )


def concept_iri(kind: str, raw: str) -> str:
    value = _clean(raw)
    what = {"target-group": ("対象者", "target group"), "function": ("重層的支援の機能", "function")}[kind]
    for local, label, iri in concepts()[kind]:
        if value in (local, label, iri):
            return iri
    known = ", ".join(local for local, _, _ in concepts()[kind])
    raise ParameterError(
        f"{what[0]} {value!r} は ontology/vocabularies.ttl の概念にありません / {what[1]} {value!r} is not a "
        f"concept of its scheme in ontology/vocabularies.ttl (known: {known})"
    )


def fiscal_year(raw: str) -> int:
    value = _clean(raw)
    if not value.isdigit() or int(value) not in FISCAL_YEARS:
        raise ParameterError(
            f"年度 {value!r} は西暦の年（{FISCAL_YEARS.start}–{FISCAL_YEARS.stop - 1}）で指定してください / "
            f"fiscal year {value!r}: give a Gregorian year ({FISCAL_YEARS.start}–{FISCAL_YEARS.stop - 1})"
        )
    return int(value)


@lru_cache(maxsize=1)
def _listed_codes() -> dict[str, str]:
    """{code: municipality name} of 総務省's 全国地方公共団体コード (data/reference/), prefectures left out."""
    import csv

    with (DATA_DIR / "reference" / "local-government-codes.csv").open(encoding="utf-8", newline="") as f:
        return {row["code"]: row["city"] for row in csv.DictReader(f) if row["city"]}


def _check_digit(first_five: str) -> str:
    # 総務省's rule (as server.importer.codes, which this module does not import: the pages must not reach the
    # importer): weights 6..2, 11 minus the remainder mod 11, its last digit.
    rest = 11 - sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True)) % 11
    return str(rest - 10 if rest >= 10 else rest)


def municipality_codes(raw: str, known_in_graph) -> list[str]:
    """Six-digit codes from a comma- or space-separated list, each in 総務省's list (data/reference/) or held by
    a municipality in the graph (`known_in_graph(code)`: synthetic test data uses codes the list lacks)."""
    codes = [c for c in re.split(r"[,\s、，]+", _clean(raw)) if c]
    if not codes:
        raise ParameterError("市町村コードが空です / the municipality code is empty")
    if len(codes) > MAX_MUNICIPALITIES:
        raise ParameterError(
            f"市町村は{MAX_MUNICIPALITIES}件までです（{len(codes)}件）。都道府県で絞ってください / at most "
            f"{MAX_MUNICIPALITIES} municipalities ({len(codes)} given): choose a prefecture instead"
        )
    for code in codes:
        if not (len(code) == 6 and code.isdigit()):
            raise ParameterError(
                f"市町村コード {code}: 全国地方公共団体コードは6桁です（例 082368） / municipality code {code!r}: "
                "a 全国地方公共団体コード has six digits (e.g. 082368)"
            )
        if _check_digit(code[:5]) != code[5]:
            right = code[:5] + _check_digit(code[:5])
            raise ParameterError(
                f"市町村コード {code}: 検査数字は {right[5]} です（{right} ?） / municipality code {code}: the check "
                f"digit should be {right[5]} (did you mean {right}?)"
            )
        if code not in _listed_codes() and not known_in_graph(code):
            raise ParameterError(
                f"市町村コード {code}: 全国地方公共団体コードの市町村にありません / municipality code {code}: no "
                "municipality has this code (総務省 全国地方公共団体コード, data/reference/)"
            )
    return codes


class Lookup:
    """What the graph says about municipalities: IRIs by code, members of a prefecture. `select(sparql)` runs one
    of our fixed queries and returns rows of {variable: value as text}."""

    def __init__(self, select):
        self.select = select

    def municipality_iris(self, codes: list[str]) -> list[str]:
        rows = self.select(
            f"SELECT ?m ?code WHERE {{ VALUES ?code {{ {' '.join(str(ox.Literal(c)) for c in codes)} }} "
            f"?m a <{FK}Municipality> ; <{FK}localGovernmentCode> ?code }}"
        )
        return sorted({r["m"] for r in rows})

    def has_code(self, code: str) -> bool:
        return bool(self.municipality_iris([code]))

    def prefecture_members(self, prefecture: str) -> list[str]:
        rows = self.select(
            f"SELECT ?m WHERE {{ ?m a <{FK}Municipality> ; <{FK}prefecture> {ox.NamedNode(prefecture)} }}"
        )
        return sorted({r["m"] for r in rows})


def store_select(store: ox.Store):
    """A `select` for Lookup over a pyoxigraph store (the command line's)."""

    def select(sparql: str) -> list[dict]:
        solutions = store.query(sparql)
        names = [v.value for v in solutions.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]

    return select


@dataclass
class Bound:
    """A question's query with parameter values in place, and what the values were read as."""

    text: str
    given: dict  # parameter -> the cleaned value as the URL keeps it
    cities: list[str] | None  # the municipalities ?city is restricted to; None: open


def bind(question, raw: dict, lookup: Lookup) -> Bound:
    """The question's query with `raw` ({parameter: text}) in its VALUES blocks. Parameters the question does not
    declare, and empty values, are refused or ignored respectively; ParameterError says what is wrong."""
    given = {k: _clean(v) for k, v in raw.items() if v is not None and _clean(v) != ""}
    unknown = sorted(set(given) - set(question.parameter_names))
    if unknown:
        offered = ", ".join(question.parameter_names) or "なし / none"
        raise ParameterError(
            f"この問いにパラメータ {', '.join(unknown)} はありません（使えるもの: {offered}） / "
            f"{question.name} takes no parameter {', '.join(unknown)} (it takes: {offered})"
        )
    contents: dict[str, list[str]] = {}
    cities = None
    if "municipality" in given:
        codes = municipality_codes(given["municipality"], lookup.has_code)
        given["municipality"] = ",".join(codes)
        cities = lookup.municipality_iris(codes)
    if "prefecture" in given:
        pref = prefecture_iri(given["prefecture"])
        given["prefecture"] = next(n for n, _, _, iri in prefectures() if iri == pref)
        members = lookup.prefecture_members(pref)
        cities = members if cities is None else [c for c in cities if c in set(members)]
    if cities is not None:
        variable = (question.parameter("municipality") or question.parameter("prefecture")).variable
        contents[variable] = [str(ox.NamedNode(c)) for c in cities]
    for kind in ("target-group", "function"):
        if kind in given:
            iri = concept_iri(kind, given[kind])
            given[kind] = next(local for local, _, i in concepts()[kind] if i == iri)
            contents[question.parameter(kind).variable] = [str(ox.NamedNode(iri))]
    if "fiscal-year" in given:
        year = fiscal_year(given["fiscal-year"])
        given["fiscal-year"] = str(year)
        contents[question.parameter("fiscal-year").variable] = [str(year)]
    return Bound(substitute(question.text, contents), given, cities)


def with_cities(question, text: str, cities: list[str]) -> str:
    """`text` (a bound query of `question`) with ?city restricted to `cities`: the municipalities of one page."""
    parameter = question.parameter("municipality") or question.parameter("prefecture")
    return substitute(text, {parameter.variable: [str(ox.NamedNode(c)) for c in cities]})
