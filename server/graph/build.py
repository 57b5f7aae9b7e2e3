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


class AnnotationsUndecided(BuildFailed):
    """The annotator proposes annotations with no recorded decision, or decisions lost their proposal."""

    def __init__(self, messages: list[str]):
        self.result = None
        self.messages = messages
        Exception.__init__(
            self,
            f"{len(messages)} annotation decision problem(s) in data/annotations/decisions.tsv; "
            "the published dumps were left as they were",
        )


def decided_annotations(data: rdflib.Graph) -> tuple[rdflib.Graph, rdflib.Graph]:
    """(annotations, decision records) of data/annotations/decisions.tsv, after checking the decisions against
    what the annotator proposes for the elements of `data` (run once over all elements)."""
    from server.annotations.decisions import annotation_graph, check, decision_records, read_decisions

    decisions = read_decisions()
    problems = check(data, decisions)
    if problems:
        raise AnnotationsUndecided(problems)
    return annotation_graph(decisions), decision_records(decisions)


def split_inputs(files: list[Path]) -> tuple[list[Path], list[Path]]:
    schema = [f for f in files if f.parent == ONTOLOGY_DIR]
    return schema, [f for f in files if f not in schema]


def assemble(reasoner: str = "owlrl", files: list[Path] | None = None) -> tuple[rdflib.Graph, rdflib.Graph, dict]:
    """Load the inputs and materialise them. Returns (asserted, materialised, timings)."""
    bundled = files is None
    files = graph_input_files() if bundled else files
    timings = {}
    t = time.perf_counter()
    asserted = load_files(files)
    timings["load"] = time.perf_counter() - t
    decided, records = rdflib.Graph(), rdflib.Graph()
    if bundled:
        t = time.perf_counter()
        decided, records = decided_annotations(asserted)
        asserted += decided
        timings["annotations"] = time.perf_counter() - t
    t = time.perf_counter()
    if reasoner == "owlrl":
        materialised = materialise(asserted)
    elif reasoner == "rules":
        schema_files, data_files = split_inputs(files)
        materialised = apply_rules(schema_from(load_files(schema_files)), load_files(data_files) + decided)
    else:
        raise ValueError(f"unknown reasoner {reasoner!r}")
    materialised += records
    asserted += records
    timings["inference"] = time.perf_counter() - t
    return asserted, materialised, timings


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
        "asserted_triples": len(asserted),
        "triples": len(graph),
    }
    info = write_dumps(graph, target, info)
    timings["dumps"] = time.perf_counter() - t
    return BuildReport(len(asserted), len(graph), info["files"], timings, warnings, target)
