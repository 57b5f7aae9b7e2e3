"""The template's tables as rows: from a bundled plan (export), and to CSV or XLSX files and back.

The column names and titles come from the CSV on the Web metadata, so the template and its mapping
cannot drift apart. XLSX is written and read with openpyxl; its sheets hold the same header and rows
as the CSV files, plus a README sheet in Japanese.
"""

import csv
import json
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS

from server.cells import neutralise, xlsx_text
from server.paths import BASE_IRI, DATA_DIR, ONTOLOGY_NS
from server.spreadsheet.csvw_rdf import METADATA, TABLES, TemplateError

FK = rdflib.Namespace(ONTOLOGY_NS)
SCHEMA = rdflib.Namespace("https://schema.org/")
ID = BASE_IRI + "id/"
SHEETS = {"plans": "計画", "actors": "担い手", "elements": "要素"}
ACTOR_CLASSES = ("SocialWelfareCouncil", "Department", "ResidentActor", "CommunityBody")
PLAN_CLASSES = (
    "Plan",  # a plan whose kind its document does not state (fk:unstated rdf:type), such as 小田原市's
    "CommunityWelfarePlan",
    "CommunityWelfareActivityPlan",
    "RecidivismPreventionPlan",
    "GuardianshipPromotionPlan",
    "MultilayeredSupportPlan",
)

# The README sheet (Japanese, with one English line), one "heading<TAB>text" per line.
README = Path(__file__).with_name("README.ja.tsv")


def columns(table: str) -> list[tuple[str, str]]:
    """(name, title) of the table's real (not virtual) columns, in order."""
    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    spec = next(t for t in meta["tables"] if t["url"] == f"{table}.csv")
    return [(c["name"], c["titles"]) for c in spec["tableSchema"]["columns"] if not c.get("virtual")]


def _local(node, code: str) -> str:
    text = str(node)
    return text.removeprefix(f"{ID}{code}/")


def _ids(values) -> str:
    return ";".join(sorted(str(v).removeprefix(ID) for v in values))


def _concepts(values, scheme: str) -> str:
    return ";".join(sorted(str(v).removeprefix(f"{ID}concept/{scheme}/") for v in values))


def _one(g, s, p):
    v = g.value(s, p)
    return "" if v is None else str(v)


def bundled_graph(code: str) -> rdflib.Graph:
    from server.graph.loading import load_files

    base = DATA_DIR / "municipalities"
    files = sorted(base.glob(f"{code}-*.ttl")) + sorted(
        p for d in base.glob(f"{code}-*") if d.is_dir() for p in d.glob("*.ttl")
    )
    if not files:
        known = sorted({p.name[:6] for p in base.iterdir() if p.name[:6].isdigit()})
        raise LookupError(f"no bundled plan for municipality {code!r} (have: {', '.join(known)})")
    return load_files(files)


