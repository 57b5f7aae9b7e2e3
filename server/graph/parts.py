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

What a part contributes is its closure minus the base closure (schema ∪ shared), as sorted N-Triples lines: its
named graph. The worker that builds a part also writes it in every published format (N-Triples, gzip, Turtle,
JSON-LD) into the part cache, so that publishing a build (server.graph.dumps) links unchanged parts' files rather
than writing them again, and the whole graph's dumps are the parts' files laid end to end in a fixed order: the
same inputs give the same bytes.

The shared files are read once per content: what each holds for each part and for the base is kept in the cache
beside the parts (the national decisions table takes minutes to turn into triples and changes rarely).
"""

import gzip
import hashlib
import heapq
import json
import os
import pickle
import re
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib

from server import __version__
from server.annotations.decisions import annotator_sources, decision_graph, read_decisions, shorten
from server.annotations.decisions import check as check_decisions
from server.graph.canonical import canonical_lines, nt_lines
from server.graph.inference import materialise
from server.graph.input_digests import InputDigests
from server.graph.loading import load_files
from server.graph.part_check import PySHACLCheck, checker
from server.graph.progress import Quiet
from server.graph.rules import apply_rules, schema_from
from server.paths import BASE_IRI, DATA_DIR, ONTOLOGY_DIR, SHAPES_DIR
from server.published import ntriples_lines

MUNICIPALITIES = "municipalities"
STRUCTURE_SHAPES = "structure"
_OWNER = re.compile(
    re.escape(BASE_IRI) + r"id/(?:(?:synthetic/)?(\d{6})/|municipality/(?:synthetic-)?(\d{6})$)",
)
_CODE = re.compile(r"(\d{6})")
FORMATS = ("nt", "nt.gz", "ttl", "jsonld")  # each part's files, by the suffix they carry


@dataclass
class PartResult:
    key: str
    digest: str = ""
    files: dict = field(default_factory=dict)  # format -> its file in the part cache
    sha256: dict = field(default_factory=dict)  # format -> the file's SHA-256
    triples: int = 0
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    asserted: int = 0  # asserted triples of the part's own that are not in the schema or the shared data
    cached: bool = False
    undecided: list[str] = field(default_factory=list)  # annotation proposals and decisions that do not match
    summary: list = field(default_factory=list)  # the part's counts (server.graph.summary.part_records)
    summary_files: dict = field(default_factory=dict)  # format -> the counts as observations, in the part cache
    summary_sha256: dict = field(default_factory=dict)
    summary_triples: int = 0

    @property
    def lines(self) -> list[str]:
        """The part's sorted N-Triples lines, read from its file (parts are not held in memory)."""
        return ntriples_lines(Path(self.files["nt"]).read_text(encoding="utf-8")) if "nt" in self.files else []


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


