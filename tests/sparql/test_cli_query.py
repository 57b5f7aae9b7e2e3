"""`fukushi-kg query`: locally with pyoxigraph on the built graph, and against an endpoint with --endpoint."""

import csv
import io
import json

import pytest
import rdflib

from server.cli import main
from server.paths import QUERIES_DIR

FY2025 = "VALUES ?fiscalYear { 2025 }"
EXPECTED_IN_FORCE = {
    "141500/cwp5",
    "141500/gpp",
    "141500/rpp",
    "352136/cwp3",
    "352136/cwap3",
    "352136/rpp",
    "402036/plan1",
}


@pytest.fixture(scope="module")
def in_force_2025(tmp_path_factory):
    """plans-in-force.rq asked about FY2025 (its VALUES block set), so the answer does not move with the date."""
    text = (QUERIES_DIR / "plans-in-force.rq").read_text(encoding="utf-8")
    assert "VALUES ?fiscalYear { UNDEF }" in text
    path = tmp_path_factory.mktemp("queries") / "plans-in-force-2025.rq"
    path.write_text(text.replace("VALUES ?fiscalYear { UNDEF }", FY2025), encoding="utf-8")
    return path


def run(capsysbinary, *argv) -> tuple[int, bytes, str]:
    code = main(["query", *map(str, argv)])
    out, err = capsysbinary.readouterr()
    return code, out, err.decode("utf-8")


def plans(rows) -> set[str]:
    return {r.removeprefix("https://w3id.org/fukushi-kg/id/") for r in rows}


@pytest.fixture(params=["local", "remote"])
def where(request, published_dir, live):
    return ["--published", published_dir] if request.param == "local" else ["--endpoint", live.endpoint]


def test_csv(capsysbinary, where, in_force_2025):
    code, out, _ = run(capsysbinary, in_force_2025, "--format", "csv", *where)
    assert code == 0
    assert out.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Japanese as UTF-8
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8-sig"))))
    # The headings are the query's Japanese column labels; an ?xLabel beside ?x takes its label.
    assert list(rows[0]) == ["市町村 (IRI)", "市町村", "計画 (IRI)", "計画", "開始年度", "終了年度", "対象年度"]
    assert plans(r["計画 (IRI)"] for r in rows) == EXPECTED_IN_FORCE
    assert {r["市町村"] for r in rows} == {"相模原市", "美祢市", "久留米市"}
    assert {r["対象年度"] for r in rows} == {"2025"}


def test_json(capsysbinary, where, in_force_2025):
    code, out, _ = run(capsysbinary, in_force_2025, "--format", "json", *where)
    assert code == 0
    doc = json.loads(out)
    assert {"cityLabel", "plan", "planLabel"} <= set(doc["head"]["vars"])
    assert plans(b["plan"]["value"] for b in doc["results"]["bindings"]) == EXPECTED_IN_FORCE


def test_tsv(capsysbinary, where, in_force_2025):
    code, out, _ = run(capsysbinary, in_force_2025, "--format", "tsv", *where)
    assert code == 0
    lines = out.decode("utf-8").splitlines()
    header = lines[0].split("\t")
    column = header.index("?plan")
    assert plans(line.split("\t")[column].strip("<>") for line in lines[1:]) == EXPECTED_IN_FORCE


def test_construct_as_turtle(capsysbinary, where, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("CONSTRUCT WHERE { <https://w3id.org/fukushi-kg/id/municipality/082368> ?p ?o }")
    code, out, _ = run(capsysbinary, query, "--format", "turtle", *where)
    assert code == 0
    graph = rdflib.Graph().parse(data=out, format="turtle")
    assert rdflib.Literal("小美玉市", lang="ja") in set(graph.objects(None, rdflib.RDFS.label))


def test_errors(capsysbinary, where, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT * WHERE { ?s ?p ")
    code, out, err = run(capsysbinary, bad, *where)
    assert code == 2 and out == b"" and "error" in err
    service = tmp_path / "service.rq"
    service.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    code, _, err = run(capsysbinary, service, *where)
    assert code == 2 and "SERVICE" in err


def test_format_that_cannot_carry_the_answer(capsysbinary, published_dir, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1")
    code, _, err = run(capsysbinary, query, "--format", "csv", "--published", published_dir)
    assert code == 2 and "Not Acceptable" in err


def test_named_query_with_parameters(capsysbinary, where):
    code, out, err = run(
        capsysbinary, "plans-in-force", "--param", "prefecture=35", "--param", "fiscal-year=2026", *where
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8-sig"))))
    # 美祢市 (山口県 35): 令和7–11年度 (2025–2029) includes 2026; the 第2次 plan states no period
    assert plans(r["計画 (IRI)"] for r in rows) == {"352136/cwp3", "352136/cwap3", "352136/rpp"}
    assert {r["対象年度"] for r in rows} == {"2026"}


def test_a_bad_parameter_is_a_one_line_error(capsysbinary, published_dir):
    code, out, err = run(capsysbinary, "plans", "--param", "municipality=35213", "--published", published_dir)
    assert code == 2 and out == b""
    assert err.startswith("error: 市町村コード 35213") and err.count("\n") == 1
