"""The answers kept per published version (server.sparql.answers) wired to the pool: a query is answered from
a kept answer, or waits for the same query already being evaluated, or is evaluated by a worker; after each
version is loaded, the named queries are evaluated once in the background (the warm-up), in a worker of the
warm-up's own. KeptAnswers is one side of server.sparql.executor.Executor, which holds the state it works on.
"""

import os
import sys
import threading
import time
from dataclasses import replace

from server.published import DumpInvalid
from server.sparql import safety
from server.sparql.jobs import Answer, Job, QueryTimeout, QueryTooLarge, WorkerFailed
from server.sparql.pool import _Worker, lower_priority
from server.sparql.scheduling import _Costs


class KeptAnswers:
    """Answering a job from the kept answers, and the warm-up (see Executor for the state it shares)."""

    def run(self, job: Job, client: str = "-") -> Answer:
        self._follow_publication()
        self.start()
        key = (self._generation, job)
        keep = safety.service_count(job.query) == 0  # a remote endpoint's answer may change: never kept
        answer, how = self.answers.answer(key, lambda: self._evaluate(job, client), keep, lambda: self._sharing(client))
        return answer if how == "evaluated" else replace(answer, how=how)

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
            started, kept, worker, jobs = time.monotonic(), 0, None, self._warm_list()
            try:
                for job in jobs:
                    if self._closed or self._generation != generation or self._pid != os.getpid():
                        return
                    if worker is None or not worker.alive:
                        worker = self._spawn(dump, generation, spare=True)  # not one of the pool's
                        lower_priority(worker)
                        self._await_ready(worker, dump)
                    kept += self._warm_one(generation, job, worker)
                self.warmed[generation] = (kept, len(jobs), time.monotonic() - started)
            except (WorkerFailed, DumpInvalid) as exc:
                print(f"fukushi-kg: warm-up stopped: {exc}", file=sys.stderr, flush=True)
            finally:
                if worker is not None:
                    self._forget(worker)

        threading.Thread(target=run, name="sparql-warm-up", daemon=True).start()

    def _warm_list(self) -> tuple[Job, ...]:
        """The questions' first pages, then the named queries whole, each once. The first pages come first: they
        are what a user's first look asks for, and each takes at most about a second at national scale, while
        three named queries whole take 10–30 s each there (measured 6 December 2026: the warm-up had not kept
        them all within 600 s, and the first pages waited behind them)."""
        first: tuple = ()
        if self.first_jobs is not None:
            try:
                first = tuple(self.first_jobs())
            except Exception as exc:  # the named queries are still warmed; the pages evaluate on request
                print(f"fukushi-kg: warm-up: the questions' first pages were not made: {exc}", file=sys.stderr)
        return tuple(dict.fromkeys(first + self.warm_jobs))

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