def _digest(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(len(chunk).to_bytes(8, "big"))
        h.update(chunk)
    return h.hexdigest()


def _files_digest(files: list[Path], root: Path, known: InputDigests | None = None) -> bytes:
    known = known or InputDigests(None)
    out = []
    for p in files:
        name = str(p.relative_to(root) if p.is_relative_to(root) else p)
        out.append(known.digest(p, name, lambda body, name=name: _digest(name.encode(), body)).encode())
    return b"".join(out)


@lru_cache(maxsize=2)
def _schema(schema_nt: str, kept: str | None = None):
    """The rule tables of the schema's closure. Kept in the part cache (`kept`) under a hash of the schema: closing
    the schema with owlrl took 0.5–0.9 s of every rebuild after one plan changed, loading it takes 0.02 s."""
    path = Path(kept) / f"schema-{_digest(__version__.encode(), schema_nt.encode())}.pickle" if kept else None
    if path is not None and path.exists():
        with open(path, "rb") as fh:
            return pickle.load(fh)
    schema = schema_from(rdflib.Graph().parse(data=schema_nt, format="nt"))
    if path is not None:
        _write_pickle(path, schema)
    return schema


@lru_cache(maxsize=2)
def _schema_graph(schema_nt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=schema_nt, format="nt")


@lru_cache(maxsize=2)
def _shapes(shapes_nt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=shapes_nt, format="nt")


def close(reasoner: str, schema_nt: str, data: rdflib.Graph, kept: str | None = None) -> rdflib.Graph:
    """The OWL 2 RL closure of schema + data with the chosen reasoner (both give the same triples); `kept`: the part
    cache, where the schema's rule tables are kept."""
    if reasoner == "rules":
        return apply_rules(_schema(schema_nt, kept), data)
    if reasoner == "owlrl":
        data.parse(data=schema_nt, format="nt")
        return materialise(data)
    raise ValueError(f"unknown reasoner {reasoner!r}")


def check(graph: rdflib.Graph, shapes_nt: str) -> tuple[list[str], list[str]]:
    """Structural validation of a whole graph with pySHACL (the base, once a build): (violations, other results)
    as one line each. The parts are checked by server.graph.part_check, with the base loaded once per worker."""
    return PySHACLCheck(_shapes(shapes_nt)).check(graph, [])


def write_formats(lines: list[str], folder: Path, stem: str, prefixes: dict[str, str]) -> tuple[dict, dict]:
    """Write sorted N-Triples `lines` as <stem>.nt, .nt.gz, .ttl and .jsonld into `folder`, each atomically and
    read-only (the published versions link these files: an edit in place would change every version at once).
    Returns ({format: path}, {format: SHA-256})."""
    nt = "".join(line + "\n" for line in lines).encode("utf-8")
    parsed = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)) if nt else []
    bodies = {
        "nt": nt,
        "nt.gz": gzip.compress(nt, mtime=0),  # gzip members laid end to end are one gzip file (RFC 1952)
        "ttl": ox.serialize(parsed, format=ox.RdfFormat.TURTLE, prefixes=prefixes) if parsed else b"",
        "jsonld": ox.serialize(parsed, format=ox.RdfFormat.JSON_LD) if parsed else b"[]",
    }
    folder.mkdir(parents=True, exist_ok=True)
    files, sums = {}, {}
    for fmt, body in bodies.items():
        path = folder / f"{stem}.{fmt}"
        scratch = folder / f".{stem}.{fmt}.{os.getpid()}"
        scratch.write_bytes(body)
        os.chmod(scratch, 0o444)
        os.replace(scratch, path)  # a reader never sees half a file
        files[fmt], sums[fmt] = path, hashlib.sha256(body).hexdigest()
    return files, sums


# What every part of one build shares, sent to each worker process once (ProcessPoolExecutor's initializer)
# rather than pickled into every task: at national scale that is 1,741 copies of the schema, shapes and base.
_CONTEXT: dict = {}


def _set_context(context: dict) -> None:
    _CONTEXT.clear()
    _CONTEXT.update(context)
    _CONTEXT["base"] = set(context["base_lines"])


def _build_part(task: dict) -> PartResult:
    """One part, in a worker process: parse, close with the schema and the shared data, validate, subtract base,
    write its files into the part cache."""
    ctx = _CONTEXT
    data = load_files([Path(p) for p in task["files"]])
    undecided = []
    if task.get("decisions") is not None:  # the annotator over this plan's elements against this plan's rows
        undecided = check_decisions(data, task["decisions"], path=task["decisions_path"])
        # The decided annotations and their records are made here, from this plan's rows, in parallel across the
        # workers (every one of their triples is about one of the plan's elements; at national scale the whole
        # table makes 1.2 million triples, which took the build's first two minutes when read in one process).
        data += decision_graph(task["decisions"])
    data.parse(data=task["owned_nt"], format="nt")
    if any(isinstance(term, rdflib.BNode) for triple in data for term in triple):
        # Blank nodes cannot be told apart across parts once merged; plan resources are named (docs/data-model.md).
        raise ValueError(f"part {task['key']}: blank nodes are not allowed in plan data; give the resource an IRI")
    shared = _shared_graph(ctx["shared_nt"])
    schema_and_shared = _schema_and_shared(ctx["schema_nt"], ctx["shared_nt"])
    asserted = sum(1 for triple in data if triple not in schema_and_shared)
    data += shared
    closed = close(ctx["reasoner"], ctx["schema_nt"], data, ctx.get("kept"))
    # The only blank nodes left are the schema's (its owl:oneOf list), already in the base with canonical labels.
    own = (triple for triple in closed if not any(isinstance(term, rdflib.BNode) for term in triple))
    base = ctx["base"]
    lines = [line for line in nt_lines(own) if line not in base]
    # The base's lines and the part's are the closed graph, as published: that is what the shapes check.
    violations, warnings = _checker().check(closed, lines)
    part = PartResult(task["key"], task["digest"], triples=len(lines), violations=violations, warnings=warnings)
    part.asserted, part.undecided = asserted, undecided
    if not (violations or undecided):  # a failing part is rebuilt (and reported) until it is fixed
        from server.graph.summary import observation_lines

        part.summary = _counter().records(task["key"], lines)
        observations = observation_lines(part.summary)
        folder, stem = Path(ctx["folder"]), task["digest"] + "-summary"
        part.summary_files, part.summary_sha256 = write_formats(observations, folder, stem, ctx["prefixes"])
        part.summary_triples = len(observations)
        part.files, part.sha256 = write_formats(lines, Path(ctx["folder"]), task["digest"], ctx["prefixes"])
    return part


