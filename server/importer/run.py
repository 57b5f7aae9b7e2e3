"""`fukushi-kg import`: one plan document in, a draft Turtle file (and a review page) out."""

from dataclasses import dataclass, field
from pathlib import Path

from server.importer.annotate import annotator_available, propose_for
from server.importer.codes import lookup
from server.importer.confidence import assess, unused_by_kind
from server.importer.draft import FK, draft_graph, write_turtle
from server.importer.numbering import norm
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
    calls: list = field(default_factory=list)  # confidence.Call: the unusual calls a reviewer must look at
    unused_kinds: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)  # (line, message)


def import_plan(path, municipality: str, out=None, review=None, municipality_name: str | None = None) -> ImportResult:
    """Raises server.importer.codes.UnknownCode or server.importer.reading.DocumentError with a message."""
    path = Path(path)
    muni = lookup(municipality, municipality_name)  # first: a wrong code is reported before any work
    for target in (out, review):
        if target and not Path(target).parent.is_dir():
            raise DocumentError(
                f"フォルダ『{Path(target).parent}』がありません / no such folder: {Path(target).parent}"
            )
    if path.suffix.lower() in (".xlsx", ".csv"):
        return _import_spreadsheet(path, muni.code, out)
    lines = read_document(path)
    _check_is_plan_text(path, lines)
    outline = parse(lines)
    _check_reads_as_plan(path, outline)
    if outline.municipality_name and norm(outline.municipality_name) != norm(muni.name):
        outline.warnings.append(
            (
                outline.title_line or 1,
                f"本文の自治体名「{outline.municipality_name}」がコード {muni.code} の「{muni.name}」と異なる"
                f"（計画の名前は本文どおり「{outline.municipality_name}」とした。コードを確認してください）/ the "
                f"document names {outline.municipality_name}, code {muni.code} is {muni.name}",
            )
        )
    calls = assess(outline)
    proposals = propose_for(outline)
    graph = draft_graph(outline, muni, path.name, proposals)
    out = Path(out) if out else Path(f"{path.stem}.draft.ttl")
    write_turtle(graph, out)
    review_path = None
    if review:
        review_path = Path(review)
        html = review_html(outline, muni, path.name, proposals, annotator_available())
        review_path.write_text(html, encoding="utf-8")
    return ImportResult(
        out,
        review_path,
        len([e for e in outline.elements if e.cls != "BasicPhilosophy"]),
        len(proposals),
        len(unused_lines(outline)),
        len(graph),
        calls,
        unused_by_kind(outline),
        list(outline.warnings),
    )


def _check_is_plan_text(path: Path, lines) -> None:
    """Input that is not a plan's text is refused before any rule runs on it (a line too long to be a plan's
    is refused by server.importer.limits while the file is read)."""
    texts = [ln.text for ln in lines if ln.text.strip()]
    if not texts:
        raise DocumentError(
            f"{path}: 空のファイルです。計画書の本文（UTF-8 のテキストか PDF）を指定してください / empty file"
        )


def _check_reads_as_plan(path: Path, outline) -> None:
    """A document with neither a plan's title nor any element is not a plan (a list, a letter, a data file)."""
    if not outline.title and not outline.elements:
        raise DocumentError(
            f"{path}: 計画書に見えません（計画の表題も、基本目標・施策などの構成も見つからない）。計画書の本文を"
            f"指定してください / does not read as a plan: no plan title and no structure found"
        )


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
