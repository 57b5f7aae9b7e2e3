"""The Flask application factory."""

from pathlib import Path

from flask import Flask, request
from werkzeug.http import parse_range_header

from server.annotations.views import bp as annotations_bp
from server.backend.remote import RemoteExecutor
from server.compliance.publication import compliance_part
from server.compliance.views import bp as compliance_bp
from server.config import DEFAULTS, DUMP_SOURCE, from_environment
from server.graph import on_demand
from server.search import init_app as init_search
from server.sparql import init_app as init_sparql
from server.store import graph_counts
from server.web import init_app as init_web

# Scripts and styles only from this server (the vendored YASGUI included); fetches only to it, i.e. /sparql.
# 'unsafe-inline' styles: CodeMirror and DataTables set style attributes from script, and the compliance
# matrix has a <style> block. No page may be framed (clickjacking), so frame-ancestors is 'none'.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # query texts travel in URLs: never pass them on to another site
}


def create_app(test_config=None) -> Flask:
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    if test_config is None:
        app.config.update(from_environment())
    else:
        app.config.update(test_config)
    # Werkzeug enforces this while a body streams in, chunked bodies included (no body is read whole first).
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY"]
    app.json.ensure_ascii = False
    # The pages and the SPARQL workers never import the build: the app hands them how to get a dump.
    app.extensions[DUMP_SOURCE] = on_demand.for_app(app, compliance_part)

    # Blueprints are registered here, one per concern.
    backend = app.config.get("SPARQL_BACKEND")  # an existing engine answers; the rules stay in server.sparql
    remote = None
    if backend:
        published, base = Path(app.config["PUBLISHED_DIR"]), app.config.get("BASE_IRI")
        remote = RemoteExecutor(
            backend,
            timeout=app.config.get("QUERY_TIMEOUT", 5.0),
            graphs=lambda: graph_counts(published, base).keys(),  # FROM may name only these
        )
    init_sparql(app, remote)
    init_web(app)
    init_search(app)
    app.register_blueprint(compliance_bp)
    app.register_blueprint(annotations_bp)

    @app.before_request
    def _one_range_at_most():
        # Several ranges in one Range header: the whole file (200), which RFC 9110 allows (a server may ignore
        # Range), instead of werkzeug's 416; one range is still answered with 206.
        header = request.environ.get("HTTP_RANGE")
        if header and "," in header:
            parsed = parse_range_header(header)
            if parsed is not None and len(parsed.ranges) > 1:
                del request.environ["HTTP_RANGE"]

    @app.after_request
    def _security_headers(resp):
        for name, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(name, value)
        return resp

    return app
