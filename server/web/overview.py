"""/overview: the country at a glance. A map of Japan by prefecture, the same figures as a table (and CSV or JSON),
and the national reference figures the graph holds (data/statistics.ttl) beside its own coverage.

Every figure on the page is read from the graph: the plans and measures per prefecture from the summary graph
(server.graph.summary: its observations with a prefecture as sdmx-dimension:refArea), the requirements met from
the requirement-verdicts graph (the compliance cells by verdict, counted at build time), the reference figures
from their W3C Data Cube observations with source and date. Nothing is counted here over the whole graph.

The prefectures' shapes come from the `japanmap` package (its japan.json boundaries, Apache-2.0; Hokkaido and
Okinawa moved in as on printed maps of Japan), projected with the cosine of 36° so that the islands keep their
proportions; each prefecture links to its list of plans (/query/plans?prefecture=NN).
"""

from dataclasses import dataclass, field
from functools import lru_cache

from flask import Blueprint, abort, render_template, request

from server.web.download import Column, table_response
from server.web.graph import get_graph

bp = Blueprint("overview", __name__)

QB = "http://purl.org/linked-data/cube#"
SDMX = "http://purl.org/linked-data/sdmx/2009/dimension#"
PREFIXES = f"PREFIX qb: <{QB}>\nPREFIX sdmx: <{SDMX}>\n"
AT_PREFECTURES = """SELECT ?area ?kind ?group ?n WHERE {
  ?obs qb:dataSet ?dataset ; sdmx:refArea ?area ; fk:count ?n .
  ?area a fk:Prefecture .
  OPTIONAL { ?obs fk:planKind|fk:elementKind ?kind }
  OPTIONAL { ?obs fk:observedTargetGroup ?group }
}"""
WITH_PLANS = """SELECT ?area (COUNT(DISTINCT ?m) AS ?n) WHERE {
  ?obs qb:dataSet ?dataset ; sdmx:refArea ?m ; fk:planKind fk:CommunityWelfarePlan .
  ?m fk:prefecture ?area .
} GROUP BY ?area"""
REFERENCE = """SELECT ?dataset ?datasetLabel ?obs ?period ?n ?outOf ?comment ?source WHERE {
  ?obs a qb:Observation ; qb:dataSet ?dataset ; sdmx:refPeriod ?period ; fk:count ?n ; dcterms:source ?source .
  ?dataset rdfs:label ?datasetLabel . FILTER(lang(?datasetLabel) = "ja")
  FILTER(STRSTARTS(STR(?dataset), STR(?statistics)))
  OPTIONAL { ?obs fk:outOf ?outOf }
  OPTIONAL { ?obs rdfs:comment ?comment . FILTER(lang(?comment) = "ja") }
} ORDER BY ?dataset ?period"""
VERDICT_CELLS = """SELECT ?area ?verdict (SUM(?n) AS ?cells) WHERE {
  ?obs qb:dataSet ?dataset ; sdmx:refArea ?area ; fk:count ?n ; fk:observedVerdict ?verdict .
  ?area a fk:Prefecture .
} GROUP BY ?area ?verdict"""
# The compliance cells (one per plan document and requirement of the law, /compliance) by verdict: the values of
# fks:verdict, as the requirement-verdicts graph counts them (server.graph.summary.verdict_lines).
VERDICTS = {
    "present": ("法令の要件：記載あり", "Requirements: present"),
    "partial": ("法令の要件：一部記載", "Requirements: partly present"),
    "absent": ("法令の要件：記載なし", "Requirements: absent"),
    "undeterminable": ("法令の要件：判断できない（要確認）", "Requirements: cannot be determined"),
    "not-applicable": ("法令の要件：対象外", "Requirements: not applicable"),
}
METRICS = {
    "municipalities": ("地域福祉計画のある市町村", "Municipalities with a community welfare plan"),
    "plans": ("地域福祉計画", "Community welfare plans"),
    "measures": ("取組（施策の方向・役割を含む）", "Measures (with directions and roles)"),
    **VERDICTS,
}
CLASSES = 6  # 0 for none, then five shades


@dataclass
class Row:
    code: str  # JIS X 0401, two digits
    name: str
    iri: str
    municipalities: int = 0
    plans: int = 0
    measures: int = 0
    verdicts: dict = field(default_factory=dict)  # verdict -> compliance cells of the prefecture's documents
    shade: int = 0

    def value(self, metric: str) -> int:
        return self.verdicts.get(metric, 0) if metric in VERDICTS else getattr(self, metric)


@lru_cache(maxsize=1)
def shapes() -> dict[str, str]:
    """{JIS code: SVG path data} in a 1000-unit-wide frame, from japanmap's prefecture boundaries."""
    import japanmap

    points = japanmap.pref_points()
    ratio = 0.809  # cos 36°: a degree of longitude at Japan's middle latitude, against one of latitude
    xs = [x * ratio for ring in points for x, _ in ring]
    ys = [y for ring in points for _, y in ring]
    scale = 1000 / (max(xs) - min(xs))
    out = {}
    for number, ring in enumerate(points, 1):
        d = " ".join(f"{(x * ratio - min(xs)) * scale:.1f},{(max(ys) - y) * scale:.1f}" for x, y in ring)
        out[f"{number:02d}"] = f"M{d}Z"
    return out


