"""Full-text search with facets at /search (HTML, JSON, CSV): server.search.views is the blueprint,
server.search.index the SQLite FTS5 index, server.search.normalise the Japanese normalisation."""


def init_app(app) -> None:
    from server.search.views import bp

    app.register_blueprint(bp)
