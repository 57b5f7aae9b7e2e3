"""The shared Japanese word normalisation: spelling variants meet, and matches map back to the original."""

import pytest

from server.language import key, keyed, reading, words


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
