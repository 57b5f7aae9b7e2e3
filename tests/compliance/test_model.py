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
        # the link reaches the article, paragraph and item the requirement rests on
        anchor = f"Mp-At_{p.article.replace('の', '_')}"
        anchor += f"-Pa_{p.paragraph}" if p.paragraph else ""
        anchor += f"-It_{p.item}" if p.item else ""
        assert p.article and p.url == f"https://laws.e-gov.go.jp/law/{p.law_id}#{anchor}", r.key
        # the law pinned to its version: revision date, the day the present wording took effect, a primary source
        assert p.version.get("version_date") and p.in_force_since, r.key
        assert p.sources and all(u.startswith("https://laws.e-gov.go.jp/law/") for u in p.sources[:1]), r.key
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
        # 107条1項各号: what the plan sets (法定記載事項); making the plan is an effort duty (107条1項)
        **{f"swa-107-1-{n}": ("statute", "plan-content", "statutory-content") for n in range(1, 6)},
        "swa-106-5-3": ("statute", "plan-content", "mandatory"),  # 「調和が保たれたものでなければならない」
        "rpa-8-2": ("statute", "plan-process", "effort"),
        "gpa-14-1-2": ("statute", "municipality", "effort"),
        "gpa-14-2": ("statute", "municipality", "effort"),
    }
    for key, want in expected.items():
        r = by_id[key]
        assert (r.source.code, r.addressee.code, r.duty.code) == want, key
    for r in model:
        if r.key.startswith(("rpa-8-np-", "gpa-14-np-")):
            assert (r.source.code, r.duty.code) == ("national-plan", "take-into-account"), r.key


def test_one_source_of_truth_for_each_duty(model):
    """A statute requirement's duty is its provision's fk:dutyType; nothing in shapes/compliance/ states one."""
    codes = {"MandatoryDuty": "mandatory", "EffortDuty": "effort", "StatutoryContent": "statutory-content"}
    for r in model:
        if r.source.code == "statute":
            assert r.duty.code == codes[r.provision.duty_type], r.key
    for path in reqs.shape_files(reqs.COMPLIANCE):
        assert "fks:duty " not in path.read_text(encoding="utf-8"), path.name


def test_a_requirement_stating_its_own_duty_is_refused():
    from server.graph.validation import shapes_graph
    from server.paths import DATA_DIR

    graph = shapes_graph(reqs.COMPLIANCE)
    graph.parse(DATA_DIR / "legislation.ttl", format="turtle")
    graph.add((reqs.FKS["swa-107-2"], reqs.FKS.duty, reqs.FKS.mandatory))
    with pytest.raises(ValueError, match="fks:duty"):
        reqs.read_requirements(graph)


def test_the_guardianship_article_keeps_its_2016_number(model):
    gpa = next(r for r in model if r.key == "gpa-14")
    assert gpa.provision.former_article == "23"  # older plans cite 第23条 (the 2016 text)


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
        # a statutory item missing from a complete plan is a point to confirm, never a violation
        ("statutory-content", "plan-content", "absent", True, WARNING),
        ("statutory-content", "plan-content", "partial", True, WARNING),
        ("statutory-content", "plan-content", "absent", False, INFO),
    ],
)
def test_severity_follows_duty_and_addressee(duty, addressee, verdict, complete, expected):
    assert severity(duty, addressee, verdict, complete) == expected
