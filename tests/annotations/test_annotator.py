"""The annotator on small fixed texts: what it proposes, and why."""

import pytest

from server.annotations.annotator import Proposal, heading_parts, propose
from server.annotations.lexicon import load_lexicon, normalise

FK = "https://w3id.org/fukushi-kg/ontology#"
TG = "https://w3id.org/fukushi-kg/id/concept/target-group/"
FN = "https://w3id.org/fukushi-kg/id/concept/multilayered-function/"
RP = "https://w3id.org/fukushi-kg/id/concept/recidivism-priority/"
TP = "https://w3id.org/fukushi-kg/id/concept/topic/"


def found(proposals):
    return {(p.concept, p.matched, p.via) for p in proposals}


@pytest.mark.parametrize(
    "variant, written",
    [
        ("障がいのある人", "障碍のある人"),
        ("支えあい の 地域", "支え合いの地域"),
        ("ささえあい", "支え合い"),
        ("子どもの居場所作り", "こどもの居場所づくり"),
        ("取組", "取り組み"),
        ("ＤＶ　対策", "DV対策"),
    ],
)
def test_normalise_folds_spelling_variants_and_width(variant, written):
    assert normalise(variant) == normalise(written)


def test_terms_in_the_text_are_proposed_with_the_words_as_printed():
    got = propose("ひとり暮らしの高齢者や障がいのある人への見守り")
    assert found(got) == {
        (TG + "older-people-living-alone", "ひとり暮らしの高齢者", "text"),
        (TG + "people-with-disabilities", "障がいのある人", "text"),
    }
    assert all(p.element is None and p.property == FK + "targetGroup" for p in got)


@pytest.mark.parametrize(
    "text, concept",
    [
        ("分野を問わない相談窓口の設置", FN + "comprehensive-consultation"),
        ("分野を問わず相談を受け止めます", FN + "comprehensive-consultation"),
        ("なんでも相談できる窓口", FN + "comprehensive-consultation"),
        ("訪問による継続的な支援を行います", FN + "outreach"),
        ("本人に寄り添った伴走支援", FN + "outreach"),
        ("単身高齢者の見守り", TG + "older-people-living-alone"),
        ("介護や子育て、障がい、貧困などの生活課題", TG + "people-with-disabilities"),
        ("支援会議による情報共有", FN + "multi-agency-collaboration"),
        ("災害時要配慮者の避難", TG + "persons-requiring-special-care"),
    ],
)
def test_rewordings_planners_write_meet_the_lexicon(text, concept):
    assert concept in {p.concept for p in propose(text)}


def test_a_word_the_analyser_cuts_differently_in_context_still_matches_as_written():
    # 「範囲で居場所」 is read 範囲 / で / 居る / 場所: the written label 居場所づくり still matches
    got = propose("できる範囲で居場所づくりや運営等に参加しましょう")
    assert (FN + "community-building", "居場所づくり", "text") in found(got)


def test_excluded_words_keep_prevention_apart_from_the_people_it_prevents():
    assert TG + "people-with-dementia" not in {p.concept for p in propose("認知症予防の教室")}
    assert TG + "people-with-dementia" in {p.concept for p in propose("認知症の人の見守り")}


def test_a_term_inside_a_longer_term_does_not_count():
    # 避難行動要支援者 is not also 要支援者; 要介護者 is not 介護者
    assert found(propose("避難行動要支援者への支援")) == {
        (TG + "persons-requiring-evacuation-support", "避難行動要支援者", "text")
    }
    assert found(propose("要介護者の支援")) == {(TG + "persons-requiring-long-term-care", "要介護者", "text")}


def test_excluded_words_do_not_signal_the_concept():
    assert propose("民生委員・児童委員との連携") == []
    assert found(propose("児童の見守り")) == {(TG + "children", "児童", "text")}


def test_a_heading_does_not_reach_an_element_whose_own_words_name_another_concept_of_the_scheme():
    got = propose("総合相談体制の推進", headings=["多機関協働による包括的な支援体制の推進"])
    assert found(got) == {(FN + "comprehensive-consultation", "総合相談", "text")}
    # nor through a nearer heading that names another one
    got = propose("相談を受け止める体制づくり", headings=["多機関協働による推進", "包括的な相談支援体制の整備"])
    assert found(got) == {(FN + "comprehensive-consultation", "包括的な相談支援体制の整備", "heading")}


