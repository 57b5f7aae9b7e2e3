"""Propose annotations for a plan element from its own words and, as a weaker kind of evidence, from the
headings it is printed under.

Own words: a concept is proposed where one of its terms occurs in the element's text, compared as lemma keys
(server.language): the proposal quotes the words as printed. Headings: for schemes whose documents file
items under headings (fk:filedUnderHeadings), a concept a heading names reaches the element below it, marked
`via="heading"` and with a lower confidence, unless

- the element's own words, or a heading nearer to it, name another concept of the same scheme: they say
  where the element is filed (参加支援 under 多機関協働 is 参加支援), or
- the heading has two parts (「A・B」「AとB」「AやB」) and the element, or a heading between it and that one,
  takes up the part that does not name the concept (情報提供の充実 under 「情報提供体制の充実・包括的な相談支援」
  is not 包括的な相談支援, nor is what is filed under 「地域での見守り活動の推進」 within 「見守り活動や交流…」).
"""

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

import rdflib
from rdflib.namespace import RDF, RDFS

from server.annotations.lexicon import (
    CONCEPT_NS,
    EXCLUDED_SYNONYM_GROUPS,
    FK,
    Concept,
    Lexicon,
    load_lexicon,
    normalise,
    plain_chars,
)
from server.language import keyed, words

__all__ = [
    "CONFIDENCE",
    "Proposal",
    "propose",
    "propose_elements",
    "element_classes",
    "element_plans",
    "element_texts",
    "heading_parts",
    "load_lexicon",
    "normalise",
    "Lexicon",
]

DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
# Joins an element's label and description: the analyser reads it as a symbol, so no term spans it.
SEPARATOR = "|"
# How far each kind of evidence is trusted (published on each decision record as fk:confidence): an element's
# own words name the concept; a heading only files the element under it.
CONFIDENCE = {"text": 0.9, "hand": 0.9, "plan": 0.6, "heading": 0.5}
TARGET_GROUPS = CONCEPT_NS + "target-group/"
# Words of plan headings that say what is done, not about what: sharing only these is not taking up a part.
GENERIC = frozenset(
    "推進 充実 促進 支援 活動 取り組む 取り組み 整備 強化 確保 実施 図る 行う 為る 努める 進める 体制 事業 構築 向ける "
    "為 等 的 化 性 ため 地域 作る 作り".split()
)
# 「・」「、」 always join parts; 「と」「や」 only where they join two nouns (「学校と連携した」 is not two parts).
_JOINERS = frozenset("・、,")


@dataclass(frozen=True)
class Proposal:
    element: str | None
    property: str  # full IRI of fk:targetGroup, fk:realisesFunction, fk:addressesPriority or fk:topic
    concept: str  # full IRI
    matched: str  # the words matched, as printed in the text, or the heading's text
    via: str  # "text" or "heading"

    @property
    def key(self) -> tuple[str | None, str, str]:
        return (self.element, self.property, self.concept)

    @property
    def confidence(self) -> float:
        return CONFIDENCE[self.via]


def _occurrences(text: str, term: str):
    start = text.find(term) if term else -1
    while start >= 0:
        yield start
        start = text.find(term, start + 1)


def located(text: str, lexicon: Lexicon, context: frozenset[str] = frozenset()) -> list[tuple[int, int, Concept]]:
    """Every (start, end, concept) where a concept's term occurs in `text` (original character offsets), as
    lemma keys, as written, or word by word through SudachiDict's synonym groups (老人 for 高齢者), after these
    rules: a term inside one of the concept's excluded words does not count; a term inside a longer matched
    term of the same scheme does not count (要介護者 is not also 介護者, but 要援護者名簿 is a register and names
    要援護者); a target group named inside a list of fields (「高齢・障害・子どもなど分野を問わず」, 「子どもから
    高齢者まで」) does not count. A concept's context words count too when its scheme's context concept is in
    `context` (the concepts the element and its headings name); its conditional words count only in a sentence
    that also holds one of its condition words (地域包括支援センター with 相談)."""
    cache_key = (text, context)
    if cache_key in lexicon.matched:
        return lexicon.matched[cache_key]
    if len(lexicon.matched) >= _CACHE_ENTRIES:
        lexicon.matched.clear()
    found = lexicon.matched[cache_key] = _located(text, lexicon, context)
    return found


