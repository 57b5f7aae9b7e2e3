"""The published folder's layout: what the build writes and the store and the server read.

The names of the dumps, the named graphs' files, the Oxigraph store and build-info.json; the versions beside the
published folder and the lock around building and publishing them; reading a version's record and verifying a dump
against it, so that a cut or edited dump is refused rather than served. The build (server.graph.dumps) writes this
layout and the store (server.store) reads it; this module imports neither, nor rdflib, so that a query worker
stays light.
"""

import fcntl
import hashlib
import io
import json
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from server.paths import BASE_IRI
from server.rebase import normalise_base, rebase_iri

DUMP_NAMES = {
    "nt": "fukushi-kg.nt",
    "nt.gz": "fukushi-kg.nt.gz",
    "ttl": "fukushi-kg.ttl",
    "jsonld": "fukushi-kg.jsonld",
}
NT_DUMP = DUMP_NAMES["nt"]
BUILD_INFO = "build-info.json"
GRAPHS = "graphs"  # one N-Triples file per named graph: a plan's part (<code>.nt) and the shared rest (shared.nt)
STORE = "store"  # the Oxigraph on-disk store the build writes beside the dump (server.graph.dumps.write_store)


def ntriples_lines(text: str) -> list[str]:
    """The lines of N-Triples text, split at line feeds only.

    str.splitlines also splits at U+2028, U+2029, U+0085, form feed, vertical tab and U+001C–U+001E, which
    N-Triples writers (rdflib's, Oxigraph's) rightly leave unescaped inside a literal: a plan text holding one
    (a cell break, a page break from a PDF) was cut into broken lines and the build failed on them."""
    return [line for line in text.split("\n") if line.strip()]


# The name of the whole graph for FROM and default-graph-uri (the store's default graph; as FROM NAMED or
# named-graph-uri it stands for every plan's graph). Nothing is ever fetched for a dataset IRI.
GRAPH_IRI = BASE_IRI + "graph"


def graph_name(key: str, base: str | None = None) -> ox.NamedNode:
    """The named graph of one part of the build: a plan's (`graph/<code>`) or the shared rest (`graph/shared`)."""
    return ox.NamedNode(rebase_iri(f"{GRAPH_IRI}/{key}", normalise_base(base)))


def versions_dir(target: Path) -> Path:
    """Where the versions of `target` live: a hidden folder beside it (`published` -> `.published.versions`)."""
    return Path(target).parent / f".{Path(target).name}.versions"


def current_version(target: Path) -> Path | None:
    return Path(os.path.realpath(target)) if Path(target).is_symlink() else None


