"""A validation run: every document × requirement read from the documents' own text.

The rules are those stated in shapes/compliance/_common.ttl; the requirements themselves are data
(server/compliance/requirements.py). The structural shapes (shapes/structure/) still run through
pySHACL, and their results are listed per document beside the matrix.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import rdflib
from rdflib.namespace import RDF, RDFS, SH

from server import language
from server.compliance import judgements as judged
from server.compliance import requirements as reqs
from server.compliance import shacl, versions
from server.compliance.requirements import FK, local_name
from server.paths import SOURCE_NS, source_text_path

PRESENT, PARTIAL, ABSENT, UNDETERMINABLE, NOT_APPLICABLE = (
    "present",
    "partial",
    "absent",
    "undeterminable",
    "not-applicable",
)
VERDICTS = (PRESENT, PARTIAL, ABSENT, UNDETERMINABLE, NOT_APPLICABLE)
VIOLATION, WARNING, INFO = "violation", "warning", "info"
SEVERITIES = (VIOLATION, WARNING, INFO)
KANA = re.compile("[\u3040-\u30ff]")
ID_NS = "https://w3id.org/fukushi-kg/id/"
ORG_UNIT_OF = rdflib.URIRef("http://www.w3.org/ns/org#unitOf")
SKOS_PREF = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
# The plans whose chapters hold the plans a document embodies (scope rule in shapes/compliance/_common.ttl).
GENERAL_PLANS = {FK.CommunityWelfarePlan, FK.CommunityWelfareActivityPlan}
QUOTE_MARGIN = 30  # characters kept either side of a signal in a quote
TEXT_PROPS = (RDFS.label, DCTERMS.description, FK.subtitle)
# What a reviewer must not misread, added to every reason of such a requirement.
ADDRESSEE_NOTE = {
    "municipality": (
        "これは計画の記載事項ではなく市町村（長）が行う事務であり、関連事項として示します。",
        " This is the municipality's own duty, not content the plan must hold: shown as related content.",
    )
}
DUTY_NOTE = {
    "take-into-account": (
        "国の基本計画の事項は勘案を求められるもので、個々の記載を法律が義務づけるものではありません。",
        " The Act asks the municipality to take the national plan into account; it does not require each item.",
    ),
    "recommendation": (
        "指針による推奨であり、義務ではありません。",
        " A recommendation of a national guideline, not a duty.",
    ),
}


@dataclass(frozen=True)
class Finding:
    """One result of the structural SHACL report."""

    focus: str
    shape: str
    severity: str  # Violation | Warning | Info
    message: dict
    path: str | None = None
    value: str | None = None

    def as_dict(self) -> dict:
        return {
            "focusNode": self.focus,
            "sourceShape": self.shape,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "value": self.value,
        }


@dataclass(frozen=True)
class Evidence:
    element: str
    label: str
    kind: str
    item: str  # the item label (ja) the element shows
    signal: str
    source_file: str | None
    start_line: int | None
    end_line: int | None
    quote: str
    partial: bool = False
    matched: str = ""  # the words of the text that matched the signal (normalised matching may differ in form)

    def as_dict(self) -> dict:
        return {
            "element": self.element,
            "label": self.label,
            "class": self.kind,
            "item": self.item,
            "signal": self.signal,
            "source_file": self.source_file,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "quote": self.quote,
            "partial": self.partial,
            "matched": self.matched,
        }


@dataclass
class Cell:
    requirement: reqs.Requirement
    verdict: str
    severity: str
    reason_ja: str
    reason_en: str
    evidence: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # item labels (ja) the text does not show
    unsupported_tags: list = field(default_factory=list)  # {element, label, tag, note}
    plans: list = field(default_factory=list)  # (iri, label) of the plans the requirement applies to
    findings: list = field(default_factory=list)  # points to confirm: {"kind", "ja", "en"}
    confirm_ja: str = ""  # for an undeterminable cell: what to confirm in the full plan
    confirm_en: str = ""
    auto_verdict: str | None = None  # the automatic verdict when a reviewer's judgement replaced it
    auto_severity: str | None = None
    judgement: dict | None = None  # the reviewer's judgement that governs the cell (server.compliance.judgements)
    version_note: dict | None = None  # the law version the plan was checked against, and later changes


@dataclass
class Row:
    document: str
    label: str
    municipality: str | None
    code: str | None
    municipality_label: dict
    completeness: dict  # {"iri", "label", "concludesAbsence", "source_file", "start_line", "end_line"}
    plans: list  # (iri, label, class local name)
    cells: dict  # requirement id -> Cell
    structure: list  # structural findings about this document
    adoption: dict = field(default_factory=dict)  # the adoption date the law versions are chosen by
    stage: dict = field(default_factory=dict)  # the document's stage as printed (案, 骨子案, 概要版 …)


@dataclass
class Matrix:
    source: str
    requirements: tuple
    rows: list
    report: rdflib.Graph
    findings: list
    unattributed: list
    judgements: list = field(default_factory=list)  # the reviewers' judgements applied (server.compliance.judgements)

    def exit_code(self, fail_on: str = "violation") -> int:
        """1 when a cell is a violation or a structural sh:Violation is shown (with fail_on="warning",
        also when a cell is a warning or a structural sh:Warning is shown); 0 otherwise."""
        cells = {VIOLATION} if fail_on == "violation" else {VIOLATION, WARNING}
        shacl_levels = {"Violation"} if fail_on == "violation" else {"Violation", "Warning"}
        if any(c.severity in cells for row in self.rows for c in row.cells.values()):
            return 1
        shown = [f for row in self.rows for f in row.structure] + self.unattributed
        return 1 if any(f.severity in shacl_levels for f in shown) else 0

    def only(self, code: str) -> "Matrix":
        rows = [r for r in self.rows if r.code == code]
        documents = {r.document for r in rows}
        mine = [j for j in self.judgements if j.document in documents]
        return Matrix(self.source, self.requirements, rows, self.report, self.findings, self.unattributed, mine)


class NothingToCheck(Exception):
    pass


# --- the text of elements ---


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


SENTENCE_END = re.compile(r"(?<=[。．！？\n])")


def _sentences(text: str) -> list:
    return [s for s in (_norm(part) for part in SENTENCE_END.split(text)) if s]


@lru_cache(maxsize=16)
def _seed_lines(source_iri: str) -> tuple:
    try:
        return tuple(source_text_path(source_iri).read_text(encoding="utf-8").splitlines())
    except (OSError, ValueError):
        return ()


def _source_name(source) -> str | None:
    if source is None:
        return None
    text = str(source)
    return f"{text.removeprefix(SOURCE_NS)}.txt" if text.startswith(SOURCE_NS) else text


@lru_cache(maxsize=4096)
def _term_key(term: str) -> str:
    return language.key(_norm(term))


@lru_cache(maxsize=65536)
def _keyed(text: str) -> language.Keyed:
    return language.keyed(text)


def find_term(text: str, term: str) -> tuple | None:
    """(start, end) of the first place `text` holds `term`: on normalised words (server.language, so
    見直し/見直す, 障がい/障害 and inflections meet), else literally. None when it does not."""
    found = _keyed(text).find(_term_key(term))
    if found:
        return found[0]
    literal = _literal(term)
    at = text.find(literal)
    return (at, at + len(literal)) if at >= 0 else None


@lru_cache(maxsize=4096)
def _literal(term: str) -> str:
    return _norm(term)


class Texts:
    """The own text of every element of a graph (labels, descriptions, subtitles), in sentences."""

    def __init__(self, graph: rdflib.Graph):
        self.graph = graph
        self._text: dict = {}
        self._sentences: dict = {}
        self._types: dict = {}
        self._plans: dict = {}

    def _raw(self, node) -> str:
        # A plan's own label names the plan ("再犯防止推進計画"), which says nothing of its content.
        props = TEXT_PROPS[1:] if (node, RDF.type, FK.Plan) in self.graph else TEXT_PROPS
        return "\n".join(str(o) for p in props for o in self.graph.objects(node, p))

    def text(self, node) -> str:
        if node not in self._text:
            self._text[node] = _norm(self._raw(node))
        return self._text[node]

    def sentences(self, node) -> list:
        if node not in self._sentences:
            self._sentences[node] = _sentences(self._raw(node))
        return self._sentences[node]

    def types(self, node) -> set:
        if node not in self._types:
            self._types[node] = set(self.graph.objects(node, RDF.type))
        return self._types[node]

    def plans(self, node) -> set:
        if node not in self._plans:
            self._plans[node] = plans_of(self.graph, node)
        return self._plans[node]

    def joined(self, node) -> str:
        """The sentences one per line: the analyser breaks at line ends, so each is cut as on its own."""
        return "\n".join(self.sentences(node))

    def label(self, node, lang="ja") -> str:
        labels = list(self.graph.objects(node, RDFS.label))
        for lit in labels:
            if getattr(lit, "language", None) == lang:
                return str(lit)
        return str(labels[0]) if labels else local_name(node)

    def kind(self, node) -> str:
        kinds = [local_name(c) for c in self.graph.objects(node, RDF.type) if str(c).startswith(str(FK))]
        for preferred in ("Measure", "Role", "MeasureGroup", "Direction", "PriorityInitiative", "Policy"):
            if preferred in kinds:
                return preferred
        return sorted(kinds)[0] if kinds else ""

    def lines(self, node) -> tuple:
        g = self.graph
        source, start, end = g.value(node, FK.sourceFile), g.value(node, FK.startLine), g.value(node, FK.endLine)
        if source is None or start is None:
            return None, None, None
        return source, int(start), int(end if end is not None else start)

    def quote(self, node, term: str) -> tuple:
        """(source file, start, end, quote, matched words): the seed line(s) within the element's cited
        lines that hold the term, cut to the match and a margin; without seed lines, the element's own text."""
        source, first, last = self.lines(node)
        if source is not None:
            lines = _seed_lines(str(source))
            for n in range(first, min(last, len(lines)) + 1):
                line = lines[n - 1]
                span = find_term(line, term)
                if span is not None:
                    cut = line[max(0, span[0] - QUOTE_MARGIN) : span[1] + QUOTE_MARGIN].strip()
                    return _source_name(source), n, n, cut, line[span[0] : span[1]]
            if lines:
                # The term runs over a line break or a table cell: quote the cited lines whole.
                joined = " ".join(line.strip() for line in lines[first - 1 : last])
                span = find_term(_norm(joined), term)
                if span is not None:
                    return _source_name(source), first, last, joined, _norm(joined)[span[0] : span[1]]
        own = self.text(node)
        span = find_term(own, term) or (0, 0)
        return (
            _source_name(source),
            first,
            last,
            own[max(0, span[0] - QUOTE_MARGIN) : span[1] + QUOTE_MARGIN],
            own[span[0] : span[1]],
        )


