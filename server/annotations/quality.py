"""Annotation quality against hand-checked answers: precision and recall per family (target groups, 重層
functions, 再犯 priorities, statutory topics).

Two fixtures, read by `fukushi-kg bench annotate` (a benchmark: it prints figures, it asserts nothing):

- a sample of the seeds' elements (tests/fixtures/annotations/sample.tsv), each with the concepts a reader of
  the element and its seed line assigns. The published annotations (the decisions kept) are scored, once
  counting every annotation and once only those resting on the element's own words (an annotation inherited
  from a heading is then not a true positive: the issue's "precision with support from the element's own
  words"); the annotator's raw proposals are scored too.
- invented sentences the annotator has never seen (tests/fixtures/annotations/unseen-sentences.tsv), with the
  concepts a reader assigns from their words; `dev` sentences were used to find gaps in the lexicon,
  `held-out` ones were not.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from server.annotations.decisions import Decision, expand, shorten

FAMILIES = ("tg", "fn", "rp", "tp")
FAMILY_NAMES = {
    "tg": "target groups 対象者",
    "fn": "functions 重層的支援の機能",
    "rp": "再犯 priorities 重点課題",
    "tp": "topics 論点",
}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_positives: list = field(default_factory=list)
    misses: list = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def family(concept: str) -> str:
    return shorten(concept).split(":", 1)[0]


def score(expected: dict[str, set[str]], got: dict[str, set[str]]) -> dict[str, Score]:
    """Per family: true positives, false positives and misses over the items of `expected` (item -> concepts)."""
    out = {f: Score() for f in FAMILIES}
    for item, want in expected.items():
        have = got.get(item, set())
        for c in have | want:
            s = out.setdefault(family(c), Score())
            if c in have and c in want:
                s.tp += 1
            elif c in have:
                s.fp += 1
                s.false_positives.append((item, shorten(c)))
            else:
                s.fn += 1
                s.misses.append((item, shorten(c)))
    return out


def _concepts(cell: str) -> set[str]:
    return {expand(c) for c in cell.split() if c != "-"}


def _rows(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))


def read_sample(path: Path) -> dict[str, set[str]]:
    """Element IRI -> the concepts the reader assigned (all four families)."""
    return {expand(r["element"]): _concepts(r["expected"]) for r in _rows(path)}


def read_sentences(path: Path, split: str | None = None) -> dict[str, set[str]]:
    return {r["text"]: _concepts(r["expected"]) for r in _rows(path) if split in (None, r["split"])}


def kept(decisions: list[Decision], own_words_only: bool, texts: dict[str, str] | None = None) -> dict[str, set]:
    """Element -> concepts the decisions keep; with `own_words_only`, only those resting on the element's words."""
    from server.annotations.consistency import own_word_tags

    if own_words_only:
        return {e: set(tags) for e, tags in own_word_tags(decisions, texts or {}).items()}
    out = defaultdict(set)
    for d in decisions:
        if d.verdict != "rejected":
            out[d.element].add(d.concept)
    return out


def proposed(proposals, via: tuple[str, ...] = ("text", "heading")) -> dict[str, set]:
    out = defaultdict(set)
    for p in proposals:
        if p.via in via:
            out[p.element].add(p.concept)
    return out


def sentence_proposals(sentences, lexicon=None) -> dict[str, set]:
    from server.annotations.annotator import propose

    return {text: {p.concept for p in propose(text, lexicon=lexicon)} for text in sentences}


def table(title: str, scores: dict[str, Score]) -> str:
    lines = [title, f"  {'family':<30} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for f in FAMILIES:
        s = scores.get(f, Score())
        p = "-" if s.precision is None else f"{s.precision:.3f}"
        r = "-" if s.recall is None else f"{s.recall:.3f}"
        lines.append(f"  {FAMILY_NAMES[f]:<30} {p:>9} {r:>7} {s.tp:>4} {s.fp:>4} {s.fn:>4}")
    total = Score(*(sum(getattr(s, k) for s in scores.values()) for k in ("tp", "fp", "fn")))
    p, r = total.precision or 0, total.recall or 0
    lines.append(f"  {'all':<30} {p:>9.3f} {r:>7.3f} {total.tp:>4} {total.fp:>4} {total.fn:>4}")
    return "\n".join(lines)


def details(scores: dict[str, Score]) -> str:
    lines = []
    for f in FAMILIES:
        s = scores.get(f, Score())
        lines += [f"    false positive {c}: {shorten(i) if i.startswith('http') else i}" for i, c in s.false_positives]
        lines += [f"    missed {c}: {shorten(i) if i.startswith('http') else i}" for i, c in s.misses]
    return "\n".join(lines)


FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "annotations"


def run_benchmark(verbose: bool = False, fixtures: Path | None = None) -> int:
    """Print the figures; 0 when they were computed, 2 when a fixture is missing (an installed package has no
    tests/ folder: run it from a clone)."""
    import sys
    import time

    from server.annotations.annotator import element_texts, load_lexicon, propose
    from server.annotations.decisions import read_decisions
    from server.graph.loading import load_files
    from server.paths import graph_input_files

    fixtures = Path(fixtures) if fixtures else FIXTURES
    sample_path, sentences_path = fixtures / "sample.tsv", fixtures / "unseen-sentences.tsv"
    if not sample_path.exists() or not sentences_path.exists():
        print(f"error: the fixtures are missing under {fixtures}: run from a clone of the repository", file=sys.stderr)
        return 2
    lexicon = load_lexicon()
    data = load_files([f for f in graph_input_files() if f.suffix == ".ttl" and f.parent.name != "ontology"])
    texts = element_texts(data)
    decisions = read_decisions()
    expected = read_sample(sample_path)
    missing = sorted(set(expected) - set(texts))
    if missing:
        print(f"error: {sample_path}: not plan elements: {', '.join(shorten(m) for m in missing)}", file=sys.stderr)
        return 2

    def judged(d):  # the 第107条 topics are read from a plan's structure, not judged in the sample
        return {e: {c for c in cs if "/topic/cwp-" not in c} for e, cs in d.items()}

    own = {e: t for e, (t, _) in texts.items()}
    print(f"hand-checked sample: {len(expected)} elements ({sample_path.name})")
    for title, got in (
        ("published annotations (decisions kept), any evidence", kept(decisions, False)),
        ("published annotations resting on the element's own words", kept(decisions, True, own)),
        (
            "annotator proposals (own words and headings)",
            proposed(p for e in expected for p in propose(*texts[e], lexicon, element=e)),
        ),
    ):
        scores = score(expected, judged(got))
        print(table(title, scores))
        if verbose:
            print(details(scores))
    for split in ("dev", "held-out"):
        sentences = read_sentences(sentences_path, split)
        started = time.perf_counter()
        got = sentence_proposals(sentences, lexicon)
        elapsed = (time.perf_counter() - started) / max(1, len(sentences)) * 1000
        scores = score(sentences, got)
        print(table(f"invented sentences, {split}: {len(sentences)} ({elapsed:.1f} ms a sentence)", scores))
        if verbose:
            print(details(scores))
    return 0
