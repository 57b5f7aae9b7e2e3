"""`fukushi-kg bench import`: the importer on the five seed texts, compared with the curated graph.

An imported element matches a curated one when their labels are equal after NFKC and white-space
normalisation (each curated element is matched once, in printed order). For matched pairs, level
accuracy counts the same class and parent accuracy the same parent (the parents' labels, or both
the plan). Period and embodied plans are right when the years and the set of plan classes agree.
"""

import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, RDFS

from server.importer.outline import norm, parse
from server.importer.reading import read_document
from server.paths import DATA_DIR, ONTOLOGY_NS, SOURCES_DIR
from server.spreadsheet.template import PLAN_CLASSES

FK = rdflib.Namespace(ONTOLOGY_NS)
PLAN = "(plan)"


@dataclass
class Score:
    seed: str
    curated: int = 0
    imported: int = 0
    matched: int = 0
    same_level: int = 0
    same_parent: int = 0
    period_ok: bool = False
    embodied_ok: bool = False
    seconds: float = 0.0
    missed: list = field(default_factory=list)
    extra: list = field(default_factory=list)

    @property
    def recall(self):
        return self.matched / self.curated if self.curated else 1.0

    @property
    def precision(self):
        return self.matched / self.imported if self.imported else 1.0


def curated_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted((DATA_DIR / "municipalities").rglob("*.ttl")):
        g.parse(path)
    return g


def curated_view(g: rdflib.Graph, stem: str):
    """(elements [(label, class, parent label)], period (start, end) or None, embodied classes) of a seed."""
    src = rdflib.URIRef(f"https://w3id.org/fukushi-kg/id/source/{stem}")
    doc = next(g.subjects(FK.textSource, src), None)
    plans = set(g.objects(doc, FK.embodies)) if doc is not None else set()
    elements = []
    for el in g.subjects(FK.parent, None):
        if g.value(el, FK.sourceFile) != src:
            continue
        parent = g.value(el, FK.parent)
        parent_label = (
            PLAN
            if (parent, RDF.type, FK.Plan) in g or any((parent, RDF.type, FK[c]) in g for c in PLAN_CLASSES)
            else norm(str(g.value(parent, RDFS.label)))
        )
        cls = next((str(t).removeprefix(ONTOLOGY_NS) for t in g.objects(el, RDF.type)), "")
        elements.append((int(g.value(el, FK.startLine)), norm(str(g.value(el, RDFS.label))), cls, parent_label))
    elements.sort()
    classes = {str(t).removeprefix(ONTOLOGY_NS) for p in plans for t in g.objects(p, RDF.type)}
    main = next((p for p in plans if (p, RDF.type, FK.CommunityWelfarePlan) in g), None)
    period = None
    if main is not None and g.value(main, FK.period) is not None:
        per = g.value(main, FK.period)
        period = (int(g.value(per, FK.startFiscalYear)), int(g.value(per, FK.endFiscalYear)))
    return [e[1:] for e in elements], period, classes


def score_seed(g: rdflib.Graph, path) -> Score:
    from server.importer.draft import embodied_classes

    started = time.perf_counter()
    outline = parse(read_document(path))
    seconds = time.perf_counter() - started
    curated, period, classes = curated_view(g, path.stem)
    s = Score(seed=path.name, curated=len(curated), imported=len(outline.elements), seconds=seconds)
    pool = defaultdict(list)
    for label, cls, parent in curated:
        pool[label].append((cls, parent))
    for el in outline.elements:
        label = norm(el.label)
        if pool.get(label):
            cls, parent = pool[label].pop(0)
            s.matched += 1
            s.same_level += cls == el.cls
            mine = PLAN if el.parent is None else norm(el.parent.label)
            s.same_parent += mine == parent
        else:
            s.extra.append((el.start, el.cls, el.label))
    s.missed = [(label, cls) for label, rest in pool.items() for cls, _ in rest]
    mine_period = outline.period[:2] if outline.period else None
    s.period_ok = mine_period == period
    s.embodied_ok = embodied_classes(outline) == classes
    return s


