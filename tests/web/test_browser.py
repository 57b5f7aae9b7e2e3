"""A real browser (Debian's headless Chromium, driven by Playwright) on a live server: the home page, an
example query run in the YASGUI editor with its result table, a measure page with its source excerpt, the
query's answer as a table of Japanese names, pages of hostile data that must not run a single script, and
Japanese text drawn with real glyphs (no tofu)."""

from pathlib import Path

import pytest
from web_helpers import LiveServer

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MEASURE = "/id/352136/cwp3-g1-p1-d1-a01"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"no headless Chromium at {CHROMIUM} (install Debian's 'chromium' package to run the browser test)",
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watch:
    """What a page did that it should not: reach another host, throw, log an error (a CSP refusal is one),
    or open a dialog."""

    def __init__(self, page, origin: str):
        self.outside, self.errors, self.dialogs = [], [], []
        page.on("request", lambda r: None if r.url.startswith((origin, "data:")) else self.outside.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self):
        assert self.outside == [], f"requests to other hosts: {self.outside}"
        assert self.errors == [], f"errors in the page: {self.errors}"
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"


def test_home_query_and_measure_page(browser, app, example_queries, monkeypatch):
    from playwright.sync_api import expect

    monkeypatch.setitem(app.config, "QUERIES_DIR", str(example_queries))
    with LiveServer(app) as live:
        page = browser.new_page()
        watch = Watch(page, live.url)
        page.set_default_timeout(20_000)

        page.goto(live.url + "/")
        expect(page.locator("h1")).to_contain_text("地域福祉計画ナレッジグラフ")
        expect(page.locator("#municipalities")).to_contain_text("美祢市")

        page.locator("nav.cards a", has_text="SPARQL で検索").click()
        page.wait_for_url(live.url + "/query")
        example = page.locator("#example-municipalities")
        expect(example).to_contain_text("Which municipalities are in the graph?")
        example.locator("button.run-example").click()
        rows = page.locator(".yasr table tbody tr")
        expect(rows).to_have_count(5)
        table = page.locator(".yasr table")
        for name in ("小美玉市", "相模原市", "小田原市", "美祢市", "久留米市"):
            expect(table).to_contain_text(name)
        assert "@ja" not in table.inner_text()  # literals without language tags or datatypes (compact view)

        page.goto(live.url + MEASURE)
        expect(page.locator("h1")).to_contain_text("福祉総合相談支援体制の整備")
        cited = page.locator("#source .line.cited")
        expect(cited).to_have_count(1)
        expect(cited).to_contain_text("909")
        expect(cited).to_contain_text("福祉総合相談支援体制の整備")
        page.locator("#source figcaption a").click()
        page.wait_for_url("**/id/source/004_cbbcddac45a49502#L909")
        expect(page.locator("#L909")).to_contain_text("福祉総合相談支援体制の整備")

        # The same question as a table of names: the reader sees Japanese, not IRIs.
        page.goto(live.url + "/query")
        page.locator("#example-municipalities a.result-table").click()
        page.wait_for_url(live.url + "/query/municipalities")
        table = page.locator("table#result")
        expect(table.locator("tbody tr")).to_have_count(5)
        # The ?municipality column holds IRIs; the reader sees each one's Japanese name, linked to its page here.
        headers = table.locator("thead th").all_inner_texts()
        column = headers.index("?municipality") + 1
        cell = table.locator(f"tbody tr td:nth-child({column}) a", has_text="美祢市")
        expect(cell).to_have_attribute("href", "/id/municipality/352136")
        cell.click()
        page.wait_for_url(live.url + "/id/municipality/352136")
        expect(page.locator("h1")).to_contain_text("美祢市")
        watch.assert_clean()
        page.close()


def test_hostile_data_runs_no_script(browser, hostile_app):
    with LiveServer(hostile_app) as live:
        page = browser.new_page()
        watch = Watch(page, live.url)
        for path in ("/", "/id/municipality/999999", "/id/999999/cwp1", "/id/999999/cwp1-m1", "/compare", "/query"):
            page.goto(live.url + path)
            page.wait_for_load_state("load")
        page.goto(live.url + "/id/municipality/999999")
        # Shown to the reader as the text it is, not run.
        assert page.locator("h1").inner_text().startswith("<script>alert(1)</script>")
        watch.assert_clean()
        page.close()


