"""`fukushi-kg bench WHICH`: benchmarks (not tests). One function per benchmark, registered in BENCHMARKS.

bench sparql: the competency queries over HTTP against our endpoint (the Flask app under gunicorn, or werkzeug's
threaded server when gunicorn is missing) and against `oxigraph serve-read-only` on the same N-Triples dump,
both on loopback, in one run. Prints the median latency per query and the ratio ours / oxigraph.
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

ACCEPT_JSON = "application/sparql-results+json"


def register(sub) -> None:
    p = sub.add_parser("bench", help="ベンチマーク（テストではない） / run a benchmark (not a test)")
    p.add_argument("which", choices=sorted(BENCHMARKS), help="which benchmark")
    p.add_argument("--repeat", type=int, default=20, help="timed runs per query and endpoint (default: 20)")
    p.add_argument("--warmup", type=int, default=2, help="untimed runs first (default: 2)")
    p.add_argument("--published", help="folder of the built graph (default: published/)")
    p.add_argument("--peer-runs", type=int, default=1, help="validate: runs of the plain pySHACL peer (default: 1)")
    p.add_argument("--municipalities", type=int, default=50, help="scale: synthetic municipalities (default: 50)")
    p.add_argument("--home", help="scale: keep the synthetic project home in this folder (default: a scratch folder)")
    p.add_argument("--reasoner", choices=["owlrl", "rules"], default="rules", help="scale: the build's reasoner")
    p.add_argument("--serve-only", action="store_true", help="scale: measure serving on the built --home only")
    p.add_argument(
        "--national", action="store_true", help="search: also time a synthetic national-scale index (in memory)"
    )
    from server.sparql.abuse_bench import register_arguments

    register_arguments(p)
    p.add_argument("--verbose", action="store_true", help="import: list the missed and the extra elements")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args) -> int:
    return BENCHMARKS[args.which](args)


def bench_sparql(args) -> int:
    from server.paths import PUBLISHED_DIR, QUERIES_DIR
    from server.store import ensure_dump

    published = Path(args.published) if args.published else PUBLISHED_DIR
    dump = ensure_dump(published)
    queries = sorted(QUERIES_DIR.glob("*.rq"))
    if not queries:
        print(f"error: no .rq files in {QUERIES_DIR}", file=sys.stderr)
        return 2
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(oxigraph).exists():
        print("error: the `oxigraph` command is missing (pip install oxigraph)", file=sys.stderr)
        return 2
    repeat, warmup = max(1, args.repeat), max(0, args.warmup)
    with ExitStack() as stack:
        ours = stack.enter_context(_our_server(published))
        theirs = stack.enter_context(_oxigraph_server(oxigraph, dump))
        print(f"ours: {ours}   oxigraph: {theirs}   ({repeat} timed runs per query, median)\n")
        print(f"{'query':<34} {'rows':>5} {'ours ms':>9} {'oxigraph ms':>12} {'ratio':>7} {'ours kept ms':>13}")
        ratios, kept = [], []
        for path in queries:
            text = path.read_text(encoding="utf-8")
            for _ in range(warmup):
                _post(ours, text), _post(theirs, text)
            ours_times, their_times, kept_times = [], [], []
            for i in range(repeat):  # interleaved, so that drift in machine load hits both alike
                # Each run's text is new (a comment differs), so ours evaluates it rather than answering from the
                # answers it keeps per version (server.sparql.answers); the kept answer is timed apart.
                fresh = f"{text}\n# run {i}\n"
                ours_times.append(_timed(ours, fresh))
                their_times.append(_timed(theirs, fresh))
                kept_times.append(_timed(ours, fresh))
            rows_ours, rows_theirs = _rows(_post(ours, text)), _rows(_post(theirs, text))
            mine, other = statistics.median(ours_times), statistics.median(their_times)
            ratios.append(mine / other)
            kept.append(statistics.median(kept_times) / other)
            rows = str(rows_ours) if rows_ours == rows_theirs else f"{rows_ours}≠{rows_theirs}"
            line = f"{path.stem:<34} {rows:>5} {mine * 1000:>9.2f} {other * 1000:>12.2f} {mine / other:>7.2f}"
            print(f"{line} {statistics.median(kept_times) * 1000:>13.2f}")
        print(f"\ngeometric mean of ratios (evaluated): {statistics.geometric_mean(ratios):.2f}")
        print(f"geometric mean of ratios (kept answers, same text again): {statistics.geometric_mean(kept):.2f}")
    return 0


def bench_validate(args) -> int:
    """A validation run of the largest plan against plain pySHACL (owlrl inference, advanced mode) on the same
    files and the structural shapes: the peer is what a user would run without this project's rule engine and
    speed-ups. Ours also does the text-grounded compliance run, which the peer has no counterpart for."""
    import pyshacl

    from server.compliance.bench import PLAN
    from server.compliance.bench import bench_validate as ours
    from server.compliance.graphs import DRAFT_BASE
    from server.graph.loading import load_files
    from server.graph.validation import shapes_graph
    from server.paths import DATA_DIR, ONTOLOGY_DIR

    files = sorted(PLAN.glob("*.ttl"))
    result = ours(repeats=max(1, min(args.repeat, 9)), files=files, quiet=True)
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


def bench_scale(args) -> int:
    from server.scale.bench import bench_scale as run

    return run(args)


def bench_abuse(args) -> int:
    from server.sparql.abuse_bench import bench_abuse as run

    return run(args)


def bench_search(args) -> int:
    from server.search.bench import bench_search as run

    return run(args)


def bench_import(args) -> int:
    """The importer on the five seed texts against the curated graph (server/importer/bench.py)."""
    from server.importer.bench import report, run

    sys.stdout.write(report(run(), verbose=getattr(args, "verbose", False)))
    return 0


BENCHMARKS = {
    "sparql": bench_sparql,
    "validate": bench_validate,
    "search": bench_search,
    "scale": bench_scale,
    "abuse": bench_abuse,
    "import": bench_import,
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str, query: str) -> bytes:
    request = urllib.request.Request(
        url,
        data=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT_JSON},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def _timed(url: str, query: str) -> float:
    start = time.perf_counter()
    _post(url, query)
    return time.perf_counter() - start


def _rows(body: bytes) -> int:
    import json

    return len(json.loads(body)["results"]["bindings"])


def _wait_until_up(url: str, process: subprocess.Popen, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with status {process.returncode}")
        try:
            _post(url, "ASK {}")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"server for {url} did not come up within {limit:g} s")


@contextmanager
def _running(command: list[str], url: str, env=None):
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def _our_server(published: Path):
    port = _free_port()
    env = dict(os.environ, FUKUSHI_KG_PUBLISHED_DIR=str(published), FUKUSHI_KG_BUILD_IF_MISSING="false")
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    if shutil.which("gunicorn") or Path(sys.executable).with_name("gunicorn").exists():
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        command += ["--threads", "4", "--log-level", "warning", "server.app:create_app()"]
    else:
        code = (
            "import sys; from werkzeug.serving import run_simple; from server.app import create_app; "
            "run_simple('127.0.0.1', int(sys.argv[1]), create_app(), threaded=True)"
        )
        command = [sys.executable, "-c", code, str(port)]
    with _running(command, f"http://127.0.0.1:{port}/sparql", env) as url:
        yield url


@contextmanager
def _oxigraph_server(oxigraph: str, dump: Path):
    location = tempfile.mkdtemp(prefix="fukushi-kg-bench-")
    try:
        subprocess.run(
            [oxigraph, "load", "--location", location, "--file", str(dump)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = _free_port()
        command = [oxigraph, "serve-read-only", "--location", location, "--bind", f"127.0.0.1:{port}"]
        with _running(command, f"http://127.0.0.1:{port}/query") as url:
            yield url
    finally:
        shutil.rmtree(location, ignore_errors=True)
