"""The lexicon: for each concept of the annotation schemes, the normalised words that signal it.

Normalisation is the morphological analyser's (server.language, SudachiPy): each word's normalised form,
with a noun made from a verb folded to the verb (`lemma_key`), so that 障がい/障害, 見まもり/見守り,
子ども/こども/子供, 支えあい/支え合い, 取組/取り組み and inflected forms (問わない/問わず) meet without a
hand-kept table. The lexicon's labels and the element's text are keyed the same way; spellings the
dictionary does not fold (伴走, 単身, 分野を問わない …) are skos:altLabel/hiddenLabel in
ontology/vocabularies.ttl, where a reviewer reads them.
"""

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SKOS

from server.language import lemma_key, words
from server.paths import ONTOLOGY_DIR, ONTOLOGY_NS

FK = rdflib.Namespace(ONTOLOGY_NS)
CONCEPT_NS = "https://w3id.org/fukushi-kg/id/concept/"

# Scheme -> the element property its concepts are annotated with.
SCHEME_PROPERTY = {
    CONCEPT_NS + "target-group/": ONTOLOGY_NS + "targetGroup",
    CONCEPT_NS + "multilayered-function/": ONTOLOGY_NS + "realisesFunction",
    CONCEPT_NS + "recidivism-priority/": ONTOLOGY_NS + "addressesPriority",
    CONCEPT_NS + "topic/": ONTOLOGY_NS + "topic",
}


def plain(text: str) -> str:
    """NFKC, case folded, white space removed: the literal form."""
    return "".join(plain_chars(text)[0])


def plain_chars(text: str) -> tuple[str, list[int]]:
    """`plain(text)` and, per character of it, the offset of the original character it came from."""
    out, where = [], []
    for i, c in enumerate(text):
        n = unicodedata.normalize("NFKC", c).casefold()
        if n.isspace():
            continue
        out.append(n)
        where.extend([i] * len(n))
    return "".join(out), where


# SudachiDict synonym groups (Morpheme.synonym_group_ids) too broad to stand for a lexicon term's word: a term
# matches a text's word of the same group (援助 for 支援, 老人 for 高齢者, 児童 for 子ども) except through these.
# Measured on 2026-12-05 over every element of data/, sample.tsv, sample-2.tsv and the invented sentences: the
# groups added 4 proposals on data/ and none on the samples or sentences (their misses are rewordings, not
# synonyms). Three were right (老人 and シニア for 高齢者, チャイルド for 子ども); the group below made the fourth,
# a false positive, and no true one. (老人 also brought 老人クラブ, an association's name: an fk:excludedTerm.)
EXCLUDED_SYNONYM_GROUPS: dict[int, str] = {
    1196: "居場所 shares it with 所在 (where a thing is): 美祢 cwp3-g1-p3-d3 「…センターが所在しており」 (地域づくり)",
}


# Words of definitions and scope notes that do not say what a concept is about: the notes' own phrasing
# (名指す, 場合, 採る), law citations, words every 重層 function shares (支援, 課題, 地域, 体制, 事業 …), and
# single characters (but 場, a place to meet) that are fragments of longer words.
SUPPORT_STOP = frozenset(
    "名指す 場合 採る 単なる 置く 付ける 定める 書く 文書 為る 有る 居る 成る 言う 一つ 其の 此処 ここ 社会福祉法 改正 "
    "事業 重層 重層的 体制 整備 推進 支援 課題 地域 対する 向ける 通じる など 関係 行う 確保 状況 把握 必要 "
    "取る 出来る 作る 生活 福祉 よる 内容 様 提供 相談".split()
)


def support_words(texts: list[str]) -> frozenset[str]:
    """The lemmas and synonym-group keys of the content words of `texts`, less SUPPORT_STOP."""
    out = set()
    for text in texts:
        for w in words(text):
            if not w.content or len(w.lemma) < 2 and w.lemma != "場" or w.lemma in SUPPORT_STOP or w.lemma.isdigit():
                continue
            out.add(w.lemma)
            out |= {f"#{g}" for g in w.synonyms if g not in EXCLUDED_SYNONYM_GROUPS}
    return frozenset(out)


