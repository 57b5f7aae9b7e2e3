"""Annotation quality against hand-checked answers: precision and recall per family (target groups, 重層
functions, 再犯 priorities, statutory topics).

Two fixtures, read by `fukushi-kg bench annotate` (server/bench/annotate.py: a benchmark, it prints figures
and asserts nothing):

- a sample of the seeds' elements (tests/fixtures/annotations/sample.tsv), each with the concepts a reader of
  the element and its seed line assigns. The published annotations (the decisions kept) are scored, once
  counting every annotation and once only those resting on the element's own words (an annotation inherited
  from a heading is then not a true positive: the issue's "precision with support from the element's own
  words"); the annotator's raw proposals are scored too.
- invented sentences the annotator has never seen (tests/fixtures/annotations/unseen-sentences.tsv), with the
  concepts a reader assigns from their words; `dev` sentences were used to find gaps in the lexicon,
  `held-out` ones were not.

Every set is scored the same way on the concept hierarchy (skos:broader, transitively; `ancestors`): a proposed
concept that is an ancestor of a concept expected for the same item is implied by it, neither a false positive
nor a hit (tg:offenders beside an expected tg:juvenile-delinquents, tg:older-people beside an expected
tg:older-people-living-alone); an expected concept that only a narrower proposal names counts as found, and
that narrower proposal is then not a false positive (tg:older-people-living-alone proposed where the reader
wrote tg:older-people). The readers of the sets disagreed on which level to write; the hierarchy says both are
true of the item.
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


def score(
    expected: dict[str, set[str]], got: dict[str, set[str]], broader: dict[str, frozenset[str]] | None = None
) -> dict[str, Score]:
    """Per family: true positives, false positives and misses over the items of `expected` (item -> concepts).
    `broader` maps a concept to its ancestors (`ancestors`): see the module's docstring for how they count."""
    broader = broader or {}
    out = {f: Score() for f in FAMILIES}
    for item, want in expected.items():
        have = got.get(item, set())
        # an expected concept a narrower proposal names is found; a proposal broader than an expected one is implied
        found_below = {w for w in want - have if any(w in broader.get(h, ()) for h in have)}
        below_expected = {h for h in have - want if any(w in broader.get(h, ()) for w in want)}
        implied = {h for h in have - want if any(h in broader.get(w, ()) for w in want)}
        for c in (have - below_expected - implied) | want:
            s = out.setdefault(family(c), Score())
            if c in want and (c in have or c in found_below):
                s.tp += 1
            elif c in have:
                s.fp += 1
                s.false_positives.append((item, shorten(c)))
            else:
                s.fn += 1
                s.misses.append((item, shorten(c)))
    return out


def ancestors(path: Path | None = None) -> dict[str, frozenset[str]]:
    """Concept IRI -> every concept above it (skos:broader, or skos:narrower read the other way, transitively) in
    ontology/vocabularies.ttl or `path`."""
    import rdflib
    from rdflib.namespace import SKOS

    from server.paths import ONTOLOGY_DIR

    graph = rdflib.Graph().parse(Path(path) if path else ONTOLOGY_DIR / "vocabularies.ttl", format="turtle")
    up: dict[str, set[str]] = defaultdict(set)
    for narrow, broad in graph.subject_objects(SKOS.broader):
        up[str(narrow)].add(str(broad))
    for broad, narrow in graph.subject_objects(SKOS.narrower):
        up[str(narrow)].add(str(broad))
    out = {}
    for concept in up:
        seen, todo = set(), list(up[concept])
        while todo:
            b = todo.pop()
            if b not in seen and b != concept:
                seen.add(b)
                todo.extend(up.get(b, ()))
        out[concept] = frozenset(seen)
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


def proposed(proposals, via: tuple[str, ...] = ("text", "heading", "plan")) -> dict[str, set]:
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
