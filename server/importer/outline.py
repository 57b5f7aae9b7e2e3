"""A rule-based outline parser for Japanese municipal plans (市町村地域福祉計画 and the plans made with them).

Why rules and not a model: plans are written to a few conventions shared across municipalities —
a title with its edition (第N次・第N期) and stage (素案, 骨子案, 案, 概要版), a period in 令和 or Gregorian
fiscal years, 基本理念/めざす姿, 基本目標 N, and below them numbering ladders (1. / (1) / ① / ア / ・ ○ ●
◎ bullets, 【…】 and 《…》 headings, 第N章 / 第N節), tables with 取組・内容・担当課 columns, role lists by
actor and tier (自助・互助・共助・公助). Rules for those conventions run offline, explain every decision
they make, and can be checked line by line on the review page.

How the tree is found:
- Each line is cleaned (list dashes and HTML tags from the text extraction removed) and split into
  cells at tabs; each cell into items at numbering markers (a table cell often lists "(1) … (2) …").
- A ladder of numbering styles gives the nesting: a style seen before closes everything opened since
  it (the next sibling), a new style opens a level below the item before.
- Headings that name a level (【具体的取組】, 《施策の方向性》, 基本理念, 取組項目 …) announce the class and
  the document's own name for the items that follow; 基本目標 N always starts a goal under the plan.
- Document sections (現状と課題, 計画の期間, 策定の経過 …) are outside the plan: their items are not elements.
- The same element printed twice (the 施策の体系 table and the chapter that details it) is one element:
  same parent, class and number (or label).
"""

import re
import unicodedata
from dataclasses import dataclass, field

from server.importer.reading import Line

# Level names, most specific first (施策の方向性 before 方向性, 主な具体的取組 before 取組).
LEVELS = (
    ("基本理念", "BasicPhilosophy"),
    ("めざす姿", "BasicPhilosophy"),
    ("目指す姿", "BasicPhilosophy"),
    ("将来像", "BasicPhilosophy"),
    ("基本目標", "BasicGoal"),
    ("基本的な視点", "Perspective"),
    ("重点的な取組", "PriorityInitiative"),
    ("重点的取組", "PriorityInitiative"),
    ("重点施策", "PriorityInitiative"),
    ("重点取組", "PriorityInitiative"),
    ("取組み・方向性", "Direction"),
    ("取組・方向性", "Direction"),
    ("施策の方向性", "Policy"),
    ("基本施策", "Policy"),
    ("行動計画", "Policy"),
    ("取組項目", "Policy"),
    ("施策の柱", "Policy"),
    ("施策の方向", "Direction"),
    ("方向性", "Direction"),
    ("役割分担", "Role"),
    ("役割・取組", "Role"),
    ("具体的な取組", "Measure"),
    ("具体的取組", "Measure"),
    ("主な取組", "Measure"),
    ("取組", "Measure"),
    ("事業名", "Measure"),
    ("施策の内容", "Measure"),
    ("事業内容", "Measure"),
    ("施策", "Direction"),
)
DEFAULT_LEVEL_LABEL = {
    "BasicPhilosophy": "基本理念",
    "BasicGoal": "基本目標",
    "Perspective": "基本的な視点",
    "PriorityInitiative": "重点的な取組",
    "Policy": "基本施策",
    "Direction": "施策の方向",
    "MeasureGroup": "取組の分類",
    "Measure": "具体的取組",
    "Role": "役割分担",
}
# Below a goal or priority, without an announced level: depth 1, 2, 3+.
LADDER = {
    "BasicGoal": ("Policy", "Direction", "Measure"),
    "PriorityInitiative": ("Direction", "Measure", "Measure"),
    "Policy": ("Direction", "Measure", "Measure"),
}
# Titles of document sections that are about the plan, not in it.
OUTSIDE = (
    "現状",
    "課題",
    "策定",
    "期間",
    "趣旨",
    "位置付け",
    "位置づけ",
    "経過",
    "推進体制",
    "進行管理",
    "用語",
    "概要",
    "評価",
    "財源",
    "動向",
    "状況",
    "推移",
    "結果",
    "調査",
    "設定",
    "周知",
    "事例",
    "問合せ",
    "問い合わせ",
    "解説",
    "記載",
    "とは",
    "考え方",
    "コラム",
    "資料",
    "スケジュール",
)
INSIDE = ("体系", "施策の展開", "施策展開", "取組の展開", "基本的な考え方と施策")

