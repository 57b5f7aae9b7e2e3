"""A plan document as numbered lines, each with the page it is printed on where that is known.

PDF text comes from pypdfium2 (PDFium, the engine of Chromium's PDF viewer, as a wheel with no
system dependency): it reads CJK text with the document's own encodings and gives the text page
by page, so every line keeps its page number. pdfplumber would do too but pulls pdfminer and
Pillow; poppler's pdftotext needs a Debian package. Plain text is read as the seeds are (UTF-8,
a form feed starts a new page, as `pdftotext` writes it).
"""

from dataclasses import dataclass
from pathlib import Path

from server.importer import limits


class DocumentError(Exception):
    """A plan document that cannot be read, with its path."""


@dataclass(frozen=True)
class Line:
    number: int  # 1-based over the whole document, as `cat -n` counts the text the importer read
    page: int | None
    text: str


def read_document(path) -> list[Line]:
    path = Path(path)
    if not path.is_file():
        raise DocumentError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".pdf", ".txt", ".text", ".md"):
        limits.check_file(path)  # before reading a byte of it
    if suffix == ".pdf":
        return _checked(path, _pdf_lines(path))
    if suffix in (".txt", ".text", ".md"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
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


def _pdf_lines(path: Path) -> list[Line]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise DocumentError(f"{path}: not a readable PDF ({exc})") from exc
    lines: list[Line] = []
    chars = 0
    try:
        limits.check_pages(path, len(pdf))
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            chars += len(text)
            limits.check_text(path, chars)
            for part in text.split("\n"):
                lines.append(Line(len(lines) + 1, index + 1, part))
            limits.check_lines(path, len(lines))
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise DocumentError(f"{path}: not a readable PDF ({exc})") from exc
    finally:
        pdf.close()
    return lines
