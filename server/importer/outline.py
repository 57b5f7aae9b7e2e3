"""The plan's tree: a rule-based outline parser for Japanese municipal plans (市町村地域福祉計画 and others).

Why rules and not a model: plans are written to a few conventions shared across municipalities —
a title with its edition (第N次・第N期) and stage (素案, 骨子案, 案, 概要版), a period in 令和 or Gregorian
fiscal years, 基本理念/めざす姿, 基本目標 N, and below them numbering ladders (1. / (1) / ① / ア / ・ ○ ●
◎ bullets, 【…】 and 《…》 headings, 第N章 / 第N節), tables with 取組・内容・担当課 columns, role lists by
actor and tier (自助・互助・共助・公助). Rules for those conventions run offline, explain every decision
they make, and can be checked line by line on the review page.

How the tree is found:
- Each line is cleaned (list dashes and HTML tags from the text extraction removed) and split into
  cells at tabs; each cell into items at numbering markers (a table cell often lists "(1) … (2) …").
- The document's own ladder gives the nesting: a numbering family seen before closes everything opened
  since it (the next sibling), a new family opens a level below the item before. Level words with a
  number open the tree (基本目標Ⅰ, 目標1, 柱1, 基本方針1, 重点プロジェクト1) or name a level (施策1,
  推進項目1, 取組の方向1-1); a family first used for the document's own sections (1 計画の趣旨, Ⅰ 計画の
  考え方) stays sections until a goal opens the tree.
- Headings that name a level (【具体的取組】, 《施策の方向性》, 基本理念, 取組項目 …) announce the class and
  the document's own name for the items that follow. Level names the document defines (「施策」「施策の
  方向」「主な取組」, an overview's column headings) name the items printed without one.
- Document sections (現状と課題, 計画の期間, 策定の経過 …) are outside the plan: their items are not elements.
- The same element printed twice (the 施策体系 overview, a list of 基本目標, and the chapter that details
  it) is one element: a top-level heading printed again is opened again; below, same parent and number.
- A heading broken over two lines is joined when the next line is numbered again; a listed sentence whose
  。 is on the next line is joined too.

The parts, each readable and testable alone: numbering.py (numbering families and level names),
tables.py (rows read by their column headings), indicators.py (成果指標), plan_facts.py (title,
municipality, kind, period, embodied plans), noise.py (page layout left in the text), confidence.py (the
review's calls), model.py (what is found). This module walks the lines and builds the tree.
"""

import dataclasses
import re
import unicodedata
from collections import Counter

from server.importer.indicators import IndicatorTable, inline_indicator, is_indicator_heading
from server.importer.model import Element, Embodied, Indicator, Outline
from server.importer.noise import find_noise
from server.importer.numbering import (
    ACTOR_HEADING,
    BRACKET,
    DEFAULT_LEVEL_LABEL,
    GLOSS,
    INSIDE,
    LADDER,
    LEVEL_WORDS,
    LEVELS,
    OUTSIDE,
    QUOTED,
    ROOT_WORDS,
    classify,
    clean,
    is_dashed,
    is_sentence,
    level_class,
    norm,
    number_value,
    printed_number,
    similar,
    split_items,
    split_names,
    strip_departments,
    unquote,
)
from server.importer.plan_facts import EMBODIED, document_facts
from server.importer.reading import Line
from server.importer.tables import TIERS, TableRows, actor_of, regroup_cell_lines, spaced_heading, tab_aligned

__all__ = ["Element", "Outline", "norm", "parse"]