def synonym_pattern(text: str) -> tuple[frozenset[str], ...] | None:
    """`text`'s words, each as the keys it meets: its lemma and its synonym groups (those not excluded); None
    when no word has a group, so that the lemma key alone matches it."""
    out, grouped = [], False
    for w in words(text):
        groups = {f"#{g}" for g in w.synonyms if g not in EXCLUDED_SYNONYM_GROUPS}
        grouped = grouped or bool(groups)
        out.append(frozenset({w.lemma} | groups))
    return tuple(out) if grouped and out else None


def normalise(text: str) -> str:
    """The text's lemma key (server.language.lemma_key): the form terms and texts are compared in."""
    return lemma_key(text)


@dataclass(frozen=True)
class Concept:
    iri: str
    scheme: str
    property: str
    label: str
    terms: tuple[str, ...]  # lemma keys, longest first
    excluded: tuple[str, ...]  # lemma keys
    from_headings: bool
    # fk:notReachedFromHeadings on the scheme: element classes its heading concepts do not reach (a 重層 function
    # is a project the municipality runs; a residents' role filed under its heading is not that project)
    headings_skip: tuple[str, ...] = ()
    # fk:headingNeedsSupport on the scheme: a heading's concept reaches an element only when the element's own
    # words hold one of `support` (lemmas and synonym-group keys of the concept's preferred and alternative
    # labels, definition and scope note, without the words every concept's notes share: see SUPPORT_STOP)
    heading_needs_support: bool = False
    support: frozenset[str] = frozenset()
    # fk:notAsStudyTopic on the scheme: a term that is the topic of a study or training (「アウトリーチの在り方の
    # 共通理解」, 「多機関協働について研修」) does not name the concept as practised
    not_as_study_topic: bool = False
    # The labels as written (NFKC, no white space): matched literally as well, because the analyser cuts a
    # word differently in some contexts (「範囲で居場所」 is read 範囲 で 居る 場所).
    literals: tuple[str, ...] = ()
    excluded_literals: tuple[str, ...] = ()
    # fk:contextLabel: words that signal the concept only where the element's words or its headings name the
    # scheme's fk:contextConcept (就労 is a 再犯 priority only where offenders are named: in a 生活困窮 section
    # it is not). Lemma keys and literals, as for the terms.
    context: str | None = None
    context_terms: tuple[str, ...] = ()
    context_literals: tuple[str, ...] = ()
    # skos:broader concepts: an element naming 非行少年 names 犯罪をした者等 as a context too
    broader: tuple[str, ...] = ()
    # The terms as word patterns that also meet synonyms (see `synonym_pattern`).
    synonym_terms: tuple[tuple[frozenset[str], ...], ...] = ()
    synonym_firsts: frozenset[str] = frozenset()  # the keys the patterns' first words meet: a quick test
    # fk:conditionalLabel: words (often a service's name: 地域包括支援センター) that signal the concept only in a
    # sentence that also holds one of its fk:conditionTerm words (相談, 窓口 …). Lemma keys and literals.
    conditional_terms: tuple[str, ...] = ()
    conditional_literals: tuple[str, ...] = ()
    condition_terms: tuple[str, ...] = ()
    condition_literals: tuple[str, ...] = ()
    # fk:otherSubjectLabel: words by which an element names someone else as its subject (被害者, 防犯, 保護司 …),
    # so that the concept does not reach it from its plan's kind (fk:planSubject).
    other_subject_terms: tuple[str, ...] = ()
    other_subject_literals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    concepts: tuple[Concept, ...]
    # Plan class IRI -> the concept its items are about (fk:planSubject: a 再犯防止推進計画's items are about
    # 犯罪をした者等 whether or not each item says so).
    plan_subjects: tuple[tuple[str, str], ...] = ()
    # (text, context) -> the annotator's matches: the same headings are read for every element below them
    matched: dict = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    def concept(self, iri: str) -> Concept | None:
        return next((c for c in self.concepts if c.iri == iri), None)

    @property
    def properties(self) -> frozenset[str]:
        return frozenset(c.property for c in self.concepts)