# --- scope ---


def document_plans(graph, document) -> list:
    return sorted(graph.objects(document, FK.embodies))


def scope(graph, plans) -> list:
    """Whatever the document prints for its plans: the elements of each (fk:partOf), the activities
    recorded for each (fk:forPlan), the statements it makes about each (fk:aboutPlan: position, ※ notes),
    the issues a review sets for each (fk:carriedBy), and each plan's own description."""
    nodes = set(plans)
    for plan in plans:
        nodes |= set(graph.subjects(FK.partOf, plan)) | set(graph.subjects(FK.forPlan, plan))
        nodes |= set(graph.subjects(FK.aboutPlan, plan)) | set(graph.subjects(FK.carriedBy, plan))
    return sorted(nodes)


def achievements(graph, plans) -> list:
    """The achievements the document reports for the plans the embodied plans succeed (a body already
    set up: 久留米 003:51)."""
    previous = {q for p in plans for q in graph.objects(p, FK.previousPlan)}
    return sorted(n for q in previous for n in graph.subjects(FK.forPlan, q) if (n, RDF.type, FK.Achievement) in graph)


def plans_of(graph, node) -> set:
    """The plans a node belongs to: the plans it is part of, is about or serves (a plan: itself)."""
    if (node, RDF.type, FK.Plan) in graph:
        return {node}
    out = set()
    for prop in (FK.partOf, FK.aboutPlan, FK.carriedBy, FK.forPlan):
        out |= {p for p in graph.objects(node, prop) if (p, RDF.type, FK.Plan) in graph}
    return out