# Plans a document can embody, by the name it prints; the class and the provision the law bases it on.
EMBODIED = (
    ("gpp", "GuardianshipPromotionPlan", re.compile(r"成年後見制度(の)?利用(の)?促進[^\s、。]{0,6}計画")),
    ("rpp", "RecidivismPreventionPlan", re.compile(r"再犯(の)?防止[^\s、。]{0,4}計画")),
    ("msp", "MultilayeredSupportPlan", re.compile(r"重層的支援体制整備事業[^\s、。]{0,2}計画")),
    ("cwap", "CommunityWelfareActivityPlan", re.compile(r"地域福祉活動計画")),
)
TITLE_END = re.compile(r"(計画|プラン)([(（【][^)）】]*[)）】])*$")  # a title line, not "計画の期間"
TOGETHER = re.compile(r"内包|一体的に(策定|つく|作成|推進|定め)|一体として|兼ね|包含|として位置[付づ]け")

DRAFT_STATUS = (("骨子", "outline-draft"), ("素案", "preliminary-draft"), ("案", "draft"))
SUMMARY = re.compile(r"概要版|の概要|ダイジェスト")

FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ"
KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
ERA_BASE = {"令和": 2018, "平成": 1988, "R": 2018, "Ｒ": 2018, "H": 1988}

# Numbering styles. Katakana items need a space after them (アウトリーチ is a word, ア 安全 an item);
# 工・才・力 are the kanji an OCR pass reads for エ・オ・カ.
KATAKANA = "アイウエオカキクケコサシスセソタチツテト工才力"
MARKERS = (
    ("chapter", re.compile(r"^第([0-9一二三四五六七八九十]+)章\s*(.*)$")),
    ("section", re.compile(r"^第([0-9一二三四五六七八九十]+)節\s*(.*)$")),
    ("goal", re.compile(r"^基本目標\s*([0-9]+|[一二三四五六七八九十]+|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])\s*[:：．.、]?\s*(.*)$")),
    # "施策1　交流の場づくり", "重点施策２ …": a level named with its number, as 基本目標 N is.
    (
        "level",
        re.compile(
            r"^((?:基本|重点)?施策|重点取組|取組|行動計画|方針)\s*([0-9]+|[一二三四五六七八九十]+|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])(?:[\s:：．.、]+|$)(.+)$"
        ),
    ),
    ("paren", re.compile(r"^[(（]([0-9]+)[)）]\s*(.+)$")),
    ("circled", re.compile(r"^([①-⑳])\s*(.+)$")),
    ("dot", re.compile(r"^([0-9]+)[.．](?![0-9])\s*(.+)$")),
    ("num", re.compile(r"^([0-9]+)\s+(\D.*)$")),
    ("kana", re.compile(rf"^([{KATAKANA}])[\s.．、]\s*(.+)$")),
    ("bullet", re.compile(r"^([○●◎◆◇■□・•▶▷★☆])\s*(.+)$")),
)
INLINE_SPLIT = re.compile(r"\s+(?=[①-⑳○●◎◆・•]|[(（][0-9]+[)）]|[0-9]+[.．](?![0-9]))")
BRACKET = re.compile(r"^[【《〈](.+?)[】》〉]\s*(.*)$")
QUOTED = re.compile(r"[「『]([^」』]+)[」』]")
ACTOR_HEADING = re.compile(r"^(.{1,30}?)(の取組み?|の役割|ができること|の取り組み)\s*(【(.+?)】)?$")
TIERS = (("自助", "self-help"), ("互助", "mutual-help"), ("共助", "social-solidarity"), ("公助", "public-help"))
ACTOR_WORDS = ("住民", "市民", "町民", "村民", "地域", "社協", "社会福祉協議会", "行政", "企業", "団体", "事業者")
DEPARTMENT_COLUMNS = ("担当課", "担当部署", "所管課", "担当", "実施主体")
DESCRIPTION_COLUMNS = ("内容", "概要", "説明", "取組内容")
INDICATOR_COLUMNS = ("成果指標", "評価指標", "指標")
TAG = re.compile(r"<[^>]+>")
GLOSS = re.compile(r"[\s\u3000]+[（(]([^（）()]+)[)）]\s*$")


