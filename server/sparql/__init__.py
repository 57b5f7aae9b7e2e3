"""The SPARQL endpoint: mounted on the app by init_app, answering from pyoxigraph worker processes.

Imports happen inside the functions so that a worker process (server.sparql.worker) does not load Flask.
"""

from pathlib import Path

EXTENSION = "fukushi_sparql"
SETTINGS = "fukushi_sparql_settings"


def init_app(app, executor=None):
    """Register the /sparql endpoint, answered by `executor` (server.app passes server.backend.remote's when an
    existing engine answers) or by our own worker processes, which start on the first query, not here."""
    from server.config import dump_source
    from server.published import GRAPH_IRI
    from server.rebase import normalise_base, rebase_iri
    from server.sparql.executor import Executor
    from server.sparql.protocol import Settings, create_blueprint, select_job
    from server.store import graph_counts, triple_count

    config = app.config
    published = Path(config["PUBLISHED_DIR"])
    if executor is None:
        executor = Executor(
            published,
            dump_source(app),
            workers=config.get("QUERY_WORKERS", 2),
            timeout=config.get("QUERY_TIMEOUT", 5.0),
            base=config.get("BASE_IRI"),
            memory_limit_mb=config.get("QUERY_MEMORY_MB"),
            client_pending=config.get("CLIENT_QUERIES", 4),
            queue_length=config.get("QUEUE_LENGTH", 24),
            answer_cache_mb=float(config.get("ANSWER_CACHE_MB", 64) or 0),
            warm_timeout=float(config.get("WARM_UP_TIMEOUT") or 120.0),
        )
    max_rows = config.get("MAX_ROWS")
    max_bytes = config.get("MAX_RESULT_BYTES")
    settings = Settings(
        base_iri=config.get("BASE_IRI") or None,
        max_rows=int(max_rows) if max_rows else None,
        service_allowlist=tuple(config.get("SERVICE_ALLOWLIST") or ()),
        graph_iri=rebase_iri(GRAPH_IRI, normalise_base(config.get("BASE_IRI"))),
        triples=lambda: triple_count(published),
        graphs=lambda: graph_counts(published, config.get("BASE_IRI")),
        max_body=int(config.get("MAX_BODY") or 1 << 20),
        max_bytes=int(max_bytes) if max_bytes else None,
    )
    warm = config.get("WARM_UP")
    if (not config.get("TESTING") if warm is None else warm) and hasattr(executor, "warm_jobs"):
        folder = Path(config.get("QUERIES_DIR") or "")
        executor.warm_jobs = tuple(
            select_job(p.read_text(encoding="utf-8"), settings) for p in sorted(folder.glob("*.rq"))
        )
    app.register_blueprint(create_blueprint(executor, settings))
    app.extensions[EXTENSION] = executor
    app.extensions[SETTINGS] = settings
    return executor


def settings_of(app):
    """The endpoint's settings (row cap, base IRI, …), for pages that ask the endpoint's workers."""
    return app.extensions[SETTINGS]


def executor_of(app):
    """The app's query executor (to start it eagerly, or to inspect its workers in tests)."""
    return app.extensions[EXTENSION]
