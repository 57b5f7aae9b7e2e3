"""A PDF plan as numbered lines with their layout: table rows with cells, running headers, footers and
page numbers marked as noise, headings printed over two lines joined (see server.importer.document).

Text and positions come from pypdfium2; table cells from pdfplumber's table finder, given the ruling
lines pypdfium2 reads from the page. Measured with `fukushi-kg bench import --pdf-pages 100` (which
prints these figures again) on the two corpus PDFs and on a 100-page plan printed by Chromium:

- Line numbers: the corpus (its expected answers, and the review page) numbers lines as pypdfium2's
  `get_text_range()` prints them; pdfplumber breaks lines elsewhere. Text therefore comes from
  pypdfium2, whose char boxes place every character on the page.
- Table cells: of the 117 cells of the corpus PDFs' HTML tables, pdfplumber alone (`find_tables()` +
  `extract()`) gives 100 with the right text, ours 117. pdfplumber finds every table (ruling lines →
  intersections → cells, rowspans as spanning cells), but its text keeps the fonts' own code points
  (「‧」 U+2027 for 「・」, 「⾒」 U+2F92 for 「見」) where PDFium maps them to the characters printed;
  pypdfium2 has no table finder, and text boxes alone cannot tell a cell border from a wide gap. So
  the finder is pdfplumber's, run on edges from pypdfium2's path objects (its documented "explicit"
  lines setting), and the cells' text is pypdfium2's.
- Speed, 100 pages, in CPU seconds (the wall time on this shared 2-core machine ran 1-3x that): this
  module reads the plan in 1.0 s, the whole `fukushi-kg import` takes 2.5 s and 160 MB; pdfplumber
  alone spends 7.7 s in `find_tables()` and as much in `extract_words()`, because opening a page
  with it interprets the content stream again in Python (pypdfium2 text + char boxes: 1.2 s wall).
- Headers and footers: a line in the top or bottom band of the page that is a page number, or that is
  printed at the same place and size on a quarter of the pages at least once digits are set aside.
  On the corpus PDFs this finds all 12 `noise_lines` and nothing else, on pypdfium2's lines and on
  pdfplumber's alike; the choice rests on numbering, cell text and speed.

Bold type is read from the font name where the PDF names its fonts (Word, most office tools);
Chromium's PDFs name none, so there headings are told by size alone.
"""

import logging
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from server.importer import limits
from server.importer.document import CellPart, DocumentError, Line

BULLETS = tuple("●○◎◯・◆◇■□▪▶►※★☆")
JOINERS = ("、", "・", "，", ",", "（", "(", "「", "『", "【", "〔", "／", "/", "～", "〜", "-", "－", "：", ":")
PAGE_NUMBER = re.compile(
    r"[-‐―—–ー~〜()（）\s]*(?:[pP]\.?|ページ)?\s*\d{1,4}\s*(?:/\s*\d{1,4}|ページ|頁)?[-‐―—–ー~〜()（）\s]*"
)
PLAN_WORDS = ("計画", "施策", "基本目標", "取組", "基本理念", "福祉")
BAND = 0.12  # top and bottom share of the page where running headers, footers and page numbers print
WORD_BREAK = re.compile(r"\r\n|\r|\n")
MAX_CROSSINGS = 4_000_000  # horizontal × vertical ruling lines on a page (a page of the 100-page bench: 7,000)


@dataclass
class _Text:
    """One line as pypdfium2 prints it, with the boxes of its visible characters (top-down coordinates)."""

    number: int
    page: int
    text: str
    chars: list = field(default_factory=list)  # (index in text, x0, top, x1, bottom)
    size: float = 0.0
    bold: bool = False
    kind: str = "text"
    reason: str | None = None
    in_table: bool = False

    @cached_property
    def x0(self):
        return min(c[1] for c in self.chars)

    @cached_property
    def x1(self):
        return max(c[3] for c in self.chars)

    @cached_property
    def top(self):
        return min(c[2] for c in self.chars)

    @cached_property
    def bottom(self):
        return max(c[4] for c in self.chars)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list
    edges: list
    tables: list = field(default_factory=list)


