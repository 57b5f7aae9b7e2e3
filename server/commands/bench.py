"""`fukushi-kg bench WHICH`: runs one of the benchmarks (not tests) in server.bench, one module each."""

from server.bench.abuse import register_arguments as abuse_arguments

BENCHMARKS = ("abuse", "annotate", "import", "scale", "search", "sparql", "validate")


def register(sub) -> None:
    p = sub.add_parser("bench", help="ベンチマーク（テストではない） / run a benchmark (not a test)")
    p.add_argument("which", choices=sorted(BENCHMARKS), help="which benchmark")
    p.add_argument("--repeat", type=int, default=20, help="timed runs per query and endpoint (default: 20)")
    p.add_argument("--warmup", type=int, default=2, help="untimed runs first (default: 2)")
    p.add_argument("--published", help="folder of the built graph (default: published/)")
    p.add_argument("--peer-runs", type=int, default=1, help="validate: runs of the plain pySHACL peer (default: 1)")
    p.add_argument("--municipalities", type=int, default=50, help="scale: synthetic municipalities (default: 50)")
    p.add_argument("--home", help="scale: keep the synthetic project home in this folder (default: a scratch folder)")
    p.add_argument("--reasoner", choices=["owlrl", "rules"], default="rules", help="scale: the build's reasoner")
    p.add_argument("--serve-only", action="store_true", help="scale: measure serving on the built --home only")
    p.add_argument(
        "--national", action="store_true", help="search: also time a synthetic national-scale index (in memory)"
    )
    abuse_arguments(p)
    p.add_argument(
        "--verbose", action="store_true", help="import, annotate: list the missed and the extra elements or concepts"
    )
    p.add_argument(
        "--pdf-pages",
        type=int,
        metavar="N",
        help="import: instead, time the PDF reader on an N-page plan printed by Chromium, against pdfplumber",
    )
    p.add_argument("--pdf", metavar="FILE", help="import --pdf-pages: time this PDF instead of printing one")
    p.add_argument(
        "--corpus",
        metavar="DIR",
        help="import: also score a folder of NAME.txt + NAME.json expected answers (default: ../shared/corpus "
        "beside the checkout, when it exists)",
    )
    p.set_defaults(func=cmd_bench)


def cmd_bench(args) -> int:
    # Imported when a benchmark runs, not when the CLI starts: `fukushi-kg --help` should not load rdflib.
    from server.bench import abuse, annotate, importer, scale, search, sparql, validate

    which = {
        "abuse": abuse,
        "annotate": annotate,
        "import": importer,
        "scale": scale,
        "search": search,
        "sparql": sparql,
        "validate": validate,
    }
    return which[args.which].bench(args)