def _narrower_or_self(graph, concept) -> set:
    seen, todo = {concept}, [concept]
    while todo:
        for c in graph.subjects(rdflib.URIRef("http://www.w3.org/2004/02/skos/core#broader"), todo.pop()):
            if c not in seen:
                seen.add(c)
                todo.append(c)
    return seen


# --- one cell ---


def _match(texts: Texts, node, item: reqs.Item, signals, own_kind: bool) -> str | None:
    """The first signal the node's own text holds; with an item context, in a sentence that names the
    context too, unless the node belongs to a plan of the requirement's own kind (the 再犯 chapter is about
    再犯 throughout). An ancestor's words never count."""
    whole = texts.joined(node)
    for signal in signals:
        if find_term(whole, signal) is None:  # one look at the whole text first: most nodes lack most terms
            continue
        for sentence in texts.sentences(node):
            if find_term(sentence, signal) is None:
                continue
            if not item.context or own_kind or any(find_term(sentence, c) for c in item.context):
                return signal
    return None


def find_evidence(texts: Texts, nodes, item: reqs.Item, kinds=None, extra=()) -> tuple:
    """(full evidence, partial evidence, unsupported tags) of one item among the nodes in scope.
    kinds: the plan classes of the requirement; a node that belongs only to embodied plans of other kinds is
    no evidence for it (the 再犯 chapter is not the welfare plan's 107-1-2), while the welfare plan's own
    chapters count for the plans it embodies (they are printed inside them). extra: nodes in scope for this
    item only (the preceding plan's achievements, for fks:inPlace)."""
    g = texts.graph
    full, partial, unsupported = [], [], []
    tagged = set()
    if item.tag is not None and item.tag_property is not None:
        concepts = _narrower_or_self(g, item.tag)
        tagged = {n for n in nodes if any(c in concepts for c in g.objects(n, item.tag_property))}
    nodes = list(nodes) + list(extra)
    if item.evidence_class is not None:
        nodes = [n for n in nodes if item.evidence_class in texts.types(n)]
    kinds = set(kinds or ())
    for node in nodes:
        own = texts.plans(node)
        types = [texts.types(p) for p in own]
        own_kind = any(t & kinds for t in types)
        general = any(t & GENERAL_PLANS for t in types)
        if kinds and own and not own_kind and not general and node not in extra:
            continue
        # Belonging to an embodied plan of the requirement's kind (the 再犯 chapter) stands for the context;
        # belonging to the welfare plan says nothing about the context.
        in_context = any(t & kinds and not t & GENERAL_PLANS for t in types)
        signal = _match(texts, node, item, item.signals, in_context)
        is_partial = False
        if signal is None and item.partial_signals:
            signal = _match(texts, node, item, item.partial_signals, in_context)
            is_partial = signal is not None
        if signal is None:
            if node in tagged:
                unsupported.append(
                    {
                        "element": str(node),
                        "label": texts.label(node),
                        "tag": str(item.tag),
                        "note": "tag not supported by the text",
                        "note_ja": "注記を本文が裏付けない",
                    }
                )
            continue
        source, start, end, quote, matched = texts.quote(node, signal)
        ev = Evidence(
            element=str(node),
            label=texts.label(node),
            kind=texts.kind(node),
            item=item.label.get("ja", ""),
            signal=signal,
            source_file=source,
            start_line=start,
            end_line=end,
            quote=quote,
            partial=is_partial,
            matched=matched,
        )
        (partial if is_partial else full).append(ev)
    order = lambda e: (e.source_file or "", e.start_line or 0, e.element)  # noqa: E731
    return sorted(full, key=order), sorted(partial, key=order), unsupported


