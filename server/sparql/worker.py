"""A query worker process: `python -m server.sparql.worker FD DUMP BASE PARENT`.

Loads the N-Triples dump into its own pyoxigraph store, says it is ready (with the number of triples it holds,
which the server compares with the build's record) on the connection at file descriptor FD, then answers one
Job at a time until the server closes the connection.

Queries run on a thread with a large stack: pyoxigraph's parser and evaluator recurse once per nesting level,
and on the default 8 MiB main-thread stack a few thousand levels end the process with SIGSEGV. The endpoint
refuses such queries before they get here (server.sparql.safety); the large stack is the margin behind that.

The main thread watches the server: when the server process is gone (even killed with SIGKILL, which closes
no connection while a query is running), the worker exits rather than run on under PID 1. A watch on the
parent's PID is used rather than prctl(PR_SET_PDEATHSIG), whose signal fires when the *thread* that started
the worker ends, and the server starts replacement workers from short-lived threads.
"""

import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection

from server.sparql.jobs import execute
from server.store import load_store, store_triples

QUERY_STACK = 512 << 20  # bytes of address space reserved for the query thread's stack (touched pages only)
WATCH_INTERVAL = 0.2  # seconds between looks at the parent


def serve(conn: Connection, store) -> None:
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(execute(store, job))


def main(argv=None) -> int:
    fd, nt_path, base, parent = (sys.argv[1:] if argv is None else argv)[:4]
    parent = int(parent)
    # Ctrl-C on a terminal reaches the whole process group: the server stops its workers itself (it closes
    # their connections), so a worker ignores the signal rather than print a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = Connection(int(fd))
    watch = threading.Thread(target=_watch_parent, args=(parent,), daemon=True)
    watch.start()
    try:
        store = load_store(nt_path, base)
    except (OSError, SyntaxError, ValueError) as exc:  # a damaged dump: the server logs this and keeps its graph
        conn.send(("failed", f"cannot load: {exc}"))
        return 1
    conn.send(("ready", os.getpid(), store_triples(store, nt_path, base)))
    threading.stack_size(QUERY_STACK)
    worker = threading.Thread(target=serve, args=(conn, store), name="query")
    worker.start()
    worker.join()
    return 0


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)  # the server is gone: nothing will read this answer
        time.sleep(WATCH_INTERVAL)


if __name__ == "__main__":
    sys.exit(main())
