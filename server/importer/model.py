"""What the reader finds in a plan: elements, indicators, embodied plans and the outline holding them."""

from dataclasses import dataclass, field


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
