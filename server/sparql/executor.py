"""Running queries in worker processes, each with its own pyoxigraph store, with a per-query timeout.

pyoxigraph cannot cancel a running query from Python, so a query that overruns QUERY_TIMEOUT is stopped by
killing its worker process, and a fresh worker (which reloads the dump, ~0.3 s) takes its place in the
background. Each worker serves one query at a time; requests queue for a free worker.

Workers are fresh interpreters (`python -m server.sparql.worker`) talking over a socket pair, rather than
multiprocessing children: a forked child would inherit the server's threads' state, its listening socket and
the other workers' pipes, and multiprocessing's spawn/forkserver re-run the server's __main__ in every worker.
"""

import atexit
import collections
import contextlib
import hashlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from server.published import (
    Dump,
    DumpInvalid,
    GraphNotBuilt,
    check_triples,
    dump_path,
    dump_stamp,
    existing_dump,
    verified_dump,
)
from server.rebase import normalise_base
from server.sparql import results, safety
from server.sparql.answers import AnswerCache

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Job:
    """One query to answer. The result format is chosen beforehand for both kinds of answer, because the
    kind (solutions or a graph) is only certain once the query has been parsed."""

    query: str
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None  # protocol dataset: overrides FROM / FROM NAMED
    named_graphs: tuple[str, ...] | None = None
    whole_graph: str | None = None  # the IRI that names the whole graph (server.published.GRAPH_IRI under the base)
    solutions_format: str | None = "json"  # None: the client accepts no solutions format (-> 406)
    graph_format: str | None = "turtle"
    max_rows: int | None = None
    max_bytes: int | None = None  # about this many bytes of terms, then the answer is cut as at max_rows


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    rows: int = 0
    how: str = "evaluated"  # or "kept" / "shared": from the answer cache (server.sparql.answers)


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


def _size(terms) -> int:
    """About how many bytes the terms take once written (their text plus the markup around each)."""
    return sum(len(t.value) + 24 if t is not None and not isinstance(t, ox.Triple) else 24 for t in terms)


def _take(iterator, max_rows, max_bytes=None, size=_size):
    """The first rows, cut at `max_rows` rows or `max_bytes` bytes (estimated), and whether it was cut."""
    taken, used = [], 0
    for item in iterator:
        if max_rows is not None and len(taken) >= max_rows:
            return taken, True
        used += size(item)
        if max_bytes is not None and used > max_bytes and taken:
            return taken, True
        taken.append(item)
    return taken, False


def _triple_size(triple) -> int:
    return _size((triple.subject, triple.predicate, triple.object))


def execute(store: ox.Store, job: Job) -> Answer:
    """Run `job` against `store` and serialise the answer. Errors become answers, never exceptions."""
    kwargs = {"base_iri": job.base_iri}
    if job.default_graphs is not None:
        kwargs["default_graph"] = [
            ox.DefaultGraph() if g == job.whole_graph else ox.NamedNode(g) for g in job.default_graphs
        ]
    if job.named_graphs is not None:
        kwargs["named_graphs"] = [
            name
            for g in job.named_graphs
            for name in (_named_graphs(store) if g == job.whole_graph else [ox.NamedNode(g)])
        ]
    return answer(lambda: store.query(job.query, **kwargs), job)


_NAMED: dict[int, list] = {}


def _named_graphs(store: ox.Store) -> list:
    """Every named graph of the store (each plan's and the shared one), listed once per store."""
    if id(store) not in _NAMED:
        _NAMED.clear()
        _NAMED[id(store)] = list(store.named_graphs())
    return _NAMED[id(store)]


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
            rows, truncated = _take((list(solution) for solution in result), job.max_rows, job.max_bytes)
            body = results.write_solutions(fmt.key, variables, rows, truncated)
            return Answer(200, fmt.content_type, body, truncated, len(rows))
        if job.graph_format is None:
            return _not_acceptable("an RDF graph", results.GRAPH_FORMATS)
        fmt = results.GRAPH_FORMATS[job.graph_format]
        triples, truncated = _take(iter(result), job.max_rows, job.max_bytes, _triple_size)
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


