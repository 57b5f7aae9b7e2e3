"""Every plan element cites seed lines that really hold its printed label."""

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS
from seed_text import label_in_lines

from server.paths import SOURCES_DIR, source_text_path

FK = rdflib.Namespace("https://w3id.org/fukushi-kg/ontology#")
SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="module")
def graph(published_dir):
    return rdflib.Graph().parse(published_dir / "fukushi-kg.nt")


def test_label_matcher_rejects_text_that_is_not_there():
    assert label_in_lines("取組みの推進", ["1\tともに生きるこころを育む取\t○a", "\t組みの推進\t○b"])
    assert not label_in_lines("存在しない取組", ["1\tともに生きるこころを育む取\t○a"])


def cited_lines(graph, resource) -> tuple[list[str], str]:
    source = graph.value(resource, FK.sourceFile)
    first, last = int(graph.value(resource, FK.startLine)), int(graph.value(resource, FK.endLine))
    text = source_text_path(str(source)).read_text(encoding="utf-8").splitlines()
    assert 1 <= first <= last <= len(text), f"{resource}: lines {first}-{last} outside the file"
    return text[first - 1 : last], f"{source}:{first}-{last}"


def is_composed(graph, resource) -> bool:
    return graph.value(resource, FK.labelComposed) == rdflib.Literal(True)


def test_every_label_is_in_its_cited_lines(graph):
    """Every resource that cites lines — elements, plans, documents, actors, periods, indicators, spheres,
    activities, findings, role statements — has its Japanese label printed there, with two rules:
    a label marked fk:labelComposed (composed from printed words; fk:note says how) is not looked for,
    and a legal provision's label is its citation (law title and article number), not text of the plan."""
    citing = set(graph.subjects(FK.sourceFile, None))
    assert len({e for e in citing if (e, RDF.type, FK.PlanElement) in graph}) > 700
    assert len(citing) > 900
    missing = []
    for resource in citing:
        if is_composed(graph, resource) or (resource, RDF.type, FK.LegalProvision) in graph:
            continue
        lines, where = cited_lines(graph, resource)
        for label in graph.objects(resource, RDFS.label):
            if label.language == "ja" and not label_in_lines(str(label), lines):
                missing.append(f"{resource} {label} @ {where}")
    assert missing == []


def test_composed_labels_say_so_and_are_really_not_printed(graph):
    composed = {s for s in graph.subjects(FK.labelComposed, rdflib.Literal(True))}
    assert len(composed) >= 10
    for resource in composed:
        assert graph.value(resource, FK.note) is not None, resource
        lines, where = cited_lines(graph, resource)
        labels = [str(lab) for lab in graph.objects(resource, RDFS.label) if lab.language == "ja"]
        assert labels and not any(label_in_lines(lab, lines) for lab in labels), f"{resource} is printed @ {where}"


def test_every_cited_range_lies_inside_its_source(graph):
    for subject, source in graph.subject_objects(FK.sourceFile):
        length = len(source_text_path(str(source)).read_text(encoding="utf-8").splitlines())
        assert int(graph.value(subject, FK.endLine)) <= length, subject


@pytest.mark.skipif(not SHARED_SEEDS.exists(), reason="shared/seeds is not beside this checkout")
def test_bundled_sources_are_the_shared_seeds():
    for seed in sorted(SHARED_SEEDS.glob("*.txt")):
        assert (SOURCES_DIR / seed.name).read_bytes() == seed.read_bytes(), seed.name
