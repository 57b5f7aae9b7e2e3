"""The dataset's own documents: the VoID/DCAT description, the dumps, and the JSON-LD context."""

import json

from flask import Blueprint, Response, abort, current_app, make_response, render_template, request

from server.backend.graphs import graph_body
from server.published import GRAPHS, graph_paths
from server.web.conneg import describe_representation, format_links, negotiate, rdf_response
from server.web.cors import open_for_reading
from server.web.describe import Describer
from server.web.dumps import BUILD_INFO_NAME, BY_NAME, DUMPS, dump_bytes, dump_sizes, rebased
from server.web.graph import OWL, RDF, RDFS, XSD, get_graph
from server.web.ontology import ontology_graph
from server.web.verified import current_build_info, file_response, joined_response, verified_bytes
from server.web.void import DESCRIPTION, TITLE, VOID_PREFIXES, build_time, license_iri, statistics, void_triples

bp = open_for_reading(Blueprint("dataset", __name__))


@bp.route("/.well-known/void")
def void():
    graph = get_graph()
    fmt = negotiate()
    licence = license_iri(current_app.config)
    if fmt.key != "html":
        prefixes = graph.ns.prefixes() | VOID_PREFIXES
        return rdf_response(void_triples(graph, licence), fmt, prefixes, request.path)
    d = Describer(graph)
    stats = statistics(graph)
    html = render_template(
        "web/void.html",
        title=TITLE,
        description=DESCRIPTION,
        stats=stats,
        classes=[(d.iri_value(c), n) for c, n in stats.classes],
        sources=[d.iri_value(s) for s in stats.sources],
        examples=[d.iri_value(s) for s in stats.examples],
        licence=d.iri_value(licence),
        dumps=[(dump, size) for dump, size in zip(DUMPS, dump_sizes(graph).values(), strict=True)],
        build_info=graph.build_info,
        built=build_time(graph),
        base=graph.ns.base,
        formats=format_links(request.path),
    )
    return describe_representation(make_response(html), fmt, request.path)


@bp.route("/dumps/graphs/<key>.nt")
def graph_dump(key):
    """One plan's named graph (or the shared rest), as `fukushi-kg publish` sends it to a Graph Store."""
    graph = get_graph()
    # Only the keys the build recorded (no path from the URL), from the record the graph was checked against.
    meta = (current_build_info(graph).get("graphs") or {}).get(key)
    if not isinstance(meta, dict):
        abort(404)
    path = graph.published_dir / GRAPHS / f"{key}.nt"
    body = verified_bytes(path, meta.get("sha256"))
    resp = Response(graph_body(path, graph.ns.base, body), mimetype="application/n-triples")
    resp.headers["Content-Disposition"] = f'inline; filename="{key}.nt"'
    return resp


@bp.route("/dumps/<name>")
def dump(name):
    graph = get_graph()
    info = current_build_info(graph)
    if name == BUILD_INFO_NAME:
        return Response(verified_bytes(graph.published_dir / name, None), mimetype="application/json")
    spec = BY_NAME.get(name)
    if spec is None:
        abort(404)
    if rebased(graph):
        resp = Response(dump_bytes(graph, name), mimetype=spec.media_type)
    elif name in (info.get("joined") or {}):  # a national build's dumps: its graphs' files joined
        fmt, graphs = info["joined"][name], info.get("graphs") or {}
        paths = graph_paths(graph.published_dir, info, fmt)
        sums = [(meta.get("formats") or {}).get(fmt) for meta in graphs.values()]
        resp = joined_response(paths, fmt, sums, info["files"][name], spec.media_type)
    else:
        sha, size = (info.get("sha256") or {}).get(name), (info.get("files") or {}).get(name)
        resp = file_response(graph.published_dir / name, sha, size, spec.media_type)
    if spec.media_type.startswith("text/") or spec.media_type.endswith("json"):
        resp.headers["Content-Type"] = f"{spec.media_type}; charset=utf-8"
    resp.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return resp


@bp.route("/context.jsonld")
def context():
    body = json.dumps({"@context": jsonld_context()}, ensure_ascii=False, indent=2)
    return Response(body, content_type="application/ld+json; charset=utf-8")


def jsonld_context() -> dict:
    """Prefixes, plus a term per class and property of the ontology with its value type, so documents can say
    {"parent": "…"} and mean fk:parent pointing at an IRI."""
    onto = ontology_graph()
    ns = onto.ns
    ctx: dict = {"id": "@id", "type": "@type"}
    ctx.update(ns.prefixes())
    ctx["label"] = {"@id": "rdfs:label", "@container": "@language"}
    ctx["prefLabel"] = {"@id": "skos:prefLabel", "@container": "@language"}
    for t in onto.triples(None, RDF + "type", None):
        iri = t.subject.value
        if not iri.startswith(ns.fk):
            continue
        local, kind = iri[len(ns.fk) :], t.object.value
        if kind == OWL + "ObjectProperty":
            ctx[local] = {"@id": f"fk:{local}", "@type": "@id"}
        elif kind == OWL + "DatatypeProperty":
            ranges = [o.value for o in onto.objects(iri, RDFS + "range")]
            entry = {"@id": f"fk:{local}"}
            if ranges and ranges[0].startswith(XSD):
                entry["@type"] = "xsd:" + ranges[0][len(XSD) :]
            elif ranges and ranges[0] == RDF + "langString":
                entry["@container"] = "@language"
            ctx.setdefault(local, entry)
        elif kind in (OWL + "Class", OWL + "NamedIndividual"):
            ctx.setdefault(local, f"fk:{local}")
    return ctx
