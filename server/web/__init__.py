"""The web interface and Linked Data publishing: resource pages and RDF at /id/…, the ontology, the dataset
description and dumps, the query page and the comparison page.

`init_app` is the one entry point; server/app.py calls it.
"""

from flask import Blueprint, request

from server.web import dataset, ontology, pages, resources
from server.web.errors import register_errors
from server.web.graph import init_graph

# Templates live in templates/web/ so their names cannot collide with other blueprints' templates.
assets = Blueprint("web", __name__, static_folder="static", static_url_path="/static/web", template_folder="templates")

OUR_BLUEPRINTS = {"web", "pages", "resources", "ontology", "dataset", "annotations"}
# Scripts and styles only from this server (the vendored YASGUI included); fetches only to it, i.e. /sparql.
# 'unsafe-inline' styles: CodeMirror and DataTables set style attributes from script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)


def filesize(n) -> str:
    if n is None:
        return "—"
    n = int(n)
    for unit, size in (("MB", 1_000_000), ("kB", 1_000)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


def init_app(app) -> None:
    init_graph(app)
    app.register_blueprint(assets)
    for module in (pages, resources, ontology, dataset):
        app.register_blueprint(module.bp)
    register_errors(app)
    app.jinja_env.filters["filesize"] = filesize

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        if resp.mimetype == "text/html" and (request.blueprint in OUR_BLUEPRINTS or resp.status_code >= 400):
            resp.headers.setdefault("Content-Security-Policy", CSP)
        return resp
