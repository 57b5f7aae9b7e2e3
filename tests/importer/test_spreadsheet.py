"""The plan template: a bundled plan exported to XLSX or CSV and imported back gives the same graph."""

import csv
import json

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from server.cli import main
from server.spreadsheet.csvw_rdf import METADATA, TemplateError, csv_to_graph
from server.spreadsheet.load import spreadsheet_graph
from server.spreadsheet.template import PLAN_CLASSES, columns, export_rows, plan_graph, write_csv, write_xlsx

FK = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
RDF_TYPE = rdflib.RDF.type
CODES = ["082368", "142069", "141500", "402036", "352136"]


def carried(code: str) -> rdflib.Graph:
    """What the template carries of a bundled plan, read from the curated files: for each kind of subject
    (document, plan, period, actor, element) the properties its table's columns map to (CSVW metadata)."""
    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    props: dict = {"document": set(), "plan": set(), "period": set(), "actor": set(), "element": set()}
    for table in meta["tables"]:
        name = table["url"].removesuffix(".csv")
        for col in table["tableSchema"]["columns"]:
            if "propertyUrl" not in col or col.get("suppressOutput"):
                continue
            about = col.get("aboutUrl", "")
            kind = {"plans": "plan", "actors": "actor", "elements": "element"}[name]
            kind = "period" if "{period}" in about else "document" if "{document}" in about else kind
            props[kind].add(rdflib.URIRef(col["propertyUrl"]))
    src = plan_graph(code)
    docs = set(src.subjects(RDF_TYPE, FK.PlanDocument))
    muni = rdflib.URIRef(f"https://w3id.org/fukushi-kg/id/municipality/{code}")
    plans = {p for c in PLAN_CLASSES for p in src.subjects(RDF_TYPE, FK[c]) if (p, FK.municipality, muni) in src}
    kinds = {d: "document" for d in docs} | {p: "plan" for p in plans}
    kinds |= {src.value(p, FK.period): "period" for p in plans if src.value(p, FK.period) is not None}
    for cls in ("SocialWelfareCouncil", "Department", "ResidentActor", "CommunityBody"):
        kinds |= {a: "actor" for a in src.subjects(RDF_TYPE, FK[cls])}
    kinds |= {e: "element" for e in src.subjects(FK.parent, None)}
    out = rdflib.Graph()
    for s, p, o in src:
        kind = kinds.get(s)
        if kind and p in props[kind]:
            if isinstance(o, rdflib.Literal) and o.language not in (None, "ja", "en"):
                continue
            if p == rdflib.RDFS.label and kind != "actor" and isinstance(o, rdflib.Literal) and o.language == "en":
                continue  # English names of plans and documents are not in the template
            out.add((s, p, o))
    return out


def _same(expected: rdflib.Graph, got: rdflib.Graph):
    if not isomorphic(expected, got):
        _, only_expected, only_got = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        pytest.fail(f"lost: {sorted(only_expected)[:5]}\nadded: {sorted(only_got)[:5]}")


@pytest.mark.parametrize("code", CODES)
def test_csv_round_trip_is_isomorphic(code, tmp_path):
    expected = carried(code)
    assert len(expected) > 200
    got = csv_to_graph(write_csv(export_rows(code), tmp_path, code))
    _same(expected, got)


def test_xlsx_has_a_japanese_readme_and_the_csv_columns(tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx(export_rows("082368"), tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[:4] == ["使い方", "計画", "担い手", "要素"]
    readme = [row[0] for row in wb["使い方"].iter_rows(values_only=True)]
    assert "シート「要素」" in readme and "出典" in readme
    header = [c.value for c in wb["要素"][1]]
    assert header == [title for _, title in columns("elements")]
    assert header[:2] == ["全国地方公共団体コード", "地方公共団体名"]  # code and name first
    assert wb["要素"]["A2"].value == "082368"  # kept as text, leading zero included


def test_a_row_without_a_source_cites_the_spreadsheet_row(tmp_path):
    rows = export_rows("082368")
    for row in rows["elements"]:
        row["source"] = row["start_line"] = row["end_line"] = ""
    paths = write_csv(rows, tmp_path, "omitama")
    g = spreadsheet_graph(paths["elements"], "082368")
    sheet = rdflib.URIRef("https://w3id.org/fukushi-kg/id/082368/source-omitama-elements-csv")
    assert (sheet, rdflib.URIRef("http://purl.org/dc/terms/identifier"), rdflib.Literal("omitama-elements.csv")) in g
    goal = rdflib.URIRef("https://w3id.org/fukushi-kg/id/082368/cwp4-g1")
    with paths["elements"].open(encoding="utf-8") as f:
        line = next(n for n, r in enumerate(csv.reader(f), start=1) if r[3] == "cwp4-g1")
    assert g.value(goal, FK.sourceFile) == sheet
    assert g.value(goal, FK.startLine).toPython() == line == g.value(goal, FK.endLine).toPython()


def test_a_missing_required_cell_is_reported_with_file_and_row(tmp_path):
    rows = export_rows("082368")
    rows["elements"][2]["label"] = ""
    paths = write_csv(rows, tmp_path, "bad")
    with pytest.raises(TemplateError) as err:
        csv_to_graph(paths)
    assert str(err.value) == "ファイル『bad-elements.csv』 4行 列『名称（印刷どおり）』: 値が必要です"


def test_export_of_an_unknown_municipality_says_so(capsys):
    assert main(["export", "--format", "csv", "011002"]) == 2
    assert "no bundled plan for municipality '011002'" in capsys.readouterr().err
