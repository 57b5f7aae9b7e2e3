"""Each plan is checked against the law in force at its adoption date; a later change is reported."""

import rdflib

from server.compliance import requirements as reqs
from server.compliance import versions
from server.compliance.requirements import FK


def provision(key):
    return next(r for r in reqs.requirements() if r.key == key).provision


def test_adoption_date_from_planned_adoption_or_period():
    g = rdflib.Graph()
    plan, other, period = rdflib.URIRef("urn:p"), rdflib.URIRef("urn:q"), rdflib.URIRef("urn:per")
    g.add((plan, FK.plannedAdoption, rdflib.Literal("2026-03", datatype=rdflib.XSD.gYearMonth)))
    assert versions.adoption(g, [plan])["date"] == "2026-03-01"
    g.add((other, FK.period, period))
    g.add((period, FK.startFiscalYear, rdflib.Literal(2020)))
    assert versions.adoption(g, [other]) == {
        "date": "2020-04-01",
        "basis_ja": "計画期間の初日",
        "basis_en": "first day of the plan period",
        "plan": "urn:q",
    }
    assert versions.adoption(g, [rdflib.URIRef("urn:none")])["date"] is None


def test_a_plan_made_before_the_present_wording_is_told_so():
    p = provision("dca-49-14")  # individual evacuation plans: in force 2021-05-20
    before = versions.note(p, {"date": "2020-04-01", "basis_ja": "計画期間の初日", "basis_en": "x"})
    after = versions.note(p, {"date": "2024-04-01", "basis_ja": "計画期間の初日", "basis_en": "x"})
    assert before["changed_after_adoption"] and "2021-05-20" in before["ja"] and "個別避難計画" in before["ja"]
    assert not after["changed_after_adoption"] and "ja" not in after
    assert after["version_date"] == "2021-05-20" and after["law_revision_id"].startswith("336AC0000000223_")


def test_the_bundled_plans_are_checked_against_the_law_as_in_force_then(bundled_matrix):
    kurume = next(r for r in bundled_matrix.rows if r.code == "402036")
    assert kurume.adoption["date"] == "2026-03-01"  # 「令和8年3月 策定」 (003:125)
    cell = kurume.cells["swa-107-1-1"]
    assert cell.version_note["in_force_since"] == "2018-04-01" and not cell.version_note["changed_after_adoption"]
