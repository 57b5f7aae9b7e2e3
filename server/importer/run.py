"""`fukushi-kg import`: one plan document in, a draft Turtle file (and a review page) out."""

from dataclasses import dataclass
from pathlib import Path

from server.importer.annotate import annotator_available, propose_for
from server.importer.codes import lookup
from server.importer.draft import FK, draft_graph, write_turtle
from server.importer.outline import parse
from server.importer.reading import DocumentError, read_document
from server.importer.review import review_html, unused_lines


@dataclass
class ImportResult:
    out: Path
    review: Path | None
    elements: int
    proposals: int
    unused: int
    triples: int


def import_plan(path, municipality: str, out=None, review=None) -> ImportResult:
    """Raises server.importer.codes.UnknownCode or server.importer.reading.DocumentError with a message."""
    path = Path(path)
    muni = lookup(municipality)  # first: a wrong code is reported before any work
    for target in (out, review):
        if target and not Path(target).parent.is_dir():
            raise DocumentError(
                f"{target}: 書き込み先のフォルダがありません / the folder to write into does not exist "
                f"({Path(target).parent})"
            )
    if path.suffix.lower() in (".xlsx", ".csv"):
        return _import_spreadsheet(path, muni.code, out)
    outline = parse(read_document(path))
    proposals = propose_for(outline)
    graph = draft_graph(outline, muni, path.name, proposals)
    out = Path(out) if out else Path(f"{path.stem}.draft.ttl")
    write_turtle(graph, out)
    review_path = None
    if review:
        review_path = Path(review)
        html = review_html(outline, muni, path.name, proposals, annotator_available())
        review_path.write_text(html, encoding="utf-8")
    return ImportResult(out, review_path, len(outline.elements), len(proposals), len(unused_lines(outline)), len(graph))


def _import_spreadsheet(path: Path, code: str, out) -> ImportResult:
    """The plan template (XLSX, or NAME-plans.csv with NAME-elements.csv) through its CSVW mapping."""
    from server.spreadsheet.load import spreadsheet_graph

    if not path.is_file():
        raise DocumentError(f"{path}: no such file")
    graph = spreadsheet_graph(path, code)
    stem = path.stem.removesuffix("-elements").removesuffix("-plans")
    out = Path(out) if out else Path(f"{stem}.draft.ttl")
    write_turtle(graph, out)
    elements = len(set(graph.subjects(FK.parent, None)))
    return ImportResult(out, None, elements, 0, 0, len(graph))
