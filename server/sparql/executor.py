"""Running queries in worker processes, each with its own pyoxigraph store, with a per-query timeout.

pyoxigraph cannot cancel a running query from Python, so a query that overruns QUERY_TIMEOUT is stopped by
killing its worker process, and a fresh worker (which reloads the dump, ~0.3 s) takes its place in the
background. Each worker serves one query at a time; requests queue for a free worker.

Workers are fresh interpreters (`python -m server.sparql.worker`) talking over a socket pair, rather than
multiprocessing children: a forked child would inherit the server's threads' state, its listening socket and
the other workers' pipes, and multiprocessing's spawn/forkserver re-run the server's __main__ in every worker.
"""

import atexit
import itertools
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from server.rebase import normalise_base
from server.sparql import results
from server.store import dump_stamp

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Job:
    """One query to answer. The result format is chosen beforehand for both kinds of answer, because the
    kind (solutions or a graph) is only certain once the query has been parsed."""

    query: str
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None  # protocol dataset: overrides FROM / FROM NAMED
    named_graphs: tuple[str, ...] | None = None
    solutions_format: str | None = "json"  # None: the client accepts no solutions format (-> 406)
    graph_format: str | None = "turtle"
    max_rows: int | None = None


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    rows: int = 0


class QueryTimeout(Exception):
    pass


class NoWorkerFree(Exception):
    pass


class WorkerFailed(Exception):
    pass


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", message.encode("utf-8"))


def _not_acceptable(kind: str, formats: dict) -> Answer:
    offered = ", ".join(f.media_type for f in formats.values())
    return _error(406, f"Not Acceptable: this query returns {kind}; available formats: {offered}")


def _take(iterator, max_rows):
    if max_rows is None:
        return list(iterator), False
    taken = list(itertools.islice(iterator, max_rows + 1))
    return taken[:max_rows], len(taken) > max_rows


def execute(store: ox.Store, job: Job) -> Answer:
    """Run `job` against `store` and serialise the answer. Errors become answers, never exceptions."""
    kwargs = {"base_iri": job.base_iri}
    if job.default_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return answer(lambda: store.query(job.query, **kwargs), job)


def answer(evaluate: Callable[[], object], job: Job) -> Answer:
    """Serialise what `evaluate` returns (pyoxigraph solutions, a boolean, or triples) as the job asks, with the
    row cap. Shared by the local workers and the remote backend (server.backend.remote), so both answer alike."""
    try:
        result = evaluate()
        if isinstance(result, ox.QueryBoolean):
            if job.solutions_format is None:
                return _not_acceptable("a boolean", results.SOLUTION_FORMATS)
            fmt = results.SOLUTION_FORMATS[job.solutions_format]
            return Answer(200, fmt.content_type, results.write_boolean(fmt.key, result), rows=1)
        if isinstance(result, ox.QuerySolutions):
            if job.solutions_format is None:
                return _not_acceptable("solutions", results.SOLUTION_FORMATS)
            fmt = results.SOLUTION_FORMATS[job.solutions_format]
            variables = [v.value for v in result.variables]
            rows, truncated = _take((list(solution) for solution in result), job.max_rows)
            body = results.write_solutions(fmt.key, variables, rows, truncated)
            return Answer(200, fmt.content_type, body, truncated, len(rows))
        if job.graph_format is None:
            return _not_acceptable("an RDF graph", results.GRAPH_FORMATS)
        fmt = results.GRAPH_FORMATS[job.graph_format]
        triples, truncated = _take(iter(result), job.max_rows)
        return Answer(200, fmt.content_type, results.write_graph(fmt.key, triples), truncated, len(triples))
    except SyntaxError as exc:
        return _error(400, f"Query syntax error: {exc}")
    except ValueError as exc:
        return _error(400, f"Bad request: {exc}")
    except OSError as exc:  # pyoxigraph raises OSError subclasses when a (permitted) SERVICE call fails
        return _error(502, f"Query evaluation failed: {exc}")
    except Exception as exc:  # the message only: a stack trace tells a client nothing it can act on
        return _error(500, f"Query evaluation failed: {type(exc).__name__}: {exc}")


# ---------------------------------------------------------------------------------------------------------------
# Server side


class _Worker:
    def __init__(self, process: subprocess.Popen, conn: Connection, generation: int = 0):
        self.process = process
        self.conn = conn
        self.generation = generation  # which loading of the dump this worker answers from

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.conn.close()


