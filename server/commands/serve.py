"""`fukushi-kg serve`: the Flask app with the SPARQL endpoint, on werkzeug's threaded server.

For production run the same app under gunicorn (see README.md); this command is for a workstation.
"""

import sys


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve the built graph: SPARQL endpoint at /sparql (builds the graph if needed)")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=5000, help="port to listen on (default: 5000)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    from werkzeug.serving import make_server

    from server.app import create_app
    from server.commands import build_if_needed
    from server.graph.build import BuildFailed
    from server.graph.loading import DataFileError
    from server.sparql import executor_of
    from server.store import GraphNotBuilt, ensure_dump

    app = create_app()
    published, allowed = app.config["PUBLISHED_DIR"], bool(app.config.get("BUILD_IF_MISSING", True))
    try:
        build_if_needed(published, allowed)
        ensure_dump(published, allowed)
        executor_of(app).start()  # load the workers now rather than on the first query
    except (GraphNotBuilt, BuildFailed, DataFileError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    server = make_server(args.host, args.port, app, threaded=True)  # bound from here on: "ready" is true
    host = f"[{args.host}]" if ":" in args.host else args.host
    home = f"http://{host}:{server.server_port}/"
    print(f"ready: open {home}  (SPARQL endpoint: {home}sparql)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
