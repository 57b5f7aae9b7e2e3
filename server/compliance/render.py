"""Report formats of a validation run: text, Markdown, JSON, Turtle (the SHACL report) and HTML.

Every format is made from to_dict(), so they cannot disagree; text and Markdown show Japanese
and English side by side, as the matrix is read by prefectural and municipal staff alike.
"""

import json
import unicodedata
from pathlib import Path

import rdflib
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib.namespace import RDF, SH

from server.compliance.evaluate import MISSING, NOT_APPLICABLE, PARTLY, SATISFIED, Matrix

FORMATS = ("text", "md", "json", "ttl", "html")
STATUS = {
    SATISFIED: {"symbol": "○", "ja": "充足", "en": "satisfied"},
    PARTLY: {"symbol": "△", "ja": "一部充足", "en": "partly"},
    MISSING: {"symbol": "×", "ja": "未充足", "en": "missing"},
    NOT_APPLICABLE: {"symbol": "－", "ja": "対象外", "en": "not applicable"},
}
TEMPLATES = Path(__file__).parent / "templates"


def to_dict(matrix: Matrix, fail_on: str = "violation") -> dict:
    """The machine-readable report (the JSON format and the model of the HTML page)."""
    structure = next(r.key for r in matrix.requirements if r.is_structure)
    return {
        "source": matrix.source,
        "exitCode": matrix.exit_code(fail_on),
        "conforms": matrix.exit_code("violation") == 0,
        "statuses": STATUS,
        "requirements": [
            {
                "id": r.key,
                "iri": str(r.iri),
                "label": r.label,
                "shortLabel": r.short,
                "provisions": [str(p) for p in r.provisions],
                "guidelineLevel": r.guideline_level,
                "appliesTo": str(r.applies_to) if r.applies_to else None,
                "items": [
                    {
                        "id": i.key,
                        "iri": str(i.iri),
                        "label": i.label,
                        "severity": _local(i.severity),
                        "provisions": [str(p) for p in i.provisions],
                    }
                    for i in r.items
                ],
            }
            for r in matrix.requirements
        ],
        "rows": [
            {
                "document": {"iri": row.document, "label": row.label},
                "municipality": {"iri": row.municipality, "code": row.code, "label": row.municipality_label},
                "plans": [{"iri": iri, "label": label, "class": kind} for iri, label, kind in row.plans],
                "cells": {key: _cell(cell, key == structure) for key, cell in row.cells.items()},
            }
            for row in matrix.rows
        ],
        "unattributed": [f.as_dict() for f in matrix.unattributed],
    }


def _cell(cell, is_structure: bool) -> dict:
    out = {"status": cell.status}
    if is_structure:
        out["findings"] = [f.as_dict() for f in cell.findings]
        return out
    out["plans"] = [
        {
            "iri": p.plan,
            "label": p.label,
            "status": p.status,
            "items": [
                {
                    "id": r.item.key,
                    "label": r.item.label,
                    "met": r.met,
                    "severity": _local(r.item.severity),
                    "evidence": [e.as_dict() for e in r.evidence],
                    "missing": None if r.met else (r.finding.message if r.finding else r.item.message),
                }
                for r in p.items
            ],
            "partlyEvidence": [e.as_dict() for e in p.partly_evidence],
            "partlyLabel": cell.requirement.partly_label if p.partly_evidence else None,
        }
        for p in cell.plans
    ]
    return out


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1]


def render(matrix: Matrix, fmt: str, fail_on: str = "violation") -> str:
    if fmt == "ttl":
        return report_turtle(matrix)
    data = to_dict(matrix, fail_on)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return render_html(data)
    if fmt == "md":
        return render_markdown(data)
    if fmt == "text":
        return render_text(data)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


# --- Turtle: the SHACL validation report, restricted to the rows shown ---


