"""The compliance matrix as linked data (`fukushi-kg validate --format cccev`): requirements, criteria and
evidence in CCCEV, the provisions they derive from in ELI (their versions are in data/legislation.ttl), and
the reviewers' judgements in PROV (server.compliance.judgements.prov_graph).

CCCEV (the EU Core Criterion and Core Evidence Vocabulary): each matrix column is a cccev:Requirement derived
from its provision (cccev:isDerivedFrom, an eli:LegalResourceSubdivision); each item it checks is a
cccev:Criterion (cccev:hasRequirement); each quoted passage is a cccev:Evidence that supports the criterion
(cccev:supportsRequirement), derived from the plan element whose words it quotes (prov:wasDerivedFrom).
"""

import hashlib
import os
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from server.compliance.judgements import PROV, prov_graph
from server.compliance.requirements import ELI, FKS

# What the compliance graph of a build depends on besides the graph itself: the requirements, the structural
# shapes, the reviewers' judgements and the seed texts the quotes are read from. A change to any of them
# changes the cache key (server.graph.parts' cache folder), so a rebuild never publishes a stale matrix.
_INPUTS = (
    ("shapes/compliance", "*.ttl"),
    ("shapes/structure", "*.ttl"),
    ("data/compliance", "*"),
    ("data/sources", "*.txt"),
)
_CODE = Path(__file__).parent  # the reading itself: a changed rule must not be answered from the cache

CCCEV = rdflib.Namespace("http://data.europa.eu/m8g/")
ID_NS = "https://w3id.org/fukushi-kg/id/"


def _lang(graph, node, prop, texts: dict) -> None:
    for lang, text in (texts or {}).items():
        graph.add((node, prop, rdflib.Literal(text, lang=lang or None)))


def cccev_graph(matrix) -> rdflib.Graph:
    g = prov_graph(matrix.judgements)
    g.bind("cccev", CCCEV)
    g.bind("eli", ELI)
    g.bind("fks", FKS)
    for req in matrix.requirements:
        node = rdflib.URIRef(req.iri)
        g.add((node, RDF.type, CCCEV.Requirement))
        g.add((node, DCTERMS.identifier, rdflib.Literal(req.key)))
        _lang(g, node, RDFS.label, req.label)
        provision = rdflib.URIRef(req.provision.iri)
        g.add((node, CCCEV.isDerivedFrom, provision))
        g.add((provision, RDF.type, ELI.LegalResourceSubdivision))
        _lang(g, provision, RDFS.label, req.provision.label)
        version = req.provision.version or {}
        if version.get("iri"):
            expression = rdflib.URIRef(version["iri"])
            g.add((expression, RDF.type, ELI.LegalExpression))
            if version.get("version_date"):
                g.add((expression, ELI.version_date, rdflib.Literal(version["version_date"], datatype=XSD.date)))
            g.add((node, FKS.checkedAgainst, expression))
        g.add((node, FKS.duty, rdflib.Literal(req.duty.code)))
        for item in req.items:
            criterion = rdflib.URIRef(item.iri)
            g.add((criterion, RDF.type, CCCEV.Criterion))
            _lang(g, criterion, RDFS.label, item.label)
            g.add((node, CCCEV.hasRequirement, criterion))
    for row in matrix.rows:
        for key, cell in row.cells.items():
            verdict = rdflib.URIRef(f"{_space(row)}/compliance/{key}")
            g.add((verdict, RDF.type, FKS.Verdict))
            g.add((verdict, DCTERMS.subject, rdflib.URIRef(row.document)))
            g.add((verdict, FKS.requirement, rdflib.URIRef(cell.requirement.iri)))
            g.add((verdict, FKS.verdict, rdflib.Literal(cell.verdict)))
            g.add((verdict, FKS.severity, rdflib.Literal(cell.severity)))
            if cell.judgement:
                g.add((verdict, FKS.automaticVerdict, rdflib.Literal(cell.auto_verdict)))
                g.add((verdict, PROV.wasDerivedFrom, rdflib.URIRef(cell.judgement["iri"])))
            items = {i.label.get("ja", ""): i.iri for i in cell.requirement.items}
            for ev in cell.evidence:
                digest = hashlib.sha1(f"{ev.element}\t{ev.signal}\t{ev.item}".encode()).hexdigest()[:12]
                node = rdflib.URIRef(f"{_space(row)}/compliance/{key}/evidence/{digest}")
                g.add((node, RDF.type, CCCEV.Evidence))
                g.add((node, CCCEV.supportsRequirement, rdflib.URIRef(items.get(ev.item, cell.requirement.iri))))
                g.add((node, PROV.wasDerivedFrom, rdflib.URIRef(ev.element)))
                g.add((node, DCTERMS.description, rdflib.Literal(ev.quote, lang="ja")))
                if ev.start_line is not None:
                    g.add((node, FKS.startLine, rdflib.Literal(ev.start_line)))
                    g.add((node, FKS.endLine, rdflib.Literal(ev.end_line)))
                g.add((verdict, FKS.evidence, node))
    return g


def _space(row) -> str:
    return f"{ID_NS}{row.code}" if row.code else row.document.rsplit("/", 1)[0]


def compliance_part(lines: list[str], folder: Path):
    """The compliance matrix of the graph `lines` (the build's merged N-Triples) as sorted N-Triples lines for
    the publication's shared graph: CCCEV requirements, criteria and evidence, each cell's verdict and the
    reviewers' judgements in PROV. Handed to server.graph.build.build by what starts a build (the build never
    imports this package: it stays below it). Computed once per content and kept in `folder` beside the parts."""
    from server import __version__
    from server.compliance.evaluate import NothingToCheck, evaluate
    from server.compliance.graphs import graph_from_ntriples
    from server.graph.canonical import canonical_lines
    from server.paths import DATA_DIR
    from server.published import ntriples_lines

    if not (DATA_DIR / "legislation.ttl").exists():
        return []  # a home without the law data (a synthetic one) has no requirements to check against
    root = DATA_DIR.parent
    digest = hashlib.sha256(__version__.encode())
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    for folder_name, pattern in _INPUTS:
        for path in sorted((root / folder_name).glob(pattern)):
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in sorted(_CODE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    stem = f"compliance-{digest.hexdigest()[:16]}"
    cached = Path(folder) / f"{stem}.nt"
    if cached.exists():
        return ntriples_lines(cached.read_text(encoding="utf-8"))
    graph = graph_from_ntriples("\n".join(lines).encode("utf-8"))
    try:
        matrix = evaluate(graph, "build")
    except NothingToCheck:
        return []  # no plan document: no matrix to publish
    published = cccev_graph(matrix)
    # Only what the build's graphs do not hold already (the provisions' labels and types are in the shared
    # graph): each triple of the publication lives in one named graph, and the whole is their union.
    have = set(lines)
    out = [line for line in canonical_lines(published) if line not in have]
    Path(folder).mkdir(parents=True, exist_ok=True)
    scratch = Path(folder) / f".{stem}.nt.{os.getpid()}"
    scratch.write_text("".join(line + "\n" for line in out), encoding="utf-8")
    os.replace(scratch, cached)
    return out
