"""Dereferencing /id/…: every resource of the graph, as an HTML page or RDF, at its own IRI."""

from flask import Blueprint, abort, make_response, render_template, request

from server.web.conneg import describe_representation, format_links, negotiate, rdf_response
from server.web.cors import open_for_reading
from server.web.describe import Describer, description_triples
from server.web.graph import DCTERMS, SKOS, get_graph
from server.web.plans import breadcrumbs, count, tree
from server.web.source import excerpts, read_lines

bp = open_for_reading(Blueprint("resources", __name__))

PLANS_OF = """
SELECT DISTINCT ?plan WHERE { ?plan a fk:Plan ; fk:municipality ?m }
"""
DOCUMENTS_OF = """
SELECT DISTINCT ?doc WHERE { ?doc a fk:PlanDocument ; fk:municipality ?m }
"""


@bp.route("/id/<path:rest>")
def resource(rest):
    graph = get_graph()
    iri = graph.ns.id + rest  # the path converter keeps a trailing slash (concept schemes end with one)
    if not graph.has(iri):
        return not_in_graph(graph, rest)
    fmt = negotiate()
    if fmt.key != "html":
        return rdf_response(description_triples(graph, iri), fmt, graph.ns.prefixes(), request.path)
    html = render_template("web/resource.html", **page_context(graph, iri))
    return describe_representation(make_response(html), fmt, request.path)


def page_context(graph, iri: str) -> dict:
    d = Describer(graph)
    fk = graph.ns.fk
    specific, inferred = d.types(iri)
    all_types = {v.value for v in specific + inferred}
    ctx = {
        "iri": iri,
        "label": d.labels(iri),
        "types": specific,
        "inferred_types": inferred,
        "rows": d.rows(iri),
        "incoming": d.incoming(iri),
        "formats": format_links(request.path),
        "excerpts": [(e, d.iri_value(e.source_iri)) for e in excerpts(graph, iri)],
        "is_plan": fk + "Plan" in all_types,
        "is_element": fk + "PlanElement" in all_types,
    }
    if ctx["is_plan"] or ctx["is_element"]:
        ctx["tree"] = tree(d, iri)
        ctx["tree_size"] = count(ctx["tree"])
        # The tree already lists what points here by fk:parent / fk:partOf (and the inferred dcterms:isPartOf);
        # repeating hundreds of them as incoming links would only bury the rest.
        shown = {fk + "parent", fk + "partOf", DCTERMS + "isPartOf"}
        ctx["incoming"] = [row for row in ctx["incoming"] if row.iri not in shown]
    if ctx["is_element"]:
        ctx["breadcrumbs"] = breadcrumbs(d, iri)
    if fk + "Municipality" in all_types:
        ctx["plans"] = _sorted_values(d, graph.select(PLANS_OF, m=iri), "plan")
        ctx["documents"] = _sorted_values(d, graph.select(DOCUMENTS_OF, m=iri), "doc")
        ctx["verdicts"] = iri.rsplit("/", 1)[-1] if ctx["documents"] else None  # /compliance?city=CODE
    if fk + "SourceDocument" in all_types:
        ctx["source_lines"] = read_lines(iri, graph.ns.base)
    if SKOS + "ConceptScheme" in all_types:
        members = [t.subject.value for t in graph.triples(None, SKOS + "inScheme", iri)]
        ctx["concepts"] = sorted((d.iri_value(m) for m in members), key=lambda v: v.value)
    return ctx


def _sorted_values(d: Describer, rows: list, var: str) -> list:
    return sorted((d.iri_value(r[var].value) for r in rows), key=lambda v: v.value)


MUNICIPALITIES = """
SELECT ?m ?code ?label WHERE {
  ?m a fk:Municipality ; fk:localGovernmentCode ?code ; rdfs:label ?label . FILTER(lang(?label) = "ja")
} ORDER BY ?code
"""


def not_in_graph(graph, rest: str):
    """A municipality the graph has no plan for: say which municipalities it has and how a plan is added,
    rather than a bare 404 (the status stays 404: the resource is not here)."""
    if not rest.startswith("municipality/") or negotiate().key != "html":
        abort(404)
    code = rest.removeprefix("municipality/")
    known = [(r["code"].value, r["label"].value, r["m"].value) for r in graph.select(MUNICIPALITIES)]
    d = Describer(graph)
    html = render_template(
        "web/unknown_municipality.html",
        code=code,
        known=[(c, label, d.iri_value(m)) for c, label, m in known],
    )
    return make_response(html, 404)
