"""The build in parts: one part per municipality's plan files, each inferred and validated on its own, in parallel,
and cached by a hash of everything it depends on. Changing one plan rebuilds that part and the merged outputs only.

A part is a municipality's own files under data/municipalities/ (a file or a folder named by its 6-digit code)
plus the triples about its resources found in the shared files (annotations, for example), picked out by IRI:
`id/<code>/…` and `id/municipality/<code>` (and their `synthetic` forms). Everything else in data/ is shared:
laws, prefectures, source documents.

Why parts can be inferred apart: every OWL 2 RL rule the ontology triggers (see server.graph.rules) joins triples
that share a resource, and a plan's resources are linked only to its own resources, to the schema and to shared
resources. So the closure of the whole is the union of closure(schema ∪ shared ∪ part) over the parts; a test
checks it byte for byte against the closure of the whole graph on the bundled data.

What a part contributes is its closure minus the base closure (schema ∪ shared), as sorted N-Triples lines; the
merged dump is the sorted union of the base and every part, so the same inputs still give the same bytes.
"""

import hashlib
import heapq
import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import rdflib

from server import __version__
from server.graph.dumps import canonical_ntriples
from server.graph.inference import materialise
from server.graph.loading import load_files
from server.graph.rules import apply_rules, schema_from
from server.paths import BASE_IRI, DATA_DIR, ONTOLOGY_DIR, SHAPES_DIR

MUNICIPALITIES = "municipalities"
STRUCTURE_SHAPES = "structure"
_OWNER = re.compile(
    re.escape(BASE_IRI) + r"id/(?:(?:synthetic/)?(\d{6})/|municipality/(?:synthetic-)?(\d{6})$)",
)
_CODE = re.compile(r"(\d{6})")


@dataclass
class PartResult:
    key: str
    lines: list[str]
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    asserted: int = 0  # asserted triples of the part's own that are not in the schema or the shared data
    cached: bool = False
    undecided: list[str] = field(default_factory=list)  # annotation proposals and decisions that do not match


def owner(node) -> str | None:
    """The municipality code whose part holds a resource, or None for shared resources."""
    if not isinstance(node, rdflib.URIRef):
        return None
    match = _OWNER.match(str(node))
    return (match.group(1) or match.group(2)) if match else None


def split_files(files: list[Path], data_dir: Path = DATA_DIR) -> tuple[list[Path], dict[str, list[Path]], list[Path]]:
    """(schema files, each municipality's own files by code, shared files).

    A municipality's files are data/municipalities/<code>-name.ttl or everything under data/municipalities/<code>-name/.
    """
    folder = Path(data_dir) / MUNICIPALITIES
    schema, units, shared = [], {}, []
    for path in files:
        path = Path(path)
        if path.parent == ONTOLOGY_DIR:
            schema.append(path)
            continue
        top = path.relative_to(folder).parts[0] if path.is_relative_to(folder) else None
        match = _CODE.search(top) if top else None
        (units.setdefault(match.group(1), []).append(path) if match else shared.append(path))
    return schema, units, shared


def nt_lines(graph: rdflib.Graph) -> list[str]:
    """Sorted, distinct N-Triples lines of a graph without blank nodes (see canonical_base_lines for those)."""
    body = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted({line for line in body.splitlines() if line.strip()})


