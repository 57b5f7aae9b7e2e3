"""Writing the published dumps, all at once or not at all, and publishing them in one atomic step."""

import fcntl
import gzip
import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.compare import to_canonical_graph

from server.store import GRAPH_IRI, STORE

DUMP_NAMES = {
    "nt": "fukushi-kg.nt",
    "nt.gz": "fukushi-kg.nt.gz",
    "ttl": "fukushi-kg.ttl",
    "jsonld": "fukushi-kg.jsonld",
}
BUILD_INFO = "build-info.json"
GRAPHS = "graphs"  # one N-Triples file per named graph: a plan's part (<code>.nt) and the shared rest (shared.nt)
KEEP_VERSIONS = 3


def canonical_ntriples(graph: rdflib.Graph) -> bytes:
    """N-Triples with canonical blank-node labels and sorted lines: same graph, same bytes."""
    canonical = to_canonical_graph(graph) if any(isinstance(t, rdflib.BNode) for s in graph for t in s) else graph
    lines = canonical.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    body = "\n".join(sorted(set(line for line in lines if line.strip())))
    return (body + "\n").encode("utf-8")


def versions_dir(target: Path) -> Path:
    """Where the versions of `target` live: a hidden folder beside it (`published` -> `.published.versions`)."""
    return Path(target).parent / f".{Path(target).name}.versions"


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


def write_dumps(
    nt: bytes,
    target: Path,
    info: dict,
    prefixes: dict[str, str] | None = None,
    graphs: dict[str, bytes] | None = None,
) -> dict:
    """Write every dump of the canonical N-Triples `nt` into a fresh version folder, then publish it as `target`
    in one step.

    `target` is a symbolic link to the current version folder in versions_dir(target); publication replaces
    the link with os.replace, which is atomic, so a reader (or a kill at any moment) sees the old graph or the
    new one, complete, and never no graph. build-info.json records each file's SHA-256 and size and the triple
    count, which the server checks before it serves the dump (server.store.verified_dump). Turtle and JSON-LD
    are written by pyoxigraph from the same triples: rdflib's serialisers take minutes at national scale, and
    its Turtle invents `default1`… prefixes. The version folder also holds each plan's named graph (`graphs/`)
    and an Oxigraph store of the whole (`store/`), which the server opens read-only for large dumps.
    """
    target = Path(target)
    versions = versions_dir(target)
    versions.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    staging = Path(tempfile.mkdtemp(prefix=f"staging-{os.getpid()}-", dir=versions))
    try:
        (staging / DUMP_NAMES["nt"]).write_bytes(nt)
        with gzip.GzipFile(staging / DUMP_NAMES["nt.gz"], "wb", mtime=0) as fh:
            fh.write(nt)
        # Parsed once per output rather than held as a list: millions of Python triples cost gigabytes.
        for name, fmt, extra in (
            ("ttl", ox.RdfFormat.TURTLE, {"prefixes": prefixes or {}}),
            ("jsonld", ox.RdfFormat.JSON_LD, {}),
        ):
            ox.serialize(
                ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), str(staging / DUMP_NAMES[name]), format=fmt, **extra
            )
        write_store(staging / STORE, nt)
        info = dict(info, ntriples_sha256=hashlib.sha256(nt).hexdigest(), files={}, sha256={})
        for name in DUMP_NAMES.values():
            info["files"][name] = (staging / name).stat().st_size
            info["sha256"][name] = _sha256(staging / name)
        if graphs:
            (staging / GRAPHS).mkdir()
            info["graphs"] = {}
            for key, body in sorted(graphs.items()):
                (staging / GRAPHS / f"{key}.nt").write_bytes(body)
                info["graphs"][key] = {"triples": body.count(b"\n"), "sha256": hashlib.sha256(body).hexdigest()}
        (staging / BUILD_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it 0700; a published folder is as readable as any
        version = versions / f"{time.time_ns()}-{info['ntriples_sha256'][:12]}"
        os.rename(staging, version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with build_lock(target, "publish.lock"):  # not build.lock, which a server's builder holds around build()
        publish(version, target)
    prune(target)
    return info


def write_store(folder: Path, nt: bytes) -> None:
    """An Oxigraph store holding `nt` in the default graph and again in the named graph server.store.GRAPH_IRI,
    laid out as the in-memory store the workers used to build from the dump, so answers do not change."""
    store = ox.Store(str(folder))
    store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH_IRI))
    store.flush()
    del store  # closes the database before the folder is swapped in


def publish(version: Path, target: Path) -> None:
    """Point `target` at `version` with one atomic rename of a fresh symbolic link over it."""
    link = versions_dir(target) / f"link-{os.getpid()}-{time.time_ns()}"
    os.symlink(os.path.relpath(version, target.parent), link)
    try:
        if target.is_dir() and not target.is_symlink():
            _retire_folder(target)
        os.replace(link, target)
    except BaseException:
        link.unlink(missing_ok=True)
        raise


def _retire_folder(target: Path) -> None:
    """A plain folder where the link goes (an empty one made for us, or dumps from before versioning): move
    it among the versions. Only this first publication has a moment without `target`."""
    if not any(target.iterdir()):
        target.rmdir()
    else:
        os.rename(target, versions_dir(target) / f"{time.time_ns()}-legacy")


def current_version(target: Path) -> Path | None:
    return Path(os.path.realpath(target)) if Path(target).is_symlink() else None


def remove_leftovers(target: Path) -> None:
    """Staging folders and links of builds whose process is gone (killed mid-build), and the previous
    layout's `.published-*` folders."""
    versions = versions_dir(target)
    for entry in versions.iterdir() if versions.is_dir() else ():
        kind, _, rest = entry.name.partition("-")
        if kind in ("staging", "link") and not _alive(rest.partition("-")[0]):
            if entry.is_symlink() or not entry.is_dir():
                entry.unlink(missing_ok=True)
            else:
                shutil.rmtree(entry, ignore_errors=True)
    for entry in Path(target).parent.glob(f".{Path(target).name}-*"):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def prune(target: Path, keep: int = KEEP_VERSIONS) -> None:
    """Remove all but the newest `keep` versions (never the current one): a server still answering from the
    previous version keeps its files for downloads until it has switched."""
    versions = versions_dir(target)
    current = current_version(target)
    done = sorted((p for p in versions.iterdir() if p.is_dir() and p.name[:1].isdigit()), key=lambda p: p.name)
    for old in done[:-keep] if keep else done:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_build_info(target: Path) -> dict | None:
    path = Path(target) / BUILD_INFO
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
