"""The production server (`fukushi-kg serve`, waitress) against slow clients: 20 connections trickling their
request, and 20 that never read their answer, hold no request thread, so a normal request is still answered.

The server has 4 threads: a thread-per-request server of that size would be tied up by the first four."""

import socket
import threading
import time
import urllib.request

import pytest

from server.app import create_app
from server.commands.serve import make_server
from server.sparql import executor_of

from .test_abuse import chunked_head, raw

SLOW = 20


@pytest.fixture
def production(published_dir):
    app = create_app({"TESTING": True, "PUBLISHED_DIR": str(published_dir), "BUILD_IF_MISSING": False})
    server = make_server(app, "127.0.0.1", 0, threads=4, channel_timeout=10)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    executor_of(app).close()


def _quick(base: str) -> float:
    start = time.monotonic()
    url = base + "/sparql?query=ASK%20%7B%7D"
    with urllib.request.urlopen(url, timeout=5) as resp:
        assert resp.status == 200 and b"true" in resp.read()
    return time.monotonic() - start


def test_slow_clients_do_not_hold_up_a_normal_request(production):
    port = int(production.rsplit(":", 1)[1])
    _quick(production)  # workers up
    stop = threading.Event()
    trickling = [socket.create_connection(("127.0.0.1", port)) for _ in range(SLOW)]
    for sock in trickling:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n")

    def trickle():  # one header byte per connection every 0.2 s: the request never completes
        while not stop.is_set():
            for sock in trickling:
                try:
                    sock.sendall(b"X")
                except OSError:
                    pass
            time.sleep(0.2)

    # Readers that ask for the whole graph and never read the answer.
    stalled = []
    for _ in range(SLOW):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(b"GET /dumps/fukushi-kg.nt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        stalled.append(sock)
    feeder = threading.Thread(target=trickle, daemon=True)
    feeder.start()
    try:
        time.sleep(1.0)
        times = [_quick(production) for _ in range(5)]
        assert max(times) < 2.0, times
    finally:
        stop.set()
        feeder.join(timeout=2)
        for sock in trickling + stalled:
            sock.close()


def test_the_production_server_refuses_an_endless_chunked_body(production):
    """waitress counts a chunked body against its limit as it arrives (MAX_BODY plus a little slack)."""
    chunk = b"#" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(24))  # 1.5 MiB, never terminated
    start = time.monotonic()
    answer = raw(production + "/sparql", chunked_head() + body, first=True)
    assert answer.startswith(b"HTTP/1.1 413") and time.monotonic() - start < 4


def test_the_production_server_answers_an_invalid_chunk_size_with_400(production):
    answer = raw(production + "/sparql", chunked_head() + b"zz\r\nASK {}\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400")
    _has_security_headers(answer)


def _has_security_headers(answer: bytes) -> None:
    from server.app import SECURITY_HEADERS

    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    for name, value in SECURITY_HEADERS.items():
        assert f"{name.lower()}: {value.lower()}" in head, name


def test_waitress_own_errors_carry_the_security_headers(production):
    """413 (too large), 431 (header fields too large) and 400 are written by waitress before Flask sees the
    request: they carry the same headers as the app's answers."""
    chunk = b"#" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(24))
    _has_security_headers(raw(production + "/sparql", chunked_head() + body, first=True))
    host = production.removeprefix("http://")
    big = b"GET / HTTP/1.1\r\nHost: " + host.encode() + b"\r\nX-Big: " + b"a" * (300 << 10) + b"\r\n\r\n"
    answer = raw(production + "/", big, first=True)
    assert answer.split(b" ", 2)[1] in (b"431", b"400")
    _has_security_headers(answer)
