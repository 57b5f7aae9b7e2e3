"""Fair scheduling of queries onto the workers: a free worker goes to the waiting query whose client has used
the workers least lately (decayed worker-seconds), heavy queries leave workers in reserve for light ones, and a
client past its share of running or waiting queries is refused (OverShare, 429). FairScheduling is one side of
server.sparql.executor.Executor, which holds the state it works on.
"""

import collections
import contextlib
import hashlib
import time
from dataclasses import dataclass

from server.sparql.jobs import NoWorkerFree, OverShare
from server.sparql.pool import _Worker


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


class FairScheduling:
    """Who gets the next free worker (see Executor for the state it shares)."""

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