def _rss(pid: int) -> int | None:
    """Resident memory of a process in bytes (Linux /proc; None elsewhere, and then no memory limit applies)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class _Worker:
    def __init__(self, process: subprocess.Popen, conn: Connection, generation: int = 0):
        self.process = process
        self.conn = conn
        self.generation = generation  # which publication of the dump this worker answers from
        self.baseline: int | None = None  # resident memory once the graph is loaded
        self.killed = False  # stopped by us (timeout, memory, switch), not lost
        self.spare = False  # loaded and kept idle until a stopped worker's place needs it

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def rss(self) -> int | None:
        return _rss(self.process.pid)

    def stop(self) -> None:
        self.killed = True
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
    return [sys.executable, "-m", "server.sparql.worker", str(fd), nt_path, base, str(os.getpid())], env


class OverShare(Exception):
    """The client already has its share of queries running or waiting (answered 429)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class QueryTooLarge(Exception):
    """The query's worker grew past the memory limit and was stopped."""


class _Client:
    """One client address's recent use of the workers, in worker-seconds decaying with HALF_LIFE."""

    __slots__ = ("usage", "stamp", "pending", "started", "served")

    def __init__(self, now: float):
        self.served = 0  # queries answered
        self.usage = 0.0
        self.stamp = now
        self.pending = 0  # running or waiting
        self.started: list[float] = []  # start times of its running queries

    def load(self, now: float) -> float:
        self.usage *= 0.5 ** ((now - self.stamp) / HALF_LIFE)
        self.stamp = now
        return self.usage + sum(now - t for t in self.started)


HALF_LIFE = 10.0  # seconds for a client's recorded use to halve


@dataclass(eq=False)
class _Ticket:
    client: _Client
    seq: int
    key: bytes = b""  # digest of the query text, white space normalised
    started: float | None = None


class _Costs:
    """How long recent query texts ran, keyed by digest (32 bytes per text, whatever its size), so that a
    known heavy query is treated as heavy even from a client not yet seen."""

    def __init__(self, size: int = 4096):
        self.size = size
        self.items: collections.OrderedDict[bytes, float] = collections.OrderedDict()

    @staticmethod
    def key(query: str) -> bytes:
        return hashlib.sha256(" ".join(query.split()).encode("utf-8", "surrogatepass")).digest()

    def get(self, key: bytes) -> float | None:
        return self.items.get(key)

    def put(self, key: bytes, seconds: float) -> None:
        self.items[key] = seconds
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