def embodied_evidence(texts: Texts, plans_typed: dict, req, item: reqs.Item) -> list:
    """fks:embodiedWith: the document makes the requirement's plan as one with a plan of the named class;
    the evidence is the line that names the requirement's plan among those the document embodies."""
    if item.embodied_with is None or not any(item.embodied_with in t for t in plans_typed.values()):
        return []
    out = []
    for plan, types in sorted(plans_typed.items()):
        if not types & set(req.applies_to):
            continue
        source, start, end = texts.lines(plan)
        name = texts.label(plan)
        quote = " ".join(_seed_lines(str(source))[start - 1 : end]).strip() if source is not None else name
        span = find_term(quote, name)
        out.append(
            Evidence(
                element=str(plan),
                label=name,
                kind=texts.kind(plan),
                item=item.label.get("ja", ""),
                signal=name,
                source_file=_source_name(source),
                start_line=start,
                end_line=end,
                quote=quote,
                matched=quote[span[0] : span[1]] if span else "",
            )
        )
    return out


def severity(duty: str, addressee: str, verdict: str, concludes_absence: bool) -> str:
    """Only a mandatory duty on plan content, absent from a document that can show absence, is a
    violation; statutory content (法定記載事項 of a plan whose making is an effort duty), effort duties
    and recommendations never are; the municipality's own duties outside the plan are related content (info)."""
    if addressee == "municipality" or verdict not in (ABSENT, PARTIAL) or not concludes_absence:
        return INFO
    if duty == "mandatory" and addressee == "plan-content" and verdict == ABSENT:
        return VIOLATION
    if duty in ("mandatory", "statutory-content", "effort"):
        return WARNING
    return INFO


