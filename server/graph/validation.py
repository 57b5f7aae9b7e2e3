"""SHACL validation with pySHACL against the shapes in shapes/."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
import rdflib.plugin
import rdflib.query
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor

from server.graph.loading import load_files
from server.paths import SHAPES_DIR


def shapes_graph(*groups: str) -> rdflib.Graph:
    """Load the shape files of the named groups (sub-folders of shapes/)."""
    files = []
    for group in groups:
        files += sorted((SHAPES_DIR / group).glob("*.ttl"))
    return load_files(files)


@dataclass
class ValidationResult:
    conforms: bool
    report: rdflib.Graph
    text: str

    def results(self, severity: rdflib.URIRef | None = None) -> list[rdflib.term.Node]:
        out = list(self.report.subjects(RDF.type, SH.ValidationResult))
        if severity is not None:
            out = [r for r in out if self.report.value(r, SH.resultSeverity) == severity]
        return out

    @property
    def violations(self) -> list:
        return self.results(SH.Violation)


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> ValidationResult:
    """Validate an already-materialised graph (no inference here: the caller did it)."""
    conforms, report, text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        # The caller's graph is already materialised and the shapes hold no SHACL rules, so nothing would change
        # it: validating in place spares pySHACL a copy of the whole graph (>3 minutes at national scale).
        inplace=True,
    )
    return ValidationResult(bool(conforms), report, text)


def describe_result(report: rdflib.Graph, result) -> str:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    message = report.value(result, SH.resultMessage)
    severity = report.value(result, SH.resultSeverity)
    sev = str(severity).rsplit("#", 1)[-1] if severity else "?"
    where = f" {path.n3()}" if isinstance(path, rdflib.URIRef) else ""
    return f"[{sev}] {focus}{where}: {message}"


def shape_files(group: str) -> list[Path]:
    return sorted((SHAPES_DIR / group).glob("*.ttl"))


class PreparedQueryProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor with a cache of translated queries.

    pySHACL hands rdflib the text of each SHACL-SPARQL constraint on every validation run, and rdflib parses it
    anew: ≈0.3 s for the check-digit constraint, a third of validating one plan, and minutes over a national
    build. A translated query is meant to be reused with other bindings (that is what rdflib's prepareQuery
    returns), so the translation is cached by the query's text, base and namespaces.
    """

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803 (rdflib's)
        if isinstance(strOrQuery, str):
            strOrQuery = _translated(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@lru_cache(maxsize=256)
def _translated(text: str, base, namespaces: tuple):
    return translateQuery(parseQuery(text), base, dict(namespaces))


rdflib.plugin.register("sparql", rdflib.query.Processor, __name__, "PreparedQueryProcessor")
