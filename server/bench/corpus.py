"""`fukushi-kg bench import --corpus DIR`: the importer on documents with expected answers (NAME.txt + NAME.json,
laid out as ../shared/corpus is; its README gives the format).

Each expected element is matched once, by its label after NFKC and removal of white space, to an imported
element in printed order. Figures per document:
- labels: recall (expected elements found) and precision (imported elements that are expected), and how
  many found elements carry the document's own level name;
- parents: expected elements with a parent whose imported twin hangs from the element of that label;
- departments, actors: expected entries whose imported twin has exactly those names;
- indicators: expected indicators found with the same name, baseline, target and unit (and, counted apart,
  attached to the element the answers name);
- period and embodied plans: right or wrong (no kind the text lists as not embodied may appear).
"""

import json
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from server.importer.numbering import norm
from server.importer.outline import parse
from server.importer.plan_facts import embodied_kinds
from server.importer.reading import read_document


@dataclass
class DocScore:
    name: str
    expected: int = 0
    imported: int = 0
    matched: int = 0
    level_right: int = 0  # matched elements whose level name is the document's
    with_parent: int = 0
    parent_right: int = 0
    departments: int = 0
    departments_right: int = 0
    actors: int = 0
    actors_right: int = 0
    indicators: int = 0
    indicators_right: int = 0
    attached: int = 0  # expected indicators that belong to an element
    attached_right: int = 0
    period_ok: bool = False
    embodied_ok: bool = False
    seconds: float = 0.0
    pdf: bool = False  # read from the PDF: shown, not counted in the overall figures (the .txt is)
    missed: list = field(default_factory=list)
    extra: list = field(default_factory=list)
    wrong: list = field(default_factory=list)


def _names(values) -> set:
    return {norm(v) for v in values}


def _same_number(a, b) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9


def score_document(txt: Path, expected: dict) -> DocScore:
    started = time.perf_counter()
    outline = parse(read_document(txt))
    s = DocScore(name=txt.stem, seconds=time.perf_counter() - started)
    # The 基本理念 is compared as `philosophy`, not among the elements.
    elements = [el for el in outline.elements if el.cls != "BasicPhilosophy"]
    s.expected, s.imported = len(expected["levels"]), len(elements)
    pool = defaultdict(list)
    for el in elements:
        pool[norm(el.label)].append(el)
    twins = {}
    for item in expected["levels"]:
        key = norm(item["label"])
        if pool.get(key):
            twins[key] = pool[key].pop(0)
            s.matched += 1
            if norm(twins[key].level_label or "") == norm(item["level"]):
                s.level_right += 1
            else:
                s.wrong.append((item["line"], "level", item["label"], twins[key].level_label, item["level"]))
        else:
            s.missed.append((item["line"], item["level"], item["label"]))
        if item["parent"] is not None:
            s.with_parent += 1
            el = twins.get(key)
            mine = el.parent.label if el is not None and el.parent is not None else None
            if el is not None and mine is not None and norm(mine) == norm(item["parent"]):
                s.parent_right += 1
            elif el is not None:
                s.wrong.append((item["line"], "parent", item["label"], mine, item["parent"]))
        elif key in twins and twins[key].parent is not None:
            s.wrong.append((item["line"], "parent", item["label"], twins[key].parent.label, None))
    s.extra = [(el.start, el.cls, el.label) for rest in pool.values() for el in rest]
    for label, names in expected.get("departments", {}).items():
        s.departments += 1
        el = twins.get(norm(label))
        if el is not None and _names(el.departments) == _names(names):
            s.departments_right += 1
        else:
            s.wrong.append((el.start if el else 0, "departments", label, el.departments if el else None, names))
    for label, names in expected.get("actors", {}).items():
        s.actors += 1
        el = twins.get(norm(label))
        if el is not None and _names(el.actor_names) == _names(names):
            s.actors_right += 1
        else:
            s.wrong.append((el.start if el else 0, "actors", label, el.actor_names if el else None, names))
    found = {norm(i.label): i for i in outline.indicators}
    for item in expected.get("indicators", []):
        s.indicators += 1
        ind = found.get(norm(item["label"]))
        ok = (
            ind is not None
            and _same_number(ind.baseline, item["baseline"])
            and _same_number(ind.target_value, item["target"])
            and unicodedata.normalize("NFKC", ind.unit) == unicodedata.normalize("NFKC", item["unit"])
        )
        s.indicators_right += ok
        if item.get("element"):
            s.attached += 1
            mine = ind.element.label if ind is not None and ind.element is not None else None
            if mine is not None and norm(mine) == norm(item["element"]):
                s.attached_right += 1
            else:
                s.wrong.append((item["line"], "indicator element", item["label"], mine, item["element"]))
        if not ok:
            got = (ind.baseline, ind.target_value, ind.unit) if ind else None
            s.wrong.append((item["line"], "indicator", item["label"], got, (item["baseline"], item["target"])))
    s.period_ok = list(outline.period[:2]) == list(expected["period"]) if outline.period else False
    kinds = embodied_kinds(outline)
    not_embodied = {n["kind"] for n in expected.get("not_embodied", [])}
    s.embodied_ok = kinds == set(expected["embodies"]) and not (kinds & not_embodied)
    if not s.period_ok:
        s.wrong.append((0, "period", "", outline.period[:2] if outline.period else None, expected["period"]))
    if not s.embodied_ok:
        s.wrong.append((0, "embodied", "", sorted(kinds), sorted(expected["embodies"])))
    return s