# Glyphs drawn on a canvas in the page's own font stack: distinct Japanese characters must draw distinct images,
# none of them the box a missing glyph draws (U+0378 is unassigned, so no font has it). Widths alone cannot
# tell: Chromium's missing-glyph box is one em wide, as a CJK glyph is.
GLYPHS = """(chars) => {
  const font = getComputedStyle(document.body).fontFamily;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const ctx = canvas.getContext("2d");
  ctx.font = "48px " + font;
  const draw = (ch) => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.fillText(ch, 4, 52);
    return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(",");
  };
  return {
    font: font,
    images: chars.map(draw),
    missing: draw("\\u0378"),
  };
}"""


def test_japanese_renders_without_tofu(browser, app):
    with LiveServer(app) as live:
        page = browser.new_page()
        page.goto(live.url + "/")
        chars = list("地域福祉計画美祢市")
        found = page.evaluate(GLYPHS, chars)
        page.close()
    hint = f"Japanese glyphs render as boxes in {found['font']!r}: install a CJK font (fonts-noto-cjk)"
    assert found["missing"] not in found["images"], hint
    assert len(set(found["images"])) == len(chars), hint


# A canvas Chart.js has drawn on holds pixels that are not transparent; an empty one holds none.
INKED = """(canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i]) n++;
  return n;
}"""


def test_compare_draws_its_charts_with_the_vendored_library(browser, app):
    from playwright.sync_api import expect

    with LiveServer(app) as live:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        watch = Watch(page, live.url)
        page.set_default_timeout(20_000)
        page.goto(live.url + "/compare?city=352136&peer=082368&peer=402036&tree=1")
        page.wait_for_load_state("load")
        assert page.evaluate("typeof Chart") == "function"
        canvases = page.locator("canvas[data-chart]")
        assert canvases.count() >= 4  # levels, verdicts, target groups, functions
        for i in range(canvases.count()):
            canvas = canvases.nth(i)
            assert page.evaluate("(c) => !!Chart.getChart(c)", canvas.element_handle())
            assert canvas.evaluate(INKED) > 500, canvas.get_attribute("data-chart")
        # The chart's legend names the municipalities of the table, in the same order.
        legend = page.evaluate(
            "(c) => Chart.getChart(c).data.datasets.map(d => d.label)", canvases.first.element_handle()
        )
        assert legend == ["美祢市", "小美玉市", "久留米市"]
        expect(page.locator("#trees")).to_contain_text("第3次美祢市地域福祉計画")
        watch.assert_clean()
        page.close()


PAGES_AT_1400 = (
    "/",
    "/search?q=見守り",
    "/query",
    "/compare",
    "/overview",
    "/compliance",
    "/annotations",
    "/ontology",
    "/id/municipality/352136",
    MEASURE,
)


def test_every_page_fits_1400_px(browser, app):
    """At 1,400 px no page scrolls sideways as a whole; the compliance matrix scrolls inside its own box
    with its first column held in place, and its column heads are Japanese with the code secondary."""
    with LiveServer(app) as live:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        watch = Watch(page, live.url)
        page.set_default_timeout(20_000)
        for path in PAGES_AT_1400:
            response = page.goto(live.url + path)
            assert response.status == 200, path
            page.wait_for_load_state("load")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} is {overflow} px wider than the window"
        page.goto(live.url + "/compliance")
        matrix = page.locator(".table-wrap table.matrix").first
        overflow_x = matrix.evaluate("(t) => getComputedStyle(t.parentElement).overflowX")
        assert overflow_x in ("auto", "scroll"), "the matrix's container must scroll sideways"
        first = matrix.locator("tbody tr").first.locator("th, td").first
        assert first.evaluate("(c) => getComputedStyle(c).position") == "sticky"
        head = matrix.locator("thead th").nth(1).inner_text()
        assert any("\u3040" <= ch <= "\u9fff" for ch in head.split("swa-")[0]), head
        watch.assert_clean()
        page.close()
