"""Report formats of a validation run: text, Markdown, JSON, Turtle (the structural SHACL report) and HTML.

Every format is made from to_dict(), so they cannot disagree. Each cell shows its verdict, the duty
and the source of the requirement (the legend says how); text and Markdown give Japanese and English
side by side, as the matrix is read by prefectural and municipal staff alike.
"""

import json
import unicodedata
from pathlib import Path

import rdflib
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib.namespace import RDF, SH

from server.compliance.evaluate import (
    ABSENT,
    INFO,
    NOT_APPLICABLE,
    PARTIAL,
    PRESENT,
    UNDETERMINABLE,
    VIOLATION,
    WARNING,
    Matrix,
)
from server.compliance.requirements import local_name

FORMATS = ("text", "md", "json", "ttl", "cccev", "html")
VERDICT = {
    PRESENT: {"symbol": "○", "ja": "記載あり", "en": "present"},
    PARTIAL: {"symbol": "△", "ja": "一部記載", "en": "partial"},
    ABSENT: {"symbol": "×", "ja": "記載なし", "en": "absent"},
    UNDETERMINABLE: {
        "symbol": "？",
        "ja": "この文書からは判断できない",
        "en": "cannot be determined from this document",
    },
    NOT_APPLICABLE: {"symbol": "－", "ja": "対象外", "en": "not applicable"},
}
SEVERITY = {
    VIOLATION: {"symbol": "!", "ja": "違反", "en": "violation"},
    WARNING: {"symbol": "*", "ja": "要確認", "en": "warning"},
    INFO: {"symbol": "", "ja": "参考", "en": "info"},
}
TEMPLATES = Path(__file__).parent / "templates"


def _code(code) -> dict:
    return {"code": code.code, "symbol": code.symbol, "label": code.label}


def legend(requirements) -> dict:
    """What the symbols of a cell mean: verdict, then duty, then source, then a severity mark."""
    duties, sources = {}, {}
    for r in requirements:
        duties[r.duty.code] = _code(r.duty)
        sources[r.source.code] = _code(r.source)
    return {"verdicts": VERDICT, "severities": SEVERITY, "duties": duties, "sources": sources}


def cell_id(row, req_key: str) -> str:
    """The HTML anchor of a cell's details: its municipality (or document) and requirement."""
    return f"cell-{row.code or local_name(row.document)}-{req_key}"


def _evidence(row, ev) -> dict:
    """One piece of evidence, with where it stands named as a reader finds it: the plan document and its
    line (the extracted texts keep no page breaks, so the page is not known)."""
    out = ev.as_dict()
    lines = ev.start_line if ev.start_line == ev.end_line else f"{ev.start_line}-{ev.end_line}"
    out["document_label"] = row.label
    out["where_ja"] = (
        f"「{row.label}」{lines}行（頁は不明：抽出テキストに頁の区切りがない）"
        if ev.source_file and ev.start_line
        else ""
    )
    out["where_en"] = (
        f"“{row.label}”, line {lines} (page unknown: the text keeps no page breaks)"
        if ev.source_file and ev.start_line
        else ""
    )
    return out


def cell_dict(row, cell) -> dict:
    """One object of the JSON contract ({"cells": [...]})."""
    req = cell.requirement
    undetermined = cell.verdict == "undeterminable" and cell.confirm_ja
    return {
        "municipality": row.code,
        "document": row.document,
        "requirement": req.key,
        "provision": req.provision.iri,
        "provision_label": req.provision.label,
        "egov_law_id": req.provision.law_id,
        "egov_url": req.provision.url,
        "source": req.source.code,
        "basis": req.basis or None,
        "addressee": req.addressee.code,
        "duty": req.duty.code,
        "verdict": cell.verdict,
        "severity": cell.severity,
        "reason_ja": cell.reason_ja,
        "reason_en": cell.reason_en,
        "evidence": [_evidence(row, e) for e in cell.evidence],
        "missing": list(cell.missing),
        # An undeterminable cell's fix is a point to confirm in the full plan, not content to add.
        "fix_ja": cell.confirm_ja
        if undetermined
        else req.fix.get("ja", "")
        if cell.verdict in (PARTIAL, ABSENT)
        else "",
        "fix_en": cell.confirm_en
        if undetermined
        else req.fix.get("en", "")
        if cell.verdict in (PARTIAL, ABSENT)
        else "",
        "unsupported_tags": list(cell.unsupported_tags),
        "plans": [{"iri": iri, "label": label} for iri, label in cell.plans],
        "completeness": row.completeness.get("iri"),
        "findings": list(cell.findings),
        "auto_verdict": cell.auto_verdict or cell.verdict,
        "auto_severity": cell.auto_severity or cell.severity,
        "reviewer": cell.judgement,
        "law_version": cell.version_note,
        "anchor": cell_id(row, req.key),
    }


