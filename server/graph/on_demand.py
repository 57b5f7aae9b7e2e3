"""Building the graph when the published version is missing or older than its inputs, for what starts things:
the commands (`serve`, `query`, `validate`, …) and the app, which hands ensure_dump to its pages and SPARQL
workers (server.app). The store and the serving side never import the build; they are handed this.

A build never runs in a request thread: there it is started in the background (one builder per process, and a
file lock makes it one per folder), the old graph is served meanwhile when there is one, and otherwise
GraphBeingBuilt tells the client to come back (503 with Retry-After).
"""

import os
import sys
import threading
from pathlib import Path

from server.graph import build as building  # looked up at each build, so that a test can stand in for it
from server.paths import SHAPES_DIR, graph_input_files
from server.published import DumpInvalid, GraphNotBuilt, build_lock, dump_path, dump_stat, verified_dump


class GraphBeingBuilt(GraphNotBuilt):
    """Nothing is published yet and a build is under way in the background: ask again shortly."""

    retry_after = 10


def latest_input_change() -> float:
    """The newest modification time among the ontology, data and structural shape files."""
    inputs = graph_input_files() + sorted((SHAPES_DIR / "structure").glob("*.ttl"))
    return max(p.stat().st_mtime for p in inputs)


def is_stale(path: Path) -> bool:
    """Whether an ontology, data or structural shape file changed after the dump was written."""
    return latest_input_change() > dump_stat(path).st_mtime


def _in_request() -> bool:
    """Whether this thread is answering a Flask request (looked up without importing Flask into the workers)."""
    flask = sys.modules.get("flask")
    return bool(flask is not None and flask.has_request_context())


def ensure_dump(published_dir, build_if_missing: bool = True, extra_graphs=None) -> Path:
    """The verified dump's path, building the graph first when it is missing or older than its inputs and that
    is allowed (an edited data file must not be answered from yesterday's graph). `extra_graphs` goes to the
    build (server.graph.build.build): what starts things hands it the compliance graph, which the build cannot
    import."""
    dump = verified_dump(published_dir)
    if dump is not None and not (build_if_missing and is_stale(dump.path)):
        return dump.path
    if not build_if_missing:
        raise GraphNotBuilt(f"{dump_path(published_dir)} does not exist: run `fukushi-kg build` first")
    if _in_request():
        builder = background_build(published_dir, extra_graphs)
        if dump is not None:
            return dump.path
        error = f" (the last attempt failed: {builder.error})" if builder.error else ""
        raise GraphBeingBuilt(f"the graph is being built{error}; try again shortly")
    build_once(published_dir, extra_graphs)
    return dump_path(published_dir)


def build_once(published_dir, extra_graphs=None) -> None:
    """Build under the folder's build lock; a build that finished while we waited for the lock is kept."""
    with build_lock(Path(published_dir)):
        try:
            dump = verified_dump(published_dir)
        except DumpInvalid:
            dump = None
        if dump is None or is_stale(dump.path):
            building.build(Path(published_dir), extra_graphs=extra_graphs)


class _Builder:
    def __init__(self, published_dir: Path, extra_graphs=None):
        self.published_dir = published_dir
        self.extra_graphs = extra_graphs
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
            build_once(self.published_dir, self.extra_graphs)
            self.error = None
        except Exception as exc:  # kept for the next 503 and logged: the server goes on with what it has
            self.error = f"{type(exc).__name__}: {exc}"
            print(f"fukushi-kg: background build of {self.published_dir} failed: {self.error}", file=sys.stderr)


_BUILDERS: dict[str, _Builder] = {}
_BUILDERS_LOCK = threading.Lock()


def background_build(published_dir, extra_graphs=None) -> _Builder:
    """Start (or join) this process's builder for `published_dir`."""
    key = os.path.realpath(Path(published_dir).parent) + os.sep + Path(published_dir).name
    with _BUILDERS_LOCK:
        builder = _BUILDERS.setdefault(key, _Builder(Path(published_dir), extra_graphs))
        return builder.start()


def for_app(app, extra_graphs=None):
    """The app's way to a verified dump (server.config.dump_source): building when its BUILD_IF_MISSING allows."""
    return lambda published_dir: ensure_dump(
        published_dir, bool(app.config.get("BUILD_IF_MISSING", True)), extra_graphs
    )
