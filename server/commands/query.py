"""`fukushi-kg query FILE`: run a SPARQL query on the built graph (pyoxigraph, in-process) or, with --endpoint,
on a remote endpoint (SPARQLWrapper), and print the answer."""

import sys
from pathlib import Path

# --format names -> (solutions key, graph key) in server.sparql.results; None: not available for that kind.
FORMATS = {
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "turtle": (None, "turtle"),
    "ntriples": (None, "ntriples"),
}


def register(sub) -> None:
    p = sub.add_parser(
        "query", help="SPARQL の問い合わせを実行する / run a SPARQL query file on the built graph or a remote endpoint"
    )
    p.add_argument(
        "file",
        help="the .rq file, or the name of a bundled query (plans, plans.rq, quality/…) when no such file exists "
        "here; - for standard input",
    )
    p.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="csv",
        help="出力形式（既定: csv。見出しは問い合わせの日本語の列名、BOM 付き UTF-8） / output format (default: csv, "
        "headed by the query's Japanese column labels, UTF-8 with a BOM)",
    )
    p.add_argument("--endpoint", help="URL of a SPARQL endpoint to send the query to instead")
    p.add_argument("--published", help="folder of the built graph (default: published/)")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter the query's header declares, e.g. municipality=352136, prefecture=35, "
        "target-group=older-people, function=participation-support, fiscal-year=2026 (repeatable)",
    )
    p.set_defaults(func=cmd_query)


