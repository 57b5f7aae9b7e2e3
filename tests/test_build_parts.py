"""The build in parts: the merged parts equal the closure of the whole graph, byte for byte; a changed plan rebuilds
that part alone; a part that breaks the shapes fails the build and is not cached."""

import shutil

import pyoxigraph as ox
import pytest
import rdflib

from server.graph.build import split_inputs
from server.graph.canonical import canonical_lines
from server.graph.inputs import load_inputs as load_files
from server.graph.parts import build_parts, owner, split_files
from server.graph.rules import apply_rules, schema_from
from server.paths import DATA_DIR, ONTOLOGY_DIR, graph_input_files
from server.published import STORE

BUNDLED = ["082368", "141500", "142069", "352136", "402036"]


def _whole_closure_lines(files):
    schema_files, data_files = split_inputs(files)
    closed = apply_rules(schema_from(load_files(schema_files)), load_files(data_files))
    return canonical_lines(closed)


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory):
    """A private copy of data/ so that a test can change one plan."""
    root = tmp_path_factory.mktemp("parts") / "data"
    shutil.copytree(DATA_DIR, root)
    return root


def _files(data_dir):
    return sorted(ONTOLOGY_DIR.glob("*.ttl")) + sorted(data_dir.rglob("*.ttl"))


def test_each_municipality_is_a_part_and_the_rest_is_shared():
    schema, units, shared = split_files(graph_input_files())
    assert schema == sorted(ONTOLOGY_DIR.glob("*.ttl"))
    assert sorted(units) == BUNDLED
    assert len(units["352136"]) == 6  # 美祢市 is a folder of six files (roles.ttl: its role statements)
    assert {p.name for p in shared} >= {"legislation.ttl", "prefectures.ttl", "sources.ttl"}


@pytest.mark.parametrize(
    ("iri", "code"),
    [
        ("https://w3id.org/fukushi-kg/id/352136/cwp3-g1", "352136"),
        ("https://w3id.org/fukushi-kg/id/municipality/082368", "082368"),
        ("https://w3id.org/fukushi-kg/id/synthetic/089991/cwp4", "089991"),
        ("https://w3id.org/fukushi-kg/id/municipality/synthetic-089991", "089991"),
        ("https://w3id.org/fukushi-kg/id/law/326AC0000000045-107", None),
        ("https://w3id.org/fukushi-kg/id/prefecture/350001", None),
    ],
)
def test_owner_by_iri(iri, code):
    assert owner(rdflib.URIRef(iri)) == code


def test_merged_parts_equal_the_closure_of_the_whole_graph():
    merged = build_parts(graph_input_files(), reasoner="rules", workers=1)
    assert merged.violations == []
    assert merged.merged_lines() == _whole_closure_lines(graph_input_files())
    assert merged.rebuilt == BUNDLED
    assert merged.asserted == len(load_files(graph_input_files()))


def test_a_changed_plan_rebuilds_that_part_alone(data_copy, tmp_path):
    cache = tmp_path / "cache"
    first = build_parts(_files(data_copy), cache_dir=cache, workers=1, data_dir=data_copy)
    assert first.rebuilt == BUNDLED
    again = build_parts(_files(data_copy), cache_dir=cache, workers=1, data_dir=data_copy)
    assert again.rebuilt == [] and again.merged_lines() == first.merged_lines()

    plan = data_copy / "municipalities" / "402036-kurume.ttl"
    extra = (
        '\n<https://w3id.org/fukushi-kg/id/402036/document> <http://www.w3.org/2000/01/rdf-schema#comment> "x"@ja .\n'
    )
    plan.write_text(plan.read_text(encoding="utf-8") + extra, encoding="utf-8")
    changed = build_parts(_files(data_copy), cache_dir=cache, workers=2, data_dir=data_copy)
    assert changed.rebuilt == ["402036"]
    assert changed.merged_lines() == _whole_closure_lines(_files(data_copy))
    assert len(changed.merged_lines()) == len(first.merged_lines()) + 1


def test_a_part_that_breaks_the_shapes_fails_and_is_not_cached(data_copy, tmp_path):
    cache = tmp_path / "cache"
    broken = data_copy / "municipalities" / "082368-omitama.ttl"
    original = broken.read_text(encoding="utf-8")
    try:
        bad = "\n<https://w3id.org/fukushi-kg/id/082368/stray> a <https://w3id.org/fukushi-kg/ontology#Measure> .\n"
        broken.write_text(original + bad, encoding="utf-8")
        for _ in range(2):  # the second run must not take the failing part from the cache
            result = build_parts(_files(data_copy), cache_dir=cache, workers=1, data_dir=data_copy)
            assert "082368" in result.rebuilt
            assert any("id/082368/stray" in v for v in result.violations)
    finally:
        broken.write_text(original, encoding="utf-8")


