"""The `fukushi-kg` command. Each subcommand parses its options and calls one plain function."""

import argparse
import sys

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def cmd_build(args) -> int:
    from server.datafile import DataFileError
    from server.graph.build import BuildFailed, build
    from server.graph.progress import Progress
    from server.paths import InputsMissing

    try:
        report = build(
            args.out, reasoner=args.reasoner, cache=not args.no_cache, workers=args.workers, progress=Progress()
        )
    except (DataFileError, InputsMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BuildFailed as exc:
        for line in exc.messages:
            print(line, file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_VIOLATIONS
    for line in report.warnings:
        print(line, file=sys.stderr)
    timing = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
    print(f"built {report.triples} triples ({report.input_triples} asserted) into {report.target} [{timing}]")
    shown = ", ".join(report.rebuilt[:10]) + (", …" if len(report.rebuilt) > 10 else "")
    print(f"  plans rebuilt: {len(report.rebuilt)} ({shown or 'none: all from the cache'})")
    for name, size in sorted(report.files.items()):
        print(f"  {name}: {size} bytes")
    return EXIT_OK


def cmd_paths(args) -> int:
    """Where the inputs were found and where the published graph goes (settings included)."""
    from server import paths
    from server.config import DEFAULTS, from_environment

    settings = {**DEFAULTS, **from_environment()}
    print(f"inputs:    {paths.ROOT}  (found by: {paths.ROOT_FOUND_BY})")
    for name in ("ONTOLOGY_DIR", "DATA_DIR", "SOURCES_DIR", "SHAPES_DIR", "QUERIES_DIR"):
        print(f"  {name.lower().removesuffix('_dir'):<9} {getattr(paths, name)}")
    print(f"published: {settings['PUBLISHED_DIR']}")
    return EXIT_OK


def main(argv=None) -> int:
    from server import __version__

    parser = argparse.ArgumentParser(
        prog="fukushi-kg",
        description="市町村地域福祉計画ナレッジグラフ: 計画の取り込み・法令適合の判定・書き出し・SPARQL。"
        "各コマンドの説明は fukushi-kg コマンド --help / The community-welfare plans knowledge graph: import, "
        "compliance, export, SPARQL. Help on a command: fukushi-kg COMMAND --help",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="グラフを作る / load, infer, validate and write the dumps")
    p.add_argument("--out", help="output folder (default: published/, see `fukushi-kg paths`)")
    p.add_argument(
        "--reasoner",
        choices=["owlrl", "rules"],
        default="rules",
        help="the compiled OWL 2 RL rule set (default: fast, tested equal to owlrl) or owlrl (the reference)",
    )
    p.add_argument("--no-cache", action="store_true", help="rebuild every part instead of reusing unchanged ones")
    p.add_argument("--workers", type=int, help="processes for the parts (default: one per core)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "paths", help="入力と出力の場所を示す / show where the inputs are found and where the build writes"
    )
    p.set_defaults(func=cmd_paths)

    for name, module in (
        ("serve", "server.commands.serve"),
        ("validate", "server.commands.validate"),
        ("query", "server.commands.query"),
        ("bench", "server.commands.bench"),
        ("publish", "server.commands.publish"),
        ("import", "server.commands.importer"),
        ("export", "server.commands.export"),
        ("annotations", "server.commands.annotations"),
    ):
        _register_optional(sub, name, module)

    args = parser.parse_args(argv)
    return args.func(args)


def _register_optional(sub, name, module_name):
    """Commands whose modules are not written yet fail honestly instead of disappearing."""
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if not exc.name or not module_name.startswith(exc.name):
            raise

        def not_yet(args, _name=name):
            print(f"error: '{_name}' is not implemented yet", file=sys.stderr)
            return EXIT_ERROR

        p = sub.add_parser(name, help="(not yet implemented)")
        p.set_defaults(func=not_yet)
        return
    module.register(sub)


if __name__ == "__main__":
    sys.exit(main())
