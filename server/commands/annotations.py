"""`fukushi-kg annotations [--stats]`: the annotation audit of the built graph, per city and concept, with the
words that decided each annotation; --stats prints proposals, accepted, rejected and hand-added per scheme, the
share of decisions a person reviewed (and those a software agent read, or taken as proposed), and the rows of
the annotation quality checks with the near-duplicate consistency check."""

import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser(
        "annotations", help="注記の監査 / audit the annotations: per city and concept, with the matched words"
    )
    p.add_argument("--stats", action="store_true", help="print counts per scheme and the quality-check rows")
    p.add_argument("--city", help="only this municipality (全国地方公共団体コード, e.g. 352136)")
    p.add_argument("--published", help="folder of the built graph (default: published/)")
    p.set_defaults(func=cmd_annotations)


def cmd_annotations(args) -> int:
    from server.compliance.publication import compliance_part
    from server.graph.on_demand import ensure_dump
    from server.paths import PUBLISHED_DIR
    from server.store import load_store

    store = load_store(
        ensure_dump(Path(args.published) if args.published else PUBLISHED_DIR, extra_graphs=compliance_part)
    )
    out = sys.stdout
    if args.stats:
        out.write(stats_text(store))
        return 0
    text = audit_text(store, args.city)
    if text is None:
        print(f"error: no annotated elements for municipality {args.city}", file=sys.stderr)
        return 2
    out.write(text)
    return 0


def stats_text(store) -> str:
    from server.annotations.report import entries, quality_rows, review_stats, stats

    found = entries(store)
    rows = stats(found)
    lines = [f"{'scheme':<28} {'proposals':>9} {'accepted':>9} {'rejected':>9} {'added':>9}"]
    for s in rows:
        name = s.scheme.rstrip("/").rsplit("/", 1)[-1]
        lines.append(f"{name:<28} {s.proposals:>9} {s.accepted:>9} {s.rejected:>9} {s.added:>9}")
    total = [sum(getattr(s, k) for s in rows) for k in ("proposals", "accepted", "rejected", "added")]
    lines.append(f"{'total':<28} {total[0]:>9} {total[1]:>9} {total[2]:>9} {total[3]:>9}")
    review = review_stats(found)
    lines.append(
        f"reviewed by a person: {review.by_review['person']} of {review.decisions} ({review.share('person'):.1%}); "
        f"read against the seed by a software agent: {review.by_review['agent']} ({review.share('agent'):.1%}); "
        f"accepted as proposed: {review.by_review['as-proposed']} ({review.share('as-proposed'):.1%})"
    )
    lines.append(f"kept annotations inherited from a heading (lower confidence): {review.inherited}")
    lines.append(f"kept annotations from the plan's kind (lower confidence): {review.from_plan}")
    lines.append("quality-check rows:")
    lines += [f"  {name}: {n}" for name, n in quality_rows(store, found).items()]
    return "\n".join(lines) + "\n"


def audit_text(store, city: str | None = None) -> str | None:
    from server.annotations.report import by_city_and_concept, entries

    grouped = by_city_and_concept(entries(store))
    if city is not None:
        if city not in grouped:
            return None
        grouped = {city: grouped[city]}
    marks = {"accepted": "+", "added": "+", "rejected": "-"}
    lines = []
    for code, (label, concepts) in grouped.items():
        lines.append(f"{label} ({code})")
        for concept, (scheme_label, concept_label, items) in concepts.items():
            lines.append(f"  {concept_label} [{scheme_label}] <{concept}>")
            for e in items:
                where = f"{e.source[:3]}:{e.start}" if e.start else ""
                via = "inherited from heading" if e.inherited else "from the plan's kind" if e.from_plan else e.via
                why = f"{via}: {e.evidence}" + (f" — {e.reason}" if e.reason else "")
                who = f" [{e.review or 'as-proposed'}: {e.decided_by} {e.decided_on}]" if e.decided_by else ""
                lines.append(
                    f"    {marks[e.verdict]} {e.verdict:<8} {e.element.rsplit('/id/', 1)[-1]} "
                    f"「{e.element_label}」 {where} ({why}){who}"
                )
    return "\n".join(lines) + "\n"