def to_dict(matrix: Matrix, fail_on: str = "violation") -> dict:
    """The machine-readable report (the JSON format and the model of the HTML page)."""
    return {
        "source": matrix.source,
        "exitCode": matrix.exit_code(fail_on),
        "conforms": matrix.exit_code("violation") == 0,
        "legend": legend(matrix.requirements),
        "requirements": [
            {
                "id": r.key,
                "label": r.label,
                "shortLabel": r.short,
                "provision": r.provision.iri,
                "provision_label": r.provision.label,
                "egov_law_id": r.provision.law_id,
                "egov_url": r.provision.url,
                "source": r.source.code,
                "basis": r.basis or None,
                "addressee": r.addressee.code,
                "duty": r.duty.code,
                "appliesTo": [str(c) for c in r.applies_to],
                "items": [{"iri": str(i.iri), "label": i.label, "signals": list(i.signals)} for i in r.items],
                "checked": list(r.checked),
                "checkedNote": r.checked_note or None,
                "provision_duty": r.provision.duty_text or {},
                "provision_sources": list(r.provision.sources),
                "in_force_since": r.provision.in_force_since,
                "former_article": r.provision.former_article,
                "earlier_wording": r.provision.earlier_wording or {},
                "law_version": r.provision.version or {},
                "unconfirmed": r.provision.unconfirmed or {},
            }
            for r in matrix.requirements
        ],
        "documents": [
            {
                "document": row.document,
                "label": row.label,
                "municipality": row.code,
                "municipality_label": row.municipality_label,
                "completeness": row.completeness,
                "plans": [{"iri": iri, "label": label, "class": kind} for iri, label, kind in row.plans],
                "structure": [f.as_dict() for f in row.structure],
                "stage": row.stage,
                "adoption": row.adoption,
                "report": f"compliance/report/{row.code}" if row.code else None,
            }
            for row in matrix.rows
        ],
        "cells": [cell_dict(row, row.cells[r.key]) for row in matrix.rows for r in matrix.requirements],
        "unattributed": [f.as_dict() for f in matrix.unattributed],
        "judgements": [j.as_dict() | {"document": j.document, "requirement": j.requirement} for j in matrix.judgements],
    }


def render(matrix: Matrix, fmt: str, fail_on: str = "violation") -> str:
    if fmt == "ttl":
        return report_turtle(matrix)
    if fmt == "cccev":
        from server.compliance.publication import cccev_graph

        return cccev_graph(matrix).serialize(format="turtle")
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


# --- Turtle: the structural SHACL report, restricted to the rows shown ---


def report_turtle(matrix: Matrix) -> str:
    shown = {(f.focus, f.shape) for row in matrix.rows for f in row.structure} | {
        (f.focus, f.shape) for f in matrix.unattributed
    }
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


def mark(cell: dict, data: dict) -> str:
    """A cell in three or four characters: verdict, duty, source, then ! for a violation or * for a warning."""
    lg = data["legend"]
    return (
        VERDICT[cell["verdict"]]["symbol"]
        + lg["duties"][cell["duty"]]["symbol"]
        + lg["sources"][cell["source"]]["symbol"]
        + SEVERITY[cell["severity"]]["symbol"]
    )


def _both(texts: dict | None) -> str:
    texts = texts or {}
    ja, en = texts.get("ja", ""), texts.get("en", "")
    return f"{ja} / {en}" if ja and en else ja or en or texts.get("", "")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _doc_name(doc: dict) -> str:
    label = doc["municipality_label"]
    return " ".join(x for x in (doc["municipality"], label.get("ja"), label.get("en")) if x) or doc["label"]


def legend_lines(data: dict) -> list:
    lg = data["legend"]
    out = ["凡例 Legend — 各セルは「判定・義務・出典・重大度」の順 / each cell reads verdict, duty, source, severity:"]
    out.append("  判定 Verdict: " + "   ".join(f"{v['symbol']} {v['ja']} {v['en']}" for v in VERDICT.values()))
    out.append("  義務 Duty: " + "   ".join(f"{d['symbol']} {_both(d['label'])}" for d in lg["duties"].values()))
    out.append("  出典 Source: " + "   ".join(f"{s['symbol']} {_both(s['label'])}" for s in lg["sources"].values()))
    out.append(
        "  重大度 Severity: ! 違反 violation（義務の計画記載事項が完全な文書にない）"
        "   * 要確認 warning   （なし none）参考 info"
    )
    return out


