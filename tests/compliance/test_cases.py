"""Data-driven tests of the requirement shapes, in the pySHACL style.

Each file in cases/<requirement>/ adds one plan document to _base.ttl and says, with t:, what the
run must report for it: the cell's status (t:status), the things reported missing (t:missing: the
concepts or activity classes the SHACL results name as sh:value) and every element or activity
given as evidence (t:evidence). The file name says the kind of case: conforms-*, violates-*
(partly or missing) or not-applicable-*.
"""

import pytest
import rdflib
from compliance_cases import CASE_FILES, CASES
from rdflib.namespace import RDF

from server.compliance.evaluate import MISSING, NOT_APPLICABLE, PARTLY, SATISFIED
from server.graph.loading import load_files

T = rdflib.Namespace("https://w3id.org/fukushi-kg/test#")
KIND = {"conforms": {SATISFIED}, "violates": {PARTLY, MISSING}, "not-applicable": {NOT_APPLICABLE}}


def expectation(path):
    graph = load_files([path])
    case = graph.value(None, RDF.type, T.Case)
    assert case is not None, f"{path.name} states no t:Case"
    return {
        "document": str(graph.value(case, T.document)),
        "requirement": str(graph.value(case, T.requirement)),
        "status": str(graph.value(case, T.status)),
        "missing": {str(m) for m in graph.objects(case, T.missing)},
        "evidence": {str(e) for e in graph.objects(case, T.evidence)},
    }


def reported(cell) -> tuple[set, set]:
    """(what the cell reports missing, the IRIs it gives as evidence)."""
    if cell.requirement.is_structure:
        return set(), {f.focus for f in cell.findings if f.severity == "Violation"}
    missing = {str(r.item.value) for p in cell.plans for r in p.items if not r.met}
    evidence = {e.iri for p in cell.plans for r in p.items for e in r.evidence}
    evidence |= {e.iri for p in cell.plans for e in p.partly_evidence}
    return missing, evidence


@pytest.mark.parametrize("path", CASE_FILES, ids=[str(p.relative_to(CASES).with_suffix("")) for p in CASE_FILES])
def test_case(path, case_matrix):
    want = expectation(path)
    assert path.parent.name == want["requirement"], "a case lives in the folder of its requirement"
    kind = next(k for k in KIND if path.stem.startswith(k + "-"))
    assert want["status"] in KIND[kind], f"{path.name}: a {kind} case cannot expect {want['status']}"
    rows = [r for r in case_matrix.rows if r.document == want["document"]]
    assert len(rows) == 1
    cell = rows[0].cells[want["requirement"]]
    missing, evidence = reported(cell)
    assert (cell.status, missing, evidence) == (want["status"], want["missing"], want["evidence"])


def test_every_requirement_has_a_conforming_and_a_violating_case(case_matrix):
    kinds = {}
    for path in CASE_FILES:
        kinds.setdefault(path.parent.name, set()).add(path.stem.split("-")[0])
    for req in case_matrix.requirements:
        assert {"conforms", "violates"} <= kinds.get(req.key, set()), req.key
        if not req.is_structure:
            assert "not" in kinds[req.key], f"{req.key} has no not-applicable case"


def test_other_requirements_of_the_cases_are_consistent(case_matrix):
    """Beyond the cell each case is about: a SHACL result exactly where the evidence finder finds nothing."""
    for row in case_matrix.rows:
        for cell in row.cells.values():
            for plan in cell.plans:
                for result in plan.items:
                    assert result.met == bool(result.evidence), (row.document, result.item.key)
            if not cell.requirement.is_structure and cell.status == NOT_APPLICABLE:
                assert cell.plans == []


def test_only_the_structure_case_breaks_the_structural_shapes(case_matrix):
    broken = {row.document for row in case_matrix.rows if row.cells["Structure"].status != SATISFIED}
    assert broken == {"https://example.org/compliance/Structure/violates-element-without-source/doc"}
    assert case_matrix.unattributed == []
    assert case_matrix.exit_code() == 1
