"""/search: the form and results page, and the same results as JSON or CSV.

The URL holds the whole state (q, each selected facet value, page), so a search can be shared. JSON comes with
`format=json` or `Accept: application/json`, CSV with `format=csv` or `Accept: text/csv`.
"""

import re
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request

from server.search.index import FACETS, FILTERS, PAGE_SIZE, Hit, facet_key, get_index
from server.search.normalise import runs
from server.web.describe import local_href
from server.web.download import CODE, MUNICIPALITY, Column, table_response
from server.web.graph import get_graph

bp = Blueprint("search", __name__, template_folder="templates")

COLUMNS = [
    CODE,
    MUNICIPALITY,
    Column("plan", "計画", "Plan"),
    Column("level", "階層", "Level"),
    Column("number", "番号", "Number"),
    Column("label", "要素", "Element"),
    Column("path", "計画内の位置", "Place in the plan"),
    Column("lines", "出典の行", "Source lines"),
    Column("text", "該当する行", "Matching line"),
    Column("iri", "IRI", "IRI"),
]
OFFERS = ["text/html", "application/json", "text/csv"]
# Municipalities, plans and plan documents by name: a query that is one of them leads to its page.
NAMED = """
SELECT ?x ?label WHERE {
  VALUES ?kind { fk:Municipality fk:Plan fk:PlanDocument }
  ?x a ?kind ; rdfs:label ?label .
}
"""
JSON_PAGE_SIZE = 1000
LINES_SHOWN = 20
# What one request may ask for. Far over what a person types or ticks, far under what costs the server: a
# 250 KB query kept 37 MB, 16,000 words held the index for 10 s, and 2,000 ticked values made 172 MB of links.
MAX_QUERY_CHARS = 1000
MAX_WORDS = 32
MAX_FACET_VALUES = 100  # selected values, all facets together
FACET_VALUES_SHOWN = 100  # values listed per facet on the page (the JSON has them all, the counts stay exact)
MAX_PAGE = 100_000


def _filters(graph) -> dict:
    """The selected facet values from the URL; a full IRI is accepted where the short key is expected."""
    out, count = {}, 0
    for key in FILTERS:
        values = list(dict.fromkeys(facet_key(v, graph) for v in request.args.getlist(key) if v))
        count += len(values)
        if count > MAX_FACET_VALUES:
            abort(
                400,
                f"絞り込みの値が多すぎます（一度に {MAX_FACET_VALUES} 個まで）/ "
                f"too many facet values: at most {MAX_FACET_VALUES} in one search",
            )
        if values:
            out[key] = values
    return out


def _query() -> str:
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        abort(
            400,
            f"検索語が長すぎます（{MAX_QUERY_CHARS:,} 文字まで）/ the search text is too long: "
            f"at most {MAX_QUERY_CHARS:,} characters",
        )
    words = len(runs(q))
    if words > MAX_WORDS:
        abort(400, f"語が多すぎます（{MAX_WORDS} 語まで）/ too many words: at most {MAX_WORDS} in one search")
    return q


def _page() -> int:
    text = request.args.get("page", "1")
    try:
        page = int(text)
    except ValueError:
        return 1
    if not 1 <= page <= MAX_PAGE:
        abort(400, f"page は 1 から {MAX_PAGE:,} までです / page must be from 1 to {MAX_PAGE:,}")
    return page


def _format() -> str:
    fmt = request.args.get("format")
    if fmt:
        if fmt not in ("html", "json", "csv", "xlsx"):
            abort(
                400,
                f"形式 {fmt!r} は扱えません（html・json・csv・xlsx のいずれか） / "
                f"unknown format {fmt!r}: use html, json, csv or xlsx",
            )
        return fmt
    best = request.accept_mimetypes.best_match(OFFERS, default="text/html")
    return {"application/json": "json", "text/csv": "csv"}.get(best, "html")


