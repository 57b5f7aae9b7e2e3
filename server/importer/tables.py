"""Tables printed in the text: rows split into cells at tabs, read by their column headings."""

import re

from server.importer.indicators import INDICATOR_COLUMNS, indicator_row
from server.importer.numbering import classify, is_sentence, level_class, norm, split_items
from server.importer.reading import Line

TIERS = (("自助", "self-help"), ("互助", "mutual-help"), ("共助", "social-solidarity"), ("公助", "public-help"))
ACTOR_WORDS = ("住民", "市民", "町民", "村民", "地域", "社協", "社会福祉協議会", "行政", "企業", "団体", "事業者")
DEPARTMENT_COLUMNS = ("担当課", "担当部署", "所管課", "担当", "実施主体")
DESCRIPTION_COLUMNS = ("内容", "概要", "説明", "取組内容")


def is_column_name(text: str) -> bool:
    if level_class(text) or text in DEPARTMENT_COLUMNS + DESCRIPTION_COLUMNS:
        return True
    return any(w in text for w in INDICATOR_COLUMNS) or text in (
        "目標",
        "実績",
        "目標値",
        "現状値",
        "実績値",
        "番号",
        "No",
    )


def actor_of(who: str) -> tuple:
    w = norm(who)
    if "社会福祉協議会" in w or "社協" in w:
        return ("council", "社会福祉協議会")
    if w in ("行政", "市", "町", "村") or w.startswith("行政") or w.endswith("役所"):
        return ("municipality", w)
    if any(x in w for x in ("市民", "住民", "町民", "村民", "個人", "家族")):
        return ("residents", w)
    return ("body", w)


