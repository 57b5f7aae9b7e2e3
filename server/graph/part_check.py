"""The structural check of each part of the build, with the faster of two SHACL engines that is installed.

rudof (PyPI `pyrudof`, a SHACL engine written in Rust; the `fast` extra) when it is installed, pySHACL otherwise.
Measured on the 1,741-municipality benchmark's data, one core, the same parts checked both ways:
- a part of 22,655 triples (a copy of 美祢市's plan, the largest synthetic plan): pySHACL 1.2–1.3 s; rudof
  0.3–0.4 s, with the base (the schema and shared data's closure, the same for every part) read once per worker
  and each part read into a staging frame that is rolled back after its check;
- a small part (about 3,000 triples of its own): pySHACL 0.14 s, rudof 0.05 s.
Reading the data into a fresh rudof session costs 0.09 s however small it is, which is why the base stays loaded
and only the part's own lines are read each time.

Both engines report the same results, described the same way (server.graph.validation.describe_result), on every
case of tests/shapes/structure and on a broken plan (tests/test_part_check.py). rudof is an extra, not a
requirement: its wheels with staging (0.3.35) need glibc 2.34 or Windows; macOS and older Linux get pySHACL.
"""

import os

import rdflib
from rdflib.namespace import RDF, SH

from server.graph.validation import describe_result, validate

try:  # the `fast` extra
    import pyrudof
except ImportError:  # pragma: no cover - exercised where the extra is not installed
    pyrudof = None


# rudof's runtime does not survive a fork: in a process forked from one that had opened a rudof session, opening
# another waits for ever (seen: a test session's build hung in its worker processes). A process that inherited a
# used rudof therefore checks with pySHACL; the build's workers are forked from a process that never opened one.
_OPENED_IN: int | None = None


def rudof_available() -> bool:
    usable_here = _OPENED_IN is None or _OPENED_IN == os.getpid()
    return pyrudof is not None and hasattr(pyrudof.Rudof, "begin_staging") and usable_here


def described(report: rdflib.Graph, shapes: rdflib.Graph) -> tuple[list[str], list[str]]:
    """(violations, other results) of a SHACL report, one line each."""
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    nested = set(report.objects(None, SH.detail))  # sh:node's inner results: the outer one is reported
    violations, others = [], []
    for result in results:
        if result in nested:
            continue
        line = describe_result(report, result, shapes)
        (violations if report.value(result, SH.resultSeverity) == SH.Violation else others).append(line)
    return violations, others


class PySHACLCheck:
    """pySHACL on the part's closed graph (the base's triples are in it)."""

    engine = "pyshacl"

    def __init__(self, shapes: rdflib.Graph):
        self.shapes = shapes

    def check(self, closed: rdflib.Graph, lines: list[str]) -> tuple[list[str], list[str]]:
        return described(validate(closed, self.shapes).report, self.shapes)


class RudofCheck:
    """rudof over the base, read once, and each part's own lines, read into a frame rolled back after the check."""

    engine = "rudof"

    def __init__(self, shapes: rdflib.Graph, shapes_nt: str, base_lines: list[str]):
        global _OPENED_IN
        if _OPENED_IN not in (None, os.getpid()):
            raise RuntimeError("rudof was opened by the process this one was forked from: check with pySHACL here")
        _OPENED_IN = os.getpid()
        self.shapes = shapes
        self.session = pyrudof.Rudof(pyrudof.RudofConfig())
        strict = pyrudof.ReaderMode.Strict  # a line rudof cannot read is an error, never a triple left out
        # rudof refuses an empty input, and a frame needs data loaded: a comment stands for an empty base
        base = _text(base_lines) or "# no base\n"
        self.session.read_data(base, format=pyrudof.RDFFormat.NTriples, reader_mode=strict)
        self.session.read_shacl(shapes_nt, format=pyrudof.ShaclFormat.NTriples, reader_mode=strict)

    def check(self, closed: rdflib.Graph, lines: list[str]) -> tuple[list[str], list[str]]:
        session = self.session
        session.begin_staging()
        try:
            if lines:
                session.read_data(
                    _text(lines), format=pyrudof.RDFFormat.NTriples, merge=True, reader_mode=pyrudof.ReaderMode.Strict
                )
            session.validate_shacl()
            # every result, whatever `conforms` says: a warning alone is a result too
            text = session.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.NTriples)
        finally:
            session.rollback_staging()
        return described(rdflib.Graph().parse(data=text, format="nt"), self.shapes)


def checker(shapes_nt: str, base_lines: list[str], engine: str | None = None):
    """The check for a build's parts: `engine` "rudof" or "pyshacl", or the faster one installed (None)."""
    shapes = rdflib.Graph().parse(data=shapes_nt, format="nt")
    if engine is None:
        engine = "rudof" if rudof_available() else "pyshacl"
    if engine == "rudof":
        return RudofCheck(shapes, shapes_nt, base_lines)
    if engine == "pyshacl":
        return PySHACLCheck(shapes)
    raise ValueError(f"unknown SHACL engine {engine!r}")


def _text(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)
