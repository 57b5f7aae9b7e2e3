"""SHACL validation with pySHACL against the shapes in shapes/."""

from dataclasses import dataclass
from pathlib import Path

import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, SH

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
