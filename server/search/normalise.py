"""Japanese text normalisation for search, keeping each normalised character's place in the original text.

Index and queries go through the same steps, so spelling variants (表記ゆれ) meet:
0. words whose dictionary spelling differs are replaced by it (server.language, SudachiPy's normalised form,
   inflected as the text has it): 見まもり becomes 見守り, 一人ひとり 一人一人, 子どもたち 子供達 — readings written
   in kana meet the kanji a plan prints; the rest of the text is kept character by character;
1. NFKC: 全角/半角 (ＡＢＣ１２３ → abc123, ｶﾞ → ガ), then case folding;
2. katakana → hiragana (ササエアイ and ささえあい are one word);
3. a table of common variant spellings in welfare plans (障がい/障碍 → 障害, こども/子供 → 子ども …) and the
   okurigana rule "kanji + kana + あい → 合い" (支えあい → 支え合い, 助けあい → 助け合い).

Words are not split (Japanese has no spaces): the index stores overlapping character bigrams of each run of
letters and digits — the CJK bigram method of Lucene's CJKBigramFilter — so any substring of two or more
characters is found as a phrase of bigrams, and a single character as a bigram prefix; digits stay inside
their run (8050問題 holds the bigrams of 8050).

Abbreviations planners type (社協, 民児協, 包括) are searched as themselves or as the full name they stand for
(SYNONYMS: a query's run becomes an alternative of phrases), so 社協 finds 社会福祉協議会 too.
"""

import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

# Variant → canonical, written after steps 1–2 (so in hiragana where the word has kana). Longest match wins.
VARIANTS = {
    "障がい": "障害",
    "障碍": "障害",
    "こども": "子ども",
    "子供": "子ども",
    "取り組み": "取組",
    "取組み": "取組",
    "取り組": "取組",
    "引きこもり": "ひきこもり",
    "引き籠り": "ひきこもり",
    "引き篭り": "ひきこもり",
    "繋がり": "つながり",
    "繋がる": "つながる",
    "町づくり": "まちづくり",
    "街づくり": "まちづくり",
    "まち作り": "まちづくり",
    "街作り": "まちづくり",
    "町作り": "まちづくり",
    "触れ合い": "ふれあい",
    "触れあい": "ふれあい",
    "みまもり": "見守り",
    "ささえあい": "支え合い",
    "たすけあい": "助け合い",
    "寄りそ": "寄り添",
    "よりそ": "寄り添",
    "すまい": "住まい",
    "生き甲斐": "生きがい",
    "いきがい": "生きがい",
}
# Abbreviation → the full names it stands for in plans (searched as alternatives, not rewritten in the index).
SYNONYMS = {
    "社協": ("社会福祉協議会",),
    "市社協": ("市社会福祉協議会",),
    "民児協": ("民生委員児童委員協議会", "民生委員・児童委員協議会"),
    "包括": ("地域包括支援センター",),
    "重層事業": ("重層的支援体制整備事業",),
    "成年後見": ("成年後見制度",),
    "避難行動要支援者": ("要支援者",),
}
_VARIANT_RE = re.compile("|".join(sorted(map(re.escape, VARIANTS), key=len, reverse=True)))
# 支えあい, 助けあう, 話しあえる …: okurigana あ after kanji + kana is the verb 合う written in kana.
_AI_RE = re.compile(r"(?<=[\u4e00-\u9fff\u3005][\u3041-\u3093])あ(?=[いうえわっ])")
# Text with kana or kanji goes through the analyser; other text (codes, English, digits) needs no dictionary.
_HAS_WORDS = re.compile(r"[\u3041-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
# Letters and digits of any script; the rest (punctuation, spaces, symbols) separates runs.
RUN_RE = re.compile(r"[^\W_]+")
# A base character with the (half-width or combining) sound marks that NFKC folds into it.
_CLUSTER_RE = re.compile(r".[\u3099\u309a\uff9e\uff9f\u0300-\u036f]*", re.S)


@dataclass
class Normalised:
    text: str
    spans: list  # per character of `text`: (start, end) of the original characters it came from

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.spans[start][0], self.spans[end - 1][1]


def _fold(ch: str) -> str:
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        code = ord(c)
        out.append(chr(code - 0x60) if 0x30A1 <= code <= 0x30F6 else c)  # katakana → hiragana
    return "".join(out)


def _substitute(norm: Normalised, pattern: re.Pattern, replace) -> Normalised:
    text, spans, last = [], [], 0
    for m in pattern.finditer(norm.text):
        text.append(norm.text[last : m.start()])
        spans.extend(norm.spans[last : m.start()])
        new = replace(m)
        span = norm.original_span(m.start(), m.end())
        text.append(new)
        spans.extend([span] * len(new))
        last = m.end()
    text.append(norm.text[last:])
    spans.extend(norm.spans[last:])
    return Normalised("".join(text), spans)


# The same seed lines and labels are highlighted over and over, so their normalisations are kept; a kept text
# costs about COST_PER_CHAR bytes per character (its text, the normalised text and a (start, end) tuple per
# character), so the cache is bounded in those bytes, not in entries: an entry count let 20 distinct 250 KB
# queries keep 750 MB. Texts longer than MAX_KEPT_CHARS are normalised every time (no seed line is that long).
CACHE_BYTES = 32 << 20
COST_PER_CHAR = 160
MAX_KEPT_CHARS = 4096


class _ByteBoundedCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.items: OrderedDict[str, Normalised] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, text: str):
        with self.lock:
            found = self.items.get(text)
            if found is not None:
                self.items.move_to_end(text)
            return found

    def put(self, text: str, norm: "Normalised") -> None:
        with self.lock:
            if text in self.items:
                return
            self.items[text] = norm
            self.bytes += _cost(text)
            while self.bytes > self.max_bytes and self.items:
                old, _ = self.items.popitem(last=False)
                self.bytes -= _cost(old)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.bytes = 0


