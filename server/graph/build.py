"""The build: load, infer, validate, publish, one part per plan (server.graph.parts). Nothing is published unless
every step passes."""

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import rdflib

from server import __version__
from server.annotations.decisions import annotator_sources, read_decisions
from server.annotations.decisions import check as check_decisions
from server.graph.dumps import publish_graphs
from server.graph.loading import load_files
from server.graph.parts import build_parts, remove_scratch
from server.graph.progress import Progress, Quiet
from server.graph.validation import ValidationResult, shapes_graph, validate
from server.paths import ONTOLOGY_DIR, PUBLISHED_DIR, graph_input_files

STRUCTURE_SHAPES = "structure"


class BuildFailed(Exception):
    """The graph does not conform to the structural shapes; nothing was published."""

    def __init__(self, messages: list[str]):
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
    rebuilt: list[str] = field(default_factory=list)  # the parts (municipality codes) not taken from the cache


class AnnotationsUndecided(BuildFailed):
    """The annotator proposes annotations with no recorded decision, or decisions lost their proposal."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        Exception.__init__(
            self,
            f"{len(messages)} annotation decision problem(s) in data/annotations/decisions.tsv; "
            "the published dumps were left as they were",
        )


def annotation_problems(files: list[Path], decisions, decisions_path: Path | None = None) -> list[str]:
    """Run the annotator over the elements of the data files (Turtle; the decisions table is not data to
    annotate) and report each proposal with no recorded decision and each decision with no proposal any more.
    The build runs it per plan (server.graph.parts), with that plan's files and rows."""
    data = load_files([f for f in files if Path(f).parent != ONTOLOGY_DIR and Path(f).suffix == ".ttl"])
    return check_decisions(data, decisions, path=decisions_path)


def check_annotations(files: list[Path], cache_dir: Path | None = None) -> None:
    """The annotation check over the whole of `files` at once (for a small graph, or a test).

    With a cache folder, a check that passed is remembered by a hash of every input file and the annotator's
    code, so that a second run does not parse the data again only to find the same answer."""
    marker = None
    if cache_dir:
        h = hashlib.sha256(__version__.encode())
        for path in sorted(files) + annotator_sources():
            h.update(str(path).encode() + b"\0" + Path(path).read_bytes() + b"\0")
        marker = Path(cache_dir) / f"annotations-{h.hexdigest()}.ok"
        if marker.exists():
            return
    table = next((f for f in files if Path(f).suffix == ".tsv"), None)
    problems = annotation_problems(files, read_decisions(table) if table else [], table)
    if problems:
        raise AnnotationsUndecided(problems)
    if marker:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()


def split_inputs(files: list[Path]) -> tuple[list[Path], list[Path]]:
    schema = [f for f in files if f.parent == ONTOLOGY_DIR]
    return schema, [f for f in files if f not in schema]


def check_structure(graph: rdflib.Graph) -> ValidationResult:
    return validate(graph, shapes_graph(STRUCTURE_SHAPES))


def default_cache(target: Path) -> Path:
    """Where finished parts are kept between builds: beside the published folder, never inside it."""
    return Path(target).parent / ".fukushi-kg-parts" / Path(target).name


def build(
    target: Path | None = None,
    reasoner: str = "rules",
    cache: Path | bool = True,
    workers: int | None = None,
    progress: Progress | None = None,
    extra_graphs=None,
) -> BuildReport:
    """Build and publish the dumps into `target` (published/ by default).

    Each municipality's plan is a part, inferred and validated on its own (in parallel) and kept in the part
    cache (server.graph.parts); a rebuild redoes only the parts whose inputs changed, then merges. `progress`
    reports each phase as it ends (the CLI passes one; the default prints nothing). `extra_graphs`, given by
    what starts the build, makes more named graphs from the merged graph (lines, folder) -> {key: PartResult}:
    the compliance matrix (server.compliance.publication.compliance_part), which sits above the build and so
    cannot be imported by it; they are published with the plans, in the same atomic step.
    """
    progress = progress or Quiet()
    target = Path(target) if target else PUBLISHED_DIR
    cache_dir = default_cache(target) if cache is True else (Path(cache) if cache else None)
    timings = {}
    t = time.perf_counter()
    parts = build_parts(graph_input_files(), reasoner=reasoner, cache_dir=cache_dir, workers=workers, progress=progress)
    timings["parts"] = time.perf_counter() - t
    if parts.undecided or parts.violations:
        remove_scratch(parts)
        raise AnnotationsUndecided(parts.undecided) if parts.undecided else BuildFailed(parts.violations)
    t = time.perf_counter()
    progress.start("dumps")
    info = {
        "version": __version__,
        "reasoner": reasoner,
        "asserted_triples": parts.asserted,
        "parts": len(parts.parts),
    }
    try:
        graphs = parts.published_graphs()
        if extra_graphs is not None:
            merged = parts.lazy_merged_lines()  # read only by a matrix: a home without the law data merges nothing
            extra = extra_graphs(merged, parts.folder or cache_dir)
            graphs["shared"] = _with_extra(parts, extra)
            graphs |= _verdict_counts(parts, extra, merged, parts.folder or cache_dir)
        info = publish_graphs(graphs, target, info, parts.prefixes)
    finally:
        remove_scratch(parts)
    timings["dumps"] = time.perf_counter() - t
    graphs = len(info["graphs"])
    summary = f"{info['triples']:,} triples, {len(info['files'])} files and {graphs} named graphs published in {target}"
    progress.done("dumps", summary)
    return BuildReport(parts.asserted, info["triples"], info["files"], timings, parts.warnings, target, parts.rebuilt)


def _verdict_counts(parts, extra: list[str], merged: list[str], folder) -> dict:
    """{"requirement-verdicts": its graph}: the compliance cells of the `extra` lines counted per municipality and
    prefecture (server.graph.summary.verdict_lines), once after the matrix; nothing when there is no matrix."""
    from server.graph.parts import PartResult
    from server.graph.summary import VERDICTS, verdict_lines

    lines = verdict_lines(extra, merged)
    if not lines:
        return {}
    folder = Path(folder or Path(parts.base.files["nt"]).parent)
    digest, files, sums = _written(parts, lines, folder, VERDICTS)
    for old in folder.glob(f"{VERDICTS}-*"):  # earlier counts: a version that published them holds a hard link
        if old not in files.values():
            old.unlink(missing_ok=True)
    return {VERDICTS: PartResult(VERDICTS, digest, files, sums, len(lines))}


def _with_extra(parts, extra: list[str]):
    """The shared graph with the `extra` lines added (a new file set; the cached base is left as it was)."""
    from server.graph.parts import PartResult

    if not extra:
        return parts.base
    lines = sorted(set(parts.base.lines) | set(extra))
    _, files, sums = _written(parts, lines, parts.folder or Path(parts.base.files["nt"]).parent, "shared")
    base = parts.base
    return PartResult("shared", base.digest, files, sums, len(lines), base.violations, base.warnings)


def _written(parts, lines: list[str], folder: Path, name: str) -> tuple[str, dict, dict]:
    """(digest, files, sums) of `lines` written in every format under `folder` as NAME-<digest of the lines>."""
    from server.graph.parts import write_formats

    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]
    files, sums = write_formats(lines, folder, f"{name}-{digest}", parts.prefixes)
    return digest, files, sums
