"""Named questions with parameters: each run compared with the rows the data files give (the expected sets of
tests/sparql/test_competency_queries.py, restricted by hand), and bad values refused with a message."""

import pytest

from server.questions import named
from server.questions.parameters import ParameterError, bind, substitute, values_blocks

ID = "https://w3id.org/fukushi-kg/id/"
MUNI = ID + "municipality/"


def run(questions, lookup, rows, name, **params):
    return rows(bind(questions[name], {k.replace("_", "-"): v for k, v in params.items()}, lookup).text)


def test_every_question_declares_municipality_and_prefecture(questions):
    for q in questions.values():
        assert {"municipality", "prefecture"} <= set(q.parameter_names), q.name


def test_plan_structure_for_one_municipality(questions, lookup, rows):
    got = {r["plan"].removeprefix(ID) for r in run(questions, lookup, rows, "plan-structure", municipality="352136")}
    assert got == {"352136/cwp3", "352136/rpp", "352136/cwap3"}


def test_prefecture_keeps_its_municipalities(questions, lookup, rows):
    # 神奈川県 (14): 相模原市 141500 and 小田原市 142069; 小田原市's one plan has no stated kind (no row in plans)
    got = {r["city"] for r in run(questions, lookup, rows, "basic-philosophy", prefecture="14")}
    assert got == {MUNI + "141500", MUNI + "142069"}
    by_name = {r["city"] for r in run(questions, lookup, rows, "basic-philosophy", prefecture="神奈川県")}
    assert by_name == got


def test_municipality_and_prefecture_together_intersect(questions, lookup, rows):
    assert run(questions, lookup, rows, "plans", municipality="352136", prefecture="14") == []
    got = run(questions, lookup, rows, "plans", municipality="352136,141500", prefecture="14")
    assert {r["city"] for r in got} == {MUNI + "141500"}


def test_a_prefecture_without_plans_answers_no_rows(questions, lookup, rows):
    assert run(questions, lookup, rows, "measures", prefecture="01") == []


def test_measures_by_target_group(questions, lookup, rows):
    # 美祢市's measures annotated 高齢者 (older-people), as data/municipalities/352136-mine/ and the decisions say
    got = run(questions, lookup, rows, "measures", municipality="352136", target_group="older-people")
    everything = run(questions, lookup, rows, "measures", municipality="352136")
    assert 0 < len({r["measure"] for r in got}) < len({r["measure"] for r in everything})
    annotated = {
        r["m"]
        for r in rows(
            "SELECT ?m WHERE { ?m a <https://w3id.org/fukushi-kg/ontology#Measure> ; "
            "<https://w3id.org/fukushi-kg/ontology#targetGroup> "
            "<https://w3id.org/fukushi-kg/id/concept/target-group/older-people> ; "
            "<https://w3id.org/fukushi-kg/ontology#partOf> <https://w3id.org/fukushi-kg/id/352136/cwp3> }"
        )
    }
    assert {r["measure"] for r in got} == annotated


def test_evacuation_target_group_default_is_the_shipped_group(questions, lookup, rows):
    shipped = rows(questions["evacuation-support-measures"].text)
    explicit = run(
        questions, lookup, rows, "evacuation-support-measures", target_group="persons-requiring-evacuation-support"
    )
    assert {(r["city"], r["measure"]) for r in explicit} == {(r["city"], r["measure"]) for r in shipped}
    # 成年後見 (persons-with-diminished-capacity) has no broader group: only elements naming it directly
    other = run(questions, lookup, rows, "evacuation-support-measures", target_group="persons-with-diminished-capacity")
    assert other and {r["group"] for r in other} == {ID + "concept/target-group/persons-with-diminished-capacity"}


def test_coverage_for_one_function(questions, lookup, rows):
    got = run(questions, lookup, rows, "multilayered-support-coverage", function="participation-support")
    # every municipality with a row for the one function (0 where nothing realises it)
    assert {r["city"] for r in got} == {MUNI + c for c in ("082368", "141500", "142069", "352136", "402036")}
    assert {r["notation"] for r in got} == {"2"}


def test_plans_in_force_in_another_year(questions, lookup, rows):
    # 2021: only 久留米市's 第1期 (R2–R7 = 2020–2025, seed 003 line 40) has a stated period including it
    got = run(questions, lookup, rows, "plans-in-force", fiscal_year="2021")
    assert {r["plan"].removeprefix(ID) for r in got} == {"402036/plan1"}


@pytest.mark.parametrize(
    "name, params, words",
    [
        ("plans", {"municipality": "352135"}, "check digit"),
        ("plans", {"municipality": "352136 } ?s ?p ?o {"}, "全国地方公共団体コード"),
        ("plans", {"prefecture": "48"}, "prefectures.ttl"),
        ("plans", {"target-group": "older-people"}, "takes no parameter target-group"),
        ("measures", {"target-group": "<http://example.org/x>"}, "vocabularies.ttl"),
        ("plans-in-force", {"fiscal-year": "2025) } #"}, "Gregorian year"),
    ],
)
def test_bad_values_are_refused(questions, lookup, name, params, words):
    with pytest.raises(ParameterError, match=r".* / .*") as caught:
        bind(questions[name], params, lookup)
    assert words in str(caught.value)


def test_a_values_block_in_a_comment_or_string_is_not_taken():
    text = (
        '# Parameter: municipality ?city x\n# VALUES ?city { UNDEF }\nSELECT * WHERE { ?city ?p "VALUES ?city { 1 }" }'
    )
    with pytest.raises(named.QuestionError, match="needs a .VALUES"):
        named.parse("x", text)
    assert values_blocks(text) == {}


def test_a_declared_parameter_without_its_block_is_refused():
    with pytest.raises(named.QuestionError, match=r"\?group"):
        named.parse("x", "# Parameter: target-group ?group x\nSELECT * WHERE { VALUES ?city { UNDEF } }")


def test_a_repeated_block_gets_the_values_too_and_must_agree():
    text = (
        "# Parameter: municipality ?city x\n"
        "SELECT * WHERE { VALUES ?city { UNDEF } ?city ?p ?o\n"
        "  OPTIONAL { SELECT ?city WHERE { VALUES ?city { UNDEF } } } }"
    )
    question = named.parse("x", text)
    bound = substitute(question.text, {"city": ["<urn:a>"]})
    assert bound.count("VALUES ?city { <urn:a> }") == 2 and "UNDEF" not in bound
    with pytest.raises(named.QuestionError, match="different defaults"):
        named.parse("y", text.replace("VALUES ?city { UNDEF } ?city", "VALUES ?city { <urn:b> } ?city"))