def _reasons(req, verdict, found, missing, completeness, why=None) -> tuple:
    name_ja, name_en = req.label.get("ja", req.key), req.label.get("en", req.key)
    comp_ja, comp_en = (
        completeness.get("label", {}).get("ja", "不明"),
        completeness.get("label", {}).get("en", "unknown"),
    )
    if verdict == NOT_APPLICABLE:
        return (
            f"この文書は{name_ja}の対象となる計画を含まないため対象外です。",
            f"Not applicable: the document embodies no plan that {name_en} applies to.",
        )
    if why == "type-unknown":
        return (
            "本文が計画の種類（法定計画かどうか）を示さないため、この要件が適用されるか判断できません。",
            "Cannot be determined: the text does not say what kind of plan this is, "
            "so whether the requirement applies is unknown.",
        )
    if verdict == PRESENT:
        return (
            f"本文に{len(found)}件の記載があり、{name_ja}の事項がすべて示されています。",
            f"Present: {len(found)} passage(s) of the text show every matter of {name_en}.",
        )
    if verdict == PARTIAL and not missing:
        return (
            "この文書で示せる事項には記載があります。",
            "Partial: what this document can show is present.",
        )
    if verdict == PARTIAL:
        gap_ja = "、".join(missing) if missing else "記載が一部にとどまる事項"
        tail_ja = "" if completeness.get("concludesAbsence") else f"（{comp_ja}のため残りは本文から判断できません）"
        tail_en = "" if completeness.get("concludesAbsence") else f" ({comp_en}: the rest cannot be judged from it)"
        return (
            f"一部のみ記載があります。本文に見当たらないもの：{gap_ja}{tail_ja}。",
            f"Partial: the text shows only part; not found: {', '.join(missing) or 'the matter in full'}{tail_en}.",
        )
    if verdict == UNDETERMINABLE:
        return (
            f"この文書は{comp_ja}であり、記載がないことから計画に欠けているとは言えません。",
            f"Cannot be determined from this document ({comp_en}): silence does not show the plan lacks it.",
        )
    return (
        f"{comp_ja}の本文に{name_ja}の記載が見当たりません。",
        f"Absent: the document ({comp_en}) nowhere mentions {name_en}.",
    )


def _confirm_points(req, labels_ja, labels_en) -> tuple:
    """What a reviewer confirms in the full plan when this document cannot show a matter."""
    ja = "、".join(labels_ja) or req.label.get("ja", req.key)
    en = "; ".join(labels_en) or req.label.get("en", req.key)
    return (
        f"確認事項：計画の全文（本編）または策定後の計画に「{ja}」が記載されているか確認してください（{_cite(req)}）。",
        f"To confirm: whether the full plan (or the plan once adopted) sets out {en} "
        f"({req.provision.label.get('en', '')}).",
    )


def _cite(req) -> str:
    return req.provision.label.get("ja", req.key)


def _plan_lines(texts: Texts, plan) -> str:
    source, start, end = texts.lines(plan)
    if source is None:
        return ""
    return f"{start}行" if start == end else f"{start}-{end}行"


def _element_range(texts: Texts, nodes) -> str:
    lines = [texts.lines(n) for n in nodes if (n, RDF.type, FK.PlanElement) in texts.graph]
    lines = [(a, b) for _, a, b in lines if a is not None]
    return f"{min(a for a, _ in lines)}-{max(b for _, b in lines)}行" if lines else ""


