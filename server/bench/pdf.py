"""`fukushi-kg bench import --pdf-pages N`: the PDF layout reader against pdfplumber, measured in one run.

1. Table cells on the corpus PDFs: every <td>/<th> of the HTML they were printed from is a real cell;
   a cell is found when an extracted cell has the same text (NFKC, white space removed). pdfplumber's
   own `find_tables()` + `extract()` against ours (pdfplumber's table finder on pypdfium2's lines).
2. Page furniture: the corpus `noise_lines`, found by our rule on pypdfium2's lines and by the same rule
   on pdfplumber's `extract_text_lines()` (matched by page and text, since the two number lines apart).
3. Speed and memory on an N-page plan printed by Chromium (server/bench/sample_pdf.py), or `--pdf
   FILE`: `fukushi-kg import` in a child process (wall time, peak resident memory of that process), the
   reading step alone, and pdfplumber's `find_tables()` and `extract_words()` over the same pages.
"""

import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from server.bench.harness import PROJECT_ROOT as ROOT

CORPUS_PDFS = ("132314-sakurazutsumi-gaiyo", "384232-kanno")
MUNICIPALITY = "092142"  # any code in the official list: the bench times reading, not naming


def _squeeze(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._open = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._open is not None:
            self.cells.append(_squeeze("".join(self._open)))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)


def html_cells(path: Path) -> list[str]:
    parser = _Cells()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.cells


def _corpus_dir(given) -> Path | None:
    for folder in ([Path(given)] if given else []) + [
        ROOT.parent / "shared" / "corpus",
        ROOT / "tests/importer/fixtures",
    ]:
        if all((folder / f"{n}.{ext}").is_file() for n in CORPUS_PDFS for ext in ("pdf", "html", "json")):
            return folder
    return None


def _found(expected: list[str], extracted: list[str]) -> int:
    pool = list(extracted)
    hits = 0
    for cell in expected:
        if cell in pool:
            pool.remove(cell)
            hits += 1
    return hits


def plumber_cells(pdf_path: Path) -> list[str]:
    import pdfplumber

    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            for table in page.find_tables():
                out += [_squeeze(c) for row in table.extract() for c in row if c is not None]
    return out


def our_cells(pdf_path: Path) -> list[str]:
    from server.importer.reading import read_document

    seen, out = set(), []
    for line in read_document(pdf_path):
        if line.kind in ("row", "columns"):
            for cell, parts in zip(line.cells or (), line.parts or (), strict=True):
                key = tuple(parts)
                if cell and key not in seen:  # a rowspan cell is repeated in each row: count it once
                    seen.add(key)
                    out.append(_squeeze(cell))
    return out


def plumber_noise(pdf_path: Path) -> set[tuple[int, str]]:
    """Our furniture rule, given pdfplumber's lines instead of pypdfium2's."""
    import pdfplumber

    from server.importer.pdf_layout import _mark_furniture, _Page, _Text

    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            lines = []
            for k, ln in enumerate(page.extract_text_lines()):
                t = _Text(k + 1, page.page_number, ln["text"], [(0, ln["x0"], ln["top"], ln["x1"], ln["bottom"])])
                t.size = round(ln["chars"][0]["size"], 1) if ln["chars"] else 0.0
                lines.append(t)
            pages.append(_Page(page.page_number, float(page.width), float(page.height), lines, []))
    _mark_furniture(pages)
    return {(t.page, _squeeze(t.text)) for p in pages for t in p.lines if t.kind == "noise"}


def expected_noise(folder: Path, name: str) -> set[tuple[int, str]]:
    from server.importer.reading import read_document

    noise = set(json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["noise_lines"])
    return {(ln.page, _squeeze(ln.text)) for ln in read_document(folder / f"{name}.pdf") if ln.number in noise}


