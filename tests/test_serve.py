"""`fukushi-kg serve` on a machine with no graph yet: it says it is building, shows the build's phases, and once
ready prints the home page's address — which then answers."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_builds_then_prints_the_home_address(tmp_path):
    port = free_port()
    env = dict(os.environ, FUKUSHI_KG_PUBLISHED_DIR=str(tmp_path / "published"), FUKUSHI_KG_QUERY_WORKERS="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its query workers too are stopped with it below
    )
    lines = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("ready:"):
                break
        home = f"http://127.0.0.1:{port}/"
        assert lines and lines[-1].startswith(f"ready: open {home} "), lines
        assert "has not been built yet: building it" in lines[0]
        assert [line.split(":")[0] for line in lines[1:5]] == ["load", "base", "plans", "dumps"]
        with urllib.request.urlopen(home, timeout=30) as response:
            assert response.status == 200 and "美祢市" in response.read().decode("utf-8")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
