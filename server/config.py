"""Application settings: defaults, then environment overrides, then the test config."""

import json
import os

from server.paths import BASE_IRI, PUBLISHED_DIR, QUERIES_DIR
from server.published import existing_dump

DEFAULTS = {
    "PUBLISHED_DIR": str(PUBLISHED_DIR),
    "BUILD_IF_MISSING": True,
    "QUERY_TIMEOUT": 5.0,  # seconds a SPARQL query may run before it is stopped
    "MAX_ROWS": 10000,  # result rows returned before the result is cut (and says so)
    "MAX_RESULT_BYTES": 16 << 20,  # about this many bytes of answer, then it is cut like at MAX_ROWS
    "MAX_BODY": 1 << 20,  # request body bytes, counted while it streams in (chunked bodies included)
    "QUERY_MEMORY_MB": 512,  # memory a query may add to its worker before the worker is stopped
    "CLIENT_QUERIES": 4,  # queries one client address may have running or waiting; more get 429
    "QUEUE_LENGTH": 24,  # queries waiting for a worker, all clients together; more get 503 at once
    "SERVICE_ALLOWLIST": [],  # SERVICE endpoints a query may call; empty = SERVICE refused
    "BASE_IRI": BASE_IRI,  # the IRI prefix the server answers for (Linked Data)
    "QUERY_WORKERS": 2,
    "ANSWER_CACHE_MB": 64,  # answers kept per published version (server.sparql.answers); 0 keeps none
    "WARM_UP": None,  # evaluate the named queries once a version is loaded (None: yes, except under TESTING)
    "WARM_UP_TIMEOUT": 120.0,  # seconds one named query may run during the warm-up
    "SPARQL_BACKEND": "",  # a SPARQL 1.1 endpoint URL to answer /sparql from instead of the local workers
    "QUERIES_DIR": str(QUERIES_DIR),  # the example queries the query page offers
    "DATASET_LICENSE": "https://creativecommons.org/licenses/by/4.0/",  # stated in the VoID/DCAT description
}

ENV_PREFIX = "FUKUSHI_KG_"


def from_environment(environ=None) -> dict:
    """Read FUKUSHI_KG_<KEY> for each default key; JSON values (numbers, lists, booleans) are decoded."""
    environ = os.environ if environ is None else environ
    out = {}
    for key, default in DEFAULTS.items():
        raw = environ.get(ENV_PREFIX + key)
        if raw is None:
            continue
        if isinstance(default, str):
            out[key] = raw
        else:
            try:
                out[key] = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{ENV_PREFIX}{key} must be JSON (got {raw!r})") from exc
    return out


DUMP_SOURCE = "fukushi_kg.dump_source"  # app.extensions: published folder -> verified dump path


def dump_source(app):
    """How the app's pages and SPARQL workers get a verified dump: what server.app handed them (building when
    missing or stale, server.graph.on_demand), or only the version published."""
    return app.extensions.get(DUMP_SOURCE) or existing_dump