class TableRows:
    """The table-reading half of the parser (mixed into outline.Parser)."""

    def _row(self, line: Line, cells: list[str]):
        filled = [c for c in cells if c]
        if not filled:
            return
        if len(filled) >= 2 and re.fullmatch(r"[0-9０-９]+|エラー.*", filled[-1].strip()) and len(filled) <= 3:
            self.out.decisions.append((line.number, "目次の行として読み飛ばした"))
            return  # a table of contents: heading, page number
        if self._header(line, cells):
            return
        if self.columns:
            self._column_row(line, cells)
            return
        if self.actor_columns:
            self._actor_row(line, cells)
            return
        # No header: a row is a sequence of items, left to right (施策の体系, 基本施策 → 1. …).
        first = norm(cells[0])
        cls = level_class(first) if first and len(first) <= 8 else None
        if cls and cls not in ("BasicGoal",) and not classify(cells[0])[0] and self.inside:
            self.inside = True
            self._announce(line, first, cls)
            cells = cells[1:]
        elif not first and self.announced and self.mode == "list":
            pass
        else:
            if first.startswith("基本理念") and len(first) > 4:
                self.mode = "philosophy"
                self.philosophy = None
                label = cells[0].strip()[4:].strip()
                if label:
                    self._philosophy_text(line, label)
                    self.mode = None
                cells = cells[1:]
            elif self.mode == "philosophy":
                self.mode = None
        for cell in cells:
            for item in split_items(cell):
                self._item(line, item)

    def _header(self, line: Line, cells: list[str]) -> bool:
        filled = [norm(c) for c in cells if c]
        if len(filled) == 1 and "／" in filled[0] or (len(filled) == 1 and "/" in filled[0] and len(filled[0]) < 30):
            names = re.split(r"[／/]", filled[0])
            if all(level_class(n) for n in names):
                self.ladder_names = names
                self.inside = True
                self.out.used.add(line.number)
                return True
        if (
            len(filled) >= 2
            and all(any(w in c for w in ACTOR_WORDS) and len(c) <= 24 and not classify(c)[0] for c in filled)
            and self.table_parents
        ):
            # Columns by actor under a table of policies: row N gives the roles of the table's Nth policy.
            self.actor_columns = list(cells)
            self.columns = None
            self.actor_rows = list(self.table_parents)
            self.out.used.add(line.number)
            return True
        if len(filled) < 2 or any(len(c) > 14 for c in filled):
            return False
        known = [c for c in filled if level_class(c) or c in DEPARTMENT_COLUMNS + DESCRIPTION_COLUMNS]
        known += [
            c for c in filled if any(w in c for w in INDICATOR_COLUMNS) or c in ("目標", "実績", "目標値", "現状値")
        ]
        if known and all(is_column_name(c) for c in filled):
            self.columns = [norm(c) for c in cells]
            self.actor_columns = None
            self.row_carry = {}
            self.inside = self.inside or any(level_class(c) for c in filled)
            self.out.used.add(line.number)
            if any(level_class(c) in ("BasicGoal", "Policy") for c in filled):
                self.table_parents = []
            return True
        return False

    def _column_row(self, line: Line, cells: list[str]):
        cols = self.columns
        if any(any(w in c for w in INDICATOR_COLUMNS) for c in cols):
            indicator_row(self.out, self.columns, line, cells)  # indicators are read wherever the document prints them
            return
        if not self.inside:
            return  # a table in a section about the plan (an evaluation of the last one, say)
        row_parent = None
        made = None
        number_for_next = None
        description, departments = "", []
        if all(not c for c in cells[1:]) and (is_sentence(cells[0]) or cells[0].startswith("その他")):
            self.out.decisions.append((line.number, f"表の行「{cells[0][:30]}」は注記として要素にしなかった"))
            return
        for i, cell in enumerate(cells):
            name = cols[i] if i < len(cols) else ""
            if not cell:
                if i in self.row_carry and level_class(name or "-"):
                    row_parent = self.row_carry[i]  # an empty cell continues the row above (a merged cell)
                continue
            if not name and cell.strip().isdigit():
                number_for_next = cell.strip()
                continue
            if name in DESCRIPTION_COLUMNS:
                description = cell
                continue
            if name in DEPARTMENT_COLUMNS:
                departments = [d for d in re.split(r"[、,，・\s]+", cell) if d]
                continue
            cls = level_class(name) if name else None
            if cls is None:
                continue
            carried = self.row_carry.get(i)
            if (
                carried is not None
                and not classify(cell)[0]
                and number_for_next is None
                and i > 0
                and not cells[i - 1 if i - 1 >= 0 else 0]
                and cols[0] == ""
            ):
                carried.label += cell  # a cell wrapped onto the next line
                carried.end = line.number
                self.out.used.add(line.number)
                row_parent = carried
                continue
            if cls == "BasicGoal":
                goal = next((g for g in self.out.roots() if g.cls == "BasicGoal" and norm(g.label) == norm(cell)), None)
                if goal is None:
                    goal = self._new(line, "BasicGoal", cell, None, name, None, "goal")
                self.row_carry[i] = goal
                row_parent = goal
                self.out.used.add(line.number)
                continue
            if not cell and i in self.row_carry:
                row_parent = self.row_carry[i]
                continue
            parent = row_parent
            if parent is None:
                for j in range(i - 1, -1, -1):
                    if j in self.row_carry:
                        parent = self.row_carry[j]
                        break
                else:
                    parent = self._owner()
            items = split_items(cell)
            for k, item in enumerate(items):
                style, number, rest = classify(item)
                if number_for_next and not style:
                    style, number = "num", number_for_next
                label = rest if style else item
                if style is None and cls in ("Measure",) and len(items) > 1 and k > 0:
                    continue
                el = self._element(
                    line,
                    label,
                    number,
                    style or f"col{i}",
                    cls=cls,
                    parent=parent,
                    level_label=name,
                    push=False,
                )
                if el.start == line.number:
                    el.actors = el.actors or list(self.actor)
                    el.tiers = el.tiers or list(self.tiers)
                if k == 0:
                    made = el
            number_for_next = None
            if made is not None and len(items) == 1:
                self.row_carry[i] = made
                row_parent = made
                if cls in ("Policy", "PriorityInitiative"):
                    if made not in self.table_parents:
                        self.table_parents.append(made)
            elif made is not None and i not in self.row_carry:
                self.row_carry[i] = made
        if made is not None and (description or departments):
            if description:
                made.description = description
            for d in departments:
                made.actors.append(("department", d))

    def _actor_row(self, line: Line, cells: list[str]):
        if not self.actor_rows:
            return
        parent = self.actor_rows.pop(0)
        for i, cell in enumerate(cells):
            if not cell:
                continue
            who = self.actor_columns[i] if i < len(self.actor_columns) else ""
            actors = [actor_of(w) for w in re.split(r"[、,]", who) if w][:2] or []
            level = f"役割・取組（{who}）"
            self.stack, self.anchor = [("row", parent)], parent
            self.actor = actors
            for item in split_items(cell):
                style, number, rest = classify(item)
                if not style:
                    continue
                p = self._place(style)
                cls = "MeasureGroup" if style == "bullet◎" else None
                if cls is None:
                    cls = "Measure" if p is not None and p.cls == "MeasureGroup" else "Role"
                self._element(line, rest, number, style, cls=cls, parent=p, level_label=level)
        self.actor = []