def _digest(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(len(chunk).to_bytes(8, "big"))
        h.update(chunk)
    return h.hexdigest()


def _files_digest(files: list[Path], root: Path) -> bytes:
    return b"".join(
        _digest(str(p.relative_to(root) if p.is_relative_to(root) else p).encode(), p.read_bytes()).encode()
        for p in files
    )


@lru_cache(maxsize=2)
def _schema(schema_nt: str):
    return schema_from(rdflib.Graph().parse(data=schema_nt, format="nt"))


@lru_cache(maxsize=2)
def _schema_graph(schema_nt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=schema_nt, format="nt")


@lru_cache(maxsize=2)
def _shapes(shapes_nt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=shapes_nt, format="nt")


def close(reasoner: str, schema_nt: str, data: rdflib.Graph) -> rdflib.Graph:
    """The OWL 2 RL closure of schema + data with the chosen reasoner (both give the same triples)."""
    if reasoner == "rules":
        return apply_rules(_schema(schema_nt), data)
    if reasoner == "owlrl":
        data.parse(data=schema_nt, format="nt")
        return materialise(data)
    raise ValueError(f"unknown reasoner {reasoner!r}")


def check(graph: rdflib.Graph, shapes_nt: str) -> tuple[list[str], list[str]]:
    """Structural validation: (violations, other results) as one line each."""
    from server.graph.validation import describe_result, validate

    result = validate(graph, _shapes(shapes_nt))
    violations = [describe_result(result.report, r) for r in result.violations]
    others = [describe_result(result.report, r) for r in result.results() if r not in result.violations]
    return violations, others


def _build_part(task: dict) -> PartResult:
    """One part, in a worker process: parse, close with the schema and the shared data, validate, subtract base."""
    data = load_files([Path(p) for p in task["files"]])
    data.parse(data=task["owned_nt"], format="nt")
    if any(isinstance(term, rdflib.BNode) for triple in data for term in triple):
        # Blank nodes cannot be told apart across parts once merged; plan resources are named (docs/data-model.md).
        raise ValueError(f"part {task['key']}: blank nodes are not allowed in plan data; give the resource an IRI")
    base = set(task["base_lines"])
    shared = rdflib.Graph().parse(data=task["shared_nt"], format="nt")
    schema_and_shared = set(_schema_graph(task["schema_nt"])) | set(shared)
    asserted = sum(1 for triple in data if triple not in schema_and_shared)
    data += shared
    closed = close(task["reasoner"], task["schema_nt"], data)
    violations, warnings = check(closed, task["shapes_nt"])
    # The only blank nodes left are the schema's (its owl:oneOf list), already in the base with canonical labels.
    own = rdflib.Graph()
    for triple in closed:
        if not any(isinstance(term, rdflib.BNode) for term in triple):
            own.add(triple)
    lines = [line for line in nt_lines(own) if line not in base]
    undecided = []
    if task.get("decisions") is not None:  # the annotator over this plan's elements against this plan's rows
        from server.graph.build import annotation_problems

        undecided = annotation_problems([Path(p) for p in task["files"]], task["decisions"], task["decisions_path"])
    return PartResult(task["key"], lines, violations, warnings, asserted, undecided=undecided)


class PartCache:
    """Finished parts on disk: <hash>.nt (the part's sorted lines) and <hash>.json (its validation messages)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def get(self, key: str, digest: str) -> PartResult | None:
        nt, meta = self.folder / f"{digest}.nt", self.folder / f"{digest}.json"
        if not (nt.exists() and meta.exists()):
            return None
        messages = json.loads(meta.read_text(encoding="utf-8"))
        lines = nt.read_text(encoding="utf-8").splitlines()
        return PartResult(key, lines, messages["violations"], messages["warnings"], messages["asserted"], cached=True)

    def put(self, digest: str, part: PartResult) -> None:
        if part.violations or part.undecided:
            return  # a failing part is rebuilt (and reported) until it is fixed
        self.folder.mkdir(parents=True, exist_ok=True)
        for suffix, text in (
            (".nt", "".join(line + "\n" for line in part.lines)),
            (".json", json.dumps({"violations": [], "warnings": part.warnings, "asserted": part.asserted})),
        ):
            scratch = self.folder / f".{digest}{suffix}.{os.getpid()}"
            scratch.write_text(text, encoding="utf-8")
            os.replace(scratch, self.folder / f"{digest}{suffix}")  # a reader never sees half a part


@dataclass
class PartsBuild:
    asserted: int
    lines: list[str]  # the merged, sorted, distinct N-Triples lines
    prefixes: dict[str, str]  # for the Turtle dump: those the schema and the shared files declare
    base_lines: list[str]  # the closure of the schema and the shared data, which every part builds on
    parts: dict[str, PartResult]
    violations: list[str]
    warnings: list[str]
    rebuilt: list[str]
    undecided: list[str]  # annotation proposals without a decision, decisions without a proposal


def build_parts(
    files: list[Path],
    reasoner: str = "rules",
    cache_dir: Path | None = None,
    workers: int | None = None,
    data_dir: Path = DATA_DIR,
    progress=None,
) -> PartsBuild:
    """Infer and validate every part of `files` (from the cache where its inputs are unchanged), then merge them.
    `progress` (server.graph.progress.Progress) sees each phase and each plan as it is done."""
    from server.graph.progress import Quiet

    progress = progress or Quiet()
    progress.start("load")
    schema_files, units, shared_inputs = split_files(files, data_dir)
    schema = load_files(schema_files)
    schema_nt = "\n".join(nt_lines_any(schema)) + "\n"
    shapes = load_files(sorted((SHAPES_DIR / STRUCTURE_SHAPES).glob("*.ttl")))
    shapes_nt = "\n".join(nt_lines_any(shapes)) + "\n"
    shared = load_files(shared_inputs)
    prefixes = _prefixes(schema_files + shared_inputs)
    owned: dict[str, rdflib.Graph] = {}
    common = rdflib.Graph()
    for triple in shared:
        code = owner(triple[0])
        (owned.setdefault(code, rdflib.Graph()).add(triple) if code else common.add(triple))
    shared_nt = "\n".join(nt_lines(common)) + "\n"

    progress.done("load", f"schema and shared data, {len(schema) + len(shared):,} triples; {len(units)} plans")
    progress.start("base")
    base_closed = close(reasoner, schema_nt, rdflib.Graph() + common)
    base_violations, base_warnings = check(base_closed, shapes_nt)
    base_lines = nt_lines_any(base_closed)
    progress.done(
        "base", f"{len(base_lines):,} triples after OWL 2 RL ({reasoner}), {len(base_violations)} violation(s)"
    )

    unknown = sorted(set(owned) - set(units))
    for code in unknown:  # triples about a municipality that has no plan files: they still get built
        units[code] = []
    table, rows, undecided = _decisions(shared_inputs, units)
    annotator = b"".join(p.read_bytes() for p in _annotator_sources()) if table else b""
    fixed = _digest(
        f"{__version__}/{reasoner}".encode(), schema_nt.encode(), shapes_nt.encode(), shared_nt.encode(), annotator
    )
    cache = PartCache(cache_dir) if cache_dir else None
    results: dict[str, PartResult] = {}
    tasks = []
    for code, own_files in sorted(units.items()):
        owned_nt = "\n".join(nt_lines(owned[code])) + "\n" if code in owned else ""
        mine = rows.get(code, [])
        decided = repr(mine).encode() if table else b""
        digest = _digest(fixed.encode(), _files_digest(own_files, Path(data_dir)), owned_nt.encode(), decided)
        hit = cache.get(code, digest) if cache else None
        if hit:
            results[code] = hit
            continue
        tasks.append(
            (
                digest,
                {
                    "key": code,
                    "files": [str(p) for p in own_files],
                    "owned_nt": owned_nt,
                    "shared_nt": shared_nt,
                    "schema_nt": schema_nt,
                    "shapes_nt": shapes_nt,
                    "base_lines": base_lines,
                    "reasoner": reasoner,
                    "decisions": mine if table else None,
                    "decisions_path": str(table) if table else None,
                },
            )
        )
    progress.start("plans")
    built = _run([t for _, t in tasks], workers)
    for i, (digest, part) in enumerate(zip((d for d, _ in tasks), built, strict=True), start=1):
        results[part.key] = part
        if cache:
            cache.put(digest, part)
        progress.step("plans", i, len(tasks), part.key)
    failing = sum(1 for part in results.values() if part.violations)
    progress.done("plans", f"{len(tasks)} built, {len(results) - len(tasks)} from the cache, {failing} with violations")
    progress.start("merge")

    merged = list(_unique(heapq.merge(base_lines, *(results[k].lines for k in sorted(results)))))
    progress.done("merge", f"{len(merged):,} triples")
    violations = base_violations + [v for k in sorted(results) for v in results[k].violations]
    warnings = base_warnings + [w for k in sorted(results) for w in results[k].warnings]
    return PartsBuild(
        asserted=len(set(schema) | set(common)) + sum(part.asserted for part in results.values()),
        lines=merged,
        prefixes=prefixes,
        base_lines=base_lines,
        parts=results,
        violations=sorted(set(violations)),
        warnings=sorted(set(warnings)),
        rebuilt=[t["key"] for _, t in tasks],
        undecided=undecided + [u for k in sorted(results) for u in results[k].undecided],
    )


def _decisions(shared_inputs: list[Path], units: dict) -> tuple[Path | None, dict, list[str]]:
    """The annotation decisions table among the shared inputs, its rows by the part of their element, and the
    rows whose element belongs to no part (a decision on something that is not a plan element)."""
    from server.annotations.decisions import read_decisions, shorten

    table = next((p for p in shared_inputs if p.suffix == ".tsv"), None)
    if table is None:
        return None, {}, []
    rows, orphans = {}, []
    for row in read_decisions(table):
        code = owner(rdflib.URIRef(row.element))
        if code in units:
            rows.setdefault(code, []).append(row)
        else:
            orphans.append(f"{table}:{row.line}: {shorten(row.element)} is not a plan element")
    return table, rows, orphans


def _annotator_sources() -> list[Path]:
    from server.graph.build import annotator_sources

    return annotator_sources()


def _prefixes(files: list[Path]) -> dict[str, str]:
    """The prefixes the ontology and the shared data files declare (not rdflib's built-in bindings), for the
    Turtle dump: one name per namespace, the first file's, so that no `default1`… names appear."""
    by_namespace = {}
    for path in files:
        if Path(path).suffix != ".ttl":  # the decisions table declares no prefixes
            continue
        scratch = rdflib.Graph(bind_namespaces="none").parse(path, format="turtle")  # parsed once already: valid
        for prefix, ns in scratch.namespaces():
            if prefix and str(ns) not in by_namespace and prefix not in by_namespace.values():
                by_namespace[str(ns)] = prefix
    return dict(sorted((prefix, ns) for ns, prefix in by_namespace.items()))


def _run(tasks: list[dict], workers: int | None):
    """The parts' results in task order, each as soon as it and those before it are done."""
    workers = min(len(tasks), workers or os.cpu_count() or 1)
    if workers <= 1:
        yield from (_build_part(t) for t in tasks)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_build_part, tasks, chunksize=max(1, len(tasks) // (workers * 8)))


def _unique(lines):
    """Sorted lines without repeats (a triple two parts both derive is written once)."""
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line


def nt_lines_any(graph: rdflib.Graph) -> list[str]:
    """Sorted N-Triples lines with canonical blank-node labels (the ontology's owl:oneOf list has some)."""
    return canonical_ntriples(graph).decode("utf-8").splitlines()
