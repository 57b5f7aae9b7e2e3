"""The build: load, infer, validate, publish. Nothing is published unless every step passes."""

import time
from dataclasses import dataclass, field
from pathlib import Path

import rdflib

from server import __version__
from server.graph.dumps import write_dumps
from server.graph.inference import materialise
from server.graph.loading import load_files
from server.graph.rules import apply_rules, schema_from
from server.graph.validation import ValidationResult, shapes_graph, validate
from server.paths import ONTOLOGY_DIR, PUBLISHED_DIR, graph_input_files

STRUCTURE_SHAPES = "structure"


class BuildFailed(Exception):
    """The graph does not conform to the structural shapes; nothing was published."""

    def __init__(self, result: ValidationResult, messages: list[str]):
        self.result = result
        self.messages = messages
        super().__init__(f"{len(messages)} structural violation(s); the published dumps were left as they were")


@dataclass
class BuildReport:
    input_triples: int
    triples: int
    files: dict
    seconds: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    target: Path | None = None


def split_inputs(files: list[Path]) -> tuple[list[Path], list[Path]]:
    schema = [f for f in files if f.parent == ONTOLOGY_DIR]
    return schema, [f for f in files if f not in schema]


def assemble(reasoner: str = "owlrl", files: list[Path] | None = None) -> tuple[int, rdflib.Graph, dict]:
    """Load the inputs and materialise them. Returns (asserted triple count, materialised graph, timings).

    Each file is parsed once, and the asserted graph is dropped as soon as it is counted: at national scale a
    second parse and a kept copy cost minutes and gigabytes (shared/notes/scale-profile.md).
    """
    if reasoner not in ("owlrl", "rules"):
        raise ValueError(f"unknown reasoner {reasoner!r}")
    files = graph_input_files() if files is None else files
    timings = {}
    t = time.perf_counter()
    if reasoner == "owlrl":
        asserted = load_files(files)
        count = len(asserted)
    else:
        schema_files, data_files = split_inputs(files)
        schema, data = load_files(schema_files), load_files(data_files)
        count = len(schema) + sum(1 for triple in data if triple not in schema)
    timings["load"] = time.perf_counter() - t
    t = time.perf_counter()
    if reasoner == "owlrl":
        materialised = materialise(asserted)
        del asserted
    else:
        materialised = apply_rules(schema_from(schema), data)
        del schema, data
    timings["inference"] = time.perf_counter() - t
    return count, materialised, timings


def check_structure(graph: rdflib.Graph) -> ValidationResult:
    return validate(graph, shapes_graph(STRUCTURE_SHAPES))


def build(target: Path | None = None, reasoner: str = "owlrl") -> BuildReport:
    """Build and publish the dumps into `target` (published/ by default)."""
    from server.graph.validation import describe_result

    target = Path(target) if target else PUBLISHED_DIR
    asserted, graph, timings = assemble(reasoner)
    t = time.perf_counter()
    result = check_structure(graph)
    timings["validation"] = time.perf_counter() - t
    violations = [describe_result(result.report, r) for r in result.violations]
    if violations:
        raise BuildFailed(result, violations)
    warnings = [describe_result(result.report, r) for r in result.results() if r not in result.violations]
    t = time.perf_counter()
    info = {
        "version": __version__,
        "reasoner": reasoner,
        "asserted_triples": asserted,
        "triples": len(graph),
    }
    info = write_dumps(graph, target, info)
    timings["dumps"] = time.perf_counter() - t
    return BuildReport(asserted, len(graph), info["files"], timings, warnings, target)
