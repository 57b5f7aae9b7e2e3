"""Export → import → validate keeps everything: for each bundled plan, the XLSX written by `fukushi-kg export`
and imported back unedited by `fukushi-kg import` is the same graph as the plan's part of the build (its files,
what the shared files say about it, its annotation decisions), and `validate` gives it the same compliance
matrix as the published plan: verdicts, reasons, evidence, untrusted tags and the document's completeness.
A reviewer's judgements (data/compliance/judgements.tsv) are not part of a plan's data and are never applied to
a draft, so the draft is compared with the published plans' automatic matrix.
"""

import pytest
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from server.cli import main
from server.graph.loading import parse_file
from server.spreadsheet.template import plan_graph

CODES = ["082368", "141500", "142069", "352136", "402036"]


@pytest.fixture(scope="module")
def published(published_dir):
    import rdflib

    from server.compliance.evaluate import evaluate
    from server.published import DUMP_NAMES

    path = published_dir / DUMP_NAMES["nt"]
    return evaluate(rdflib.Graph().parse(path, format="nt"), str(path), judgements=[])


def _seen(matrix) -> list:
    """What a reader of the matrix sees of each document, its place in the files aside."""
    out = []
    for row in matrix.rows:
        cells = {
            rid: (
                c.verdict,
                c.severity,
                c.reason_ja,
                c.reason_en,
                sorted(tuple(sorted(e.as_dict().items())) for e in c.evidence),
                sorted(c.missing),
                sorted(tuple(sorted(t.items())) for t in c.unsupported_tags),
            )
            for rid, c in row.cells.items()
        }
        out.append((row.document, row.code, sorted(row.completeness.items()), cells))
    return out


@pytest.mark.parametrize("code", CODES)
def test_export_import_validate_keeps_graph_and_matrix(code, tmp_path, published, capsys):
    from server.compliance.graphs import validate_files

    book, draft = tmp_path / f"{code}.xlsx", tmp_path / f"{code}.ttl"
    assert main(["export", "--format", "xlsx", code, "--out", str(book)]) == 0
    assert main(["import", str(book), "--municipality", code, "--out", str(draft)]) == 0
    got, expected = parse_file(draft), plan_graph(code)
    if not isomorphic(expected, got):
        _, lost, added = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        pytest.fail(f"lost: {sorted(lost)[:5]}\nadded: {sorted(added)[:5]}")

    again = validate_files([draft])
    assert _seen(again) == _seen(published.only(code))
    assert all(row.completeness.get("iri") for row in again.rows)  # e.g. 352136: 全文の素案・案, not unknown