# Characters that str.splitlines() treats as line ends but N-Triples writers leave unescaped in a literal: a table
# cell's break (U+2028, as the importer keeps it), a PDF's page break (form feed), NEL, a vertical tab from a
# spreadsheet cell, U+2029.
ODD_BREAKS = "一行目\u2028二行目\x0c三ページ\x85四\x0b五\u2029六"


def test_a_literal_holding_line_separators_other_than_a_line_feed_is_published_whole(data_copy, tmp_path):
    from server.graph.dumps import publish_graphs

    plan = data_copy / "municipalities" / "402036-kurume.ttl"
    original = plan.read_text(encoding="utf-8")
    subject = "https://w3id.org/fukushi-kg/id/402036/document"
    comment = f'\n<{subject}> <http://www.w3.org/2000/01/rdf-schema#comment> "{ODD_BREAKS}"@ja .\n'
    try:
        plan.write_text(original + comment, encoding="utf-8")
        built = build_parts(_files(data_copy), workers=1, data_dir=data_copy)
        assert built.violations == [] and built.undecided == []
        assert built.merged_lines() == _whole_closure_lines(_files(data_copy))
        target = tmp_path / "published"
        publish_graphs(built.published_graphs(), target, {}, built.prefixes)
    finally:
        plan.write_text(original, encoding="utf-8")
    wanted = ox.Literal(ODD_BREAKS, language="ja")
    for name in ("fukushi-kg.nt", "fukushi-kg.ttl", "graphs/402036.nt"):
        path = target / name
        fmt = ox.RdfFormat.TURTLE if name.endswith(".ttl") else ox.RdfFormat.N_TRIPLES
        found = [t.object for t in ox.parse(path.read_bytes(), format=fmt) if t.subject == ox.NamedNode(subject)]
        assert wanted in found, name
    store = ox.Store.read_only(str(target / STORE))
    assert list(store.quads_for_pattern(ox.NamedNode(subject), None, wanted))


def test_a_rebuild_after_a_change_recounts_the_summary_as_a_fresh_build_does(data_copy, tmp_path):
    """The summary graph of a rebuild (the changed plan counted again, the others' counts from the cache) equals
    that of a build from nothing, and shows the change."""
    cache = tmp_path / "cache"
    before = build_parts(_files(data_copy), cache_dir=cache, workers=1, data_dir=data_copy).summary.lines
    plan = data_copy / "municipalities" / "402036-kurume.ttl"
    original = plan.read_text(encoding="utf-8")
    tg = "https://w3id.org/fukushi-kg/id/concept/target-group/older-people"
    element, prop = (
        "https://w3id.org/fukushi-kg/id/402036/cwp4-p5-d2",
        "https://w3id.org/fukushi-kg/ontology#targetGroup",
    )
    annotation = f"\n<{element}> <{prop}> <{tg}> .\n"
    try:
        plan.write_text(original + annotation, encoding="utf-8")
        rebuilt = build_parts(_files(data_copy), cache_dir=cache, workers=1, data_dir=data_copy)
        fresh = build_parts(_files(data_copy), workers=1, data_dir=data_copy)
        assert rebuilt.rebuilt == ["402036"] and fresh.rebuilt == BUNDLED
        assert sorted(rebuilt.summary.lines) == sorted(fresh.summary.lines)
        assert rebuilt.summary.triples == len(fresh.summary.lines)
        assert sorted(rebuilt.summary.lines) != sorted(before)
        assert any(tg in line for line in set(rebuilt.summary.lines) - set(before))
    finally:
        plan.write_text(original, encoding="utf-8")


def test_extra_graphs_get_the_whole_graph_merged_only_when_they_read_it(tmp_path, monkeypatch):
    """At national scale the merge reads every part's file (about 20 s per rebuild): a build whose extra graphs
    do not read the lines (a home without the law data) does not merge them."""
    from server.graph.build import build
    from server.graph.parts import MergedLines, PartsBuild

    merges = []
    real = PartsBuild.merged_lines
    monkeypatch.setattr(PartsBuild, "merged_lines", lambda self: merges.append(1) or real(self))
    handed = {}

    def ignoring(lines, folder):
        handed["ignored"] = lines
        return []

    build(tmp_path / "published", extra_graphs=ignoring, workers=1)
    assert isinstance(handed["ignored"], MergedLines) and not handed["ignored"].merged and merges == []

    def reading(lines, folder):
        handed["read"] = (len(lines), lines[0], set(lines), list(lines))
        return []

    build(tmp_path / "published", extra_graphs=reading, workers=1)  # every part from the cache
    assert merges == [1]  # once, however often the lines are read
    count, first, as_set, as_list = handed["read"]
    assert as_list == sorted(as_set) and count == len(as_list) > 20000 and first == as_list[0]
    assert as_list == list(handed["ignored"])  # the same graph: the first build's lines, merged now