def _worker_command(fd: int, nt_path: str, base: str) -> tuple[list[str], dict]:
    env = dict(os.environ)
    # The worker must import this very package, whether or not it is installed.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    return [sys.executable, "-m", "server.sparql.worker", str(fd), nt_path, base], env


class Executor:
    """A small pool of query workers. Thread-safe; processes are started on first use."""

    def __init__(
        self,
        dump: Callable[[], Path],
        workers: int = 2,
        timeout: float = 5.0,
        wait: float | None = None,
        base: str | None = None,
    ):
        self._dump = dump
        self._base = normalise_base(base)  # the workers load the dump under the operator's base IRI
        self.size = max(1, int(workers))
        self.timeout = float(timeout)
        self.wait = self.timeout if wait is None else float(wait)  # how long a request waits for a free worker
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()  # held while (re)starting the pool
        self._members = threading.Lock()  # guards self._all, touched by request and replacement threads
        self._nt_path: str | None = None
        self._stamp: tuple | None = None  # server.store.dump_stamp of the dump the workers loaded
        self._generation = 0
        self._pid = None
        self._closed = False
        self.replacements = 0
        atexit.register(_close_quietly, weakref.ref(self))

    def start(self) -> None:
        """Start the workers if they are not running (again after a fork, whose child cannot use them)."""
        with self._lock:
            if self._pid == os.getpid() or self._closed:
                return
            self._idle = queue.Queue()
            with self._members:
                self._all = set()
            self._nt_path = str(self._dump())
            self._stamp = dump_stamp(self._nt_path)
            started = [self._spawn() for _ in range(self.size)]
            try:
                for worker in started:
                    self._await_ready(worker)
            except WorkerFailed:
                for worker in started:
                    self._forget(worker)
                raise
            self._pid = os.getpid()

    def run(self, job: Job) -> Answer:
        self._follow_rebuild()
        self.start()
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise NoWorkerFree(f"all {self.size} query workers stayed busy for {self.wait:g} s") from None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
            answer = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise WorkerFailed(f"the query worker stopped unexpectedly ({type(exc).__name__})") from exc
        if worker.generation == self._generation:
            self._idle.put(worker)
        else:  # it answered from a dump that has since been rebuilt
            self._forget(worker)
        return answer

    def _follow_rebuild(self) -> None:
        """After `fukushi-kg build` rewrote the dump, start a fresh pool on it: queries already running finish
        on their old workers, which are then stopped, so no answer mixes the two graphs."""
        if self._nt_path is None or self._pid != os.getpid():
            return
        try:
            stamp = dump_stamp(self._nt_path)
        except OSError:
            return  # mid-swap or removed: keep answering from the loaded graph
        if stamp == self._stamp:
            return
        with self._lock:
            if stamp == self._stamp or self._closed:
                return
            self._generation += 1
            stale = self._idle
            self._pid = None  # start() brings up the new generation
        while True:
            try:
                self._forget(stale.get_nowait())
            except queue.Empty:
                break

    def worker_pids(self) -> list[int]:
        with self._members:
            return sorted(w.process.pid for w in self._all if w.alive)

    def close(self) -> None:
        self._closed = True
        with self._members:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        with ours, theirs:
            command, env = _worker_command(theirs.fileno(), self._nt_path, self._base)
            process = subprocess.Popen(command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env)
            worker = _Worker(process, Connection(ours.detach()), self._generation)
        with self._members:
            self._all.add(worker)
        return worker

    def _forget(self, worker: _Worker) -> None:
        with self._members:
            self._all.discard(worker)
        worker.stop()

    def _await_ready(self, worker: _Worker, limit: float = 120.0) -> None:
        deadline = time.monotonic() + limit
        try:
            while not worker.conn.poll(0.1):
                if not worker.alive or time.monotonic() > deadline:
                    raise EOFError
            worker.conn.recv()
        except (EOFError, OSError):
            self._forget(worker)
            raise WorkerFailed("a query worker failed to start and load the graph") from None
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` and bring up a successor in the background, so the caller can answer at once."""
        self._forget(worker)
        if worker.generation != self._generation:
            return  # the current pool is complete without it
        self.replacements += 1

        def bring_up():
            with self._lock:
                if self._closed or self._pid != os.getpid():
                    return
                successor = self._spawn()
            try:
                self._await_ready(successor)
            except WorkerFailed as exc:  # the pool runs one short; the server log says why
                print(f"fukushi-kg: {exc}", file=sys.stderr)

        threading.Thread(target=bring_up, name="sparql-worker-replacement", daemon=True).start()


def _close_quietly(ref) -> None:
    executor = ref()
    if executor is not None:
        executor.close()