def export_rows(code: str, graph: rdflib.Graph | None = None) -> dict:
    """{"plans", "actors", "elements": [row dicts]} of the bundled plans of a municipality, or of a draft's
    graph when one is given (how docs/examples/ got its XLSX)."""
    g = bundled_graph(code) if graph is None else graph
    muni = rdflib.URIRef(f"{ID}municipality/{code}")
    name = next((str(v) for v in g.objects(muni, RDFS.label) if getattr(v, "language", None) == "ja"), "")
    plans = []
    every = {p for c in PLAN_CLASSES for p in g.subjects(RDF.type, FK[c]) if (p, FK.municipality, muni) in g}
    for plan in sorted(every, key=lambda p: (g.value(None, FK.embodies, p) is None, str(p))):
        doc = g.value(None, FK.embodies, plan)  # None for a plan the document only refers to (a previous one)
        if True:
            cls = ";".join(sorted(str(t).removeprefix(ONTOLOGY_NS) for t in g.objects(plan, RDF.type)))
            period = g.value(plan, FK.period)
            plans.append(
                {
                    "code": code,
                    "municipality": name,
                    "id": _local(plan, code),
                    "class": cls,
                    "label": _ja(g, plan, RDFS.label),
                    "edition": _one(g, plan, FK.edition),
                    "edition_label": _one(g, plan, FK.editionLabel),
                    "legal_basis": _ids(g.objects(plan, FK.legalBasis)).removeprefix("law/").replace("law/", ""),
                    "creators": _ids(g.objects(plan, DCTERMS.creator)),
                    "period": _local(period, code) if period else "",
                    "period_type": "PlanPeriod" if period else "",
                    "period_label": _ja(g, period, RDFS.label) if period else "",
                    "start_year": _one(g, period, FK.startFiscalYear) if period else "",
                    "end_year": _one(g, period, FK.endFiscalYear) if period else "",
                    "document": _local(doc, code) if doc else "",
                    "document_title": _ja(g, doc, RDFS.label) if doc else "",
                    "draft_status": _concepts(g.objects(doc, FK.draftStatus), "draft-status") if doc else "",
                    "text_source": _ids(g.objects(doc, FK.textSource)) if doc else "",
                    "note": _notes(g, plan),
                    "source": _ids(g.objects(plan, FK.sourceFile)),
                    "page": _one(g, plan, SCHEMA.pageStart),
                    "start_line": _one(g, plan, FK.startLine),
                    "end_line": _one(g, plan, FK.endLine),
                }
            )
    plan_ids = {p["id"] for p in plans}
    elements = []
    for el in _tree_order(g, [rdflib.URIRef(f"{ID}{code}/{p}") for p in plan_ids]):
        cls = next(str(t).removeprefix(ONTOLOGY_NS) for t in g.objects(el, RDF.type))
        elements.append(
            {
                "code": code,
                "municipality": name,
                "plan": _plan_of(g, el, code),
                "id": _local(el, code),
                "class": cls,
                "level": _ja(g, el, FK.levelLabel),
                "number": _one(g, el, FK.number),
                "label": _ja(g, el, RDFS.label),
                "parent": _local(g.value(el, FK.parent), code),
                "order": _one(g, el, FK.order),
                "description": _ja(g, el, DCTERMS.description),
                "actors": _ids(set(g.objects(el, FK.carriedOutBy))),
                "departments": _ids(g.objects(el, FK.responsibleDepartment)),
                "tiers": _concepts(g.objects(el, FK.tier), "support-tier"),
                "target_groups": _concepts(g.objects(el, FK.targetGroup), "target-group"),
                "functions": _concepts(g.objects(el, FK.realisesFunction), "multilayered-function"),
                "priorities": _concepts(g.objects(el, FK.addressesPriority), "recidivism-priority"),
                "topics": _concepts(g.objects(el, FK.topic), "topic"),
                "part_of": ";".join(sorted(_local(p, code) for p in g.objects(el, FK.partOf))),
                "subtitle": _ja(g, el, FK.subtitle),
                "note": _notes(g, el),
                "source": _ids(g.objects(el, FK.sourceFile)),
                "page": _one(g, el, SCHEMA.pageStart),
                "start_line": _one(g, el, FK.startLine),
                "end_line": _one(g, el, FK.endLine),
            }
        )
    actors = []
    for cls in ACTOR_CLASSES:
        for node in sorted(g.subjects(RDF.type, FK[cls])):
            actors.append(
                {
                    "code": code,
                    "municipality": name,
                    "id": str(node).removeprefix(ID),
                    "class": cls,
                    "label": _ja(g, node, RDFS.label),
                    "label_en": next(
                        (str(v) for v in g.objects(node, RDFS.label) if getattr(v, "language", None) == "en"), ""
                    ),
                    "unit_of": _ids(g.objects(node, ORG.unitOf)),
                    "municipality_of": _ids(g.objects(node, FK.municipality)),
                    "note": _notes(g, node),
                    "source": _ids(g.objects(node, FK.sourceFile)),
                    "page": _one(g, node, SCHEMA.pageStart),
                    "start_line": _one(g, node, FK.startLine),
                    "end_line": _one(g, node, FK.endLine),
                }
            )
    return {"plans": plans, "actors": actors, "elements": elements}


def _ja(g, s, p) -> str:
    return next((str(v) for v in g.objects(s, p) if getattr(v, "language", None) == "ja"), "")


def _notes(g, s) -> str:
    """Every fk:note, one per line of the cell (the column's CSVW separator is a line break)."""
    return "\n".join(sorted(str(v) for v in g.objects(s, FK.note) if getattr(v, "language", None) == "ja"))


def _plan_of(g, el, code) -> str:
    node = el
    while node is not None and g.value(node, FK.parent) is not None:
        node = g.value(node, FK.parent)
    return _local(node, code) if node is not None else ""


