"""How sure the reader is: a confidence for each element, the unusual calls a reviewer must look at, and the
lines it did not use, by kind — so a review page never says "none" about a draft it could not read.

Calls (kind, Japanese message first):
- no-elements: the reader found no element at all;
- level-guessed: an element's level was given by depth, not by the document's own level name;
- table-not-parsed: rows with cells (tabs) that made no element, indicator or department;
- period-missing: a heading about the period (計画期間) with no period read, or no period anywhere;
- name-mismatch: the printed municipality differs from the code's (plan_facts / run.py);
- long-label: lines absorbed into a label much longer than a heading;
- orphan: an element at the top while the document has goals, probably a lost parent.
"""

import re
import unicodedata
from dataclasses import dataclass

from server.importer.numbering import classify, clean, is_sentence, norm

LONG_LABEL = 60
CONFIDENT = 0.8


@dataclass(frozen=True)
class Call:
    line: int
    kind: str
    message: str


def assess(outline) -> list[Call]:
    """Set each element's confidence and return the unusual calls, in line order."""
    calls: list[Call] = []
    has_goals = any(e.cls in ("BasicGoal", "PriorityInitiative") for e in outline.elements)
    for el in outline.elements:
        el.confidence = 1.0
        if not el.level_printed and el.cls != "BasicPhilosophy":
            el.confidence = min(el.confidence, 0.6)
            calls.append(Call(el.start, "level-guessed", f"「{el.label[:30]}」の階層名は推定（{el.cls}）"))
        if len(norm(el.label)) > LONG_LABEL and not is_sentence(el.label):
            el.confidence = min(el.confidence, 0.5)
            calls.append(
                Call(el.start, "long-label", f"「{el.label[:30]}…」は{len(norm(el.label))}字：複数行を取り込んだ可能性")
            )
        elif el.label_lines >= 3:
            el.confidence = min(el.confidence, 0.7)
            calls.append(Call(el.start, "long-label", f"「{el.label[:30]}」は{el.label_lines}行を一つの名前にした"))
        if (
            has_goals
            and el.parent is None
            and el.cls not in ("BasicGoal", "PriorityInitiative", "BasicPhilosophy")
            and not el.part_of
        ):
            el.confidence = min(el.confidence, 0.6)
            calls.append(Call(el.start, "orphan", f"「{el.label[:30]}」に上位の要素がない（計画の直下とした）"))
    if not [e for e in outline.elements if e.cls != "BasicPhilosophy"]:
        calls.append(Call(0, "no-elements", "要素が一つも見つからない（計画の本文か、構成を確認してください）"))
    calls += _period_calls(outline)
    calls += [Call(line, "name-mismatch", message) for line, message in outline.warnings]
    calls += _table_calls(outline)
    return sorted(calls, key=lambda c: (c.line, c.kind))


def _period_calls(outline) -> list[Call]:
    if outline.period is None:
        heading = next(
            (ln.number for ln in outline.lines if re.search(r"計画(の)?期間", ln.text) and len(norm(ln.text)) < 30),
            0,
        )
        return [Call(heading, "period-missing", "計画期間が読み取れない（見出しはあるが期間の表記がない）")]
    return []


def _table_calls(outline) -> list[Call]:
    covered = covered_lines(outline)
    calls, start = [], None
    for line in outline.lines + [None]:
        row = line is not None and "\t" in line.text and len([c for c in line.text.split("\t") if c.strip()]) > 1
        unused_row = row and line.number not in covered and line.number not in outline.noise
        if unused_row and start is None:
            start = line.number
        elif not unused_row and start is not None:
            end = line.number - 1 if line is not None else outline.lines[-1].number
            calls.append(Call(start, "table-not-parsed", f"表の行 {start}–{end} 行を読めなかった（要素にならない）"))
            start = None
    return calls


def covered_lines(outline) -> set:
    used = set(outline.used)
    for el in outline.elements:
        used.update(range(el.start, el.end + 1))
    for ind in outline.indicators:
        used.add(ind.line)
    # A line whose text a table row or a joined heading holds is used when that line is (a PDF's layout).
    used.update(ln.number for ln in outline.lines if getattr(ln, "kind", None) == "continued" and ln.joined_to in used)
    return used


def unused_lines(outline) -> set:
    """Lines with content that no element, indicator or decision used. Page furniture (page numbers, running
    headers, contents, repeated column headings) is not content: it is counted apart in unused_by_kind."""
    used = covered_lines(outline)
    return {
        ln.number
        for ln in outline.lines
        if ln.text.strip()
        and ln.number not in used
        and ln.number not in outline.noise
        and getattr(ln, "kind", None) != "noise"
    }


def unused_by_kind(outline) -> dict:
    """The lines not used, by kind: layout noise (page numbers, running headers, contents), prose, table rows,
    numbered headings (a heading that made no element is worth a look), and other."""
    used = covered_lines(outline)
    kinds: dict = {}
    for ln in outline.lines:
        if not ln.text.strip() or ln.number in used:
            continue
        if ln.number in outline.noise:
            kind = outline.noise[ln.number]
        elif "\t" in ln.text:
            kind = "table row"
        elif classify(clean(ln.text))[0] is not None:
            kind = "numbered heading"
        elif is_sentence(unicodedata.normalize("NFKC", clean(ln.text))):
            kind = "prose"
        else:
            kind = "other"
        kinds.setdefault(kind, []).append(ln.number)
    return kinds


KIND_LABELS = {
    "page number": "ページ番号",
    "running header": "柱（ヘッダー）",
    "repeated column headings": "改ページ後の表見出し",
    "table of contents": "目次",
    "table row": "表の行",
    "numbered heading": "番号付きの見出し",
    "prose": "文章",
    "other": "その他",
}
CALL_LABELS = {
    "no-elements": "要素なし / no elements",
    "level-guessed": "階層を推定 / level guessed",
    "table-not-parsed": "表を読めず / table not parsed",
    "period-missing": "期間なし / period heading without a period",
    "name-mismatch": "自治体名の不一致 / name mismatch",
    "long-label": "長い要素名 / lines absorbed into a label",
    "orphan": "上位なし / no parent",
}
