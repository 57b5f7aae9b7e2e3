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
    actor_names: list = field(default_factory=list)  # 実施主体 as printed (住民・地域, 社協, 町内会 …)
    lead_actors: list = field(default_factory=list)  # those marked ● (中心となって取り組む)
    label_lines: int = 1  # lines the label was printed over (a heading broken over two lines is 2)
    level_printed: bool = True  # False when the level's name was guessed from depth, not read
    confidence: float = 1.0  # how sure the reader is of the element's place; below 0.8 it is listed for review

    @property
    def departments(self) -> list:
        return [label for kind, label in self.actors if kind == "department"]

    def __post_init__(self):
        self.end = self.end or self.start


@dataclass
class Indicator:
    label: str
    line: int
    page: int | None
    group: str = ""
    target: str = ""  # as printed: "60か所（令和12年度）"
    actual: str = ""  # the baseline (現状値) as printed
    baseline: float | None = None
    target_value: float | None = None
    unit: str = ""
    baseline_fy: int | None = None
    target_fy: int | None = None
    element: "Element | None" = None  # the goal or policy the indicator belongs to, where the text says


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
    municipality_name: str = ""  # as printed in the document (三ツ川市), where it says
    prefecture_name: str = ""
    kind: str = "CommunityWelfarePlan"  # the class of the plan the document mainly is
    creators: list = field(default_factory=list)  # who made it, as printed (the 市町村, its 社協)
    warnings: list = field(default_factory=list)  # (line, message): disagreements a reviewer must settle
    noise: dict = field(default_factory=dict)  # line → kind of a line that is not content (page number …)

    def roots(self):
        return [e for e in self.elements if e.parent is None]