@pytest.mark.parametrize(
    "own, heading, inherited",
    [
        ("情報提供の充実", "情報提供体制の充実・包括的な相談支援", False),  # 小美玉 000:101
        ("民生委員と連携した相談の受け止め", "情報提供体制の充実・包括的な相談支援", True),
        ("多様な見守り活動による支え合い推進", "見守り活動・交流の場や居場所づくりの推進", False),  # 久留米 003:107
        ("出会い、交流できるつながりの機会の創出", "見守り活動・交流の場や居場所づくりの推進", True),
    ],
)
def test_the_other_half_of_a_two_part_heading_inherits_nothing(own, heading, inherited):
    got = {p.via for p in propose(own, headings=[heading])}
    assert ("heading" in got) is inherited


def test_heading_parts_cut_at_joining_marks_and_at_a_to_between_nouns_only():
    def parts(h):
        return [h[s:e] for s, e in heading_parts(h)]

    assert parts("情報提供体制の充実・包括的な相談支援") == ["情報提供体制の充実", "包括的な相談支援"]
    assert parts("非行の防止と学校と連携した修学支援") == ["非行の防止", "学校と連携した修学支援"]
    assert parts("【就労・住居】の確保") == ["【就労・住居】の確保"]


def test_inherited_proposals_carry_a_lower_confidence():
    (own,) = propose("参加支援の充実")
    (inherited,) = propose("就労等の支援", headings=["③参加支援"])
    assert inherited.via == "heading" and inherited.confidence < own.confidence


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
        TG + "persons-with-diminished-capacity": FK + "targetGroup",  # 中核機関 (of 成年後見) names them
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


@pytest.mark.parametrize(
    "text, headings, concept, words",
    [
        # the element names offenders itself
        ("刑務所を出た人が仕事に就けるよう支援します。", (), RP + "employment-and-housing", "仕事"),
        # a heading above it names 再犯
        ("協力して住まいを探す手伝いをします。", ("再犯防止のための支援",), RP + "employment-and-housing", "住まい"),
        ("中退した生徒が学校に戻れるよう支えます。", ("非行少年の立ち直り",), RP + "schooling-support", "学校"),
    ],
)
def test_a_recidivism_context_word_counts_where_offenders_are_named(text, headings, concept, words):
    assert (concept, words, "text") in found(propose(text, headings))


@pytest.mark.parametrize(
    "text, headings",
    [
        ("生活に困窮している人が仕事に就けるよう支援します。", ()),
        ("子育て世帯の住まいの確保を支援します。", ("子育て支援の充実",)),
    ],
)
def test_the_same_words_name_no_priority_without_offenders(text, headings):
    assert not {p.concept for p in propose(text, headings)} & {RP + "employment-and-housing"}


def test_an_agency_or_association_name_does_not_name_its_group():
    got = {p.concept for p in propose("こども家庭センターの充実と更生保護女性会の活動支援")}
    assert TG + "children" not in got and TG + "offenders" not in got
    assert RP + "private-cooperators" in got


# Issue 19, round 3: synonym groups, the plan's kind, conditional service names, lists of fields.


@pytest.mark.parametrize(
    "text, concept, words",
    [
        # SudachiDict puts 老人 in 高齢者's synonym group and 援助 in 支援's: the term meets them word for word
        ("老人の見守り", TG + "older-people", "老人"),
        ("包括的な相談援助", FN + "comprehensive-consultation", "包括的な相談援助"),
    ],
)
def test_a_term_meets_the_synonyms_of_its_words(text, concept, words):
    assert (concept, words, "text") in found(propose(text))


def test_a_word_without_a_shared_synonym_group_does_not_match():
    assert propose("援助の記録を残します") == []  # 支援 alone is no term: its synonym is none either


def test_an_excluded_synonym_group_does_not_stand_for_a_term():
    """居場所 shares a group with 所在 (where a thing is); the group is excluded, so 所在 is not a place to belong."""
    from server.annotations.lexicon import EXCLUDED_SYNONYM_GROUPS
    from server.language import words

    (shosai,) = words("所在")
    assert set(shosai.synonyms) & set(EXCLUDED_SYNONYM_GROUPS)
    assert FN + "community-building" not in {p.concept for p in propose("市内に支援センターが所在しています")}


def test_a_synonym_in_a_context_scheme_counts_only_in_its_context():
    """住まい is a synonym of 住居 (住居の確保 names the 再犯 priority), but only where offenders are named."""
    text = "住まいの確保を支援します。"
    assert RP + "employment-and-housing" in {p.concept for p in propose(text, ("再犯防止のための支援",))}
    assert RP + "employment-and-housing" not in {p.concept for p in propose(text, ("子育て支援の充実",))}


