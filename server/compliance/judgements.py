"""The reviewers' judgements on the compliance matrix (data/compliance/judgements.tsv, described for CSVW by
judgements.tsv-metadata.json beside it).

A row judges one cell (document + requirement + verdict) or the type of a whole plan document (plan_type:
小田原市's text is a 社協 地域福祉活動計画, so no municipal duty binds it). The matrix keeps the automatic verdict
beside the reviewer's and uses the reviewer's (server.compliance.evaluate.apply_judgements). prov_graph()
publishes the rows as PROV.
"""

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, RDFS, XSD

from server.datafile import DataFileError
from server.paths import BASE_IRI, DATA_DIR

JUDGEMENTS_FILE = DATA_DIR / "compliance" / "judgements.tsv"
COLUMNS = ("document", "requirement", "verdict", "plan_type", "reviewer", "date", "reason", "lines")
CELL_VERDICTS = ("present", "partial", "absent", "undeterminable", "not-applicable")
ID_NS = BASE_IRI + "id/"
ONTOLOGY_NS = BASE_IRI + "ontology#"
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
FKS = rdflib.Namespace("https://w3id.org/fukushi-kg/shapes#")
LINES = re.compile(r"^[0-9]{3}:[0-9]+(-[0-9]+)?$")


@dataclass(frozen=True)
class Judgement:
    document: str  # IRI
    requirement: str  # "" for a judgement on the plan type
    verdict: str  # "" for a judgement on the plan type
    plan_type: str  # IRI of the plan class, or ""
    reviewer: str
    date: str  # ISO date
    reason: str
    lines: tuple  # ("001:28", …)
    line: int  # in the file

    @property
    def kind(self) -> str:
        return "plan-type" if self.plan_type else "cell"

    @property
    def iri(self) -> str:
        digest = hashlib.sha1(f"{self.document}\t{self.requirement}".encode()).hexdigest()[:16]
        return f"{self.document.rsplit('/', 1)[0]}/judgement/{digest}"

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "iri": self.iri,
            "verdict": self.verdict or None,
            "plan_type": self.plan_type or None,
            "reviewer": self.reviewer,
            "date": self.date,
            "reason": self.reason,
            "lines": list(self.lines),
        }


def read_judgements(path: Path | None = None, requirement_ids=None) -> list:
    """Parse the judgements table; a malformed row raises DataFileError naming the file and line."""
    path = Path(path) if path else JUDGEMENTS_FILE
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise DataFileError(path, 1, f"見出し行は次のとおりにしてください / the header must be: {' '.join(COLUMNS)}")
    out, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not row or row[0].startswith("#"):
            continue
        if len(row) != len(COLUMNS):
            raise DataFileError(
                path, number, f"列が{len(row)}個あります（{len(COLUMNS)}個必要）/ expected {len(COLUMNS)} columns"
            )
        v = dict(zip(COLUMNS, (x.strip() for x in row), strict=True))
        j = Judgement(
            document=ID_NS + v["document"] if not v["document"].startswith("http") else v["document"],
            requirement=v["requirement"],
            verdict=v["verdict"],
            plan_type=ONTOLOGY_NS + v["plan_type"] if v["plan_type"] else "",
            reviewer=v["reviewer"],
            date=v["date"],
            reason=v["reason"],
            lines=tuple(v["lines"].split()),
            line=number,
        )
        problem = _problem(j, requirement_ids)
        if problem:
            raise DataFileError(path, number, problem)
        key = (j.document, j.requirement)
        if key in seen:
            raise DataFileError(path, number, f"同じセルへの2つ目の判断です（最初は{seen[key]}行）/ a second judgement")
        seen[key] = number
        out.append(j)
    return out


def _problem(j: Judgement, requirement_ids) -> str | None:
    if not j.reviewer or not j.reason:
        return "判断者（reviewer）と理由（reason）が必要です / reviewer and reason are required"
    try:
        date.fromisoformat(j.date)
    except ValueError:
        return f"date は 2026-12-04 の形式にしてください / date must be an ISO date, not {j.date!r}"
    if bool(j.plan_type) == bool(j.requirement):
        return "plan_type（文書全体）か requirement と verdict（1つのセル）のどちらか一方を書いてください"
    if j.requirement and j.verdict not in CELL_VERDICTS:
        return f"verdict は {', '.join(CELL_VERDICTS)} のいずれかです / not {j.verdict!r}"
    if j.plan_type and j.verdict:
        return "plan_type の判断に verdict は書きません / a plan-type judgement has no verdict"
    if requirement_ids is not None and j.requirement and j.requirement not in requirement_ids:
        return f"要件 {j.requirement!r} はありません / unknown requirement"
    bad = [x for x in j.lines if not LINES.match(x)]
    if bad:
        return f"lines は 001:28 の形式で書いてください / lines must read like 001:28, not {' '.join(bad)}"
    return None


def local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def type_label(graph, iri: str) -> str:
    if graph is not None:
        for lit in graph.objects(rdflib.URIRef(iri), RDFS.label):
            if getattr(lit, "language", None) == "ja":
                return f"「{lit}」"
    return local(iri)


def prov_graph(judgements) -> rdflib.Graph:
    """Each judgement as PROV: an entity (the judgement) generated by a review activity, attributed to the
    reviewer, at its date; it used the document."""
    g = rdflib.Graph()
    g.bind("prov", PROV)
    g.bind("dcterms", DCTERMS)
    g.bind("fks", FKS)
    for j in judgements:
        node = rdflib.URIRef(j.iri)
        activity = rdflib.URIRef(j.iri + "-review")
        agent = rdflib.URIRef(ID_NS + "reviewer/" + hashlib.sha1(j.reviewer.encode()).hexdigest()[:12])
        when = rdflib.Literal(j.date, datatype=XSD.date)
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, RDF.type, FKS.ReviewerJudgement))
        g.add((node, PROV.wasGeneratedBy, activity))
        g.add((node, PROV.wasAttributedTo, agent))
        g.add((node, PROV.generatedAtTime, when))
        g.add((node, RDFS.comment, rdflib.Literal(j.reason, lang="ja")))
        g.add((node, DCTERMS.subject, rdflib.URIRef(j.document)))
        if j.requirement:
            g.add((node, FKS.requirement, rdflib.Literal(j.requirement)))
            g.add((node, FKS.verdict, rdflib.Literal(j.verdict)))
        if j.plan_type:
            g.add((node, FKS.planType, rdflib.URIRef(j.plan_type)))
        for line in j.lines:
            g.add((node, FKS.line, rdflib.Literal(line)))
        g.add((activity, RDF.type, PROV.Activity))
        g.add((activity, PROV.used, rdflib.URIRef(j.document)))
        g.add((activity, PROV.wasAssociatedWith, agent))
        g.add((activity, PROV.endedAtTime, when))
        g.add((agent, RDF.type, PROV.Agent))
        g.add((agent, RDFS.label, rdflib.Literal(j.reviewer, lang="ja")))
    return g
