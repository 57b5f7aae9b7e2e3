"""The PDF layout reader: numbering as the corpus extracts it, table rows with their cells, page furniture
marked as noise, a heading printed over two lines joined, and bad PDFs refused with a message and exit 2.

Fixtures: the two corpus PDFs with their expected answers (copied from shared/corpus), and the PDFs that
tests/importer/make_layout_fixtures.py prints (layout-sample.pdf from layout-sample.html, web-page.pdf,
encrypted.pdf, image-only.pdf).
"""

import json
from pathlib import Path

import pytest

from server.cli import main
from server.importer.document import CellPart
from server.importer.reading import DocumentError, read_document

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS_PDFS = ["384232-kanno", "132314-sakurazutsumi-gaiyo"]


@pytest.fixture(scope="module")
def read():
    cache = {}

    def lines(name):
        if name not in cache:
            cache[name] = read_document(FIXTURES / f"{name}.pdf")
        return cache[name]

    return lines


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_lines_are_numbered_as_the_corpus_text(read, name):
    lines = read(name)
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").split("\n")[:-1]
    assert [ln.number for ln in lines] == list(range(1, len(text) + 1))
    for ln, printed in zip(lines, text, strict=True):
        joined = ln.kind == "text" and ln.end is not None  # a joined heading holds its later lines too
        assert ln.text.startswith(printed) if joined else ln.text == printed, ln.number


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_page_furniture_is_the_corpus_noise(read, name):
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    assert [ln.number for ln in read(name) if ln.kind == "noise"] == expected["noise_lines"]


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_every_element_keeps_its_page(read, name):
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    lines = read(name)
    for level in expected["levels"]:
        assert lines[level["line"] - 1].page == level["page"], level["label"]


def test_table_rows_carry_their_cells(read):
    lines = read("384232-kanno")
    header = lines[43 - 1]
    assert (header.kind, header.cells) == ("columns", ("取組", "内容", "担当課"))
    row = lines[44 - 1]
    assert row.kind == "row" and row.table == header.table and row.end == 47
    assert row.cells == (
        "集落支援員による巡回見守り",
        "集落支援員が高齢者世帯を定期的に訪問し、困りごとを聞き取って関係機関につなぎます。",
        "保健福祉課・企画調整課",
    )
    assert [(ln.kind, ln.joined_to) for ln in lines[44:47]] == [("continued", 44)] * 3
    wrapped = lines[51 - 1]  # the 取組 cell wraps onto line 52, as the corpus's end_line says
    assert wrapped.parts[0] == (CellPart("地区集会所でのサロン活動の支援", 51, 52),)
    indicator = lines[106 - 1]
    assert indicator.cells == ("重層的支援会議で支援方針を決めた件数", "12件（令和6年度）", "30件（令和10年度）")
    assert lines[109 - 1].cells[2] == "80.0％（令和13年度）"
    tables = {ln.table for ln in lines if ln.table}
    assert len(tables) == 8  # 施策体系, six 取組 tables, 成果指標


def test_rowspan_cells_repeat_and_items_keep_their_lines(read):
    lines = read("132314-sakurazutsumi-gaiyo")
    first, second = lines[27 - 1], lines[34 - 1]
    assert first.cells[0] == second.cells[0] == "【目標1】ひとりにしない、つながりのあるまち"
    assert first.parts[0] == second.parts[0] == (CellPart("【目標1】ひとりにしない、つながりのあるまち", 27, 28),)
    assert first.cells[1] == "取組の方向1-1 見守りとつながりの輪を広げる"
    assert first.parts[2] == (
        CellPart("●ご近所見守りネットワークの拡大", 31, 31),
        CellPart("●孤独・孤立の相談窓口「つながるダイヤル」の開設", 32, 33),
    )
    box = lines[64 - 1]  # a cell spanning both columns: given once, the covered column empty
    assert box.cells == (
        "電話・SNS・訪問を組み合わせ、誰かとつながりたい人を地域の居場所や支援につなぎます。\n"
        "目標：つながるダイヤルへの相談件数 120件→200件",
        "",
    )


