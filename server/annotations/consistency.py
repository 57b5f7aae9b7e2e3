"""Near-duplicate consistency: elements that say nearly the same thing should carry the same annotations.

Elements are compared by the content words of their own text (server.language.content_words: the lemmas of
nouns, verbs and adjectives, so 障がい/障害 and 支えあい/支え合い meet); two elements are near-duplicates when
most of the words of the shorter text are in the longer (`OVERLAP`), and groups are the connected pairs. A
group *differs* where an annotation resting on one element's own words (via text or hand, not inherited from
a heading) is missing on another. Each such difference must be decided in data/annotations/near-duplicates.tsv
with the words that make it (`words`: present in the annotated element, absent from the other, checked here)
and a reason; otherwise it is reported, and `fukushi-kg annotations --stats` and the test suite show it. A
reason alone never settles a difference: the words must differ in fact, or the tags must be made to agree.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from server.annotations.annotator import GENERIC
from server.annotations.decisions import Decision, expand, shorten
from server.datafile import DataFileError
from server.language import content_words, lemma_key
from server.paths import DATA_DIR

NEAR_DUPLICATES_FILE = DATA_DIR / "annotations" / "near-duplicates.tsv"
COLUMNS = ("element", "other", "concept", "words", "reason", "decided_by", "decided_on", "review")
# Share of the longer text's content words that the shorter must hold too; and the fewest words compared, so
# that two-word labels (「児童クラブの充実」) are compared only with texts that hold both words.
OVERLAP = 0.6
MIN_WORDS = 2


@dataclass(frozen=True)
class Difference:
    element: str  # carries the annotation on its own words
    other: str  # lacks it
    concept: str
    property: str

    @property
    def key(self):
        return (self.element, self.other, self.concept)


@dataclass(frozen=True)
class Settled:
    element: str
    other: str
    concept: str
    words: str
    reason: str
    line: int


def read_settled(path: Path | None = None) -> list[Settled]:
    path = Path(path) if path else NEAR_DUPLICATES_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise DataFileError(path, 1, f"the header must be: {' '.join(COLUMNS)}")
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or row[0].startswith("#"):
            continue
        if len(row) != len(COLUMNS):
            raise DataFileError(path, number, f"expected {len(COLUMNS)} tab-separated columns, found {len(row)}")
        v = dict(zip(COLUMNS, (x.strip() for x in row), strict=True))
        if not v["words"] or not v["reason"] or not v["decided_by"]:
            raise DataFileError(path, number, "words, reason and decided_by are required")
        out.append(
            Settled(expand(v["element"]), expand(v["other"]), expand(v["concept"]), v["words"], v["reason"], number)
        )
    return out


def near_duplicate_pairs(texts: dict[str, str]) -> list[tuple[str, str]]:
    """Pairs (a < b) of elements whose texts share most of their content words (generic plan words such as
    推進・充実・支援 left out: two texts sharing only those say nothing alike)."""
    bags = {e: content_words(t) - GENERIC for e, t in texts.items()}
    bags = {e: b for e, b in bags.items() if len(b) >= MIN_WORDS}
    index = defaultdict(set)
    for e, b in bags.items():
        for w in b:
            index[w].add(e)
    pairs = []
    for e, b in bags.items():
        candidates = set().union(*(index[w] for w in b)) - {e}
        for o in candidates:
            if o < e:
                continue
            shared = len(b & bags[o])
            if shared >= MIN_WORDS and shared >= OVERLAP * max(len(b), len(bags[o])):
                pairs.append((e, o))
    return sorted(pairs)


def near_duplicate_groups(texts: dict[str, str]) -> list[list[str]]:
    """Groups (two or more elements) of near-duplicate texts, each sorted, in a stable order: the elements
    joined by `near_duplicate_pairs`."""
    pairs = near_duplicate_pairs(texts)
    parent = {e: e for pair in pairs for e in pair}

    def root(e):
        while parent[e] != e:
            parent[e] = parent[parent[e]]
            e = parent[e]
        return e

    for a, b in pairs:
        parent[root(b)] = root(a)
    groups = defaultdict(list)
    for e in parent:
        groups[root(e)].append(e)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def own_word_tags(decisions: list[Decision], texts: dict[str, str]) -> dict[str, dict[str, str]]:
    """Element -> {concept: property} of the annotations kept on the element's own words: proposed from its
    text, or added by hand with evidence that is words of its text (an annotation resting on the plan it
    belongs to, proposed from the plan's kind or added by hand, is context, as a heading is)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for d in decisions:
        if d.verdict == "rejected" or d.via in ("heading", "plan"):
            continue
        if d.via == "hand" and lemma_key(d.evidence) not in lemma_key(texts.get(d.element, "")):
            continue
        out[d.element][d.concept] = d.property
    return out


def differences(pairs: list[tuple[str, str]], decisions: list[Decision], texts: dict[str, str]) -> list[Difference]:
    """Per near-duplicate pair, each annotation on one element's own words that the other lacks."""
    tags = own_word_tags(decisions, texts)
    rejected = {(d.element, d.concept) for d in decisions if d.verdict == "rejected"}
    out = []
    for a, b in pairs:
        for e, o in ((a, b), (b, a)):
            for concept, prop in sorted(tags.get(e, {}).items()):
                # a proposal the curators rejected on the other element is a decided difference already
                if concept not in tags.get(o, {}) and (o, concept) not in rejected:
                    out.append(Difference(e, o, concept, prop))
    return out


def problems(texts: dict[str, str], decisions: list[Decision], settled: list[Settled], path: Path | None = None):
    """One message per undecided difference, and per settled row whose words do not in fact differ."""
    path = Path(path) if path else NEAR_DUPLICATES_FILE
    found = differences(near_duplicate_pairs(texts), decisions, texts)
    by_key = {(s.element, s.other, s.concept): s for s in settled}
    out = []
    for d in found:
        s = by_key.get(d.key)
        if s is None:
            out.append(
                f"{shorten(d.element)} has {shorten(d.concept)} on its own words and its near-duplicate "
                f"{shorten(d.other)} does not: make the tags agree in decisions.tsv, or record in {path.name} "
                "the words that differ"
            )
            continue
        words = lemma_key(s.words)
        if words not in lemma_key(texts.get(d.element, "")) or words in lemma_key(texts.get(d.other, "")):
            out.append(
                f"{path}:{s.line}: 「{s.words}」 must be words of {shorten(d.element)} that {shorten(d.other)} lacks"
            )
    live = {d.key for d in found}
    out += [
        f"{path}:{s.line}: no such difference any more: remove the row"
        for s in settled
        if (s.element, s.other, s.concept) not in live
    ]
    return out
