"""The published graph as a pyoxigraph store: what the SPARQL workers and `fukushi-kg query` answer from.

rdflib, owlrl and pyshacl build the graph; answering queries is pyoxigraph's job (rdflib's memory store is far
too slow for an endpoint). The store is loaded from the N-Triples dump the build writes, after checking it
against the build's record (build-info.json: SHA-256 and triple count), so that a cut or edited dump is
refused rather than served.
"""

import hashlib
import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from server.paths import BASE_IRI
from server.rebase import normalise_base, rebase_iri, rebase_quads

# The name of the whole graph for FROM and default-graph-uri (the store's default graph; as FROM NAMED or
# named-graph-uri it stands for every plan's graph). Nothing is ever fetched for a dataset IRI.
GRAPH_IRI = BASE_IRI + "graph"
GRAPHS = "graphs"  # server.graph.dumps.GRAPHS: each named graph's files, by key


def graph_name(key: str, base: str | None = None) -> ox.NamedNode:
    """The named graph of one part of the build: a plan's (`graph/<code>`) or the shared rest (`graph/shared`)."""
    return ox.NamedNode(rebase_iri(f"{GRAPH_IRI}/{key}", normalise_base(base)))


NT_DUMP = "fukushi-kg.nt"  # server.graph.dumps.DUMP_NAMES["nt"], not imported: it would pull rdflib into workers
STORE = "store"  # the Oxigraph on-disk store the build writes beside the dump (server.graph.dumps.write_store)
BUILD_INFO = "build-info.json"  # server.graph.dumps.BUILD_INFO


class GraphNotBuilt(Exception):
    """There is no N-Triples dump to serve, and building one was not allowed."""

    retry_after: int | None = None


class DumpInvalid(GraphNotBuilt):
    """The published dump does not match what the build recorded (cut, edited or unreadable). The message
    names the file, so that `serve` can exit with one line and a running server can log why it kept the old
    graph."""


class GraphBeingBuilt(GraphNotBuilt):
    """Nothing is published yet and a build is under way in the background: ask again shortly."""

    retry_after = 10


@dataclass(frozen=True)
class Dump:
    """A published N-Triples dump whose bytes were checked against the build's record."""

    path: Path  # in its version folder (symlinks resolved), so that a later publication cannot change it
    folder: Path
    triples: int | None  # as the build counted them; each worker checks its store holds as many
    sha256: str | None
    stamp: tuple


def dump_path(published_dir) -> Path:
    return Path(published_dir) / NT_DUMP


def dump_stamp(path) -> tuple:
    """What changes when a build swaps a new dump in: the workers and the pages reload on a new stamp."""
    st = Path(path).stat()
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def latest_input_change() -> float:
    """The newest modification time among the ontology, data and structural shape files."""
    from server.paths import SHAPES_DIR, graph_input_files

    inputs = graph_input_files() + sorted((SHAPES_DIR / "structure").glob("*.ttl"))
    return max(p.stat().st_mtime for p in inputs)


def is_stale(path: Path) -> bool:
    """Whether an ontology, data or structural shape file changed after the dump was written."""
    return latest_input_change() > path.stat().st_mtime


_VERIFIED: dict[tuple, Dump] = {}  # (file, stamp) -> Dump: a dump is hashed once, not on every request
_VERIFIED_LOCK = threading.Lock()


def verified_dump(published_dir) -> Dump | None:
    """The published dump after checking it against build-info.json (its SHA-256, and that it is whole lines);
    None when nothing is published. Raises DumpInvalid, naming the file, when the check fails."""
    folder = Path(os.path.realpath(published_dir))  # one version folder for the dump and its record
    path = folder / NT_DUMP
    try:
        stamp = dump_stamp(path)
    except FileNotFoundError:
        return None
    key = (str(path), stamp)
    with _VERIFIED_LOCK:
        if key in _VERIFIED:
            return _VERIFIED[key]
    info_path = folder / BUILD_INFO
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DumpInvalid(f"{path}: no {BUILD_INFO} beside it to check it against: run `fukushi-kg build`") from None
    except (OSError, ValueError) as exc:
        raise DumpInvalid(f"{info_path}: unreadable ({exc}): run `fukushi-kg build`") from exc
    expected = info.get("ntriples_sha256")
    if store_location(path) is not None:
        # Served from the store on disk: what is checked is what is served (the store's database files, which
        # RocksDB also checksums block by block as it reads) and the dump's size, not 1.4 GB hashed on every
        # start (2.5 s at national scale). A downloader checks the dump against the SHA-256 that build-info.json
        # and the VoID description publish.
        _check_store(path, folder, info)
    else:
        _check_hash(path, expected)
    dump = Dump(path, folder, info.get("triples"), expected, stamp)
    with _VERIFIED_LOCK:
        if len(_VERIFIED) > 32:
            _VERIFIED.clear()
        _VERIFIED[key] = dump
    return dump


