"""`/compliance`: the bundled plans' compliance matrix as an HTML page in the site's layout, or the
JSON contract ({"cells": [...]}) for `Accept: application/json` or `?format=json`, or a table to take away
(`?format=csv` or `?format=xlsx`: a row per document and requirement, server.compliance.table).

The matrix is computed from the published graph (config PUBLISHED_DIR) once per version of the
dump and then served from memory (server.compliance.graphs.published_matrix).
"""

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for

from server.compliance.graphs import PublishedGraphMissing, published_matrix
from server.compliance.render import NoSuchDocument, install_filters, render_report, report_pdf, to_dict
from server.config import dump_source
from server.paths import BASE_IRI

bp = Blueprint("compliance", __name__, template_folder="templates")


@bp.record_once
def _filters(state) -> None:
    install_filters(state.app.jinja_env)


def _matrix():
    published = current_app.config["PUBLISHED_DIR"]
    try:
        return published_matrix(published)
    except PublishedGraphMissing:
        if not current_app.config.get("BUILD_IF_MISSING", True):
            raise
        dump_source(current_app)(published)
        return published_matrix(published)


def _wants_json() -> bool:
    if request.args.get("format") in ("json", "html"):
        return request.args["format"] == "json"
    best = request.accept_mimetypes.best_match(["text/html", "application/json"], default="text/html")
    return best == "application/json"


def local_href(iri: str) -> str:
    """Our own IRIs (the matrix is computed with the default base) are served by this server."""
    if iri.startswith(BASE_IRI):
        return request.script_root + "/" + iri[len(BASE_IRI) :]
    return iri if iri.startswith(("http://", "https://")) else "#"


@bp.get("/compliance")
def compliance():
    try:
        matrix = _matrix()
    except PublishedGraphMissing as exc:
        abort(503, description=str(exc))
    city = request.args.get("city")
    if city:
        if not any(row.code == city for row in matrix.rows):
            abort(404, description=f"no plan document for municipality {city}")
        matrix = matrix.only(city)
    data = to_dict(matrix)
    data["source"] = "published graph"  # not the server's file path
    if request.args.get("format") in ("csv", "xlsx"):
        from server.compliance.table import COLUMNS, matrix_rows
        from server.web.download import table_response

        name = f"fukushi-kg-compliance-{city}" if city else "fukushi-kg-compliance"
        return table_response(request.args["format"], name, COLUMNS, matrix_rows(data))
    if _wants_json():
        response = jsonify(data)
    else:
        page = render_template("compliance/site.html", data=data, href=local_href, report_href=_report_href)
        response = Response(page, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response


def _report_href(doc) -> str:
    return url_for("compliance.report", code=doc["municipality"])


@bp.get("/compliance/report/<code>")
def report(code):
    """One plan's report: HTML with a print stylesheet, or `?format=pdf` for the PDF of the same page."""
    try:
        matrix = _matrix()
    except PublishedGraphMissing as exc:
        abort(503, description=str(exc))
    data = to_dict(matrix)
    data["source"] = "published graph"
    try:
        html = render_report(data, code, href=local_href)
    except NoSuchDocument:
        abort(404, description=f"no plan document for municipality {code}")
    if request.args.get("format") == "pdf":
        response = Response(report_pdf(html), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="compliance-{code}.pdf"'
        return response
    return Response(html, mimetype="text/html")
