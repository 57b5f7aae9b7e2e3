"""The competency queries' answers as readable tables: /query/<name> (HTML), ?format=csv|json (downloads).

The query runs on the SPARQL endpoint's worker processes (timeout and row cap as for any query); this module
only turns the SPARQL JSON into a table a planner reads: labels instead of IRIs, each linked to the resource's
page on this server; plain literal values (no datatype or language tag); a `?xLabel` column folded into the
`?x` it names; and, where a column holds municipalities, their 全国地方公共団体コード first. Columns are headed by
the query's own labels (`# column ?city: 市町村 / Municipality`, server.sparql.columns); a source cell
("<seed file>:<start>-<end>") shows the plan document's name and the line, linked to that line of the source
text.
"""

import json
import re
from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, render_template, request

from server.web.describe import local_href
from server.web.download import CODE, Column, table_response
from server.web.examples import queries_dir
from server.web.graph import get_graph
from server.web.labels import Labeller

bp = Blueprint("queries", __name__)

MUNICIPALITY_CODES = "SELECT ?m ?code WHERE { ?m a fk:Municipality ; fk:localGovernmentCode ?code }"
# The plan document a seed text holds (fk:textSource), and where it has one, the pages its lines are on.
DOCUMENTS = """
SELECT ?src ?id ?label WHERE {
  ?src a fk:SourceDocument ; dcterms:identifier ?id .
  OPTIONAL { ?doc fk:textSource ?src ; rdfs:label ?label . FILTER(lang(?label) = "ja") }
}
"""
SOURCE_CELL = re.compile(r"^(?P<file>[\w.-]+\.txt):(?P<start>\d+)(?:-(?P<end>\d+))?$")


@dataclass
class Cell:
    text: str = ""
    iri: str | None = None
    href: str | None = None


@dataclass
class Table:
    columns: list  # [Column]
    iri_columns: set  # keys whose cells are IRIs
    rows: list = field(default_factory=list)  # [{key: Cell}]
    truncated: bool = False

    def download_rows(self) -> list[dict]:
        """Labels in the columns shown, the IRIs beside them in `<key>_iri` columns."""
        out = []
        for row in self.rows:
            flat = {}
            for c in self.columns:
                cell = row.get(c.key) or Cell()
                flat[c.key] = cell.text
                if c.key in self.iri_columns:
                    flat[c.key + "_iri"] = cell.iri or ""
            out.append(flat)
        return out

    def download_columns(self) -> list[Column]:
        out = []
        for c in self.columns:
            out.append(c)
            if c.key in self.iri_columns:
                out.append(Column(c.key + "_iri", f"{c.ja} (IRI)", f"{c.en} (IRI)"))
        return out


def run_select(text: str):
    """SPARQL JSON results of `text` from the endpoint's workers, or abort with the endpoint's status."""
    from server.sparql import executor_of, settings_of
    from server.sparql.jobs import NoWorkerFree, QueryTimeout, WorkerFailed
    from server.sparql.protocol import select_job

    job = select_job(text, settings_of(current_app))
    try:
        answer = executor_of(current_app).run(job)
    except (QueryTimeout, NoWorkerFree, WorkerFailed) as exc:
        abort(503, str(exc))
    if answer.status != 200:
        abort(answer.status, answer.body.decode("utf-8", "replace"))
    if not answer.content_type.startswith("application/sparql-results+json"):
        abort(400, "only SELECT queries are shown as tables")
    return json.loads(answer.body), answer.truncated


def _sources(graph) -> dict[str, tuple[str, str]]:
    """Seed file name → (IRI of its source document, the plan document's name or the source's own label)."""
    out = {}
    for r in graph.select(DOCUMENTS):
        name = r["id"].value
        if name not in out or "label" in r:
            out[name] = (r["src"].value, r["label"].value if "label" in r else name)
    return out