def _checker():
    """This worker's structural check (server.graph.part_check), made once with the base loaded."""
    if "checker" not in _CONTEXT:
        _CONTEXT["checker"] = checker(_CONTEXT["shapes_nt"], _CONTEXT["base_lines"])
    return _CONTEXT["checker"]


def _counter():
    """This worker's summary counter: the base loaded once, each part counted beside it."""
    from server.graph.summary import PartCounter
    from server.questions.named import parse

    if "counter" not in _CONTEXT:
        questions = [parse(name, text) for name, text in _CONTEXT["questions"]]
        _CONTEXT["counter"] = PartCounter(_CONTEXT["base_lines"], questions)
    return _CONTEXT["counter"]


@lru_cache(maxsize=2)
def _shared_graph(shared_nt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=shared_nt, format="nt")


@lru_cache(maxsize=2)
def _schema_and_shared(schema_nt: str, shared_nt: str) -> frozenset:
    return frozenset(_schema_graph(schema_nt)) | frozenset(_shared_graph(shared_nt))


class PartCache:
    """Finished parts on disk: <digest>.nt/.nt.gz/.ttl/.jsonld (the part's graph) and <digest>.json (its record)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def get(self, key: str, digest: str) -> PartResult | None:
        meta = self.folder / f"{digest}.json"
        files = {fmt: self.folder / f"{digest}.{fmt}" for fmt in FORMATS}
        summary_files = {fmt: self.folder / f"{digest}-summary.{fmt}" for fmt in FORMATS}
        if not meta.exists() or not all(path.exists() for path in [*files.values(), *summary_files.values()]):
            return None
        record = json.loads(meta.read_text(encoding="utf-8"))
        if set(record.get("sha256", {})) != set(FORMATS) or "summary_sha256" not in record:
            return None  # written by an older version of the cache
        return PartResult(
            key,
            digest,
            files,
            record["sha256"],
            record["triples"],
            [],
            record["warnings"],
            record["asserted"],
            True,
            summary=record["summary"],
            summary_files=summary_files,
            summary_sha256=record["summary_sha256"],
            summary_triples=record["summary_triples"],
        )

    def put(self, part: PartResult) -> None:
        if part.violations or part.undecided or not part.files:
            return
        record = {"sha256": part.sha256, "triples": part.triples, "warnings": part.warnings, "asserted": part.asserted}
        record.update(summary=part.summary, summary_sha256=part.summary_sha256, summary_triples=part.summary_triples)
        scratch = self.folder / f".{part.digest}.json.{os.getpid()}"
        scratch.write_text(json.dumps(record), encoding="utf-8")
        os.replace(scratch, self.folder / f"{part.digest}.json")  # the record last: a part is whole or absent


@dataclass
class PartsBuild:
    asserted: int
    triples: int  # in all the graphs together (the base's and every part's)
    prefixes: dict[str, str]  # for the Turtle dump: those the schema and the shared files declare
    base: PartResult  # the closure of the schema and the shared data, which every part builds on (graph `shared`)
    parts: dict[str, PartResult]
    violations: list[str]
    warnings: list[str]
    rebuilt: list[str]
    undecided: list[str]  # annotation proposals without a decision, decisions without a proposal
    folder: Path | None = None  # where the parts' files are (the cache, or a scratch folder the caller removes)
    summary: PartResult | None = None  # the counts of every part and prefecture (server.graph.summary)

    def graphs(self) -> dict[str, PartResult]:
        """Every named graph of the closure, in order: the shared base first, then the plans."""
        return {"shared": self.base, **{k: self.parts[k] for k in sorted(self.parts)}}

    def published_graphs(self) -> dict[str, PartResult]:
        """What publication writes: the closure's graphs, then the summary graph made from them."""
        return self.graphs() | ({"summary": self.summary} if self.summary is not None else {})

    def merged_lines(self) -> list[str]:
        """The whole graph as sorted, distinct N-Triples lines (read from the parts' files; for checks and tests)."""
        return list(_unique(heapq.merge(*(part.lines for part in self.graphs().values()))))

    def lazy_merged_lines(self) -> "MergedLines":
        """merged_lines() made only when something reads it (see MergedLines)."""
        return MergedLines(self.merged_lines)


