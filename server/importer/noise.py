"""Lines a page layout leaves in extracted text that are not content: page numbers, running headers and
footers, and a table's column headings printed again after a page break.

A PDF read with its layout (reading.py) marks them itself; plain text extracted from a PDF keeps them, so
they are found here from the text alone: a page number stands on a line of its own (「－3－」「― 2 ―」
「- 1 -」「3 / 12」 or a bare number), and the lines right after it that repeat a line printed earlier are the
running header (which may be identical to the title or to a real chapter heading: only the repeat is noise).
"""

import re
import unicodedata

PAGE_NUMBER = re.compile(r"^[-－―‐—–ー~〜～\s]*(?:p\.?\s*)?[0-9]{1,3}(?:\s*/\s*[0-9]{1,3})?[-－―‐—–ー~〜～\s]*$")
# A line of a table of contents: a heading, dot leaders or spaces, a page number (「第4章 施策の展開……4」,
# 「2 住まいの充実 26頁」, 「計画の推進 ・・・・ P.32」).
CONTENTS = re.compile(
    r"(?:[…‥]{1,}|\.{3,}|・{3,}|･{3,}|-{3,}|\s{2,}|\s)\s*(?:P\.?\s*|p\.?\s*)?[0-9]{1,3}\s*(?:頁|ページ)?$"
)
FLAG_KINDS = ("header", "footer", "page_number", "page-number", "running")


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def is_page_number(text: str) -> bool:
    t = unicodedata.normalize("NFKC", text).strip()
    return bool(t) and bool(PAGE_NUMBER.fullmatch(t)) and any(c.isdigit() for c in t)


def find_noise(lines) -> dict:
    """line number → kind ("page number", "running header", "repeated column headings")."""
    noise: dict = {}
    pages = [i for i, line in enumerate(lines) if is_page_number(line.text.strip())]
    # A running header is printed at every page break: a line that follows two or more page numbers (within
    # two lines), or the title's first line printed again. Its first printing may be a real heading.
    after: dict = {}
    for i in pages:
        for line in [ln for ln in lines[i + 1 : i + 4] if ln.text.strip()][:2]:
            after[_key(line.text)] = after.get(_key(line.text), 0) + 1
    first = next((_key(ln.text) for ln in lines if ln.text.strip()), "")
    headers = {k for k, n in after.items() if n >= 2} | {first}
    seen: set = set()
    after_break = in_contents = False
    for line in lines:
        kind = getattr(line, "kind", None)  # the PDF reader's own mark, when it has one
        if kind == "noise" or kind in FLAG_KINDS or getattr(line, "dropped", False):
            reason = getattr(line, "reason", None) or ("page number" if kind == "page_number" else "running header")
            noise[line.number] = "repeated column headings" if reason == "repeated table header" else reason
            after_break = True
            continue
        if kind == "continued":
            continue  # text an earlier line already holds (a joined heading, a table row's cell)
        text = line.text.strip()
        if not text:
            continue
        key = _key(line.text)
        if is_page_number(text):
            noise[line.number] = "page number"
            after_break = True
            continue
        t = unicodedata.normalize("NFKC", text)
        if key in ("目次", "もくじ", "目録", "Contents", "CONTENTS"):
            in_contents = True
            continue
        if in_contents and re.search(r"\S\s+[0-9]{1,3}$", t):
            noise[line.number] = "table of contents"  # under 目次: a heading and its page, however spaced
            continue
        in_contents = False
        if "\t" not in line.text and CONTENTS.search(t) and (re.search(r"[…‥]|\.{3}|・{3}|頁|ページ|P\.?\s*[0-9]", t)):
            noise[line.number] = "table of contents"
            continue
        chapter_again = key in seen and re.match(r"^第\s*[0-9一二三四五六七八九十]+\s*[章節部]", t)
        if after_break and (key in headers or chapter_again or ("\t" in line.text and key in seen)):
            # The header of the new page, or the column headings of a table that runs on.
            noise[line.number] = "repeated column headings" if "\t" in line.text else "running header"
            continue
        after_break = False
        seen.add(key)
    return noise
