"""Running queries in worker processes, each with its own pyoxigraph store, with a per-query timeout.

pyoxigraph cannot cancel a running query from Python, so a query that overruns QUERY_TIMEOUT is stopped by
killing its worker process, and a fresh worker (which reloads the dump, ~0.3 s) takes its place in the
background. Each worker serves one query at a time; requests queue for a free worker.

The Executor holds the pool's state and follows the publication; its other sides live beside it: the workers
and their replacement (server.sparql.pool), fair scheduling (server.sparql.scheduling) and the kept answers
with the warm-up (server.sparql.kept). A job and its answer are server.sparql.jobs.
"""

import atexit
import itertools
import os
import sys
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

from server.published import Dump, DumpInvalid, GraphNotBuilt, dump_path, dump_stamp, existing_dump, verified_dump
from server.rebase import normalise_base
from server.sparql.answers import AnswerCache
from server.sparql.jobs import WorkerFailed
from server.sparql.kept import KeptAnswers
from server.sparql.pool import WorkerPool, _Worker
from server.sparql.scheduling import FairScheduling, _Client, _Costs, _Ticket


class Executor(KeptAnswers, FairScheduling, WorkerPool):
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
        # () -> jobs: what users look at first (each named question's default page), given by the pages
        # (server.web.queries.first_pages), which know how a page is made; warmed before the named queries
        self.first_jobs = None
        self.warm_timeout = float(warm_timeout)  # longer than a request's: nobody waits on a warm-up
        self.warmed: dict = {}  # generation -> (answers kept, jobs, seconds) once its warm-up is over
        atexit.register(_close_quietly, weakref.ref(self))

    # -- starting ------------------------------------------------------------------------------------------------

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


def _close_quietly(ref) -> None:
    executor = ref()
    if executor is not None:
        executor.close()
