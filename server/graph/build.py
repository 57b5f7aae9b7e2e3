"""The build: load, infer, validate, publish. Nothing is published unless every step passes."""

import time
from dataclasses import dataclass, field
from pathlib import Path

import rdflib

from server import __version__
from server.graph.dumps import write_dumps
from server.graph.inference import materialise
from server.graph.loading import load_files
from server.graph.progress import Progress, Quiet
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


def assemble(
    reasoner: str = "owlrl", files: list[Path] | None = None, progress: Progress | None = None
) -> tuple[rdflib.Graph, rdflib.Graph, dict]:
    """Load the inputs and materialise them. Returns (asserted, materialised, timings)."""
    progress = progress or Quiet()
    files = graph_input_files() if files is None else files
    timings = {}
    t = time.perf_counter()
    progress.start("load")
    asserted = load_files(files, progress)
    timings["load"] = time.perf_counter() - t
    progress.done("load", f"{len(files)} files, {len(asserted):,} triples")
    t = time.perf_counter()
    progress.start(f"inference ({reasoner})")
    if reasoner == "owlrl":
        materialised = materialise(asserted)
    elif reasoner == "rules":
        schema_files, data_files = split_inputs(files)
        materialised = apply_rules(schema_from(load_files(schema_files)), load_files(data_files))
    else:
        raise ValueError(f"unknown reasoner {reasoner!r}")
    timings["inference"] = time.perf_counter() - t
    progress.done(f"inference ({reasoner})", f"{len(materialised):,} triples after OWL 2 RL")
    return asserted, materialised, timings


def check_structure(graph: rdflib.Graph) -> ValidationResult:
    return validate(graph, shapes_graph(STRUCTURE_SHAPES))


def build(target: Path | None = None, reasoner: str = "owlrl", progress: Progress | None = None) -> BuildReport:
    """Build and publish the dumps into `target` (published/ by default). `progress` reports each phase
    as it ends (the CLI passes one; the default prints nothing)."""
    from server.graph.validation import describe_result

    progress = progress or Quiet()
    target = Path(target) if target else PUBLISHED_DIR
    asserted, graph, timings = assemble(reasoner, progress=progress)
    t = time.perf_counter()
    progress.start("validation")
    result = check_structure(graph)
    timings["validation"] = time.perf_counter() - t
    violations = [describe_result(result.report, r) for r in result.violations]
    warnings = [describe_result(result.report, r) for r in result.results() if r not in result.violations]
    progress.done("validation", f"{len(violations)} violation(s), {len(warnings)} warning(s)")
    if violations:
        raise BuildFailed(result, violations)
    t = time.perf_counter()
    progress.start("dumps")
    info = {
        "version": __version__,
        "reasoner": reasoner,
        "asserted_triples": len(asserted),
        "triples": len(graph),
    }
    info = write_dumps(graph, target, info)
    timings["dumps"] = time.perf_counter() - t
    progress.done("dumps", f"{len(info['files'])} files written to {target}")
    return BuildReport(len(asserted), len(graph), info["files"], timings, warnings, target)
