"""The build's structural check of a part reads the same with either SHACL engine: rudof (the `fast` extra, over the
base loaded once and the part read into a frame rolled back after) and pySHACL (over the part's closed graph)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest
import rdflib
from test_build_parts import _files, data_copy  # noqa: F401 (a fixture)
from test_structure_shapes import CASE_FILES, CASES, schema, split_case  # noqa: F401 (a fixture)

from server.graph import part_check
from server.graph.canonical import canonical_lines
from server.graph.loading import load_files
from server.graph.parts import build_parts, remove_scratch
from server.graph.rules import apply_rules
from server.graph.validation import shapes_graph

needs_rudof = pytest.mark.skipif(not part_check.rudof_available(), reason="pyrudof (the `fast` extra) not installed")


@pytest.fixture(scope="module")
def shapes_nt():
    return "".join(line + "\n" for line in canonical_lines(shapes_graph("structure")))


def _halves(closed: rdflib.Graph) -> tuple[list[str], list[str]]:
    """(base, part): every line with a blank node and every other line in the base, the rest in the part, as the
    build splits the closed graph into the base every part shares and the part's own lines."""
    lines = canonical_lines(closed)
    base = [line for i, line in enumerate(lines) if "_:" in line or i % 2]
    return base, [line for line in lines if line not in set(base)]


@needs_rudof
@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_both_engines_report_the_same_lines(path, schema, shapes_nt):  # noqa: F811 (the fixture)
    data, expected, _ = split_case(path)
    closed = apply_rules(schema, data)
    base, own = _halves(closed)
    slow = part_check.checker(shapes_nt, base, engine="pyshacl").check(closed, own)
    fast = part_check.checker(shapes_nt, base, engine="rudof").check(closed, own)
    assert (sorted(set(fast[0])), sorted(set(fast[1]))) == (sorted(set(slow[0])), sorted(set(slow[1])))
    assert bool(fast[0]) == bool(expected)
    for line in fast[0]:  # the shape's own Japanese message, even where an engine reports only its generic text
        assert line.startswith("[Violation] ") and not line.endswith(": None")
        assert any("\u3040" <= ch <= "\u30ff" for ch in line.rsplit(": ", 1)[1]), line


@needs_rudof
def test_a_part_checked_leaves_nothing_behind_for_the_next(schema, shapes_nt):  # noqa: F811 (the fixture)
    base_lines = canonical_lines(apply_rules(schema, load_files([CASES / "_base.ttl"])))
    bad, expected, _ = split_case(CASES / "element-orphan.ttl")
    bad_closed = apply_rules(schema, bad)
    check = part_check.checker(shapes_nt, base_lines, engine="rudof")
    broken = [line for line in canonical_lines(bad_closed) if line not in set(base_lines)]
    violations, _ = check.check(bad_closed, broken)
    assert len(violations) == len(expected) and all("example.org/case/" in v for v in violations)
    assert check.check(bad_closed, []) == ([], [])  # the broken part was rolled back with its frame
    assert sorted(check.check(bad_closed, broken)[0]) == sorted(violations)


def test_the_engine_is_named_or_chosen(shapes_nt):
    assert part_check.checker(shapes_nt, [], engine="pyshacl").engine == "pyshacl"
    chosen = part_check.checker(shapes_nt, [])
    assert chosen.engine == ("rudof" if part_check.rudof_available() else "pyshacl")
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        part_check.checker(shapes_nt, [], engine="jena")


@needs_rudof
def test_a_broken_plan_fails_the_build_alike_with_either_engine(data_copy, monkeypatch):  # noqa: F811
    broken = data_copy / "municipalities" / "082368-omitama.ttl"
    original = broken.read_text(encoding="utf-8")
    stray = "<https://w3id.org/fukushi-kg/id/082368/stray>"
    label = '<http://www.w3.org/2000/01/rdf-schema#label> "x"@ja'
    bad = f"\n{stray} a <https://w3id.org/fukushi-kg/ontology#Measure> ; {label} .\n"
    try:
        broken.write_text(original + bad, encoding="utf-8")
        fast = build_parts(_files(data_copy), workers=1, data_dir=data_copy)
        monkeypatch.setattr(part_check, "rudof_available", lambda: False)
        slow = build_parts(_files(data_copy), workers=1, data_dir=data_copy)
    finally:
        broken.write_text(original, encoding="utf-8")
    same_lines = fast.merged_lines() == slow.merged_lines()
    remove_scratch(fast), remove_scratch(slow)
    assert same_lines
    assert fast.violations == slow.violations and fast.warnings == slow.warnings
    assert any("id/082368/stray" in v and "fk:parent" in v for v in fast.violations)


@needs_rudof
def test_a_process_forked_after_rudof_was_used_checks_with_pyshacl(shapes_nt):
    """rudof hangs in a child forked after its parent opened a session: the child must not open one."""
    part_check.checker(shapes_nt, [], engine="rudof")  # this process has now opened rudof
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        engine = pool.submit(_engine_chosen, shapes_nt).result(timeout=60)
    assert engine == "pyshacl"
    assert part_check.checker(shapes_nt, []).engine == "rudof"  # the process that opened it goes on using it


def _engine_chosen(shapes_nt: str) -> str:
    return part_check.checker(shapes_nt, []).engine
