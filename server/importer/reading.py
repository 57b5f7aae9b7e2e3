"""A plan document as numbered lines, each with the page it is printed on where that is known.

PDF text and layout: server.importer.pdf_layout (pypdfium2 for text and positions, pdfplumber's table
finder for cells; the measurements are in its docstring). Plain text is read as the seeds are (UTF-8,
a form feed starts a new page, as `pdftotext` writes it). The Line a reader returns, and how noise and
table rows are marked without renumbering, is described in server.importer.document.
"""

from pathlib import Path

from server.importer import limits
from server.importer.document import CellPart, DocumentError, Line

__all__ = ["CellPart", "DocumentError", "Line", "read_document", "text_lines"]


def read_document(path) -> list[Line]:
    path = Path(path)
    if not path.is_file():
        raise DocumentError(f"{path}: ファイルがありません / no such file")
    if path.stat().st_size == 0:
        raise DocumentError(f"{path}: 空のファイルです。計画書の本文が入ったファイルを指定してください / empty file")
    suffix = path.suffix.lower()
    if suffix in (".pdf", ".txt", ".text", ".md"):
        limits.check_file(path)  # before reading a byte of it
    if suffix == ".pdf":
        from server.importer.pdf_layout import read_pdf

        return _checked(path, read_pdf(path))
    if suffix in (".txt", ".text", ".md"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                f"{path}: UTF-8 のテキストではありません（{exc.start} バイト目）。Shift_JIS などは UTF-8 で保存し直して"
                f"ください / not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8"
            ) from exc
        limits.check_text(path, len(text))
        return _checked(path, text_lines(text))
    raise DocumentError(f"{path}: unknown document type {suffix!r} (give a .txt or .pdf file)")


def text_lines(text: str) -> list[Line]:
    pages = text.split("\f")
    paged = len(pages) > 1
    lines: list[Line] = []
    for page_no, page in enumerate(pages, 1):
        parts = page.split("\n")
        if page_no == len(pages) and parts and parts[-1] == "":
            parts.pop()  # the file's final newline ends the last line, it opens no new one
        for part in parts:
            lines.append(Line(len(lines) + 1, page_no if paged else None, part.rstrip("\r")))
    return lines


def _checked(path: Path, lines: list[Line]) -> list[Line]:
    limits.check_lines(path, len(lines))
    for line in lines:
        limits.check_line(path, line.number, line.text)
    return lines
