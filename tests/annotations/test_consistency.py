"""Near-duplicate consistency: elements saying nearly the same thing carry the same annotations, or the words
that make them differ are recorded."""

import pytest

from server.annotations.annotator import element_texts
from server.annotations.consistency import (
    COLUMNS,
    NEAR_DUPLICATES_FILE,
    near_duplicate_groups,
    near_duplicate_pairs,
    problems,
    read_settled,
)
from server.annotations.decisions import Decision, read_decisions
from server.datafile import DataFileError
from server.graph.loading import load_files
from server.paths import graph_input_files

ID = "https://w3id.org/fukushi-kg/id/"
TG = "https://w3id.org/fukushi-kg/id/concept/target-group/"
FN = "https://w3id.org/fukushi-kg/id/concept/multilayered-function/"
P_TG = "https://w3id.org/fukushi-kg/ontology#targetGroup"
P_FN = "https://w3id.org/fukushi-kg/ontology#realisesFunction"


def tag(element, concept, via="text", verdict="accepted", evidence="x", prop=None):
    prop = prop or (P_FN if concept.startswith(FN) else P_TG)
    return Decision(ID + element, prop, concept, verdict, via, evidence, "", 0, "t", "2026-12-04", "agent")


TEXTS = {
    ID + "a/1": "障がいのある人の交流の場づくり",
    ID + "b/1": "障害のある人の交流の場づくりを進めます",  # the same words, other spellings
    ID + "c/1": "高齢者の見守り活動",
    ID + "d/1": "防災訓練の実施",
}


def write(tmp_path, rows):
    path = tmp_path / "near-duplicates.tsv"
    path.write_text("\t".join(COLUMNS) + "\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_texts_are_compared_by_normalised_words_not_by_identical_labels():
    assert near_duplicate_pairs(TEXTS) == [(ID + "a/1", ID + "b/1")]
    assert near_duplicate_groups(TEXTS) == [[ID + "a/1", ID + "b/1"]]


def test_a_difference_on_own_words_is_reported_until_the_tags_agree(tmp_path):
    path = write(tmp_path, [])
    decisions = [tag("a/1", TG + "people-with-disabilities"), tag("a/1", FN + "community-building")]
    found = problems(TEXTS, decisions, [], path)
    assert len(found) == 2 and all("b/1" in p and "a/1 has" in p for p in found)
    agreed = decisions + [tag("b/1", TG + "people-with-disabilities"), tag("b/1", FN + "community-building")]
    assert problems(TEXTS, agreed, [], path) == []


def test_an_inherited_tag_or_a_rejected_proposal_is_not_a_difference(tmp_path):
    decisions = [
        tag("a/1", FN + "community-building", via="heading"),
        tag("a/1", TG + "people-with-disabilities"),
        tag("b/1", TG + "people-with-disabilities", verdict="rejected"),
    ]
    assert problems(TEXTS, decisions, [], write(tmp_path, [])) == []


def test_a_reason_alone_does_not_settle_a_difference(tmp_path):
    texts = {ID + "a/1": "多機関協働、アウトリーチを通じた取組の推進", ID + "b/1": "多機関協働による取組の推進"}
    decisions = [tag("a/1", FN + "outreach"), tag("a/1", FN + "multi-agency-collaboration")]
    decisions += [tag("b/1", FN + "multi-agency-collaboration")]
    assert near_duplicate_pairs(texts)
    who = ("t", "2026-12-04", "agent")
    # words both texts hold: not a difference of words, so the row does not count
    bad = write(tmp_path, [("a/1", "b/1", "fn:outreach", "多機関協働", "ちがう", *who)])
    (problem,) = problems(texts, decisions, read_settled(bad), bad)
    assert "「多機関協働」 must be words of a/1 that b/1 lacks" in problem
    good = write(tmp_path, [("a/1", "b/1", "fn:outreach", "アウトリーチ", "a/1 はアウトリーチを名指す", *who)])
    assert problems(texts, decisions, read_settled(good), good) == []
    # a row for a difference that no longer exists must go
    agreed = decisions + [tag("b/1", FN + "outreach")]
    (stale,) = problems(texts, agreed, read_settled(good), good)
    assert "no such difference any more" in stale


def test_a_row_without_words_names_file_and_line(tmp_path):
    path = write(tmp_path, [("a/1", "b/1", "fn:outreach", "", "理由", "t", "2026-12-04", "agent")])
    with pytest.raises(DataFileError) as info:
        read_settled(path)
    assert info.value.line == 2 and "words, reason and decided_by are required" in info.value.message


def test_the_bundled_data_has_no_undecided_near_duplicate_difference():
    data = load_files([f for f in graph_input_files() if f.suffix == ".ttl"])
    texts = {e: own for e, (own, _) in element_texts(data).items()}
    assert problems(texts, read_decisions(), read_settled()) == []
    assert NEAR_DUPLICATES_FILE.exists() and read_settled()  # the decided differences are recorded, not absent


def test_the_table_is_described_by_its_csvw_metadata():
    import json

    meta = json.loads((NEAR_DUPLICATES_FILE.parent / "near-duplicates.tsv-metadata.json").read_text(encoding="utf-8"))
    assert meta["url"] == NEAR_DUPLICATES_FILE.name
    assert tuple(c["name"] for c in meta["tableSchema"]["columns"]) == COLUMNS