def readable(results: dict, truncated: bool = False, labels: dict | None = None) -> Table:
    labels = labels or {}
    graph = get_graph()
    labeller = Labeller(graph)
    names = results.get("head", {}).get("vars", [])
    bindings = results.get("results", {}).get("bindings", [])
    is_iri = {n for n in names if any(b.get(n, {}).get("type") == "uri" for b in bindings)}
    # ?cityLabel beside ?city: the label is the city's name, shown as the city column's text.
    companions = {n + "Label": n for n in is_iri if n + "Label" in names}
    codes = {r["m"].value: r["code"].value for r in graph.select(MUNICIPALITY_CODES)}
    municipal = [n for n in names if n in is_iri and any(b.get(n, {}).get("value") in codes for b in bindings)]
    columns = [Column(n, *labels.get(n, (n, n))) for n in names if n not in companions]
    sources = None
    if municipal:
        key = municipal[0]
        columns = [CODE] + [c for c in columns if c.key == key] + [c for c in columns if c.key != key]
    table = Table(columns, is_iri, truncated=truncated)
    for b in bindings:
        row = {}
        for n in names:
            if n in companions or n not in b:
                continue
            term = b[n]
            if term.get("type") == "uri":
                companion = b.get(n + "Label", {}).get("value")
                text = companion or labeller(term["value"]).ja
                row[n] = Cell(text, term["value"], local_href(term["value"], graph.ns))
            else:
                value = term.get("value", "")
                found = SOURCE_CELL.match(value)
                if found:
                    sources = _sources(graph) if sources is None else sources
                    src = sources.get(found["file"])
                    if src:
                        start, end = found["start"], found["end"] or found["start"]
                        lines = f"{start}行" if start == end else f"{start}–{end}行"
                        href = local_href(src[0], graph.ns)
                        row[n] = Cell(f"{src[1]} {lines}", value, f"{href}#L{start}" if href else None)
                        continue
                row[n] = Cell(value)
        if municipal and municipal[0] in b:
            row["code"] = Cell(codes.get(b[municipal[0]]["value"], ""))
        table.rows.append(row)
    return table


QUESTION_ROWS = """SELECT ?area ?n WHERE {
  ?obs qb:dataSet <%s> ; fk:question ?question ; sdmx:refArea ?area ; fk:count ?n .
}"""
MUNICIPALITIES = """SELECT ?m ?code ?label ?pref WHERE {
  ?m a fk:Municipality ; fk:localGovernmentCode ?code ; rdfs:label ?label ; fk:prefecture ?pref .
  FILTER(lang(?label) = "ja")
}"""


def question_counts(graph, name: str) -> dict[str, int] | None:
    """{area IRI: rows} of the question from the summary graph (municipalities and prefectures); None when the
    published build has no summary (one made before summaries existed)."""
    from pyoxigraph import Literal

    # The dataset server.graph.summary writes (QUESTION_ROWS), under the base this server answers for; the pages
    # read the published graph and do not import the build.
    dataset = graph.ns.id + "summary/question-rows"
    if not graph.has(dataset):
        return None
    sparql = (
        "PREFIX qb: <http://purl.org/linked-data/cube#>\n"
        "PREFIX sdmx: <http://purl.org/linked-data/sdmx/2009/dimension#>\n" + QUESTION_ROWS % dataset
    )
    return {r["area"].value: int(r["n"].value) for r in graph.select(sparql, question=Literal(name))}


def _lookup(graph):
    from server.questions.parameters import Lookup

    def select(sparql):
        return [{k: v.value for k, v in row.items()} for row in graph.select(sparql)]

    return Lookup(select)


@dataclass
class Breakdown:
    """Rows of the question per prefecture (unfiltered) or per municipality (within one prefecture)."""

    level: str  # "prefecture" or "municipality"
    rows: list  # [(value for the URL, label, rows)]


