"""`fukushi-kg validate`: the compliance matrix of the bundled plans, or of a draft given as files.

Exit codes: 0 when no result shown is a sh:Violation (requirements of Warning severity — effort
duties and guidelines — may be unmet), 1 when one is (with --fail-on warning: a sh:Warning too),
2 on an error (malformed or missing input, unknown city, nothing to check, no published graph and
building it not allowed or failing).
"""

import sys

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def register(sub) -> None:
    from server.compliance.render import FORMATS

    p = sub.add_parser(
        "validate",
        help="法令への適合を判定する / compliance matrix: each plan checked against the law, with evidence",
        description="各計画を法令の要件（shapes/compliance/）と照らし、根拠の行とともに判定します。"
        "要素が一つもない下書きは判定できません（終了コード 2）。終了コード: 0 違反なし、1 違反あり、2 エラー。 / "
        "Check each plan against the requirements in shapes/compliance/ and shapes/structure/. "
        "Without FILE, the bundled plans (the published graph); with FILE (Turtle or JSON-LD), a draft plan "
        "loaded with the ontology, data/legislation.ttl, data/sources.ttl and data/prefectures.ttl.",
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="判定する下書き（省略すると収録済みの計画） / draft plan files to validate instead of the bundled plans",
    )
    p.add_argument(
        "--city",
        metavar="CODE",
        help="この団体コードの市町村だけ / only the municipality with this 6-digit local government code",
    )
    p.add_argument(
        "--format", choices=FORMATS, default="text", help="出力形式（既定: text） / output format (default: text)"
    )
    p.add_argument("--published", help="folder of the built graph for the bundled plans (default: published/)")
    p.add_argument(
        "--report",
        metavar="FILE",
        help="write the report of one plan (choose it with --city for the bundled plans) to FILE: "
        ".pdf for PDF, .html for a page with a print stylesheet",
    )
    p.add_argument(
        "--fail-on",
        choices=("violation", "warning"),
        default="violation",
        help="severity that makes the exit code 1 (default: violation)",
    )
    p.set_defaults(func=cmd_validate)


def cmd_validate(args) -> int:
    from server.compliance.evaluate import NothingToCheck
    from server.compliance.graphs import PublishedGraphMissing, published_matrix, validate_files
    from server.compliance.render import render
    from server.datafile import DataFileError
    from server.graph.build import BuildFailed
    from server.graph.on_demand import ensure_dump
    from server.published import GraphNotBuilt

    try:
        if args.files:
            missing = [f for f in args.files if not _exists(f)]
            if missing:
                raise FileNotFoundError(f"no such file: {', '.join(missing)}")
            matrix = validate_files(args.files)
        else:
            published, build_if_missing = _published()
            if args.published:
                published = args.published
            ensure_dump(published, build_if_missing)  # as `serve` does: build first when allowed
            matrix = published_matrix(published)
        if args.city:
            if not any(row.code == args.city for row in matrix.rows):
                codes = ", ".join(sorted({row.code for row in matrix.rows if row.code}))
                raise LookupError(f"no plan document for municipality {args.city!r} (have: {codes or 'none'})")
            matrix = matrix.only(args.city)
        if args.report:
            _write_report(matrix, args.report, args.city, args.fail_on)
        else:
            sys.stdout.write(render(matrix, args.format, args.fail_on))
    except DataFileError as exc:
        print(f"error: {exc}", file=sys.stderr)  # "path:line: message"
        return EXIT_ERROR
    except (
        FileNotFoundError,
        LookupError,
        NothingToCheck,
        PublishedGraphMissing,
        GraphNotBuilt,
        BuildFailed,
        ValueError,
        OSError,
    ) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return matrix.exit_code(args.fail_on)


def _write_report(matrix, target, city, fail_on) -> None:
    """The report of one document, written whole or not at all (a temporary file renamed into place)."""
    import os
    import tempfile
    from pathlib import Path

    from server.compliance.render import render_report, report_pdf, to_dict

    target = Path(target)
    if target.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise ValueError(
            f"--report の拡張子は .pdf か .html にしてください / --report must end in .pdf or .html: {target}"
        )
    html = render_report(to_dict(matrix, fail_on), city)
    payload = report_pdf(html) if target.suffix.lower() == ".pdf" else html.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a report is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"wrote {target}", file=sys.stderr)


def _exists(name) -> bool:
    from pathlib import Path

    return Path(name).is_file()


def _published():
    """(PUBLISHED_DIR, BUILD_IF_MISSING) from the settings, environment overrides included."""
    from server.config import DEFAULTS, from_environment

    settings = {**DEFAULTS, **from_environment()}
    return settings["PUBLISHED_DIR"], bool(settings["BUILD_IF_MISSING"])
