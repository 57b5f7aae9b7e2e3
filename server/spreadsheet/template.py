"""The template's tables as rows: from a bundled plan (export), and to CSV or XLSX files and back.

The column names and titles come from the CSV on the Web metadata, so the template and its mapping
cannot drift apart. Rows hold codes; the files show Japanese names in the coded columns (values.py) and
the actors' names where they name an actor of the 担い手 sheet, and the importer maps them back. Whatever
the three main sheets have no column for goes to その他の記述 (statements.py), so nothing is lost on the
way out and back. XLSX is written and read with openpyxl: the same header and rows as the CSV files, with
dropdown lists (data validation) of the Japanese names, column widths, a frozen header and filters, a
使い方 sheet in Japanese and a 選択肢 sheet listing every allowed value. CSV is written in UTF-8 with a
byte-order mark, which Excel needs to open Japanese text.
"""

import csv
import json
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS

from server.cells import neutralise, xlsx_text
from server.paths import BASE_IRI, DATA_DIR, ONTOLOGY_NS
from server.spreadsheet.csvw_rdf import METADATA, TABLES, TemplateError, csv_to_graph
from server.spreadsheet.statements import TITLES as STATEMENT_TITLES
from server.spreadsheet.statements import statement_rows
from server.spreadsheet.values import coded_columns, shown

FK = rdflib.Namespace(ONTOLOGY_NS)
SCHEMA = rdflib.Namespace("https://schema.org/")
ID = BASE_IRI + "id/"
SHEETS = {"plans": "計画", "actors": "担い手", "elements": "要素"}
STATEMENTS = ("statements", "その他の記述")  # (CSV name, sheet)
GUIDE, CHOICES = "使い方", "選択肢"
ACTOR_CLASSES = ("SocialWelfareCouncil", "Department", "ResidentActor", "CommunityBody")
PLAN_CLASSES = (
    "Plan",  # a plan whose kind its document does not state (fk:unstated rdf:type), such as 小田原市's
    "CommunityWelfarePlan",
    "CommunityWelfareActivityPlan",
    "RecidivismPreventionPlan",
    "GuardianshipPromotionPlan",
    "MultilayeredSupportPlan",
)

# The 使い方 sheet (Japanese, with one English line), one "heading<TAB>text" per line.
README = Path(__file__).with_name("README.ja.tsv")
WIDTHS = {"label": 40, "description": 60, "note": 40, "document_title": 40, "municipality": 14}


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


def plan_graph(code: str) -> rdflib.Graph:
    """Everything the build puts into a municipality's part before inference: its own files, what the shared
    files say about its resources (the statutory items, composed labels), and the annotation decisions on
    its elements (server.graph.parts picks them out the same way). Exported whole, so the draft imported
    back is judged on the same evidence as the bundled plan."""
    from server.annotations.decisions import decision_graph, read_decisions
    from server.graph.loading import load_files
    from server.graph.parts import owner, split_files
    from server.paths import graph_input_files

    g = bundled_graph(code)
    _, _, shared = split_files(graph_input_files())
    for path in shared:
        if path.suffix == ".tsv":
            rows = [row for row in read_decisions(path) if owner(rdflib.URIRef(row.element)) == code]
            g += decision_graph(rows)
        else:
            for triple in load_files([path]):
                if owner(triple[0]) == code:
                    g.add(triple)
    return g


def export_rows(code: str, graph: rdflib.Graph | None = None) -> dict:
    """{"plans", "actors", "elements": [row dicts]} of the bundled plans of a municipality, or of a draft's
    graph when one is given (how docs/examples/ got its XLSX)."""
    g = plan_graph(code) if graph is None else graph
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
                    "completeness": _one(g, doc, FK.completeness).removeprefix(ONTOLOGY_NS) if doc else "",
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
    rows = {"plans": plans, "actors": actors, "elements": elements}
    rows[STATEMENTS[0]] = statement_rows(g - _carried(rows))
    return rows


def _carried(rows: dict) -> rdflib.Graph:
    """What the main sheets give back when imported: the CSVW mapping of the rows as written."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="fukushi-kg-export-") as tmp:
        return csv_to_graph(write_csv({t: rows[t] for t in TABLES}, tmp, "export"))


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


def shown_rows(rows: dict, table: str) -> list[list]:
    """A table as the files show it: header of titles, then each row with Japanese names for codes."""
    actors = _actor_labels(rows.get("actors", []))
    cols = columns(table)
    out = [[title for _, title in cols]]
    for row in rows.get(table, []):
        out.append([shown(table, name, str(row.get(name, "") or ""), actors) for name, _ in cols])
    return out


def _actor_labels(actors: list[dict]) -> dict[str, str]:
    """ID → name of the actors whose name is unique (a shared name stays an ID, so it maps back)."""
    counts: dict[str, int] = {}
    for a in actors:
        counts[a["label"]] = counts.get(a["label"], 0) + 1
    return {a["id"]: a["label"] for a in actors if a["label"] and counts[a["label"]] == 1}


def write_csv(rows: dict, folder, stem: str) -> dict:
    """NAME-plans.csv, NAME-actors.csv, NAME-elements.csv (and NAME-statements.csv when there is anything
    the main tables do not carry), UTF-8 with a byte-order mark. Nothing is written into a missing folder's
    parents by surprise: the folder itself is made, as `--out` names it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    tables = {t: shown_rows(rows, t) for t in TABLES}
    if rows.get(STATEMENTS[0]):
        tables[STATEMENTS[0]] = [list(STATEMENT_TITLES)] + rows[STATEMENTS[0]]
    for table, table_rows in tables.items():
        path = folder / f"{stem}-{table}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows([[neutralise(_csv_text(c)) for c in r] for r in table_rows])
        paths[table] = path
    return paths


