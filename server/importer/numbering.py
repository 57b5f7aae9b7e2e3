"""Numbering families and level names: how a line of a Japanese plan says where it sits in the tree.

Plans number their levels with a few shared families (第N章, 1 / 1. , (1) （１）, ①, ア, Ⅰ, 【…】, ○ ● ・
bullets, level words with a number such as 基本目標Ⅰ, 施策1, 柱1, 1-1-1). `classify` names the family of
one item; the parser finds the document's own order of families from the order they first appear.
"""

import re
import unicodedata

# Level names, most specific first (施策の方向性 before 方向性, 主な具体的取組 before 取組).
LEVELS = (
    ("基本理念", "BasicPhilosophy"),
    ("めざす姿", "BasicPhilosophy"),
    ("目指す姿", "BasicPhilosophy"),
    ("将来像", "BasicPhilosophy"),
    ("基本目標", "BasicGoal"),
    ("基本的な視点", "Perspective"),
    ("重点プロジェクト", "PriorityInitiative"),
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
    "計画の推進",
    "指標",
)
INSIDE = ("体系", "展開", "基本的な考え方と施策")

FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x2212: 0x2D, 0x2015: 0x2D}
ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ"
KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

# Numbering styles. Katakana items need a space after them (アウトリーチ is a word, ア 安全 an item);
# 工・才・力 are the kanji an OCR pass reads for エ・オ・カ.
KATAKANA = "アイウエオカキクケコサシスセソタチツテト工才力"
NUMERAL = r"[0-9]+(?:[-‐][0-9]+)*|[一二三四五六七八九十]+|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]"
# Level words printed with a number. The first group opens the tree (a goal or a priority project under the
# plan); the second names a level inside it. Bracketed forms too: 【目標1】, 【基本目標Ⅰ】, 【施策1 …】.
ROOT_WORDS = "基本目標|基本方針|重点プロジェクト|重点施策|重点取組|重点目標|目標|柱"
LEVEL_WORDS = "施策の柱|施策の方向性?|取組の方向|推進項目|基本施策|主な取組|施策|取組|行動計画|方針"
MARKERS = (
    ("chapter", re.compile(r"^第([0-9一二三四五六七八九十]+)章\s*(.*)$")),
    ("section", re.compile(r"^第([0-9一二三四五六七八九十]+)節\s*(.*)$")),
    (
        "goal",
        re.compile(rf"^[【\[]?(?P<word>{ROOT_WORDS})\s*(?P<n>{NUMERAL})(?:[】\]]\s*|[\s:：．.、]+|$)(?P<rest>.*)$"),
    ),
    # "施策1　交流の場づくり", "取組の方向1-1 …": a level named with its number, as 基本目標 N is.
    (
        "level",
        re.compile(rf"^[【\[]?(?P<word>{LEVEL_WORDS})\s*(?P<n>{NUMERAL})[】\]]?(?:[\s:：．.、]+|$)(?P<rest>.+)$"),
    ),
    ("decimal", re.compile(r"^([0-9]+(?:[-‐][0-9]+)+)[\s.．]+(\D.*)$")),
    ("paren", re.compile(r"^[(（]([0-9]+)[)）]\s*(.+)$")),
    ("circled", re.compile(r"^([①-⑳])\s*(.+)$")),
    ("dot", re.compile(r"^([0-9]+)[.．](?![0-9])\s*(.+)$")),
    ("num", re.compile(r"^([0-9]+)\s+(\D.*)$")),
    ("roman", re.compile(r"^([ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])[\s.．、]+(.+)$")),
    ("kana", re.compile(rf"^([{KATAKANA}])[\s.．、]\s*(.+)$")),
    ("bullet", re.compile(r"^([○●◎◆◇■□・•▶▷★☆])\s*(.+)$")),
)
INLINE_SPLIT = re.compile(r"\s+(?=[①-⑳○●◎◆・•]|[(（][0-9]+[)）]|[0-9]+[.．](?![0-9]))")
BRACKET = re.compile(r"^[【《〈](.+?)[】》〉]\s*(.*)$")
QUOTED = re.compile(r"[「『]([^」』]+)[」』]")
ACTOR_HEADING = re.compile(r"^(.{1,30}?)(の取組み?|の役割|ができること|の取り組み)\s*(【(.+?)】)?$")
TAG = re.compile(r"<[^>]+>")
GLOSS = re.compile(r"[\s\u3000]+[（(]([^（）()]+)[)）]\s*$")


def norm(text: str) -> str:
    """The form labels are compared in: NFKC, without white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


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


def number_value(token: str) -> int | None:
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
        if m and style in ("goal", "level"):
            name, value = m.group("word"), number_value(m.group("n")) or m.group("n")
            rest = text[m.start("rest") :].strip().rstrip("】]")
            return ("goal" if style == "goal" else f"level:{name}"), f"{name}{value}", rest
        if m and style == "decimal":
            number = m.group(1).replace("‐", "-")
            return f"decimal{number.count('-') + 1}", number, text[m.start(2) :].strip()
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


def unquote(label: str) -> str:
    label = label.strip()
    m = QUOTED.fullmatch(label)
    return m.group(1) if m else label


def is_dashed(raw: str) -> bool:
    """A list item of the text extraction ("- …"), which carries no numbering of its own."""
    return raw.lstrip().startswith(("- ", "* "))


def printed_number(style: str, number: str | None) -> str | None:
    if number is None:
        return None
    if style == "dot":
        return f"{number}."
    if style == "paren":
        return f"({number})"
    if style.startswith("bullet"):
        return number
    return number


def similar(a: str, b: str) -> bool:
    if a == b or a.startswith(b) or b.startswith(a):
        return True
    common = sum(1 for x, y in zip(a, b, strict=False) if x == y)
    return common >= 0.6 * min(len(a), len(b))


# A department's name ends in one of these (福祉課, 地域包括支援センター, 企画政策室, 保健福祉部 …).
DEPARTMENT_END = re.compile(r"(課|室|係|局|部|センター|事務所|グループ|担当)$")
TRAILING_PAREN = re.compile(r"[\s\u3000]*[（(]([^（）()]+)[)）]\s*$")


def split_names(text: str) -> list[str]:
    """「福祉課・健康づくり課」「地域福祉課、高齢介護課」 → single names."""
    return [n for n in re.split(r"[・、,，/／\s]+", text.strip()) if n]


def is_department(name: str) -> bool:
    return bool(DEPARTMENT_END.search(name)) and len(name) <= 16 and not name.endswith("計画")


def strip_departments(label: str) -> tuple[str, list[str]]:
    """(label, departments) of 「…を推進します。（福祉課・健康づくり課）」: a trailing parenthesis that names
    only departments is not part of the label."""
    m = TRAILING_PAREN.search(label)
    if not m:
        return label, []
    names = split_names(m.group(1))
    if names and all(is_department(n) for n in names):
        return label[: m.start()].rstrip(), names
    return label, []