@contextmanager
def build_lock(target: Path, name: str = "build.lock"):
    """An exclusive lock per published folder, across processes: the server's builders take it so that one
    builds while the others wait. (flock: the kernel drops it when its holder dies, so no stale lock files.)"""
    versions = versions_dir(target)
    versions.mkdir(parents=True, exist_ok=True)
    with open(versions / name, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class BuildInfoDamaged(ValueError):
    """build-info.json exists but cannot be read; the message names it (for the log: it is a server path)."""


def read_build_info(target: Path) -> dict | None:
    path = Path(target) / BUILD_INFO
    if not path.exists():
        return None
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildInfoDamaged(f"{path}: unreadable ({exc})") from exc
    if not isinstance(info, dict):
        raise BuildInfoDamaged(f"{path}: not a JSON object")
    return info


class GraphNotBuilt(Exception):
    """There is no N-Triples dump to serve, and building one was not allowed."""

    retry_after: int | None = None


class DumpInvalid(GraphNotBuilt):
    """The published dump does not match what the build recorded (cut, edited or unreadable). The message
    names the file, so that `serve` can exit with one line and a running server can log why it kept the old
    graph."""


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


def dump_stat(path) -> os.stat_result:
    """The stat of the whole N-Triples dump, or of its version's build-info.json (written in the same step) when
    the build joined the dump rather than wrote it (JOINABLE); FileNotFoundError when neither exists. Whether a
    missing dump was joined or removed is verified_dump's question (it reads the record), not this one's: this
    runs on every request."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return os.stat(Path(path).with_name(BUILD_INFO))


def dump_stamp(path) -> tuple:
    """What changes when a build swaps a new dump in: the workers and the pages reload on a new stamp."""
    st = dump_stat(path)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def dump_joined(path) -> bool:
    """Whether the build recorded the whole N-Triples dump beside `path`'s record as joined, not written."""
    return _joined(_record_beside(path))


def _record_beside(path) -> dict:
    try:
        return read_build_info(Path(path).parent) or {}
    except BuildInfoDamaged:
        return {}


def _joined(info: dict) -> bool:
    return NT_DUMP in (info.get("joined") or {})


def dump_exists(path) -> bool:
    """Whether a whole N-Triples dump is published at `path`: written, or joined from the graphs' files."""
    return os.path.exists(path) or dump_joined(path)


def dump_size(path) -> int:
    """The whole N-Triples dump's bytes: the file's, or the build's record of a joined one."""
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        info = _record_beside(path)
        size = (info.get("files") or {}).get(NT_DUMP)
        if size is None or not _joined(info):
            raise
        return size


def open_dump(path) -> io.BufferedReader:
    """The whole N-Triples dump to read: the file, or the graphs' files joined as they are read (the same bytes,
    server.graph.dumps.publish_graphs), for a build that joined it."""
    if os.path.exists(path):
        return open(path, "rb")
    info = _record_beside(path)
    if not _joined(info):
        return open(path, "rb")  # FileNotFoundError, as for any missing file
    return joined_reader(graph_paths(Path(path).parent, info))


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
    if not path.exists() and not _joined(info):
        return None  # a record without its dump: nothing to serve
    expected = info.get("ntriples_sha256")
    if store_location(path) is not None:
        # Served from the store on disk: what is checked is what is served (the store's database files, which
        # RocksDB also checksums block by block as it reads) and the dump's size, not 1.4 GB hashed on every
        # start (2.5 s at national scale). A downloader checks the dump against the SHA-256 that build-info.json
        # and the VoID description publish.
        _check_store(path, folder, info)
    elif not path.exists():
        _check_graphs(folder, info)
    else:
        _check_hash(path, expected)
    dump = Dump(path, folder, info.get("triples"), expected, stamp)
    with _VERIFIED_LOCK:
        if len(_VERIFIED) > 32:
            _VERIFIED.clear()
        _VERIFIED[key] = dump
    return dump


def existing_dump(published_dir) -> Path:
    """The verified dump's path, never building: GraphNotBuilt when nothing is published. (Building when it is
    missing or stale is decided by what starts the server or a command: server.graph.on_demand.)"""
    dump = verified_dump(published_dir)
    if dump is None:
        raise GraphNotBuilt(f"{dump_path(published_dir)} does not exist: run `fukushi-kg build` first")
    return dump.path


def _check_graphs(folder: Path, info: dict) -> None:
    """A joined dump is its graphs' files: each is held to the SHA-256 the build recorded for it."""
    for key, meta in (info.get("graphs") or {}).items():
        _check_hash(folder / GRAPHS / f"{key}.nt", meta.get("sha256"))


def _check_hash(path: Path, expected: str | None) -> None:
    digest = hashlib.sha256()
    last = b"\n"
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
                last = block[-1:]
    except FileNotFoundError:
        raise DumpInvalid(f"{path}: missing, though {BUILD_INFO} lists it: run `fukushi-kg build`") from None
    if expected and digest.hexdigest() != expected:
        raise DumpInvalid(
            f"{path}: SHA-256 {digest.hexdigest()[:16]}… differs from the build's {expected[:16]}… "
            "(the file was cut or changed): run `fukushi-kg build`"
        )
    if last != b"\n":
        raise DumpInvalid(f"{path}: the last line is cut off: run `fukushi-kg build`")


def _check_store(path: Path, folder: Path, info: dict) -> None:
    size = (info.get("files") or {}).get(NT_DUMP)
    if path.exists():
        actual = path.stat().st_size
    else:  # joined: the graphs' files laid end to end are the dump
        try:
            actual = joined_size(graph_paths(folder, info), "nt")
        except FileNotFoundError as exc:
            raise DumpInvalid(
                f"{exc.filename}: missing, though {BUILD_INFO} lists it: run `fukushi-kg build`"
            ) from None
    if size is not None and actual != size:
        what = path if path.exists() else f"{path} ({folder / GRAPHS}/*.nt joined)"
        raise DumpInvalid(f"{what}: {actual} bytes, the build wrote {size}: run `fukushi-kg build`")
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


def in_memory_limit() -> int:
    """Dumps up to this many bytes are served from memory (FUKUSHI_KG_IN_MEMORY_LIMIT, default 256 MiB)."""
    return int(os.environ.get("FUKUSHI_KG_IN_MEMORY_LIMIT", 256 << 20))


def store_location(nt_path, base: str | None = None, memory_limit: int | None = None) -> Path | None:
    """The on-disk store server.store.load_store opens for this dump, or None when it loads the dump into memory."""
    on_disk = Path(nt_path).parent / STORE
    limit = in_memory_limit() if memory_limit is None else memory_limit
    if normalise_base(base) == BASE_IRI and on_disk.is_dir() and dump_size(nt_path) > limit:
        return on_disk
    return None


def graph_files(nt_path) -> dict[str, Path]:
    """The named graphs' N-Triples files beside a dump, by key, as the build recorded them (shared first)."""
    folder = Path(nt_path).parent
    try:
        keys = json.loads((folder / BUILD_INFO).read_text(encoding="utf-8")).get("graphs") or {}
    except (OSError, ValueError):
        keys = {}
    return {key: folder / GRAPHS / f"{key}.nt" for key in sorted(keys, key=lambda k: (k != "shared", k))}


def graph_paths(folder: Path, info: dict, fmt: str = "nt") -> list[Path]:
    """The graphs' files in one format, in the order build-info.json records them: the order a joined dump lays
    them end to end."""
    return [Path(folder) / GRAPHS / f"{key}.{fmt}" for key in info.get("graphs") or {}]


def joined_reader(paths: list[Path]) -> io.BufferedReader:
    """The N-Triples files `paths` as one binary stream, laid end to end as they are read."""
    return io.BufferedReader(ChunkReader(joined_chunks(paths, "nt")), 1 << 20)


class ChunkReader(io.RawIOBase):
    """A read-only binary stream over an iterable of byte chunks (joined_chunks), for the readers that take a
    file: pyoxigraph's bulk_load and parse, rdflib's parse."""

    def __init__(self, chunks):
        self._chunks, self._buffer = iter(chunks), memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not len(self._buffer):
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = memoryview(chunk)
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


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


def concatenate(paths: list[Path], destination: Path, fmt: str) -> tuple[int, str]:
    """Lay the graphs' files end to end into `destination`; (size, SHA-256) of what was written."""
    digest, size = hashlib.sha256(), 0
    with open(destination, "wb") as out:
        for chunk in joined_chunks(paths, fmt):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


# Whole dumps in these formats are not written when the graphs are larger than whole_dump_limit(): they are
# the graphs' files joined as they are sent (server.web.dataset), so that a rebuild after one plan changed
# writes that plan's files, not 3.3 GB of dumps at national scale. The N-Triples dump too: writing its 1.7 GB
# took 5–10 s of a 12–16 s rebuild on this disk (`cp` of it alone 4.3 s), and nothing needs it as one file —
# the store's default graph is loaded from the graphs' files, the server stamps a joined dump by its
# build-info.json and checks it by the graphs' records (verified_dump), and a reader gets it from open_dump.
JOINABLE = ("nt", "nt.gz", "ttl", "jsonld")


def whole_dump_limit() -> int:
    """Graphs up to this many bytes (all formats together) get every whole dump written
    (FUKUSHI_KG_WHOLE_DUMP_LIMIT, default 256 MiB); above it the JOINABLE ones are joined when sent."""
    return int(os.environ.get("FUKUSHI_KG_WHOLE_DUMP_LIMIT", 256 << 20))


def joined_chunks(paths: list[Path], fmt: str, block: int = 1 << 22):
    """The bytes of the graphs' files laid end to end, block by block: N-Triples lines, gzip members and Turtle
    documents concatenate as they are (each Turtle document declares its own prefixes); each JSON-LD file is one
    flat array of node objects, and the whole is one array of them all."""
    if fmt != "jsonld":
        for path in paths:
            with open(path, "rb") as fh:
                yield from iter(lambda fh=fh: fh.read(block), b"")
        return
    yield b"["
    first = True
    for path in paths:
        start, end = _array_inside(Path(path))
        if start >= end:
            continue
        if not first:
            yield b","
        first = False
        with open(path, "rb") as fh:
            fh.seek(start)
            left = end - start
            while left:
                chunk = fh.read(min(block, left))
                if not chunk:
                    raise DumpInvalid(f"{path}: shorter than when it was measured")
                left -= len(chunk)
                yield chunk
    yield b"]\n"


def joined_size(paths: list[Path], fmt: str) -> int:
    """The size of joined_chunks(paths, fmt), from the files' sizes (and each JSON-LD file's ends) only."""
    if fmt != "jsonld":
        return sum(Path(p).stat().st_size for p in paths)
    spans = [end - start for start, end in map(_array_inside, map(Path, paths)) if end > start]
    return 1 + sum(spans) + max(0, len(spans) - 1) + 2


def _array_inside(path: Path, look: int = 4096) -> tuple[int, int]:
    """Offsets [start, end) of what lies inside a JSON-LD file's outer brackets, white space around it left
    out (as bytes.strip() would), read from the file's two ends only."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(min(size, look))
        fh.seek(max(0, size - look))
        tail = fh.read()
    offset = size - len(tail)
    start = len(head) - len(head.lstrip())
    end = offset + len(tail.rstrip())
    if start >= end or head[start : start + 1] != b"[" or tail[end - offset - 1 : end - offset] != b"]":
        raise DumpInvalid(f"{path}: not a JSON-LD array")
    start, end = start + 1, end - 1
    while start < end and start < len(head) and head[start : start + 1].isspace():
        start += 1
    while end > start and end - offset > 0 and tail[end - offset - 1 : end - offset].isspace():
        end -= 1
    return start, end
