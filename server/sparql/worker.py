"""A query worker process: `python -m server.sparql.worker FD DUMP BASE`.

Loads the N-Triples dump into its own pyoxigraph store, says it is ready on the connection at file descriptor FD,
then answers one Job at a time until the server closes the connection (or dies, which closes it too).
"""

import os
import sys
from multiprocessing.connection import Connection

from server.sparql.executor import execute
from server.store import load_store


def main(argv=None) -> int:
    fd, nt_path, base = (sys.argv[1:] if argv is None else argv)[:3]
    conn = Connection(int(fd))
    store = load_store(nt_path, base)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return 0
        conn.send(execute(store, job))


if __name__ == "__main__":
    sys.exit(main())