def _evidence_line(ev: dict) -> str:
    where = f" {ev['where_ja']}" if ev.get("where_ja") else ""
    part = " (一部 partial)" if ev["partial"] else ""
    return f"{ev['label']} [{ev['class']}]{where} 「{ev['quote']}」{part}"


def _details(cell: dict, req: dict) -> list:
    v = VERDICT[cell["verdict"]]
    lines = [
        f"{v['symbol']} {v['ja']} {v['en']} — {_both(req['label'])}",
        f"    条項 Provision: {_both(req['provision_label'])} {req['egov_url'] or ''}".rstrip(),
        f"    出典・名宛・義務 Source, addressee, duty: {req['source']}, {req['addressee']}, {req['duty']}; "
        f"重大度 severity: {cell['severity']}",
        f"    理由 Reason: {cell['reason_ja']} / {cell['reason_en']}",
    ]
    if cell.get("reviewer"):
        r, a = cell["reviewer"], VERDICT[cell["auto_verdict"]]
        lines.append(
            f"    レビュー Reviewer: {r['reviewer']} {r['date']} — "
            f"自動判定 automatic: {a['symbol']} {a['ja']} {a['en']}"
        )
    lines += [f"    根拠 Evidence: {_evidence_line(ev)}" for ev in cell["evidence"]]
    lines += [f"    要確認 Finding: {f['ja']} / {f['en']}" for f in cell.get("findings", [])]
    version = cell.get("law_version") or {}
    if version.get("ja"):
        lines.append(f"    法令の版 Law version: {version['ja']} / {version['en']}")
    if cell["missing"]:
        lines.append(f"    不足 Missing: {'、'.join(cell['missing'])}")
    if cell["fix_ja"]:
        lines.append(f"    追加すべき事項 Fix: {cell['fix_ja']} / {cell['fix_en']}")
    for t in cell["unsupported_tags"]:
        lines.append(f"    注記 Tag: {t['label']} <{t['element']}> {t['tag']} — {t['note_ja']} / {t['note']}")
    return lines


def render_text(data: dict) -> str:
    reqs = data["requirements"]
    out = [
        "コンプライアンス・マトリクス / Compliance matrix",
        f"出典 Source: {data['source']}",
        *legend_lines(data),
        "",
    ]
    out.append("列 Columns:")
    for n, r in enumerate(reqs, 1):
        out.append(f"  [{n}] {_both(r['shortLabel'])} — {_both(r['label'])}")
    out.append("")
    by_doc = _cells_by_doc(data)
    names = [_doc_name(d) for d in data["documents"]]
    width = max([_width("市町村 Municipality")] + [_width(n) for n in names]) + 2
    out.append(_pad("市町村 Municipality", width) + " ".join(_pad(f"[{n}]", 5) for n in range(1, len(reqs) + 1)))
    for name, doc in zip(names, data["documents"], strict=True):
        cells = by_doc[doc["document"]]
        out.append(_pad(name, width) + " ".join(_pad(mark(cells[r["id"]], data), 5) for r in reqs))
    out.append("")
    for name, doc in zip(names, data["documents"], strict=True):
        out.append(f"■ {name} — {doc['label']}")
        out.append(f"  文書の完全性 Completeness: {_both(doc['completeness']['label'])}")
        for n, r in enumerate(reqs, 1):
            details = _details(by_doc[doc["document"]][r["id"]], r)
            out.append(f"  [{n}] " + details[0])
            out += ["  " + line for line in details[1:]]
        for f in doc["structure"]:
            out.append(f"  構造 Structure [{f['severity']}] {f['focusNode']}: {_both(f['message'])}")
        out.append("")
    if data["unattributed"]:
        out.append("■ どの文書にも属さない結果 / Results that belong to no document")
        out += [f"    [{f['severity']}] {f['focusNode']}: {_both(f['message'])}" for f in data["unattributed"]]
    verdict = "違反なし / no violation" if data["conforms"] else "違反あり / violations found"
    out.append(f"結果 Result: {verdict}; exit {data['exitCode']}")
    return "\n".join(out) + "\n"


def _cells_by_doc(data: dict) -> dict:
    out: dict = {}
    for cell in data["cells"]:
        out.setdefault(cell["document"], {})[cell["requirement"]] = cell
    return out