def evaluate_cell(
    texts: Texts, document, plans_typed: dict, req: reqs.Requirement, completeness: dict, nodes=None
) -> Cell:
    """One document × requirement. plans_typed: plan IRI -> set of its classes; nodes: the document's
    scope, when the caller has it already."""
    g = texts.graph
    applicable = [p for p, types in plans_typed.items() if types & set(req.applies_to)]
    concludes = bool(completeness.get("concludesAbsence"))
    base = dict(plans=[(str(p), texts.label(p)) for p in applicable])
    if not applicable:
        untyped = [p for p in plans_typed if (p, FK.unstated, RDF.type) in g]
        verdict = UNDETERMINABLE if untyped else NOT_APPLICABLE
        ja, en = _reasons(req, verdict, [], [], completeness, "type-unknown" if untyped else None)
        return Cell(req, verdict, INFO, ja, en, **base)
    if nodes is None:
        nodes = scope(g, list(plans_typed))  # one rule for every requirement: the whole document
    is_draft = (document, FK.draftStatus, None) in g
    evidence, missing, undetermined, unsupported, any_partial = [], [], [], [], False
    missing_en = []
    found_items = 0
    for item in req.items:
        extra = achievements(g, list(plans_typed)) if item.in_place else ()
        full, partial, tags = find_evidence(texts, nodes, item, req.applies_to, extra)
        full = embodied_evidence(texts, plans_typed, req, item) + full
        unsupported += tags
        if full:
            found_items += 1
            evidence += full
        elif item.after_adoption and (is_draft or not concludes):
            undetermined.append(item.label.get("ja", ""))
        else:
            missing.append(item.label.get("ja", ""))
            missing_en.append(item.label.get("en", ""))
            if partial:
                any_partial = True
                evidence += partial
    if found_items == len(req.items):
        verdict = PRESENT
    elif found_items or any_partial:
        verdict = PARTIAL
    else:
        verdict = ABSENT if concludes and not undetermined else UNDETERMINABLE
    ja, en = _reasons(req, verdict, evidence, missing, completeness)
    ja, en = (
        ja + ADDRESSEE_NOTE.get(req.addressee.code, ("", ""))[0],
        en + ADDRESSEE_NOTE.get(req.addressee.code, ("", ""))[1],
    )
    ja, en = ja + DUTY_NOTE.get(req.duty.code, ("", ""))[0], en + DUTY_NOTE.get(req.duty.code, ("", ""))[1]
    if undetermined:
        ja += f"（{'、'.join(undetermined)}は策定後にしか示せないため、この文書からは判断できません。）"
        en += f" ({', '.join(item.label.get('en', '') for item in req.items if item.after_adoption)}: only a plan "
        en += "already made can show it, so this document cannot.)"
    sev = severity(req.duty.code, req.addressee.code, verdict, concludes) if missing or verdict == ABSENT else INFO
    findings = []
    in_place = [e for e in evidence if (rdflib.URIRef(e.element), RDF.type, FK.Achievement) in g]
    if any(item.embodied_with is not None for item in req.items) and verdict == PRESENT:
        ja += "（この計画は地域福祉計画と同じ文書で一体的に策定されています：文書が両方を具現する。）"
        en += " (This plan is made as one with the community welfare plan: the document embodies both.)"
    if in_place:
        ja += "（前計画の成果として既に設置・実施済みと本文にあります。）"
        en += " (The text reports it as already in place, an achievement of the preceding plan.)"
    if (
        verdict == PRESENT
        and req.source.code == "statute"
        and req.addressee.code != "municipality"
        and len({e.element for e in evidence}) == 1
        and len({e.signal for e in evidence}) == 1
        and not any(item.embodied_with is not None for item in req.items)  # a structural fact, not a word
    ):
        sev = WARNING if sev == INFO else sev
        findings.append(
            {
                "kind": "single-signal",
                "ja": "要確認：判定は1か所の記載の1語だけに基づきます。"
                "その記載が要件の内容を満たすか確認してください。",
                "en": "To confirm: the verdict rests on a single passage and a single term; "
                "check that it meets the requirement.",
            }
        )
    if req.embodiment_check and not evidence and verdict in (UNDETERMINABLE, ABSENT):
        plans = [p for p in applicable]
        where = "、".join(f"{texts.label(p)}（{_plan_lines(texts, p)}）" for p in plans)
        span = _element_range(texts, nodes)
        sev = WARNING if sev == INFO else sev
        findings.append(
            {
                "kind": "embodied-plan-without-elements",
                "ja": f"要確認：文書は{where}を内包すると述べていますが、"
                f"施策・取組（{span}）にそれに当たるものが見当たりません。計画の内容がどこに書かれているか確認してください。",
                "en": f"To confirm: the document says it embodies {', '.join(texts.label(p, 'en') for p in plans)}, "
                f"but none of its measures (lines {span.removesuffix('行')}) serves it. Where is that plan's content?",
            }
        )
    if verdict == PARTIAL and concludes and req.duty.code == "statutory-content":
        findings.append(
            {
                "kind": "statutory-item-partly-present",
                "ja": "要確認：法定記載事項が完全な文書に一部しか記載されていません。"
                "計画の策定は努力義務のため違反ではありませんが、不足を確認してください。",
                "en": "To confirm: a statutory item is only partly present in a complete document; not a violation "
                "(making the plan is an effort duty), but the gap should be checked.",
            }
        )
    confirm = _confirm_points(req, missing or [i.label.get("ja", "") for i in req.items], missing_en)
    return Cell(
        req,
        verdict,
        sev,
        ja,
        en,
        evidence=evidence,
        missing=missing if verdict != PRESENT else [],
        unsupported_tags=unsupported,
        findings=findings,
        confirm_ja=confirm[0] if verdict == UNDETERMINABLE else "",
        confirm_en=confirm[1] if verdict == UNDETERMINABLE else "",
        **base,
    )


# --- the run ---