def breakdown(graph, counts: dict[str, int], given: dict) -> Breakdown | None:
    from server.questions.parameters import prefectures

    if "municipality" in given:
        return None
    if "prefecture" not in given:
        rows = [(jis, name, counts.get(iri, 0)) for jis, _, name, iri in prefectures()]
        return Breakdown("prefecture", rows)
    pref = next(iri for jis, _, _, iri in prefectures() if jis == given["prefecture"])
    members = [r for r in graph.select(MUNICIPALITIES) if r["pref"].value == pref]
    rows = sorted((r["code"].value, r["label"].value, counts.get(r["m"].value, 0)) for r in members)
    return Breakdown("municipality", rows)


def first_pages(app) -> list:
    """The job of each named question's first look (/query/<name> with no parameters: its first page), as the
    page makes it, for the endpoint's warm-up (server.sparql.kept) to keep before anyone asks."""
    from server.questions import named
    from server.questions.paging import PAGE_SIZE, page_of
    from server.questions.parameters import bind
    from server.sparql import settings_of
    from server.sparql.protocol import select_job

    with app.app_context():
        graph, settings = get_graph(), settings_of(app)
        size = int(app.config.get("QUERY_PAGE_SIZE", PAGE_SIZE))
        jobs = []
        for path in sorted(queries_dir().glob("*.rq")):
            question = named.load(path)
            page = page_of(question, bind(question, {}, _lookup(graph)), question_counts(graph, path.stem), 1, size)
            jobs.append(select_job(page.text, settings))
        return jobs


def form_choices() -> dict:
    from server.questions.parameters import concepts, prefectures

    return {
        "prefecture": [(jis, name) for jis, _, name, _ in prefectures()],
        "target-group": [(local, label) for local, label, _ in concepts()["target-group"]],
        "function": [(local, label) for local, label, _ in concepts()["function"]],
    }


@bp.route("/query/<name>")
def example_result(name):
    from server.questions import named
    from server.questions.paging import PAGE_SIZE, page_of
    from server.questions.parameters import ParameterError, bind

    path = queries_dir() / f"{name}.rq"
    if "/" in name or not path.is_file():
        abort(404)
    from server.sparql.columns import column_labels

    question = named.load(path)
    graph = get_graph()
    # Every parameter name any question knows is read, so one this question does not take is refused, not ignored.
    raw = {p: request.args.get(p) for p in named.KINDS if p in request.args}
    try:
        bound = bind(question, raw, _lookup(graph))
    except ParameterError as exc:
        abort(400, str(exc))
    fmt = request.args.get("format", "html")
    if fmt not in ("html", "csv", "xlsx", "json", "sparql"):
        abort(
            400,
            f"形式 {fmt!r} は扱えません（html・csv・xlsx・json・sparql のいずれか） / "
            f"unknown format {fmt!r}: use html, csv, xlsx, json or sparql",
        )
    labels = column_labels(question.text)
    if fmt in ("csv", "xlsx", "json"):  # the whole answer under the parameters given, not one page
        results, truncated = run_select(bound.text)
        table = readable(results, truncated, labels)
        return table_response(
            fmt, name, table.download_columns(), table.download_rows(), question=question.title, query=name
        )
    try:
        number = max(1, int(request.args.get("page", "1")))
    except ValueError:
        abort(400, "page: 1 以上の整数で指定してください / page must be a whole number from 1")
    size = int(current_app.config.get("QUERY_PAGE_SIZE", PAGE_SIZE))
    counts = question_counts(graph, name)
    page = page_of(question, bound, counts, number, size)
    if fmt == "sparql":  # the text this page runs, for a reader (or a benchmark) to ask elsewhere
        return current_app.response_class(page.text, mimetype="application/sparql-query")
    results, truncated = run_select(page.text)
    if page.cut is not None:
        offset, size = page.cut
        bindings = results.get("results", {}).get("bindings", [])
        results = dict(results, results={"bindings": bindings[offset : offset + size]})
    table = readable(results, truncated, labels)
    return render_template(
        "web/query_result.html",
        example=question,
        table=table,
        page=page,
        given=bound.given,
        choices=form_choices(),
        breakdown=breakdown(graph, counts, bound.given) if counts is not None else None,
        args={k: v for k, v in bound.given.items()},
    )