def _tree_order(g, plans) -> list:
    """Elements parents first, siblings by fk:order, so the sheet reads like the document."""
    children: dict = {}
    for el, parent in g.subject_objects(FK.parent):
        children.setdefault(parent, []).append(el)
    out, stack = [], list(reversed(sorted(plans)))
    while stack:
        node = stack.pop()
        kids = sorted(children.get(node, []), key=lambda e: (int(g.value(e, FK.order) or 0), str(e)))
        for kid in reversed(kids):
            stack.append(kid)
        if node not in plans:
            out.append(node)
    return out


def write_csv(rows: dict, folder, stem: str) -> dict:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for table in TABLES:
        path = folder / f"{stem}-{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            cols = columns(table)
            writer.writerow([title for _, title in cols])
            for row in rows[table]:
                writer.writerow([neutralise(_csv_text(row.get(name))) for name, _ in cols])
        paths[table] = path
    return paths


def write_xlsx(rows: dict, path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    notes = [line.split("\t", 1) for line in README.read_text(encoding="utf-8").splitlines() if line]
    for r, (key, text) in enumerate(notes, start=1):
        readme.cell(r, 1, key).font = Font(bold=True)
        readme.cell(r, 2, text)
    readme.column_dimensions["A"].width = 24
    readme.column_dimensions["B"].width = 120
    for table in TABLES:
        ws = wb.create_sheet(SHEETS[table])
        cols = columns(table)
        ws.append([title for _, title in cols])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows[table]:
            ws.append([_cell(row.get(name, "")) for name, _ in cols])
            for cell in ws[ws.max_row]:
                xlsx_text(cell)
        ws.freeze_panes = "A2"
        if table == "elements":
            names = (
                '"BasicPhilosophy,BasicGoal,Perspective,Policy,PriorityInitiative,Direction,MeasureGroup,Measure,Role"'
            )
            check = DataValidation(type="list", formula1=names, allow_blank=False)
            ws.add_data_validation(check)
            idx = [n for n, _ in cols].index("class") + 1
            check.add(f"{ws.cell(2, idx).column_letter}2:{ws.cell(2, idx).column_letter}5000")
    path = Path(path)
    wb.save(path)
    return path


def _cell(value):
    # Keep codes such as 082368 as text (a number would lose the leading zero); keep counts as numbers.
    return value


def xlsx_to_csv(path, folder) -> dict:
    """The XLSX template's sheets as CSV files (same header and rows), for the CSVW mapping."""
    from openpyxl import load_workbook

    from server.importer import limits

    limits.check_zip(path)  # every part's inflated size, before openpyxl inflates any
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        paths = {}
        for table, sheet in SHEETS.items():
            if sheet not in wb.sheetnames:
                continue
            out = Path(folder) / f"{Path(path).stem}-{table}.csv"
            counter = limits.TableCounter(f"{path} シート {sheet} / sheet {sheet}")
            with out.open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                # Blank rows kept: CSV line = sheet row. A sheet wider than the limit (or that declares no width)
                # is read one column past it: enough to refuse a row, never a row of 16,384 cells.
                ws, cap = wb[sheet], counter.limits.columns
                width = ws.max_column if isinstance(ws.max_column, int) and ws.max_column <= cap else None
                for row in ws.iter_rows(values_only=True, max_col=width or cap + 1):
                    if width is None:
                        row = row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)]
                    cells = ["" if v is None else _text(v) for v in row]
                    counter.row(cells)
                    writer.writerow(cells)
            paths[table] = out
        wb.close()
    except limits.InputRefused:
        raise
    except Exception as exc:  # openpyxl raises a dozen unrelated types (zip, XML, defusedxml, KeyError) for a bad file
        root = exc
        while root.__cause__ or root.__context__:  # openpyxl wraps the parser's error: name the first cause
            root = root.__cause__ or root.__context__
        reason = f"{type(root).__name__}: {root}".splitlines()[0][:200]
        raise limits.InputRefused(f"{path}: XLSX として読めません / not a readable XLSX workbook ({reason})") from exc
    if not paths:
        raise TemplateError(f"{path}: no sheet named {' or '.join(SHEETS.values())}")
    return paths


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_text(value) -> str:
    return "" if value is None else str(value)