RPP = (FK + "RecidivismPreventionPlan", "再犯防止推進計画")


def test_an_item_of_a_recidivism_plan_is_about_offenders_from_the_plans_kind():
    got = {p.concept: p for p in propose("就労・住居の確保", plans=[RPP])}
    plan = got[TG + "offenders"]
    assert (plan.via, plan.matched) == ("plan", "再犯防止推進計画")
    # its own kind of evidence: weaker than the element's own words, stronger than a heading
    own = got[RP + "employment-and-housing"]
    assert own.via == "text" and own.confidence > plan.confidence > Proposal(None, "", "", "", "heading").confidence


def test_own_words_naming_offenders_win_over_the_plans_kind():
    (p,) = [p for p in propose("刑務所出所者の就労支援", plans=[RPP]) if p.concept == TG + "offenders"]
    assert p.via == "text"


@pytest.mark.parametrize(
    "text",
    [
        "地域における児童・生徒等の見守り活動",  # another target group is the subject
        "犯罪被害者等への支援",  # the victims
        "地域見守り防犯灯・防犯カメラ設置の支援",  # crime prevention for residents
        "保護司の確保への支援",  # the volunteers who help offenders
    ],
)
def test_an_item_naming_another_subject_does_not_get_the_plans_group(text):
    assert TG + "offenders" not in {p.concept for p in propose(text, plans=[RPP])}


def test_an_item_of_another_kind_of_plan_gets_nothing_from_its_kind():
    assert propose("就労の支援", plans=[(FK + "CommunityWelfarePlan", "地域福祉計画")]) == []


def test_element_plans_follow_parents_and_part_of():
    import rdflib

    g = rdflib.Graph().parse(
        data="""
        @prefix fk: <https://w3id.org/fukushi-kg/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix : <https://w3id.org/fukushi-kg/id/999999/> .
        :cwp a fk:CommunityWelfarePlan ; rdfs:label "地域福祉計画"@ja .
        :rpp a fk:RecidivismPreventionPlan ; rdfs:label "再犯防止推進計画"@ja .
        :p1 fk:parent :cwp ; rdfs:label "再犯防止"@ja ; fk:partOf :rpp .
        :p1-d1 fk:parent :p1 ; rdfs:label "就労の支援"@ja .
        :p2 fk:parent :cwp ; rdfs:label "子育て"@ja .
        """,
        format="turtle",
    )
    from server.annotations.annotator import element_plans

    plans = element_plans(g)
    base = "https://w3id.org/fukushi-kg/id/999999/"
    assert RPP in plans[base + "p1-d1"] and (FK + "CommunityWelfarePlan", "地域福祉計画") in plans[base + "p1-d1"]
    assert plans[base + "p2"] == [(FK + "CommunityWelfarePlan", "地域福祉計画")]


@pytest.mark.parametrize(
    "text, tagged",
    [
        ("地域包括支援センターで高齢者の相談を受けます。", True),
        ("身近な相談窓口として基幹相談支援センターを周知します。", True),
        ("困りごとを自立相談支援機関につなぎます。", True),
        # the label is the title of its description: the two are read as one sentence
        ("地域包括支援センターの充実|二つの地域において、高齢者の相談支援を行います。", True),
        ("地域包括支援センターの職員を増やします。", False),
        ("基幹相談支援センターを設置します。", False),  # 相談 inside the name is not the condition
        ("地域包括支援センターを新設します。また、市役所の相談窓口を案内します。", False),  # another sentence
    ],
)
def test_a_service_name_counts_for_comprehensive_consultation_only_where_the_sentence_speaks_of_it(text, tagged):
    assert (FN + "comprehensive-consultation" in {p.concept for p in propose(text)}) is tagged


@pytest.mark.parametrize(
    "text, absent, present",
    [
        (
            "高齢・障害・子ども・生活困窮など分野を問わず相談に応じます。",
            ("older-people", "children"),
            FN + "comprehensive-consultation",
        ),
        (
            "社会福祉法人が、高齢、障害、児童、介護の枠組みを超え、情報交換を図ります。",
            ("children", "people-with-disabilities"),
            None,
        ),
        ("子どもから高齢者まで誰もが集える交流の場", ("children", "older-people"), FN + "community-building"),
    ],
)
def test_a_list_of_fields_does_not_name_each_group(text, absent, present):
    got = {p.concept for p in propose(text)}
    assert not got & {TG + a for a in absent}
    assert present is None or present in got


