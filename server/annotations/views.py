"""`/annotations`: the annotation audit page, per city and concept, with the words that decided each annotation
and the per-scheme figures of `fukushi-kg annotations --stats`."""

from flask import Blueprint, abort, render_template, request

from server.annotations.report import by_city_and_concept, entries, quality_rows, review_stats, stats
from server.web.describe import local_href
from server.web.graph import get_graph

bp = Blueprint("annotations", __name__, template_folder="templates")


@bp.get("/annotations")
def audit():
    graph = get_graph()
    items = graph.cache.get("annotation-audit")
    if items is None:  # once per version of the dump: the cache is dropped when the graph reloads
        found = entries(graph.store)
        items = graph.cache["annotation-audit"] = (found, quality_rows(graph.store, found))
    found, quality = items
    grouped = by_city_and_concept(found)
    city = request.args.get("city")
    if city:
        if city not in grouped:
            abort(404, description=f"no annotated elements for municipality {city}")
        grouped = {city: grouped[city]}
    return render_template(
        "annotations/audit.html",
        grouped=grouped,
        stats=stats(found),
        review=review_stats(found),
        quality=quality,
        href=lambda iri: local_href(iri, graph.ns),
        cities=sorted((code, label) for code, (label, _) in by_city_and_concept(found).items()),
        city=city,
    )
