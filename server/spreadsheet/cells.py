"""Reading a filled template's tables and checking every cell before anything is mapped to RDF.

A planner's file is read whole and checked whole: every problem is reported at once, one line each, naming
the sheet (or file), the row and the column as the spreadsheet shows them, and what may be written there.
Only a table with no problems goes on to the CSVW mapping, as CSV in the metadata's column order with codes
in the coded columns, so a template whose columns were moved, or which predates a new optional column, still
reads.

CSV files: Excel in Japan saves "CSV" as Shift_JIS (CP932) and "CSV UTF-8" with a byte-order mark; other
tools write UTF-8 without one. The encoding is found by strict decoding, UTF-8 first: CP932 text with any
Japanese in it is practically never valid UTF-8 (its lead bytes 0x81-0x9F are UTF-8 continuation bytes), so
the first strict decode that succeeds is the right one. Measured against charset-normalizer 3 on the five
exported plans' tables, each cut to 1, 2, 3, 9 rows and whole, in CP932 and UTF-8 (197 files): both decoded
every file to the right text; strict decoding took 0.004 ms (median; 0.2 ms at most), charset-normalizer
0.14 ms (20 ms at most) and would be a new dependency. So two strict decodes, no guessing.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from server.spreadsheet.values import ACTOR_COLUMNS, SEPARATOR, coded_columns

METADATA = Path(__file__).parent / "plan-template.csv-metadata.json"
ENCODINGS = ("utf-8-sig", "cp932")  # tried in this order, strictly
# Titles earlier templates used, still read (a planner's filled file outlives a template change).
FORMER_TITLES = {("plans", "段階（draft, preliminary-draft, outline-draft, summary）"): "draft_status"}
LISTED = 15  # allowed values listed in a message; more are referred to the 選択肢 sheet


class TemplateError(Exception):
    """A template file that does not follow the metadata, with the file and row."""


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    required: bool
    integer: bool
    multiple: bool


@lru_cache(maxsize=1)
def template_columns() -> dict[str, list[Column]]:
    """Each table's real columns, in the metadata's order."""
    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    out = {}
    for table in meta["tables"]:
        cols = []
        for c in table["tableSchema"]["columns"]:
            if c.get("virtual"):
                continue
            datatype = c.get("datatype")
            base = datatype.get("base") if isinstance(datatype, dict) else datatype
            cols.append(Column(c["name"], c["titles"], bool(c.get("required")), base == "integer", "separator" in c))
        out[table["url"].removesuffix(".csv")] = cols
    return out


def read_csv_rows(path) -> list[list[str]]:
    """A CSV file's rows, in UTF-8 (with or without BOM) or CP932, whichever decodes it strictly."""
    data = Path(path).read_bytes()
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text, newline="")))
    raise TemplateError(
        f"ファイル『{Path(path).name}』: 文字コードが UTF-8 でも Shift_JIS でもありません。Excel で「CSV UTF-8」として"
        f"保存し直してください / {Path(path).name}: neither UTF-8 nor Shift_JIS (CP932)"
    )


@dataclass
class Checked:
    """A table's rows in the metadata's column order, codes in the coded columns, and the problems found."""

    rows: list[list[str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def actor_names(actor_rows: list[list[str]] | None) -> dict[str, str]:
    """Name → ID of the actors sheet's actors whose name is unique (header row first)."""
    if not actor_rows:
        return {}
    header = [h.strip() for h in actor_rows[0]]
    titles = {c.name: c.title for c in template_columns()["actors"]}
    try:
        i, n = header.index(titles["id"]), header.index(titles["label"])
    except ValueError:
        return {}
    seen: dict[str, list[str]] = {}
    for row in actor_rows[1:]:
        if len(row) > max(i, n) and row[i].strip() and row[n].strip():
            seen.setdefault(row[n].strip(), []).append(row[i].strip())
    return {name: ids[0] for name, ids in seen.items() if len(ids) == 1}


def check_table(table: str, rows: list[list[str]], where: str, actors: dict[str, str] | None = None) -> Checked:
    """Check a table (header row first) against the template; `where` names it as the planner sees it
    (シート『要素』 or ファイル『…』); `actors` maps the actors sheet's names to IDs."""
    columns = template_columns()[table]
    by_title = {c.title: c for c in columns}
    out = Checked()
    if not rows or not any(cell.strip() for cell in rows[0]):
        out.problems.append(f"{where}: 1行目に列名がありません（テンプレートの見出し行を残してください）")
        return out
    header = [h.strip() for h in rows[0]]
    place: dict[str, int] = {}
    for (t, former), name in FORMER_TITLES.items():
        if t == table:
            by_title[former] = next(c for c in columns if c.name == name)
    for i, title in enumerate(header):
        if not title:
            continue
        if title not in by_title:
            known = "、".join(c.title for c in columns)
            out.problems.append(f"{where} 1行 列『{title}』: テンプレートにない列です。使える列: {known}")
        elif by_title[title].name in place:
            out.problems.append(f"{where} 1行 列『{title}』: 同じ列が2回あります")
        else:
            place[by_title[title].name] = i
    for c in columns:
        if c.required and c.name not in place:
            out.problems.append(f"{where}: 列『{c.title}』がありません（必須の列です。テンプレートから戻してください）")
    if out.problems:
        return out
    coded = coded_columns()
    out.rows.append([c.title for c in columns])
    for number, row in enumerate(rows[1:], start=2):
        cells = [row[place[c.name]].strip() if c.name in place and place[c.name] < len(row) else "" for c in columns]
        if not any(cells):
            out.rows.append(cells)  # a blank row stays, so CSV line = sheet row
            continue
        for k, c in enumerate(columns):
            value = cells[k]
            at = f"{where} {number}行 列『{c.title}』"
            if not value:
                if c.required:
                    out.problems.append(f"{at}: 値が必要です")
                continue
            if c.integer:
                try:
                    int(value)
                except ValueError:
                    out.problems.append(f"{at}: 『{value}』は数ではありません。半角数字で書いてください")
                continue
            choices = coded.get((table, c.name))
            if choices is not None:
                parts = [v.strip() for v in value.split(SEPARATOR)] if choices.multiple else [value]
                codes = []
                for part in parts:
                    code = choices.code(part)
                    if code is None:
                        names = list(choices.names.values())
                        listed = ", ".join(names[:LISTED])
                        if len(names) > LISTED:
                            listed += f", …（ほか{len(names) - LISTED}件はシート『選択肢』）"
                        out.problems.append(f"{at}: 『{part}』は使えません。使える値: {listed}")
                    codes.append(code or part)
                cells[k] = SEPARATOR.join(codes)
            elif (table, c.name) in ACTOR_COLUMNS:
                ids = []
                for part in (v.strip() for v in value.split(SEPARATOR)):
                    if part in (actors or {}):
                        ids.append(actors[part])
                    elif "/" in part:
                        ids.append(part)  # an ID: 352136/shakyo, municipality/352136
                    else:
                        names = ", ".join(list(actors or {})[:LISTED])
                        out.problems.append(
                            f"{at}: 『{part}』はシート『担い手』にありません。担い手の名称かID（例: municipality/"
                            f"コード）を書いてください。使える名称: {names or '（担い手がありません）'}"
                        )
                        ids.append(part)
                cells[k] = SEPARATOR.join(ids)
        out.rows.append(cells)
    return out


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
