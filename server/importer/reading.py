"""A plan document as numbered lines, each with the page it is printed on where that is known.

PDF text comes from pypdfium2 (PDFium, the engine of Chromium's PDF viewer, as a wheel with no
system dependency): it reads CJK text with the document's own encodings and gives the text page
by page, so every line keeps its page number. pdfplumber would do too but pulls pdfminer and
Pillow; poppler's pdftotext needs a Debian package. Plain text is read as the seeds are (UTF-8,
a form feed starts a new page, as `pdftotext` writes it).
"""

from dataclasses import dataclass
from pathlib import Path


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
    if suffix == ".pdf":
        return _pdf_lines(path)
    if suffix in (".txt", ".text", ".md"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                f"{path}: UTF-8 のテキストではありません（{exc.start} バイト目）。Shift_JIS などは UTF-8 で保存し直して"
                f"ください / not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8"
            ) from exc
        return text_lines(text)
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


def _pdf_lines(path: Path) -> list[Line]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise DocumentError(f"{path}: not a readable PDF ({exc})") from exc
    lines: list[Line] = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            for part in text.split("\n"):
                lines.append(Line(len(lines) + 1, index + 1, part))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return lines
