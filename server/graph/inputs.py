"""The graph's input files read as one asserted graph: RDF files by server.graph.loading, and the table of
annotation decisions by the annotations package (its decided annotations and their records), so that loading
RDF knows nothing of the decisions."""

from pathlib import Path

import rdflib

from server.annotations.decisions import decision_graph, read_decisions
from server.graph.loading import load_files, parse_file


def parse_input(path: Path, graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """One input file into `graph` (a new one by default): the decisions table whole or not at all, like a file."""
    if Path(path).suffix.lower() != ".tsv":
        return parse_file(path, graph)
    graph = rdflib.Graph() if graph is None else graph
    for triple in decision_graph(read_decisions(Path(path))):
        graph.add(triple)
    return graph


def load_inputs(paths, progress=None, phase: str = "load") -> rdflib.Graph:
    """Every input file (server.paths.graph_input_files) in one graph; `progress` sees each file."""
    return load_files(paths, progress, phase, parse=parse_input)