def write_xlsx(rows: dict, path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE
    notes = [line.split("\t", 1) for line in README.read_text(encoding="utf-8").splitlines() if line]
    for r, (key, text) in enumerate(notes, start=1):
        guide.cell(r, 1, key).font = Font(bold=True)
        guide.cell(r, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 120

    sheets = {}
    for table in TABLES:
        ws = wb.create_sheet(SHEETS[table])
        for r in shown_rows(rows, table):
            _append(ws, r)
        sheets[table] = ws
    if rows.get(STATEMENTS[0]):
        ws = wb.create_sheet(STATEMENTS[1])
        _append(ws, list(STATEMENT_TITLES))
        for r in rows[STATEMENTS[0]]:
            _append(ws, r)
        sheets[STATEMENTS[0]] = ws

    # The allowed values, one column per coded column, which the dropdowns point to (an inline list is
    # limited to 255 characters, fewer than the target groups' names).
    choices = wb.create_sheet(CHOICES)
    lists = {}
    actor_names = sorted(set(_actor_labels(rows.get("actors", [])).values()))
    entries = [((t, c), list(ch.names.values()), ch.multiple) for (t, c), ch in coded_columns().items()]
    entries.append((("elements", "actors"), actor_names, True))
    for k, ((table, name), names, multiple) in enumerate(entries, start=1):
        title = dict(columns(table))[name]
        letter = get_column_letter(k)
        choices.cell(1, k, f"{SHEETS[table]}・{title}").font = Font(bold=True)
        for r, value in enumerate(names, start=2):
            choices.cell(r, k, value)
        choices.column_dimensions[letter].width = 28
        if names:
            lists[(table, name)] = (f"{quote_sheetname(CHOICES)}!${letter}$2:${letter}${len(names) + 1}", multiple)
    choices.freeze_panes = "A2"

    for table, ws in sheets.items():
        cols = columns(table) if table in SHEETS else [(t, t) for t in STATEMENT_TITLES]
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(ws.max_row, 2)}"
        last = max(ws.max_row, 1) + 500  # room for new rows
        for k, (name, title) in enumerate(cols, start=1):
            letter = get_column_letter(k)
            ws.column_dimensions[letter].width = WIDTHS.get(name, min(max(len(title) * 2 + 2, 10), 30))
            if (table, name) in lists:
                formula, multiple = lists[(table, name)]
                check = DataValidation(type="list", formula1=formula, allow_blank=True)
                # Several values go in one cell separated by ";": offer the list but let a planner type more.
                check.showErrorMessage = not multiple
                check.errorTitle, check.error = "使えない値", f"『{title}』はシート『{CHOICES}』の値から選んでください"
                check.promptTitle, check.prompt = title, ("複数は ; で区切ります" if multiple else "一覧から選びます")
                check.showInputMessage = True
                ws.add_data_validation(check)
                check.add(f"{letter}2:{letter}{last}")
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"フォルダ『{path.parent}』がありません / no such folder: {path.parent}")
    wb.save(path)
    return path


def _append(ws, values) -> None:
    """A row of text: codes such as 082368 keep their leading zero, and a value starting with "=" stays
    text rather than become a formula."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        xlsx_text(cell)


def xlsx_to_csv(path, folder) -> dict:
    """The XLSX template's sheets as CSV files (same header and rows), for the CSVW mapping; the
    その他の記述 sheet too, as "statements"."""
    from openpyxl import load_workbook

    from server.importer import limits

    limits.check_zip(path)  # every part's inflated size, before openpyxl inflates any
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        paths = {}
        for table, sheet in (*SHEETS.items(), STATEMENTS):
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
        raise limits.InputRefused(
            f"ファイル『{Path(path).name}』: Excel ブック（.xlsx）として読めません / not a readable .xlsx ({reason})"
        ) from exc
    if not any(t in paths for t in ("plans", "elements")):
        names = "、".join(f"『{n}』" for n in SHEETS.values())
        raise TemplateError(
            f"ファイル『{Path(path).name}』: シート{names}がありません。fukushi-kg export で書き出したテンプレートに"
            f"記入してください / no sheet named {' or '.join(SHEETS.values())}"
        )
    return paths


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_text(value) -> str:
    return "" if value is None else str(value)
