"""`fukushi-kg import PLAN.(txt|pdf) --municipality CODE [--out FILE.ttl] [--review FILE.html]`.

Exit codes: 0 the draft was written; 1 the draft was written but holds no element (the document's structure
was not found: the review page and the output say what was read); 2 an error (unknown municipality or
prefecture code, a file that cannot be read, is not a plan's text or passes a limit of server.importer.limits,
a folder to write into that does not exist), with a one-line message that says which.
"""

import sys

EXIT_OK, EXIT_EMPTY, EXIT_ERROR = 0, 1, 2
SHOWN_PER_KIND = 5


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
        "--municipality-name",
        metavar="NAME",
        help="総務省のコード一覧にない（検査数字と都道府県は正しい）コードの市町村名 / "
        "the municipality's name, for a well-formed code (check digit, prefecture) that 総務省's list does not "
        "have (an invented town of a test corpus, a merger newer than the list); refused for a code in the list",
    )
    p.add_argument(
        "--out",
        metavar="FILE.ttl",
        help="下書きの Turtle（既定: PLAN の名前 + .draft.ttl） / draft Turtle (default: PLAN's name with .draft.ttl)",
    )
    p.add_argument("--review", metavar="FILE.html", help="確認用のページもここに書く / also write the review page here")
    p.set_defaults(func=cmd_import)


def cmd_import(args) -> int:
    from server.importer.codes import UnknownCode
    from server.importer.limits import InputRefused
    from server.importer.reading import DocumentError
    from server.importer.run import import_plan
    from server.spreadsheet.csvw_rdf import TemplateError

    try:
        result = import_plan(args.plan, args.municipality, args.out, args.review, args.municipality_name)
    except (UnknownCode, DocumentError, TemplateError, InputRefused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # a file that cannot be read or written: its name and the reason, in one line
        print(f"error: {exc.filename or args.plan}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    print(
        f"wrote {result.out}: {result.elements} elements, {result.proposals} proposed annotations, "
        f"{result.triples} triples; {result.unused} text lines not used"
    )
    for line, message in result.warnings:
        print(f"warning: {args.plan}:{line}: {message}", file=sys.stderr)
    _print_calls(result)
    if result.review:
        print(f"review page: {result.review}")
    if result.elements == 0 and result.calls is not None and not args.plan.lower().endswith((".xlsx", ".csv")):
        print(
            f"error: {args.plan}: 計画の要素が一つも見つかりません。レビュー画面で構成を確認してください / no element "
            f"found in the document (the draft holds the plan only)",
            file=sys.stderr,
        )
        return EXIT_EMPTY
    print(f"check it with: fukushi-kg validate {result.out}")
    return EXIT_OK


def _print_calls(result) -> None:
    """The unusual calls and the unused lines by kind, so a reviewer knows where to look first."""
    from server.importer.confidence import CALL_LABELS, KIND_LABELS

    by_kind: dict = {}
    for call in result.calls:
        by_kind.setdefault(call.kind, []).append(call)
    if by_kind:
        print(f"unusual calls ({len(result.calls)}):")
    for kind, calls in by_kind.items():
        print(f"  {CALL_LABELS.get(kind, kind)}: {len(calls)}")
        for call in calls[:SHOWN_PER_KIND]:
            print(f"    {call.line}: {call.message}" if call.line else f"    {call.message}")
        if len(calls) > SHOWN_PER_KIND:
            print(f"    … {len(calls) - SHOWN_PER_KIND} more on the review page")
    if result.unused_kinds:
        parts = [f"{KIND_LABELS.get(k, k)} {len(v)}" for k, v in result.unused_kinds.items()]
        print("lines not used, by kind (layout kinds are not content): " + "、".join(parts))
