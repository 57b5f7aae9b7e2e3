"""Answers kept per published graph: the same query on the same graph gets the same bytes, so it is evaluated once.

A published version never changes (server.graph.dumps), so an answer is a function of the version and the job
(query text, dataset, formats, row and byte caps): keeping it is exact, not approximate. The cache is bounded in
bytes (least recently used answers go first), holds only successful answers, and is emptied when the server
switches to a new version. Identical queries that arrive while one is being evaluated wait for that evaluation
instead of starting their own ("single flight"): eight clients opening the same competency query cost one
worker, not eight. Queries with SERVICE are never kept (a remote endpoint's answer may change).

The executor also evaluates the named competency queries once a version is loaded (warm-up), so that the
questions users start from are answered from here; those answers are pinned (a handful, one per named query):
other answers coming and going cannot push them out.

Keys are the SHA-256 of the job's repr, never the job itself: the job holds the query text, and a cache keyed on
it kept every distinct 1 MiB query (900 of them held 4.7 GB; a 1 MiB text with one emoji is a 4 MiB string).
A kept answer costs its body, the digest and a fixed overhead, and that is what the byte bound counts.
"""

import contextlib
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable


class _Flight:
    __slots__ = ("done", "answer", "error")

    def __init__(self):
        self.done = threading.Event()
        self.answer = None
        self.error: BaseException | None = None


class AnswerCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max(0, int(max_bytes))
        self._lock = threading.Lock()
        self._items: OrderedDict = OrderedDict()
        self._pinned: dict = {}  # the named queries' answers, kept until the version changes
        self._bytes = 0
        self._flights: dict = {}
        self.hits = self.misses = self.shared = 0

    def __len__(self) -> int:
        return len(self._items) + len(self._pinned)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._pinned.clear()
            self._bytes = 0

    def get(self, key):
        key = digest(key)
        with self._lock:
            return self._lookup(key)

    def _lookup(self, key):
        if key in self._pinned:
            return self._pinned[key]
        answer = self._items.get(key)
        if answer is not None:
            self._items.move_to_end(key)
        return answer

    def answer(
        self, key, evaluate: Callable[[], object], keep: bool = True, waiting=contextlib.nullcontext, pin: bool = False
    ) -> tuple[object, str]:
        """(answer, how): the kept answer for `key` ("kept"), the answer of the evaluation of it already under way
        ("shared"), or `evaluate()` ("evaluated"). An evaluation that raises raises in every request that waited
        for it (they asked the same question). `waiting()` is entered around the wait for another's evaluation:
        the executor counts the waiting request in its client's share there. `pin` keeps the answer out of the
        least-recently-used order (the warm-up's)."""
        if not keep or self.max_bytes == 0:
            return evaluate(), "evaluated"
        key = digest(key)
        with self._lock:
            kept = self._lookup(key)
            if kept is not None:
                if pin and key in self._items:
                    self._pin(key, self._items.pop(key))
                self.hits += 1
                return kept, "kept"
            flight = self._flights.get(key)
            leader = flight is None
            if leader:
                flight = self._flights[key] = _Flight()
                self.misses += 1
            else:
                self.shared += 1
        if not leader:
            with waiting():
                flight.done.wait()  # bounded: the leader's evaluation has the executor's timeout
            if flight.error is not None:
                raise flight.error
            return flight.answer, "shared"
        try:
            flight.answer = evaluate()
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()
        self._put(key, flight.answer, pin)
        return flight.answer, "evaluated"

    def _pin(self, key, answer) -> None:
        self._bytes -= _size(answer)
        self._pinned[key] = answer

    def _put(self, key, answer, pin: bool = False) -> None:
        size = _size(answer)
        if getattr(answer, "status", None) != 200 or (size > self.max_bytes // 4 and not pin):
            return  # errors are not answers to keep; one huge answer must not empty the cache
        with self._lock:
            if pin:
                self._pinned[key] = answer
                return
            if key in self._items or key in self._pinned:
                return
            self._items[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                _, old = self._items.popitem(last=False)
                self._bytes -= _size(old)


def digest(key) -> bytes:
    """32 bytes for any key, whatever the size of the query text in it."""
    return hashlib.sha256(repr(key).encode("utf-8", "surrogatepass")).digest()


def _size(answer) -> int:
    return len(getattr(answer, "body", b"")) + 256  # the answer object, its 32-byte key and the table's slot