class MergedLines(Sequence):
    """The whole graph's lines, merged from the parts' files on first use, for what makes extra graphs from
    them (the compliance matrix): a home without the law data reads none of them, and at national scale the
    merge reads every part's file and holds 6.5 million lines (about 20 s and 1.5 GB on every rebuild)."""

    def __init__(self, make):
        self._make, self._lines = make, None

    @property
    def merged(self) -> bool:
        return self._lines is not None

    def _all(self) -> list[str]:
        if self._lines is None:
            self._lines = self._make()
        return self._lines

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self):
        return iter(self._all())


def build_parts(
    files: list[Path],
    reasoner: str = "rules",
    cache_dir: Path | None = None,
    workers: int | None = None,
    data_dir: Path = DATA_DIR,
    progress=None,
) -> PartsBuild:
    """Infer and validate every part of `files` (from the cache where its inputs are unchanged).
    `progress` (server.graph.progress.Progress) sees each phase and each plan as it is done. Without a cache
    folder the parts' files go to a scratch folder (PartsBuild.folder) that the caller removes."""
    progress = progress or Quiet()
    folder = Path(cache_dir) if cache_dir else Path(tempfile.mkdtemp(prefix="fukushi-kg-parts-"))
    folder.mkdir(parents=True, exist_ok=True)
    progress.start("load")
    known = InputDigests(folder if cache_dir else None)
    schema_files, units, shared_inputs = split_files(files, data_dir)
    schema = load_files(schema_files)
    schema_nt = "\n".join(canonical_lines(schema)) + "\n"
    shapes = load_files(sorted((SHAPES_DIR / STRUCTURE_SHAPES).glob("*.ttl")))
    shapes_nt = "\n".join(canonical_lines(shapes)) + "\n"
    tables = [p for p in shared_inputs if p.suffix == ".tsv"]  # the decisions: turned into triples per part
    turtle = [p for p in shared_inputs if p not in tables]
    owned, common_lines, shared_count = _shared_inputs(turtle, data_dir, folder if cache_dir else None, known)
    prefixes = _prefixes(schema_files + shared_inputs)  # after the files were parsed once: errors name file and line
    common = rdflib.Graph().parse(data="\n".join(common_lines) + "\n", format="nt")
    shared_nt = "\n".join(common_lines) + "\n"

    progress.done("load", f"schema and shared data, {len(schema) + shared_count:,} triples; {len(units)} plans")
    progress.start("base")
    base_cache = folder if cache_dir else None
    base_lines, base_violations, base_warnings = _base(reasoner, schema_nt, shapes_nt, shared_nt, common, base_cache)
    stem = "shared-" + _digest(*(line.encode() for line in base_lines))
    base_files, base_sums = write_formats(base_lines, folder, stem, prefixes)
    base = PartResult("shared", "", base_files, base_sums, len(base_lines), base_violations, base_warnings)
    progress.done(
        "base", f"{len(base_lines):,} triples after OWL 2 RL ({reasoner}), {len(base_violations)} violation(s)"
    )

    unknown = sorted(set(owned) - set(units))
    for code in unknown:  # triples about a municipality that has no plan files: they still get built
        units[code] = []
    table, rows, undecided = _decisions(shared_inputs, units, data_dir, folder if cache_dir else None, known)
    annotator = b"".join(p.read_bytes() for p in annotator_sources()) if table else b""
    questions = _questions()
    fixed = _digest(
        json.dumps(questions).encode(),  # a part's counts run the named questions: a changed one recounts
        Path(__file__).with_name("summary.py").read_bytes(),
        f"{__version__}/{reasoner}".encode(),
        schema_nt.encode(),
        shapes_nt.encode(),
        shared_nt.encode(),
        json.dumps(prefixes).encode(),
        annotator,
    )
    cache = PartCache(folder)
    results: dict[str, PartResult] = {}
    tasks = []
    for code, own_files in sorted(units.items()):
        owned_nt = "\n".join(owned[code]) + "\n" if code in owned else ""
        mine = rows.get(code, [])
        decided = repr(mine).encode() if table else b""
        digest = _digest(fixed.encode(), _files_digest(own_files, Path(data_dir), known), owned_nt.encode(), decided)
        hit = cache.get(code, digest) if cache_dir else None
        if hit:
            results[code] = hit
            continue
        tasks.append(
            {
                "key": code,
                "digest": digest,
                "files": [str(p) for p in own_files],
                "owned_nt": owned_nt,
                "decisions": mine if table else None,
                "decisions_path": str(table) if table else None,
            }
        )
    context = {
        "schema_nt": schema_nt,
        "shapes_nt": shapes_nt,
        "shared_nt": shared_nt,
        "base_lines": base_lines,
        "reasoner": reasoner,
        "prefixes": prefixes,
        "folder": str(folder),
        "kept": str(folder) if cache_dir else None,  # the part cache, where the schema's rule tables are kept
        "questions": questions,
    }
    known.save()
    progress.start("plans")
    for i, part in enumerate(_run(tasks, workers, context), start=1):
        results[part.key] = part
        cache.put(part)
        progress.step("plans", i, len(tasks), part.key)
    failing = sum(1 for part in results.values() if part.violations)
    progress.done("plans", f"{len(tasks)} built, {len(results) - len(tasks)} from the cache, {failing} with violations")
    summary = None
    if all(part.summary_files for part in results.values()):  # a failing or undecided part wrote none
        summary = _summary(results, folder, prefixes)
    violations = base_violations + [v for k in sorted(results) for v in results[k].violations]
    warnings = base_warnings + [w for k in sorted(results) for w in results[k].warnings]
    return PartsBuild(
        asserted=len(set(schema) | set(common)) + sum(part.asserted for part in results.values()),
        triples=base.triples + sum(part.triples for part in results.values()),
        prefixes=prefixes,
        base=base,
        parts=results,
        violations=sorted(set(violations)),
        warnings=sorted(set(warnings)),
        rebuilt=[t["key"] for t in tasks],
        undecided=undecided + [u for k in sorted(results) for u in results[k].undecided],
        folder=None if cache_dir else folder,
        summary=summary,
    )


