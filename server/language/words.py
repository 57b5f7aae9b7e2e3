"""Japanese text as normalised words, with each word's place in the original text.

Why SudachiPy with sudachidict-core, and not GiNZA: measured on 2026-12-04 (issue 19) in one run on this
project's machine (2 shared cores), SudachiPy 0.7.0 / sudachidict-core 20261015 here against GiNZA 5.3.0 (spaCy
3.8, SudachiPy 0.6.11, SudachiDict-core 20260723 inside) in a throwaway venv, with the script given in the
issue-19 report:

- reworded cases (20 plan spellings against a lexicon term: 障がいのある人/障害のある人, 障碍者/障害者,
  見まもり・みまもり/見守り, 支えあい・ささえあい/支え合い, 助けあい, こども・子供/子ども, 取組/取り組み,
  引きこもり, 一人暮らし, 居場所作り, 何でも相談, …): SudachiPy's normalised forms meet 15 of 20; GiNZA's
  `norm_` (the same Sudachi normalised form) meets the same 15, its `lemma_` (dictionary form, spelling kept)
  none. The five neither meets are rewordings, not spellings (分野を問わず相談, 属性を問わず相談,
  訪問による継続的な支援, 単身高齢者, 障害の有無): no analyser folds them, so they are lexicon variants in
  ontology/vocabularies.ttl.
- load: SudachiPy 0.2 s, GiNZA 6.1 s (3.9 s on a quieter run).
- the 758 plan elements of data/ (40 418 characters): SudachiPy 0.65 ms an element, GiNZA 105 ms (80 ms on
  the quieter run): GiNZA runs spaCy's whole pipeline (tagger, dependency parser, named entities) on top of
  the same tokeniser, which matching does not use.

So GiNZA finds nothing more and costs ~150× the time and a model of ~50 MB more; SudachiPy runs offline from a
wheel (no model download). The dictionary's *normalised form* folds 表記ゆれ (障がい/障碍 → 障害,
見まもり/みまもり → 見守る, 子ども/こども → 子供, ＡＢＣ → ABC). One gap of both: a noun made from a verb
has its own entry (支え合い → 支え合い) while the kana spelling is read as the verb (支えあい → 支え合う), so
the *lemma* (`lemma_of`, `lemma_key`) folds such a noun to its verb; `key` keeps the dictionary's form for
the callers that compare with it.

Split mode C (the longest units) is used: it keeps compounds whole (避難行動要支援者 is four words in mode A,
and 見まもり splits into 見る + 守る there while 見守り does not), so a text and a term are cut the same way.
Matching is done on the *key*: the normalised forms joined without spaces, so a term's key found inside a
text's key is a match (as literal substring matching was before), and `Keyed.span` maps it back to the
original characters for quoting and highlighting. The analyser cuts a few words differently in context
(「範囲で居場所」 is read 範囲 / で / 居る / 場所), so the annotator also matches the written labels literally.
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
    pos: str = ""  # the part of speech's first level (名詞, 動詞, 助詞 …)
    lemma: str = ""  # `form`, with a noun made from a verb folded to that verb (see `lemma_of`)
    base: str = ""  # the dictionary form as written here (見まもる for 見まもり), NFKC-folded: the inflection base
    # SudachiDict's synonym group ids of the word (援助 and 支援 share 310, 高齢者 and 老人 13456): sudachidict-core
    # ships the ids in its lexicon, though not the synonym dictionary that lists each group's members.
    synonyms: tuple[int, ...] = ()

    @property
    def content(self) -> bool:
        """A word that carries meaning (noun, verb, adjective), not a particle, auxiliary or symbol."""
        return self.pos in _CONTENT_POS


# A noun made from a verb's 連用形 (支え合い, 助け合い) is its own dictionary entry, while the same word spelt
# in kana (支えあい) is read as the verb: the noun's final い-row kana turned into its う-row kana gives the
# verb, which is taken as the lemma when the dictionary knows it as one verb with that normalised form.
_I_TO_U = dict(zip("いきぎしちにびみり", "うくぐすつぬぶむる", strict=True))
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "代名詞", "接尾辞", "接頭辞"})


@functools.lru_cache(maxsize=_CACHE_ENTRIES)
def lemma_of(form: str, pos: str) -> str:
    """The lemma of a word: its normalised form, or for a noun (or a suffix: 支え + あい) made from a godan verb
    (支え合い), that verb (支え合う), so that 支え合い and 支えあい (which the dictionary reads as the verb) meet."""
    if pos not in ("名詞", "接尾辞") or len(form) < 2 or form[-1] not in _I_TO_U:
        return form
    verb = form[:-1] + _I_TO_U[form[-1]]
    found = _tokenizer().tokenize(verb)
    if len(found) == 1 and found[0].part_of_speech()[0] == "動詞" and found[0].normalized_form() == verb:
        return verb
    return form


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
            pos = m.part_of_speech()[0]
            out.append(
                Word(
                    surface,
                    form,
                    _hiragana(m.reading_form()),
                    offset + m.begin(),
                    offset + m.end(),
                    pos,
                    lemma_of(form, pos),
                    unicodedata.normalize("NFKC", m.dictionary_form()).casefold(),
                    tuple(m.synonym_group_ids()),
                )
            )
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


def keyed(text: str, lemmas: bool = False, analysed: tuple[Word, ...] | None = None) -> Keyed:
    """`text`'s key (see `key`; with `lemmas`, its lemma key, see `lemma_key`) and where each part came from;
    `analysed` is `words(text)` when the caller has it already."""
    key, spans = [], []
    for w in words(text) if analysed is None else analysed:
        part = w.lemma if lemmas else w.form
        key.append(part)
        if part == w.surface:  # written as its normal form: each key character is its own character
            spans.extend((w.start + i, w.start + i + 1) for i in range(len(part)))
        else:
            spans.extend([(w.start, w.end)] * len(part))
    return Keyed(text, "".join(key), tuple(spans))


@functools.lru_cache(maxsize=_CACHE_ENTRIES)
def _cached_key(text: str) -> str:
    return "".join(w.form for w in words(text))


def key(text: str) -> str:
    """The normalised forms of `text`'s words joined: compare keys, or find one key inside another."""
    if len(text) <= _CACHE_TEXT_CHARS:
        return _cached_key(text)
    return "".join(w.form for w in words(text))


@functools.lru_cache(maxsize=_CACHE_ENTRIES)
def _cached_lemma_key(text: str) -> str:
    return "".join(w.lemma for w in words(text))


def lemma_key(text: str) -> str:
    """Like `key`, with nouns made from verbs folded to the verb (支え合い and 支えあい both give 支え合う): the
    key the annotator matches on. Compare lemma keys only with lemma keys."""
    if len(text) <= _CACHE_TEXT_CHARS:
        return _cached_lemma_key(text)
    return "".join(w.lemma for w in words(text))


def content_words(text: str) -> frozenset[str]:
    """The lemmas of `text`'s nouns, verbs and adjectives: what two texts are compared by."""
    return frozenset(w.lemma for w in words(text) if w.content)


def reading(text: str) -> str:
    """`text` read aloud, in hiragana (見まもり and 見守り both read みまもり)."""
    return "".join(w.reading for w in words(text))
