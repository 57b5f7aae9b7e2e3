"""The synthetic national data set: valid codes, every IRI it makes marked synthetic, the templates copied whole."""

import pytest
import rdflib

from server.bench.synthetic import ID, MUNICIPALITY, check_digit, generate, synthetic_codes, templates
from server.graph.loading import load_files

BUNDLED_CODES = ["082368", "141500", "142069", "352136", "402036"]


@pytest.mark.parametrize("code", BUNDLED_CODES)
def test_check_digit_matches_the_real_codes(code):
    assert check_digit(code[:5]) == code[5]


def test_synthetic_codes_are_valid_distinct_and_avoid_taken_ones():
    taken = {"089991"}
    codes = synthetic_codes("08", 30, taken)
    assert len(set(codes)) == 30 and "089991" not in codes
    assert all(c.startswith("08") and check_digit(c[:5]) == c[5] for c in codes)
    assert set(codes) <= taken  # recorded, so the next prefecture call cannot reuse them


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    home = tmp_path_factory.mktemp("synthetic") / "home"
    return generate(home, 7)


def test_round_robin_over_the_five_templates(made):
    assert {code: len(codes) for code, codes in made["codes"].items()} == {
        "082368": 2,
        "141500": 2,
        "142069": 1,
        "352136": 1,
        "402036": 1,
    }


def test_each_copy_holds_its_template_under_synthetic_iris(made):
    found, _ = templates()
    by_code = {t.code: t for t in found}
    city_class = rdflib.URIRef("https://w3id.org/fukushi-kg/ontology#Municipality")
    for template_code, codes in made["codes"].items():
        for code in codes:
            graph = load_files([made["home"] / "data" / "municipalities" / f"synthetic-{code}.ttl"])
            assert len(graph) == len(by_code[template_code].triples)
            subjects = {str(s) for s in graph.subjects()}
            own = (f"{ID}synthetic/{code}/", f"{MUNICIPALITY}synthetic-{code}")
            assert all(s.startswith(own[0]) or s == own[1] for s in subjects)
            iris = {str(term) for triple in graph for term in triple if isinstance(term, rdflib.URIRef)}
            assert not any(template_code in iri for iri in iris)
            city = rdflib.URIRef(f"{MUNICIPALITY}synthetic-{code}")
            assert (city, rdflib.RDF.type, city_class) in graph
            labels = {lit.language: str(lit) for lit in graph.objects(city, rdflib.RDFS.label)}
            assert f"合成{code}" in labels["ja"] and f"synthetic {code}" in labels["en"]


def test_shared_data_is_written_once_and_holds_no_municipality(made):
    shared = load_files([made["home"] / "data" / "shared.ttl"])
    code_list = load_files([made["home"] / "data" / "prefectures.ttl"])  # linked, as the pages read it
    _, expected = templates()
    assert len(shared) + len(code_list) == len(expected) and len(shared) > 0 and len(code_list) > 0
    assert not set(shared) & set(code_list)
    assert not any(str(s).startswith(MUNICIPALITY) for s in shared.subjects())


def test_each_copy_gets_its_templates_annotation_decisions(made):
    from server.paths import DECISIONS_FILE

    original = DECISIONS_FILE.read_text(encoding="utf-8").splitlines()
    copied = (made["home"] / "data" / "annotations" / "decisions.tsv").read_text(encoding="utf-8").splitlines()
    assert copied[0] == original[0]
    for template_code, codes in made["codes"].items():
        rows = [r.split("\t", 1)[1] for r in original[1:] if r.startswith(f"{template_code}/")]
        for code in codes:
            assert [r.split("\t", 1)[1] for r in copied if r.startswith(f"synthetic/{code}/")] == rows


def test_a_synthetic_home_builds(tmp_path):
    """The copies pass the build's gates (structure, annotation decisions) like their templates."""
    import os
    import subprocess
    import sys

    home = tmp_path / "home"
    generate(home, 5)
    env = dict(os.environ, FUKUSHI_KG_HOME=str(home))
    run = subprocess.run(
        [sys.executable, "-m", "server.cli", "build", "--out", str(home / "published")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    info = (home / "published" / "build-info.json").read_text(encoding="utf-8")
    assert '"parts": 5' in info
    # The national overview and a question's form read the code lists from the home's data folder.
    pages = (
        "from server.app import create_app\n"
        f"c = create_app({{'TESTING': True, 'PUBLISHED_DIR': {str(home / 'published')!r}, 'BUILD_IF_MISSING': False}})"
        ".test_client()\n"
        "print([c.get(u).status_code for u in ('/overview', '/query/measures')])"
    )
    run = subprocess.run([sys.executable, "-c", pages], env=env, capture_output=True, text=True, timeout=300)
    assert run.stdout.strip() == "[200, 200]", run.stderr[-2000:]
