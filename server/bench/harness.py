"""What the benchmarks share: a free loopback port, a server started and stopped around a measurement, SPARQL
requests timed over HTTP, the peer engine (`oxigraph serve-read-only`, pip install -e '.[bench]'), and the
figures printed beside their targets."""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ACCEPT_JSON = "application/sparql-results+json"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, query: str) -> bytes:
    request = urllib.request.Request(
        url,
        data=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT_JSON},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def timed(url: str, query: str) -> float:
    start = time.perf_counter()
    post(url, query)
    return time.perf_counter() - start


def timed_request(
    port: int, method: str, path: str, body: bytes | None = None, headers=None, source=None, timeout: float = 60.0
) -> tuple[int | str, float]:
    """One request to the local server, answer read whole: (status, or the exception's name when the connection
    failed; seconds). `source` binds the client to another loopback address (one client per address)."""
    start = time.monotonic()
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        conn.request(method, path, body, headers or {})
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.monotonic() - start
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__, time.monotonic() - start
    finally:
        conn.close()


def rows(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


def wait_until_up(url: str, process: subprocess.Popen, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with status {process.returncode}")
        try:
            post(url, "ASK {}")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"server for {url} did not come up within {limit:g} s")


@contextmanager
def running(command: list[str], url: str, env=None):
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(url, process)
        yield url
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def server_env(published: Path, env=None) -> dict:
    """The environment of our server on `published`, never building, importing this checkout's code."""
    env = dict(os.environ if env is None else env)
    env.update(FUKUSHI_KG_PUBLISHED_DIR=str(published), FUKUSHI_KG_BUILD_IF_MISSING="false")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH")) if p)
    return env


@contextmanager
def our_server(published: Path):
    """The Flask app under gunicorn (or werkzeug's threaded server when gunicorn is missing) on a free port."""
    port = free_port()
    env = server_env(published)
    if shutil.which("gunicorn") or Path(sys.executable).with_name("gunicorn").exists():
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        command += ["--threads", "4", "--log-level", "warning", "server.app:create_app()"]
    else:
        code = (
            "import sys; from werkzeug.serving import run_simple; from server.app import create_app; "
            "run_simple('127.0.0.1', int(sys.argv[1]), create_app(), threaded=True)"
        )
        command = [sys.executable, "-c", code, str(port)]
    with running(command, f"http://127.0.0.1:{port}/sparql", env) as url:
        yield url


def oxigraph() -> str:
    """The peer engine's command (it may be missing: the caller says so)."""
    return shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))


@contextmanager
def oxigraph_server(command: str, dump: Path):
    """`oxigraph serve-read-only` on a fresh store loaded from the N-Triples `dump`."""
    location = tempfile.mkdtemp(prefix="fukushi-kg-bench-")
    try:
        subprocess.run(
            [command, "load", "--location", location, "--file", str(dump)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = free_port()
        serve = [command, "serve-read-only", "--location", location, "--bind", f"127.0.0.1:{port}"]
        with running(serve, f"http://127.0.0.1:{port}/query") as url:
            yield url
    finally:
        shutil.rmtree(location, ignore_errors=True)


@contextmanager
def oxigraph_on(store: Path, timeout: int):
    """`oxigraph serve-read-only` on the very store a build wrote, with a query timeout."""
    port = free_port()
    command = [oxigraph(), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
    with running([*command, "--timeout-s", str(timeout)], f"http://127.0.0.1:{port}/query") as url:
        yield url


def print_figures(figures: list) -> None:
    """(name, measured, met, target) per figure, as a table that says "met" or "NOT met"."""
    print(f"\n{'figure':<44} {'measured':>28}  target")
    for name, value, met, target in figures:
        print(f"{name:<44} {value:>28}  {target} {'met' if met else 'NOT met'}")
