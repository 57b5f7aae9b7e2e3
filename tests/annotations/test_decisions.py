"""Recorded decisions: every proposal has one, every decision a proposal, and the build fails otherwise."""

import pytest
import rdflib

from server.annotations.annotator import element_plans, element_texts, propose_elements
from server.annotations.decisions import DECISIONS_FILE, check, decision_graph, read_decisions
from server.annotations.lexicon import normalise, plain
from server.datafile import DataFileError
from server.graph.build import AnnotationsUndecided, check_annotations
from server.graph.loading import load_files
from server.paths import graph_input_files

HEADER = "element\tproperty\tconcept\tverdict\tvia\tevidence\treason\tdecided_by\tdecided_on\treview\n"
WHO = ("a tester", "2026-12-04")
EL = "https://w3id.org/fukushi-kg/id/999999/cwp1-g1"


@pytest.fixture(scope="module")
def data():
    return load_files([f for f in graph_input_files() if f.suffix == ".ttl"])  # without the decisions table


@pytest.fixture(scope="module")
def decisions():
    return read_decisions()


@pytest.fixture(scope="module")
def proposals(data):
    return propose_elements(data)


def tiny_graph():
    g = rdflib.Graph()
    g.parse(
        data=f"""@prefix fk: <https://w3id.org/fukushi-kg/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{EL}> fk:parent <https://w3id.org/fukushi-kg/id/999999/cwp1> ; rdfs:label "高齢者の見守り"@ja .""",
        format="turtle",
    )
    return g


