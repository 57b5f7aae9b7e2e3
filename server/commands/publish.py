"""`fukushi-kg publish --to URL [--only CODE …]`: push the built graphs to a SPARQL 1.1 Graph Store."""

import sys


def register(sub) -> None:
    p = sub.add_parser(
        "publish",
        help="計画ごとのグラフを Graph Store に置く / PUT each plan's named graph to a Graph Store (SPARQL 1.1 GSP)",
    )
    p.add_argument("--to", required=True, metavar="URL", help="the Graph Store endpoint, e.g. http://host:7878/store")
    p.add_argument("--only", nargs="+", metavar="KEY", help="publish only these graphs (municipality codes, shared)")
    p.add_argument("--published", help="folder of the built graph (default: published/)")
    p.add_argument("--base", help="publish under this base IRI (default: FUKUSHI_KG_BASE_IRI or the canonical one)")
    p.add_argument(
        "--user",
        metavar="NAME",
        help="user for HTTP Basic/Digest auth; the password comes from FUKUSHI_KG_PUBLISH_PASSWORD",
    )
    p.set_defaults(func=cmd_publish)


def cmd_publish(args) -> int:
    import os
    from pathlib import Path

    from server.backend.publish import PublishError, publish
    from server.graph.on_demand import ensure_dump
    from server.paths import PUBLISHED_DIR
    from server.published import GraphNotBuilt

    published = Path(args.published) if args.published else PUBLISHED_DIR
    try:
        ensure_dump(published, os.environ.get("FUKUSHI_KG_BUILD_IF_MISSING", "true") != "false")
        credentials = (args.user, os.environ.get("FUKUSHI_KG_PUBLISH_PASSWORD", "")) if args.user else None
        base = args.base or os.environ.get("FUKUSHI_KG_BASE_IRI")
        done = publish(args.to, published, args.only, base, credentials=credentials)
    except (PublishError, GraphNotBuilt) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for item in done:
        print(f"PUT {item.graph}: HTTP {item.status}, {item.bytes:,} bytes")
    return 0
