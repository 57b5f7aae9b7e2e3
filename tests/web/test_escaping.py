"""Nothing from the graph, the seed texts or the query files reaches a page unescaped; errors show no internals."""

import pytest
from web_helpers import MARKERS

from server.app import create_app

HOSTILE_PAGES = [
    "/",
    "/id/municipality/999999",
    "/id/999999/cwp1",
    "/id/999999/cwp1-m1",
    "/id/concept/target-group/hostile",
    "/id/source/hostile",
    "/compare",
    "/compare?level=measure",
    "/query",
    "/query/hostile",
    "/search?q=alert",
    "/search?q=cited",
    "/.well-known/void",
]


def assert_no_live_markup(html: str):
    """Every hostile literal is present, but only as text: no tag or attribute of ours carries it."""
    for tag in ("<script>alert", "<img src=x", "<svg onload", "<b onmouseover", "<iframe", "</textarea><script"):
        assert tag not in html
    assert 'href="javascript:' not in html


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_literals_are_escaped(hostile_app, path):
    resp = hostile_app.test_client().get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 200, path
    assert_no_live_markup(resp.text)


def test_each_hostile_literal_shows_as_text(hostile_app):
    client = hostile_app.test_client()
    pages = "".join(client.get(p).text for p in HOSTILE_PAGES)
    for marker in MARKERS:
        assert marker in pages, f"{marker} is not shown anywhere (so its escaping was not tested)"
    measure = client.get("/id/999999/cwp1-m1").text
    assert "&lt;/textarea&gt;&lt;script&gt;alert(5)&lt;/script&gt;" in measure
    assert "a &amp; b &lt; c" in measure
    assert "&lt;script&gt;alert(8)&lt;/script&gt; cited line" in measure  # the source excerpt
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in client.get("/id/municipality/999999").text


def test_non_http_iris_are_not_links(hostile_app):
    html = hostile_app.test_client().get("/id/municipality/999999").text
    assert "javascript:alert(3)" in html  # shown, as text
    assert 'href="javascript' not in html


@pytest.mark.parametrize("path", ["/id/a%20b", "/id/%3Cscript%3E", "/id/{x}", "/id/..%2F..%2Fetc", "/dumps/..%2Fx"])
def test_paths_that_are_no_iri_are_not_found(client, path):
    resp = client.get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 404
    assert "<script>" not in resp.text


def test_pages_forbid_inline_script(client):
    for path in ("/", "/query", "/id/municipality/082368", "/compare", "/ontology"):
        csp = client.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "connect-src 'self'" in csp


def test_not_found_page(client):
    resp = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert resp.status_code == 404
    assert "見つかりません" in resp.text and "Not found" in resp.text
    plain = client.get("/no/such/page", headers={"Accept": "text/turtle"})
    assert plain.status_code == 404 and plain.mimetype == "text/plain"


def test_server_error_page_has_no_traceback(published_dir):
    """Outside testing, an exception in a view becomes the 500 page: no traceback, no exception text."""
    app = create_app({"PUBLISHED_DIR": str(published_dir), "BUILD_IF_MISSING": False})
    assert not app.debug and not app.testing

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    app.logger.disabled = True  # the traceback goes to the log, which this test does not need to see
    resp = app.test_client().get("/boom", headers={"Accept": "text/html"})
    assert resp.status_code == 500
    assert "サーバーでエラーが発生しました" in resp.text
    assert "Traceback" not in resp.text and "secret internal detail" not in resp.text
    assert "RuntimeError" not in resp.text


def test_graph_not_built_is_503(tmp_path):
    app = create_app({"PUBLISHED_DIR": str(tmp_path / "missing"), "BUILD_IF_MISSING": False})
    resp = app.test_client().get("/id/municipality/082368", headers={"Accept": "text/html"})
    assert resp.status_code == 503
    assert "fukushi-kg build" in resp.text
