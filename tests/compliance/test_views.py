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
        "【素案】」1644行",  # evidence names the plan and line, not the seed file
        "地域福祉計画ナレッジグラフ",  # the site's layout
    ):
        assert text in page
    # links to our own resources stay on this server
    assert 'href="/id/352136/' in page and 'href="https://w3id.org/fukushi-kg/id/' not in page
    assert "Accept" in response.headers["Vary"]
    assert "004_cbbcddac45a49502.txt" not in page
    # each cell links to its details; 小田原市 shows the reviewer's verdict with the automatic one beside it
    assert 'href="#cell-402036-rpa-8"' in page and 'id="cell-402036-rpa-8"' in page
    assert 'id="cell-142069-swa-107-1-1"' in page and "自動 ？" in page
    assert 'href="/compliance/report/402036"' in page


def test_report_page_and_pdf(client):
    import pypdfium2

    page = client.get("/compliance/report/402036").get_data(as_text=True)
    assert "法令適合 報告書" in page and "@media print" in page and "骨子案" in page
    assert "2026-03-01" in page  # checked against the law as in force at the planned adoption (003:125)
    assert "326AC0000000045_20240424_506AC0000000021" in page  # the law version checked
    assert 'href="/id/402036/cwp4-statement-content"' in page  # the quote links to the element's page
    response = client.get("/compliance/report/402036?format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.get_data())
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "法令適合 報告書" in text and "久留米市" in text
    assert "福祉の各分野に共通する事項" in text  # the quote of 003:33
    assert "要確認" in text  # 再犯: the document says it contains the plan, no measure serves it
    assert client.get("/compliance/report/999999").status_code == 404


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