def _check_hash(path: Path, expected: str | None) -> None:
    digest = hashlib.sha256()
    last = b"\n"
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            last = block[-1:]
    if expected and digest.hexdigest() != expected:
        raise DumpInvalid(
            f"{path}: SHA-256 {digest.hexdigest()[:16]}… differs from the build's {expected[:16]}… "
            "(the file was cut or changed): run `fukushi-kg build`"
        )
    if last != b"\n":
        raise DumpInvalid(f"{path}: the last line is cut off: run `fukushi-kg build`")


def _check_store(path: Path, folder: Path, info: dict) -> None:
    size = (info.get("files") or {}).get(NT_DUMP)
    if size is not None and path.stat().st_size != size:
        raise DumpInvalid(f"{path}: {path.stat().st_size} bytes, the build wrote {size}: run `fukushi-kg build`")
    recorded = (info.get("store") or {}).get("files")
    if recorded is None:
        raise DumpInvalid(f"{folder / STORE}: the build recorded no store files to check: run `fukushi-kg build`")
    for name, size in recorded.items():
        file = folder / STORE / name
        if not file.exists() or file.stat().st_size != size:
            raise DumpInvalid(f"{file}: missing or not the size the build wrote ({size} bytes): run `fukushi-kg build`")


def check_triples(dump: Dump, loaded: int) -> None:
    """Raise DumpInvalid when a store loaded from `dump` holds another number of triples than the build wrote."""
    if dump.triples is not None and loaded is not None and loaded != dump.triples:
        raise DumpInvalid(f"{dump.path}: {loaded} triples, the build recorded {dump.triples}: run `fukushi-kg build`")


def _in_request() -> bool:
    """Whether this thread is answering a Flask request (looked up without importing Flask into the workers)."""
    flask = sys.modules.get("flask")
    return bool(flask is not None and flask.has_request_context())


def ensure_dump(published_dir, build_if_missing: bool = True) -> Path:
    """The verified dump's path, building the graph first when it is missing or older than its inputs and that
    is allowed (an edited data file must not be answered from yesterday's graph).

    A build never runs in a request thread: there it is started in the background (one builder per process,
    and a file lock makes it one per folder), the old graph is served meanwhile when there is one, and
    otherwise GraphBeingBuilt tells the client to come back (503 with Retry-After).
    """
    dump = verified_dump(published_dir)
    if dump is not None and not (build_if_missing and is_stale(dump.path)):
        return dump.path
    if not build_if_missing:
        raise GraphNotBuilt(f"{dump_path(published_dir)} does not exist: run `fukushi-kg build` first")
    if _in_request():
        builder = background_build(published_dir)
        if dump is not None:
            return dump.path
        error = f" (the last attempt failed: {builder.error})" if builder.error else ""
        raise GraphBeingBuilt(f"the graph is being built{error}; try again shortly")
    build_once(published_dir)
    return dump_path(published_dir)


def build_once(published_dir) -> None:
    """Build under the folder's build lock; a build that finished while we waited for the lock is kept."""
    from server.graph.build import build
    from server.graph.dumps import build_lock

    with build_lock(Path(published_dir)):
        try:
            dump = verified_dump(published_dir)
        except DumpInvalid:
            dump = None
        if dump is None or is_stale(dump.path):
            build(Path(published_dir))


class _Builder:
    def __init__(self, published_dir: Path):
        self.published_dir = published_dir
        self.thread: threading.Thread | None = None
        self.error: str | None = None
        self.inputs: float | None = None  # latest_input_change() when the last build started
        self.lock = threading.Lock()

    def start(self) -> "_Builder":
        with self.lock:
            if self.thread is not None and self.thread.is_alive():
                return self
            inputs = latest_input_change()
            if self.error and inputs == self.inputs:
                return self  # the same inputs failed to build: retrying would only fail again
            self.inputs = inputs
            self.thread = threading.Thread(target=self._run, name="fukushi-kg-build", daemon=True)
            self.thread.start()
        return self

    def _run(self) -> None:
        try:
            build_once(self.published_dir)
            self.error = None
        except Exception as exc:  # kept for the next 503 and logged: the server goes on with what it has
            self.error = f"{type(exc).__name__}: {exc}"
            print(f"fukushi-kg: background build of {self.published_dir} failed: {self.error}", file=sys.stderr)


_BUILDERS: dict[str, _Builder] = {}
_BUILDERS_LOCK = threading.Lock()


def background_build(published_dir) -> _Builder:
    """Start (or join) this process's builder for `published_dir`."""
    key = os.path.realpath(Path(published_dir).parent) + os.sep + Path(published_dir).name
    with _BUILDERS_LOCK:
        builder = _BUILDERS.setdefault(key, _Builder(Path(published_dir)))
        return builder.start()


