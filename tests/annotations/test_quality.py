"""Scoring annotations against hand-checked answers (server/annotations/quality.py, used by bench annotate)."""

from pathlib import Path

from server.annotations.quality import read_sample, read_sentences, score

TG = "https://w3id.org/fukushi-kg/id/concept/target-group/"
FN = "https://w3id.org/fukushi-kg/id/concept/multilayered-function/"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "annotations"


def test_precision_and_recall_are_counted_per_family():
    expected = {"a": {TG + "children", FN + "outreach"}, "b": set(), "c": {TG + "older-people"}}
    got = {"a": {TG + "children"}, "b": {TG + "children"}, "c": {TG + "older-people"}}
    s = score(expected, got)
    assert (s["tg"].tp, s["tg"].fp, s["tg"].fn) == (2, 1, 0)
    assert s["tg"].precision == 2 / 3 and s["tg"].recall == 1.0
    assert (s["fn"].tp, s["fn"].fn, s["fn"].precision, s["fn"].recall) == (0, 1, None, 0.0)
    assert s["fn"].misses == [("a", "fn:outreach")]


def test_the_fixtures_parse_and_hold_what_the_report_says():
    sample = read_sample(FIXTURES / "sample.tsv")
    assert len(sample) == 60
    assert {e.split("/id/")[1].split("/")[0] for e in sample} == {"082368", "141500", "142069", "352136", "402036"}
    dev, held_out = (read_sentences(FIXTURES / "unseen-sentences.tsv", s) for s in ("dev", "held-out"))
    assert len(dev) == len(held_out) == 22 and not set(dev) & set(held_out)
    assert set() in dev.values()  # sentences naming no concept are there, so precision is tested too


def test_the_third_set_is_fresh_and_names_only_concepts_of_the_scheme():
    import rdflib
    from rdflib.namespace import SKOS

    sample = read_sample(FIXTURES / "sample-3.tsv")
    earlier = set(read_sample(FIXTURES / "sample.tsv")) | set(read_sample(FIXTURES / "sample-2.tsv"))
    assert len(sample) == 60 and not set(sample) & earlier
    dev, held_out = (read_sentences(FIXTURES / "unseen-sentences-3.tsv", s) for s in ("dev", "held-out"))
    seen = set(read_sentences(FIXTURES / "unseen-sentences.tsv")) | set(
        read_sentences(FIXTURES / "unseen-sentences-2.tsv")
    )
    assert len(dev) == len(held_out) == 30 and not set(dev) & set(held_out) and not (set(dev) | set(held_out)) & seen
    assert set() in dev.values() and set() in held_out.values()
    scheme = rdflib.Graph().parse(Path(__file__).resolve().parents[2] / "ontology" / "vocabularies.ttl")
    concepts = {str(c) for c in scheme.subjects(rdflib.RDF.type, SKOS.Concept)}
    named = set().union(*sample.values(), *dev.values(), *held_out.values())
    assert named and named <= concepts, sorted(named - concepts)


def test_a_broader_proposal_is_implied_and_a_narrower_one_finds_its_ancestor():
    from server.annotations.quality import ancestors

    hierarchy = ancestors()
    # from the scheme: 非行少年 is narrower than 犯罪をした者等, 避難行動要支援者 than 要配慮者 (skos:narrower)
    assert TG + "offenders" in hierarchy[TG + "juvenile-delinquents"]
    assert TG + "persons-requiring-special-care" in hierarchy[TG + "persons-requiring-evacuation-support"]
    expected = {
        "a": {TG + "juvenile-delinquents"},  # offenders proposed beside it: implied, neither hit nor false positive
        "b": {TG + "older-people"},  # only the narrower older-people-living-alone proposed: found
        "c": {TG + "children"},  # a broader concept of nothing expected here stays a false positive
    }
    got = {
        "a": {TG + "juvenile-delinquents", TG + "offenders"},
        "b": {TG + "older-people-living-alone"},
        "c": {TG + "children", TG + "offenders"},
    }
    s = score(expected, got, hierarchy)["tg"]
    assert (s.tp, s.fp, s.fn) == (3, 1, 0)
    assert s.false_positives == [("c", "tg:offenders")]
    flat = score(expected, got)["tg"]  # without the hierarchy every level is its own concept
    assert (flat.tp, flat.fp, flat.fn) == (2, 3, 1)
