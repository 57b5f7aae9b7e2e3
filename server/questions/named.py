"""A named question: one `queries/<name>.rq` file, its header and the parameters it declares.

The header says the question (`# Question:`, `# 問い:`) and declares each parameter on a line of its own:

    # Parameter: municipality ?city 市町村（全国地方公共団体コード） / municipality (local government code)

that is, the parameter's name, the variable it restricts and a label. The variable must have a
`VALUES ?var { … }` block in the query's body; what it holds as shipped is the default (UNDEF: open). A query may
repeat the block inside a sub-query or an OPTIONAL group, which an engine evaluates on its own before joining
(the restriction then holds there too); every block of the variable must hold the same default, and all of them
get the values given.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

QUESTION = "# Question:"
QUESTION_JA = "# 問い:"
_PARAMETER = re.compile(r"^#\s*Parameter:\s*([a-z][a-z-]*)\s+\?(\w+)\s*(.*)$")
# Which parameters exist, in the order forms show them. Several may restrict one variable (municipality and
# prefecture both restrict ?city).
KINDS = ("prefecture", "municipality", "target-group", "function", "fiscal-year")


class QuestionError(ValueError):
    """A query file whose parameter declarations do not match its body."""


@dataclass(frozen=True)
class Parameter:
    name: str  # one of KINDS
    variable: str  # without the '?'
    label: str = ""

    @property
    def label_ja(self) -> str:
        return self.label.split(" / ")[0].strip()

    @property
    def label_en(self) -> str:
        return self.label.split(" / ", 1)[1].strip() if " / " in self.label else ""


@dataclass
class Question:
    name: str
    title: str
    text: str
    title_ja: str = ""
    parameters: list[Parameter] = field(default_factory=list)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    @property
    def kind(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE: only SELECT answers are shown as tables."""
        from server.sparql.safety import query_form

        return query_form(self.text) or "SELECT"


def parse(name: str, text: str) -> Question:
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    title = header_value(header, QUESTION) or name
    parameters = []
    for line in header:
        match = _PARAMETER.match(line)
        if not match:
            continue
        kind, variable, label = match.groups()
        if kind not in KINDS:
            raise QuestionError(f"{name}.rq: unknown parameter {kind!r} (known: {', '.join(KINDS)})")
        parameters.append(Parameter(kind, variable, label.strip()))
    question = Question(name, title, text, header_value(header, QUESTION_JA), parameters)
    from server.questions.parameters import values_blocks  # the body's blocks, found outside comments and strings

    blocks = values_blocks(text)
    for p in parameters:
        found = blocks.get(p.variable, [])
        if not found:
            raise QuestionError(
                f"{name}.rq: parameter {p.name} restricts ?{p.variable}, which needs a "
                f"'VALUES ?{p.variable} {{ … }}' block in the query's body"
            )
        if len({text[start:end].strip() for start, end in found}) > 1:
            raise QuestionError(f"{name}.rq: the 'VALUES ?{p.variable}' blocks hold different defaults")
    return question


def load(path: Path) -> Question:
    return parse(Path(path).stem, Path(path).read_text(encoding="utf-8"))


def load_all(folder: Path) -> list[Question]:
    """Every `*.rq` directly in `folder` (not the quality checks under quality/), by name. A file that cannot
    be read is left out, so one bad file does not take the pages down; a bad declaration raises (tests)."""
    out = []
    for path in sorted(Path(folder).glob("*.rq")) if Path(folder).is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out.append(parse(path.stem, text))
    return out


def header_value(lines: list[str], marker: str) -> str:
    """What follows `marker` on the first header line that starts with it ("" when none does)."""
    for line in lines:
        if line.strip().startswith(marker):
            return line.strip()[len(marker) :].strip()
    return ""
