"""Live servers for the SPARQL tests: the session app on a free loopback port, and a second app with tight
limits (short timeout, few rows, an allowlisted SERVICE endpoint) for the safety tests."""

import socket
import threading
import urllib.parse
from dataclasses import dataclass
from http.client import HTTPConnection

import pytest
from werkzeug.serving import make_server

from server.app import create_app
from server.sparql import executor_of


@dataclass
class Live:
    base: str
    app: object

    @property
    def endpoint(self) -> str:
        return self.base + "/sparql"


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def send(method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
    """One HTTP request with exactly the given headers (urllib would add a Content-Type of its own)."""
    parts = urllib.parse.urlsplit(url)
    conn = HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


@pytest.fixture(scope="session")
def http():
    """send(method, url, body=None, headers=None) -> Reply."""
    return send


@pytest.fixture(scope="session")
def _serve():
    servers = []

    def serve(app) -> Live:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, app))
        return Live(f"http://127.0.0.1:{server.server_port}", app)

    yield serve
    for server, app in servers:
        server.shutdown()
        executor_of(app).close()


@pytest.fixture(scope="session")
def live(app, _serve) -> Live:
    """The session app (tests/conftest.py) served over real HTTP."""
    return _serve(app)


@pytest.fixture(scope="session")
def limited(published_dir, live, _serve) -> Live:
    """An app with a 1 s timeout, 5 result rows and the live endpoint as its only allowed SERVICE."""
    app = create_app(
        {
            "TESTING": True,
            "PUBLISHED_DIR": str(published_dir),
            "BUILD_IF_MISSING": False,
            "QUERY_TIMEOUT": 1.0,
            "MAX_ROWS": 5,
            "QUERY_WORKERS": 2,
            "SERVICE_ALLOWLIST": [live.endpoint],
        }
    )
    return _serve(app)


class Listener:
    """A TCP listener on a free loopback port that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                self.connections.append(b"")  # counted at once; the request line, if any, is kept for messages
                conn.settimeout(0.5)
                try:
                    self.connections[-1] = conn.recv(4096)
                except OSError:
                    pass

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener():
    probe = Listener()
    yield probe
    probe.close()
