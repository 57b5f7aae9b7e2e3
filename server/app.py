"""The Flask application factory."""

from flask import Flask

from server.annotations.views import bp as annotations_bp
from server.compliance.views import bp as compliance_bp
from server.config import DEFAULTS, from_environment
from server.sparql import init_app as init_sparql
from server.web import init_app as init_web


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
    init_web(app)
    app.register_blueprint(compliance_bp)
    app.register_blueprint(annotations_bp)
    return app