def _ja(values) -> list[str]:
    return [str(v) for v in values if isinstance(v, rdflib.Literal) and v.language == "ja"]


def lexicon_from_graph(graph: rdflib.Graph) -> Lexicon:
    concepts = []
    for concept in sorted(set(graph.subjects(RDF.type, SKOS.Concept))):
        scheme = graph.value(concept, SKOS.inScheme)
        if scheme is None or str(scheme) not in SCHEME_PROPERTY:
            continue
        if graph.value(concept, FK.assignedByReading) == rdflib.Literal(True):
            continue

        written = partial(_written, graph, concept)
        labels = written(SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
        conditional, conditions = written(FK.conditionalLabel), written(FK.conditionTerm)
        others, in_context = written(FK.otherSubjectLabel), written(FK.contextLabel)
        patterns = tuple(
            sorted(
                {p for w in labels for p in [synonym_pattern(w)] if p},
                key=lambda p: [sorted(k) for k in p],
            )
        )
        context = graph.value(scheme, FK.contextConcept)
        concepts.append(
            Concept(
                iri=str(concept),
                scheme=str(scheme),
                property=SCHEME_PROPERTY[str(scheme)],
                label=(_ja(graph.objects(concept, SKOS.prefLabel)) or [str(concept)])[0],
                terms=_keys(labels),
                excluded=tuple(sorted({normalise(w) for w in _ja(graph.objects(concept, FK.excludedTerm))})),
                from_headings=graph.value(scheme, FK.filedUnderHeadings) == rdflib.Literal(True),
                headings_skip=tuple(sorted(str(c) for c in graph.objects(scheme, FK.notReachedFromHeadings))),
                heading_needs_support=graph.value(scheme, FK.headingNeedsSupport) == rdflib.Literal(True),
                # the names (not the hidden variants: fragments and phrases whose every word is not the concept's)
                support=support_words(written(SKOS.prefLabel, SKOS.altLabel, SKOS.definition, SKOS.scopeNote)),
                not_as_study_topic=graph.value(scheme, FK.notAsStudyTopic) == rdflib.Literal(True),
                literals=_literals(labels),
                excluded_literals=tuple(sorted({plain(w) for w in _ja(graph.objects(concept, FK.excludedTerm))})),
                context=str(context) if context is not None else None,
                broader=tuple(sorted(str(b) for b in graph.objects(concept, SKOS.broader))),
                context_terms=_keys(in_context),
                context_literals=_literals(in_context),
                synonym_terms=patterns,
                synonym_firsts=frozenset(k for p in patterns for k in p[0]),
                conditional_terms=_keys(conditional),
                conditional_literals=_literals(conditional),
                condition_terms=_keys(conditions),
                condition_literals=_literals(conditions),
                other_subject_terms=_keys(others),
                other_subject_literals=_literals(others),
            )
        )
    plan_subjects = tuple(sorted((str(s), str(o)) for s, o in graph.subject_objects(FK.planSubject)))
    return Lexicon(tuple(concepts), plan_subjects)


def _written(graph: rdflib.Graph, concept, *properties) -> list[str]:
    """The concept's Japanese values of `properties`, in that order, blank ones left out."""
    return [w for p in properties for w in _ja(graph.objects(concept, p)) if w.strip()]


def _keys(values: list[str]) -> tuple[str, ...]:
    return tuple(sorted({normalise(w) for w in values}, key=lambda t: (-len(t), t)))


def _literals(values: list[str]) -> tuple[str, ...]:
    return tuple(sorted({plain(w) for w in values}, key=lambda t: (-len(t), t)))


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Lexicon:
    return lexicon_from_graph(rdflib.Graph().parse(path, format="turtle"))


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """The lexicon of ontology/vocabularies.ttl (or `path`), cached until the file changes."""
    path = Path(path) if path else ONTOLOGY_DIR / "vocabularies.ttl"
    return _load(str(path.resolve()), path.stat().st_mtime)
