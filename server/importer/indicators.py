"""Indicators (成果指標・数値目標・成果目標): the measures a plan sets itself, with baseline and target."""

from server.importer.model import Indicator
from server.importer.reading import Line

INDICATOR_COLUMNS = ("成果指標", "評価指標", "指標")


def indicator_row(out, cols: list, line: Line, cells: list[str]) -> None:
    """A row of an indicator table, read by the table's column headings."""
    ind = Indicator(label="", line=line.number, page=line.page)
    for i, cell in enumerate(cells):
        name = cols[i] if i < len(cols) else ""
        if any(w in name for w in INDICATOR_COLUMNS):
            ind.label = cell
        elif name in ("目標", "目標値"):
            ind.target = cell
        elif name in ("実績", "現状値", "実績値"):
            ind.actual = cell
        elif not name and cell:
            ind.group = cell
    if ind.label:
        out.indicators.append(ind)
        out.used.add(line.number)
