"""Finding a printed label in the seed lines an element cites."""

import re
import unicodedata


def _norm(text: str) -> str:
    # Full- and half-width forms of one character are the same printed text: （ and (, ～ and ~.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def label_in_lines(label: str, cited: list[str]) -> bool:
    """The label occurs in the lines, white space and character width ignored; a table cell broken over several lines
    is found by joining the same tab-separated column of consecutive lines."""
    wanted = _norm(label)
    if wanted in _norm("".join(cited)):
        return True
    cells = [line.split("\t") for line in cited]
    width = max(len(c) for c in cells)
    return any(wanted in _norm("".join(c[j] for c in cells if j < len(c))) for j in range(width))
