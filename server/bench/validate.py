"""`fukushi-kg bench validate`: validating one plan from its files, inference included (a benchmark, not a test).

`bench_validate()` times what `fukushi-kg validate FILE…` does for the largest bundled plan, 美祢市:
load the files with the shared data, materialise them with the fast rule engine, run the
structural and compliance shapes, and build the matrix with its evidence. The target is a median
under 2 s on the development machine. `bench(args)` sets it beside the peer: plain pySHACL on the same files.
"""

import statistics
import time
from pathlib import Path

import pyshacl

from server.compliance.evaluate import evaluate
from server.compliance.graphs import DRAFT_BASE, draft_graph
from server.graph.loading import load_files
from server.graph.validation import shapes_graph
from server.paths import DATA_DIR, ONTOLOGY_DIR

PLAN = DATA_DIR / "municipalities" / "352136-mine"


def bench_validate(repeats: int = 5, workers: int = 2, files=None, quiet: bool = False) -> dict:
    files = sorted(Path(PLAN).glob("*.ttl")) if files is None else [Path(f) for f in files]
    # One untimed run: reading the shape files and closing the schema happen once per process.
    evaluate(draft_graph(files), "warm-up", workers)
    totals, loads, checks = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        graph = draft_graph(files)
        t1 = time.perf_counter()
        matrix = evaluate(graph, "bench", workers)
        t2 = time.perf_counter()
        loads.append(t1 - t0)
        checks.append(t2 - t1)
        totals.append(t2 - t0)
    result = {
        "plan": str(PLAN.relative_to(DATA_DIR.parent)) if files and PLAN in files[0].parents else "custom",
        "files": len(files),
        "triples": len(graph),
        "workers": workers,
        "repeats": repeats,
        "median_seconds": statistics.median(totals),
        "median_load_and_inference_seconds": statistics.median(loads),
        "median_validation_seconds": statistics.median(checks),
        "seconds": totals,
        "verdicts": {key: cell.verdict for key, cell in matrix.rows[0].cells.items()} if matrix.rows else {},
    }
    if not quiet:
        print(
            f"validate {result['plan']}: median {result['median_seconds']:.2f} s over {repeats} runs "
            f"(load + inference {result['median_load_and_inference_seconds']:.2f} s, "
            f"validation {result['median_validation_seconds']:.2f} s; {workers} worker(s), {len(graph)} triples)"
        )
    return result


def bench(args) -> int:
    """A validation run of the largest plan against plain pySHACL (owlrl inference, advanced mode) on the same
    files and the structural shapes: the peer is what a user would run without this project's rule engine and
    speed-ups. Ours also does the text-grounded compliance run, which the peer has no counterpart for."""
    files = sorted(PLAN.glob("*.ttl"))
    result = bench_validate(repeats=max(1, min(args.repeat, 9)), files=files, quiet=True)
    inputs = sorted(ONTOLOGY_DIR.glob("*.ttl")) + [DATA_DIR / name for name in DRAFT_BASE] + files
    shapes = shapes_graph("structure")
    peer_times = []
    for _ in range(max(1, args.peer_runs)):
        t = time.perf_counter()
        pyshacl.validate(load_files(inputs), shacl_graph=shapes, inference="owlrl", advanced=True, allow_warnings=True)
        peer_times.append(time.perf_counter() - t)
    mine, other = result["median_seconds"], statistics.median(peer_times)
    print(f"validate {PLAN.name} ({result['triples']} triples after inference), median of {result['repeats']} runs")
    print(
        f"  ours:    {mine:6.2f} s  (load + inference {result['median_load_and_inference_seconds']:.2f} s, "
        f"validation {result['median_validation_seconds']:.2f} s, {result['workers']} worker(s))"
    )
    print(f"  pySHACL: {other:6.2f} s  (owlrl inference, median of {len(peer_times)} run(s))")
    print(f"  ratio ours/pySHACL: {mine / other:.3f}   target < 2 s: {'met' if mine < 2.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    bench_validate()
