"""The web interface and Linked Data publishing: resource pages and RDF at /id/…, the ontology, the dataset
description and dumps, the query page and the comparison page.

`init_app` is the one entry point; server/app.py calls it.
"""

from flask import Blueprint

from server.sparql import executor_of
from server.web import dataset, ontology, overview, pages, queries, resources
from server.web.errors import register_errors
from server.web.graph import init_graph

# Templates live in templates/web/ so their names cannot collide with other blueprints' templates.
assets = Blueprint("web", __name__, static_folder="static", static_url_path="/static/web", template_folder="templates")

# The security headers (Content-Security-Policy and the rest) are set for every response in server/app.py.


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
    executor = executor_of(app)
    if hasattr(executor, "first_jobs"):  # the local workers' warm-up (a remote engine keeps no answers here)
        executor.first_jobs = lambda: queries.first_pages(app)
    app.register_blueprint(assets)
    for module in (pages, queries, overview, resources, ontology, dataset):
        app.register_blueprint(module.bp)
    register_errors(app)
    app.jinja_env.filters["filesize"] = filesize
