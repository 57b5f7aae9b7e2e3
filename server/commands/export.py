"""`fukushi-kg export --format xlsx|csv CODE [--out PATH]`: a bundled plan in the plan template.

Importing the file back (`fukushi-kg import FILE --municipality CODE`) gives the same graph. Exit codes:
0 written; 2 no bundled plan for the code.
"""

import sys
from pathlib import Path

EXIT_OK, EXIT_ERROR = 0, 2


def register(sub) -> None:
    p = sub.add_parser(
        "export",
        help="収録済みの計画をテンプレートに書き出す / write a bundled plan into the plan template (XLSX or CSV)",
    )
    p.add_argument(
        "code",
        metavar="CODE",
        help="収録済みの市町村の全国地方公共団体コード / the local government code of a bundled municipality",
    )
    p.add_argument(
        "--format", choices=("xlsx", "csv"), default="xlsx", help="xlsx（既定）か csv / xlsx (default) or csv"
    )
    p.add_argument(
        "--out",
        metavar="PATH",
        help="書き出す .xlsx、または CSV を置くフォルダ（既定: ここ） / "
        "the .xlsx file, or the folder for the CSV files (default: here)",
    )
    p.set_defaults(func=cmd_export)


def cmd_export(args) -> int:
    from server.spreadsheet.template import export_rows, write_csv, write_xlsx

    try:
        rows = export_rows(args.code)
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.format == "xlsx":
        out = Path(args.out or f"{args.code}.xlsx")
        if not out.parent.is_dir():
            print(f"error: フォルダ『{out.parent}』がありません / no such folder: {out.parent}", file=sys.stderr)
            return EXIT_ERROR
        path = write_xlsx(rows, out)
        print(
            f"wrote {path}: {len(rows['plans'])} plans, {len(rows['actors'])} actors, {len(rows['elements'])} elements"
        )
    else:
        paths = write_csv(rows, Path(args.out or "."), args.code)
        print("wrote " + ", ".join(str(p) for p in paths.values()))
    return EXIT_OK
