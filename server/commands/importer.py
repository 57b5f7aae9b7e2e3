"""`fukushi-kg import PLAN.(txt|pdf) --municipality CODE [--out FILE.ttl] [--review FILE.html]`.

Exit codes: 0 the draft was written; 2 an error (unknown municipality or prefecture code, a file that
cannot be read), with a message that says which.
"""

import sys

EXIT_OK, EXIT_ERROR = 0, 2


def register(sub) -> None:
    p = sub.add_parser(
        "import",
        help="draft Turtle (and a review page) from a plan's text or PDF",
        description="Read a municipal plan (plain text or PDF), find its outline with rules for how Japanese "
        "plans are written, and write a draft in the project's data model that `fukushi-kg validate` accepts.",
    )
    p.add_argument("plan", metavar="PLAN", help="the plan document: .txt (UTF-8) or .pdf")
    p.add_argument(
        "--municipality", required=True, metavar="CODE", help="全国地方公共団体コード, six digits (e.g. 082368)"
    )
    p.add_argument("--out", metavar="FILE.ttl", help="draft Turtle (default: PLAN's name with .draft.ttl)")
    p.add_argument("--review", metavar="FILE.html", help="also write the review page here")
    p.set_defaults(func=cmd_import)


def cmd_import(args) -> int:
    from pathlib import Path

    from server.importer.codes import UnknownCode
    from server.importer.reading import DocumentError
    from server.importer.run import import_plan
    from server.spreadsheet.csvw_rdf import TemplateError

    for out in (args.out, args.review):
        if out and not Path(out).parent.is_dir():
            print(
                f"error: フォルダ『{Path(out).parent}』がありません / no such folder: {Path(out).parent}",
                file=sys.stderr,
            )
            return EXIT_ERROR
    try:
        result = import_plan(args.plan, args.municipality, args.out, args.review)
    except (UnknownCode, DocumentError, TemplateError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(
        f"wrote {result.out}: {result.elements} elements, {result.proposals} proposed annotations, "
        f"{result.triples} triples; {result.unused} text lines not used"
    )
    if result.review:
        print(f"review page: {result.review}")
    print(f"check it with: fukushi-kg validate {result.out}")
    return EXIT_OK
