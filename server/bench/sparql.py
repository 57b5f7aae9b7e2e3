"""`fukushi-kg bench sparql`: the competency queries over HTTP against our endpoint (the Flask app under
gunicorn, or werkzeug's threaded server when gunicorn is missing) and against `oxigraph serve-read-only` on the
same N-Triples dump, both on loopback, in one run. Prints the median latency per query and the ratio
ours / oxigraph."""

import statistics
import sys
from contextlib import ExitStack
from pathlib import Path

from server.bench.harness import our_server, oxigraph, oxigraph_server, post, rows, timed
from server.graph.on_demand import ensure_dump
from server.paths import PUBLISHED_DIR, QUERIES_DIR


def bench(args) -> int:
    published = Path(args.published) if args.published else PUBLISHED_DIR
    dump = ensure_dump(published)
    queries = sorted(QUERIES_DIR.glob("*.rq"))
    if not queries:
        print(f"error: no .rq files in {QUERIES_DIR}", file=sys.stderr)
        return 2
    peer = oxigraph()
    if not Path(peer).exists():
        print("error: the `oxigraph` command is missing (pip install oxigraph)", file=sys.stderr)
        return 2
    repeat, warmup = max(1, args.repeat), max(0, args.warmup)
    with ExitStack() as stack:
        ours = stack.enter_context(our_server(published))
        theirs = stack.enter_context(oxigraph_server(peer, dump))
        print(f"ours: {ours}   oxigraph: {theirs}   ({repeat} timed runs per query, median)\n")
        print(f"{'query':<34} {'rows':>5} {'ours ms':>9} {'oxigraph ms':>12} {'ratio':>7} {'ours kept ms':>13}")
        ratios, kept = [], []
        for path in queries:
            text = path.read_text(encoding="utf-8")
            for _ in range(warmup):
                post(ours, text), post(theirs, text)
            ours_times, their_times, kept_times = [], [], []
            for i in range(repeat):  # interleaved, so that drift in machine load hits both alike
                # Each run's text is new (a comment differs), so ours evaluates it rather than answering from the
                # answers it keeps per version (server.sparql.answers); the kept answer is timed apart.
                fresh = f"{text}\n# run {i}\n"
                ours_times.append(timed(ours, fresh))
                their_times.append(timed(theirs, fresh))
                kept_times.append(timed(ours, fresh))
            rows_ours, rows_theirs = rows(post(ours, text)), rows(post(theirs, text))
            mine, other = statistics.median(ours_times), statistics.median(their_times)
            ratios.append(mine / other)
            kept.append(statistics.median(kept_times) / other)
            shown = str(rows_ours) if rows_ours == rows_theirs else f"{rows_ours}≠{rows_theirs}"
            line = f"{path.stem:<34} {shown:>5} {mine * 1000:>9.2f} {other * 1000:>12.2f} {mine / other:>7.2f}"
            print(f"{line} {statistics.median(kept_times) * 1000:>13.2f}")
        print(f"\ngeometric mean of ratios (evaluated): {statistics.geometric_mean(ratios):.2f}")
        print(f"geometric mean of ratios (kept answers, same text again): {statistics.geometric_mean(kept):.2f}")
    return 0