def test_the_base_is_closed_once_per_content(tmp_path, monkeypatch):
    """A rebuild after a plan changed takes the closure of the schema and the shared data from the cache."""
    from server.graph import parts

    cache = tmp_path / "cache"
    first = parts.build_parts(graph_input_files(), cache_dir=cache, workers=1)
    closed = []
    real = parts.close
    monkeypatch.setattr(parts, "close", lambda *a, **k: closed.append(1) or real(*a, **k))
    again = parts.build_parts(graph_input_files(), cache_dir=cache, workers=1)
    assert closed == [] and again.rebuilt == []
    assert again.base.lines == first.base.lines and len(first.base.lines) > 1000
    assert (again.base.violations, again.base.warnings) == (first.base.violations, first.base.warnings)


def test_a_rebuild_reads_only_the_inputs_whose_stamp_changed(tmp_path, monkeypatch):
    """The inputs' digests are remembered by stat; an edit that keeps the size and puts the modification time back
    is still seen (the change time moves), and only that file is read again."""
    import os

    from server.graph import input_digests, parts

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    monkeypatch.setattr(input_digests, "RECENT", 0.0)  # the copies were just written; a real home's are older
    made = []

    class Counted(input_digests.InputDigests):
        def __init__(self, folder):
            super().__init__(folder)
            made.append(self)

    monkeypatch.setattr(parts, "InputDigests", Counted)
    cache = tmp_path / "cache"
    first = build_parts(_files(data), cache_dir=cache, workers=1, data_dir=data)
    assert made[-1].read == len(_files(data)) - len(list(ONTOLOGY_DIR.glob("*.ttl")))

    again = build_parts(_files(data), cache_dir=cache, workers=1, data_dir=data)
    assert again.rebuilt == [] and made[-1].read == 0

    plan = data / "municipalities" / "402036-kurume.ttl"
    before = plan.stat()
    text = plan.read_text(encoding="utf-8")
    assert '"久留米' in text
    plan.write_text(text.replace('"久留米', '"来留米', 1), encoding="utf-8")  # in a literal, same length in bytes
    os.utime(plan, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (plan.stat().st_size, plan.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    changed = build_parts(_files(data), cache_dir=cache, workers=1, data_dir=data)
    assert changed.rebuilt == ["402036"] and made[-1].read == 1
    assert any("来留米" in line for line in changed.merged_lines())
    assert not any("来留米" in line for line in first.merged_lines())


def test_a_damaged_digest_record_costs_reading_the_inputs_again(tmp_path, monkeypatch):
    from server.graph import input_digests
    from server.graph.input_digests import NAME, InputDigests

    monkeypatch.setattr(input_digests, "RECENT", 0.0)
    (tmp_path / NAME).write_text("{not json", encoding="utf-8")
    source = tmp_path / "plan.ttl"
    source.write_text("x", encoding="utf-8")
    known = InputDigests(tmp_path)
    assert known.digest(source, "plan.ttl", lambda body: body.hex()) == b"x".hex() and known.read == 1
    known.save()  # a fresh record replaces the damaged one
    later = InputDigests(tmp_path)
    assert later.digest(source, "plan.ttl", lambda body: "read again") == b"x".hex() and later.read == 0
    assert later.digest(source, "other key", lambda body: "made anew") == "made anew" and later.read == 1


def test_the_schema_rule_tables_are_kept_in_the_part_cache(tmp_path, monkeypatch):
    """A rebuild in a new process loads the schema's closure from the part cache instead of closing it again."""
    from server.graph import parts

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    cache = tmp_path / "cache"
    parts._schema.cache_clear()
    parts.build_parts(_files(data), cache_dir=cache, workers=1, data_dir=data)
    assert len(list(cache.glob("schema-*.pickle"))) == 1

    plan = data / "municipalities" / "402036-kurume.ttl"
    comment = (
        '\n<https://w3id.org/fukushi-kg/id/402036/document> <http://www.w3.org/2000/01/rdf-schema#comment> "y"@ja .\n'
    )
    plan.write_text(plan.read_text(encoding="utf-8") + comment, encoding="utf-8")
    closed = []
    real = parts.schema_from
    monkeypatch.setattr(parts, "schema_from", lambda graph: closed.append(1) or real(graph))
    parts._schema.cache_clear()  # as a new process would start
    changed = parts.build_parts(_files(data), cache_dir=cache, workers=1, data_dir=data)
    assert changed.rebuilt == ["402036"] and closed == []
    parts._schema.cache_clear()
    assert changed.merged_lines() == parts.build_parts(_files(data), workers=1, data_dir=data).merged_lines()
    assert closed == [1]  # without a cache the schema is closed