def write(tmp_path, rows):
    """Rows of the first seven columns get who decided, when, and a review fitting the verdict."""
    path = tmp_path / "decisions.tsv"

    def full(r):
        if len(r) != 7:
            return r
        return (*r, *WHO, "as-proposed" if r[3] == "accepted" else "agent")

    path.write_text(HEADER + "".join("\t".join(full(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_the_bundled_decisions_match_the_proposals(data, decisions, proposals):
    assert len(decisions) > 400
    assert check(data, decisions, proposals=proposals) == []


def test_every_decided_annotation_rests_on_words_of_the_text_or_a_heading(data, decisions):
    """...or, for a hand-added one or one from the plan's kind, the name of a plan it belongs to (相模原's 再犯
    priority names rest on 再犯防止推進計画; 美祢's 再犯 items on 第2次美祢市再犯防止推進計画, which their 施策 is
    part of)."""
    texts = element_texts(data)
    plans = element_plans(data)
    for d in decisions:
        own, headings = texts[d.element]
        assert d.evidence, d
        places = [own] + (headings if d.via in ("heading", "hand") else [])
        places += [label for _, label in plans[d.element]] if d.via in ("hand", "plan") else []
        # the annotator matches lemma keys and, where the analyser cuts a word otherwise in context, the letters
        assert any(normalise(d.evidence) in normalise(t) or plain(d.evidence) in plain(t) for t in places), (
            d.line,
            d.evidence,
        )


def test_rejected_proposals_say_why_and_stay_out_of_the_graph(published_dir, decisions):
    graph = rdflib.Graph().parse(published_dir / "fukushi-kg.nt")
    rejected = [d for d in decisions if d.verdict == "rejected"]
    assert rejected and all(d.reason for d in rejected)
    for d in decisions:
        triple = (rdflib.URIRef(d.element), rdflib.URIRef(d.property), rdflib.URIRef(d.concept))
        assert (triple in graph) == (d.verdict != "rejected"), d


def test_a_proposal_without_a_decision_fails(tmp_path):
    path = write(tmp_path, [])
    problems = check(tiny_graph(), read_decisions(path), path=path)
    assert len(problems) == 1
    assert "no decision on the proposal 999999/cwp1-g1 fk:targetGroup tg:older-people" in problems[0]
    assert "'高齢者'" in problems[0]


def test_a_decision_without_a_proposal_fails(tmp_path):
    rows = [
        ("999999/cwp1-g1", "fk:targetGroup", "tg:older-people", "accepted", "text", "高齢者", ""),
        ("999999/cwp1-g1", "fk:targetGroup", "tg:children", "rejected", "text", "児童", "not there"),
    ]
    path = write(tmp_path, rows)
    problems = check(tiny_graph(), read_decisions(path), path=path)
    assert problems == [f"{path}:3: the decision has no proposal any more: remove the row or record it as added"]


def test_an_annotation_stated_in_the_data_instead_of_decided_fails(tmp_path):
    graph = tiny_graph()
    graph.add(
        (
            rdflib.URIRef(EL),
            rdflib.URIRef("https://w3id.org/fukushi-kg/ontology#targetGroup"),
            rdflib.URIRef("https://w3id.org/fukushi-kg/id/concept/target-group/children"),
        )
    )
    path = write(tmp_path, [("999999/cwp1-g1", "fk:targetGroup", "tg:older-people", "accepted", "text", "高齢者", "")])
    problems = check(graph, read_decisions(path), path=path)
    assert len(problems) == 1 and "is stated in the data" in problems[0]


@pytest.mark.parametrize(
    "row, message",
    [
        (("999999/cwp1-g1", "fk:targetGroup", "tg:older-people", "maybe", "text", "高齢者", ""), "verdict must be"),
        (("999999/cwp1-g1", "fk:targetGroup", "tg:older-people", "rejected", "text", "高齢者", ""), "needs a reason"),
        (("999999/cwp1-g1", "fk:targetGroup", "fn:outreach", "accepted", "text", "x", ""), "outside the scheme"),
        (("999999/cwp1-g1", "fk:targetGroup", "tg:older-people", "added", "hand", "", ""), "supporting words"),
        (("999999/cwp1-g1", "fk:targetGroup", "tg:older-people"), "expected 10 tab-separated columns"),
        (
            (
                "999999/cwp1-g1",
                "fk:targetGroup",
                "tg:older-people",
                "rejected",
                "text",
                "高齢者",
                "x",
                *WHO,
                "as-proposed",
            ),
            "only an accepted proposal can be taken as proposed",
        ),
        (
            ("999999/cwp1-g1", "fk:topic", "tp:core-agency", "added", "hand", "中核", "", "", "2026-12-04", "agent"),
            "say who",
        ),
        (
            ("999999/cwp1-g1", "fk:topic", "tp:core-agency", "added", "hand", "中核", "", "me", "4 Dec", "agent"),
            "decided_on",
        ),
        (
            ("999999/cwp1-g1", "fk:topic", "tp:core-agency", "added", "hand", "中核", "", *WHO, "maybe"),
            "review must be",
        ),
    ],
)
def test_malformed_rows_name_file_and_line(tmp_path, row, message):
    path = write(tmp_path, [("999999/cwp1-g1", "fk:topic", "tp:core-agency", "added", "hand", "中核機関", ""), row])
    with pytest.raises(DataFileError) as info:
        read_decisions(path)
    assert info.value.line == 3 and message in info.value.message and str(path) in str(info.value)


def test_the_build_fails_with_the_problems_listed(monkeypatch, tmp_path, data):
    lines = DECISIONS_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = lines[1]
    path = tmp_path / "decisions.tsv"
    path.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")
    files = [f for f in graph_input_files() if f != DECISIONS_FILE] + [path]
    with pytest.raises(AnnotationsUndecided) as info:
        check_annotations(files)
    element = dropped.split("\t")[0]
    assert len(info.value.messages) == 1 and f"no decision on the proposal {element} " in info.value.messages[0]
    # The build checks each plan apart, with that plan's rows, and fails with the same one problem.
    from server.graph import build as build_module

    monkeypatch.setattr(build_module, "graph_input_files", lambda: files)
    with pytest.raises(AnnotationsUndecided) as info:
        build_module.build(tmp_path / "published", cache=tmp_path / "cache")
    assert len(info.value.messages) == 1 and f"no decision on the proposal {element} " in info.value.messages[0]
    assert not (tmp_path / "published").exists()


def test_decisions_are_published_as_reified_statements(decisions):
    graph = decision_graph(decisions[:1])
    rdf = rdflib.RDF
    node = next(graph.subjects(rdf.subject, None))
    assert graph.value(node, rdf.predicate) == rdflib.URIRef(decisions[0].property)
    assert str(graph.value(node, rdflib.URIRef("https://w3id.org/fukushi-kg/ontology#verdict"))) == decisions[0].verdict


def test_each_record_says_who_decided_when_and_how_far_it_was_reviewed(decisions):
    fk = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
    dcterms = rdflib.Namespace("http://purl.org/dc/terms/")
    inherited = next(d for d in decisions if d.via == "heading")
    own = next(d for d in decisions if d.via == "text")
    graph = decision_graph([inherited, own])
    (i_node,) = graph.subjects(rdflib.RDF.type, fk.InheritedAnnotationDecision)
    (o_node,) = (
        graph.subjects(rdflib.RDF.subject, rdflib.URIRef(own.element))
        if own.element != inherited.element
        else [n for n in graph.subjects(rdflib.RDF.type, fk.AnnotationDecision) if n != i_node]
    )
    assert float(graph.value(i_node, fk.confidence)) < float(graph.value(o_node, fk.confidence))
    assert str(graph.value(i_node, dcterms.creator)) == inherited.decided_by
    assert graph.value(i_node, dcterms.date).datatype == rdflib.XSD.date
    assert str(graph.value(i_node, fk.review)) == inherited.review


def test_a_tag_from_the_plans_kind_is_its_own_kind_of_decision(decisions):
    """A 再犯 plan's item gets 犯罪をした者等 from the plan's kind: typed fk:PlanSubjectAnnotationDecision, with a
    confidence below the element's own words and above a heading's."""
    fk = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
    from_plan = [d for d in decisions if d.via == "plan"]
    assert from_plan and {d.concept.rsplit("/", 1)[-1] for d in from_plan} == {"offenders"}
    graph = decision_graph(from_plan[:1])
    (node,) = graph.subjects(rdflib.RDF.type, fk.PlanSubjectAnnotationDecision)
    assert (node, rdflib.RDF.type, fk.InheritedAnnotationDecision) not in graph
    confidence = float(graph.value(node, fk.confidence))
    own = next(d for d in decisions if d.via == "text").confidence
    inherited = next(d for d in decisions if d.via == "heading").confidence
    assert own > confidence > inherited


def test_the_table_records_no_person_review_it_did_not_have(decisions):
    """Reviews are told apart honestly: the rows this table holds were decided by software agents or taken as
    proposed; none claims a person's review."""
    assert {d.review for d in decisions} <= {"agent", "as-proposed"}
    assert all(d.verdict == "accepted" for d in decisions if d.review == "as-proposed")


def test_a_passed_check_is_remembered_only_for_the_same_inputs(monkeypatch, tmp_path):
    cache = tmp_path / "cache"
    files = graph_input_files()
    check_annotations(files, cache)
    assert len(list(cache.glob("annotations-*.ok"))) == 1
    bad = tmp_path / "decisions.tsv"
    bad.write_text("".join(DECISIONS_FILE.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    monkeypatch.setattr("server.annotations.decisions.DECISIONS_FILE", bad)
    with pytest.raises(AnnotationsUndecided):  # a changed table is checked again, not taken from the cache
        check_annotations([f for f in files if f != DECISIONS_FILE] + [bad], cache)


def test_the_table_is_described_by_its_csvw_metadata():
    import json

    from server.annotations.decisions import COLUMNS

    meta = json.loads((DECISIONS_FILE.parent / "decisions.tsv-metadata.json").read_text(encoding="utf-8"))
    assert meta["url"] == DECISIONS_FILE.name and meta["dialect"]["delimiter"] == "\t"
    assert tuple(c["name"] for c in meta["tableSchema"]["columns"]) == COLUMNS
    assert DECISIONS_FILE.read_text(encoding="utf-8").splitlines()[0].split("\t") == list(COLUMNS)
