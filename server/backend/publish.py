"""`fukushi-kg publish --to URL`: put each published graph into a Graph Store (SPARQL 1.1 Graph Store HTTP Protocol).

One PUT per graph (`URL?graph=<graph IRI>`, N-Triples body), so one plan can be republished alone and a reader of
the engine never sees a plan half-replaced: PUT replaces the graph's content in one request. Plain HTTP through
urllib: the protocol is three headers and a body, and SPARQLWrapper speaks only the query protocol.
"""

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from server.backend.graphs import graph_body, graph_iri, published_graphs

NTRIPLES = "application/n-triples"


class PublishError(Exception):
    pass


@dataclass
class Published:
    key: str
    graph: str
    status: int
    bytes: int


def graph_url(store_url: str, graph: str) -> str:
    parts = urllib.parse.urlsplit(store_url)
    query = urllib.parse.parse_qsl(parts.query) + [("graph", graph)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def publish(
    store_url: str,
    published_dir: Path,
    only: list[str] | None = None,
    base: str | None = None,
    timeout: float = 300.0,
    credentials: tuple[str, str] | None = None,
) -> list[Published]:
    """PUT the build's graphs (all, or the keys in `only`) to the Graph Store at `store_url`.

    `credentials` (user, password) answer HTTP Basic or Digest challenges (Virtuoso's /sparql-graph-crud-auth
    asks for Digest; Fuseki behind Shiro for Basic).
    """
    graphs = published_graphs(published_dir)
    if not graphs:
        raise PublishError(f"{published_dir} has no per-plan graphs: run `fukushi-kg build` first")
    unknown = sorted(set(only or ()) - set(graphs))
    if unknown:
        raise PublishError(f"no published graph for {', '.join(unknown)} (known: {', '.join(graphs)})")
    opener = _opener(store_url, credentials)
    done = []
    for key, path in graphs.items():
        if only and key not in only:
            continue
        body = graph_body(path, base)
        iri = graph_iri(key, base)
        request = urllib.request.Request(
            graph_url(store_url, iri),
            data=body,
            method="PUT",
            headers={"Content-Type": NTRIPLES},
        )
        try:
            with opener.open(request, timeout=timeout) as response:
                done.append(Published(key, iri, response.status, len(body)))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:500]
            raise PublishError(f"PUT {iri} to {store_url}: HTTP {exc.code} {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise PublishError(f"PUT {iri} to {store_url}: {getattr(exc, 'reason', exc)}") from exc
    return done


def _opener(url: str, credentials: tuple[str, str] | None):
    if not credentials:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, *credentials)
    return urllib.request.build_opener(
        urllib.request.HTTPBasicAuthHandler(passwords), urllib.request.HTTPDigestAuthHandler(passwords)
    )
