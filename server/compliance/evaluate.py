"""A validation run: the structural and compliance shapes on one materialised graph, turned into a
matrix of documents (rows) × requirements (columns) with the evidence for each cell.
"""

import re
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import RDF, RDFS, SH

from server.compliance import requirements as reqs
from server.compliance import shacl
from server.compliance.evidence import FK, Evidence, EvidenceFinder
from server.compliance.requirements import local_name

KANA = re.compile("[\u3040-\u30ff]")
SATISFIED, PARTLY, MISSING, NOT_APPLICABLE = "satisfied", "partly", "missing", "not-applicable"
STATUSES = (SATISFIED, PARTLY, MISSING, NOT_APPLICABLE)
RANK = {SATISFIED: 0, NOT_APPLICABLE: 0, PARTLY: 1, MISSING: 2}
ID_NS = "https://w3id.org/fukushi-kg/id/"
ORG_UNIT_OF = rdflib.URIRef("http://www.w3.org/ns/org#unitOf")


@dataclass(frozen=True)
class Finding:
    """One result of the SHACL report."""

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


@dataclass
class ItemResult:
    item: reqs.Item
    met: bool
    evidence: list
    finding: Finding | None = None


@dataclass
class PlanResult:
    plan: str
    label: str
    status: str
    items: list
    partly_evidence: list = field(default_factory=list)


@dataclass
class Cell:
    requirement: reqs.Requirement
    status: str
    plans: list = field(default_factory=list)  # PlanResult, one per plan the requirement applies to
    findings: list = field(default_factory=list)  # the structure cell: its results

    def missing_items(self) -> list:
        return [r.item for p in self.plans for r in p.items if not r.met]


@dataclass
class Row:
    document: str
    label: str
    municipality: str | None
    code: str | None
    municipality_label: dict
    plans: list  # (iri, label, class local name)
    cells: dict  # requirement key -> Cell


@dataclass
class Matrix:
    source: str
    requirements: tuple
    rows: list
    report: rdflib.Graph
    findings: list  # every result
    unattributed: list  # results that belong to no row

    def shown_findings(self) -> list:
        mine = [f for row in self.rows for f in row.cells[structure_key(self)].findings] if self.rows else []
        compliance = [
            f
            for row in self.rows
            for cell in row.cells.values()
            for p in cell.plans
            for r in p.items
            if r.finding is not None
            for f in [r.finding]
        ]
        return mine + compliance + self.unattributed

    def exit_code(self, fail_on: str = "violation") -> int:
        """0 when no shown result is a sh:Violation (or, with fail_on="warning", a sh:Warning either)."""
        failing = {"Violation"} if fail_on == "violation" else {"Violation", "Warning"}
        return 1 if any(f.severity in failing for f in self.shown_findings()) else 0

    def only(self, code: str) -> "Matrix":
        rows = [r for r in self.rows if r.code == code]
        return Matrix(self.source, self.requirements, rows, self.report, self.findings, self.unattributed)


def structure_key(matrix: Matrix) -> str:
    return next(r.key for r in matrix.requirements if r.is_structure)


def read_findings(report: rdflib.Graph) -> list:
    nested = set(report.objects(None, SH.detail))  # sh:node's inner results; the outer one counts
    out = []
    for r in set(report.subjects(RDF.type, SH.ValidationResult)) - nested:
        severity = report.value(r, SH.resultSeverity)
        path, value = report.value(r, SH.resultPath), report.value(r, SH.value)
        out.append(
            Finding(
                focus=str(report.value(r, SH.focusNode)),
                shape=str(report.value(r, SH.sourceConstraint) or report.value(r, SH.sourceShape)),
                severity=local_name(severity) if severity is not None else "Violation",
                message=_messages(report, r),
                path=str(path) if isinstance(path, rdflib.URIRef) else None,
                value=str(value) if value is not None else None,
            )
        )
    return sorted(out, key=lambda f: (f.focus, f.shape, f.severity))


def _messages(report: rdflib.Graph, result) -> dict:
    """Messages by language. pySHACL drops the language tag of a message whose {?var} it filled in,
    so an untagged one is Japanese when it has kana (every Japanese sentence does) and English if not."""
    out = {}
    for lit in report.objects(result, SH.resultMessage):
        lang = getattr(lit, "language", None) or ("ja" if KANA.search(str(lit)) else "en")
        out.setdefault(lang, str(lit))
    return out


