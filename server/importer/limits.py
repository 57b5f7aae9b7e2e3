"""What the importer reads at most, for every kind of file it accepts (TXT, PDF, CSV, XLSX).

A 社協 or a prefecture runs the importer on a file someone sent them, so every reader checks its input against
these limits before and while it reads, and refuses with one line that says which limit (Japanese first): a
1 MB XLSX whose cell inflates to 1 GB, a CSV of a million rows or a PDF that claims 300,000 pages stop here, in
seconds and well under 1 GB. The limits are far over the largest real plan (the bundled ones: under 2,000 lines,
a few hundred template rows, 150 pages) and far under what costs memory.

Zip parts (XLSX) are checked by the sizes their directory declares before anything is inflated: Python's
zipfile stops at the declared size (and fails the CRC check if the data goes on), so a declared size is a real
bound. XML inside an XLSX is parsed by openpyxl through defusedxml (installed with this package), which refuses
entity declarations and DTDs: no XXE, no external DTD, no billion laughs.
"""

import csv
import zipfile
from dataclasses import dataclass
from pathlib import Path


class InputRefused(Exception):
    """A file the importer will not read, with the file and the limit it passes (one line)."""


@dataclass(frozen=True)
class Limits:  # tests lower them with dataclasses.replace
    file_bytes: int = 64 << 20  # a file as it lies on disk (PDF, TXT, CSV, XLSX)
    text_chars: int = 16 << 20  # the text read from a document, all pages together
    line_chars: int = 20_000  # one line of text, or one cell
    lines: int = 200_000  # lines of a document (TXT, PDF)
    pages: int = 3_000  # pages of a PDF
    part_bytes: int = 32 << 20  # one part of an XLSX after inflating
    parts_bytes: int = 128 << 20  # every part of an XLSX after inflating
    parts: int = 1_000  # members of an XLSX
    rows: int = 50_000  # rows of one table (CSV file or sheet)
    cells: int = 2_000_000  # cells of one table
    columns: int = 200  # cells of one row


LIMITS = Limits()


def check_file(path, limits: Limits | None = None) -> int:
    """The file's size in bytes; refuses an empty or too large file."""
    limits = limits or LIMITS
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise InputRefused(f"{path}: 空のファイルです / the file is empty")
    if size > limits.file_bytes:
        raise InputRefused(
            f"{path}: ファイルが大きすぎます（{size:,} バイト、上限 {limits.file_bytes:,}）/ "
            f"the file is too large ({size:,} bytes; at most {limits.file_bytes:,})"
        )
    return size


def check_lines(path, count: int, limits: Limits | None = None) -> None:
    limits = limits or LIMITS
    if count > limits.lines:
        raise InputRefused(
            f"{path}: 行が多すぎます（上限 {limits.lines:,} 行）/ too many lines (at most {limits.lines:,})"
        )


def check_line(path, number: int, text: str, limits: Limits | None = None) -> None:
    limits = limits or LIMITS
    if len(text) > limits.line_chars:
        raise InputRefused(
            f"{path}:{number}: 1 行が長すぎます（{len(text):,} 文字、上限 {limits.line_chars:,}）/ "
            f"line {number} is too long ({len(text):,} characters; at most {limits.line_chars:,})"
        )


def check_text(path, chars: int, limits: Limits | None = None) -> None:
    limits = limits or LIMITS
    if chars > limits.text_chars:
        raise InputRefused(
            f"{path}: 本文が長すぎます（上限 {limits.text_chars:,} 文字）/ "
            f"the text is too long (at most {limits.text_chars:,} characters)"
        )


def check_pages(path, pages: int, limits: Limits | None = None) -> None:
    limits = limits or LIMITS
    if pages > limits.pages:
        raise InputRefused(
            f"{path}: ページが多すぎます（{pages:,} ページ、上限 {limits.pages:,}）/ "
            f"too many pages ({pages:,}; at most {limits.pages:,})"
        )