class Parser(TableRows):
    def __init__(self, lines: list[Line]):
        self.out = Outline(lines=lines)
        self.inside = False
        self.stack: list[tuple[str, Element]] = []  # the numbering ladder within the current anchor
        self.anchor: Element | None = None  # announced items hang from it (None: the plan)
        self.announced: str | None = None  # level name announced for the items that follow
        self.mode: str | None = None  # None | prose | list | roles | philosophy
        self.part_of: list = []
        self.actor: list = []
        self.tiers: list = []
        self.columns: list | None = None
        self.actor_columns: list | None = None
        self.actor_rows: list = []
        self.table_parents: list = []
        self.ladder_names: list = []
        self.pending_goal: Element | None = None
        self.last: Element | None = None
        self.philosophy: Element | None = None
        self.row_carry: dict = {}
        self.pending_decision: str | None = None
        self._pending_description, self._pending_from, self._philosophy_line = "", None, 0
        self.indicator_table: IndicatorTable | None = None
        self.top: list = []  # elements created at the top of the tree (an overview's goals are among them)
        self.section_styles: set = set()  # numbering families the document uses for its own sections
        self.legend, self.legend_lines = _legend(lines)  # ★ → the embodied plan its items make up
        self.spaced: dict | None = None  # a table whose cells the extraction joined with spaces (tables.py)
        self.spaced_owner: Element | None = None
        self.grid: list | None = None  # the column roles of a table of the tree being read (tables.py)
        self.grid_names: list = []
        self.grid_carry: dict = {}
        self.grid_numbered: dict = {}
        self.grid_last: Element | None = None
        self.grid_owner: Element | None = None
        self.indicator_level = _indicator_level(lines)
        self.indicators_apart = False  # an indicator block of its own after the tree: it belongs to no element

    # ---- entry
    def parse(self) -> Outline:
        document_facts(self.out)
        self.out.noise = find_noise(self.out.lines)
        content = [ln for ln in self.out.lines if ln.number not in self.out.noise]
        self._previous_line = 0
        for i, line in enumerate(content):
            if getattr(line, "kind", "text") == "continued":
                continue  # its text is inside an earlier line's (server.importer.document)
            self._content, self._index = content, i
            parts = line.text.split(CELL_BREAK)
            if len(parts) > 1 and len([c for c in line.text.split("\t") if clean(c)]) <= 1:
                # One filled cell holding paragraphs (a layout table around prose): each is a line of its own.
                for part in parts:
                    self._content_line(content, i, dataclasses.replace(line, text=part.strip("\t")))
                continue
            self._content_line(content, i, line)
        name_levels(self.out)
        return self.out

    def _content_line(self, content: list, i: int, line) -> None:
        text = clean(line.text)
        if text:
            self._previous_line, self._current_line = getattr(self, "_current_line", 0), line.number
        if text and self._indicator(line, text):
            return
        if not text:
            if not _table_resumes(content, i):
                self.columns = self.actor_columns = self.grid = None  # a blank line ends a table
            return
        cells = [clean(c) for c in line.text.split("\t")]
        filled = [c for c in cells if c]
        if len(filled) == 2 and self.columns is None and self.grid is None and _bare_number(filled[0]):
            # 「３<TAB>立ち直りを支える…」: a number and its heading set apart by a tab, not a table row
            self._line(line, f"{filled[0]} {filled[1]}")
            return
        if (
            len([c for c in cells if c]) > 1
            or (cells[0] == "" and len(cells) > 1 and self.columns)
            or (len(cells) > 1 and self.grid is not None)
        ):
            self._row(line, cells)  # leading tabs are empty cells of a table row
        else:
            self.columns = None
            self.actor_columns = self.grid = None
            if self.spaced is not None and self._spaced_row(line, text):
                return
            roles = spaced_heading(text) if self.inside else None
            if roles is not None:
                self.spaced = {"roles": roles, "names": text.split(), "element": None, "open": None}
                self.spaced_owner = self._owner()
                self.out.used.add(line.number)
                return
            self._line(line, text, dashed=is_dashed(line.text))

    # ---- indicators
    def _indicator(self, line: Line, text: str) -> bool:
        after_blank = self._index > 0 and not self._content[self._index - 1].text.strip()
        if after_blank and INDICATOR_TITLE.fullmatch(norm(text)):
            # 「成果指標」 set off by a blank line after the last item: the figures under it are the plan's, not
            # that item's (a reviewer attaches them where the text does not say).
            self.indicators_apart = True
            self.out.used.add(line.number)
            self.out.decisions.append(
                (line.number, "成果指標は本文から特定の要素に結び付けられないため計画全体のものとした")
            )
            return True
        if self.indicator_table is not None:
            row = self.indicator_table.row(line, line.text)
            if isinstance(row, Indicator):
                self._add_indicator(row)
                return True
            if row is True:
                self.out.used.add(line.number)
                return True
            self.indicator_table = None
        years = is_indicator_heading(line.text)
        if years is not None:
            self.indicators_apart = self.indicators_apart or after_blank
            self.indicator_table = IndicatorTable(years)
            self.columns = self.actor_columns = None
            self.out.used.add(line.number)
            return True
        ind = inline_indicator(line, text)
        if ind is not None:
            self._add_indicator(ind)
            return True
        return False

    def _add_indicator(self, ind: Indicator):
        ind.element = self._indicator_owner()
        self.out.indicators.append(ind)
        self.out.used.update(range(ind.line, ind.line + 1))

    def _indicator_owner(self) -> Element | None:
        """The element an indicator printed inside the tree belongs to: the level the text says indicators are
        set for (「成果目標は基本目標ごとに設定します」), else the deepest open heading that has items below it."""
        chain = [el for _, el in self.stack]
        if not chain or self.indicators_apart:
            return None
        word = self.indicator_level
        if word:
            cls = level_class(word)
            for el in reversed(chain):
                if (el.level_label and word in el.level_label) or (cls and el.cls == cls):
                    return el
        for el in reversed(chain):
            if el.children:
                return el
        return chain[-1]

    # ---- lines
    def _line(self, line: Line, text: str, dashed: bool = False):
        if line.number in self.legend_lines:
            self.out.used.add(line.number)
            return
        m = BRACKET.match(text)
        numbered_level = classify(text)[0]
        if m and not (numbered_level == "goal" or (numbered_level or "").startswith("level:")):
            # 【基本目標】 announces a level; 【施策1 交流の場づくり】 and 【目標1】… are numbered items.
            inner, rest = m.group(1), m.group(2)
            if text.count("【") > 1 and self.inside and not level_class(inner):
                for name in re.findall(r"【(.+?)】", text):
                    self._element(line, name, None, "bracket")
                return
            self._bracket(line, inner)
            if rest:
                for item in split_items(rest):
                    self._item(line, item)
            return
        style, number, rest = classify(text)
        roman_goal = style == "roman" and "roman" not in self.section_styles
        if style == "goal" or (roman_goal and not self._is_section_heading(rest, dashed, style)):
            self._goal(line, number, rest)
            return
        if style in ("chapter", "section"):
            self._section(line, rest, reset=True)
            return
        if style not in (None, "chapter", "section") and self._reopen(line, style, number, rest):
            return
        listed = self.mode is None and self._in_goal() and not is_sentence(text)
        if style is None and dashed and self.inside and (self.mode in ("list", "roles") or listed):
            self._element(line, text, None, "dash")
            return
        if style is None:
            self._plain(line, text)
            return
        if style == "roman" or (
            style in ("num", "paren", "bullet■", "bullet□") and self._is_section_heading(rest, dashed, style)
        ):
            # A family first used for the document's own sections (Ⅰ 計画の基本的な考え方) stays sections.
            self.section_styles.add(style)
            self._section(line, rest, reset=style in ("num", "roman", "bullet■", "bullet□"))
            return
        if self.mode == "prose" and self._in_goal() and style in ("dot", "paren", "circled", "kana"):
            self.mode = None  # a numbered heading ends a 【現状と課題】 block
        items = split_items(text)
        for item in items:
            self._item(line, item)

    def _reopen(self, line: Line, style: str, number, rest: str) -> bool:
        """A heading printed earlier in an overview (施策体系, a list of 基本目標, a 目次 entry that was not an
        element): the detailed chapter develops that element, so it is opened again, not made twice."""
        key = norm(strip_departments(rest)[0])
        if len(key) < 4:
            return False
        # Only the top of the tree is printed again in an overview; below it, the same label in another branch
        # is another element.
        el = next((e for e in self.top if e.parent is None and e.start != line.number and norm(e.label) == key), None)
        if el is None or el.cls == "BasicPhilosophy":
            return False
        chain = []
        node = el
        while node is not None:
            chain.append(node)
            node = node.parent
        chain.reverse()
        self.stack = [(style if n is el else n.style, n) for n in chain]
        self.anchor, self.announced, self.columns = None, None, None
        self.inside, self.mode, self.last = True, None, el
        self.part_of = list(el.part_of) if el.part_of else []
        el.style = style
        if number and not el.number:
            el.number = printed_number(style, number)
        el.start, el.page = line.number, line.page  # the element's place is where its children follow
        el.end = max(el.end, line.number)
        self.out.used.add(line.number)
        return True

    def _is_section_heading(self, title: str, dashed: bool = False, style: str = "") -> bool:
        """A numbered heading that names a document section or announces a level rather than being an element."""
        if self.mode == "list" and self.announced and dashed:
            return False
        if (
            style == "num"
            and self.mode == "list"
            and level_class(self.announced or "") in ("BasicGoal", "PriorityInitiative")
            and not any(w in norm(title) for w in OUTSIDE + INSIDE)
            and not level_class(norm(title))
        ):
            return False  # 「基本目標と主な取組」 then 「1 支え合いの輪を広げる」: the goals it announced
        t = norm(title)
        if style == "num" and not dashed and (not self._in_goal() or level_class(t) or any(w in t for w in INSIDE)):
            return True  # "1 計画策定の趣旨": a numbered section of the document
        if style in ("bullet■", "bullet□") and any(w in t for w in OUTSIDE) and not any(w in t for w in INSIDE):
            return True  # 「■ 計画の推進」: a section of the document, even after the tree
        if self._in_goal() and style != "num":
            # Under a goal, "(1) 身近な相談窓口の周知" is an element; only a bare level name announces a level.
            return level_class(t) is not None and len(t) <= 8
        if any(w in t for w in OUTSIDE) or any(w in t for w in INSIDE):
            return True
        cls = level_class(t)
        return cls is not None and len(t) <= 12

    def _section(self, line: Line, title: str, reset: bool):
        t = norm(title)
        self.out.used.add(line.number)
        outside = any(w in t for w in OUTSIDE) and not any(w in t for w in INSIDE)
        cls = level_class(t)
        if reset:
            self.stack, self.anchor, self.part_of = [], None, []
        self.columns, self.announced, self.mode, self.last = None, None, None, None
        if outside:
            self.inside = False
            self.mode = "prose"
            return
        for key, embodied_cls, pattern in EMBODIED:
            if reset and pattern.search(t) and t.endswith("計画"):
                # 「第5章 大嶺村再犯防止推進計画」: the chapter is the embodied plan; its items hang from it.
                self.inside, self.part_of = True, [key]
                if key not in {e.key for e in self.out.embodied}:
                    self.out.embodied.append(Embodied(key, embodied_cls, title, line.number, line.page))
                return
        if cls or any(w in t for w in INSIDE):
            self.inside = True
            if cls and len(t) <= 14 and not any(w in t for w in INSIDE):
                self._announce(line, t, cls)  # 「施策の展開」 opens the tree; it names no level
            return
        if reset:
            self.inside = False  # a section that does not name a plan level

    def _announce(self, line: Line, name: str, cls: str):
        self.last = None  # prose after an announcement belongs to no element printed before it
        self.announced = name
        self.mode = "list"
        self.columns = None
        if cls == "BasicPhilosophy":
            self.mode = "philosophy"
            self.philosophy = None
            self.stack, self.anchor = [], None
        elif cls in ("BasicGoal", "Perspective", "PriorityInitiative"):
            self.stack, self.anchor = [], None
        elif cls == "Role":
            self.mode = "roles"
            self._to_anchor()
        else:
            self._to_anchor()

    def _owner(self) -> Element | None:
        """The element announced items and table rows hang from: the last on the ladder that was not itself
        an announced item."""
        owner = None
        for _, el in self.stack:
            if el.announced_item:
                break
            owner = el
        return owner

    def _to_anchor(self):
        owner = self._owner()
        self.stack = self.stack[: next((i + 1 for i, (_, el) in enumerate(self.stack) if el is owner), 0)]
        self.anchor = owner

    def _bracket(self, line: Line, inner: str):
        t = norm(inner)
        self.out.used.add(line.number)
        for key, _cls, pattern in EMBODIED:
            if pattern.fullmatch(t) or (pattern.search(t) and len(t) <= 20 and "計画" in t[-2:]):
                self.inside, self.part_of = True, [key]
                self.stack, self.anchor, self.announced, self.mode, self.columns = [], None, None, None, None
                if key not in {e.key for e in self.out.embodied}:
                    self.out.embodied.append(Embodied(key, _cls, inner, line.number, line.page))
                return
        tier = [v for w, v in TIERS if w in t]
        if tier and len(t) <= 12:
            self.tiers = tier
            return
        cls = level_class(t)
        if any(w in t for w in OUTSIDE) and not any(w in t for w in INSIDE):
            self.inside, self.mode, self.announced = (self.inside if self._in_goal() else False), "prose", None
            if not self._in_goal():
                self.stack, self.anchor, self.part_of = [], None, []
            return
        if cls:
            self.inside = True
            if cls == "PriorityInitiative":
                self.part_of = []
            self._announce(line, t, cls)
            if cls in ("Measure", "Role"):
                self.actor, self.tiers = [], []
            return
        if any(w in t for w in INSIDE):
            self.inside, self.stack, self.anchor, self.mode = True, [], None, None

    def _in_goal(self) -> bool:
        return any(el.cls in ("BasicGoal", "PriorityInitiative", "Policy") for _, el in self.stack)

    def _plain(self, line: Line, text: str):
        t = norm(text)
        if self.mode == "philosophy" and self.philosophy is not None and any(w in t for w in INSIDE):
            self.mode = None  # 「施策の体系」 after the 基本理念: the next part of the plan, not more of its name
        if self.mode == "philosophy":
            self._philosophy_text(line, text)
            return
        if self.pending_goal is not None:
            goal, self.pending_goal = self.pending_goal, None
            q = QUOTED.search(text)
            if q or not is_sentence(text):
                goal.label = q.group(1) if q else text
                goal.end = line.number
                self.out.used.add(line.number)
                return
        if self._departments_line(line, text) or self._continuation(line, text):
            return
        actor = ACTOR_HEADING.match(t)
        if actor and self.mode in ("roles", "list") and self.inside:
            self._actor_heading(line, actor.group(1), actor.group(4) or "")
            return
        cls = level_class(t)
        if cls and len(t) <= 12 and (self.inside or cls in ("BasicPhilosophy", "BasicGoal", "PriorityInitiative")):
            self.out.used.add(line.number)
            self.inside = True
            if cls == "PriorityInitiative":
                self.stack, self.anchor = [], None
            self._announce(line, t, cls)
            return
        if self.mode == "roles" and not is_sentence(text) and len(t) <= 30 and self.inside:
            self._item(line, text)
            return
        if is_sentence(text) and self.last is not None and self.mode not in ("prose",) and self.inside:
            self.last.description = (self.last.description + "\n" + text).strip()
            self.last.end = max(self.last.end, line.number)
            self.out.used.add(line.number)

    def _embodied_in_label(self, el: Element, line: Line) -> None:
        """「…の推進（再犯防止推進計画）」: the element makes up the plan its parenthesis names."""
        m = re.search(r"[（(]([^（()）]*計画)[)）]", el.label)
        if not m:
            return
        for key, embodied_cls, pattern in EMBODIED:
            if pattern.search(m.group(1)):
                el.part_of = sorted(set(el.part_of) | {key})
                if key not in {e.key for e in self.out.embodied}:
                    self.out.embodied.append(Embodied(key, embodied_cls, m.group(1), line.number, line.page))
                    self.out.decisions.append((line.number, f"「{m.group(1)}」を要素名の括弧書きから内包計画とした"))

    def _departments_line(self, line: Line, text: str) -> bool:
        """「担当課：地域福祉課、子育て支援課」 under a heading and its items: the heading's departments."""
        m = DEPARTMENTS_LINE.match(unicodedata.normalize("NFKC", text).strip())
        if not m or self.last is None:
            return False
        names = [n for n in split_names(m.group(2)) if n]
        owner = self.last
        while owner.parent is not None and owner.style.startswith("bullet") and is_sentence(owner.label):
            owner = owner.parent  # the items are sentences under the heading the line belongs to
        for name in names:
            if ("department", name) not in owner.actors:
                owner.actors.append(("department", name))
        owner.end = max(owner.end, line.number)
        self.out.used.add(line.number)
        return True

    def _next_is_numbered(self) -> bool:
        """Whether the next content line starts a numbered item or a table row (so this one ends a heading)."""
        following = next((ln for ln in self._content[self._index + 1 : self._index + 3] if ln.text.strip()), None)
        return following is not None and (classify(clean(following.text))[0] is not None or "\t" in following.text)

    def _continuation(self, line: Line, text: str) -> bool:
        """The rest of the element printed on the line before: a heading broken over two lines (the next line
        is numbered again) or a listed sentence whose 。 is on the next line."""
        el = self.last
        if el is None or el.end != self._previous_line or not self.inside or "\t" in line.text:
            return False
        if self._index and not self._content[self._index - 1].text.strip():
            return False  # a blank line between: a new block (「成果目標」), not the rest of the label
        t = norm(text)
        if not t or len(t) > 40 or classify(text)[0] or re.search(r"[【\[［].*[】\]］]", text):
            return False
        if level_class(t) or ACTOR_HEADING.match(t) or QUOTED.fullmatch(text.strip()) or INDICATOR_TITLE.fullmatch(t):
            return False  # a level announced, a role heading, a quoted name, 「成果指標」: not the rest of a label
        heading = not is_sentence(el.label) and not is_sentence(text) and self._next_is_numbered()
        sentence = not el.label.endswith("。") and len(norm(el.label)) >= 20 and t.endswith("。")
        if not (heading or sentence):
            return False
        label, departments = strip_departments(el.label + text.strip())
        while label and label[-1] in self.legend:
            el.part_of = sorted(set(el.part_of) | {self.legend[label[-1]]})
            label = label[:-1].rstrip()
        el.label = label
        el.label_lines += 1
        el.actors += [("department", d) for d in departments if ("department", d) not in el.actors]
        self._embodied_in_label(el, line)
        el.end = line.number
        self.out.used.add(line.number)
        return True

    def _philosophy_text(self, line: Line, text: str):
        out = self.out
        q = QUOTED.fullmatch(text.strip())
        if self.philosophy is None:
            if is_sentence(text):
                self._pending_description = self._pending_description + text
                self._pending_from = self._pending_from or line.number
                out.used.add(line.number)
                return
            label = q.group(1) if q else text
            name = self.announced if self.announced and level_class(self.announced) == "BasicPhilosophy" else None
            self.philosophy = self._element(line, label, None, "philosophy", cls="BasicPhilosophy", level_label=name)
            self.philosophy.description = self._pending_description
            if self._pending_from:
                self.philosophy.start = min(self.philosophy.start, self._pending_from)  # explained, then named
            self._pending_description, self._pending_from = "", None
            self._philosophy_line = line.number
            return
        el = self.philosophy
        if not is_sentence(text) and line.number == self._philosophy_line + 1:
            el.label = f"{el.label} {text}"
            el.end = self._philosophy_line = line.number
            out.used.add(line.number)
            return
        if is_sentence(text):
            el.description = (el.description + "\n" + text).strip()
            el.end = max(el.end, line.number)
            out.used.add(line.number)

    def _actor_heading(self, line: Line, who: str, tier_text: str):
        self.out.used.add(line.number)
        self.actor = [actor_of(who)]
        self.tiers = [v for w, v in TIERS if w in tier_text] or ([v for w, v in TIERS if w in who])
        self.mode = "roles"
        self.announced = "役割分担"
        self.columns = None

    def _goal(self, line: Line, number: str, rest: str):
        self.indicators_apart = False
        self.inside, self.mode, self.announced, self.columns, self.part_of = True, None, None, None, []
        label = rest
        q = QUOTED.fullmatch(rest.strip()) or QUOTED.match(rest.strip())
        if q and q.end() < len(rest.strip()) and not re.match(r"^[\s～〜~]", rest.strip()[q.end() :]):
            q = None  # 「つながるダイヤル」で孤独・孤立をなくす: the quotation is part of the name
        subtitle = re.sub(r"[～〜~].*?[～〜~]", "", rest).strip()
        if q:
            label = q.group(1)
        elif subtitle != rest:
            label = subtitle
        m = re.match(ROOT_WORDS, number)
        word = m.group(0) if m else "基本目標"  # a bare Ⅰ under no level word is a goal's number
        num = f"{word}{number_value(number[len(m.group(0)) if m else 0 :]) or number}"
        cls = "PriorityInitiative" if word.startswith("重点") else "BasicGoal"
        goal = self._merge(None, cls, num, label)
        if goal is None:
            goal = self._new(line, cls, label, num, word, None, "goal")
        self.out.used.add(line.number)
        self.stack, self.anchor, self.last = [("goal", goal)], goal, goal
        if not label:
            self.pending_goal = goal

    # ---- items and elements
    def _item(self, line: Line, item: str):
        style, number, rest = classify(item)
        if style == "goal":
            self._goal(line, number, rest)
            return
        if (style or "").startswith("level:") and not self.inside and not self.top and self.mode != "philosophy":
            # 「推進項目1 …」「施策1 …」 before any goal: a level word with a number is never a section of the
            # document, so the tree opens at it (a plan whose top level is not called 基本目標).
            self.inside, self.mode, self.stack, self.anchor = True, None, [], None
            self.out.decisions.append((line.number, f"「{item[:20]}」で計画の体系が始まるとした（基本目標なし）"))
        if not self.inside or self.mode in ("prose", "philosophy"):
            if self.mode == "philosophy" and style is None:
                self._philosophy_text(line, item)
            return
        label = rest if style else item
        if not norm(label):
            return
        heading = next((el for _, el in reversed(self.stack) if not el.style.startswith("bullet")), None)
        listed = (
            style in ("bullet・", "bullet•", "bullet○", "bullet●", "bullet◎", "bullet◆")
            and self.mode is None
            and heading is not None
            and heading.parent is not None  # under a goal itself, sentences describe the goal
        )
        if is_sentence(label) and not (self.mode in ("list", "roles") and self.announced) and not listed:
            # A sentence explains the element above it; a bulleted sentence listed under a numbered heading
            # is an item of its own (「・地区福祉委員会が行う…を支援します。」).
            if self.last is not None:
                self.last.description = (self.last.description + "\n" + label).strip()
                self.last.end = max(self.last.end, line.number)
                self.out.used.add(line.number)
            return
        if label.startswith("その他") or "「基本目標" in label:
            self.out.decisions.append((line.number, f"「{label[:30]}」は他の箇所への参照として要素にしなかった"))
            return  # a cross-reference to another part of the plan, not an element
        self._element(line, label, number, style or "plain")

    def _element(self, line, label, number, style, cls=None, parent="ladder", level_label=None, push=True):
        self.indicators_apart = False
        if parent == "ladder":
            parent = self._place(style)
        if cls is None:
            cls, level_label = self._class_for(style, parent, level_label)
        number_text = printed_number(style, number)
        el = self._merge(parent, cls, number_text, label)
        if el is None:
            el = self._new(line, cls, label, number_text, level_label or DEFAULT_LEVEL_LABEL.get(cls), parent, style)
            el.level_printed = bool(level_label)
        else:
            self.out.used.add(line.number)
            if norm(el.label) != norm(label):
                self.out.decisions.append(
                    (line.number, f"「{label}」を{el.start}行の「{el.label}」と同じ要素とした（同じ上位・番号）")
                )
        el.announced_item = el.announced_item or bool(self.announced and parent is self.anchor)
        if cls not in ("BasicPhilosophy",) and push:
            self.stack.append((style, el))
        self.last = el
        return el

    def _place(self, style: str) -> Element | None:
        for i, (s, _el) in enumerate(self.stack):
            if s == style:
                self.stack = self.stack[:i]
                break
        parent = self.stack[-1][1] if self.stack else None
        if self.anchor is not None and not _descends(parent, self.anchor):
            # The item climbed above the element the announcement was under: the announcement is over.
            self.anchor, self.announced, self.actor, self.tiers = None, None, [], []
            if self.mode in ("list", "roles"):
                self.mode = None
        return parent

    def _class_for(self, style: str, parent: Element | None, level_label: str | None):
        if style.startswith("level:"):
            name = style.removeprefix("level:")
            return level_class(name) or "Policy", level_label or name
        if style in ("kana", "bullet◎"):
            return "MeasureGroup", level_label or (self.announced if self.announced else None)
        if self.announced and (parent is self.anchor):
            cls = level_class(self.announced)
            if cls and cls not in ("BasicGoal", "BasicPhilosophy"):
                return cls, level_label or self.announced
        if parent is not None and parent.cls == "MeasureGroup":
            return "Measure", level_label
        if parent is None and self.announced and level_class(self.announced) in ("BasicGoal", "PriorityInitiative"):
            # 「基本目標と主な取組」 then 「1 支え合いの輪を広げる」: the top items are the goals it announced.
            word = next(w for w, _ in LEVELS if w in self.announced)
            return level_class(self.announced), level_label or word
        if parent is None:
            return "PriorityInitiative" if self.part_of else "Policy", level_label
        depth, node = 0, parent
        root = parent
        while node is not None and node.cls not in LADDER:
            depth, root = depth + 1, node.parent
            node = node.parent
        ladder = LADDER.get(root.cls if root else "", LADDER["BasicGoal"]) if root else LADDER["BasicGoal"]
        cls = ladder[min(depth, len(ladder) - 1)]
        if depth >= 2 and not level_label:
            self.pending_decision = f"階層名がないため、{depth + 1}段目の要素を{DEFAULT_LEVEL_LABEL[cls]}とした"
        names = self.ladder_names
        if names and root is not None and root.cls == "BasicGoal" and depth + 1 < len(names):
            level_label = level_label or names[depth + 1]
        return cls, level_label

    def _merge(self, parent, cls, number, label) -> Element | None:
        siblings = parent.children if parent is not None else self.out.roots()
        key = norm(label)
        for el in siblings:
            if el.cls != cls:
                if number and el.number == number and norm(el.label) == key:
                    return el  # the overview's table named the level otherwise; the same numbered heading
                continue
            if number and el.number == number and (cls == "BasicGoal" or similar(norm(el.label), key)):
                return el
            if not number and norm(el.label) == key:
                return el
        return None

    def _new(self, line, cls, label, number, level_label, parent, style) -> Element:
        label, departments = strip_departments(label)
        marked = []
        while label and label[-1] in self.legend:
            marked.append(self.legend[label[-1]])  # 「…の確保支援☆」: the legend's plan, not part of the name
            label = label[:-1].rstrip()
        gloss = GLOSS.search(label)
        if gloss:  # "…の体制づくり （重層的支援体制整備事業）": a printed gloss, kept as the description
            label = label[: gloss.start()]
        el = Element(
            cls=cls,
            label=unquote(label),
            start=line.number,
            page=line.page,
            number=number,
            level_label=level_label,
            parent=parent,
            style=style,
        )
        el.part_of = sorted(set(self.part_of) | set(marked))
        el.actors += [("department", d) for d in departments]
        if gloss:
            el.description = gloss.group(1)
        if cls in ("Role", "Measure", "MeasureGroup") and self.actor:
            el.actors = list(self.actor)
        if cls in ("Role", "Measure") and self.tiers:
            el.tiers = list(self.tiers)
        self._embodied_in_label(el, line)
        if self.pending_decision:
            self.out.decisions.append((line.number, f"「{el.label[:30]}」: {self.pending_decision}"))
            self.pending_decision = None
        if parent is not None:
            parent.children.append(el)
        else:
            self.top.append(el)
        self.out.elements.append(el)
        self.out.used.add(line.number)
        if cls == "BasicPhilosophy":
            self.philosophy = el
        return el