def report_turtle(matrix: Matrix) -> str:
    shown = {(f.focus, f.shape) for f in matrix.shown_findings()}
    report = matrix.report
    out = rdflib.Graph()
    for prefix, ns in report.namespaces():
        out.bind(prefix, ns)
    out.bind("sh", SH)
    node = rdflib.BNode()
    out.add((node, RDF.type, SH.ValidationReport))
    nested = set(report.objects(None, SH.detail))
    conforms = True
    for result in set(report.subjects(RDF.type, SH.ValidationResult)) - nested:
        shape = report.value(result, SH.sourceConstraint) or report.value(result, SH.sourceShape)
        if (str(report.value(result, SH.focusNode)), str(shape)) not in shown:
            continue
        out.add((node, SH.result, result))
        _copy_tree(report, out, result)
        if report.value(result, SH.resultSeverity) == SH.Violation:
            conforms = False
    out.add((node, SH.conforms, rdflib.Literal(conforms)))
    return out.serialize(format="turtle")


def _copy_tree(src, dst, node, seen=None):
    seen = set() if seen is None else seen
    if node in seen:
        return
    seen.add(node)
    for p, o in src.predicate_objects(node):
        dst.add((node, p, o))
        if isinstance(o, rdflib.BNode):
            _copy_tree(src, dst, o, seen)


# --- text and Markdown ---


def _status(status: str) -> str:
    s = STATUS[status]
    return f"{s['symbol']} {s['ja']} {s['en']}"


def _both(texts: dict) -> str:
    ja, en = texts.get("ja", ""), texts.get("en", "")
    return f"{ja} / {en}" if ja and en else ja or en or texts.get("", "")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _row_name(row: dict) -> str:
    label = row["municipality"]["label"]
    name = " ".join(x for x in (row["municipality"]["code"], label.get("ja"), label.get("en")) if x)
    return name or row["document"]["label"]


def _evidence_line(ev: dict) -> str:
    where = ""
    if ev["source"]:
        lines = ev["startLine"] if ev["startLine"] == ev["endLine"] else f"{ev['startLine']}-{ev['endLine']}"
        where = f" {ev['source']}:{lines}"
    concepts = ", ".join(c["label"] for c in ev["concepts"])
    kind = f" [{ev['class']}]" if ev["class"] else ""
    return f"{ev['label']}{kind}{where}" + (f" ({concepts})" if concepts else "")


def _legend() -> str:
    return "凡例 Legend: " + "   ".join(_status(s) for s in STATUS)


def render_text(data: dict) -> str:
    reqs = data["requirements"]
    out = ["コンプライアンス・マトリクス / Compliance matrix", f"出典 Source: {data['source']}", _legend(), ""]
    out.append("列 Columns:")
    for n, r in enumerate(reqs, 1):
        out.append(f"  [{n}] {_both(r['shortLabel'])} — {_both(r['label'])}")
    out.append("")
    names = [_row_name(row) for row in data["rows"]]
    width = max([_width("市町村 Municipality")] + [_width(n) for n in names]) + 2
    out.append(_pad("市町村 Municipality", width) + " ".join(f"[{n}]" for n in range(1, len(reqs) + 1)))
    for name, row in zip(names, data["rows"], strict=True):
        cells = [STATUS[row["cells"][r["id"]]["status"]]["symbol"] for r in reqs]
        out.append(_pad(name, width) + " ".join(_pad(f" {c}", 3) for c in cells))
    out.append("")
    for name, row in zip(names, data["rows"], strict=True):
        out += _text_details(name, row, reqs)
    if data["unattributed"]:
        out.append("■ どの文書にも属さない結果 / Results that belong to no document")
        out += [f"    [{f['severity']}] {f['focusNode']}: {_both(f['message'])}" for f in data["unattributed"]]
    verdict = (
        "適合（sh:Violation なし） / conforms (no sh:Violation)"
        if data["conforms"]
        else "不適合（sh:Violation あり） / does not conform (sh:Violation found)"
    )
    out.append(f"結果 Result: {verdict}; exit {data['exitCode']}")
    return "\n".join(out) + "\n"


