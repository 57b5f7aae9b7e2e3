"""Data-driven tests of the model's rules, in the pySHACL style.

Each file in cases/ adds plan documents to _base.ttl and states with t:Case what the run must
report for one document × requirement: the verdict (t:verdict), the severity (t:severity), every
element given as evidence (t:evidence) and every element whose tag is reported as not supported by
its text (t:unsupported).
"""

import pytest
import rdflib
from compliance_cases import CASE_FILES
from rdflib.namespace import RDF

from server.graph.loading import load_files

T = rdflib.Namespace("https://w3id.org/fukushi-kg/test#")


def expectations():
    for path in CASE_FILES:
        graph = load_files([path])
        cases = sorted(graph.subjects(RDF.type, T.Case))
        assert cases, f"{path.name} states no t:Case"
        for case in cases:
            yield pytest.param(
                {
                    "document": str(graph.value(case, T.document)),
                    "requirement": str(graph.value(case, T.requirement)),
                    "verdict": str(graph.value(case, T.verdict)),
                    "severity": str(graph.value(case, T.severity)),
                    "evidence": {str(e) for e in graph.objects(case, T.evidence)},
                    "unsupported": {str(e) for e in graph.objects(case, T.unsupported)},
                },
                id=f"{path.stem}:{case.rsplit('/', 1)[-1]}",
            )


@pytest.mark.parametrize("expected", list(expectations()))
def test_case(case_matrix, expected):
    row = next(r for r in case_matrix.rows if r.document == expected["document"])
    cell = row.cells[expected["requirement"]]
    assert (cell.verdict, cell.severity) == (expected["verdict"], expected["severity"]), cell.reason_en
    assert {e.element for e in cell.evidence} == expected["evidence"]
    for e in cell.evidence:  # a draft's own label or description is its text, quoted as such
        assert e.source_file is None and e.signal in e.quote
    assert {t["element"] for t in cell.unsupported_tags} == expected["unsupported"]


def test_every_case_names_a_known_requirement(case_matrix):
    ids = {r.key for r in case_matrix.requirements}
    for param in expectations():
        assert param.values[0]["requirement"] in ids
