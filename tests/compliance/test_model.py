"""The legal model in shapes/compliance/ is complete data: every requirement names its provision (with
e-Gov 法令ID and article link), source, addressee, duty and plan types, cites what its wording and
duty were checked against, and says what a plan lacking it would add."""

import re

import pytest
from compliance_cases import CONTRACT_IDS

from server.compliance import requirements as reqs
from server.compliance.evaluate import INFO, VIOLATION, WARNING, severity

CONTRACT = CONTRACT_IDS


@pytest.fixture(scope="module")
def model():
    return reqs.requirements()


def test_the_contract_ids_are_there_and_unique(model):
    ids = [r.key for r in model]
    assert len(ids) == len(set(ids))
    assert CONTRACT <= set(ids)


def test_every_requirement_is_fully_stated(model):
    for r in model:
        p = r.provision
        assert re.fullmatch(r"[0-9]{3}[A-Z]{2}[0-9]{10}", p.law_id or ""), r.key
        assert p.article and p.url == f"https://laws.e-gov.go.jp/law/{p.law_id}#Mp-At_{p.article.replace('の', '_')}"
        assert r.label.get("ja") and r.label.get("en") and r.fix.get("ja") and r.fix.get("en"), r.key
        assert r.applies_to and r.items and all(i.signals for i in r.items), r.key
        # what was checked: a reference for a statute, the plan or guideline for the others, or a note
        # saying the text could not be found
        assert r.checked or r.basis or r.checked_note, r.key
        if r.source.code != "statute":
            assert r.basis.get("ja"), r.key


def test_duties_as_the_law_reads(model):
    by_id = {r.key: r for r in model}
    expected = {
        "swa-107-2": ("statute", "plan-process", "effort"),
        "swa-107-3": ("statute", "plan-process", "effort"),
        "swa-106-5": ("statute", "plan-content", "effort"),
        "rpa-8": ("statute", "plan-content", "effort"),
        "gpa-14": ("statute", "plan-content", "effort"),
        "dca-49-10": ("statute", "municipality", "mandatory"),
        "dca-49-14": ("statute", "municipality", "effort"),
    }
    for key, want in expected.items():
        r = by_id[key]
        assert (r.source.code, r.addressee.code, r.duty.code) == want, key
    for r in model:
        if r.key.startswith(("rpa-8-np-", "gpa-14-np-")):
            assert (r.source.code, r.duty.code) == ("national-plan", "take-into-account"), r.key


@pytest.mark.parametrize(
    ("duty", "addressee", "verdict", "complete", "expected"),
    [
        ("mandatory", "plan-content", "absent", True, VIOLATION),
        ("mandatory", "plan-content", "partial", True, WARNING),
        ("mandatory", "plan-content", "undeterminable", False, INFO),
        ("effort", "plan-content", "absent", True, WARNING),
        ("effort", "plan-process", "absent", True, WARNING),
        ("mandatory", "municipality", "absent", True, INFO),
        ("take-into-account", "plan-content", "absent", True, INFO),
        ("recommendation", "plan-content", "absent", True, INFO),
        ("mandatory", "plan-content", "present", True, INFO),
    ],
)
def test_severity_follows_duty_and_addressee(duty, addressee, verdict, complete, expected):
    assert severity(duty, addressee, verdict, complete) == expected