@bp.route("/search")
def search():
    q = _query()
    page = _page()
    fmt = _format()
    graph = get_graph()
    index = get_index(graph)
    cap = int(current_app.config.get("MAX_ROWS") or 10000)
    if fmt == "html":
        size = PAGE_SIZE
    elif fmt == "json":  # pages of `size` hits (1000 by default), `next` naming the following one
        try:
            size = max(1, min(cap, int(request.args.get("size", JSON_PAGE_SIZE))))
        except ValueError:
            abort(400, "size must be a whole number")
    else:  # the CSV download: everything, up to the row cap
        size, page = cap, 1
    filters = _filters(graph)
    result = index.search(q, filters, page, size)
    # Seed-text lines (no element cites some of them): only a municipality facet applies to a line.
    line_filters_apply = set(result.filters) <= {"municipality"}
    line_total, lines = (
        index.search_lines(q, result.filters.get("municipality", ()), LINES_SHOWN) if line_filters_apply else (0, [])
    )
    if fmt == "json":
        response = jsonify(
            {
                "query": q,
                "filters": result.filters,
                "total": result.total,
                "page": result.page,
                "pages": result.pages,
                "next": _url(page=str(result.page + 1)) if result.page < result.pages else None,
                "hits": [_hit_json(h, graph.ns) for h in result.hits],
                "source_lines": {
                    "total": line_total,
                    "lines": [
                        {
                            "code": x.code,
                            "municipality": x.municipality,
                            "source": x.source,
                            "line": x.line,
                            "text": x.text,
                        }
                        for x in lines
                    ],
                },
                "facets": {
                    key: [{"value": v.key, "label": v.label.ja, "count": v.count, "selected": v.selected} for v in vs]
                    for key, vs in result.facets.items()
                },
            }
        )
        response.headers["Vary"] = "Accept"
        return response
    if fmt in ("csv", "xlsx"):
        return table_response(fmt, "fukushi-kg-search", COLUMNS, [_hit_row(h) for h in result.hits])
    named = _named(graph, q)
    # The site's search box (go=1) takes a name straight to its page; the search page's own form, a refined
    # search or a later page of results stays here (the named link at the top leads on from there).
    if request.args.get("go") and len(named) == 1 and page == 1 and not filters:
        return redirect(named[0][1], code=303)
    return render_template(
        "search/search.html",
        q=q,
        named=named,
        result=result,
        facets=[(key, ja, en, *_shown(result.facets.get(key, []))) for key, (_, ja, en) in FACETS.items()],
        columns=COLUMNS,
        href=lambda iri: local_href(iri, graph.ns),
        toggle=_toggles(),
        chips=[
            (key, v, FACETS[key][1] if key in FACETS else "この中 (within)", index.label_of(key, v).ja)
            for key, values in result.filters.items()
            for v in values
        ],
        page_url=_page_url,
        downloads=[
            (label, _url(format=fmt, page=None)) for label, fmt in (("CSV", "csv"), ("Excel", "xlsx"), ("JSON", "json"))
        ],
        indexed=len(index),
        line_total=line_total,
        lines=lines,
    )


def _named(graph, q: str) -> list[tuple[str, str]]:
    """(name, page) of the municipalities, plans and plan documents named exactly `q` (表記ゆれ folded)."""
    from server.search.normalise import normalise

    if not q or len(q) > 200:
        return []
    wanted = normalise(q).text
    out = {}
    for r in graph.select(NAMED):
        label = r["label"].value
        # A plan printed under two names, 「第2期くるめ支え合うプラン（第4期久留米市地域福祉計画）」, answers to both.
        names = {label, *re.findall(r"[（(]([^（）()]+)[）)]", label)}
        if any(normalise(name).text == wanted for name in names):
            out[r["x"].value] = label
    return sorted((label, local_href(iri, graph.ns)) for iri, label in out.items() if local_href(iri, graph.ns))


def _url(**changes) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in changes and k != "go"]
    args += [(k, v) for k, v in changes.items() if v is not None]
    return request.path + ("?" + urlencode(args) if args else "")


def _shown(values: list) -> tuple[list, int]:
    """(the facet's values the page lists, how many it leaves out): at national scale the municipality facet has
    1,741 values, each a link to make. The selected values stay (to unselect them), then those with the most
    hits; they keep the facet's order."""
    if len(values) <= FACET_VALUES_SHOWN:
        return values, 0
    ranked = sorted(range(len(values)), key=lambda i: (not values[i].selected, -values[i].count, i))
    keep = sorted(ranked[: max(FACET_VALUES_SHOWN, sum(v.selected for v in values))])
    return [values[i] for i in keep], len(values) - len(keep)


def _toggles():
    """toggle(facet, value): this search with `value` of `facet` added, or removed when it is already selected;
    back to page 1. Each link is made once per request (the list and the chips ask for the same ones)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "format", "go")]
    made: dict = {}

    def toggle(facet: str, value: str) -> str:
        key = (facet, value)
        if key not in made:
            changed = [a for a in args if a != key] if key in args else [*args, key]
            made[key] = request.path + ("?" + urlencode(changed) if changed else "")
        return made[key]

    return toggle


def _page_url(page: int) -> str:
    return _url(page=str(page), format=None)


def _lines(h: Hit) -> str:
    if not h.start:
        return ""
    return f"{h.start}" if h.end in (0, h.start) else f"{h.start}–{h.end}"


def _hit_row(h: Hit) -> dict:
    return {
        "code": h.code,
        "municipality": h.municipality,
        "plan": " / ".join(label for _, label in h.plans),
        "level": h.level_label,
        "number": h.number,
        "label": h.label,
        "path": " > ".join(label for _, label in h.path),
        "lines": _lines(h),
        "text": " / ".join(text.strip() for _, text, _ in h.lines),
        "iri": h.iri,
    }


def _hit_json(h: Hit, ns) -> dict:
    return {
        "iri": h.iri,
        "label": h.label,
        "label_en": h.label_en or None,
        "code": h.code,
        "municipality": h.municipality,
        "plans": [{"iri": iri, "label": label} for iri, label in h.plans],
        "level": h.level,
        "level_label": h.level_label,
        "number": h.number or None,
        "path": [{"iri": iri, "label": label} for iri, label in h.path],
        "source": {
            "iri": h.source,
            "start_line": h.start,
            "end_line": h.end,
            "lines": [{"line": n, "text": text} for n, text, _ in h.lines],
        }
        if h.source
        else None,
        "score": round(h.score, 4),
    }