@dataclass
class _Grid:
    """A table: its cells (bboxes) placed on a grid of column and row boundaries."""

    cells: list  # (x0, top, x1, bottom)
    xs: list
    ys: list
    slots: list  # slots[row][col] -> index into cells
    bbox: tuple

    def cell_at(self, x: float, y: float) -> int | None:
        col, row = bisect_right(self.xs, x) - 1, bisect_right(self.ys, y) - 1
        if 0 <= row < len(self.slots) and 0 <= col < len(self.slots[row]):
            return self.slots[row][col]
        return None

    def span(self, index: int) -> tuple[int, int, int, int]:
        x0, top, x1, bottom = self.cells[index]
        return self.ys.index(top), self.xs.index(x0), self.ys.index(bottom), self.xs.index(x1)


def read_pdf(path: Path) -> list[Line]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise DocumentError(
                f"{path}: パスワードで暗号化されたPDFです。パスワードを外して保存し直したPDFを取り込んでください"
                " / encrypted PDF: save a copy without the password and import that"
            ) from exc
        raise DocumentError(
            f"{path}: PDFとして読めません（壊れているか、PDFではありません）。元のファイルから保存し直してください"
            f" / not a readable PDF ({exc})"
        ) from exc
    try:
        limits.check_pages(path, len(pdf))
        pages, counter, chars = [], 0, 0
        for index in range(len(pdf)):
            page = _read_page(pdf, index, counter)
            counter += len(page.lines)
            chars += sum(len(t.text) for t in page.lines)
            limits.check_text(path, chars)
            limits.check_lines(path, counter)
            pages.append(page)
    except pdfium.PdfiumError as exc:
        raise DocumentError(
            f"{path}: PDFのページが読めません。元のファイルから保存し直してください / unreadable page ({exc})"
        ) from exc
    finally:
        pdf.close()
    if not any(t.text.strip() for p in pages for t in p.lines):
        raise DocumentError(
            f"{path}: 文字情報のないPDF（画像だけ）です。OCR で文字を付けたPDFか、テキストを取り込んでください"
            " / image-only PDF with no text layer: run OCR on it or import the text"
        )
    lines = layout(pages)
    content = "".join(ln.text for ln in lines if ln.kind != "noise")
    if not any(w in content for w in PLAN_WORDS):
        raise DocumentError(
            f"{path}: 計画の文書ではないようです（「計画」「施策」「基本目標」などの語がありません）。"
            "計画書のPDFを指定してください"
            " / this does not look like a plan (none of 計画, 施策, 基本目標…): give the plan's PDF"
        )
    return lines


def _read_page(pdf, index: int, counter: int) -> _Page:
    import ctypes

    import pypdfium2.raw as pdfium_c

    page = pdf[index]
    width, height = page.get_size()
    textpage = page.get_textpage()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    box = [ctypes.byref(v) for v in (left, right, bottom, top)]  # FPDFText_GetCharBox's order
    try:
        text = textpage.get_text_range()
        boxed = textpage.count_chars() == len(text)  # char i of the text is PDFium's char i
        spans, start = [], 0
        for m in WORD_BREAK.finditer(text):
            spans.append((start, m.start()))
            start = m.end()
        spans.append((start, len(text)))
        lines = []
        for start, end in spans:
            line = _Text(counter + len(lines) + 1, index + 1, text[start:end])
            if boxed:
                for i in range(start, end):
                    if text[i].isspace() or not pdfium_c.FPDFText_GetCharBox(textpage.raw, i, *box):
                        continue
                    if right.value > left.value or top.value > bottom.value:
                        line.chars.append(
                            (i - start, left.value, height - top.value, right.value, height - bottom.value)
                        )
                if line.chars:
                    first = start + line.chars[0][0]
                    line.size = round(pdfium_c.FPDFText_GetFontSize(textpage.raw, first), 1)
                    line.bold = _bold(pdfium_c, textpage, first)
            lines.append(line)
        edges = _edges(page, pdfium_c, height)
    finally:
        textpage.close()
        page.close()
    return _Page(index + 1, width, height, lines, edges)


def _bold(pdfium_c, textpage, index: int) -> bool:
    import ctypes

    buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int(0)
    n = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, len(buffer), ctypes.byref(flags))
    name = buffer.raw[: max(0, min(n, len(buffer)) - 1)].decode("latin-1")
    weight = pdfium_c.FPDFText_GetFontWeight(textpage.raw, index)
    return weight >= 600 or bool(re.search(r"Bold|Heavy|Black|Demi|W[6-9]\b", name))


