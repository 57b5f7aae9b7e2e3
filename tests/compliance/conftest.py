"""Fixtures of the compliance tests: the case files validated together (one run), and the bundled
plans' matrix computed from the session's published graph (one run, shared with /compliance)."""

import pytest
from compliance_cases import CASE_FILES, CASES


@pytest.fixture(scope="session")
def case_matrix():
    from server.compliance.graphs import validate_files

    # Every case has its own document and IRIs, so one run validates them all: a row per case.
    return validate_files([CASES / "_base.ttl", *CASE_FILES], source="tests/compliance/cases", workers=1)


@pytest.fixture(scope="session")
def bundled_matrix(published_dir):
    from server.compliance.graphs import published_matrix

    return published_matrix(published_dir)
