"""Benchmark (not a test): validating one plan from its files, inference included.

`bench_validate()` times what `fukushi-kg validate FILE…` does for the largest bundled plan, 美祢市:
load the files with the shared data, materialise them with the fast rule engine, run the
structural and compliance shapes, and build the matrix with its evidence. The target is a median
under 2 s on the development machine.
"""

import statistics
import time
from pathlib import Path

from server.compliance.evaluate import evaluate
from server.compliance.graphs import draft_graph
from server.paths import DATA_DIR

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


if __name__ == "__main__":
    bench_validate()