_CACHE_ENTRIES = 4096


def _located(text: str, lexicon: Lexicon, context: frozenset[str]) -> list[tuple[int, int, Concept]]:
    analysed = words(text)
    k = keyed(text, lemmas=True, analysed=analysed)
    literal, where = plain_chars(text)

    def by_key(term):
        return [k.span(s, s + len(term)) for s in _occurrences(k.key, term)]

    def by_letters(term):
        return [(where[s], where[s + len(term) - 1] + 1) for s in _occurrences(literal, term)]

    by_synonyms, present = _synonym_matcher(analysed)
    sentences = _sentences(text)
    fields = field_lists(text)
    found = set()
    for concept in lexicon.concepts:
        blocked = [span for x in concept.excluded for span in by_key(x)]
        blocked += [span for x in concept.excluded_literals for span in by_letters(x)]
        if concept.scheme == TARGET_GROUPS:
            blocked += fields
        spans = {span for t in concept.terms for span in by_key(t)}
        spans |= {span for t in concept.literals for span in by_letters(t)}
        # a synonym widens a term's words: in a scheme read in a context (再犯), only where that context holds
        if (concept.context is None or concept.context in context) and not concept.synonym_firsts.isdisjoint(present):
            spans |= {span for t in concept.synonym_terms for span in by_synonyms(t)}
        if concept.context in context:
            spans |= {span for t in concept.context_terms for span in by_key(t)}
            spans |= {span for t in concept.context_literals for span in by_letters(t)}
        if concept.conditional_terms or concept.conditional_literals:
            named = {span for t in concept.conditional_terms for span in by_key(t)}
            named |= {span for t in concept.conditional_literals for span in by_letters(t)}
            conditions = {span for t in concept.condition_terms for span in by_key(t)}
            conditions |= {span for t in concept.condition_literals for span in by_letters(t)}
            # the name's own words (基幹相談支援センター holds 相談) do not meet the condition
            held = {
                _sentence_of(sentences, s) for s, e in conditions if not any(ns <= s and e <= ne for ns, ne in named)
            }
            spans |= {span for span in named if _sentence_of(sentences, span[0]) in held}
        for start, end in spans:
            if not any(bs <= start and end <= be for bs, be in blocked):
                found.add((start, end, concept))
    kept = [m for m in found if not any(_inside(m, o) for o in found)]
    kept = [m for m in kept if not (m[2].not_as_study_topic and _study_topic(analysed, sentences, m[0], m[1]))]
    return sorted(kept, key=lambda m: (m[0], -m[1], m[2].iri))


# A term followed by one of these word sequences (lemmas) is what something is about, not what is done ...
_TOPIC_MARKERS = (
    ("の", "在り方"),
    ("に", "つく", "て"),
    ("に", "関する"),
    ("に", "関す"),
    ("に", "係る"),
    ("を", "テーマ"),
)
# ... and, in a sentence that also holds one of these words, the topic of a study or training.
_STUDY_WORDS = frozenset("研修 検討 学習 学ぶ 理解 研究 勉強 講座 講演 講習".split())


def _study_topic(analysed, sentences: list[int], start: int, end: int) -> bool:
    """The words at start..end are the topic of a study (「アウトリーチの在り方の共通理解を目指す研修」,
    「多機関協働について研修を行う」, 「包括的な相談支援に関する学習会」): followed at once by a topic marker
    (の在り方, について, に関する …) in a sentence that holds a study word (研修, 検討, 学習 …)."""
    after = [i for i, w in enumerate(analysed) if w.start >= end]
    if not after:
        return False
    i = after[0]
    lemmas = [w.lemma for w in analysed[i : i + 3]]
    if not any(tuple(lemmas[: len(m)]) == m for m in _TOPIC_MARKERS):
        return False
    here = _sentence_of(sentences, start)
    return any(_sentence_of(sentences, w.start) == here and any(x in w.lemma for x in _STUDY_WORDS) for w in analysed)


