"""`fukushi-kg serve`: the Flask app with the SPARQL endpoint, on waitress — for a workstation and production alike.

waitress reads every request whole (headers and body, up to its size limit) on its event loop before a
thread sees it, and buffers the answer while a client reads it slowly, so slow or idle clients cost a socket,
not a thread: 20 clients trickling headers cannot hold up the one that sends a whole request
(tests/sparql/test_serving.py). Idle connections are closed after CHANNEL_TIMEOUT seconds.

Why not granian (Rust, measured 6 December 2026, issue 23): a bare Flask app answering a 34 KB body costs 0.3–0.4 ms a
request on granian 2.8.9 against 0.7–0.8 ms on waitress (keep-alive; 0.93 against 1.14 ms with a new connection
per request), but granian has no request-body limit and reads a WSGI request's body whole before the app sees it:
one client sending an endless chunked body grew its worker to 5.2 GB in 8 s. waitress counts the body against
max_request_body_size as it arrives, so memory stays bounded whatever is sent.
"""

import sys

# Request threads. A request waiting for a query worker holds its thread, so there must be more threads than
# queries allowed to wait (QUEUE_LENGTH): otherwise waiting heavy queries take every thread and a quick one
# cannot even reach the fair scheduler. An idle thread costs little.
THREADS = 32
CHANNEL_TIMEOUT = 30  # seconds an idle or stalled connection is kept
SLACK = 64 << 10  # body bytes allowed over MAX_BODY at the socket, so the app's own 413 message is what is seen


def register(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="画面と SPARQL エンドポイントを開く / "
        "serve the pages and the SPARQL endpoint at /sparql (builds the graph if needed)",
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="待ち受けるアドレス / interface to listen on (default: 127.0.0.1)"
    )
    p.add_argument("--port", type=int, default=5000, help="待ち受けるポート / port to listen on (default: 5000)")
    p.add_argument("--threads", type=int, default=THREADS, help=f"request threads (default: {THREADS})")
    p.set_defaults(func=cmd_serve)


def make_server(app, host: str, port: int, threads: int = THREADS, channel_timeout: int = CHANNEL_TIMEOUT):
    """A waitress server for `app` (not yet running: call .run()); port 0 picks a free one (.effective_port)."""
    from waitress.server import create_server

    server = create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        channel_timeout=channel_timeout,
        max_request_body_size=int(app.config["MAX_BODY"]) + SLACK,
        ident="fukushi-kg",
        clear_untrusted_proxy_headers=True,
    )
    channel = _secure_channel()
    for one in [server, *getattr(server, "map", {}).values()]:  # one listener, or several (MultiSocketServer)
        if hasattr(one, "channel_class"):
            one.channel_class = channel
    return server


def _secure_channel():
    """waitress's channel whose own error answers (400 malformed, 413 too large, 431 headers, 500) carry the app's
    security headers too: they are made before any request reaches Flask, so after_request never sees them."""
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    from server.app import SECURITY_HEADERS

    class SecureErrorTask(ErrorTask):
        def execute(self):
            self.response_headers.extend(SECURITY_HEADERS.items())  # before the body: the first write sends headers
            super().execute()

    class SecureChannel(HTTPChannel):
        error_task_class = SecureErrorTask

    return SecureChannel


def cmd_serve(args) -> int:
    from server.app import create_app
    from server.commands import build_if_needed
    from server.compliance.publication import compliance_part
    from server.datafile import DataFileError
    from server.graph.build import BuildFailed
    from server.graph.on_demand import ensure_dump
    from server.published import GraphNotBuilt
    from server.sparql import executor_of
    from server.sparql.jobs import WorkerFailed

    app = create_app()
    published, allowed = app.config["PUBLISHED_DIR"], bool(app.config.get("BUILD_IF_MISSING", True))
    try:
        build_if_needed(published, allowed)
        ensure_dump(published, allowed, compliance_part)
    except (GraphNotBuilt, BuildFailed, DataFileError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)  # one line, naming the file (DumpInvalid messages start with it)
        return 2
    try:
        # Bound before the workers load: a busy port is said at once, and no worker is left to stop.
        server = make_server(app, args.host, args.port, args.threads)
    except OSError as exc:
        print(
            f"error: {args.host}:{args.port} で待ち受けできません（{exc.strerror or exc}）。別のポートを "
            f"--port で指定してください / cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    try:
        executor_of(app).start()  # load the workers now rather than on the first query
    except WorkerFailed as exc:
        server.close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    host = f"[{args.host}]" if ":" in args.host else args.host
    home = f"http://{host}:{server.effective_port}/"
    print(f"ready: open {home}  (SPARQL endpoint: {home}sparql)", file=sys.stderr, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        executor_of(app).close()
    return 0