def norm(text: str) -> str:
    """The form labels are compared in: NFKC, without white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@dataclass
class Element:
    cls: str
    label: str
    start: int
    page: int | None
    number: str | None = None
    level_label: str | None = None
    parent: "Element | None" = None
    end: int = 0
    description: str = ""
    actors: list = field(default_factory=list)  # ("municipality"|"council"|"residents"|"body"|"department", label)
    tiers: list = field(default_factory=list)
    part_of: list = field(default_factory=list)  # keys of embodied plans (gpp, rpp …)
    notes: list = field(default_factory=list)
    children: list = field(default_factory=list)
    style: str = ""
    announced_item: bool = False

    def __post_init__(self):
        self.end = self.end or self.start


@dataclass
class Indicator:
    label: str
    line: int
    page: int | None
    group: str = ""
    target: str = ""
    actual: str = ""


@dataclass
class Embodied:
    key: str
    cls: str
    label: str
    line: int
    page: int | None
    article: str = ""  # as the text cites it: "14", "106_5"
    paragraph: str = ""


@dataclass
class Outline:
    lines: list
    title: str = ""
    title_line: int = 0
    title_lines: list = field(default_factory=list)
    edition: int | None = None
    edition_label: str = ""
    statuses: list = field(default_factory=list)
    period: tuple | None = None  # (start FY, end FY, label, line)
    embodied: list = field(default_factory=list)
    elements: list = field(default_factory=list)  # in printed order
    indicators: list = field(default_factory=list)
    used: set = field(default_factory=set)
    decisions: list = field(default_factory=list)  # (line, message): low-confidence calls for the reviewer

    def roots(self):
        return [e for e in self.elements if e.parent is None]


def level_class(name: str) -> str | None:
    name = norm(name)
    for word, cls in LEVELS:
        if word in name:
            return cls
    return None


def clean(text: str) -> str:
    text = TAG.sub(" ", text)
    text = text.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = text.strip()
    while text[:2] in ("- ", "-\t") or text[:2] == "* ":
        text = text[2:].strip()
    return text


def _number_value(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if token in ROMAN:
        return ROMAN.index(token) + 1
    if token in KANJI_DIGITS:
        return KANJI_DIGITS[token]
    return None


def classify(text: str):
    """(style, number, rest) of an item, or (None, None, text) for plain text."""
    # Full-width digits and brackets are matched as ASCII; the translation is one character for one, so
    # the label is cut from the text as printed.
    ascii_text = text.translate(FULLWIDTH)
    for style, pattern in MARKERS:
        m = pattern.match(ascii_text)
        if m and style == "level":
            name, value = m.group(1), _number_value(m.group(2)) or m.group(2)
            return f"level:{name}", f"{name}{value}", text[m.start(3) :].strip()
        if m:
            number, rest = m.group(1), text[m.start(2) :].strip()
            if style == "bullet":
                return f"bullet{number}", number, rest
            if style == "kana":
                number = {"工": "エ", "才": "オ", "力": "カ"}.get(number, number)
            return style, number, rest
    return None, None, text


def split_items(cell: str) -> list[str]:
    parts = [p.strip() for p in INLINE_SPLIT.split(cell) if p.strip()]
    return parts or ([cell] if cell else [])


def is_sentence(text: str) -> bool:
    return text.endswith(("。", "です", "ます")) or len(norm(text)) > 70


class Parser:
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

    # ---- entry
    def parse(self) -> Outline:
        self._document_facts()
        for line in self.out.lines:
            if not line.content:
                continue  # page furniture, or text already held by an earlier line (server.importer.document)
            text = clean(line.text)
            if not text:
                self.columns = self.actor_columns = None  # a blank line ends a table
                continue
            raw = line.cells if line.cells is not None else line.text.split("\t")
            cells = [clean(c.replace("\n", " ")) for c in raw]
            if len([c for c in cells if c]) > 1 or (cells[0] == "" and len(cells) > 1 and self.columns):
                self._row(line, cells)  # leading tabs are empty cells of a table row
            else:
                self.columns = None
                self.actor_columns = None
                self._line(line, text, dashed=_dashed(line.text))
        return self.out

    # ---- facts about the whole document
    def _document_facts(self):
        out = self.out
        lines = [ln for ln in out.lines[:150] if clean(ln.text).strip("*")]
        best = None
        for i, line in enumerate(lines):
            text = clean(line.text).strip("*")
            if not re.search(r"計画|プラン", text) or len(text) > 120 or is_sentence(text) or BRACKET.fullmatch(text):
                continue
            if classify(text)[0] or "\t" in line.text:
                continue  # a numbered heading or a table row names a part, not the document
            score = 2 * ("地域福祉" in text) + bool(re.search(r"[^\s]{1,5}[市町村]", text)) - i / 1000
            if best is None or score > best[0]:
                best = (score, i)
            if score >= 3:
                break
        if best is not None:
            i = best[1]
            parts, numbers = [clean(lines[i].text).strip("*")], [lines[i].number]
            before = clean(lines[i - 1].text).strip("*") if i else ""
            if (
                parts[0][:1] in "(（"
                and re.search(r"計画|プラン", before)
                and lines[i].number - lines[i - 1].number <= 2
            ):
                parts.insert(0, before)  # 「…推進計画」「(第5期 …地域福祉計画)の概要」 printed on two lines
                numbers.insert(0, lines[i - 1].number)
            for nxt in lines[i + 1 : i + 4]:
                text = clean(nxt.text).strip("*")
                if nxt.number - numbers[-1] > 2 or not (re.match(r"^[(（【]", text) or TITLE_END.search(text)):
                    break
                if is_sentence(text) or "\t" in nxt.text:
                    break
                parts.append(text)
                numbers.append(nxt.number)
            out.title = re.sub(r"\s*について\s*", " ", "".join(p if p[:1] in "(（【" else p for p in parts)).strip()
            out.title_line = numbers[0]
            out.title_lines = numbers
            out.used.update(numbers)
        title = norm(out.title)
        m = re.search(r"第([0-9]+|[一二三四五六七八九十]+)(次|期)", title)
        if m:
            out.edition = _number_value(m.group(1))
            out.edition_label = m.group(0)
        for word, status in DRAFT_STATUS:
            if word in title and status not in out.statuses:
                out.statuses.append(status)
                if status != "draft":
                    break
        if SUMMARY.search(title):
            out.statuses.append("summary")
        self._period()
        self._embodied()

    def _period(self):
        era = r"(令和|平成|R|Ｒ|H)\s*([0-9０-９]+|元)\s*(?:年度)?"
        span = re.compile(
            era + r"\s*(?:から|～|~|〜|－|-|–|—|ー)\s*" + era + r"\s*(?:年度)?(?:まで)?(?:の([0-9０-９]+)年間)?"
        )
        greg = re.compile(r"((?:19|20)[0-9]{2})\s*年度\s*(?:から|～|~|〜|－|-|–)\s*((?:19|20)[0-9]{2})\s*年度")
        best = None
        for line in self.out.lines:
            text = unicodedata.normalize("NFKC", clean(line.text))
            for m in span.finditer(text):
                start = ERA_BASE.get(m.group(1), 2018) + (1 if m.group(2) == "元" else int(m.group(2)))
                end = ERA_BASE.get(m.group(3), 2018) + (1 if m.group(4) == "元" else int(m.group(4)))
                if end < start:
                    continue
                score = 2 if "期間" in text or "年間" in m.group(0) else 1
                cand = (score, start, end, m.group(0).strip(), line.number)
                if best is None or cand[0] > best[0]:
                    best = cand
            for m in greg.finditer(text):
                start, end = int(m.group(1)), int(m.group(2))
                if end >= start and best is None:
                    best = (1, start, end, m.group(0), line.number)
        if best:
            self.out.period = best[1:]
            self.out.used.add(best[4])

    def _embodied(self):
        """Statutory plans the title names, or that lines saying 内包・一体的に策定・位置付け name (on that line
        or in the list right under it); plans only mentioned elsewhere are other plans."""
        out, found = self.out, {}
        window = 0
        for line in out.lines:
            text = clean(line.text)
            together = bool(TOGETHER.search(text)) or line.number in out.title_lines
            if together:
                window = 8
            elif not text:
                pass
            elif window:
                window -= 1
            if not (together or window) or not text or "\t" in line.text:
                continue
            quoted_statute = ARTICLE.match(unicodedata.normalize("NFKC", text))
            if window and not together and not re.match(r"^[◆◇・○●■□▶*（(【]", text) and is_sentence(text):
                if quoted_statute:
                    continue  # the article quoted under a plan's name does not end the list
                window = 0
                continue
            for key, cls, pattern in EMBODIED:
                m = pattern.search(text)
                if m and key not in found:
                    if key == "cwap" and "社会福祉協議会が策定" in text and line.number not in out.title_lines:
                        continue  # the council's own plan, made alongside, is not in this document
                    found[key] = Embodied(key, cls, m.group(0), line.number, line.page)
                    # The article is cited on the line, or quoted right under it (第十四条 市町村は、…).
                    following = out.lines[line.number].text if line.number < len(out.lines) else ""
                    found[key].article, found[key].paragraph = (
                        _article(text) if _article(text)[0] else _article(following[:12])
                    )
                    out.used.add(line.number)
        out.embodied = list(found.values())

    # ---- lines
    def _line(self, line: Line, text: str, dashed: bool = False):
        m = BRACKET.match(text)
        if m:
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
        if style == "goal":
            self._goal(line, number, rest)
            return
        if style in ("chapter", "section"):
            self._section(line, rest, reset=True)
            return
        if style is None and dashed and self.inside and self.mode in ("list", "roles"):
            self._element(line, text, None, "dash")
            return
        if style is None:
            self._plain(line, text)
            return
        if style in ("num", "paren", "bullet■", "bullet□") and self._is_section_heading(rest, dashed, style):
            self._section(line, rest, reset=style in ("num", "bullet■", "bullet□"))
            return
        if self.mode == "prose" and self._in_goal() and style in ("dot", "paren", "circled", "kana"):
            self.mode = None  # a numbered heading ends a 【現状と課題】 block
        items = split_items(text)
        for item in items:
            self._item(line, item)

    def _is_section_heading(self, title: str, dashed: bool = False, style: str = "") -> bool:
        """A numbered heading that names a document section or announces a level rather than being an element."""
        if self.mode == "list" and self.announced and dashed:
            return False
        t = norm(title)
        if style == "num" and not dashed and (not self._in_goal() or level_class(t) or any(w in t for w in INSIDE)):
            return True  # "1 計画策定の趣旨": a numbered section of the document
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
        if cls or any(w in t for w in INSIDE):
            self.inside = True
            if cls and len(t) <= 14:
                self._announce(line, t, cls)
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
        self.actor = [_actor_of(who)]
        self.tiers = [v for w, v in TIERS if w in tier_text] or ([v for w, v in TIERS if w in who])
        self.mode = "roles"
        self.announced = "役割分担"
        self.columns = None

    def _goal(self, line: Line, number: str, rest: str):
        self.inside, self.mode, self.announced, self.columns, self.part_of = True, None, None, None, []
        label = rest
        q = QUOTED.search(rest)
        subtitle = re.sub(r"[～〜~].*?[～〜~]", "", rest).strip()
        if q:
            label = q.group(1)
        elif subtitle != rest:
            label = subtitle
        num = f"基本目標{_number_value(number) or number}"
        goal = self._merge(None, "BasicGoal", num, label)
        if goal is None:
            goal = self._new(line, "BasicGoal", label, num, "基本目標", None, "goal")
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
        if not self.inside or self.mode in ("prose", "philosophy"):
            if self.mode == "philosophy" and style is None:
                self._philosophy_text(line, item)
            return
        label = rest if style else item
        if not norm(label):
            return
        if is_sentence(label) and not (self.mode in ("list", "roles") and self.announced):
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
        if parent == "ladder":
            parent = self._place(style)
        if cls is None:
            cls, level_label = self._class_for(style, parent, level_label)
        number_text = _number_text(style, number)
        el = self._merge(parent, cls, number_text, label)
        if el is None:
            el = self._new(line, cls, label, number_text, level_label or DEFAULT_LEVEL_LABEL.get(cls), parent, style)
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
                continue
            if number and el.number == number and (cls == "BasicGoal" or _similar(norm(el.label), key)):
                return el
            if not number and norm(el.label) == key:
                return el
        return None

    def _new(self, line, cls, label, number, level_label, parent, style) -> Element:
        gloss = GLOSS.search(label)
        if gloss:  # "…の体制づくり （重層的支援体制整備事業）": a printed gloss, kept as the description
            label = label[: gloss.start()]
        el = Element(
            cls=cls,
            label=_unquote(label),
            start=line.number,
            page=line.page,
            number=number,
            level_label=level_label,
            parent=parent,
            style=style,
        )
        el.part_of = list(self.part_of)
        if gloss:
            el.description = gloss.group(1)
        if cls in ("Role", "Measure", "MeasureGroup") and self.actor:
            el.actors = list(self.actor)
        if cls in ("Role", "Measure") and self.tiers:
            el.tiers = list(self.tiers)
        m = re.search(r"[（(]([^（()）]*計画)[)）]", label)
        if m:
            for key, embodied_cls, pattern in EMBODIED:
                if pattern.search(m.group(1)):
                    el.part_of = sorted(set(el.part_of) | {key})
                    if key not in {e.key for e in self.out.embodied}:
                        self.out.embodied.append(Embodied(key, embodied_cls, m.group(1), line.number, line.page))
                        self.out.decisions.append(
                            (line.number, f"「{m.group(1)}」を要素名の括弧書きから内包計画とした")
                        )
        if self.pending_decision:
            self.out.decisions.append((line.number, f"「{el.label[:30]}」: {self.pending_decision}"))
            self.pending_decision = None
        if parent is not None:
            parent.children.append(el)
        self.out.elements.append(el)
        self.out.used.add(line.number)
        if cls == "BasicPhilosophy":
            self.philosophy = el
        return el

    # ---- tables
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
        if known and all(_is_column_name(c) for c in filled):
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
            self._indicator_row(line, cells)  # indicators are read wherever the document prints them
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
            actors = [_actor_of(w) for w in re.split(r"[、,]", who) if w][:2] or []
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

    def _indicator_row(self, line: Line, cells: list[str]):
        cols = self.columns
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
            self.out.indicators.append(ind)
            self.out.used.add(line.number)


def _is_column_name(text: str) -> bool:
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


ARTICLE = re.compile(
    r"第\s*([0-9]+|[一二三四五六七八九十百]+)\s*条(?:の\s*([0-9]+|[一二三四五六七八九十]+))?(?:\s*第\s*([0-9]+|[一二三四五六七八九十]+)\s*項)?"
)


def _kanji_number(text: str) -> int | None:
    """一百六 / 百六 / 十四 / 14 as a number (article numbers as statutes and plans print them)."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in KANJI_DIGITS and ch != "十":
            current = KANJI_DIGITS[ch]
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            return None
    return total + current