def read_findings(report: rdflib.Graph) -> list:
    nested = set(report.objects(None, SH.detail))  # sh:node's inner results; the outer one counts
    out = []
    for r in set(report.subjects(RDF.type, SH.ValidationResult)) - nested:
        sev = report.value(r, SH.resultSeverity)
        path, value = report.value(r, SH.resultPath), report.value(r, SH.value)
        out.append(
            Finding(
                focus=str(report.value(r, SH.focusNode)),
                shape=str(report.value(r, SH.sourceConstraint) or report.value(r, SH.sourceShape)),
                severity=local_name(sev) if sev is not None else "Violation",
                message=_messages(report, r),
                path=str(path) if isinstance(path, rdflib.URIRef) else None,
                value=str(value) if value is not None else None,
            )
        )
    return sorted(out, key=lambda f: (f.focus, f.shape, f.severity))


def _messages(report: rdflib.Graph, result) -> dict:
    """Messages by language. pySHACL drops the language tag of a message whose {?var} it filled in,
    so an untagged one is Japanese when it has kana and English if not."""
    out = {}
    for lit in report.objects(result, SH.resultMessage):
        lang = getattr(lit, "language", None) or ("ja" if KANA.search(str(lit)) else "en")
        out.setdefault(lang, str(lit))
    return out


def completeness_of(graph, texts: Texts, document) -> dict:
    node = graph.value(document, FK.completeness)
    if node is None:
        return {"iri": None, "label": {"ja": "完全性不明", "en": "Completeness unknown"}, "concludesAbsence": False}
    flag = graph.value(node, FK.concludesAbsence)
    return {
        "iri": str(node),
        "label": reqs.texts(graph, node, RDFS.label),
        "concludesAbsence": bool(flag.toPython()) if flag is not None else False,
    }


def evaluate(graph: rdflib.Graph, source: str, workers: int = 1, draft: bool = False, judgements=None) -> Matrix:
    """Check every document of a materialised graph. Raises NothingToCheck without documents.
    A draft is held to the draft profile of the structural shapes (shapes/draft/). The reviewers'
    judgements (data/compliance/judgements.tsv unless given; none for a draft) are put on their cells."""
    requirements = reqs.requirements()
    documents = sorted(graph.subjects(RDF.type, FK.PlanDocument))
    if not documents:
        raise NothingToCheck(
            "no fk:PlanDocument: a plan is checked through the document that embodies it (fk:embodies)"
        )
    structure = reqs.draft_structure_shapes() if draft else reqs.structure_shapes()
    report = shacl.validate(graph, structure, workers)
    findings = read_findings(report)
    texts = Texts(graph)
    owners = _owners(graph, documents)
    rows, attributed = [], set()
    for document in documents:
        plans_typed = {p: set(graph.objects(p, RDF.type)) for p in document_plans(graph, document)}
        completeness = completeness_of(graph, texts, document)
        nodes = scope(graph, list(plans_typed))
        cells = {r.key: evaluate_cell(texts, document, plans_typed, r, completeness, nodes) for r in requirements}
        adopted = versions.adoption(graph, list(plans_typed))
        for cell in cells.values():
            cell.version_note = versions.note(cell.requirement.provision, adopted)
        mine = [f for f in findings if owners.get(f.focus) == document or _by_iri(f.focus, graph, document)]
        attributed.update(id(f) for f in mine)
        rows.append(_row(graph, texts, document, completeness, plans_typed, cells, mine))
        rows[-1].adoption = adopted
    rows.sort(key=lambda r: (r.code or "", r.document))
    unattributed = [f for f in findings if id(f) not in attributed]
    if len(rows) == 1 and unattributed:  # a draft: whatever is wrong in it belongs to its one document
        rows[0].structure += unattributed
        unattributed = []
    matrix = Matrix(source, requirements, rows, report, findings, unattributed)
    if judgements is None:
        judgements = [] if draft else judged.read_judgements(requirement_ids={r.key for r in requirements})
    apply_judgements(matrix, judgements, graph)
    matrix.judgements = list(judgements)
    return matrix