def _base(reasoner: str, schema_nt: str, shapes_nt: str, shared_nt: str, common: rdflib.Graph, cache: Path | None):
    """The closure of the schema and the shared data as sorted lines, with its violations and other results.
    Kept in the cache under a hash of what it is made from: it is the same for every rebuild after a plan changed
    (closing and validating it took about 1.5 s of each one)."""
    stamp = _digest(f"{__version__}/{reasoner}".encode(), schema_nt.encode(), shapes_nt.encode(), shared_nt.encode())
    kept = cache / f"base-{stamp}.pickle" if cache else None
    if kept and kept.exists():
        with open(kept, "rb") as fh:
            return pickle.load(fh)
    closed = close(reasoner, schema_nt, rdflib.Graph() + common, str(cache) if cache else None)
    violations, warnings = check(closed, shapes_nt)
    made = (canonical_lines(closed), violations, warnings)
    if kept and not violations:  # a failing base is closed and reported again until it is fixed
        _write_pickle(kept, made)
    return made


def _questions() -> list[tuple[str, str]]:
    """(name, text) of every named question, which each part's summary counts."""
    from server.paths import QUERIES_DIR

    return [(path.stem, path.read_text(encoding="utf-8")) for path in sorted(Path(QUERIES_DIR).glob("*.rq"))]


def _summary(results: dict[str, PartResult], folder: Path, prefixes: dict) -> PartResult:
    """The summary graph: the datasets' structure and each prefecture's sums (written here), then every part's
    observations as its worker wrote them, laid end to end like the whole dumps (server.graph.dumps). A file
    already in the cache under the same inputs is used as it is."""
    from server.graph.summary import GRAPH_KEY, observation_lines, prefecture_records, structure_lines
    from server.published import concatenate

    records = {key: part.summary for key, part in results.items()}
    head = structure_lines() + observation_lines(prefecture_records(records))
    head_files, head_sums = write_formats(
        head, folder, "summary-head-" + _digest(*(x.encode() for x in head)), prefixes
    )
    keys = sorted(results)
    stem = "summary-" + _digest(head_sums["nt"].encode(), *(results[k].summary_sha256["nt"].encode() for k in keys))
    files, sums = {}, {}
    for fmt in FORMATS:
        path = folder / f"{stem}.{fmt}"
        sums_file = folder / f"{stem}.{fmt}.sha256"
        if not (path.exists() and sums_file.exists()):
            scratch = folder / f".{stem}.{fmt}.{os.getpid()}"
            _, digest = concatenate([head_files[fmt], *(results[k].summary_files[fmt] for k in keys)], scratch, fmt)
            os.chmod(scratch, 0o444)
            os.replace(scratch, path)
            scratch.with_suffix(".sha256").write_text(digest, encoding="utf-8")
            os.replace(scratch.with_suffix(".sha256"), sums_file)  # the checksum last: a file is whole or absent
        files[fmt], sums[fmt] = path, sums_file.read_text(encoding="utf-8")
    # Earlier summaries are not needed again (a version that published one holds it by a hard link).
    keep = {f.name for f in [*files.values(), *head_files.values()]} | {f"{stem}.{fmt}.sha256" for fmt in FORMATS}
    for old in folder.glob("summary-*"):
        if old.name not in keep:
            old.unlink(missing_ok=True)
    triples = len(head) + sum(results[k].summary_triples for k in keys)
    return PartResult(GRAPH_KEY, "", files, sums, triples)


