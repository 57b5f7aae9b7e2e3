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
        "一部充足",
        "partly",
        "004_cbbcddac45a49502.txt:1644",
    ):
        assert text in page
    assert "Accept" in response.headers["Vary"]


def test_json_by_accept_header(client):
    response = client.get("/compliance", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert [r["municipality"]["code"] for r in data["rows"]] == ["082368", "141500", "142069", "352136", "402036"]
    assert data["rows"][3]["cells"]["RPA-8"]["status"] == "satisfied"
    assert data["source"] == "published graph"
    assert [r["id"] for r in data["requirements"]][-1] == "Structure"


def test_city_parameter(client):
    data = client.get("/compliance?city=142069", headers={"Accept": "application/json"}).get_json()
    assert [r["municipality"]["code"] for r in data["rows"]] == ["142069"]
    assert client.get("/compliance?city=000000").status_code == 404


def test_browser_default_is_html(client):
    response = client.get("/compliance", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.mimetype == "text/html"
