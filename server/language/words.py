"""Japanese text as normalised words, with each word's place in the original text.

Why SudachiPy with sudachidict-core: its dictionary carries a *normalised form* per word (表記ゆれ folded by
lexicographers: 障がい/障碍 → 障害, 見まもり/みまもり/見守り → 見守る, 子ども/こども → 子供, 支えあい → 支え合う,
ＡＢＣ → ABC) and a reading, runs offline from a wheel (no model download), loads in ~30 ms and tokenises
about a megabyte of plan text a second. GiNZA adds a dependency parser on top of the same tokeniser
(SudachiPy) through spaCy; matching needs only the words, so the smaller tool does the job.

Split mode C (the longest units) is used: it keeps compounds whole (避難行動要支援者 is four words in mode A,
and 見まもり splits into 見る + 守る there while 見守り does not), so a text and a term are cut the same way.
Matching is done on the *key*: the normalised forms joined without spaces, so a term's key found inside a
text's key is a match (as literal substring matching was before), and `Keyed.span` maps it back to the
original characters for quoting and highlighting.
"""

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

from sudachipy import Dictionary, SplitMode

# Sudachi refuses very long inputs and its lattice grows with the input: texts are cut at line and sentence
# ends into pieces of at most this many characters (a welfare plan's sentences are far shorter).
_PIECE = 1000
_BREAK = re.compile(r"(?<=[\n。．！？])")
# Cached keys are bounded in count and in the text's length, so the cache stays a few MB whatever arrives.
_CACHE_ENTRIES = 16384
_CACHE_TEXT_CHARS = 400

_local = threading.local()
_dictionary_lock = threading.Lock()
_dictionary = None


def _tokenizer():
    """One tokenizer per thread: SudachiPy's tokenizer keeps state between calls and is not thread-safe; the
    dictionary (memory-mapped) is shared."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        global _dictionary
        with _dictionary_lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="core")
        tok = _local.tokenizer = _dictionary.tokenizer(mode=SplitMode.C)
    return tok


@dataclass(frozen=True)
class Word:
    surface: str
    form: str  # the dictionary's normalised form (NFKC-folded for words the dictionary does not know)
    reading: str  # in hiragana
    start: int  # offsets in the original text
    end: int


def _hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if 0x30A1 <= ord(c) <= 0x30F6 else c for c in text)


def _pieces(text: str):
    offset = 0
    for part in _BREAK.split(text):
        while part:
            yield offset, part[:_PIECE]
            offset += len(part[:_PIECE])
            part = part[_PIECE:]


def words(text: str) -> tuple[Word, ...]:
    """The words of `text` in order, white space left out."""
    out = []
    tok = _tokenizer()
    for offset, piece in _pieces(text):
        for m in tok.tokenize(piece):
            surface = m.surface()
            if not surface.strip():
                continue
            form = unicodedata.normalize("NFKC", m.normalized_form()).casefold()
            out.append(Word(surface, form, _hiragana(m.reading_form()), offset + m.begin(), offset + m.end()))
    return tuple(out)


@dataclass(frozen=True)
class Keyed:
    """A text's key (normalised forms joined) and, per key character, the original span it came from."""

    text: str
    key: str
    spans: tuple[tuple[int, int], ...]

    def find(self, term_key: str) -> list[tuple[int, int]]:
        """Original (start, end) spans where `term_key` (a key, see `key`) occurs."""
        out, at = [], self.key.find(term_key) if term_key else -1
        while at >= 0:
            out.append(self.span(at, at + len(term_key)))
            at = self.key.find(term_key, at + 1)
        return out

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.spans[start][0], self.spans[end - 1][1]


def keyed(text: str) -> Keyed:
    key, spans = [], []
    for w in words(text):
        key.append(w.form)
        spans.extend([(w.start, w.end)] * len(w.form))
    return Keyed(text, "".join(key), tuple(spans))


@functools.lru_cache(maxsize=_CACHE_ENTRIES)
def _cached_key(text: str) -> str:
    return "".join(w.form for w in words(text))


def key(text: str) -> str:
    """The normalised forms of `text`'s words joined: compare keys, or find one key inside another."""
    if len(text) <= _CACHE_TEXT_CHARS:
        return _cached_key(text)
    return "".join(w.form for w in words(text))


def reading(text: str) -> str:
    """`text` read aloud, in hiragana (見まもり and 見守り both read みまもり)."""
    return "".join(w.reading for w in words(text))