def _shared_inputs(
    paths: list[Path], data_dir: Path, cache: Path | None, known: InputDigests | None = None
) -> tuple[dict, list[str], int]:
    """The shared files' triples: ({code: sorted N-Triples lines about that municipality's resources}, the
    rest's sorted lines, how many triples they hold). Each file is read once per content: its split is kept
    in the cache under a hash of its path, bytes and the project version."""
    owned: dict[str, set] = {}
    common: set = set()
    for path in paths:
        split = _split_file(path, data_dir, cache, known)
        for code, lines in split.items():
            (owned.setdefault(code, set()).update(lines) if code else common.update(lines))
    count = len(common) + sum(len(v) for v in owned.values())
    return {code: sorted(lines) for code, lines in owned.items()}, sorted(common), count


def _split_file(path: Path, data_dir: Path, cache: Path | None, known: InputDigests | None = None) -> dict:
    stamp = _digest(__version__.encode(), _files_digest([Path(path)], Path(data_dir), known))
    kept = cache / f"input-{stamp}.pickle" if cache else None
    if kept and kept.exists():
        with open(kept, "rb") as fh:
            return pickle.load(fh)
    by_owner: dict = {}
    for triple in load_files([path]):
        code = owner(triple[0])
        by_owner.setdefault(code, []).append(triple)
    split = {code: nt_lines(graph) for code, graph in by_owner.items()}
    if kept:
        _write_pickle(kept, split)
    return split


def _write_pickle(path: Path, value) -> None:
    scratch = path.with_name(f".{path.name}.{os.getpid()}")
    with open(scratch, "wb") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(scratch, path)


def _decisions(
    shared_inputs: list[Path],
    units: dict,
    data_dir: Path = DATA_DIR,
    cache: Path | None = None,
    known: InputDigests | None = None,
) -> tuple[Path | None, dict, list[str]]:
    """The annotation decisions table among the shared inputs, its rows by the part of their element, and the
    rows whose element belongs to no part (a decision on something that is not a plan element). The rows are
    read once per content of the table, like the shared files."""
    table = next((p for p in shared_inputs if p.suffix == ".tsv"), None)
    if table is None:
        return None, {}, []
    stamp = _digest(__version__.encode(), _files_digest([table], Path(data_dir), known))
    kept = cache / f"decisions-{stamp}.pickle" if cache else None
    if kept and kept.exists():
        with open(kept, "rb") as fh:
            by_owner = pickle.load(fh)
    else:
        by_owner = {}
        for row in read_decisions(table):
            by_owner.setdefault(owner(rdflib.URIRef(row.element)), []).append(row)
        if kept:
            _write_pickle(kept, by_owner)
    rows, orphans = {}, []
    for code, found in by_owner.items():
        if code in units:
            rows[code] = found
        else:
            orphans += [
                (row.line, f"{table}:{row.line}: {shorten(row.element)} is not a plan element") for row in found
            ]
    return table, rows, [message for _, message in sorted(orphans)]


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


def _run(tasks: list[dict], workers: int | None, context: dict):
    """The parts' results in task order, each as soon as it and those before it are done."""
    workers = min(len(tasks), workers or os.cpu_count() or 1)
    if workers <= 1:
        _set_context(context)
        yield from (_build_part(t) for t in tasks)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_set_context, initargs=(context,)) as pool:
        yield from pool.map(_build_part, tasks, chunksize=max(1, min(8, len(tasks) // (workers * 8))))


def _unique(lines):
    """Sorted lines without repeats (a triple two parts both derive is written once)."""
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line


def remove_scratch(parts: PartsBuild) -> None:
    """Remove the scratch folder of a build made without a cache (its files are linked into the version)."""
    if parts.folder is not None:
        shutil.rmtree(parts.folder, ignore_errors=True)