def evaluate(graph: rdflib.Graph, source: str, workers: int = 1, draft: bool = False) -> Matrix:
    """Validate a materialised graph and build the matrix. Raises NothingToCheck without documents.
    A draft is held to the draft profile of the structural shapes (shapes/draft/)."""
    shapes, requirements = reqs.load()
    structure = reqs.draft_structure_shapes() if draft else reqs.structure_shapes()
    report = shacl.validate(graph, structure, reqs.compliance_shapes(), workers)
    findings = read_findings(report)
    documents = sorted(graph.subjects(RDF.type, FK.PlanDocument))
    if not documents:
        raise NothingToCheck(
            "no fk:PlanDocument: a plan is checked through the document that embodies it (fk:embodies)"
        )
    finder = EvidenceFinder(graph)
    # A requirement's SPARQL constraint reports each missing item as sh:value of a result on the plan.
    constraints = {str(c): req for req in requirements if not req.is_structure for c in _constraints(shapes, req)}
    by_plan_item = {(f.focus, constraints[f.shape].key, f.value): f for f in findings if f.shape in constraints}
    structural = [f for f in findings if f.shape not in constraints]
    owners = _owners(graph, documents, finder)

    rows, attributed = [], set()
    for document in documents:
        cells = {}
        for req in requirements:
            if req.is_structure:
                mine = [f for f in structural if owners.get(f.focus) == document or _by_iri(f.focus, graph, document)]
                attributed.update(id(f) for f in mine)
                cells[req.key] = _structure_cell(req, mine)
            else:
                plans = [p for p in finder.document_plans(document) if (p, RDF.type, req.applies_to) in graph]
                cells[req.key] = _cell(req, plans, by_plan_item, finder)
        rows.append(_row(graph, document, finder, cells))
    rows.sort(key=lambda r: (r.code or "", r.document))
    unattributed = [f for f in structural if id(f) not in attributed]
    if len(rows) == 1 and unattributed:  # a draft: whatever is wrong in it belongs to its one document
        cell = rows[0].cells[next(r.key for r in requirements if r.is_structure)]
        rows[0].cells[cell.requirement.key] = _structure_cell(cell.requirement, cell.findings + unattributed)
        unattributed = []
    return Matrix(source, requirements, rows, report, findings, unattributed)


class NothingToCheck(Exception):
    pass


def _constraints(shapes: rdflib.Graph, req) -> list:
    """The requirement shape and its SPARQL constraints: what a result names as its source."""
    return [req.iri, *shapes.objects(req.iri, SH.sparql)]


def _cell(req, plans, by_plan_item, finder) -> Cell:
    if not plans:
        return Cell(req, NOT_APPLICABLE)
    results = []
    for plan in plans:
        items = []
        for item in req.items:
            finding = by_plan_item.get((str(plan), req.key, str(item.value)))
            items.append(ItemResult(item, finding is None, finder.for_item(item, plan), finding))
        met = sum(r.met for r in items)
        partly = finder.partly(req.partly_query, plan) if req.partly_query and met == 0 else []
        if met == len(items):
            status = SATISFIED
        elif met or partly:
            status = PARTLY
        else:
            status = MISSING
        results.append(PlanResult(str(plan), finder.label(plan), status, items, partly))
    worst = max((p.status for p in results), key=RANK.get)
    return Cell(req, worst, results)


def _structure_cell(req, findings) -> Cell:
    failing = any(f.severity == "Violation" for f in findings)
    return Cell(req, MISSING if failing else SATISFIED, findings=sorted(findings, key=lambda f: (f.focus, f.shape)))


def _owners(graph: rdflib.Graph, documents, finder) -> dict:
    """Which document each node belongs to, for placing structural results in a row."""
    owner = {}
    for document in documents:
        plans = set(finder.document_plans(document))
        plans |= {q for p in plans for q in graph.objects(p, FK.previousPlan)}
        nodes = {document} | plans | finder.elements_of(plans)
        for p in plans:
            nodes |= set(graph.subjects(FK.forPlan, p)) | set(graph.subjects(FK.indicatorOf, p))
            nodes |= set(graph.objects(p, FK.period))
        municipality = graph.value(document, FK.municipality)
        if municipality is not None:
            nodes |= {municipality} | set(graph.subjects(FK.municipality, municipality))
            nodes |= set(graph.subjects(ORG_UNIT_OF, municipality))
        for node in nodes:
            owner.setdefault(str(node), document)
    return owner


def _by_iri(focus: str, graph: rdflib.Graph, document) -> bool:
    """Bundled data names everything of a municipality under https://w3id.org/fukushi-kg/id/<code>/."""
    code = _code(graph, document)
    return bool(code) and focus.startswith(f"{ID_NS}{code}/")


def _code(graph, document) -> str | None:
    municipality = graph.value(document, FK.municipality)
    if municipality is None:
        return None
    code = graph.value(municipality, FK.localGovernmentCode)
    return str(code) if code is not None else None


def _row(graph, document, finder, cells) -> Row:
    municipality = graph.value(document, FK.municipality)
    plans = []
    for plan in finder.document_plans(document):
        kinds = [local_name(c) for c in graph.objects(plan, RDF.type) if str(c).startswith(str(FK))]
        kind = next((k for k in kinds if k != "Plan"), "Plan")
        plans.append((str(plan), finder.label(plan), kind))
    return Row(
        document=str(document),
        label=finder.label(document),
        municipality=str(municipality) if municipality is not None else None,
        code=_code(graph, document),
        municipality_label=reqs.texts(graph, municipality, RDFS.label) if municipality is not None else {},
        plans=plans,
        cells=cells,
    )


__all__ = ["Evidence", "Matrix", "Row", "Cell", "evaluate", "NothingToCheck", "STATUSES"]