def _synonym_matcher(analysed):
    """The keys the text's words meet, and a function giving the (start, end) spans where a word pattern
    (lexicon.synonym_pattern) meets the analysed text word for word: each of the pattern's words shares its
    lemma or a synonym group with the text's word at that place."""
    keys = [frozenset({w.lemma} | {f"#{g}" for g in w.synonyms if g not in EXCLUDED_SYNONYM_GROUPS}) for w in analysed]
    at: dict[str, list[int]] = {}
    for i, ks in enumerate(keys):
        for key in ks:
            at.setdefault(key, []).append(i)

    def spans(pattern):
        firsts = sorted({i for key in pattern[0] for i in at.get(key, ())})
        return [
            (analysed[i].start, analysed[i + len(pattern) - 1].end)
            for i in firsts
            if i + len(pattern) <= len(keys) and all(p & keys[i + j] for j, p in enumerate(pattern))
        ]

    return spans, frozenset(at)


# A sentence ends at 。！？ or a line break. An element's label is the title of its description: the label and the
# description's first sentence are read as one (「地域包括支援センターの充実|…高齢者の相談支援を行います。」).
_SENTENCE_END = re.compile(r"[。．！？!?\n]")


def _sentences(text: str) -> list[int]:
    """The offsets where each sentence after the first starts."""
    return [m.end() for m in _SENTENCE_END.finditer(text)]


def _sentence_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset)


# Target groups listed as the fields a measure spans are not its target groups: a list of at least two items
# (joined by 「・」「、」) followed, after an optional など／等 and の, by a word for a field or for crossing fields
# (「高齢・障害・子ども・生活困窮など分野を問わず」, 「高齢、障害、児童、介護の枠組みを超え」); and a range
# 「子どもから高齢者まで」 (everyone, not those two groups).
_ITEM = r"[^。．！？、・,，\s|（）()「」]{1,8}"
_FIELD_LIST = re.compile(
    rf"(?:{_ITEM}[・、,，])+{_ITEM}?(?:など|等)?の?"
    r"(?:分野|領域|属性|世代|枠組み|枠|垣根|種別|対象を問わ|を問わ|に関わら|にかかわら|を超え|を越え|横断)"
)
_RANGE = re.compile(rf"{_ITEM}から{_ITEM}まで")


