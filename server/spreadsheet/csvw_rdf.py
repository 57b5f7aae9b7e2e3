"""CSV on the Web: the plan template's metadata (plan-template.csv-metadata.json) turns its CSV files into RDF.

The mapping is declarative and standard: W3C "Metadata Vocabulary for Tabular Data" (aboutUrl, propertyUrl,
valueUrl URI templates, datatypes, separators, virtual columns) in the JSON file beside this module. The
`csvw` package (maintained by the CLDF project) reads the metadata and the CSV: dialect, titles, required
columns, datatypes and separators, and expands the URI templates. It implements CSV→JSON only, so the last
step of W3C "Generating RDF from Tabular Data on the Web" (one triple per non-empty cell: subject, predicate
and object from the column's templates; a literal with the column's language or datatype) is written out
here, as that Recommendation states it.

morph-kgc (RML) was the other option; it pins pyoxigraph 0.3 and an older rdflib, which the SPARQL endpoint
and the compliance runs cannot use.
"""

import json
import re
import shutil
import tempfile
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib.namespace import XSD

from server.cells import restore
from server.spreadsheet.cells import TemplateError, actor_names, check_table, csv_text, read_csv_rows

__all__ = ["TemplateError", "csv_to_graph"]

VARIABLE = re.compile(r"\{\+?([A-Za-z_]+)\}")
METADATA = Path(__file__).parent / "plan-template.csv-metadata.json"
TABLES = ("plans", "actors", "elements")


def csv_to_graph(tables: dict, rows: dict | None = None, where: dict | None = None) -> rdflib.Graph:
    """tables: {"plans": path, "elements": path} (either may be missing). Every cell is checked first
    (server.spreadsheet.cells: UTF-8 or CP932, Japanese names or codes in the coded columns); all problems
    are raised at once as one TemplateError, a line each, naming `where[table]` (シート『要素』) or the file.
    `rows`, when given, receives each row's subject (the table's aboutUrl) → (table, line of the file)."""
    from csvw import TableGroup

    graph = rdflib.Graph()
    rows = {} if rows is None else rows
    where = where or {}
    read = {name: read_csv_rows(tables[name]) for name in TABLES if tables.get(name)}
    actors = actor_names(read.get("actors"))
    checked, problems = {}, []
    for name, table_rows in read.items():
        shown = where.get(name) or f"ファイル『{Path(tables[name]).name}』"
        result = check_table(name, table_rows, shown, actors)
        checked[name] = result.rows
        problems += result.problems
    if problems:
        raise TemplateError("\n".join(problems))
    with tempfile.TemporaryDirectory(prefix="fukushi-kg-csvw-") as tmp:
        tmp = Path(tmp)
        shutil.copy(METADATA, tmp / METADATA.name)
        for name in TABLES:
            target = tmp / f"{name}.csv"
            if name in checked:
                target.write_text(csv_text(checked[name]), encoding="utf-8")
            else:
                header = ",".join(_titles(name))
                target.write_text(header + "\n", encoding="utf-8")
        group = TableGroup.from_file(tmp / METADATA.name)
        for table in group.tables:
            name = Path(str(table.url)).stem
            _table_triples(table, graph, Path(tables.get(name) or f"{name}.csv"), name, rows)
    return graph


@lru_cache(maxsize=1)
def _declared_langs() -> dict:
    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    return {c["name"]: c["lang"] for t in meta["tables"] for c in t["tableSchema"]["columns"] if "lang" in c}


def _titles(name: str) -> list[str]:
    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    table = next(t for t in meta["tables"] if t["url"] == f"{name}.csv")
    return [c["titles"] for c in table["tableSchema"]["columns"] if not c.get("virtual")]


def _table_triples(table, graph: rdflib.Graph, shown: Path, name: str, subjects: dict) -> None:
    columns = table.tableSchema.columns
    about = table.tableSchema.inherit("aboutUrl")
    table_lang = getattr(table.tableSchema, "lang", None)
    try:
        rows = list(table.iterdicts(with_metadata=True, strict=True))
    except ValueError as exc:
        # csvw says "<its copy>/elements.csv:ROW:COLUMN title: message"; name the user's file instead.
        message = re.sub(r"\S*" + re.escape(f"{name}.csv"), str(shown), str(exc), count=1)
        raise TemplateError(message if str(shown) in message else f"{shown}: {exc}") from exc
    for rownum, (_, source_row, row) in enumerate(rows, start=1):
        subjects[rdflib.URIRef(_expand(table, about, row, rownum, columns[0]))] = (name, source_row)
        for col in columns:
            if col.suppressOutput:
                continue
            if col.virtual:
                if any(not row.get(name) for name in VARIABLE.findall(str(getattr(col.aboutUrl, "uri", "")))):
                    continue  # about a resource the row does not name (a plan with no document of its own)
                values = [None]
            else:
                value = row.get(col.header)
                if value is None or value == "" or value == []:
                    if col.required:
                        raise TemplateError(f"{shown}:{source_row}: the column {col.titles} needs a value")
                    continue
                values = value if isinstance(value, list) else [value]
            template = col.aboutUrl or about
            subject = rdflib.URIRef(_expand(table, template, row, rownum, col))
            predicate = rdflib.URIRef(_expand(table, col.propertyUrl, row, rownum, col))
            for value in values:
                if col.valueUrl:
                    cell = dict(row)
                    if value is not None:
                        cell[col.header] = value  # a list cell: the template is expanded for each value
                    obj = rdflib.URIRef(_expand(table, col.valueUrl, cell, rownum, col))
                else:
                    obj = _literal(col, value, table_lang)
                graph.add((subject, predicate, obj))


def _expand(table, template, row, rownum, col, qname=False) -> str:
    uri = template.uri if hasattr(template, "uri") else str(template)
    expanded = table.expand(template, row, _row=rownum, _name=col.name, qname=qname)
    if not expanded:
        raise TemplateError(f"cannot expand {uri} for row {rownum}")
    return str(expanded)


def _literal(col, value, table_lang: str | None) -> rdflib.Literal:
    base = col.datatype.base if col.datatype else "string"
    if base == "integer":
        return rdflib.Literal(int(value), datatype=XSD.integer)
    if base == "decimal":
        return rdflib.Literal(Decimal(str(value)), datatype=XSD.decimal)
    # The csvw package fills an unset column `lang` with "und", hiding the table's inherited one.
    lang = _declared_langs().get(col.name, table_lang)
    value = restore(str(value))  # the quote a template export put before a formula-like cell
    if lang and lang != "und":
        return rdflib.Literal(value, lang=lang)
    return rdflib.Literal(value)