def default_corpus():
    """../shared/corpus beside the checkout (where CI and the helpers keep the development corpus), if present."""
    from server.paths import ROOT

    folder = Path(ROOT).resolve().parent / "shared" / "corpus"
    return folder if folder.is_dir() else None


def run(verbose: bool = False) -> list[Score]:
    g = curated_graph()
    scores = [score_seed(g, path) for path in sorted(SOURCES_DIR.glob("*.txt"))]
    return scores


def report(scores: list[Score], verbose: bool = False) -> str:
    rows = [
        f"{'seed':<26} {'curated':>7} {'imported':>8} {'recall':>7} {'precision':>9} {'level':>6} {'parent':>7}"
        f" {'period':>6} {'embodied':>8} {'ms':>6}"
    ]
    for s in scores:
        lvl = s.same_level / s.matched if s.matched else 0
        par = s.same_parent / s.matched if s.matched else 0
        rows.append(
            f"{s.seed:<26} {s.curated:>7} {s.imported:>8} {s.recall:>7.1%} {s.precision:>9.1%} {lvl:>6.1%} {par:>7.1%}"
            f" {'ok' if s.period_ok else 'WRONG':>6} {'ok' if s.embodied_ok else 'WRONG':>8} {s.seconds * 1000:>6.0f}"
        )
    cur, imp, mat = (sum(getattr(s, k) for s in scores) for k in ("curated", "imported", "matched"))
    lvl, par = (sum(getattr(s, k) for s in scores) for k in ("same_level", "same_parent"))
    rows.append(
        f"{'overall (micro)':<26} {cur:>7} {imp:>8} {mat / cur:>7.1%} {mat / imp if imp else 0:>9.1%}"
        f" {lvl / mat if mat else 0:>6.1%} {par / mat if mat else 0:>7.1%}"
        f" {sum(s.period_ok for s in scores):>4}/{len(scores)} {sum(s.embodied_ok for s in scores):>6}/{len(scores)}"
    )
    recall = sum(s.recall for s in scores) / len(scores)
    precision = sum(s.precision for s in scores) / len(scores)
    rows.append(f"{'mean of seeds (macro)':<26} {'':>7} {'':>8} {recall:>7.1%} {precision:>9.1%}")
    if verbose:
        for s in scores:
            rows.append(f"\n# {s.seed}: missed {len(s.missed)}, extra {len(s.extra)}")
            rows += [f"  - {cls} {label}" for label, cls in s.missed]
            rows += [f"  + {line} {cls} {label}" for line, cls, label in s.extra]
    return "\n".join(rows) + "\n"


def bench(args) -> int:
    """`fukushi-kg bench import [--corpus DIR]`: the importer on the five seed texts against the curated graph,
    then on a corpus of documents with expected answers (server/bench/corpus.py); with --pdf-pages N (or
    --pdf FILE), the PDF layout reader against pdfplumber instead (server.bench.pdf)."""
    if getattr(args, "pdf_pages", None) or getattr(args, "pdf", None):
        from server.bench.pdf import bench_pdf

        return bench_pdf(args.pdf_pages or 100, args.pdf, getattr(args, "corpus", None))
    from server.bench.corpus import report_corpus, run_corpus

    verbose = getattr(args, "verbose", False)
    sys.stdout.write("# seeds (data/sources) against the curated graph\n")
    sys.stdout.write(report(run(), verbose=verbose))
    corpus = Path(args.corpus) if getattr(args, "corpus", None) else default_corpus()
    if corpus is not None:
        if not corpus.is_dir():
            print(f"error: {corpus}: no such folder (give --corpus a folder of NAME.txt + NAME.json)", file=sys.stderr)
            return 2
        sys.stdout.write(f"\n# corpus {corpus}\n")
        sys.stdout.write(report_corpus(run_corpus(corpus), verbose=verbose))
    return 0