def _article(text: str) -> tuple[str, str]:
    """The article (and paragraph) a line cites for a plan: ("14", "1") for 「第14条第1項」."""
    m = ARTICLE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return "", ""
    article = str(_kanji_number(m.group(1)) or "")
    if m.group(2):
        article += f"_{_kanji_number(m.group(2))}"
    return article, str(_kanji_number(m.group(3)) or "") if m.group(3) else ""


def _unquote(label: str) -> str:
    label = label.strip()
    m = QUOTED.fullmatch(label)
    return m.group(1) if m else label


def _descends(node, ancestor) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def _dashed(raw: str) -> bool:
    """A list item of the text extraction ("- …"), which carries no numbering of its own."""
    return raw.lstrip().startswith(("- ", "* "))


def _actor_of(who: str) -> tuple:
    w = norm(who)
    if "社会福祉協議会" in w or "社協" in w:
        return ("council", "社会福祉協議会")
    if w in ("行政", "市", "町", "村") or w.startswith("行政") or w.endswith("役所"):
        return ("municipality", w)
    if any(x in w for x in ("市民", "住民", "町民", "村民", "個人", "家族")):
        return ("residents", w)
    return ("body", w)


def _number_text(style: str, number: str | None) -> str | None:
    if number is None:
        return None
    if style == "dot":
        return f"{number}."
    if style == "paren":
        return f"({number})"
    if style.startswith("bullet"):
        return number
    return number


def _similar(a: str, b: str) -> bool:
    if a == b or a.startswith(b) or b.startswith(a):
        return True
    common = sum(1 for x, y in zip(a, b, strict=False) if x == y)
    return common >= 0.6 * min(len(a), len(b))


def parse(lines: list[Line]) -> Outline:
    return Parser(lines).parse()