def _md(text) -> str:
    """Markdown table cells and list items: no pipes, no line breaks, no raw HTML. `<` is escaped with a
    backslash (CommonMark), not as &lt;, which a reader would see twice-escaped in the plain text."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "\\<").replace("\n", " ")


def _code_span(text) -> str:
    """Text in a Markdown code span: shown verbatim, so nothing is escaped; a backtick cannot end it early."""
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"


def render_markdown(data: dict) -> str:
    reqs = data["requirements"]
    out = ["# コンプライアンス・マトリクス / Compliance matrix", "", f"出典 Source: {_code_span(data['source'])}", ""]
    out += [f"- {_md(line.strip())}" for line in legend_lines(data)]
    out.append("")
    out.append("| 市町村 Municipality | " + " | ".join(_md(_both(r["shortLabel"])) for r in reqs) + " |")
    out.append("|---|" + "---|" * len(reqs))
    by_doc = _cells_by_doc(data)
    for doc in data["documents"]:
        cells = [_md(mark(by_doc[doc["document"]][r["id"]], data)) for r in reqs]
        out.append(f"| {_md(_doc_name(doc))} | " + " | ".join(cells) + " |")
    out.append("")
    for doc in data["documents"]:
        out.append(f"## {_md(_doc_name(doc))} — {_md(doc['label'])}")
        out.append("")
        out.append(f"文書の完全性 Completeness: {_md(_both(doc['completeness']['label']))}")
        out.append("")
        for r in reqs:
            details = _details(by_doc[doc["document"]][r["id"]], r)
            out.append(f"### {_md(details[0])}")
            out.append("")
            out += [f"- {_md(line.strip())}" for line in details[1:]]
            out.append("")
        for f in doc["structure"]:
            out.append(f"- 構造 Structure [{f['severity']}] {_code_span(f['focusNode'])}: {_md(_both(f['message']))}")
    if data["unattributed"]:
        out.append("## どの文書にも属さない結果 / Results that belong to no document")
        out += [
            f"- [{f['severity']}] {_code_span(f['focusNode'])}: {_md(_both(f['message']))}"
            for f in data["unattributed"]
        ]
        out.append("")
    return "\n".join(out)


# --- HTML ---

_env = None


def environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
        install_filters(_env)
    return _env


def install_filters(env) -> None:
    env.filters["both"] = _both
    env.globals["compliance_mark"] = mark
    env.globals["compliance_cells"] = _cells_by_doc
    env.globals["compliance_verdicts"] = VERDICT
    env.globals["compliance_severities"] = SEVERITY


def render_html(data: dict, href=None) -> str:
    """The standalone page (`validate --format html`); the web app renders the same body in its layout."""
    return environment().get_template("compliance/page.html").render(data=data, href=href or (lambda iri: iri))


# --- the report per plan (HTML with a print stylesheet, and PDF) ---


class NoSuchDocument(LookupError):
    pass


def report_document(data: dict, code: str | None = None) -> dict:
    """The one document a report is about: the municipality's, or the only one in the run."""
    docs = [d for d in data["documents"] if code is None or d["municipality"] == code]
    if len(docs) != 1:
        have = ", ".join(sorted(d["municipality"] or d["document"] for d in data["documents"]))
        raise NoSuchDocument(
            f"報告書は1つの文書について作ります：--city で市町村を選んでください（あるもの：{have}）"
            f" / a report is about one document: choose one with --city (have: {have})"
        )
    return docs[0]


def render_report(data: dict, code: str | None = None, href=None) -> str:
    """The per-plan report: document, stage and date; each requirement with verdict, duty, the quotes
    (plan, line, linked to the element's page, which shows the cited lines), the reviewer's note; the law
    versions checked."""
    doc = report_document(data, code)
    cells = _cells_by_doc(data)[doc["document"]]
    versions, seen = [], set()
    for r in data["requirements"]:
        v = r.get("law_version") or {}
        if v.get("iri") and v["iri"] not in seen:
            seen.add(v["iri"])
            versions.append(v)
    judgements = [j for j in data.get("judgements", []) if j["document"] == doc["document"]]
    return (
        environment()
        .get_template("compliance/report.html")
        .render(data=data, doc=doc, cells=cells, versions=versions, judgements=judgements, href=href or (lambda i: i))
    )


def report_pdf(html: str, base_url: str | None = None) -> bytes:
    """The report as PDF, laid out by WeasyPrint from the same HTML and its print stylesheet.

    Why WeasyPrint: a maintained HTML/CSS-to-PDF engine in Python (BSD), which honours @page and print media
    rules and shapes Japanese through Pango with the system's CJK fonts (fonts-noto-cjk); the alternatives
    either drive a browser (Chromium's print-to-PDF: a heavy process per report) or need their own layout
    code (reportlab)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()
