"""The worked example in docs/examples/: a draft of 小美玉市's plan made by `fukushi-kg import` from its seed
text, as Turtle and as the XLSX template. Both validate, and both say the same about the plan."""

from pathlib import Path

import rdflib
from rdflib.compare import isomorphic

from server.cli import main
from server.compliance.graphs import validate_files
from server.paths import ROOT, SOURCES_DIR

EXAMPLES = ROOT / "docs" / "examples"
FK = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")


def _without_proposals(g: rdflib.Graph) -> rdflib.Graph:
    proposals = set(g.subjects(rdflib.RDF.type, rdflib.RDF.Statement))
    out = rdflib.Graph()
    for t in g:
        if t[0] not in proposals:
            out.add(t)
    return out


def _tree(g: rdflib.Graph) -> set:
    return {
        (str(g.value(e, rdflib.RDFS.label)), g.value(e, rdflib.RDF.type), g.value(e, FK.parent), g.value(e, FK.order))
        for e in g.subjects(FK.parent, None)
    }


def test_the_turtle_example_is_what_the_importer_gives_today(tmp_path):
    out = tmp_path / "omitama-draft.ttl"
    seed = SOURCES_DIR / "000_c70c8bbf81b64066.txt"
    assert main(["import", str(seed), "--municipality", "082368", "--out", str(out)]) == 0
    shipped = rdflib.Graph().parse(EXAMPLES / "omitama-draft.ttl")
    assert isomorphic(_without_proposals(shipped), _without_proposals(rdflib.Graph().parse(out)))


def test_both_examples_validate_and_agree(tmp_path):
    draft = EXAMPLES / "omitama-draft.ttl"
    from_xlsx = tmp_path / "from-xlsx.ttl"
    assert (
        main(["import", str(EXAMPLES / "omitama-draft.xlsx"), "--municipality", "082368", "--out", str(from_xlsx)]) == 0
    )
    for path in (draft, from_xlsx):
        matrix = validate_files([path])
        [row] = matrix.rows
        assert row.structure == [] and matrix.unattributed == [], path
        assert matrix.exit_code() == 0
    a, b = rdflib.Graph().parse(draft), rdflib.Graph().parse(from_xlsx)
    assert len(_tree(a)) == 55
    assert _tree(a) == _tree(b)


def test_the_docs_page_points_at_the_examples():
    text = (ROOT / "docs" / "adding-a-plan.md").read_text(encoding="utf-8")
    for name in ("omitama-draft.ttl", "omitama-draft.xlsx", "omitama-review.html"):
        assert f"examples/{name}" in text
        assert Path(EXAMPLES / name).is_file()
