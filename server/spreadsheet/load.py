"""A filled template (XLSX, or the two CSV files) as a draft graph that `fukushi-kg validate` accepts.

The CSVW mapping gives the plans and elements. Then the draft is completed the way the text importer
completes its drafts: the municipality from 総務省's code list, the spreadsheet declared as the draft's own
fk:SourceDocument, and every row that names no source of its own citing the spreadsheet and its row
(fk:startLine = fk:endLine = the row's line in the CSV, or its row in the sheet).
"""

import tempfile
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS

from server.importer import limits
from server.importer.codes import lookup
from server.importer.draft import FK, MUNI, PREF, _slug, add_municipality
from server.paths import BASE_IRI
from server.spreadsheet.cells import read_csv_rows
from server.spreadsheet.csvw_rdf import TemplateError, csv_to_graph
from server.spreadsheet.statements import statements_graph
from server.spreadsheet.template import SHEETS, STATEMENTS, xlsx_to_csv

SOURCES = BASE_IRI + "id/source/"


def template_files(path) -> dict:
    """{"plans": …, "elements": …} for a CSV of the template: NAME-plans.csv and NAME-elements.csv side by side."""
    path = Path(path)
    stem = path.stem
    for table in ("plans", "elements"):
        if stem.endswith(f"-{table}"):
            stem = stem[: -len(table) - 1]
    files = {t: path.with_name(f"{stem}-{t}.csv") for t in ("plans", "actors", "elements", STATEMENTS[0])}
    for optional in ("actors", STATEMENTS[0]):  # without actors the municipality alone acts
        if not files[optional].is_file():
            del files[optional]
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise TemplateError(
            f"ファイル『{path.name}』: CSV のテンプレートは NAME-plans.csv・NAME-elements.csv（と NAME-actors.csv・"
            f"NAME-statements.csv）を同じフォルダに置きます。ありません: {', '.join(Path(p).name for p in missing)} / "
            "the CSV template is NAME-plans.csv and NAME-elements.csv side by side"
        )
    return files


def _template_graph(files: dict, rows: dict, where: dict) -> rdflib.Graph:
    """The main tables through the CSVW mapping, with the その他の記述 statements; every problem of every
    table at once."""
    problems, extra = [], rdflib.Graph()
    if files.get(STATEMENTS[0]):
        shown = where.get(STATEMENTS[0]) or f"ファイル『{Path(files[STATEMENTS[0]]).name}』"
        try:
            extra, problems = statements_graph(read_csv_rows(files[STATEMENTS[0]]), shown)
        except TemplateError as exc:
            problems = [str(exc)]
    try:
        g = csv_to_graph(files, rows, where)
    except TemplateError as exc:
        raise TemplateError("\n".join([str(exc), *problems])) from None
    if problems:
        raise TemplateError("\n".join(problems))
    for triple in extra:
        g.add(triple)
    return g


def spreadsheet_graph(path, code: str) -> rdflib.Graph:
    path = Path(path)
    muni = lookup(code)
    rows: dict = {}
    xlsx = path.suffix.lower() == ".xlsx"
    stem = path.stem.removesuffix("-elements").removesuffix("-plans").removesuffix("-actors")
    if xlsx:
        with tempfile.TemporaryDirectory(prefix="fukushi-kg-xlsx-") as tmp:
            where = {t: f"シート『{sheet}』" for t, sheet in (*SHEETS.items(), STATEMENTS)}
            g = _template_graph(xlsx_to_csv(path, tmp), rows, where)
    else:
        files = template_files(path)
        for file in files.values():
            limits.check_csv(file)  # rows, columns, cell length and size, streamed before csvw reads it whole
        g = _template_graph(files, rows, {})
    codes = {str(o).rsplit("/", 1)[-1] for o in g.objects(None, FK.municipality)}
    if codes and codes != {muni.code}:
        found = ", ".join(sorted(codes))
        raise TemplateError(
            f"{path}: 列『全国地方公共団体コード』（{found}）が --municipality {muni.code} と違います。"
            f"どちらかを直してください / the template is for {found}, not {muni.code}"
        )
    base = rdflib.Namespace(f"{BASE_IRI}id/{muni.code}/")
    if (MUNI[muni.code], RDF.type, FK.Municipality) not in g:
        add_municipality(g, muni)
    documents: dict = {}
    for subject, (table, line) in rows.items():
        if table == "actors" or (subject, FK.sourceFile, None) in g:
            continue  # an actor needs no citation of its own (docs/data-model.md rule 6)
        # The row cites itself: the CSV file of its table, or the workbook's sheet (sheet row = CSV line).
        name = f"{path.name}#{SHEETS[table]}" if xlsx else path.with_name(f"{stem}-{table}.csv").name
        doc = documents.setdefault(name, base[f"source-{_slug(name)}"])
        g.add((subject, FK.sourceFile, doc))
        g.add((subject, FK.startLine, rdflib.Literal(line)))
        g.add((subject, FK.endLine, rdflib.Literal(line)))
    for doc in set(g.subjects(RDF.type, FK.PlanDocument)):
        if (doc, FK.textSource, None) not in g:
            name = path.name
            g.add((doc, FK.textSource, documents.setdefault(name, base[f"source-{_slug(name)}"])))
    for name, doc in documents.items():
        g.add((doc, RDF.type, FK.SourceDocument))
        g.add((doc, DCTERMS.identifier, rdflib.Literal(name)))
        g.add((doc, RDFS.label, rdflib.Literal(f"計画テンプレート {name}", lang="ja")))
    for source in set(g.objects(None, FK.sourceFile)):
        # A planner's own source file named in the template: declare it; the bundled seeds are in sources.ttl.
        if not str(source).startswith(SOURCES) and (source, RDF.type, FK.SourceDocument) not in g:
            g.add((source, RDF.type, FK.SourceDocument))
            g.add((source, DCTERMS.identifier, rdflib.Literal(str(source).rsplit("/", 1)[-1])))
    for prefix, ns in (("", base), ("fk", FK), ("muni", MUNI), ("pref", PREF), ("dcterms", DCTERMS)):
        g.bind(prefix, ns, override=True)
    return g
