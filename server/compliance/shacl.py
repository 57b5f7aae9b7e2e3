"""Running pySHACL for the structural shapes of a validation run, fast enough to check a draft while
its author waits. Two measures, neither of which changes a result (tests/compliance/test_shacl_run.py
compares them with a plain run):
- pySHACL parses a SPARQL query every time it runs one, once per focus node; the data graph handed
  to it (PreparedQueries) keeps the parsed queries instead.
- With more than one CPU, a forked child validates most of the structural focus nodes while this
  process does the rest (PARENT_SHARE balances the two).
"""

import multiprocessing
import os
from functools import lru_cache

import pyshacl
import rdflib
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery

PARENT_SHARE = 0.4  # of the structural focus nodes kept by this process


@lru_cache(maxsize=256)
def prepared(text: str):
    """A SPARQL text parsed once (rdflib's prepared queries are made to be run with many bindings)."""
    return prepareQuery(text)


class PreparedQueries(rdflib.Graph):
    """A view of a graph's store whose query() parses each distinct SPARQL text once."""

    def query(
        self,
        query_object,
        processor="sparql",
        result="sparql",
        initNs=None,
        initBindings=None,  # noqa: N803
        use_store_provided=True,
        **kwargs,
    ):
        if isinstance(query_object, str) and not initNs and processor == "sparql":
            query_object = prepared(query_object)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def view(graph: rdflib.Graph) -> PreparedQueries:
    return PreparedQueries(store=graph.store, identifier=graph.identifier, namespace_manager=graph.namespace_manager)


def run(graph: rdflib.Graph, shapes: rdflib.Graph, focus_nodes=None) -> rdflib.Graph:
    """pySHACL in place on a materialised graph: nothing is inferred here, and no shape uses SHACL-AF,
    whose advanced mode would make pySHACL copy the whole data graph first."""
    _, report, _ = pyshacl.validate(
        view(graph),
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        allow_warnings=True,
        inplace=True,
        focus_nodes=focus_nodes,
    )
    return report


def validate(graph: rdflib.Graph, structure: rdflib.Graph, workers: int = 1, min_split: int = 200) -> rdflib.Graph:
    """One SHACL report: the structural shapes on the graph.

    The structural work is shared with a child process only from min_split focus nodes on: below
    that, forking costs more than it saves."""
    shares = _shares(graph, structure, min_split) if workers > 1 and _can_fork() else None
    if shares is None:
        return run(graph, structure)
    mine, theirs = shares
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(graph, theirs, send), daemon=True)
    child.start()
    send.close()
    try:
        reports = [run(graph, mine)]
        payload = receive.recv()
    finally:
        child.join()
    if isinstance(payload, BaseException):
        raise payload
    reports.append(rdflib.Graph().parse(data=payload, format="nt"))
    return merge(reports)


def _child(graph, shapes, send) -> None:
    try:
        send.send(run(graph, shapes).serialize(format="nt"))
    except BaseException as exc:  # the parent re-raises it
        send.send(exc)
    finally:
        send.close()


def _can_fork() -> bool:
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def _shares(graph: rdflib.Graph, structure: rdflib.Graph, min_split: int):
    """The structural shapes twice, each targeting its share of every shape's focus nodes, or None.

    Each sh:targetClass becomes sh:targetNode for the nodes of the share (the graph is materialised,
    so the instances of the class are its focus nodes). Not pySHACL's focus_nodes option: it tests
    every candidate against a list, which costs more than the split saves. A graph with a blank-node
    focus node is validated whole, so that no node is ever matched by identity across graphs.
    """
    targets = {}
    for shape, cls in structure.subject_objects(SH.targetClass):
        targets.setdefault(shape, set()).update(graph.subjects(RDF.type, cls))
    total = sum(len(nodes) for nodes in targets.values())
    if total < min_split or any(not isinstance(n, rdflib.URIRef) for nodes in targets.values() for n in nodes):
        return None
    shares = (rdflib.Graph(), rdflib.Graph())
    for share in shares:
        for prefix, ns in structure.namespaces():
            share.bind(prefix, ns)
        for triple in structure:
            if triple[1] != SH.targetClass:
                share.add(triple)
    for shape, nodes in targets.items():
        ordered = sorted(nodes)
        cut = round(len(ordered) * PARENT_SHARE)
        for share, part in zip(shares, (ordered[:cut], ordered[cut:]), strict=True):
            for node in part:
                share.add((shape, SH.targetNode, node))
    return shares


def merge(reports) -> rdflib.Graph:
    """The results of several reports under one sh:ValidationReport."""
    out = rdflib.Graph()
    out.bind("sh", SH)
    node = rdflib.BNode()
    out.add((node, RDF.type, SH.ValidationReport))
    conforms = True
    for report in reports:
        for prefix, ns in report.namespaces():
            out.bind(prefix, ns, override=False)
        old = set(report.subjects(RDF.type, SH.ValidationReport))
        for s, p, o in report:
            if s in old:
                if p == SH.result:
                    out.add((node, SH.result, o))
                continue
            out.add((s, p, o))
            if p == SH.resultSeverity and o == SH.Violation:
                conforms = False
    out.add((node, SH.conforms, rdflib.Literal(conforms)))
    return out