def _text_details(name: str, row: dict, reqs: list) -> list:
    out = [f"■ {name} — {row['document']['label']}"]
    for n, r in enumerate(reqs, 1):
        cell = row["cells"][r["id"]]
        out.append(f"  [{n}] {_status(cell['status'])} — {_both(r['label'])}")
        for f in cell.get("findings", []):
            out.append(f"      [{f['severity']}] {f['focusNode']}: {_both(f['message'])}")
        for plan in cell.get("plans", []):
            out.append(f"      計画 Plan: {plan['label']} ({_status(plan['status'])})")
            for item in plan["items"]:
                mark = STATUS[SATISFIED if item["met"] else MISSING]["symbol"]
                out.append(f"      {mark} {_both(item['label'])}")
                for ev in item["evidence"]:
                    out.append(f"          根拠 Evidence: {_evidence_line(ev)}")
                if not item["met"]:
                    out.append(f"          不足 Missing: {_both(item['missing'])}")
            for ev in plan["partlyEvidence"]:
                why = _both(plan["partlyLabel"])
                out.append(f"          一部充足の根拠 Partly met by ({why}): {_evidence_line(ev)}")
    out.append("")
    return out


def _md(text: str) -> str:
    """Markdown table cells and list items: no pipes, no line breaks, no raw HTML."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def render_markdown(data: dict) -> str:
    reqs = data["requirements"]
    out = [
        "# コンプライアンス・マトリクス / Compliance matrix",
        "",
        f"出典 Source: `{_md(data['source'])}`",
        "",
        _legend(),
        "",
    ]
    out.append("| 市町村 Municipality | " + " | ".join(_md(_both(r["shortLabel"])) for r in reqs) + " |")
    out.append("|---|" + "---|" * len(reqs))
    for row in data["rows"]:
        cells = [_md(_status(row["cells"][r["id"]]["status"])) for r in reqs]
        out.append(f"| {_md(_row_name(row))} | " + " | ".join(cells) + " |")
    out.append("")
    for row in data["rows"]:
        out.append(f"## {_md(_row_name(row))} — {_md(row['document']['label'])}")
        out.append("")
        for r in reqs:
            cell = row["cells"][r["id"]]
            out.append(f"### {_md(_both(r['label']))}: {_md(_status(cell['status']))}")
            out.append("")
            for f in cell.get("findings", []):
                out.append(f"- [{f['severity']}] `{_md(f['focusNode'])}`: {_md(_both(f['message']))}")
            for plan in cell.get("plans", []):
                out.append(f"- 計画 Plan: {_md(plan['label'])} ({_md(_status(plan['status']))})")
                for item in plan["items"]:
                    mark = STATUS[SATISFIED if item["met"] else MISSING]["symbol"]
                    out.append(f"  - {mark} {_md(_both(item['label']))}")
                    out += [f"    - 根拠 Evidence: {_md(_evidence_line(ev))}" for ev in item["evidence"]]
                    if not item["met"]:
                        out.append(f"    - 不足 Missing: {_md(_both(item['missing']))}")
                for ev in plan["partlyEvidence"]:
                    out.append(f"  - 一部充足の根拠 Partly met by: {_md(_evidence_line(ev))}")
            out.append("")
    if data["unattributed"]:
        out.append("## どの文書にも属さない結果 / Results that belong to no document")
        out += [
            f"- [{f['severity']}] `{_md(f['focusNode'])}`: {_md(_both(f['message']))}" for f in data["unattributed"]
        ]
        out.append("")
    return "\n".join(out)


# --- HTML ---

_env = None


def environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
        _env.filters["both"] = _both
    return _env


def render_html(data: dict) -> str:
    return environment().get_template("compliance/matrix.html").render(data=data)