def field_lists(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of `text` that list fields or a range of people rather than name target groups."""
    return [m.span() for pattern in (_FIELD_LIST, _RANGE) for m in pattern.finditer(text)]


def matches(text: str, lexicon: Lexicon, context: frozenset[str] = frozenset()) -> dict[Concept, str]:
    """Concept -> the first words of `text` (as printed) that name it."""
    out: dict[Concept, str] = {}
    for start, end, concept in located(text, lexicon, context):
        out.setdefault(concept, text[start:end])
    return out


def _inside(m, o) -> bool:
    """Match m lies inside the longer match o of the same scheme."""
    return o[2].scheme == m[2].scheme and o[0] <= m[0] and m[1] <= o[1] and (o[1] - o[0]) > (m[1] - m[0])


def heading_parts(heading: str) -> list[tuple[int, int]]:
    """The (start, end) spans of a heading's parts: cut at 「・」「、」 and at a 「と」「や」 that joins two nouns
    (「AとB」, not 「学校と連携した」); brackets are not cut inside."""
    ws = words(heading)
    cuts, depth = [], 0
    for i, w in enumerate(ws):
        if w.surface in "（(「『【":
            depth += 1
        elif w.surface in "）)」』】":
            depth = max(0, depth - 1)
        elif depth == 0 and (w.surface in _JOINERS or _joins_nouns(ws, i)):
            cuts.append((w.start, w.end))
    spans, start = [], 0
    for cut_start, cut_end in cuts:
        spans.append((start, cut_start))
        start = cut_end
    spans.append((start, len(heading)))
    return [(s, e) for s, e in spans if heading[s:e].strip()]


def _joins_nouns(ws, i: int) -> bool:
    if ws[i].surface not in ("と", "や") or ws[i].pos != "助詞" or i == 0 or i + 1 >= len(ws):
        return False
    after = ws[i + 1]
    if ws[i - 1].pos not in ("名詞", "接尾辞") or after.pos != "名詞":
        return False
    # 「学校と連携した」: a noun followed by する is a verb of which the noun before と is the partner
    return not (i + 2 < len(ws) and ws[i + 2].lemma in ("為る", "する"))


def _meaning(text: str) -> frozenset[str]:
    return frozenset(w.lemma for w in words(text) if w.content and w.lemma not in GENERIC)


def _takes_up_other_part(own: str, heading: str, spans_of_concept: list[tuple[int, int]]) -> bool:
    """The element's words meet a part of the two-part heading that does not name the concept, and none of
    the parts that do."""
    parts = heading_parts(heading)
    if len(parts) < 2:
        return False
    mine = _meaning(own)
    named, other = set(), set()
    for s, e in parts:
        words_of_part = _meaning(heading[s:e])
        if any(s <= ms < e or s < me <= e for ms, me in spans_of_concept):
            named |= words_of_part
        else:
            other |= words_of_part
    return bool(mine & (other - named)) and not (mine & named)


def propose(
    text: str,
    headings: Sequence[str] = (),
    lexicon: Lexicon | None = None,
    element: str | None = None,
    plans: Sequence[tuple[str, str]] = (),
    classes: Sequence[str] = (),
) -> list[Proposal]:
    """Proposals for one element: every concept whose terms occur in `text`, and, for schemes whose documents
    file items under headings (fk:filedUnderHeadings), the concepts the headings (outermost first) name, under
    the rules of this module's docstring; the nearest heading that names a concept is recorded. `plans` are the
    (class IRI, label) of the plans the element belongs to: a class's fk:planSubject is proposed `via="plan"`
    unless the element's own words name another concept of its scheme or one of its fk:otherSubjectLabel
    words. `classes` are the element's rdf:types: a scheme's fk:notReachedFromHeadings classes get nothing from
    its headings."""
    lexicon = lexicon or load_lexicon()
    proposals = {}
    named_by_scheme: dict[str, set[str]] = {}  # scheme -> concepts named by the text or a nearer heading
    # The concepts the element's words or any of its headings name: the context that lets context words count
    # (a narrower concept names its broader ones too: 非行 names 犯罪をした者等 as a context)
    named = {m[2] for t in (text, *headings) for m in located(t, lexicon)}
    context = frozenset({c.iri for c in named} | {b for c in named for b in c.broader})
    for concept, words_matched in matches(text, lexicon, context).items():
        proposals[concept.iri] = Proposal(element, concept.property, concept.iri, words_matched, "text")
        named_by_scheme.setdefault(concept.scheme, set()).add(concept.iri)
    for plan_class, plan_label in plans:
        for cls, subject in lexicon.plan_subjects:
            concept = lexicon.concept(subject)
            if cls != plan_class or concept is None or subject in proposals:
                continue
            if named_by_scheme.get(concept.scheme, set()) - {subject} or _names_other_subject(text, concept):
                continue
            proposals[subject] = Proposal(element, concept.property, subject, plan_label, "plan")
    nearer = [text]  # the element's words, then each heading between it and the one being read
    own_keys = {k for w in words(text) for k in (w.lemma, *(f"#{g}" for g in w.synonyms))}
    for heading in reversed([h for h in headings if h.strip()]):
        spans: dict[Concept, list[tuple[int, int]]] = {}
        for start, end, concept in located(heading, lexicon):
            spans.setdefault(concept, []).append((start, end))
        named_here: dict[str, set[str]] = {}
        for concept, where in spans.items():
            named_here.setdefault(concept.scheme, set()).add(concept.iri)
            if not concept.from_headings or concept.iri in proposals or set(concept.headings_skip) & set(classes):
                continue
            if concept.heading_needs_support and not own_keys & concept.support:
                continue
            if named_by_scheme.get(concept.scheme, set()) - {concept.iri}:
                continue
            if any(_takes_up_other_part(below, heading, where) for below in nearer):
                continue
            proposals[concept.iri] = Proposal(element, concept.property, concept.iri, heading.strip(), "heading")
        for scheme, iris in named_here.items():
            named_by_scheme.setdefault(scheme, set()).update(iris)
        nearer.append(heading)
    return sorted(proposals.values(), key=lambda p: (p.property, p.concept))


def _names_other_subject(text: str, concept: Concept) -> bool:
    k = normalise(text)
    literal = plain_chars(text)[0]
    return any(t in k for t in concept.other_subject_terms) or any(t in literal for t in concept.other_subject_literals)


def element_plans(graph: rdflib.Graph) -> dict[str, list[tuple[str, str]]]:
    """Element IRI -> (class IRI, Japanese label) of each plan it belongs to: the plan at the top of its fk:parent
    chain and any plan it or an element above it is fk:partOf (美祢's 再犯 plan is one 施策 of its welfare plan)."""
    parents = {s: o for s, o in graph.subject_objects(FK.parent)}

    def described(plan):
        label = next((str(v) for v in graph.objects(plan, RDFS.label) if getattr(v, "language", None) == "ja"), "")
        return [(str(cls), label or str(plan)) for cls in sorted(graph.objects(plan, RDF.type))]

    out = {}
    for element in parents:
        chain, up = [], element
        while up is not None and up not in chain:
            chain.append(up)
            up = parents.get(up)
        plans = [chain[-1]] if chain[-1] not in parents else []
        plans += [p for e in chain for p in sorted(graph.objects(e, FK.partOf)) if p not in parents]
        out[str(element)] = sorted({d for p in dict.fromkeys(plans) for d in described(p)})
    return out


def element_texts(graph: rdflib.Graph) -> dict[str, tuple[str, list[str]]]:
    """Element IRI -> (its own text: Japanese labels and descriptions, its headings: the Japanese labels of the
    elements above it, outermost first). Elements are the resources with a fk:parent."""
    parents = {s: o for s, o in graph.subject_objects(FK.parent)}

    def ja(subject, prop):
        return sorted(str(v) for v in graph.objects(subject, prop) if getattr(v, "language", None) == "ja")

    out = {}
    for element in parents:
        own = SEPARATOR.join(ja(element, RDFS.label) + ja(element, DCTERMS.description))
        headings, seen, up = [], {element}, parents.get(element)
        while up is not None and up in parents and up not in seen:
            seen.add(up)
            headings.insert(0, SEPARATOR.join(ja(up, RDFS.label)))
            up = parents.get(up)
        out[str(element)] = (own, headings)
    return out


def propose_elements(graph: rdflib.Graph, lexicon: Lexicon | None = None) -> list[Proposal]:
    """Run the annotator once over every element of `graph`."""
    lexicon = lexicon or load_lexicon()
    plans = element_plans(graph)
    out = []
    for element, (own, headings) in sorted(element_texts(graph).items()):
        classes = element_classes(graph, element)
        out.extend(propose(own, headings, lexicon, element=element, plans=plans.get(element, ()), classes=classes))
    return out


def element_classes(graph: rdflib.Graph, element: str) -> list[str]:
    return sorted(str(c) for c in graph.objects(rdflib.URIRef(element), RDF.type))