def _descends(node, ancestor) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


# The title of an indicator block printed right under the last item (its table follows).
INDICATOR_TITLE = re.compile(
    r"[■◆●○◇□【]?(?:成果指標|成果目標|数値目標|評価指標|活動の目標|めざす目標|主な目標|指標)】?"
)
DEPARTMENTS_LINE = re.compile(
    r"^[（(【]?(担当課|担当部署|所管課|担当部局|主な担当課|担当)[）)】]?\s*[:：]\s*(.+?)[)）]?$"
)
INDICATOR_LEVEL = re.compile(r"(?:成果目標|成果指標|数値目標|指標|目標値)は(?:、)?([^、。は]{2,8}?)ごとに")


def _indicator_level(lines) -> str | None:
    """The level a plan sets its indicators for, where it says so (「成果目標は基本目標ごとに設定します」)."""
    for line in lines:
        m = INDICATOR_LEVEL.search(line.text)
        if m and (level_class(m.group(1)) or re.fullmatch(f"{ROOT_WORDS}|{LEVEL_WORDS}", m.group(1))):
            return m.group(1)
    return None


LEGEND = re.compile(r"([★☆◆◇※])は、?「?([^、。「」]*?計画)」?")


def _legend(lines) -> tuple[dict, set]:
    """「★は成年後見制度利用促進計画、☆は再犯防止推進計画に位置付ける取組です。」: mark → embodied plan key."""
    legend, where = {}, set()
    for line in lines:
        for mark, name in LEGEND.findall(line.text):
            key = next((k for k, _cls, pattern in EMBODIED if pattern.search(name)), None)
            if key:
                legend[mark] = key
                where.add(line.number)
    return legend, where


