"""Writing the published dumps, all at once or not at all, and publishing them in one atomic step."""

import hashlib
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from server.graph.parts import PartResult, write_formats
from server.published import (
    BUILD_INFO,
    DUMP_NAMES,
    GRAPHS,
    JOINABLE,
    STORE,
    BuildInfoDamaged,
    NQuads,
    build_lock,
    concatenate,
    current_version,
    graph_name,
    joined_reader,
    joined_size,
    ntriples_lines,
    read_build_info,
    versions_dir,
    whole_dump_limit,
)

KEEP_VERSIONS = 3


def write_dumps(nt: bytes, target: Path, info: dict, prefixes: dict[str, str] | None = None) -> dict:
    """Publish the canonical N-Triples `nt` as a build with one graph (`shared`): for tools and tests that
    publish a graph they made themselves rather than a build's parts."""
    scratch = Path(tempfile.mkdtemp(prefix="fukushi-kg-graph-"))
    try:
        lines = ntriples_lines(nt.decode("utf-8"))
        files, sums = write_formats(lines, scratch, "shared", prefixes or {})
        graph = PartResult("shared", "", files, sums, len(lines))
        return publish_graphs({"shared": graph}, target, dict(info, triples=len(lines)), prefixes)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def publish_graphs(graphs: dict, target: Path, info: dict, prefixes: dict[str, str] | None = None) -> dict:
    """Publish a build's named graphs (key -> server.graph.parts.PartResult, the shared graph first) as a fresh
    version folder, then as `target` in one step.

    Each graph's files (N-Triples, gzip, Turtle, JSON-LD, written by the worker that built the part) are linked
    into `graphs/`, not copied, and the whole graph's dumps are the graphs' files laid end to end in this order:
    N-Triples lines, gzip members and Turtle documents concatenate as they are, JSON-LD arrays are joined; the same
    inputs give the same bytes. Above whole_dump_limit() no whole dump is written: each is sent joined
    (build-info.json's `joined`), so a rebuild after one plan changed writes that plan's files only. The Oxigraph
    store (`store/`) holds every graph as a named graph and the whole in the default graph; after a small change
    it is the previous version's store (RocksDB files linked by a backup) with the changed graphs replaced.

    `target` is a symbolic link to the current version folder in versions_dir(target); publication replaces
    the link with os.replace, which is atomic, so a reader (or a kill at any moment) sees the old graph or the
    new one, complete, and never no graph. build-info.json records each file's SHA-256 and size, the triple
    count and the store's files, which the server checks before it serves (server.published.verified_dump).
    """
    target = Path(target)
    versions = versions_dir(target)
    versions.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    previous = current_version(target)
    staging = Path(tempfile.mkdtemp(prefix=f"staging-{os.getpid()}-", dir=versions))
    try:
        (staging / GRAPHS).mkdir()
        for key, graph in graphs.items():
            for fmt, path in graph.files.items():
                _link(Path(path), staging / GRAPHS / f"{key}.{fmt}")
        info = dict(info, files={}, sha256={}, graphs={})
        info["triples"] = sum(graph.triples for graph in graphs.values())
        joined = _joined_formats(graphs)
        with ThreadPoolExecutor(max_workers=len(DUMP_NAMES)) as pool:  # hashing and copying release the GIL
            done = {
                fmt: pool.submit(concatenate, [g.files[fmt] for g in graphs.values()], staging / name, fmt)
                for fmt, name in DUMP_NAMES.items()
                if fmt not in joined
            }
            for fmt, name in DUMP_NAMES.items():
                if fmt in joined:  # sent as the graphs' files joined: its size is known, its bytes are not written
                    info["files"][name] = joined_size([g.files[fmt] for g in graphs.values()], fmt)
                    info["sha256"][name] = None
                else:
                    info["files"][name], info["sha256"][name] = done[fmt].result()
        info["joined"] = {DUMP_NAMES[fmt]: fmt for fmt in joined}  # the graphs' order is info["graphs"]'
        info["ntriples_sha256"] = info["sha256"][DUMP_NAMES["nt"]]  # None when joined: each graph has its own
        for key, graph in graphs.items():
            info["graphs"][key] = {"triples": graph.triples, "sha256": graph.sha256["nt"], "formats": graph.sha256}
        info["store"] = write_store(staging / STORE, graphs, previous)
        (staging / BUILD_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it 0700; a published folder is as readable as any
        version = versions / f"{time.time_ns()}-{_version_digest(info)[:12]}"
        os.rename(staging, version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with build_lock(target, "publish.lock"):  # not build.lock, which a server's builder holds around build()
        publish(version, target)
    prune(target)
    return info


def _version_digest(info: dict) -> str:
    """What names a version folder after its content: the whole dump's SHA-256, or when that dump is joined, the
    SHA-256 of its graphs' SHA-256s in order (the same graphs give the same name)."""
    if info["ntriples_sha256"]:
        return info["ntriples_sha256"]
    return hashlib.sha256("".join(f"{k}\t{g['sha256']}\n" for k, g in info["graphs"].items()).encode()).hexdigest()


def _joined_formats(graphs: dict) -> tuple[str, ...]:
    """The formats whose whole dump is sent joined rather than written: none for a small build (every dump is
    one file, as a mirror expects), JOINABLE once the graphs' N-Triples pass whole_dump_limit()."""
    size = sum(Path(g.files["nt"]).stat().st_size for g in graphs.values())
    return JOINABLE if size > whole_dump_limit() else ()


def _link(source: Path, destination: Path) -> None:
    """A hard link (the part cache and the versions share their files), or a copy across file systems."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


STORE_LAYOUT = "named-graphs/2"  # each graph under server.published.graph_name(key), the whole in the default graph
REUSE_LIMIT = 0.1  # the share of graphs that may change for the previous store to be reused


def write_store(folder: Path, graphs: dict, previous: Path | None = None) -> dict:
    """The Oxigraph store of a version: each graph as its named graph, the whole again in the default graph (so
    a query without FROM sees everything, and a client can ask GRAPH ?g which plan holds a triple). Returns the
    record the server checks before opening it: the layout and the size of each of its database files.

    When the previous version's store has this layout and only a few graphs changed, the new store starts as a
    backup of it (RocksDB links its immutable files, so this costs milliseconds at any size) and only the
    changed graphs are rewritten; otherwise every graph is bulk-loaded."""
    changed = _changed_graphs(graphs, previous)
    if changed is not None:
        ox.Store.read_only(str(previous / STORE)).backup(str(folder))
        store = ox.Store(str(folder))
        for key in changed:
            _replace_graph(store, key, previous / GRAPHS / f"{key}.nt", graphs.get(key))
    else:
        store = ox.Store(str(folder))
        store.bulk_load(input=NQuads({k: g.files["nt"] for k, g in graphs.items()}), format=ox.RdfFormat.N_QUADS)
        # The default graph from the graphs' files joined: the whole dump's bytes, written or not.
        store.bulk_load(input=joined_reader([g.files["nt"] for g in graphs.values()]), format=ox.RdfFormat.N_TRIPLES)
        # A bulk load leaves RocksDB's tables as loaded; compacting them once makes every later read 2–5× faster
        # (measured at national scale: 8 s to compact, guardianship-measures 108 s -> 20 s). A reused store keeps
        # its compacted tables and adds a few small ones per rebuild.
        store.optimize()
    store.flush()
    del store  # closes the database before the folder is swapped in
    return {"layout": STORE_LAYOUT, "files": store_files(folder)}


def store_files(folder: Path) -> dict[str, int]:
    """The database files of a store that do not change once written (RocksDB's tables and its CURRENT pointer),
    with their sizes; logs and locks are left out because opening a store, even read-only, may touch them."""
    return {
        p.name: p.stat().st_size for p in sorted(Path(folder).iterdir()) if p.suffix == ".sst" or p.name == "CURRENT"
    }


def _changed_graphs(graphs: dict, previous: Path | None) -> list[str] | None:
    """The keys of the graphs that differ from the previous version's, when its store can be reused; else None."""
    try:
        info = read_build_info(previous) if previous else None
    except BuildInfoDamaged:
        return None  # the previous record is unreadable: load every graph afresh
    if not info or (info.get("store") or {}).get("layout") != STORE_LAYOUT or not (previous / STORE).is_dir():
        return None
    before = {key: meta.get("sha256") for key, meta in info.get("graphs", {}).items()}
    now = {key: graph.sha256["nt"] for key, graph in graphs.items()}
    changed = sorted(key for key in set(before) | set(now) if before.get(key) != now.get(key))
    if "shared" in changed or len(changed) > REUSE_LIMIT * max(len(now), 1):
        return None
    return changed


def _replace_graph(store: ox.Store, key: str, old_file: Path, new) -> None:
    """Make the store's graph `key` (and the default graph) hold the new part's triples instead of the old."""
    old = set(ntriples_lines(old_file.read_text(encoding="utf-8"))) if old_file.exists() else set()
    new_lines = set(new.lines) if new is not None else set()
    graph = graph_name(key)
    removed = _triples(old - new_lines)
    for t in removed:
        store.remove(ox.Quad(t.subject, t.predicate, t.object, graph))
    for t in removed:  # the default graph keeps a triple that another graph still holds
        if not any(
            not isinstance(q.graph_name, ox.DefaultGraph)
            for q in store.quads_for_pattern(t.subject, t.predicate, t.object)
        ):
            store.remove(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
    added = _triples(new_lines - old)
    store.extend([ox.Quad(t.subject, t.predicate, t.object, g) for t in added for g in (graph, ox.DefaultGraph())])


def _triples(lines: set[str]) -> list:
    body = "".join(line + "\n" for line in sorted(lines)).encode("utf-8")
    return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)) if body else []


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