def _edges(page, pdfium_c, height: float) -> list:
    """Horizontal and vertical ruling lines, as pdfplumber's table finder takes them (top-down coordinates).

    Walks the raw object list: pypdfium2's get_objects() wraps every text object too (tens of thousands
    in a long plan) before filtering, which cost more than reading the text."""
    import ctypes

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    box = [ctypes.byref(v) for v in (left, bottom, right, top)]
    edges = []

    def walk(count, get):
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                walk(
                    pdfium_c.FPDFFormObj_CountObjects(obj), lambda k, form=obj: pdfium_c.FPDFFormObj_GetObject(form, k)
                )
                continue
            if kind != pdfium_c.FPDF_PAGEOBJ_PATH or not pdfium_c.FPDFPageObj_GetBounds(obj, *box):
                continue
            x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
            w, h = x1 - x0, y1 - y0
            if w <= 2.5 and h > 2:
                edges.append(_edge("v", (x0 + x1) / 2, height - y1, (x0 + x1) / 2, height - y0))
            elif h <= 2.5 and w > 2:
                edges.append(_edge("h", x0, height - (y0 + y1) / 2, x1, height - (y0 + y1) / 2))
            elif w > 2 and h > 2:
                edges.extend(_path_edges(obj, pdfium_c, height))

    walk(pdfium_c.FPDFPage_CountObjects(page.raw), lambda k: pdfium_c.FPDFPage_GetObject(page.raw, k))
    return edges


def _path_edges(obj, pdfium_c, height: float) -> list:
    """The straight, axis-parallel segments of a path (a rectangle, or a grid drawn as one path)."""
    import ctypes

    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
        return []
    m = matrix
    points, out = [], []
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if not pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
            continue
        px, py = m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            points = [(px, py)]
            continue
        if points and kind == pdfium_c.FPDF_SEGMENT_LINETO:
            out.append((points[-1], (px, py)))
        points.append((px, py))
        if pdfium_c.FPDFPathSegment_GetClose(seg) and len(points) > 2:
            out.append(((px, py), points[0]))
    edges = []
    for (ax, ay), (bx, by) in out:
        if abs(ax - bx) < 0.5 and abs(ay - by) > 2:
            edges.append(_edge("v", ax, height - max(ay, by), ax, height - min(ay, by)))
        elif abs(ay - by) < 0.5 and abs(ax - bx) > 2:
            edges.append(_edge("h", min(ax, bx), height - ay, max(ax, bx), height - ay))
    return edges