def _child(args: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak resident MB and exit code of one child process. CPU time is given
    too because on a machine shared with other work the wall time measures the neighbours as well."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - started, cpu, usage.ru_maxrss / 1024, proc.returncode


def bench_pdf(pages: int, pdf: str | None = None, corpus: str | None = None) -> int:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    from server.importer.reading import read_document

    folder = _corpus_dir(corpus)
    if folder is None:
        print("# corpus PDFs not found (give --corpus DIR with the two PDFs, their .html and .json): skipped")
    else:
        print(f"# table cells of the corpus PDFs ({folder}): cells of the HTML found with the same text")
        print(f"{'document':<30} {'cells':>6} {'pdfplumber':>11} {'ours':>6}")
        totals = [0, 0, 0]
        for name in CORPUS_PDFS:
            expected = html_cells(folder / f"{name}.html")
            theirs = _found(expected, plumber_cells(folder / f"{name}.pdf"))
            ours = _found(expected, our_cells(folder / f"{name}.pdf"))
            totals = [totals[0] + len(expected), totals[1] + theirs, totals[2] + ours]
            print(f"{name:<30} {len(expected):>6} {theirs:>11} {ours:>6}")
        print(f"{'all':<30} {totals[0]:>6} {totals[1]:>11} {totals[2]:>6}")
        print("\n# running headers, footers and page numbers: the corpus noise_lines found (same rule on each)")
        print(f"{'document':<30} {'noise':>6} {'pdfplumber lines':>17} {'pypdfium2 lines (ours)':>23}")
        for name in CORPUS_PDFS:
            expected = expected_noise(folder, name)
            theirs = plumber_noise(folder / f"{name}.pdf")
            ours = {(ln.page, _squeeze(ln.text)) for ln in read_document(folder / f"{name}.pdf") if ln.kind == "noise"}
            print(
                f"{name:<30} {len(expected):>6} {len(expected & theirs):>8} (+{len(theirs - expected)} wrong)"
                f" {len(expected & ours):>14} (+{len(ours - expected)} wrong)"
            )

    with tempfile.TemporaryDirectory() as tmp:
        if pdf:
            path = Path(pdf)
        else:
            from server.bench.sample_pdf import chromium, make_plan_pdf

            if chromium() is None:
                print(
                    "error: Chromium is needed to print the plan (apt-get install chromium fonts-noto-cjk)",
                    file=sys.stderr,
                )
                return 2
            path = make_plan_pdf(pages, Path(tmp) / f"plan-{pages}p.pdf")
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        count = len(doc)
        doc.close()
        print(f"\n# speed: {path.name}, {count} pages, {path.stat().st_size / 1e6:.1f} MB")
        out = Path(tmp) / "draft.ttl"
        command = [sys.executable, "-m", "server.cli", "import", str(path), "--municipality", MUNICIPALITY]
        seconds, cpu, peak, code = _child([*command, "--out", str(out)])
        started, cpu_started = time.perf_counter(), time.process_time()
        lines = read_document(path)
        reading, reading_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        rows = sum(ln.kind == "row" for ln in lines)
        noise = sum(ln.kind == "noise" for ln in lines)
        print(f"fukushi-kg import (child process): {seconds:6.2f} s (CPU {cpu:.2f} s), peak {peak:.0f} MB, exit {code}")
        print(
            f"  of which reading the PDF:  {reading:6.2f} s (CPU {reading_cpu:.2f} s; {len(lines)} lines,"
            f" {rows} table rows, {noise} noise)"
        )
        for what, run in (("find_tables()", _plumber_tables), ("extract_words()", _plumber_words)):
            started, cpu_started = time.perf_counter(), time.process_time()
            run(path)
            took, took_cpu = time.perf_counter() - started, time.process_time() - cpu_started
            print(f"pdfplumber {what + ' alone:':<24} {took:6.2f} s (CPU {took_cpu:.2f} s)")
        verdict = "met" if seconds <= 10 and peak < 1024 and code == 0 else "NOT met"
        print(f"target (≤ 10 s, < 1 GB for 100 pages): {verdict} (wall time; CPU time {cpu:.2f} s)")
    return 0


def _plumber_tables(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.find_tables()
            page.flush_cache()


def _plumber_words(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.flush_cache()
