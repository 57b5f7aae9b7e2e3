"""Error pages: short, bilingual, and never a stack trace (debug mode is for a developer's own machine)."""

import sys

from flask import Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from server.published import BuildInfoDamaged, GraphNotBuilt
from server.web.verified import FileDamaged

# Codes whose descriptions we wrote ourselves and can show; the rest get the page's own words only.
SHOW_DESCRIPTION = {400, 406}


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "text/plain", "application/json"])
    return best == "text/html" or not request.headers.get("Accept")


def error_response(code: int, message: str | None = None) -> Response:
    if _wants_html():
        try:
            return Response(render_template("web/error.html", code=code, message=message), code, mimetype="text/html")
        except Exception:  # the error page must not fail in turn; plain text will do
            pass
    text = f"{code} {message or ''}".strip() + "\n"
    return Response(text, code, mimetype="text/plain")


def handle_http(e: HTTPException):
    if e.code is None or e.code < 400:
        return e
    message = e.description if e.code in SHOW_DESCRIPTION else None
    resp = error_response(e.code, message)
    if e.code == 405 and hasattr(e, "valid_methods") and e.valid_methods:
        resp.headers["Allow"] = ", ".join(e.valid_methods)
    return resp


def handle_not_built(e: GraphNotBuilt):
    resp = error_response(503, "fukushi-kg build を実行してください / run `fukushi-kg build`")
    if e.retry_after:  # a build is under way: the graph will be there shortly
        resp.headers["Retry-After"] = str(e.retry_after)
    return resp


def handle_damaged(e: Exception):
    """A published file or its record changed since the graph was checked: the detail names server paths, so it
    goes to the log; the client learns what is wrong, not where."""
    print(f"fukushi-kg: {e}", file=sys.stderr, flush=True)
    if isinstance(e, BuildInfoDamaged):
        message = (
            "公開記録 build-info.json が読めません（サーバーのログを参照）/ "
            "build-info.json cannot be read (see the server log)"
        )
    else:
        message = (
            "公開ファイルが build-info.json の記録と一致しません（サーバーのログを参照）/ "
            "a published file does not match build-info.json (see the server log)"
        )
    resp = error_response(503, message)
    resp.headers["Retry-After"] = "60"
    return resp


def handle_internal(e: InternalServerError):
    return error_response(500)


def register_errors(app) -> None:
    for code in (400, 404, 405, 406):
        app.register_error_handler(code, handle_http)
    app.register_error_handler(GraphNotBuilt, handle_not_built)
    app.register_error_handler(BuildInfoDamaged, handle_damaged)
    app.register_error_handler(FileDamaged, handle_damaged)
    app.register_error_handler(InternalServerError, handle_internal)