def frame_height() -> int:
    return int(max(float(pair.split(",")[1]) for d in shapes().values() for pair in d[1:-1].split(" ")) + 10)


def figures(graph, target_group: str | None) -> list[Row]:
    """One row per prefecture, from the summary graph."""
    from server.questions.parameters import concepts, prefectures

    fk = graph.ns.fk
    rows = {iri: Row(jis, name, iri) for jis, _, name, iri in prefectures()}
    summary = graph.ns.id + "summary/"
    group = next((iri for local, _, iri in concepts()["target-group"] if local == target_group), None)
    dataset = "elements-by-target-group" if group else "elements"
    for r in graph.select(PREFIXES + AT_PREFECTURES, dataset=summary + dataset):
        row = rows.get(r["area"].value)
        if row is not None and r.get("kind") and r["kind"].value == fk + "ActionElement":
            if group is None or ("group" in r and r["group"].value == group):
                row.measures += int(r["n"].value)
    for r in graph.select(PREFIXES + AT_PREFECTURES, dataset=summary + "plans"):
        row = rows.get(r["area"].value)
        if row is not None and r.get("kind") and r["kind"].value == fk + "CommunityWelfarePlan":
            row.plans += int(r["n"].value)
    for r in graph.select(PREFIXES + WITH_PLANS, dataset=summary + "plans"):
        row = rows.get(r["area"].value)
        if row is not None:
            row.municipalities = int(r["n"].value)
    for r in graph.select(PREFIXES + VERDICT_CELLS, dataset=summary + "requirement-verdicts"):
        row = rows.get(r["area"].value)
        if row is not None:
            row.verdicts[r["verdict"].value] = int(r["cells"].value)
    return sorted(rows.values(), key=lambda row: row.code)


def shade(rows: list[Row], metric: str) -> list[int]:
    """Class limits: five equal steps up to the largest value (0 stays unshaded)."""
    top = max((row.value(metric) for row in rows), default=0)
    limits = [round(top * k / (CLASSES - 1)) for k in range(1, CLASSES)] if top else []
    for row in rows:
        n = row.value(metric)
        row.shade = 0 if n == 0 else next(k for k, limit in enumerate(limits, 1) if n <= limit)
    return limits


def plan_totals(graph) -> list[tuple]:
    """(plan kind's label, plans of that kind in the graph) from the summary's prefecture sums, most first."""
    from server.web.labels import Labeller

    totals: dict[str, int] = {}
    for r in graph.select(PREFIXES + AT_PREFECTURES, dataset=graph.ns.id + "summary/plans"):
        if "kind" in r:
            totals[r["kind"].value] = totals.get(r["kind"].value, 0) + int(r["n"].value)
    labeller = Labeller(graph)
    return sorted(((labeller(kind), n) for kind, n in totals.items()), key=lambda x: (-x[1], x[0].ja))


def reference(graph) -> list[dict]:
    from pyoxigraph import NamedNode

    found = graph.select(PREFIXES + REFERENCE, statistics=NamedNode(graph.ns.id + "statistics/"))
    return [{k: v.value for k, v in r.items()} for r in found]


def _column(metric: str) -> str:
    """The download's column name: a verdict's cells as requirements_<verdict> (requirements_not_applicable)."""
    return f"requirements_{metric.replace('-', '_')}" if metric in VERDICTS else metric


@bp.route("/overview")
def overview():
    from server.questions.parameters import concepts

    graph = get_graph()
    metric = request.args.get("metric", "plans")
    if metric not in METRICS:
        abort(400, f"metric: {', '.join(METRICS)} のいずれか / one of {', '.join(METRICS)}")
    target_group = request.args.get("target-group") or None
    if target_group and target_group not in {local for local, _, _ in concepts()["target-group"]}:
        abort(
            400, f"target-group {target_group!r}: ontology/vocabularies.ttl の対象者ではありません / not a target group"
        )
    rows = figures(graph, target_group)
    fmt = request.args.get("format", "html")
    if fmt in ("csv", "json"):
        columns = [
            Column("prefecture_code", "都道府県コード", "Prefecture code (JIS X 0401)"),
            Column("prefecture", "都道府県名", "Prefecture"),
            *(Column(_column(key), ja, en) for key, (ja, en) in METRICS.items()),
        ]
        body = [
            {"prefecture_code": r.code, "prefecture": r.name, **{_column(key): r.value(key) for key in METRICS}}
            for r in rows
        ]
        name = "fukushi-kg-overview" + (f"-{target_group}" if target_group else "")
        return table_response(fmt, name, columns, body, target_group=target_group)
    if fmt != "html":
        abort(
            400,
            f"形式 {fmt!r} は扱えません（html・csv・json のいずれか） / unknown format {fmt!r}: use html, csv or json",
        )
    limits = shade(rows, metric)
    return render_template(
        "web/overview.html",
        rows=rows,
        metric=metric,
        metrics=METRICS,
        limits=limits,
        shapes=shapes(),
        height=frame_height(),
        target_group=target_group,
        groups=[(local, label) for local, label, _ in concepts()["target-group"]],
        verdicts=VERDICTS,
        reference=reference(graph),
    )
