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
from server.web.examples import load_examples
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


@bp.route("/query/<name>")
def example_result(name):
    examples = {ex.name: ex for ex in load_examples()}
    example = examples.get(name)
    if example is None:
        abort(404)
    from server.sparql.columns import column_labels

    results, truncated = run_select(example.text)
    table = readable(results, truncated, column_labels(example.text))
    fmt = request.args.get("format", "html")
    if fmt in ("csv", "xlsx", "json"):
        return table_response(
            fmt, name, table.download_columns(), table.download_rows(), question=example.title, query=name
        )
    if fmt != "html":
        abort(400, f"unknown format {fmt!r}: use html, csv, xlsx or json")
    return render_template("web/query_result.html", example=example, table=table)