class Executor:
    """A small pool of query workers with fair scheduling. Thread-safe; processes are started on first use.

    Fairness: a free worker goes to the waiting query whose client has used the workers least lately (decayed
    worker-seconds, its running queries included), so one client's heavy queries cannot hold the line. A
    query counts as heavy when its client's use passes `heavy_after` seconds, when its text ran that long
    before, or when both text and client are new (unknown is not trusted as light); heavy queries leave
    `reserve` workers free for light ones (an `ASK {}` is answered at once even while
    heavy clients keep every other worker busy). A client with `client_pending` queries running or waiting
    gets OverShare (429 with Retry-After) rather than a slot in the line.

    Publication: the pool follows the published dump (server.published). A new dump is verified and loaded by a new
    set of workers in the background while the old workers keep answering; then the new set takes over
    between queries: waiting queries go to the new workers, running ones finish on the old, which then stop.
    A dump that fails its check is logged and never switched to.
    """

    def __init__(
        self,
        published,
        ensure: Callable | None = None,
        workers: int = 2,
        timeout: float = 5.0,
        wait: float | None = None,
        base: str | None = None,
        memory_limit_mb: float | None = None,
        client_pending: int = 4,
        queue_length: int = 24,
        heavy_after: float = 1.0,
        reserve: int = 1,
        answer_cache_mb: float = 64,
        warm_jobs: tuple = (),
        warm_timeout: float = 120.0,
    ):
        self.published = Path(published)
        # published folder -> verified dump: the app's (server.config.dump_source), which may build; by default
        # only what is published
        self.ensure = ensure or existing_dump
        self._base = normalise_base(base)  # the workers load the dump under the operator's base IRI
        self.size = max(1, int(workers))
        self.timeout = float(timeout)
        self.wait = self.timeout if wait is None else float(wait)  # how long a request waits for a free worker
        self.memory_limit = int(memory_limit_mb * (1 << 20)) if memory_limit_mb else None
        self.client_pending = max(1, int(client_pending))
        self.queue_length = max(1, int(queue_length))
        self.heavy_after = float(heavy_after)
        self.reserve = max(0, min(int(reserve), self.size - 1))
        self._cond = threading.Condition()
        self._free: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._running: list[_Ticket] = []
        self._waiting: list[_Ticket] = []
        self._clients: dict[str, _Client] = {}
        self._seq = itertools.count()
        self._costs = _Costs()
        self._start_lock = threading.Lock()
        self._dump: Dump | None = None
        self._generation = 0
        self._switching = False
        self._refused: dict[tuple, str] = {}  # stamps of dumps that failed their check -> why
        self._pid = None
        self._closed = False
        self.replacements = 0
        self.lost = 0  # workers that died on their own (a crash, the OOM killer), not stopped by us
        self._spare: _Worker | None = None  # loaded and idle: takes a stopped worker's place at once
        self.answers = AnswerCache(int(answer_cache_mb * (1 << 20)))
        self.warm_jobs = tuple(warm_jobs)  # the named queries, evaluated once each version is loaded
        self.warm_timeout = float(warm_timeout)  # longer than a request's: nobody waits on a warm-up
        self.warmed: dict = {}  # generation -> (answers kept, jobs, seconds) once its warm-up is over
        atexit.register(_close_quietly, weakref.ref(self))

    # -- the pool ------------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers if they are not running (again after a fork, whose child cannot use them)."""
        with self._start_lock:
            if self._pid == os.getpid() or self._closed:
                return
            with self._cond:
                self._free, self._all, self._running, self._waiting = [], set(), [], []
            self.ensure(self.published)
            dump = verified_dump(self.published)
            if dump is None:
                raise GraphNotBuilt(f"{dump_path(self.published)} does not exist: run `fukushi-kg build` first")
            workers = self._bring_up(dump, self._generation)
            with self._cond:
                self._dump = dump
                self._free = workers
                self._pid = os.getpid()
                self._cond.notify_all()
            self._make_spare()
            self._warm_up()

    def _bring_up(self, dump: Dump, generation: int) -> list[_Worker]:
        started = [self._spawn(dump, generation) for _ in range(self.size)]
        try:
            for worker in started:
                self._await_ready(worker, dump)
        except (WorkerFailed, DumpInvalid):
            for worker in started:
                self._forget(worker)
            raise
        return started

    def run(self, job: Job, client: str = "-") -> Answer:
        self._follow_publication()
        self.start()
        key = (self._generation, job)
        keep = safety.service_count(job.query) == 0  # a remote endpoint's answer may change: never kept
        answer, how = self.answers.answer(key, lambda: self._evaluate(job, client), keep, lambda: self._sharing(client))
        return answer if how == "evaluated" else replace(answer, how=how)

    @contextlib.contextmanager
    def _sharing(self, address: str):
        """A request waiting for another's evaluation of the same query still counts in its client's share."""
        with self._cond:
            client = self._clients.get(address)
            if client is None:
                self._prune_clients(time.monotonic())
                client = self._clients[address] = _Client(time.monotonic())
            if client.pending >= self.client_pending:
                raise OverShare(
                    f"this client already has {client.pending} queries running or waiting "
                    f"(at most {self.client_pending})",
                    max(1, round(self.timeout)),
                )
            client.pending += 1
        try:
            yield
        finally:
            with self._cond:
                client.pending -= 1
                self._cond.notify_all()

    def _evaluate(self, job: Job, client: str, timeout: float | None = None) -> Answer:
        ticket, worker = self._acquire(client, _Costs.key(job.query))
        answer = None
        try:
            answer = self._ask(worker, job, timeout)
        finally:
            self._release(ticket, worker, keep=answer is not None)
        return answer

    def _warm_up(self) -> None:
        """Evaluate the named queries on the loaded version, one at a time, in the background, in a worker of
        the warm-up's own: the pool's workers stay free for the clients (with one query worker, a warm-up in
        the pool would hold it for minutes at national scale)."""
        if not self.warm_jobs:
            return
        generation, dump = self._generation, self._dump

        def run():
            started, kept, worker = time.monotonic(), 0, None
            try:
                for job in self.warm_jobs:
                    if self._closed or self._generation != generation or self._pid != os.getpid():
                        return
                    if worker is None or not worker.alive:
                        worker = self._spawn(dump, generation, spare=True)  # not one of the pool's
                        self._await_ready(worker, dump)
                    kept += self._warm_one(generation, job, worker)
                self.warmed[generation] = (kept, len(self.warm_jobs), time.monotonic() - started)
            except (WorkerFailed, DumpInvalid) as exc:
                print(f"fukushi-kg: warm-up stopped: {exc}", file=sys.stderr, flush=True)
            finally:
                if worker is not None:
                    self._forget(worker)

        threading.Thread(target=run, name="sparql-warm-up", daemon=True).start()

    def _warm_one(self, generation: int, job: Job, worker: _Worker) -> bool:
        """Keep `job`'s answer, evaluated by the warm-up's worker. When a client's evaluation of the same query
        was under way, the warm-up waited for it; if that one was stopped (the client's timeout is shorter), the
        warm-up evaluates the query itself."""
        for _ in range(3):
            ran = []
            try:
                self.answers.answer(
                    (generation, job), lambda ran=ran: ran.append(True) or self._warm(worker, job), pin=True
                )
                return self.answers.get((generation, job)) is not None
            except (QueryTimeout, QueryTooLarge, WorkerFailed):
                if ran or not worker.alive:  # its own evaluation failed: the query is answered (or refused) on request
                    return False
        return False

    def _warm(self, worker: _Worker, job: Job) -> Answer:
        return self._ask(worker, job, self.warm_timeout, stop=self._forget)

    def _ask(self, worker: _Worker, job: Job, timeout: float | None = None, stop=None) -> Answer:
        """The worker's answer to `job`. A worker stopped here (timeout, memory, lost) goes to `stop`: by default
        it is replaced in the pool; the warm-up's own worker is just let go."""
        timeout = self.timeout if timeout is None else timeout
        try:
            worker.conn.send(job)
            deadline = time.monotonic() + timeout
            # Polled in slices so that the worker's memory can be watched while it works.
            while not worker.conn.poll(min(0.05, max(0.0, deadline - time.monotonic()))):
                if time.monotonic() >= deadline:
                    (stop or self._replace)(worker)
                    raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
                if self._over_memory(worker, 1.0):
                    (stop or self._replace)(worker)
                    raise QueryTooLarge(
                        f"the query needed more than {self.memory_limit >> 20} MiB of memory and was stopped"
                    )
            answer = worker.conn.recv()
        except (EOFError, OSError) as exc:
            (stop or self._lose)(worker)
            raise WorkerFailed(f"the query worker stopped unexpectedly ({type(exc).__name__})") from exc
        if self._over_memory(worker, 0.5):  # a worker keeps what its allocator took: start afresh
            (stop or (lambda w: self._replace(w, counted=False)))(worker)
        return answer

    def _over_memory(self, worker: _Worker, share: float) -> bool:
        if not self.memory_limit or worker.baseline is None:
            return False
        rss = worker.rss()
        return rss is not None and rss > worker.baseline + self.memory_limit * share

    # -- scheduling ----------------------------------------------------------------------------------------------

    def _acquire(self, address: str, key: bytes) -> tuple[_Ticket, _Worker]:
        now = time.monotonic()
        with self._cond:
            client = self._clients.get(address)
            if client is None:
                self._prune_clients(now)
                client = self._clients[address] = _Client(now)
            if client.pending >= self.client_pending:
                raise OverShare(
                    f"this client already has {client.pending} queries running or waiting "
                    f"(at most {self.client_pending})",
                    max(1, round(self.timeout)),
                )
            if len(self._waiting) >= self.queue_length:
                raise NoWorkerFree(f"{len(self._waiting)} queries are already waiting for a worker")
            client.pending += 1
            ticket = _Ticket(client, next(self._seq), key)
            self._waiting.append(ticket)
            deadline = now + self.wait
            while True:
                now = time.monotonic()
                if self._free and self._next(now) is ticket:
                    self._waiting.remove(ticket)
                    worker = self._free.pop()
                    ticket.started = now
                    client.started.append(now)
                    self._running.append(ticket)
                    return ticket, worker
                if now >= deadline or self._closed:
                    self._waiting.remove(ticket)
                    client.pending -= 1
                    self._cond.notify_all()
                    raise NoWorkerFree(f"all {self.size} query workers stayed busy for {self.wait:g} s")
                self._cond.wait(min(deadline - now, 0.25))  # wakes to re-rank as running queries age

    def _next(self, now: float) -> _Ticket | None:
        """The waiting ticket that gets the next free worker: the least-used client's. A heavy query (from a
        heavy client, or a text that ran long before) only when `reserve` workers stay free or busy with light
        queries besides (a worker being replaced after a timeout counts as neither, so heavy queries cannot
        take the last worker while one is reloading)."""
        light_running = sum(1 for t in self._running if not self._heavy(t, now))
        room_for_heavy = len(self._free) - 1 + light_running >= self.reserve
        best = None
        for ticket in self._waiting:
            if not room_for_heavy and self._heavy(ticket, now):
                continue
            rank = (ticket.client.load(now), ticket.seq)
            if best is None or rank < best[0]:
                best = (rank, ticket)
        return best[1] if best else None

    def _heavy(self, ticket: _Ticket, now: float) -> bool:
        """Heavy, or not known to be light: the reserved workers are for queries known to be quick."""
        if ticket.started is not None and now - ticket.started >= self.heavy_after:
            return True
        if ticket.client.load(now) >= self.heavy_after:
            return True
        expected = self._costs.get(ticket.key)  # looked up now: the text may have finished a run meanwhile
        if expected is not None:
            return expected >= self.heavy_after
        return ticket.client.served == 0  # a new text from a new client: unknown, so not trusted as light

    def _release(self, ticket: _Ticket, worker: _Worker, keep: bool) -> None:
        now = time.monotonic()
        retire = None
        with self._cond:
            client = ticket.client
            self._running.remove(ticket)
            client.started.remove(ticket.started)
            client.load(now)
            spent = now - ticket.started
            if not keep:  # stopped (timeout, memory) or crashed: heavy, however soon it was stopped
                spent = max(spent, self.heavy_after)
            client.usage += spent
            client.pending -= 1
            client.served += 1
            self._costs.put(ticket.key, spent)
            if keep and worker.alive and worker in self._all:
                if worker.generation == self._generation:
                    self._free.append(worker)
                else:  # it answered from a dump that has since been replaced
                    retire = worker
            self._cond.notify_all()
        if retire is not None:
            self._forget(retire)

    def _prune_clients(self, now: float) -> None:
        if len(self._clients) < 1024:
            return
        for address, client in list(self._clients.items()):
            if client.pending == 0 and client.load(now) < 0.01:
                del self._clients[address]

    # -- following the publication -------------------------------------------------------------------------------

    def _follow_publication(self) -> None:
        """Start switching to a newly published dump when there is one (the check is one stat())."""
        if self._dump is None or self._pid != os.getpid() or self._switching or self._closed:
            return
        try:
            stamp = dump_stamp(dump_path(self.published))
        except OSError:
            return  # nothing there now: keep answering from the loaded graph
        if stamp == self._dump.stamp or stamp in self._refused:
            return
        with self._cond:
            if self._switching:
                return
            self._switching = True
        threading.Thread(target=self._switch, args=(stamp,), name="sparql-switch", daemon=True).start()

    def _switch(self, stamp: tuple) -> None:
        try:
            dump = verified_dump(self.published)
            if dump is None:
                raise DumpInvalid(f"{dump_path(self.published)} disappeared")
            workers = self._bring_up(dump, self._generation + 1)
        except (DumpInvalid, WorkerFailed) as exc:
            self._refused[stamp] = str(exc)
            print(f"fukushi-kg: keeping the graph from {self._dump.path}: {exc}", file=sys.stderr, flush=True)
            with self._cond:
                self._switching = False
            return
        with self._cond:
            old = self._free
            self._generation += 1
            self._dump = dump
            self._free = workers
            self._switching = False
            self._cond.notify_all()
        self.answers.clear()  # answers of the old version: the new one is asked afresh
        with self._cond:
            spare, self._spare = self._spare, None
        for worker in old + ([spare] if spare else []):
            self._forget(worker)
        self._make_spare()
        self._warm_up()

    # -- processes -----------------------------------------------------------------------------------------------

    def worker_pids(self) -> list[int]:
        with self._cond:
            return sorted(w.process.pid for w in self._all if w.alive and not w.spare)

    @property
    def loaded(self) -> int:
        """Workers of the current pool with the graph loaded (free or answering), not counting any reloading."""
        with self._cond:
            return len(self._free) + len(self._running)

    @property
    def dump(self) -> Dump | None:
        """The dump the current workers answer from."""
        return self._dump

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers, self._all, self._free, self._spare = list(self._all), set(), [], None
            self._cond.notify_all()
        for worker in workers:
            worker.stop()

    def _spawn(self, dump: Dump, generation: int, spare: bool = False) -> _Worker:
        ours, theirs = socket.socketpair()
        with ours, theirs:
            command, env = _worker_command(theirs.fileno(), str(dump.path), self._base)
            process = subprocess.Popen(command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env)
            worker = _Worker(process, Connection(ours.detach()), generation)
            worker.spare = spare
        with self._cond:
            self._all.add(worker)
        return worker

    def _forget(self, worker: _Worker) -> None:
        with self._cond:
            self._all.discard(worker)
            if worker in self._free:
                self._free.remove(worker)
        worker.stop()

    def _await_ready(self, worker: _Worker, dump: Dump, limit: float = 120.0) -> None:
        deadline = time.monotonic() + limit
        try:
            while not worker.conn.poll(0.1):
                if not worker.alive or time.monotonic() > deadline:
                    raise EOFError
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._forget(worker)
            raise WorkerFailed("a query worker failed to start and load the graph") from None
        if message[0] != "ready":
            self._forget(worker)
            raise DumpInvalid(f"{dump.path}: {message[1]}")
        try:
            check_triples(dump, message[2])
        except DumpInvalid:
            self._forget(worker)
            raise
        worker.baseline = worker.rss()

    def _lose(self, worker: _Worker) -> None:
        """The worker died under a query: say how in the server log, then replace it."""
        if not worker.killed:
            try:
                code = worker.process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                code = None
            how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"status {code}"
            self.lost += 1
            print(f"fukushi-kg: query worker {worker.process.pid} lost ({how})", file=sys.stderr, flush=True)
        self._replace(worker)

    def _make_spare(self) -> None:
        """Load one more worker in the background and keep it idle: a worker stopped after a timeout is then
        replaced in the time it takes to hand over a loaded process, not to start one (0.5-1 s)."""
        generation, dump = self._generation, self._dump

        def load():
            if self._closed or self._pid != os.getpid() or dump is None:
                return
            try:
                worker = self._spawn(dump, generation, spare=True)
                self._await_ready(worker, dump)
            except (WorkerFailed, DumpInvalid) as exc:  # no spare: a replacement starts a worker as before
                print(f"fukushi-kg: {exc}", file=sys.stderr, flush=True)
                return
            with self._cond:
                if generation == self._generation and not self._closed and self._spare is None:
                    self._spare = worker
                    return
            self._forget(worker)

        threading.Thread(target=load, name="sparql-spare-worker", daemon=True).start()

    def _replace(self, worker: _Worker, counted: bool = True) -> None:
        """Stop `worker` and bring up a successor in the background, so the caller can answer at once."""
        self._forget(worker)
        if worker.generation != self._generation:
            return  # the current pool is complete without it
        if counted:
            self.replacements += 1
        generation, dump = self._generation, self._dump
        with self._cond:  # the spare steps in at once, and a new spare is loaded behind it
            spare, self._spare = self._spare, None
            if spare is not None and spare.alive and spare.generation == generation and not self._closed:
                spare.spare = False
                self._free.append(spare)
                self._cond.notify_all()
                spare = "taken"
        if spare == "taken":
            self._make_spare()
            return

        def bring_up():
            if self._closed or self._pid != os.getpid():
                return
            try:
                successor = self._spawn(dump, generation)
                self._await_ready(successor, dump)
            except (WorkerFailed, DumpInvalid) as exc:  # the pool runs one short; the server log says why
                print(f"fukushi-kg: {exc}", file=sys.stderr, flush=True)
                return
            with self._cond:
                if generation == self._generation and not self._closed:
                    self._free.append(successor)
                    self._cond.notify_all()
                    return
            self._forget(successor)

        threading.Thread(target=bring_up, name="sparql-worker-replacement", daemon=True).start()


def _close_quietly(ref) -> None:
    executor = ref()
    if executor is not None:
        executor.close()
