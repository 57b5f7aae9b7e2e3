"""Japanese words for matching: the normalised forms of a morphological analyser, shared by the annotator,
the compliance reading and search, so that 障がい者/障害者, 見まもり/見守り and inflected forms meet."""

from server.language.words import Keyed, Word, content_words, key, keyed, lemma_key, lemma_of, reading, words

__all__ = ["Keyed", "Word", "content_words", "key", "keyed", "lemma_key", "lemma_of", "reading", "words"]
