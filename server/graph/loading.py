"""Parsing data files into a graph, with errors that name the file and line."""

import json
import unicodedata
from pathlib import Path

import rdflib
from rdflib.plugins.parsers.notation3 import BadSyntax

from server.datafile import DataFileError

FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml"}


def parse_file(path: Path, graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """Parse one RDF file into `graph` (a new one by default); raise DataFileError on bad input."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataFileError(path, None, f"unknown RDF format for suffix {path.suffix!r}")
    # Parse into a scratch graph first so a failure part-way leaves `graph` untouched.
    scratch = rdflib.Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, None, str(exc)) from exc
    try:
        scratch.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise DataFileError(path, exc.lines + 1, _bad_syntax_message(exc, text)) from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(path, exc.lineno, exc.msg) from exc
    except Exception as exc:  # rdflib raises many types for bad input; all mean the same to a user
        raise DataFileError(path, _line_of(exc), str(exc) or type(exc).__name__) from exc
    if graph is None:
        return scratch  # nobody else holds it: no copy (a plan's file is most of a part's triples)
    for triple in scratch:
        graph.add(triple)
    for prefix, ns in scratch.namespaces():
        graph.bind(prefix, ns, override=False)
    return graph


def _bad_syntax_message(exc: BadSyntax, text: str) -> str:
    """The parser's reason, then the offending line as text with a caret under the column.

    rdflib's own message prints the document as a Python byte string (escaped UTF-8, unreadable for Japanese);
    BadSyntax keeps the reason and the character offset in private attributes, read here with a fallback.
    """
    why = getattr(exc, "_why", None) or "bad syntax"
    offset = getattr(exc, "_i", None)
    lines = text.split("\n")  # as the parser counts them: a literal may hold U+2028 or a form feed
    if not 0 <= exc.lines < len(lines):
        return f"bad syntax ({why})"
    line = lines[exc.lines].rstrip("\r")
    column = None
    if isinstance(offset, int) and 0 <= offset <= len(text):
        column = offset - (text.rfind("\n", 0, offset) + 1)
    shown = f"bad syntax ({why}):\n    {line}"
    if column is not None and 0 <= column <= len(line):
        # East Asian wide characters take two terminal columns.
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line[:column])
        shown += "\n    " + " " * width + "^"
    return shown


def _line_of(exc: Exception) -> int | None:
    for attr in ("lineno", "line"):
        value = getattr(exc, attr, None)
        if isinstance(value, int):
            return value
    return None


def load_files(paths, progress=None, phase: str = "load", parse=parse_file) -> rdflib.Graph:
    """Parse every file into one graph with `parse` (server.graph.inputs.parse_input reads the decisions table
    too); `progress` (server.graph.progress.Progress) sees each file."""
    paths = list(paths)
    graph = None
    for i, path in enumerate(paths, 1):
        graph = parse(path) if graph is None else parse(path, graph)  # the first file's graph is the result
        if progress is not None:
            progress.step(phase, i, len(paths), Path(path).name)
    return rdflib.Graph() if graph is None else graph
