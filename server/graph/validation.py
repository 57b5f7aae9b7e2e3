"""SHACL validation with pySHACL against the shapes in shapes/."""

import re
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


def describe_result(report: rdflib.Graph, result, shapes: rdflib.Graph | None = None) -> str:
    """One line: severity, focus node, path and message. The message is the result's in Japanese, else the source
    shape's own in Japanese (an engine may report its generic text only), else in English, else whatever it has:
    the same result reads the same whichever engine reported it."""
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    message = _message(report, result, shapes)
    severity = report.value(result, SH.resultSeverity)
    sev = str(severity).rsplit("#", 1)[-1] if severity else "?"
    where = f" {path.n3()}" if isinstance(path, rdflib.URIRef) else ""
    return f"[{sev}] {focus}{where}: {message}"


def _message(report: rdflib.Graph, result, shapes: rdflib.Graph | None):
    given = sorted(report.objects(result, SH.resultMessage))
    shape = report.value(result, SH.sourceShape)
    own = sorted(shapes.objects(shape, SH.message)) if shapes is not None and shape is not None else []
    # pySHACL drops the language tag of a SPARQL constraint's message when it fills in the variables
    untagged_japanese = [m for m in given if not getattr(m, "language", None) and _JAPANESE.search(str(m))]
    for language, messages in (("ja", given), ("ja", own), (None, untagged_japanese), ("en", given), ("en", own)):
        for message in messages:
            if getattr(message, "language", None) == language:
                return message
    return given[0] if given else None


_JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")


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