def store_triples(store: ox.Store, nt_path=None, base: str | None = None) -> int | None:
    """Triples in the named graphs of a store loaded by load_store (the build's count: each graph's, summed);
    None for the store on disk, which the build wrote in the same step and whose count would be a scan of every
    quad (1.5 s at national scale) on every worker start."""
    if nt_path is not None and store_location(nt_path, base) is not None:
        return None
    default = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"].value)
    return (len(store) - default) or default  # a dump published without its named graphs has only the default


def in_memory_limit() -> int:
    """Dumps up to this many bytes are served from memory (FUKUSHI_KG_IN_MEMORY_LIMIT, default 256 MiB)."""
    return int(os.environ.get("FUKUSHI_KG_IN_MEMORY_LIMIT", 256 << 20))


def store_location(nt_path, base: str | None = None, memory_limit: int | None = None) -> Path | None:
    """The on-disk store load_store opens for this dump, or None when it loads the dump into memory."""
    on_disk = Path(nt_path).parent / STORE
    limit = in_memory_limit() if memory_limit is None else memory_limit
    if normalise_base(base) == BASE_IRI and on_disk.is_dir() and Path(nt_path).stat().st_size > limit:
        return on_disk
    return None


def load_store(nt_path, base: str | None = None, memory_limit: int | None = None) -> ox.Store:
    """The published graph as a store: the whole dump in the default graph, and each graph of the build (a plan's,
    or the shared rest) as its named graph (graph_name).

    A dump larger than `memory_limit` bytes (about 1.5 million triples by default) is served from the Oxigraph
    on-disk store the build writes beside it (server.graph.dumps.write_store), opened read-only: in milliseconds
    at any size, and every process that opens it shares the operating system's page cache instead of holding its
    own copy. A smaller one is loaded into memory, where queries run 2–10× faster than on RocksDB (measured on
    the bundled data) and loading costs well under a second. Under an operator's `base`, whose IRIs the store on
    disk does not have, the dump is always loaded, every canonical IRI rewritten as it is loaded (server.rebase),
    so the pages and the SPARQL workers, which both load through here, name resources alike.
    """
    on_disk = store_location(nt_path, base, memory_limit)
    if on_disk is not None:
        return ox.Store.read_only(str(on_disk))
    base = normalise_base(base)
    store = ox.Store()
    graphs = _graph_files(nt_path)
    if base == BASE_IRI:
        store.bulk_load(input=NQuads(graphs), format=ox.RdfFormat.N_QUADS)
        store.bulk_load(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES)
        return store
    store.bulk_extend(rebase_quads(ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES), base, ox.DefaultGraph()))
    for key, path in graphs.items():
        parsed = ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        store.bulk_extend(rebase_quads(parsed, base, graph_name(key, base)))
    return store


def _graph_files(nt_path) -> dict[str, Path]:
    """The named graphs' N-Triples files beside a dump, by key, as the build recorded them."""
    folder = Path(nt_path).parent
    try:
        keys = json.loads((folder / BUILD_INFO).read_text(encoding="utf-8")).get("graphs") or {}
    except (OSError, ValueError):
        keys = {}
    return {key: folder / GRAPHS / f"{key}.nt" for key in sorted(keys, key=lambda k: (k != "shared", k))}


def triple_count(published_dir) -> int | None:
    """The number of triples in the published graph, from the build's record (None when unknown)."""
    from server.graph.dumps import read_build_info

    info = read_build_info(Path(published_dir))
    return info.get("triples") if info else None


def graph_counts(published_dir, base: str | None = None) -> dict[str, int | None]:
    """Each named graph's IRI (under `base`) and triple count, from the build's record."""
    from server.graph.dumps import read_build_info

    info = read_build_info(Path(published_dir)) or {}
    return {graph_name(key, base).value: meta.get("triples") for key, meta in (info.get("graphs") or {}).items()}


class NQuads:
    """Every graph's N-Triples file read as N-Quads in its named graph, for one bulk load (a bulk load per
    graph would leave RocksDB thousands of small files at national scale). Canonical N-Triples lines end in
    " .\\n" and a literal never holds a raw line break, so naming the graph is one replace per file."""

    def __init__(self, files: dict):
        """`files`: each graph's key -> its N-Triples file."""
        self._todo = [(Path(path), str(graph_name(key))) for key, path in reversed(files.items())]
        self._buffer, self._at = b"", 0

    def read(self, size: int = -1) -> bytes:
        while self._at >= len(self._buffer):  # a short read is allowed; only b"" means the end
            if not self._todo:
                return b""
            path, graph = self._todo.pop()
            self._buffer, self._at = path.read_bytes().replace(b" .\n", f" {graph} .\n".encode()), 0
        end = len(self._buffer) if size is None or size < 0 else self._at + size
        chunk = self._buffer[self._at : end]
        self._at += len(chunk)
        return chunk
