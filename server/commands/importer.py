"""`fukushi-kg import PLAN.(txt|pdf) --municipality CODE [--out FILE.ttl] [--review FILE.html]`.

Exit codes: 0 the draft was written; 2 an error (unknown municipality or prefecture code, a file that
cannot be read), with a message that says which.
"""

import sys

EXIT_OK, EXIT_ERROR = 0, 2


def register(sub) -> None:
    p = sub.add_parser(
        "import",
        help="計画書やテンプレートから下書きを作る / "
        "draft Turtle (and a review page) from a plan's text, PDF or template",
        description="計画書（テキスト・PDF）の体系を読み取るか、テンプレート（.xlsx・.csv）の各セルを確かめて、"
        "fukushi-kg validate で確かめられる下書き（Turtle）を書き出します。 / "
        "Read a municipal plan (plain text or PDF) "
        "and find its outline, or check every cell of a filled template (.xlsx, .csv), and write a draft in the "
        "project's data model that `fukushi-kg validate` accepts. Exit codes: 0 written; 2 an error, nothing written.",
    )
    p.add_argument(
        "plan",
        metavar="PLAN",
        help="計画書かテンプレート: .txt（UTF-8）、.pdf、.xlsx、.csv / the plan document or template",
    )
    p.add_argument(
        "--municipality",
        required=True,
        metavar="CODE",
        help="全国地方公共団体コード（6桁、例: 082368） / local government code, six digits",
    )
    p.add_argument(
        "--out",
        metavar="FILE.ttl",
        help="下書きの Turtle（既定: PLAN の名前 + .draft.ttl） / draft Turtle (default: PLAN's name with .draft.ttl)",
    )
    p.add_argument("--review", metavar="FILE.html", help="確認用のページもここに書く / also write the review page here")
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
