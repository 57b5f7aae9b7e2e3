"""The human pages: home, query editor, comparison."""

from flask import Blueprint, redirect, render_template, request, url_for

from server.web.compare import DIMENSIONS, LEVELS, SCALES, TREE_DEPTHS, chart, choices, select, side_by_side
from server.web.describe import Describer
from server.web.download import CODE, MUNICIPALITY, Column, table_response
from server.web.dumps import DUMPS, dump_sizes
from server.web.examples import load_examples
from server.web.graph import get_graph
from server.web.overview import plan_totals

bp = Blueprint("pages", __name__)

MUNICIPALITIES = """
SELECT ?m ?code ?pref WHERE {
  ?m a fk:Municipality .
  OPTIONAL { ?m fk:localGovernmentCode ?code }
  OPTIONAL { ?m fk:prefecture ?pref }
} ORDER BY ?code
"""
PLANS = """
SELECT ?m ?plan ?start ?end WHERE {
  ?plan a fk:Plan ; fk:municipality ?m .
  OPTIONAL { ?plan fk:period ?period . ?period fk:startFiscalYear ?start ; fk:endFiscalYear ?end }
}
"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DEFAULT_QUERY = """PREFIX fk: <{fk}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# 市町村とその計画 / Municipalities and their plans
SELECT ?municipality ?name ?plan ?title WHERE {{
  ?municipality a fk:Municipality ; rdfs:label ?name .
  ?plan fk:municipality ?municipality ; a fk:Plan ; rdfs:label ?title .
  FILTER(lang(?name) = "ja" && lang(?title) = "ja")
}}
ORDER BY ?municipality ?plan
"""


@bp.route("/")
def home():
    graph = get_graph()
    d = Describer(graph)
    plans: dict[str, list] = {}
    for r in graph.select(PLANS):
        period = (int(r["start"].value), int(r["end"].value)) if "start" in r else None
        plans.setdefault(r["m"].value, []).append((d.iri_value(r["plan"].value), period))
    municipalities = []
    for r in graph.select(MUNICIPALITIES):
        m = r["m"].value
        municipalities.append(
            {
                "item": d.iri_value(m),
                "code": r["code"].value if "code" in r else "",
                "prefecture": d.iri_value(r["pref"].value) if "pref" in r else None,
                "plans": sorted(plans.get(m, []), key=lambda p: p[0].value),
            }
        )
    sizes = dump_sizes(graph)
    return render_template(
        "web/home.html",
        municipalities=municipalities,
        # The build counted them (build-info.json); a scan of the whole store takes seconds at national scale.
        triples=int(graph.build_info.get("triples") or graph.select(COUNT)[0]["n"].value),
        plan_totals=plan_totals(graph),
        dumps=[(dump, sizes.get(dump.name)) for dump in DUMPS],
        base=graph.ns.base,
    )


@bp.route("/favicon.ico")
def favicon():
    # Browsers ask for it whatever the page's <link rel="icon"> says; send them to the one we have.
    return redirect(url_for("web.static", filename="favicon.svg"), 301)


@bp.route("/query")
def query():
    return render_template(
        "web/query.html",
        examples=load_examples(),
        endpoint=request.script_root + "/sparql",
        # /sparql?query=… asked for by a browser lands here (server.sparql.protocol): that query in the editor.
        default_query=request.args.get("query") or DEFAULT_QUERY.format(fk=get_graph().ns.fk),
        base=get_graph().ns.base,
        vendor=url_for("web.static", filename="vendor/yasgui/"),
    )


@bp.route("/compare")
def compare():
    graph = get_graph()
    level = request.args.get("level", "action")
    if level not in LEVELS:
        level = "action"
    scale = request.args.get("scale", "share")
    if scale not in SCALES:
        scale = "share"
    depth = request.args.get("tree", "2")
    if depth not in TREE_DEPTHS:
        depth = "2"
    d = Describer(graph)
    available = choices(graph)
    chosen = select(
        available,
        request.args.get("city"),
        request.args.getlist("peer"),
        request.args.get("pref"),
        request.args.get("kind"),
    )
    charts = [chart(d, dimension, level, scale, only=chosen.codes) for dimension in DIMENSIONS]
    fmt = request.args.get("format", "html")
    if fmt in ("csv", "xlsx", "json"):
        return compare_download(fmt, charts, level)
    return render_template(
        "web/compare.html",
        charts=charts,
        levels=LEVELS,
        level=level,
        scales=SCALES,
        scale=scale,
        available=available,
        chosen=chosen,
        here=chosen.query(),
        depths=TREE_DEPTHS,
        depth=depth,
        summary=side_by_side(graph, available, chosen.codes, d, int(depth)),
        prefectures=sorted({(c.prefecture, c.prefecture_label) for c in available if c.prefecture}),
        kinds=sorted({(k, v) for c in available for k, v in c.kinds.items()}, key=lambda kv: kv[1]),
    )


def compare_download(fmt: str, charts: list, level: str):
    """Every chart's table in one long table: a row per municipality, dimension and concept, with the raw
    count, the municipality's elements of the level, and the share."""
    graph = get_graph()
    codes = {r["m"].value: r["code"].value for r in graph.select(MUNICIPALITIES) if "code" in r}
    columns = [
        CODE,
        MUNICIPALITY,
        Column("dimension", "観点", "Dimension"),
        Column("concept", "概念", "Concept"),
        Column("concept_iri", "概念 (IRI)", "Concept (IRI)"),
        Column("count", "要素数", "Elements annotated"),
        Column("elements", "比較する階層の要素数", "Elements of the level"),
        Column("share", "割合（%）", "Share (%)"),
    ]
    rows = []
    for c in charts:
        for concept, per_city in c.counts:
            for (city, _), n, total in zip(c.cities, per_city, c.elements, strict=True):
                rows.append(
                    {
                        "code": codes.get(city.value, ""),
                        "municipality": city.label.ja,
                        "dimension": c.title[0],
                        "concept": concept.label.ja,
                        "concept_iri": concept.value,
                        "count": n,
                        "elements": total,
                        "share": round(100.0 * n / total, 1) if total else None,
                    }
                )
    return table_response(fmt, f"fukushi-kg-compare-{level}", columns, rows, level=level)
