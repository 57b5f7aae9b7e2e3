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


def test_every_element_label_is_in_its_cited_lines(graph):
    elements = set(graph.subjects(RDF.type, FK.PlanElement))
    assert len(elements) > 700
    missing = []
    for element in elements:
        source = graph.value(element, FK.sourceFile)
        first, last = int(graph.value(element, FK.startLine)), int(graph.value(element, FK.endLine))
        text = source_text_path(str(source)).read_text(encoding="utf-8").splitlines()
        assert 1 <= first <= last <= len(text), f"{element}: lines {first}-{last} outside the file"
        for label in graph.objects(element, RDFS.label):
            if label.language == "ja" and not label_in_lines(str(label), text[first - 1 : last]):
                missing.append(f"{element} {label} @ {source}:{first}-{last}")
    assert missing == []


def test_every_cited_range_lies_inside_its_source(graph):
    for subject, source in graph.subject_objects(FK.sourceFile):
        length = len(source_text_path(str(source)).read_text(encoding="utf-8").splitlines())
        assert int(graph.value(subject, FK.endLine)) <= length, subject


@pytest.mark.skipif(not SHARED_SEEDS.exists(), reason="shared/seeds is not beside this checkout")
def test_bundled_sources_are_the_shared_seeds():
    for seed in sorted(SHARED_SEEDS.glob("*.txt")):
        assert (SOURCES_DIR / seed.name).read_bytes() == seed.read_bytes(), seed.name