def _edge(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict:
    return {
        "object_type": "line_edge",
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
    }


class _PageBox:
    """TableFinder reads only its page's bbox when the ruling lines are given explicitly."""

    def __init__(self, width: float, height: float):
        self.bbox = (0, 0, width, height)


def _tables(page: _Page) -> list[_Grid]:
    h = [e for e in page.edges if e["orientation"] == "h"]
    v = [e for e in page.edges if e["orientation"] == "v"]
    if len(h) < 2 or len(v) < 2 or len(h) * len(v) > MAX_CROSSINGS:
        return []  # no grid, or a drawing (a chart, a map) whose lines the finder would cross pairwise
    from pdfplumber.table import TableFinder

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    finder = TableFinder(
        _PageBox(page.width, page.height),
        {
            "vertical_strategy": "explicit",
            "horizontal_strategy": "explicit",
            "explicit_vertical_lines": v,
            "explicit_horizontal_lines": h,
        },
    )
    grids = []
    for table in finder.tables:
        cells = [tuple(round(v, 1) for v in c) for c in table.cells]
        if len(cells) < 2:
            continue  # a box drawn round a paragraph is not a table
        xs = sorted({c[0] for c in cells} | {c[2] for c in cells})
        ys = sorted({c[1] for c in cells} | {c[3] for c in cells})
        slots = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
        for i, (x0, top, x1, bottom) in enumerate(cells):
            for r in range(ys.index(top), ys.index(bottom)):
                for c in range(xs.index(x0), xs.index(x1)):
                    slots[r][c] = i
        grids.append(_Grid(cells, xs, ys, slots, (xs[0], ys[0], xs[-1], ys[-1])))
    return grids


# ---- the document's layout


def layout(pages: list[_Page]) -> list[Line]:
    """Lines of the whole document, numbered as extracted, with tables, noise and joined headings."""
    rows: dict[int, dict] = {}  # holder line -> row facts
    joined: dict[int, int] = {}  # continued line -> holder
    for page in pages:
        page.tables = _tables(page)
    _mark_furniture(pages)
    _aligned_rows(pages, rows, _read_tables(pages, rows, joined))
    ends, wraps = _join_headings(pages, joined)
    out = []
    for page in pages:
        for t in page.lines:
            n = t.number
            if t.kind == "noise":
                out.append(Line(n, t.page, t.text, "noise", reason=t.reason))
            elif n in joined:
                out.append(Line(n, t.page, t.text, "continued", joined_to=joined[n]))
            elif n in rows:
                r = rows[n]
                out.append(
                    Line(
                        n,
                        t.page,
                        t.text,
                        r["kind"],
                        r["cells"],
                        r["parts"],
                        r["table"],
                        r["end"] if r["end"] > n else None,
                    )
                )
            elif n in ends:
                text, end = ends[n]
                out.append(Line(n, t.page, text, end=end))
            else:
                out.append(Line(n, t.page, t.text, wraps=n in wraps))
    return out


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _mark_furniture(pages: list[_Page]) -> None:
    """Page numbers, and lines printed at the same place near the top or bottom of several pages."""
    seen: dict[tuple, set] = defaultdict(set)
    candidates = []
    for page in pages:
        grids = page.tables
        placed = [t for t in page.lines if t.chars and not _inside(t, grids)]
        placed.sort(key=lambda t: t.top)
        for zone, group in (("top", placed[:2]), ("bottom", placed[-2:])):
            for t in group:
                at = t.top if zone == "top" else page.height - t.bottom
                if at > page.height * BAND:
                    continue
                text = _squeeze(t.text)
                if PAGE_NUMBER.fullmatch(text):
                    t.kind, t.reason = "noise", "page number"
                    continue
                key = (zone, re.sub(r"\d+", "#", text), round(at / 3), round(t.size))
                seen[key].add(page.number)
                candidates.append((key, t, zone))
    # Set smaller than the body (a chapter's running header), twice is enough; in body type or larger, on a
    # quarter of the pages at least: a heading that happens to open two pages of a long plan is content.
    body = _body_size(pages)
    for key, t, zone in candidates:
        enough = 2 if t.size < body * 0.95 else max(2, len(pages) / 4)
        if len(seen[key]) >= enough:
            t.kind, t.reason = "noise", f"running {'header' if zone == 'top' else 'footer'}"


def _body_size(pages: list[_Page]) -> float:
    """The size sentences (lines ending in 。) are set in, outside tables; else the commonest size."""
    sizes: Counter = Counter()
    sentences: Counter = Counter()
    for page in pages:
        for t in page.lines:
            if t.chars and t.kind != "noise" and not t.in_table:
                sizes[t.size] += len(t.chars)
                if t.text.rstrip().endswith("。"):
                    sentences[t.size] += len(t.chars)
    return (sentences or sizes).most_common(1)[0][0] if sizes else 0.0


def _inside(t: _Text, grids: list[_Grid]) -> bool:
    x, y = (t.chars[0][1] + t.chars[0][3]) / 2, (t.chars[0][2] + t.chars[0][4]) / 2
    return any(g.bbox[0] <= x <= g.bbox[2] and g.bbox[1] <= y <= g.bbox[3] for g in grids)


def _read_tables(pages: list[_Page], rows: dict, joined: dict) -> int:
    table_no = 0
    previous = None  # (table number, header cells, column xs, ended at the page's foot)
    for page in pages:
        content = [t for t in page.lines if t.chars and t.kind != "noise"]
        for k, grid in enumerate(page.tables):
            cells = _cell_texts(grid, content)
            if not any(cells.values()):
                continue
            first_on_page = k == 0 and not any(t.bottom <= grid.bbox[1] + 1 and not t.in_table for t in content)
            header = _header_row(grid, cells)
            carried = (
                previous is not None
                and first_on_page
                and previous[3]
                and len(previous[2]) == len(grid.xs)
                and all(abs(a - b) < 3 for a, b in zip(previous[2], grid.xs, strict=True))
            )
            if carried:
                number = previous[0]
                if header != previous[1]:
                    header = None  # the first row after the break is a row, unless it repeats the headings
            else:
                table_no += 1
                number = table_no
            repeated = carried and header is not None
            _rows_of(grid, cells, number, header is not None, repeated, rows, joined, page)
            last_on_page = not any(t.top >= grid.bbox[3] - 1 and not t.in_table for t in content)
            previous = (number, previous[1] if carried else header, grid.xs, last_on_page)
        if not page.tables and content:
            previous = None
    return table_no


def _cell_texts(grid: _Grid, content: list[_Text]) -> dict[int, list]:
    """Cell index -> [(line, fragment text, fragment x1, widest char)], in line order."""
    found: dict[int, list] = defaultdict(list)
    x0, top, x1, bottom = grid.bbox
    for t in content:
        if t.bottom < top or t.top > bottom or t.x1 < x0 or t.x0 > x1:
            continue
        by_cell: dict[int, list] = defaultdict(list)
        for ch in t.chars:
            cell = grid.cell_at((ch[1] + ch[3]) / 2, (ch[2] + ch[4]) / 2)
            if cell is not None:
                by_cell[cell].append(ch)
        if not by_cell:
            continue
        t.in_table = True
        for cell, chars in by_cell.items():
            first, last = chars[0][0], chars[-1][0]
            mine = {c[0] for c in chars}
            others = {c[0] for c in t.chars} - mine
            text = "".join(t.text[i] for i in range(first, last + 1) if i not in others)
            widest = max(c[3] - c[1] for c in chars)
            found[cell].append((t, text.strip(), max(c[3] for c in chars), widest))
    return found


def _paragraphs(grid: _Grid, index: int, fragments: list) -> tuple[CellPart, ...]:
    x0, _, x1, _ = grid.cells[index]
    if not fragments:
        return ()
    pad = max(0.0, min(min(c[1] for c in f[0].chars) for f in fragments) - x0)
    limit = x1 - pad
    parts: list[list] = []
    for t, text, right, widest in fragments:
        if parts:
            prev_text, prev_right, prev_widest = parts[-1][1][-1], parts[-1][3], parts[-1][4]
            ran_on = prev_right >= limit - 2.0 * prev_widest or prev_text.endswith(JOINERS)
            if ran_on and not text.startswith(BULLETS):
                parts[-1][1].append(text)
                parts[-1][2] = t.number
                parts[-1][3], parts[-1][4] = right, widest
                continue
        parts.append([t.number, [text], t.number, right, widest])
    return tuple(CellPart("".join(p[1]), p[0], p[2]) for p in parts)


def _header_row(grid: _Grid, cells: dict) -> tuple | None:
    """The first row's cells when they read as column headings (short, no sentence), else None."""
    if len(grid.slots) < 2:
        return None
    row = grid.slots[0]
    own = [i for c, i in enumerate(row) if i is not None and (c == 0 or row[c - 1] != i)]
    texts = ["".join(f[1] for f in cells.get(i, [])) for i in own]
    if len([t for t in texts if t]) < 2 or any(len(_squeeze(t)) > 16 or t.endswith("。") for t in texts):
        return None
    bold = all(f[0].bold for i in own for f in cells.get(i, []))
    if not bold and any(len(_squeeze(t)) > 10 for t in texts):
        return None
    return tuple(_squeeze(t) for t in texts)


def _rows_of(grid, cells, number, has_header, repeated, rows, joined, page) -> None:
    paragraphs = {i: _paragraphs(grid, i, cells.get(i, [])) for i in range(len(grid.cells))}
    claimed = set()
    for r, slot_row in enumerate(grid.slots):
        texts, parts, own_lines = [], [], set()
        for c, i in enumerate(slot_row):
            if i is None:
                texts.append("")
                parts.append(())
                continue
            top_row, left_col, _, _ = grid.span(i)
            if left_col < c:
                texts.append("")  # covered by a cell spanning columns from the left
                parts.append(())
                continue
            ps = paragraphs[i]
            texts.append("\n".join(p.text for p in ps))
            parts.append(ps)
            if top_row == r:
                own_lines.update(f[0].number for f in cells.get(i, []))
        free = sorted(own_lines - claimed)
        if not free:
            continue
        holder, end = free[0], max(own_lines)
        kind = "columns" if r == 0 and has_header else "row"
        if r == 0 and repeated:
            for n in own_lines:
                t = next(t for t in page.lines if t.number == n)
                t.kind, t.reason = "noise", "repeated table header"
            claimed |= own_lines
            continue
        rows[holder] = {"kind": kind, "cells": tuple(texts), "parts": tuple(parts), "table": number, "end": end}
        for n in free[1:]:
            joined[n] = holder
        claimed |= own_lines


def _segments(t: _Text) -> list[tuple[float, float, str]]:
    """A line's runs of text split at gaps of three characters or more: (x0, x1, text) each."""
    widths = sorted(c[3] - c[1] for c in t.chars)
    gap = 2.5 * widths[len(widths) // 2]
    runs, current = [], [t.chars[0]]
    for prev, ch in zip(t.chars, t.chars[1:], strict=False):
        if ch[1] - prev[3] > gap:
            runs.append(current)
            current = []
        current.append(ch)
    runs.append(current)
    return [(r[0][1], r[-1][3], t.text[r[0][0] : r[-1][0] + 1].strip()) for r in runs]


def _aligned_rows(pages: list[_Page], rows: dict, table_no: int) -> None:
    """Tables printed without rules: two or more consecutive lines split at the same wide gaps, each column
    starting (or ending, for figures set right) where it does on the line above. One line per row: a cell
    continued on the next line is not recognised here."""
    for page in pages:
        run: list = []
        for t in [*page.lines, None]:
            usable = t is not None and len(t.chars) > 1 and t.kind == "text" and not t.in_table
            segs = _segments(t) if usable else []
            if len(segs) >= 2 and run and run[-1][0].number == t.number - 1:
                above = run[-1][1]
                slack = 1.5 * max(t.size, 1)
                if len(above) == len(segs) and all(
                    abs(a[0] - b[0]) <= slack or abs(a[1] - b[1]) <= slack for a, b in zip(above, segs, strict=True)
                ):
                    run.append((t, segs))
                    continue
            if len(run) >= 2:
                table_no += 1
                _aligned_table(run, table_no, rows)
            run = [(t, segs)] if len(segs) >= 2 else []


def _aligned_table(run: list, number: int, rows: dict) -> None:
    for k, (t, segs) in enumerate(run):
        texts = tuple(s[2] for s in segs)
        heading = k == 0 and all(len(_squeeze(x)) <= 16 and not x.endswith("。") for x in texts)
        rows[t.number] = {
            "kind": "columns" if heading else "row",
            "cells": texts,
            "parts": tuple((CellPart(x, t.number, t.number),) for x in texts),
            "table": number,
            "end": t.number,
        }
        t.in_table = True


def _join_headings(pages: list[_Page], joined: dict) -> tuple[dict, set]:
    """Headings printed over several lines (joined), and body lines that run on into the next (flagged)."""
    body = _body_size(pages)  # headings are set larger
    if not body:
        return {}, set()
    ends: dict[int, tuple[str, int]] = {}
    wraps: set[int] = set()
    for page in pages:
        free = [t for t in page.lines if t.chars and t.kind != "noise" and not t.in_table]
        if not free:
            continue
        right = max(t.x1 for t in free)
        holder = None
        for a, b in zip(free, free[1:], strict=False):
            if b.number != a.number + 1:
                holder = None
                continue
            runs_on = (
                abs(a.size - b.size) <= 0.5
                and a.bold == b.bold
                and -1 <= b.top - a.bottom <= 0.9 * max(a.size, 1)
                and (a.x1 >= right - 1.5 * a.size or a.text.rstrip().endswith(JOINERS))
                and not a.text.rstrip().endswith("。")  # a sentence that happens to fill the line
                and b.x0 >= a.x0 - 2
                and not b.text.lstrip().startswith(BULLETS)
            )
            heading = a.size >= body * 1.08 or a.bold
            if runs_on and heading:
                h = holder if holder is not None else a.number
                text, _ = ends.get(h, (a.text.rstrip(), h))
                ends[h] = (text + b.text.strip(), b.number)
                joined[b.number] = h
                holder = h
            else:
                holder = None
                if runs_on:
                    wraps.add(a.number)
    return ends, wraps
