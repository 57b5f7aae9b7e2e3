"""Subcommands of `fukushi-kg` that live outside server/cli.py; each module exposes register(subparsers)."""

import sys
from pathlib import Path


def build_if_needed(published_dir, allowed: bool = True) -> bool:
    """Build the graph with progress on stderr when the dump is missing or stale (and building is allowed),
    so that `serve` and `query` say what they are doing instead of going quiet for seconds. True if it built;
    server.graph.on_demand stays the one place that decides what "missing or stale" means."""
    from server.compliance.publication import compliance_part
    from server.graph.build import build
    from server.graph.on_demand import is_stale
    from server.graph.progress import Progress
    from server.published import dump_exists, dump_path

    path = dump_path(published_dir)
    exists = dump_exists(path)
    if not allowed or (exists and not is_stale(path)):
        return False
    why = "is older than its inputs" if exists else "has not been built yet"
    print(f"the graph in {Path(published_dir)} {why}: building it …", file=sys.stderr)
    report = build(Path(published_dir), progress=Progress(), extra_graphs=compliance_part)
    print(f"built {report.triples:,} triples", file=sys.stderr)
    return True
