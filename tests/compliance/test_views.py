"""`/compliance`: the bundled matrix as HTML, and as JSON for Accept: application/json."""


def test_html_page(client):
    response = client.get("/compliance", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for text in (
        "コンプライアンス・マトリクス",
        "Compliance matrix",
        "小美玉市",
        "Mine City",
        "一部記載",
        "partial",
        "凡例",
        "004_cbbcddac45a49502.txt:1644",
        "地域福祉計画ナレッジグラフ",  # the site's layout
    ):
        assert text in page
    # links to our own resources stay on this server
    assert 'href="/id/352136/' in page and 'href="https://w3id.org/fukushi-kg/id/' not in page
    assert "Accept" in response.headers["Vary"]


def test_json_by_accept_header(client):
    response = client.get("/compliance", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert [d["municipality"] for d in data["documents"]] == ["082368", "141500", "142069", "352136", "402036"]
    cell = next(c for c in data["cells"] if (c["municipality"], c["requirement"]) == ("352136", "rpa-8"))
    assert (cell["verdict"], cell["severity"]) == ("present", "info")
    assert data["source"] == "published graph"
    assert {c["requirement"] for c in data["cells"]} >= {"swa-107-1-1", "dca-49-14", "gpa-14", "rpa-8"}


def test_city_parameter(client):
    data = client.get("/compliance?city=142069", headers={"Accept": "application/json"}).get_json()
    assert {c["municipality"] for c in data["cells"]} == {"142069"}
    assert client.get("/compliance?city=000000").status_code == 404


def test_browser_default_is_html(client):
    response = client.get("/compliance", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.mimetype == "text/html"