def test_a_list_of_people_still_names_each_group():
    got = {p.concept for p in propose("高齢者、障害のある人、子どもなどの見守りを行います。")}
    assert {TG + "older-people", TG + "people-with-disabilities", TG + "children"} <= got


def test_a_functions_heading_does_not_reach_a_residents_role():
    """A 重層 function is a project the municipality runs (fn: fk:notReachedFromHeadings fk:Role): a role filed
    under its heading does not inherit it, while a direction there does, and the role's own words still count."""
    heading = ["多機関協働による包括的な支援体制の推進"]
    role, direction = [FK + "Role"], [FK + "Direction"]
    assert propose("関係機関の調整", heading, classes=role) == []
    assert found(propose("関係機関の調整", heading, classes=direction)) == {
        (FN + "multi-agency-collaboration", heading[0], "heading")
    }
    assert FN + "community-building" in {p.concept for p in propose("交流の場づくり", heading, classes=role)}


def test_a_functions_heading_reaches_only_an_element_whose_own_words_support_it():
    """fn: fk:headingNeedsSupport: the heading's function reaches a child whose own words hold a word of the
    function's labels, definition or scope note (or a synonym of one), and no other child (issue 19d)."""
    heading = ["多機関協働による包括的な支援体制の推進"]
    direction = [FK + "Direction"]
    # 小田原 cwp4-g1-p1-d6: a place to talk is not itself multi-agency work (課題 is every function's word)
    assert propose("課題に対する話し合いの場・つながりの創出", heading, classes=direction) == []
    assert propose("近所づきあいの構築", heading, classes=direction) == []
    # 機関 and 調整 are words of the function's name and definition
    assert found(propose("関係機関の調整", heading, classes=direction)) == {
        (FN + "multi-agency-collaboration", heading[0], "heading")
    }
    # 連携 is a word of its labels (多機関が連携)
    assert FN + "multi-agency-collaboration" in {p.concept for p in propose("庁内の連携強化", heading)}
    # a 再犯 priority's heading needs no such support (its scheme is not marked)
    rp_heading = ["就労・住居の確保", "犯罪をした者等の社会復帰"]
    assert RP + "employment-and-housing" in {p.concept for p in propose("協力の推進", rp_heading)}


@pytest.mark.parametrize(
    "text, named",
    [
        # 美祢 cwp3-g1-p2-d2-s01: the topic of a shared understanding in a training, not outreach done
        ("研修会などでアウトリーチの在り方の共通理解を目指します。", False),
        ("多機関協働について職員研修を行います。", False),
        ("包括的な相談支援に関する学習会を開きます。", False),
        ("アウトリーチの在り方を検討します。", False),
        ("アウトリーチにより支援が届いていない人を訪ねます。", True),
        # a topic marker without a study word in the sentence: still practised
        ("アウトリーチについては社会福祉協議会が担います。", True),
        # a study word in another sentence does not count
        ("アウトリーチについては社協が担います。職員の研修も行います。", True),
    ],
)
def test_a_function_named_as_the_topic_of_a_study_is_not_proposed(text, named):
    concepts = {p.concept for p in propose(text)}
    fn = {c for c in concepts if c.startswith(FN)}
    assert bool(fn) == named, (text, fn)


@pytest.mark.parametrize(
    "text, concept",
    [
        ("満期釈放された人の住まい探しを手伝います。", TG + "offenders"),
        ("少年院を出院した若者の就労を支えます。", TG + "offenders"),
        ("家計の立て直しを一緒に考えます。", TG + "people-in-need"),
        ("一人で避難することが困難な方を把握します。", TG + "persons-requiring-evacuation-support"),
        ("どのような相談でも受け付けます。", FN + "comprehensive-consultation"),
        ("本人に寄り添い支援を続けます。", FN + "outreach"),
        ("関係機関が役割を分担して支えます。", FN + "multi-agency-collaboration"),
        ("地域子育て支援拠点を充実します。", FN + "community-building"),
    ],
)
def test_round_4_rewordings_meet_the_lexicon(text, concept):
    """Issue 19d's lexicon variants (ontology/vocabularies.ttl), each in a sentence of its own words."""
    assert concept in {p.concept for p in propose(text)}


def test_a_reworded_offender_phrase_does_not_fire_on_a_source():
    # 出所 alone is also "a source" (情報の出所): only 出所後/出所した/出所者 name people leaving prison
    assert TG + "offenders" not in {p.concept for p in propose("情報の出所を明らかにします。")}
