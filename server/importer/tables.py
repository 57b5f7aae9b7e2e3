"""Tables printed in the text: rows split into cells at tabs, read by their column headings."""

import dataclasses
import re

from server.importer.indicators import INDICATOR_COLUMNS, indicator_row
from server.importer.numbering import classify, is_department, is_sentence, level_class, norm, split_items, split_names
from server.importer.reading import Line

TIERS = (("自助", "self-help"), ("互助", "mutual-help"), ("共助", "social-solidarity"), ("公助", "public-help"))
ACTOR_WORDS = ("住民", "市民", "町民", "村民", "地域", "社協", "社会福祉協議会", "行政", "企業", "団体", "事業者")
DEPARTMENT_COLUMNS = ("担当課", "担当部署", "所管課", "担当", "実施主体")
DESCRIPTION_COLUMNS = ("内容", "概要", "説明", "取組内容")


def is_number_column(name: str) -> bool:
    return norm(name).rstrip(".．").lower() in ("no", "番号", "№", "通し番号")


def is_column_name(text: str) -> bool:
    if is_number_column(text):
        return True
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


DEPT_ENDS = ("課", "室", "係", "局", "部", "センター")


def _add_actor(el, name: str, lead: bool = False) -> None:
    if name not in el.actor_names:
        el.actor_names.append(name)
        el.actors.append(actor_of(name))
    if lead and name not in el.lead_actors:
        el.lead_actors.append(name)


def actor_of(who: str) -> tuple:
    w = norm(who)
    if "社会福祉協議会" in w or "社協" in w:
        return ("council", "社会福祉協議会")
    if w in ("行政", "市", "町", "村") or w.startswith("行政") or w.endswith("役所"):
        return ("municipality", w)
    if any(x in w for x in ("市民", "住民", "町民", "村民", "個人", "家族")):
        return ("residents", w)
    return ("body", w)


BRACKET_LINE = re.compile(r"^[【《〈]")
CELL_BREAK = "\u2028"  # a break inside a PDF table cell (outline._tabbed)
MARKS = {"●": True, "◎": True, "○": False, "〇": False, "△": False}
ACTOR_COLUMN = re.compile(r"実施主体|主体|担い手")
TIER_ROW = re.compile(r"^(自助|互助|共助|公助)\s*(?:[（(]([^）)]+)[)）])?$")


def grid_role(name: str) -> str | None:
    """What a column of a table of the plan's tree holds, by its heading: "level", "marks" (an actor whose
    cells are ●/○), "actors" (names), "departments", "description", "tier", or None."""
    n = norm(name)
    if not n or len(n) > 12:
        return None
    if n in ("担当課", "担当部署", "所管課", "担当部局", "担当", "関係課", "主な担当課") or n.endswith("担当課"):
        return "departments"
    if ACTOR_COLUMN.search(n) and n.endswith(("主体", "担い手")):
        return "actors"
    if n in ("区分", "役割分担") or n in {w for w, _ in TIERS}:
        return "tier"
    if n in DESCRIPTION_COLUMNS or n in ("役割", "取組内容", "事業内容", "内容・概要", "具体的な内容"):
        return "description"
    if re.search(r"実績|評価|進捗|状況|備考|課題|成果|説明|概要|内容", n) and not level_class(n):
        return "description"  # a progress table's 実績・評価 columns say how an item went, they are not items
    parts = [p for p in re.split(r"[・/／、]", n) if p]
    if n in ("市", "町", "村", "行政") or all(
        p in ACTOR_WORDS or p.endswith(("社協", "協議会", "住民", "市民", "町民", "村民", "事業者", "団体", "企業"))
        for p in parts
    ):
        return "marks"  # 住民・地域, 地区社協, 行政: an actor's column, not a label that mentions 地域
    if level_class(n) or n.endswith(("項目", "目標", "施策", "取組", "事業", "柱", "方針", "の方向")):
        return "level"
    return None


def grid_heading(cells: list[str]) -> list | None:
    """The roles of a table's columns when every heading names one and one names a level or a tier."""
    filled = [c for c in cells if c.strip()]
    if len(filled) < 2 or any(w in norm(c) for c in filled for w in INDICATOR_COLUMNS):
        return None  # an indicator table (成果指標 | 目標 | 実績) is read as one
    roles = [grid_role(c) if c.strip() else None for c in cells]
    if any(r is None for r, c in zip(roles, cells, strict=True) if c.strip()):
        return None
    if "level" not in roles and "tier" not in roles:
        return None
    return roles


