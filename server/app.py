"""The Flask application factory."""

from flask import Flask

from server.config import DEFAULTS, from_environment
from server.sparql import init_app as init_sparql


def create_app(test_config=None) -> Flask:
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    if test_config is None:
        app.config.update(from_environment())
    else:
        app.config.update(test_config)
    app.json.ensure_ascii = False

    # Blueprints are registered here, one per concern.
    init_sparql(app)
    return app