def test_heading_over_two_lines_is_joined(read):
    lines = read("layout-sample")
    heading = next(ln for ln in lines if ln.text.startswith("(1)"))
    assert (
        heading.text
        == "(1) 権利擁護支援の充実と成年後見制度の利用促進に向けた中核機関の整備（成年後見制度利用促進計画）"
    )
    assert heading.end == heading.number + 1
    follower = lines[heading.number]
    assert (follower.kind, follower.joined_to) == ("continued", heading.number)
    body = lines[heading.number + 1]
    assert body.wraps and body.end is None  # body text runs on: flagged, not joined


def test_running_header_page_numbers_and_repeated_table_header_are_noise(read):
    lines = read("layout-sample")
    noise = {(ln.page, ln.reason, ln.text) for ln in lines if ln.kind == "noise"}
    assert noise == {
        (1, "running header", "第3次見本町地域福祉計画"),
        (1, "page number", "－1－"),
        (2, "running header", "第3次見本町地域福祉計画"),
        (2, "page number", "－2－"),
        (2, "repeated table header", "取組 内容 担当課"),
    }
    title = next(ln for ln in lines if ln.text == "第3次見本町地域福祉計画" and ln.kind == "text")
    assert title.page == 1  # the printed title is content, its repeats in the margin are not
    rows = [ln for ln in lines if ln.kind == "row" and ln.table == 1]
    assert len(rows) == 14  # one table across the page break, its headings once
    assert {ln.page for ln in rows} == {1, 2}
    assert sum(ln.kind == "columns" and ln.table == 1 for ln in lines) == 1


def _import(tmp_path, plan):
    out = tmp_path / "out" / "draft.ttl"
    out.parent.mkdir()
    code = main(["import", str(plan), "--municipality", "092142", "--out", str(out)])
    return code, out


@pytest.mark.parametrize(
    "name, words",
    [
        ("encrypted.pdf", ["暗号化", "encrypted"]),
        ("image-only.pdf", ["画像だけ", "OCR", "no text layer"]),
        ("web-page.pdf", ["計画の文書ではない", "does not look like a plan"]),
    ],
)
def test_bad_pdfs_are_refused_with_a_message_and_exit_2(tmp_path, capsys, name, words):
    code, out = _import(tmp_path, FIXTURES / name)
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and name in err
    assert all(w in err for w in words)
    assert not out.exists() and not list(out.parent.iterdir())


@pytest.mark.parametrize(
    "content, words",
    [(b"", ["空のファイル", "empty file"]), (b"hello\n", ["PDFとして読めません", "not a readable PDF"])],
)
def test_empty_and_broken_files_are_refused(tmp_path, capsys, content, words):
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(content)
    code, out = _import(tmp_path, plan)
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "plan.pdf" in err
    assert all(w in err for w in words)
    assert not out.exists()
    with pytest.raises(DocumentError):
        read_document(plan)


def test_a_corpus_pdf_imports_with_its_table_rows(tmp_path, capsys):
    """Through the current outline reader: the 取組 rows of the tables become elements under their 施策."""
    code, out = _import(tmp_path, FIXTURES / "384232-kanno.pdf")
    assert code == 0
    text = out.read_text(encoding="utf-8")
    for label in ("集落支援員による巡回見守り", "地区集会所でのサロン活動の支援", "移動販売車との見守り協定"):
        assert label in text


def test_a_table_printed_without_rules_is_read_by_its_aligned_columns(read):
    lines = read("layout-sample")
    at = next(ln.number for ln in lines if ln.text == "成果指標")
    head, first, second = lines[at : at + 3]
    assert (head.kind, head.cells) == ("columns", ("指標", "現状値", "目標値"))
    assert (first.kind, first.cells) == ("row", ("ふれあいサロンの数", "42か所", "60か所"))
    assert second.cells == ("見守り協定を結んだ事業者の数", "18事業者", "30事業者")
    assert head.table == first.table == second.table != lines[at - 2].table
    assert second.parts[0] == (CellPart("見守り協定を結んだ事業者の数", second.number, second.number),)