def spaced_heading(text: str) -> list | None:
    """Column headings a PDF's text gives on one line with spaces for the cell borders (「取組 内容 担当課」):
    the roles, when the table holds items with their description, departments or actors."""
    words = text.split()
    if len(words) < 2 or "\t" in text or any(len(w) > 8 for w in words) or classify(text)[0]:
        return None  # a numbered heading is not a row of column headings
    roles = grid_heading(words)
    if roles is None or roles[0] != "level" or not {"departments", "description", "actors", "marks"} & set(roles):
        return None
    return roles


ALIGNED_GAP = re.compile(r"(?<=\S)(?: {2,}|\u3000{2,}|[ \u3000]{3,})(?=\S)")
LEADING_GAP = re.compile(r"^(?: {2,}|\u3000+|[ \u3000]{2,})(?=\S)")


def aligned_cells(text: str) -> list[str] | None:
    """A line whose cells are set apart by runs of spaces (a web page's table copied as text): its cells,
    a leading run being an empty first cell (「同上」, the 施策 of the row above); None without two cells."""
    if "\t" in text or not ALIGNED_GAP.search(text):
        return None
    lead = [""] if LEADING_GAP.match(text) else []
    return lead + ALIGNED_GAP.split(text.strip(" \u3000"))


def tab_aligned(lines: list) -> list:
    """Tables laid out with runs of spaces, read as the TAB-separated rows every table rule here reads: from a
    row of column headings the table rules know (施策  取組  評価  担当課) to the next blank line. Only lines
    inside such a table change, so prose with wide spaces (「基本理念　　ともに…」) stays as printed."""
    out, open_table = [], False
    for line in lines:
        text = line.text
        cells = aligned_cells(text)
        if not text.strip():
            open_table = False
        elif cells is not None and grid_heading(cells) is not None:
            open_table = True
        elif cells is None and not LEADING_GAP.match(text):
            open_table = False
        if open_table and cells is not None:
            line = dataclasses.replace(line, text="\t".join(cells))
        out.append(line)
    return out


def regroup_cell_lines(lines: list) -> list:
    """A table a web page's text gives one cell per line (施策 / 取組 / 担当課 on lines of their own, then the
    cells of each row in turn): from a run of lines that are all column headings the table rules know — one
    of them a department, description or actor column, so a lone level word (「施策」) stays an announcement
    — the next lines are taken that many at a time as the rows, joined by TABs on the row's first line; the
    other lines are marked continued (their text is in that row). A blank line, a numbered heading or an
    incomplete row ends the table."""
    out = list(lines)
    i = 0
    while i < len(out):
        width = 0
        while i + width < len(out) and out[i + width].kind == "text" and _heading_cell_line(out[i + width].text):
            width += 1
        head = [out[k].text.strip() for k in range(i, i + width)]
        roles = grid_heading(head) if width >= 2 else None
        if roles is None or roles[0] != "level" or not {"departments", "description", "actors"} & set(roles):
            i += max(width, 1)
            continue
        out[i] = dataclasses.replace(out[i], text="\t".join(head))
        for k in range(i + 1, i + width):
            out[k] = dataclasses.replace(out[k], kind="continued", joined_to=out[i].number)
        j = i + width
        while j + width <= len(out):
            row = out[j : j + width]
            texts = [ln.text.strip() for ln in row]
            if not all(texts) or any("\t" in t or classify(t)[0] for t in texts) or texts == head:
                break
            out[j] = dataclasses.replace(out[j], text="\t".join(texts), end=row[-1].number)
            for k in range(j + 1, j + width):
                out[k] = dataclasses.replace(out[k], kind="continued", joined_to=out[j].number)
            j += width
        i = j
    return out


def _heading_cell_line(text: str) -> bool:
    t = text.strip()
    return bool(t) and "\t" not in t and len(t) <= 8 and " " not in t and grid_role(t) is not None