LEVEL_NAME = re.compile(r"「([^「」]{1,8})」")


LEVEL_WORD = re.compile(f"{ROOT_WORDS.replace('|目標|', '|(?<!成果)(?<!数値)目標|')}|{LEVEL_WORDS}|[大中小]項目")


def _is_level_word(word: str) -> bool:
    return bool(level_class(word) or LEVEL_WORD.fullmatch(word)) and level_class(word) != "BasicPhilosophy"


def _level_names(lines) -> list:
    """The level names a plan defines, top down: a sentence quoting them (「施策」「施策の方向」「主な取組」, 「大項目」
    …), the headings of its 施策体系 (目標 取組の方向 主な取組), or a sentence naming them in order
    (基本目標（Ⅰ～Ⅲ）の下に施策（１、２…）、施策の方向（（１）…）を置き、…主な取組を○で示す)."""
    for line in lines:
        text = clean(line.text)
        quoted = [n for n in LEVEL_NAME.findall(text) if not classify(f"{n} x")[0]]
        if len(quoted) >= 2 and all(_is_level_word(n) for n in quoted) and is_sentence(text):
            return quoted
        words = text.split()
        if 2 <= len(words) <= 5 and all(_is_level_word(w) or level_class(w) == "BasicPhilosophy" for w in words):
            named = [w for w in words if _is_level_word(w)]
            if len(named) >= 2:
                return named
        if is_sentence(text) and re.search(r"の下に|ごとに", text):
            found = []
            for m in LEVEL_WORD.finditer(text):
                if m.group(0) not in found:
                    found.append(m.group(0))
            if len(found) >= 3:
                return found
    return []


