"""The query worker processes: starting one on a dump, waiting until it has loaded it, stopping it, and
replacing a worker that was stopped (timeout, memory) or lost (a crash), from a spare loaded in advance.

Workers are fresh interpreters (`python -m server.sparql.worker`) talking over a socket pair, rather than
multiprocessing children: a forked child would inherit the server's threads' state, its listening socket and
the other workers' pipes, and multiprocessing's spawn/forkserver re-run the server's __main__ in every worker.
WorkerPool is one side of server.sparql.executor.Executor, which holds the state it works on.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from server.published import Dump, DumpInvalid, check_triples
from server.sparql.jobs import Answer, Job, QueryTimeout, QueryTooLarge, WorkerFailed

PROJECT_ROOT = Path(__file__).resolve().parents[2]


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
        # close() and a thread forgetting a worker that failed to start may stop it at the same time: its
        # descriptor must be closed once, or the second close can hit a number the system has given out again
        self._stopping = threading.Lock()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def rss(self) -> int | None:
        return _rss(self.process.pid)

    def stop(self) -> None:
        self.killed = True
        with self._stopping:
            if self.conn.closed:
                return
            if self.alive:
                self.process.kill()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self.conn.close()


WARM_UP_NICENESS = 19


def lower_priority(worker: _Worker, niceness: int = WARM_UP_NICENESS) -> None:
    """Run `worker` at the lowest CPU priority: the warm-up evaluates every named question (minutes at national
    scale) while clients ask theirs, and on a machine with as many cores as workers it took their CPU time
    (clients' 10 ms questions waited behind it). Where the priority cannot be set, the worker runs as it is."""
    try:
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, niceness)
    except (OSError, AttributeError):
        pass


def _worker_command(fd: int, nt_path: str, base: str) -> tuple[list[str], dict]:
    env = dict(os.environ)
    # The worker must import this very package, whether or not it is installed.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    return [sys.executable, "-m", "server.sparql.worker", str(fd), nt_path, base, str(os.getpid())], env


class WorkerPool:
    """Starting, asking, stopping and replacing the workers (see Executor for the state it shares)."""

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