def run_corpus(folder) -> list[DocScore]:
    """Each NAME.txt; a NAME.pdf beside it is also read as a PDF (the reader's own layout extraction) and
    scored apart, so the overall figures are the text's and the PDF rows show what reading the PDF gives."""
    folder = Path(folder)
    scores = []
    for answers in sorted(folder.glob("*.json")):
        expected = json.loads(answers.read_text(encoding="utf-8"))
        txt, pdf = answers.with_suffix(".txt"), answers.with_suffix(".pdf")
        if txt.is_file():
            scores.append(score_document(txt, expected))
        if pdf.is_file():
            scored = score_document(pdf, expected)
            scored.name, scored.pdf = f"{pdf.stem}.pdf", True
            scores.append(scored)
    return scores


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.1%}" if b else "–"


def report_corpus(scores: list[DocScore], verbose: bool = False) -> str:
    head = (
        f"{'document':<30} {'labels R':>8} {'P':>6} {'parents':>8} {'depts':>7} {'actors':>7} {'indic.':>7}"
        f" {'period':>6} {'embodied':>8} {'ms':>5}"
    )
    rows = [head]
    for s in scores:
        rows.append(
            f"{s.name:<30} {_ratio(s.matched, s.expected):>8} {_ratio(s.matched, s.imported):>6}"
            f" {_ratio(s.parent_right, s.with_parent):>8} {_ratio(s.departments_right, s.departments):>7}"
            f" {_ratio(s.actors_right, s.actors):>7} {_ratio(s.indicators_right, s.indicators):>7}"
            f" {'ok' if s.period_ok else 'WRONG':>6} {'ok' if s.embodied_ok else 'WRONG':>8} {s.seconds * 1000:>5.0f}"
        )

    shown, scores = scores, [s for s in scores if not s.pdf]  # overall figures: the .txt documents

    def total(key):
        return sum(getattr(s, key) for s in scores)

    rows.append(
        f"{'overall (micro)':<30} {_ratio(total('matched'), total('expected')):>8}"
        f" {_ratio(total('matched'), total('imported')):>6} {_ratio(total('parent_right'), total('with_parent')):>8}"
        f" {_ratio(total('departments_right'), total('departments')):>7}"
        f" {_ratio(total('actors_right'), total('actors')):>7}"
        f" {_ratio(total('indicators_right'), total('indicators')):>7}"
        f" {sum(s.period_ok for s in scores):>4}/{len(scores)} {sum(s.embodied_ok for s in scores):>6}/{len(scores)}"
    )
    rows.append(
        f"counts: {total('matched')}/{total('expected')} labels, {total('imported')} imported, "
        f"{total('level_right')}/{total('matched')} level names, "
        f"{total('parent_right')}/{total('with_parent')} parents, "
        f"{total('departments_right')}/{total('departments')} departments, "
        f"{total('actors_right')}/{total('actors')} actors, "
        f"{total('indicators_right')}/{total('indicators')} indicators "
        f"({total('attached_right')}/{total('attached')} attached to their element)"
    )
    if verbose:
        for s in shown:
            rows.append(f"\n# {s.name}: missed {len(s.missed)}, extra {len(s.extra)}, wrong {len(s.wrong)}")
            rows += [f"  - {line} {level} {label}" for line, level, label in s.missed]
            rows += [f"  + {line} {cls} {label}" for line, cls, label in s.extra]
            rows += [
                f"  ! {line} {what} {label}: got {got!r}, expected {exp!r}" for line, what, label, got, exp in s.wrong
            ]
    return "\n".join(rows) + "\n"
