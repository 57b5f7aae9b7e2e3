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

from server.compliance import requirements as reqs
from server.compliance import shacl
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
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
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


@dataclass
class Matrix:
    source: str
    requirements: tuple
    rows: list
    report: rdflib.Graph
    findings: list
    unattributed: list

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
        return Matrix(self.source, self.requirements, rows, self.report, self.findings, self.unattributed)


class NothingToCheck(Exception):
    pass


# --- the text of elements ---


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


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


class Texts:
    """The own text of every element of a graph (labels, descriptions, subtitles) and its ancestors."""

    def __init__(self, graph: rdflib.Graph):
        self.graph = graph
        self._text: dict = {}

    def text(self, node) -> str:
        if node not in self._text:
            # A plan's own label names the plan ("再犯防止推進計画"), which says nothing of its content.
            props = TEXT_PROPS[1:] if (node, RDF.type, FK.Plan) in self.graph else TEXT_PROPS
            parts = [str(o) for p in props for o in self.graph.objects(node, p)]
            self._text[node] = _norm("\n".join(parts))
        return self._text[node]

    def ancestors_text(self, node) -> str:
        out, seen, todo = [], set(), list(self.graph.objects(node, FK.parent))
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            out.append(self.text(n))
            todo.extend(self.graph.objects(n, FK.parent))
        return "".join(out)

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

    def quote(self, node, signal: str) -> tuple:
        """(source file, start, end, quote): the seed line(s) within the element's cited lines that
        hold the signal, cut to the signal and a margin; without seed lines, the element's own text."""
        g = self.graph
        source, start, end = g.value(node, FK.sourceFile), g.value(node, FK.startLine), g.value(node, FK.endLine)
        if source is not None and start is not None:
            lines = _seed_lines(str(source))
            first, last = int(start), int(end if end is not None else start)
            for n in range(first, min(last, len(lines)) + 1):
                line = lines[n - 1]
                at = line.find(signal)
                if at >= 0:
                    cut = line[max(0, at - QUOTE_MARGIN) : at + len(signal) + QUOTE_MARGIN].strip()
                    return _source_name(source), n, n, cut
            if lines:
                # The signal runs over a line break or a table cell: quote the cited lines whole.
                joined = " ".join(line.strip() for line in lines[first - 1 : last])
                if signal in _norm(joined):
                    return _source_name(source), first, last, joined
        own = self.text(node)
        at = own.find(signal)
        return (
            _source_name(source),
            int(start) if start is not None else None,
            int(end) if end is not None else None,
            own[max(0, at - QUOTE_MARGIN) : at + len(signal) + QUOTE_MARGIN],
        )


# --- scope ---


def document_plans(graph, document) -> list:
    return sorted(graph.objects(document, FK.embodies))


def scope(graph, plans) -> list:
    """Whatever the document prints for its plans: the elements of each (fk:partOf), the activities
    recorded for each (fk:forPlan), and each plan's own description."""
    nodes = set(plans)
    for plan in plans:
        nodes |= set(graph.subjects(FK.partOf, plan)) | set(graph.subjects(FK.forPlan, plan))
    return sorted(nodes)


def _narrower_or_self(graph, concept) -> set:
    seen, todo = {concept}, [concept]
    while todo:
        for c in graph.subjects(rdflib.URIRef("http://www.w3.org/2004/02/skos/core#broader"), todo.pop()):
            if c not in seen:
                seen.add(c)
                todo.append(c)
    return seen


# --- one cell ---


def _match(texts: Texts, node, item: reqs.Item, signals) -> str | None:
    own = texts.text(node)
    signal = next((s for s in signals if _norm(s) in own), None)
    if signal is None:
        return None
    if item.context and not any(c in own or c in texts.ancestors_text(node) for c in item.context):
        return None
    return signal


def find_evidence(texts: Texts, nodes, item: reqs.Item) -> tuple:
    """(full evidence, partial evidence, unsupported tags) of one item among the nodes in scope."""
    full, partial, unsupported = [], [], []
    tagged = set()
    if item.tag is not None and item.tag_property is not None:
        concepts = _narrower_or_self(texts.graph, item.tag)
        tagged = {n for n in nodes if any(c in concepts for c in texts.graph.objects(n, item.tag_property))}
    if item.evidence_class is not None:
        nodes = [n for n in nodes if (n, RDF.type, item.evidence_class) in texts.graph]
    for node in nodes:
        signal = _match(texts, node, item, item.signals)
        is_partial = False
        if signal is None and item.partial_signals:
            signal = _match(texts, node, item, item.partial_signals)
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
        source, start, end, quote = texts.quote(node, signal)
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
        )
        (partial if is_partial else full).append(ev)
    order = lambda e: (e.source_file or "", e.start_line or 0, e.element)  # noqa: E731
    return sorted(full, key=order), sorted(partial, key=order), unsupported


def severity(duty: str, addressee: str, verdict: str, concludes_absence: bool) -> str:
    """Only a mandatory duty on plan content, absent from a document that can show absence, is a
    violation; effort duties and recommendations never are; the municipality's own duties outside
    the plan are related content (info)."""
    if addressee == "municipality" or verdict not in (ABSENT, PARTIAL) or not concludes_absence:
        return INFO
    if duty == "mandatory" and addressee == "plan-content" and verdict == ABSENT:
        return VIOLATION
    if duty in ("mandatory", "effort"):
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
    found_items = 0
    for item in req.items:
        full, partial, tags = find_evidence(texts, nodes, item)
        unsupported += tags
        if full:
            found_items += 1
            evidence += full
        elif item.after_adoption and (is_draft or not concludes):
            undetermined.append(item.label.get("ja", ""))
        else:
            missing.append(item.label.get("ja", ""))
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
    return Cell(
        req,
        verdict,
        sev,
        ja,
        en,
        evidence=evidence,
        missing=missing if verdict != PRESENT else [],
        unsupported_tags=unsupported,
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


def evaluate(graph: rdflib.Graph, source: str, workers: int = 1, draft: bool = False) -> Matrix:
    """Check every document of a materialised graph. Raises NothingToCheck without documents.
    A draft is held to the draft profile of the structural shapes (shapes/draft/)."""
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
        mine = [f for f in findings if owners.get(f.focus) == document or _by_iri(f.focus, graph, document)]
        attributed.update(id(f) for f in mine)
        rows.append(_row(graph, texts, document, completeness, plans_typed, cells, mine))
    rows.sort(key=lambda r: (r.code or "", r.document))
    unattributed = [f for f in findings if id(f) not in attributed]
    if len(rows) == 1 and unattributed:  # a draft: whatever is wrong in it belongs to its one document
        rows[0].structure += unattributed
        unattributed = []
    return Matrix(source, requirements, rows, report, findings, unattributed)


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
    )
