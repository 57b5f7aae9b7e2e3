"""Tables as downloads: the CSV, Excel and JSON behind every list and table the pages show.

Columns come in the order a spreadsheet user expects: 全国地方公共団体コード, 地方公共団体名, then the rest (the
first two named as in the 自治体標準オープンデータセット). CSV is UTF-8 with a byte-order mark, which Excel
needs to read Japanese, and a cell that would read as a formula starts with ' (server.cells); Excel (.xlsx,
written with openpyxl) has the Japanese headings in bold, frozen, with filters, formula-like cells as text;
JSON is {"columns": [...], "rows": [{key: value}]} with English keys. Every cell of CSV and Excel goes through
one function, _cell, so what a cell may hold is decided in one place for every download.
"""

import csv
import io
import json
from dataclasses import dataclass

from flask import Response

from server.cells import neutralise, xlsx_text


@dataclass(frozen=True)
class Column:
    key: str  # JSON key (English)
    ja: str  # CSV header and table heading
    en: str


CODE = Column("code", "全国地方公共団体コード", "Local government code")
MUNICIPALITY = Column("municipality", "地方公共団体名", "Municipality")
FORMATS = ("csv", "xlsx", "json")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_order(columns: list[Column]) -> list[Column]:
    """Code first, municipality second, the rest as given."""
    first = [c for c in (CODE, MUNICIPALITY) if any(x.key == c.key for x in columns)]
    keys = {c.key for c in first}
    return [next(x for x in columns if x.key == c.key) for c in first] + [c for c in columns if c.key not in keys]


def csv_bytes(columns: list[Column], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.ja for c in columns])
    for row in rows:
        writer.writerow([neutralise(_cell(row.get(c.key))) for c in columns])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(columns: list[Column], rows: list[dict], title: str = "表") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]  # Excel's limit on a sheet's name
    ws.append([c.ja for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_cell(row.get(c.key)) for c in columns])
        for cell in ws[ws.max_row]:
            xlsx_text(cell)  # text, never a formula
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{max(ws.max_row, 2)}"
    for k, c in enumerate(columns, start=1):
        longest = max([len(c.ja)] + [len(str(ws.cell(r, k).value or "")) for r in range(2, min(ws.max_row, 200) + 1)])
        ws.column_dimensions[get_column_letter(k)].width = min(max(longest * 2, 8), 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def json_bytes(columns: list[Column], rows: list[dict], **extra) -> bytes:
    body = {**extra, "columns": [{"key": c.key, "ja": c.ja, "en": c.en} for c in columns]}
    body["rows"] = [{c.key: row.get(c.key) for c in columns} for row in rows]
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def table_response(fmt: str, name: str, columns: list[Column], rows: list[dict], **extra) -> Response:
    """The table as a download named `name`.csv / .xlsx / .json."""
    columns = spreadsheet_order(columns)
    if fmt == "csv":
        body, media_type = csv_bytes(columns, rows), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body, media_type = xlsx_bytes(columns, rows), XLSX
    else:
        body, media_type = json_bytes(columns, rows, **extra), "application/json"
    response = Response(body, content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Vary"] = "Accept"
    return response


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)
