"""The shared Japanese word normalisation: spelling variants meet, and matches map back to the original."""

import pytest

from server.language import content_words, key, keyed, lemma_key, lemma_of, reading, words


@pytest.mark.parametrize(
    "variant, canonical",
    [
        ("障がい者", "障害者"),
        ("障碍者", "障害者"),
        ("見まもり", "見守り"),
        ("みまもり", "見守り"),
        ("こども", "子ども"),
        ("子供", "子ども"),
        ("ＡＢＣ１２３", "abc123"),
    ],
)
def test_variants_share_a_key(variant, canonical):
    assert key(variant) == key(canonical)


def test_different_words_keep_different_keys():
    assert key("障害者") != key("高齢者")
    assert key("見守り") != key("見直し")


def test_find_maps_a_term_back_to_the_original_characters():
    text = "高齢者や障がい者の見まもり活動を進めます"
    found = keyed(text)
    ((start, end),) = found.find(key("障害者"))
    assert text[start:end] == "障がい者"
    ((start, end),) = found.find(key("見守り"))
    assert text[start:end] == "見まもり"
    assert found.find(key("子ども")) == []


def test_reading_is_hiragana():
    assert reading("見守り") == reading("見まもり") == "みまもり"


def test_long_text_is_cut_into_pieces_and_offsets_stay_right():
    line = "地域の見守り活動を進めます。" * 400 + "\n"
    text = line * 3
    ws = words(text)
    assert all(text[w.start : w.end] == w.surface for w in ws)
    assert sum(1 for w in ws if w.form == key("見守り")) == 1200


def test_white_space_is_not_a_word():
    assert key("地域 福祉\u3000計画") == key("地域福祉計画")


@pytest.mark.parametrize(
    "noun, kana", [("支え合い", "支えあい"), ("助け合い", "助けあい"), ("支え合いの地域", "支えあいの地域")]
)
def test_a_noun_made_from_a_verb_meets_its_kana_spelling_in_the_lemma_key(noun, kana):
    assert lemma_key(noun) == lemma_key(kana)


def test_key_keeps_the_dictionary_forms_for_the_callers_that_compare_with_them():
    assert key("支え合い") == "支え合い" and key("支えあい") == "支え合う"


def test_a_noun_that_is_no_verb_keeps_its_form():
    assert lemma_of("暮らし", "名詞") == "暮らす"  # 暮らす is a verb
    assert lemma_of("独り暮らし", "名詞") == "独り暮らし"  # 独り暮らす is not one word
    assert lemma_of("見守る", "動詞") == "見守る"


def test_content_words_leave_particles_out_and_fold_spellings():
    assert content_words("障がいのある人と子どもの交流") == content_words("障害のある人と子供の交流")
    assert "の" not in content_words("障がいのある人")


def test_a_match_inside_a_word_written_as_its_normal_form_maps_to_its_own_characters():
    text = "高齢者や要介護者の支援"
    ((start, end),) = keyed(text).find(key("介護者"))
    assert text[start:end] == "介護者"