def check_zip(path, limits: Limits | None = None) -> None:
    """An XLSX's parts, by their declared sizes, before any is inflated."""
    limits = limits or LIMITS
    check_file(path, limits)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputRefused(
            f"{path}: XLSX として読めません（ZIP ではありません）/ not a readable XLSX file ({exc})"
        ) from exc
    if len(infos) > limits.parts:
        raise InputRefused(
            f"{path}: XLSX の部品が多すぎます（{len(infos):,} 個）/ too many parts in the XLSX ({len(infos):,})"
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.part_bytes:
            raise InputRefused(
                f"{path}: XLSX の部品 {info.filename} が展開後 {info.file_size:,} バイトあり、上限 "
                f"{limits.part_bytes:,} を超えます / part {info.filename} inflates to {info.file_size:,} bytes "
                f"(at most {limits.part_bytes:,})"
            )
    if total <= limits.parts_bytes:
        _check_doctypes(path, infos)
    if total > limits.parts_bytes:
        raise InputRefused(
            f"{path}: XLSX が展開後 {total:,} バイトになり、上限 {limits.parts_bytes:,} を超えます / "
            f"the XLSX inflates to {total:,} bytes (at most {limits.parts_bytes:,})"
        )


PROLOGUE = 64 << 10  # bytes of each XML part read to look for a DOCTYPE (it can only stand before the root)


def _check_doctypes(path, infos) -> None:
    """Refuse a workbook whose XML declares a document type: OOXML never does, and a DTD is how XXE, external
    fetches and entity expansion get in (defusedxml, under openpyxl, refuses entities as well)."""
    with zipfile.ZipFile(path) as z:
        for info in infos:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with z.open(info) as fh:
                    head = fh.read(PROLOGUE)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
                raise InputRefused(
                    f"{path}: XLSX の部品 {info.filename} が読めません / part {info.filename} cannot be read ({exc})"
                ) from exc
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise InputRefused(
                    f"{path}: XLSX の部品 {info.filename} に DOCTYPE 宣言があります（XLSX では使われません）/ "
                    f"part {info.filename} declares a DOCTYPE, which no XLSX uses (refused: XXE, DTD, entities)"
                )


class TableCounter:
    """Counts a table's rows and cells as they are read; refuses at the first one over a limit."""

    def __init__(self, where: str, limits: Limits | None = None):
        self.where, self.limits = where, limits or LIMITS
        self.rows = self.cells = 0

    def row(self, cells: list) -> None:
        self.rows += 1
        self.cells += len(cells)
        where, limits = f"{self.where} {self.rows} 行目 / row {self.rows}", self.limits
        if self.rows > limits.rows:
            raise InputRefused(
                f"{self.where}: 行が多すぎます（上限 {limits.rows:,} 行）/ too many rows (at most {limits.rows:,})"
            )
        if len(cells) > limits.columns:
            raise InputRefused(
                f"{where}: 列が多すぎます（{len(cells):,} 列、上限 {limits.columns:,}）/ "
                f"too many columns ({len(cells):,}; at most {limits.columns:,})"
            )
        if self.cells > limits.cells:
            raise InputRefused(
                f"{self.where}: セルが多すぎます（上限 {limits.cells:,}）/ too many cells (at most {limits.cells:,})"
            )
        for n, cell in enumerate(cells, 1):
            if isinstance(cell, str) and len(cell) > limits.line_chars:
                raise InputRefused(
                    f"{where} {n} 列目: セルが長すぎます（{len(cell):,} 文字、上限 {limits.line_chars:,}）/ "
                    f"column {n}: the cell is too long ({len(cell):,} characters; at most {limits.line_chars:,})"
                )


def check_csv(path, limits: Limits | None = None, encoding: str = "utf-8-sig") -> None:
    """A CSV file's size, rows, columns and cells, read as a stream (nothing is kept)."""
    limits = limits or LIMITS
    check_file(path, limits)
    counter = TableCounter(str(path), limits)
    old = csv.field_size_limit()
    csv.field_size_limit(limits.line_chars + 1)  # the csv module then stops at the first cell over the limit
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as f:
            for cells in csv.reader(f):
                counter.row(cells)
    except csv.Error as exc:
        raise InputRefused(
            f"{path} {counter.rows + 1} 行目: CSV として読めないか、セルが {limits.line_chars:,} 文字を超えます / "
            f"row {counter.rows + 1}: not readable as CSV, or a cell longer than {limits.line_chars:,} "
            f"characters ({exc})"
        ) from exc
    finally:
        csv.field_size_limit(old)