def test_a_grid_of_stroked_lines_and_a_large_heading_from_another_producer(read):
    """reportlab draws a table's grid as stroked lines (Chromium as filled rectangles) and names no bold."""
    lines = read("stroked-table")
    assert lines[0].text.endswith("（成年後見制度利用促進計画）") and lines[0].end == 2
    assert lines[1].kind == "continued"
    assert lines[3].cells == ("取組", "内容", "担当課")
    rows = [ln for ln in lines if ln.kind == "row"]
    assert [r.cells[0] for r in rows] == ["ふれあいサロンの立ち上げ支援", "見守り協定の締結", "地域食堂の運営支援"]
    assert rows[1].cells[2] == "福祉課・危機管理課" and rows[1].parts[2] == (CellPart("福祉課・危機管理課", 12, 13),)


def test_ruling_lines_make_a_grid_unless_they_are_a_drawing():
    from server.importer.pdf_layout import MAX_CROSSINGS, _edge, _Page, _tables

    grid = [_edge("h", 50, y, 250, y) for y in (100, 120, 140)] + [_edge("v", x, 100, x, 140) for x in (50, 150, 250)]
    (table,) = _tables(_Page(1, 600, 800, [], grid))
    assert len(table.cells) == 4 and table.bbox == (50, 100, 250, 140)
    assert table.cell_at(200, 130) == table.slots[1][1]
    side = int(MAX_CROSSINGS**0.5) + 1  # a chart of short strokes: too many lines to cross pairwise
    drawing = [_edge("h", 0, i / 10, 1, i / 10) for i in range(side)] + [
        _edge("v", i / 10, 0, i / 10, 1) for i in range(side)
    ]
    assert _tables(_Page(1, 600, 800, [], drawing)) == []


def test_review_counts_neither_furniture_nor_the_rest_of_a_used_row_as_unused(read):
    from server.importer.outline import parse
    from server.importer.review import covered_lines, unused_lines

    lines = read("384232-kanno")
    outline = parse(lines)
    noise = {ln.number for ln in lines if ln.kind == "noise"}
    assert noise and not noise & unused_lines(outline)
    assert {44, 45, 46, 47} <= covered_lines(outline)  # the row of 集落支援員による巡回見守り and its wrapped cells
    assert 5 in unused_lines(outline)  # prose about the plan is still reported


def test_marks_under_actor_columns_keep_their_column(read):
    lines = read("layout-sample")
    at = next(ln.number for ln in lines if ln.text == "実施主体")
    head, first, second = lines[at : at + 3]
    assert head.cells == ("取組", "住民・地域", "社協", "行政")
    assert first.cells == ("ご近所の声かけ運動", "●", "○", "")
    assert second.cells == ("見守り協定の締結と事業者への周知", "", "○", "●")  # the text alone reads 「… ○ ●」


def test_a_chapters_running_header_is_furniture_but_a_heading_opening_two_pages_is_not():
    from server.importer.pdf_layout import _mark_furniture, _Page, _Text

    def line(n, page, text, top, size):
        t = _Text(n, page, text, [(0, 60.0, top, 60.0 + size * len(text), top + size)])
        t.size = size
        return t

    pages, n = [], 0
    for p in range(1, 21):
        lines = []
        if p <= 4:  # a small running header naming the chapter, on two pages each
            lines.append(line(n := n + 1, p, "第1章 計画の概要" if p <= 2 else "第2章 施策の展開", 30, 8.0))
        if p in (5, 6):  # a sub-heading in body type that happens to open two of twenty pages
            lines.append(line(n := n + 1, p, "現状と課題", 30, 10.5))
        for k in range(20):
            lines.append(line(n := n + 1, p, f"本文の{k + 1}行目として地域の見守りを進めます。", 120 + 20 * k, 10.5))
        pages.append(_Page(p, 600, 800, lines, []))
    _mark_furniture(pages)
    furniture = {(t.page, t.text) for page in pages for t in page.lines if t.kind == "noise"}
    assert furniture == {(p, "第1章 計画の概要") for p in (1, 2)} | {(p, "第2章 施策の展開") for p in (3, 4)}
