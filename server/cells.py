"""Cells written to CSV or XLSX files, neutralised against formula injection (CSV injection).

A spreadsheet program reads a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula (270 of 759 cells of one search CSV started with `-`). OWASP's "CSV Injection" advice is a leading
single quote, which makes the cell text; every CSV this package writes for people (site downloads, the plan
template) goes through `neutralise`, and the template importer takes the quote off again (`restore`) so that a
template exported and imported back is unchanged. In XLSX a cell written as a string is never a formula, so
`xlsx_text` marks such a cell as text (openpyxl would otherwise store "=…" as a formula) with Excel's
quotePrefix, the spreadsheet form of the same quote.

SPARQL results in CSV (server.sparql.results) are not touched: that format is a W3C Recommendation for
programs, and a changed value would be a wrong answer.
"""

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(TRIGGERS) else text


def restore(text: str) -> str:
    """The cell as it was before `neutralise`."""
    return text[1:] if text.startswith("'") and text[1:].startswith(TRIGGERS) else text


def xlsx_text(cell) -> None:
    """Mark an openpyxl cell whose text starts like a formula as text (never evaluated)."""
    if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
