"""Shared fixtures. The graph is built once per test session into a temporary folder."""

import pytest

from server.app import create_app
from server.compliance.publication import compliance_part
from server.graph.build import build


@pytest.fixture(scope="session")
def published_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("published")
    build(out, extra_graphs=compliance_part)  # as `fukushi-kg build` publishes it: with the compliance graph
    return out


@pytest.fixture(scope="session")
def app(published_dir):
    app = create_app(
        {
            "TESTING": True,
            "PUBLISHED_DIR": str(published_dir),
            "BUILD_IF_MISSING": False,
            "QUERY_TIMEOUT": 3.0,
        }
    )
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