def _cost(text: str) -> int:
    return 200 + COST_PER_CHAR * len(text)


_CACHE = _ByteBoundedCache(CACHE_BYTES)


def normalise(text: str) -> Normalised:
    """`text` normalised (callers never mutate the result: it may be shared)."""
    if len(text) > MAX_KEPT_CHARS:
        return _normalise(text)
    found = _CACHE.get(text)
    if found is None:
        found = _normalise(text)
        _CACHE.put(text, found)
    return found


def _fold_span(text: str, start: int, end: int, chars: list, spans: list) -> None:
    for m in _CLUSTER_RE.finditer(text, start, end):
        folded = _fold(m.group())
        chars.append(folded)
        spans.extend([(m.start(), m.end())] * len(folded))


def _spelled(w) -> str:
    """The word in the dictionary's spelling, inflected as written: 見まもり → 見守り (base 見まもる, normalised
    form 見守る: the inflected ending り replaces る), 支えあい → 支え合い, 一人ひとり → 一人一人."""
    surface = unicodedata.normalize("NFKC", w.surface).casefold()
    if not w.form or w.form == w.base:
        return surface  # spelled as the dictionary spells it: keep the text's own form
    common = 0
    while common < min(len(surface), len(w.base)) and surface[common] == w.base[common]:
        common += 1
    lemma_tail, surface_tail = w.base[common:], surface[common:]
    if lemma_tail and not w.form.endswith(lemma_tail):
        return surface  # an ending the normalised form does not share: no safe way to inflect it
    return w.form[: len(w.form) - len(lemma_tail)] + surface_tail


def _normalise(text: str) -> Normalised:
    from server.language import words

    chars, spans = [], []
    at = 0
    for w in words(text) if _HAS_WORDS.search(text) else ():
        _fold_span(text, at, w.start, chars, spans)
        spelled = _spelled(w)
        if spelled != _fold(w.surface):
            folded = _fold(spelled)  # the dictionary's spelling: every character stands for the whole word
            chars.append(folded)
            spans.extend([(w.start, w.end)] * len(folded))
        else:
            _fold_span(text, w.start, w.end, chars, spans)
        at = w.end
    _fold_span(text, at, len(text), chars, spans)
    norm = Normalised("".join(chars), spans)
    norm = _substitute(norm, _VARIANT_RE, lambda m: VARIANTS[m.group()])
    return _substitute(norm, _AI_RE, lambda m: "合")


def runs(text: str) -> list[str]:
    """The normalised runs of letters and digits in `text`."""
    return RUN_RE.findall(normalise(text).text)


def bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run] if run else []
    # The last character again on its own, so a one-character query finds it at the end of a run too.
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def index_text(text: str) -> str:
    """What the full-text index stores for `text`: space-separated bigrams of each normalised run."""
    return " ".join(token for run in runs(text) for token in bigrams(run))


def match_expression(query: str) -> tuple[str | None, list[str]]:
    """An FTS5 MATCH expression for a user's query (every run must occur), and the normalised runs (for
    highlighting; an abbreviation's full names among them). None when the query has no letters or digits.
    Tokens are quoted: nothing a user types is FTS5 syntax."""
    found = runs(query)
    if not found:
        return None, []
    parts, shown = [], list(found)
    for run in found:
        alternatives = [_phrase(run)]
        for full in SYNONYMS.get(run, ()):
            words = runs(full)
            alternatives.append(_phrase(words[0]) if len(words) == 1 else "(" + " AND ".join(map(_phrase, words)) + ")")
            shown += words
        parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts), shown


def _phrase(run: str) -> str:
    if len(run) == 1:
        return f'"{run}"*'
    return '"' + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + '"'


def highlight(text: str, query_runs: list[str]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, matched) segments: where any query run occurs in its normalised form."""
    if not text:
        return []
    norm = normalise(text)
    marks = []
    for run in query_runs:
        start = norm.text.find(run)
        while start != -1:
            marks.append(norm.original_span(start, start + len(run)))
            start = norm.text.find(run, start + 1)
    if not marks:
        return [(text, False)]
    marks.sort()
    merged = [list(marks[0])]
    for s, e in marks[1:]:
        if s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out, last = [], 0
    for s, e in merged:
        if s > last:
            out.append((text[last:s], False))
        out.append((text[s:e], True))
        last = e
    if last < len(text):
        out.append((text[last:], False))
    return out