def cmd_query(args) -> int:
    from server.datafile import DataFileError
    from server.graph.build import BuildFailed
    from server.paths import QUERIES_DIR
    from server.published import GraphNotBuilt

    try:
        text = sys.stdin.read() if args.file == "-" else query_file(args.file, QUERIES_DIR).read_text(encoding="utf-8")
    except FileNotFoundError:
        print(
            f"error: no such query file: {args.file} (nor a bundled query of that name in {QUERIES_DIR})",
            file=sys.stderr,
        )
        return 2
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    from server.questions.named import QuestionError
    from server.questions.parameters import ParameterError

    try:
        params = parse_params(args.param)
        if args.endpoint:
            body = remote(text, args.endpoint, args.format, params, name=Path(args.file).stem)
        else:
            body = local(text, args.format, args.published, params, name=Path(args.file).stem)
    except (ParameterError, QuestionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (QueryFailed, GraphNotBuilt, DataFileError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BuildFailed as exc:
        print(f"error: the graph could not be built: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv" and body[:1] != b"\xef":
        body = spreadsheet_csv(body, text)
    sys.stdout.buffer.write(body)
    sys.stdout.flush()
    return 0


def spreadsheet_csv(body: bytes, text: str) -> bytes:
    """SPARQL's CSV with the query's Japanese column labels as headings (`# column ?city: 市町村 / …`) and a
    byte-order mark, so Excel opens it in Japanese; the rows are as SPARQL wrote them."""
    import csv
    import io

    from server.sparql.columns import column_labels, headings

    decoded = body.decode("utf-8")
    first, newline, rest = decoded.partition("\r\n") if "\r\n" in decoded else decoded.partition("\n")
    variables = next(csv.reader([first]), [])
    out = io.StringIO()
    csv.writer(out, lineterminator=newline or "\r\n").writerow(headings(variables, column_labels(text)))
    return ("\ufeff" + out.getvalue() + rest).encode("utf-8")


class QueryFailed(Exception):
    pass


def parse_params(items: list[str]) -> dict[str, str]:
    from server.questions.parameters import ParameterError

    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--param {item!r}: NAME=VALUE の形で指定してください / write it as NAME=VALUE")
        params[name.strip()] = value
    return params


def bind_params(text: str, name: str, params: dict, select) -> str:
    """The query with `params` in the VALUES blocks its header declares (server.questions.parameters)."""
    if not params:
        return text
    from server.questions import named, parameters

    question = named.parse(name, text)
    return parameters.bind(question, params, parameters.Lookup(select)).text


def query_file(name: str, queries_dir: Path) -> Path:
    """`name` as a path when it exists; otherwise the bundled query it names (`plans`, `plans.rq`,
    `quality/duplicate-sibling-order`), so the competency queries answer from any directory after a
    non-editable install. FileNotFoundError when neither exists."""
    given = Path(name)
    if given.exists():
        return given
    root = queries_dir.resolve()
    for candidate in (root / name, root / f"{name}.rq"):
        candidate = candidate.resolve()
        if candidate.is_relative_to(root) and candidate.suffix == ".rq" and candidate.is_file():
            return candidate
    raise FileNotFoundError(name)


def local(text: str, fmt: str, published=None, params=None, name="query") -> bytes:
    """Answer from the published N-Triples dump (built first if missing), with no row cap and no timeout."""
    from server.commands import build_if_needed
    from server.compliance.publication import compliance_part
    from server.graph.on_demand import ensure_dump
    from server.paths import BASE_IRI, PUBLISHED_DIR
    from server.sparql import safety
    from server.sparql.jobs import Job, execute
    from server.store import load_store

    try:
        safety.check(text, (), BASE_IRI)  # the same rules as the endpoint: no SERVICE, no update
    except safety.Refused as exc:
        raise QueryFailed(exc.message) from exc
    solutions, graph = FORMATS[fmt]
    published = Path(published) if published else PUBLISHED_DIR
    build_if_needed(published)
    store = load_store(ensure_dump(published, extra_graphs=compliance_part))
    if params:
        from server.questions.parameters import store_select

        text = bind_params(text, name, params, store_select(store))
    answer = execute(store, Job(text, base_iri=BASE_IRI, solutions_format=solutions, graph_format=graph))
    if answer.status != 200:
        raise QueryFailed(answer.body.decode("utf-8").strip())
    return answer.body


def remote(text: str, endpoint: str, fmt: str, params=None, name="query") -> bytes:
    """Send the query with SPARQLWrapper and return the response body as the endpoint wrote it."""
    from urllib.error import HTTPError, URLError

    from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    from server.sparql import safety

    if params:
        text = bind_params(text, name, params, lambda sparql: _remote_select(endpoint, sparql))
    graph_query = safety.query_form(text) in ("CONSTRUCT", "DESCRIBE")
    solutions, graph = FORMATS[fmt]
    if (graph if graph_query else solutions) is None:
        kind = "an RDF graph" if graph_query else "solutions"
        raise QueryFailed(f"--format {fmt} cannot carry {kind}")
    wrapper_formats = {"csv": CSV, "tsv": TSV, "json": JSONLD if graph_query else JSON, "xml": XML, "turtle": TURTLE}
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery(text)
    if fmt == "ntriples":
        client.setReturnFormat(TURTLE)
        client.addCustomHttpHeader("Accept", "application/n-triples")
    else:
        client.setReturnFormat(wrapper_formats[fmt])
    try:
        return client.query().response.read()
    except HTTPError as exc:  # statuses SPARQLWrapper does not wrap (403, 406, 503 …): the body says why
        raise QueryFailed(f"{endpoint}: HTTP {exc.code}: {exc.read().decode('utf-8', 'replace').strip()}") from exc
    except (SPARQLWrapperException, URLError, OSError) as exc:
        raise QueryFailed(f"{endpoint}: {exc}") from exc


def _remote_select(endpoint: str, sparql: str) -> list[dict]:
    """Rows of one of our fixed look-ups (a municipality's IRI by code) from a remote endpoint."""
    from urllib.error import URLError

    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery(sparql)
    client.setReturnFormat(JSON)
    try:
        doc = client.query().convert()
    except (SPARQLWrapperException, URLError, OSError) as exc:
        raise QueryFailed(f"{endpoint}: {exc}") from exc
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]