class TableRows:
    """The table-reading half of the parser (mixed into outline.Parser)."""

    def _spaced_marks(self, line: Line, el, rest: str) -> str:
        """●/○ marks after an item whose cells the text joined with spaces: they go to the mark columns in order
        when there is one for each column; with empty cells the columns cannot be told apart (a reviewer
        decides, the layout-aware PDF reader gives the cells)."""
        columns = [n for n, r in zip(self.spaced["names"], self.spaced["roles"], strict=False) if r == "marks"]
        words = rest.split()
        marks = [w for w in words if w in MARKS]
        if not columns or not marks:
            return rest
        if len(marks) == len(columns):
            for name, mark in zip(columns, marks, strict=True):
                _add_actor(el, name, lead=MARKS[mark])
        else:
            self.out.decisions.append((line.number, f"「{el.label[:20]}」の●○が{len(marks)}個で、列を特定できない"))
        return " ".join(w for w in words if w not in MARKS)

    def _spaced_row(self, line: Line, text: str) -> bool:
        """A line of a table whose cells the text extraction joined with spaces or broke over lines: the item
        comes first, then its description up to 。, then the departments (a name ending in ・ goes on)."""
        if classify(text)[0] is not None or BRACKET_LINE.match(text):
            self.spaced = None  # the next numbered heading ends the table
            return False
        state = self.spaced
        el = state.get("element")
        words = text.split()
        names = split_names(text)
        if names and all(is_department(n) for n in names) and (el is not None):
            for name in names:
                if ("department", name) not in el.actors:
                    el.actors.append(("department", name))
            el.end = max(el.end, line.number)
            state["open"] = None
            self.out.used.add(line.number)
            return True
        if el is not None and state.get("open") == "label" and len(words) == 1 and len(text) <= 8:
            el.label += text.strip()  # the item's cell broken over two lines
            el.end = line.number
            el.label_lines += 1
            state["open"] = "description"  # its description follows
            self.out.used.add(line.number)
            return True
        if el is not None and state.get("open") in ("description", "label"):
            description = text.strip()
        else:
            label, description = words[0], " ".join(words[1:])
            el = self._element(
                line,
                label,
                None,
                "spaced",
                cls=level_class(state["names"][0]) or "Measure",
                parent=self.spaced_owner,
                level_label=state["names"][0],
                push=False,
            )
            state["element"] = el
            description = self._spaced_marks(line, el, description)
            if not description:
                state["open"] = "label"
                self.out.used.add(line.number)
                return True
        tail = description.split()[-1] if description.split() else ""
        if tail and all(is_department(n) for n in split_names(tail)):
            description = description[: -len(tail)].rstrip()
            for name in split_names(tail):
                el.actors.append(("department", name))
        el.description = (el.description + description).strip()
        el.end = line.number
        state["open"] = None if description.endswith("。") or not description else "description"
        self.out.used.add(line.number)
        return True

    def _grid_row(self, line: Line, cells: list[str]) -> None:
        """A row of a table of the plan's tree (大項目 | 中項目 | 小項目 | 主な実施主体; 取組 | 住民・地域 | 社協 |
        行政 with ●/○): level cells nest left to right under the element the table is printed under; an
        empty level cell is 'same as above'; a cell without the numbering its column uses continues the cell
        above."""
        roles, names = self.grid, self.grid_names
        self.out.used.add(line.number)
        first = next((c for c in cells if c.strip()), "")
        tier = TIER_ROW.match(norm(first))
        if "tier" in roles or tier:
            self._tier_row(line, cells, tier)
            return
        made = None
        parent = self.grid_owner
        for i, cell in enumerate(cells):
            role = roles[i] if i < len(roles) else None
            cell = cell.strip()
            if role != "level":
                continue
            if not cell:
                if made is None and i in self.grid_carry:
                    parent = self.grid_carry[i]  # same as the row above
                continue
            *earlier, cell = [c.strip() for c in cell.split(CELL_BREAK) if c.strip()] or [""]
            for item in earlier:
                # A cell listing several items (●… / ●…): all but the last made here, under the same parent.
                i_style, i_number, i_rest = classify(item)
                self._element(
                    line,
                    i_rest if i_style else item,
                    i_number,
                    i_style or f"grid{i}",
                    cls=self._grid_class(i, parent),
                    parent=parent,
                    level_label=names[i] or None,
                    push=False,
                )
            style, number, rest = classify(cell)
            above = self.grid_carry.get(i)
            others = any(c.strip() for j, c in enumerate(cells) if j != i)
            if (
                style is None
                and above is not None
                and above.start < line.number
                and (self.grid_numbered.get(i) or (not others and "marks" in roles))
                and not any(cells[j].strip() for j in range(i))
            ):
                # Numbered cells: one without a number goes on from the cell above. A ●/○ table: a row with
                # no mark at all is the item's cell broken over two lines.
                above.label += cell  # the cell above, continued on this line
                above.end = line.number
                above.label_lines += 1
                made = above
                continue
            self.grid_numbered[i] = style is not None
            label = rest if style else cell
            el = self._element(
                line,
                label,
                number,
                style or f"grid{i}",
                cls=self._grid_class(i, parent),
                parent=parent,
                level_label=names[i] or None,
                push=False,
            )
            self.grid_carry[i] = el
            for j in list(self.grid_carry):
                if j > i:
                    del self.grid_carry[j]  # a new cell on the left starts new cells on its right
            parent = made = el
        if made is None:
            made = self.grid_last
        if made is None:
            return
        self.grid_last = made
        for i, cell in enumerate(cells):
            role = roles[i] if i < len(roles) else None
            cell = cell.strip()
            if not cell or role in (None, "level"):
                continue
            if role == "marks" and cell in MARKS:
                _add_actor(made, names[i], lead=MARKS[cell])
            elif role == "actors":
                for who in split_names(cell):
                    if who.endswith(("課", "室", "係")):
                        made.actors.append(("department", who))
                    else:
                        _add_actor(made, who)
            elif role == "departments":
                known = made.departments
                for d in split_names(cell):
                    if made is self.grid_last and made.start < line.number and known and not d.endswith(DEPT_ENDS):
                        continue
                    if d not in known:
                        made.actors.append(("department", d))
            elif role == "description":
                made.description = (made.description + cell).strip()

    def _grid_class(self, column: int, parent) -> str:
        level_columns = [i for i, r in enumerate(self.grid) if r == "level"]
        depth = level_columns.index(column) if column in level_columns else 0
        name = self.grid_names[column]
        cls = level_class(name)
        if cls and cls != "BasicPhilosophy":
            return cls
        if parent is None:
            return ("BasicGoal", "Policy", "Measure")[min(depth, 2)]
        return "Measure" if depth == len(level_columns) - 1 else "Direction"

    def _tier_row(self, line: Line, cells: list[str], tier) -> None:
        """A row of a role table (自助・互助・共助・公助): a role element under the element the table is printed
        under, or nothing when the table is general (printed outside the tree)."""
        filled = [c.strip() for c in cells if c.strip()]
        if (
            tier is None
            and self.grid is not None
            and all(TIER_ROW.match(norm(n)) for n, c in zip(self.grid_names, cells, strict=False) if c.strip())
        ):
            # Tiers as columns (自助 | 共助 | 公助): each cell is the role of its column's tier.
            for name, cell in zip(self.grid_names, cells, strict=False):
                if cell.strip():
                    self._tier_row(line, [name, cell], TIER_ROW.match(norm(name)))
            return
        if tier is None:
            tier = TIER_ROW.match(norm(filled[0])) if filled else None
        if tier is None:
            return
        who = tier.group(2) or (filled[1] if len(filled) > 2 else "")
        text = filled[-1] if len(filled) > 1 else ""
        owner = self.grid_owner if self.grid is not None else self._owner()
        recent = getattr(self, "last_row_element", None) or self.grid_last
        if recent is not None and recent.parent is not None and line.number - recent.end <= 3:
            owner = recent.parent  # role rows right after a table belong to the 施策 of its last row
        if self._detached_roles():
            owner = None
        if owner is None or not text:
            self.out.decisions.append((line.number, "役割分担の表は特定の施策に属さないため要素にしなかった"))
            return
        el = self._element(line, text, None, "tier", cls="Role", parent=owner, level_label="役割分担", push=False)
        el.tiers = [v for w, v in TIERS if w == tier.group(1)]
        if who:
            for name in split_names(who) if "・" in who and len(who) > 8 else [who]:
                _add_actor(el, name)

    def _detached_roles(self) -> bool:
        """Role rows under a heading of their own set off by a blank line (「みんなの役割」 after the tree): a
        general table, not the roles of the element printed last. A heading naming the level (【役割分担】)
        right under an element's rows keeps them its roles."""
        content, i = getattr(self, "_content", None), getattr(self, "_index", 0)
        if not content:
            return False
        while i > 0 and "\t" in content[i - 1].text and TIER_ROW.match(norm(content[i - 1].text.split("\t")[0])):
            i -= 1  # the rows of the same table above this one
        if i < 2 or "\t" in content[i - 1].text or content[i - 2].text.strip():
            return False
        heading = norm(content[i - 1].text)
        return bool(heading) and level_class(heading) is None and not heading.startswith(("【", "[", "《"))

    def _row(self, line: Line, cells: list[str]):
        filled = [c for c in cells if c]
        if not filled:
            return
        if len(filled) >= 2 and re.fullmatch(r"[0-9０-９]+|エラー.*", filled[-1].strip()) and len(filled) <= 3:
            self.out.decisions.append((line.number, "目次の行として読み飛ばした"))
            return  # a table of contents: heading, page number
        if self.grid is not None:
            if grid_heading(cells) == self.grid:
                self.out.used.add(line.number)  # the column headings again, after a page break
                return
            self._grid_row(line, cells)
            return
        roles = grid_heading(cells) if not self._header_known(cells) else None
        if roles is not None:
            self.grid, self.grid_names = roles, [c.strip() for c in cells]
            self.grid_carry, self.grid_numbered, self.grid_last = {}, {}, None
            self.grid_owner = self._owner()
            self.columns = self.actor_columns = None
            self.out.used.add(line.number)
            return
        tier = TIER_ROW.match(norm(cells[0])) if cells[0].strip() else None
        if tier and len([c for c in cells if c.strip()]) >= 2:
            self._tier_row(line, cells, tier)
            return
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

    def _header_known(self, cells: list[str]) -> bool:
        """Whether the seeds' column reading (取組 | 内容 | 担当課 …) takes this heading row."""
        filled = [norm(c) for c in cells if c]
        if len(filled) < 2 or any(len(c) > 14 for c in filled):
            return False
        if any(grid_role(c) == "level" and not level_class(c) for c in filled):
            return False  # a level the seeds' reading does not know (目標, 柱, 大項目): read as a table of the tree
        return all(is_column_name(c) for c in filled) and any(
            level_class(c) or c in DEPARTMENT_COLUMNS + DESCRIPTION_COLUMNS for c in filled
        )

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
            if (not name or is_number_column(name)) and cell.strip().isdigit():
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
            numbered_column = carried is not None and carried.style not in ("plain", f"col{i}")
            if (
                carried is not None
                and not classify(cell)[0]
                and number_for_next is None
                and i > 0
                and not cells[i - 1 if i - 1 >= 0 else 0]
                and (cols[0] == "" or (numbered_column and not any(c.strip() for c in cells[:i])))
            ):
                # A cell wrapped onto the next row: where the column numbers its items (①, (1)), a cell
                # without a number and with nothing to its left goes on from the one above.
                carried.label += cell  # a cell wrapped onto the next line
                carried.end = line.number
                self.out.used.add(line.number)
                row_parent = carried
                continue
            if cls == "BasicGoal":
                style, number, rest = classify(cell)
                label, number = (rest, number) if style == "goal" else (cell, None)  # 「基本目標１　つながる地域」
                goal = next(
                    (g for g in self.out.roots() if g.cls == "BasicGoal" and norm(g.label) == norm(label)), None
                )
                if goal is None:
                    goal = self._new(line, "BasicGoal", label, number, name, None, "goal")
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
        if made is None and not cells[0].strip():
            made = getattr(self, "last_row_element", None)  # a row of continued cells: the row above goes on
            if made is not None:
                self.out.used.add(line.number)
            if made is not None and description:
                description = made.description + description
        if made is not None:
            self.last_row_element = made
        if made is not None and (description or departments):
            if description:
                made.description = description
            for d in departments:
                if ("department", d) not in made.actors:
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
