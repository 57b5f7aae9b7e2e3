"""What a reader hands the outline parser: numbered lines, each with its page and, for a PDF, its layout.

Numbering is stable: every line the extractor printed keeps its place, including the ones a reader
of the printed page would not count as content. Those are not removed but marked (`kind="noise"`),
so that line N is the Nth line of the extracted text (`Line.number == index + 1`), the corpus JSON
and the review page cite the same numbers, and a consumer that wants only content skips
`kind in SKIP`.

Kinds:

- ``text``: an ordinary line. A heading printed over two or more lines (larger or bold type, the
  first line running to the right margin) is joined: the first line's `text` is the whole heading,
  `end` its last line, and the later lines are ``continued``. `wraps` says that a line of body text
  runs on into the next line (the layout's word, not a guess from punctuation).
- ``row``: the first line of a printed table row (the smallest line number among its cells). `cells`
  holds the row's cells left to right, `parts` each cell's paragraphs with their lines, `table` the
  table's number in the document (a table broken by a page break keeps one number), `end` the row's
  last line. Lines holding only more of the row are ``continued``.
- ``columns``: the first line of a table's column-heading row (取組 | 内容 | 担当課), with `cells` like a
  row. A layout hint: the first row of a ruled table whose cells are short and hold no sentence.
- ``continued``: text already inside an earlier line's `text` or `cells`; `joined_to` is that line.
- ``noise``: printed furniture, with `reason`: ``page number``, ``running header``, ``running
  footer`` or ``repeated table header`` (a column-heading row printed again after a page break).

Cells: a cell's wrapped lines are joined with nothing between them (white space at the break
dropped, as the corpus joins labels); a break the author made inside a cell (a new ●/○/・ item, or
a line that stops short of the cell's edge) is kept as "\\n", and `parts` gives each such paragraph
with the lines it was printed on. A cell spanning several rows (rowspan) is repeated in every row
it spans, with the same `parts` (same line numbers: a consumer can tell it is one printed cell); a
cell spanning several columns (colspan) is given once, in its first column, and the columns it
covers are "".
"""

from dataclasses import dataclass
from typing import NamedTuple

SKIP = ("noise", "continued")


class DocumentError(Exception):
    """A plan document that cannot be read: the message names the file and says what to do."""


class CellPart(NamedTuple):
    """One paragraph of a table cell: its text (wrapped lines joined), the lines it starts and ends on."""

    text: str
    line: int
    end_line: int


@dataclass(frozen=True)
class Line:
    number: int  # 1-based over the whole document, as `cat -n` counts the text the importer read
    page: int | None
    text: str
    kind: str = "text"  # text | row | columns | continued | noise (see the module docstring)
    cells: tuple[str, ...] | None = None
    parts: tuple[tuple[CellPart, ...], ...] | None = None
    table: int | None = None
    end: int | None = None  # last line whose text this line holds (a joined heading, a table row)
    joined_to: int | None = None  # a continued line: the line that holds its text
    wraps: bool = False  # body text that runs on into the next line
    reason: str | None = None  # why a noise line is noise

    @property
    def content(self) -> bool:
        return self.kind not in SKIP
