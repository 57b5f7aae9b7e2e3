"""Indicators (成果指標・数値目標・成果目標・活動の目標): the measures a plan sets itself, with baseline and target.

Two printed forms are read:
- a table whose heading row names a baseline column (現状値, 基準値, 実績, 策定時 …) and a target column
  (目標値, 目標 …), cells split at tabs or, where the extraction lost them, by the figures themselves; the
  year is in each cell 「38.4%（令和6年度）」 or in the column heading 「現状（令和6年度）」; a name that wraps
  onto the next line is joined;
- a line 「◆成果目標　…の件数　120件→200件」 (→, ⇒ or ➡ between baseline and target).
"""

import re
import unicodedata

from server.importer.model import Indicator
from server.importer.reading import Line

INDICATOR_COLUMNS = ("成果指標", "評価指標", "指標")
# Units a figure in a table cell may carry; after an arrow (3集落→8集落) any short counter word is the unit.
UNITS = (
    "か所|ヵ所|ケ所|カ所|箇所|世帯|地区|集落|団体|施設|講座|拠点|会場|人日|時間|ポイント|件|人|回|校|園|店|割|歳|日"
    "|%|％|事業所|事例|グループ|名|組|台|冊|小学校区|中学校区"
)
AMOUNT = re.compile(
    rf"(?<![0-9.,])(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>{UNITS})?"
    r"(?:\s*[（(](?P<year>[^（）()]{1,16}?)[)）])?"
)
NUMBER = r"[0-9][0-9,]*(?:\.[0-9]+)?"
COUNTER = r"[^\s0-9→⇒➡（()、。：:,.]{1,5}"
ARROW = re.compile(rf"(?P<a>{NUMBER})\s*(?P<ua>{COUNTER})?\s*[→⇒➡]\s*(?P<b>{NUMBER})\s*(?P<ub>{COUNTER})?")
BASELINE_WORDS = ("現状", "基準", "実績", "策定時", "現在", "当初")
TARGET_WORDS = ("目標",)
PREFIX = re.compile(
    r"^[\s◆◇■□●○・*]*(?:[【\[［〔]?(?:めざす目標|成果目標|成果指標|数値目標|目標値?|指標)[】\]］〕]?\s*[:：]?\s*)?"
)
ERA = {"令和": 2018, "平成": 1988, "R": 2018, "H": 1988}


def fiscal_year(text: str) -> int | None:
    """令和6年度 / R6 / 2024年度 / 平成31年度 as a Gregorian fiscal year."""
    t = unicodedata.normalize("NFKC", text or "")
    m = re.search(r"(令和|平成|R|H)\s*([0-9]+|元)\s*(?:年度?)?", t)
    if m:
        return ERA[m.group(1)] + (1 if m.group(2) == "元" else int(m.group(2)))
    m = re.search(r"((?:19|20)[0-9]{2})\s*年", t)
    return int(m.group(1)) if m else None


def _value(num: str) -> float:
    return float(num.replace(",", ""))


def _clean_label(text: str) -> str:
    label = PREFIX.sub("", text.strip()).strip(" \u3000:：")
    return label


def inline_indicator(line: Line, text: str) -> Indicator | None:
    """「…の件数　120件→200件」: name, baseline and target on one line."""
    nfkc = unicodedata.normalize("NFKC", text)
    m = ARROW.search(nfkc)
    if not m or len(nfkc) != len(text):
        return None
    label = _clean_label(text[: m.start()])
    if not label or len(label) > 60:
        return None
    unit = text[m.start("ub") : m.end("ub")] if m.group("ub") else (m.group("ua") or "")
    return Indicator(
        label=label,
        line=line.number,
        page=line.page,
        actual=text[m.start("a") : m.end("ua") if m.group("ua") else m.end("a")],
        target=text[m.start("b") :].strip(),
        baseline=_value(m.group("a")),
        target_value=_value(m.group("b")),
        unit=unit,
    )


def is_indicator_heading(text: str) -> tuple[int | None, int | None] | None:
    """The column headings of an indicator table (years found in them), or None."""
    t = unicodedata.normalize("NFKC", text)
    compact = re.sub(r"\s+", "", t)
    if len(compact) > 60 or compact.endswith(("。", "ます")) or re.search(r"[0-9]+\s*(%|件|人|か所)", t):
        return None
    base = next((compact.find(w) for w in BASELINE_WORDS if w in compact), -1)
    target = compact.rfind("目標")  # the last target column: a 中間目標 before it is not the plan's target
    if base < 0 or target <= base:
        return None
    return fiscal_year(compact[base:target]), fiscal_year(compact[target:])


class IndicatorTable:
    """Rows of one indicator table, from its heading row to the first line that is not a row."""

    def __init__(self, years: tuple):
        self.base_fy, self.target_fy = years
        self.pending: list = []  # a name printed over lines before its figures

    def row(self, line: Line, text: str) -> Indicator | None | bool:
        """An indicator, True for a line taken as part of a name, False when the table is over."""
        cells = [c.strip() for c in text.split("\t") if c.strip()]
        nfkc = unicodedata.normalize("NFKC", text)
        amounts = [m for m in AMOUNT.finditer(nfkc) if m.group("unit") or m.group("year")]
        if len(amounts) < 2 or len(nfkc) != len(text):
            compact = re.sub(r"\s+", "", nfkc)
            if amounts or not compact or len(compact) > 40 or compact.endswith(("。", "ます")):
                return False
            if re.match(r"^([0-9]+|[(（][0-9]+[)）]|第[0-9]+章)\s", nfkc):
                return False  # the next numbered heading
            self.pending.append((line, text.strip()))
            return True
        if len(cells) >= 3 and not AMOUNT.fullmatch(unicodedata.normalize("NFKC", cells[0])):
            # Cells: the name first, then baseline … target (a mid-term target between them is not the target).
            label = cells[0]
            values = [a for a in amounts if a.start() >= text.index(cells[0]) + len(cells[0])] or amounts
            first, last = values[0], values[-1]
        else:
            # Figures joined to the name with spaces: the dated ones are the values; else the last two.
            dated = [a for a in amounts if a.group("year")]
            values = dated if len(dated) >= 2 else amounts[-2:]
            first, last = values[0], values[-1]
            label = text[: first.start()].strip()
        label = "".join(t for _, t in self.pending) + label
        start = self.pending[0][0] if self.pending else line
        self.pending = []
        label = _clean_label(label)
        if not label:
            return False
        unit = last.group("unit") or first.group("unit") or ""
        return Indicator(
            label=label,
            line=start.number,
            page=start.page,
            actual=text[first.start() : first.end()].strip(),
            target=text[last.start() : last.end()].strip(),
            baseline=_value(first.group("num")),
            target_value=_value(last.group("num")),
            unit=text[last.start("unit") : last.end("unit")] if last.group("unit") else unit,
            baseline_fy=fiscal_year(first.group("year") or "") or self.base_fy,
            target_fy=fiscal_year(last.group("year") or "") or self.target_fy,
        )


def indicator_row(out, cols: list, line: Line, cells: list[str]) -> None:
    """A row of an indicator table read by the seeds' column headings (指標 | 目標 | 実績)."""
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
        for attr, printed in (("target_value", ind.target), ("baseline", ind.actual)):
            m = AMOUNT.match(unicodedata.normalize("NFKC", printed or "").strip())
            if m:
                setattr(ind, attr, _value(m.group("num")))
                ind.unit = ind.unit or m.group("unit") or ""
        out.indicators.append(ind)
        out.used.add(line.number)
