"""The `fukushi-kg` command. Each subcommand parses its options and calls one plain function."""

import argparse
import sys

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def cmd_build(args) -> int:
    from server.graph.build import BuildFailed, build
    from server.graph.loading import DataFileError

    try:
        report = build(args.out, reasoner=args.reasoner)
    except DataFileError as exc:
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
    for name, size in sorted(report.files.items()):
        print(f"  {name}: {size} bytes")
    return EXIT_OK


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="fukushi-kg", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="load, infer, validate and write the dumps")
    p.add_argument("--out", help="output folder (default: published/)")
    p.add_argument(
        "--reasoner",
        choices=["owlrl", "rules"],
        default="owlrl",
        help="owlrl (reference, default) or the compiled OWL 2 RL rule set (fast, same result)",
    )
    p.set_defaults(func=cmd_build)

    for name, module in (
        ("serve", "server.commands.serve"),
        ("validate", "server.commands.validate"),
        ("query", "server.commands.query"),
        ("bench", "server.commands.bench"),
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
