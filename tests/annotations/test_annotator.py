"""The annotator on small fixed texts: what it proposes, and why."""

import pytest

from server.annotations.annotator import Proposal, propose
from server.annotations.lexicon import load_lexicon, normalise

FK = "https://w3id.org/fukushi-kg/ontology#"
TG = "https://w3id.org/fukushi-kg/id/concept/target-group/"
FN = "https://w3id.org/fukushi-kg/id/concept/multilayered-function/"
RP = "https://w3id.org/fukushi-kg/id/concept/recidivism-priority/"
TP = "https://w3id.org/fukushi-kg/id/concept/topic/"


def found(proposals):
    return {(p.concept, p.matched, p.via) for p in proposals}


def test_normalise_folds_spelling_variants_and_width():
    assert normalise("障がいのある人") == normalise("障碍のある人") == "障害のある人"
    assert normalise("支えあい の 地域") == "支え合いの地域"
    assert normalise("子どもの居場所作り") == "こどもの居場所づくり"
    assert normalise("ＤＶ　対策") == "DV対策"


def test_terms_in_the_text_are_proposed_with_the_words_matched():
    got = propose("ひとり暮らしの高齢者や障がいのある人への見守り")
    assert found(got) == {
        (TG + "older-people-living-alone", "ひとり暮らしの高齢者", "text"),
        (TG + "people-with-disabilities", "障害のある人", "text"),
    }
    assert all(p.element is None and p.property == FK + "targetGroup" for p in got)


def test_a_term_inside_a_longer_term_does_not_count():
    # 避難行動要支援者 is not also 要支援者; 要介護者 is not 介護者
    assert found(propose("避難行動要支援者への支援")) == {
        (TG + "persons-requiring-evacuation-support", "避難行動要支援者", "text")
    }
    assert found(propose("要介護者の支援")) == {(TG + "persons-requiring-long-term-care", "要介護者", "text")}


def test_excluded_words_do_not_signal_the_concept():
    assert propose("民生委員・児童委員との連携") == []
    assert found(propose("児童の見守り")) == {(TG + "children", "児童", "text")}


def test_headings_file_items_only_for_schemes_that_are_filed_so():
    got = propose("就労等の支援の推進", headings=["重層的支援体制の整備", "③参加支援", "高齢者の見守り"])
    assert found(got) == {(FN + "participation-support", "③参加支援", "heading")}
    # the element's own words win over its heading
    got = propose("参加支援の充実", headings=["③参加支援"])
    assert found(got) == {(FN + "participation-support", "参加支援", "text")}


def test_each_scheme_maps_to_its_property():
    got = {p.concept: p.property for p in propose("中核機関と保護司会、多機関協働、個別避難計画")}
    assert got == {
        TP + "core-agency": FK + "topic",
        RP + "private-cooperators": FK + "addressesPriority",
        FN + "multi-agency-collaboration": FK + "realisesFunction",
        TP + "individual-evacuation-plan": FK + "topic",
    }


def test_concepts_assigned_by_reading_are_never_proposed():
    assert not [p for p in propose("包括的な支援体制の整備と福祉サービスの適切な利用の推進") if "/cwp-" in p.concept]


def test_the_lexicon_is_read_from_the_vocabulary_file(tmp_path):
    path = tmp_path / "v.ttl"
    path.write_text(
        """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix tg: <https://w3id.org/fukushi-kg/id/concept/target-group/> .
        tg: a skos:ConceptScheme .
        tg:x a skos:Concept ; skos:inScheme tg: ;
            skos:prefLabel "ヤングケアラー"@ja ; skos:hiddenLabel "若年介護者"@ja .""",
        encoding="utf-8",
    )
    lexicon = load_lexicon(path)
    assert [c.terms for c in lexicon.concepts] == [("ヤングケアラー", "若年介護者")]
    assert found(propose("若年介護者への支援", lexicon=lexicon)) == {(TG + "x", "若年介護者", "text")}
    assert load_lexicon(path) is lexicon


@pytest.mark.parametrize("bad", ["", "   "])
def test_empty_text_proposes_nothing(bad):
    assert propose(bad) == []


def test_proposals_are_hashable_values():
    p = Proposal(None, FK + "topic", TP + "core-agency", "中核機関", "text")
    assert {p, Proposal(None, FK + "topic", TP + "core-agency", "中核機関", "text")} == {p}