def apply_judgements(matrix, judgements, graph=None) -> None:
    """Put each judgement on its cells: the automatic verdict and severity are kept (auto_verdict,
    auto_severity); the reviewer's verdict becomes the cell's. A plan-type judgement makes each cell whose
    requirement does not apply to that type not applicable, and says where the municipality's own plan
    must be looked for."""
    by_doc: dict = {}
    for j in judgements:
        by_doc.setdefault(j.document, []).append(j)
    for row in matrix.rows:
        mine = by_doc.get(row.document, [])
        plan_type = next((j for j in mine if j.kind == "plan-type"), None)
        for key, cell in row.cells.items():
            j = next((x for x in mine if x.requirement == key), None)
            if j is None and plan_type is not None:
                if rdflib.URIRef(plan_type.plan_type) in cell.requirement.applies_to:
                    continue
                j = plan_type
            if j is None:
                continue
            cell.auto_verdict, cell.auto_severity = cell.verdict, cell.severity
            cell.judgement = j.as_dict()
            if j.kind == "plan-type":
                cell.verdict, cell.severity = NOT_APPLICABLE, INFO
                type_ja = judged.type_label(graph, j.plan_type)
                cell.reason_ja = (
                    f"対象外（レビュー担当者の判断）：この文書は{type_ja}と読めるため、"
                    f"{cell.requirement.provision.label.get('ja', '')}の市町村の義務はこの計画を拘束しません。"
                    f"根拠の行：{' '.join(j.lines)}（判断の理由はレビューの記録にあります）。"
                    "市町村自身の計画（社会福祉法第107条の地域福祉計画など）を別に確認してください。"
                )
                cell.reason_en = (
                    f"Not applicable (reviewer's judgement): the document reads as a {judged.local(j.plan_type)}, "
                    f"which the municipal duties of {cell.requirement.provision.label.get('en', '')} do not bind "
                    f"(lines {' '.join(j.lines)}). Look for the municipality's own plan (Art. 107 welfare plan)."
                )
                cell.findings = [
                    {
                        "kind": "municipal-plan-needed",
                        "ja": "確認事項：市町村自身の地域福祉計画（社会福祉法第107条）を確認してください。",
                        "en": "To confirm: the municipality's own community welfare plan (Art. 107).",
                    }
                ]
                cell.confirm_ja = cell.confirm_en = ""
            else:
                cell.verdict = j.verdict
                concludes = bool(row.completeness.get("concludesAbsence"))
                req = cell.requirement
                cell.severity = severity(req.duty.code, req.addressee.code, j.verdict, concludes)
                cell.reason_ja = (
                    f"レビュー担当者の判断：{j.reason}（{' '.join(j.lines)}）" + " 自動判定：" + cell.reason_ja
                )
                cell.reason_en = f"Reviewer's judgement (lines {' '.join(j.lines)}). Automatic: " + cell.reason_en


def _owners(graph: rdflib.Graph, documents) -> dict:
    """Which document each node belongs to, for placing structural results in a row."""
    owner = {}
    for document in documents:
        plans = set(document_plans(graph, document))
        plans |= {q for p in plans for q in graph.objects(p, FK.previousPlan)}
        nodes = {document} | set(scope(graph, sorted(plans)))
        for p in plans:
            nodes |= set(graph.subjects(FK.indicatorOf, p)) | set(graph.objects(p, FK.period))
        municipality = graph.value(document, FK.municipality)
        if municipality is not None:
            nodes |= {municipality} | set(graph.subjects(FK.municipality, municipality))
            nodes |= set(graph.subjects(ORG_UNIT_OF, municipality))
        for node in nodes:
            owner.setdefault(str(node), document)
    return owner


def _code(graph, document) -> str | None:
    municipality = graph.value(document, FK.municipality)
    code = graph.value(municipality, FK.localGovernmentCode) if municipality is not None else None
    return str(code) if code is not None else None


def _by_iri(focus: str, graph: rdflib.Graph, document) -> bool:
    """Bundled data names everything of a municipality under https://w3id.org/fukushi-kg/id/<code>/."""
    code = _code(graph, document)
    return bool(code) and focus.startswith(f"{ID_NS}{code}/")


def _row(graph, texts, document, completeness, plans_typed, cells, structure) -> Row:
    municipality = graph.value(document, FK.municipality)
    plans = []
    for plan, types in sorted(plans_typed.items()):
        kinds = sorted(local_name(c) for c in types if str(c).startswith(str(FK)) and local_name(c) != "Plan")
        plans.append((str(plan), texts.label(plan), kinds[0] if kinds else "Plan"))
    return Row(
        document=str(document),
        label=texts.label(document),
        municipality=str(municipality) if municipality is not None else None,
        code=_code(graph, document),
        municipality_label=reqs.texts(graph, municipality, RDFS.label) if municipality is not None else {},
        completeness=completeness,
        plans=plans,
        cells=cells,
        structure=sorted(structure, key=lambda f: (f.focus, f.shape)),
        stage=_stage(graph, document),
    )


def _stage(graph, document) -> dict:
    status = graph.value(document, FK.draftStatus)
    if status is None:
        return {"ja": "段階の表示なし（確定版または不明）", "en": "no stage printed (final or unknown)"}
    return reqs.texts(graph, status, SKOS_PREF) or reqs.texts(graph, status, RDFS.label)