def name_levels(out) -> None:
    """Elements whose level the document did not name where they are printed get the name the document gives
    for their depth in a sentence that lists its levels; the rest keep a guessed name, marked as such."""
    names = _level_names(out.lines)
    named = set()
    for el in out.elements if names else []:
        if el.level_printed or el.cls == "BasicPhilosophy":
            continue
        depth, node = 0, el
        while node.parent is not None:
            depth, node = depth + 1, node.parent
        root_named = node.level_label in names
        index = depth if root_named else depth - 1
        if 0 <= index < len(names):
            el.level_label, el.level_printed = names[index], True
            named.add(el.start)
    # A numbering family names one level throughout the document: an element still unnamed takes the name
    # its family has elsewhere (the (1) 施策 of an embodied plan's own chapter, under no goal).
    by_style: dict = {}
    for el in out.elements:
        if el.level_printed and el.style and el.level_label:
            by_style.setdefault(el.style, Counter())[el.level_label] += 1
    for el in out.elements:
        if not el.level_printed and el.style in by_style:
            el.level_label, el.level_printed = by_style[el.style].most_common(1)[0][0], True
            named.add(el.start)
    # A level named from the document's own list is no longer a guess.
    out.decisions = [(n, m) for n, m in out.decisions if not (n in named and "階層名がない" in m)]


def _bare_number(cell: str) -> bool:
    style, _number, rest = classify(f"{cell} x")
    return style is not None and rest == "x"


def _table_resumes(content: list, i: int) -> bool:
    """Whether the table before a blank line goes on after it (a page break inside a table)."""
    for line in content[i + 1 : i + 4]:
        if line.text.strip():
            return "\t" in line.text and not line.text.startswith("\t\t")
    return False


CELL_BREAK = "\u2028"


def _tabbed(line):
    """A line whose table cells the PDF reader knows (reading.py's `cells`) as the cells joined by tabs, the
    split every table rule here reads: better than the spaces of plain extracted text."""
    cells = getattr(line, "cells", None)
    if not cells or len(cells) < 2:
        return line
    # A break the author made inside a cell (a new ●/・ item) is kept as U+2028, which the table reader
    # splits items at and every other rule reads as white space.
    text = "\t".join(c.replace("\t", " ").replace("\n", CELL_BREAK) for c in cells)
    return (
        dataclasses.replace(line, text=text) if dataclasses.is_dataclass(line) else Line(line.number, line.page, text)
    )


def parse(lines: list) -> Outline:
    prepared = regroup_cell_lines(tab_aligned([_tabbed(line) for line in lines]))
    outline = Parser(prepared).parse()
    outline.lines = list(lines)  # the review shows the lines as printed
    # A cell printed on a line of its own is used when the row that holds it is.
    held = outline.used | {el.start for el in outline.elements}
    outline.used.update(
        ln.number for ln in prepared if getattr(ln, "kind", None) == "continued" and ln.joined_to in held
    )
    return outline
