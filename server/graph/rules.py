"""A compiled OWL 2 RL rule set for instance data, for runs that must be fast.

owlrl (server.graph.inference) is the reference reasoner and the build uses it. It re-applies
every rule to every triple on every cycle, which costs seconds per thousand triples. Here the
schema (ontology + concept schemes) is closed once with owlrl, and the instance-level rules that
schema can trigger are then applied, each triple once (semi-naive):

  prp-spo1, prp-inv1/2, prp-symp, prp-trp, prp-dom, prp-rng, cax-sco, cax-eqc1/2, eq-sym/eq-trans
  (over asserted owl:sameAs) with eq-rep-s/o.

tests/test_inference.py checks that the result equals owlrl's on the bundled data.
"""

from collections import defaultdict
from functools import lru_cache

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from server.graph.inference import materialise, trivial


class Schema:
    """The rule tables read off an OWL-RL-closed schema graph."""

    def __init__(self, closed: rdflib.Graph):
        self.graph = closed
        self.super_props = defaultdict(set)
        for p, q in closed.subject_objects(RDFS.subPropertyOf):
            if p != q:
                self.super_props[p].add(q)
        for p, q in closed.subject_objects(OWL.equivalentProperty):
            self.super_props[p].add(q)
            self.super_props[q].add(p)
        self.inverse = defaultdict(set)
        for p, q in closed.subject_objects(OWL.inverseOf):
            self.inverse[p].add(q)
            self.inverse[q].add(p)
        self.symmetric = set(closed.subjects(RDF.type, OWL.SymmetricProperty))
        self.transitive = set(closed.subjects(RDF.type, OWL.TransitiveProperty))
        self.domain = defaultdict(set)
        for p, c in closed.subject_objects(RDFS.domain):
            self.domain[p].add(c)
        self.range = defaultdict(set)
        for p, c in closed.subject_objects(RDFS.range):
            self.range[p].add(c)
        self.super_classes = defaultdict(set)
        for c, d in closed.subject_objects(RDFS.subClassOf):
            if c != d:
                self.super_classes[c].add(d)
        for c, d in closed.subject_objects(OWL.equivalentClass):
            self.super_classes[c].add(d)
            self.super_classes[d].add(c)


@lru_cache(maxsize=4)
def _schema_for(schema_nt: str) -> Schema:
    graph = rdflib.Graph().parse(data=schema_nt, format="nt")
    return Schema(materialise(graph))


def schema_from(graph: rdflib.Graph) -> Schema:
    """Close `graph` (the schema) with owlrl once per distinct content, then build the tables."""
    return _schema_for(graph.serialize(format="nt"))


def apply_rules(schema: Schema, data: rdflib.Graph) -> rdflib.Graph:
    """Return schema closure + data + the consequences of the instance rules.

    Semi-naive: each triple is taken once from a work list and only its own consequences are derived,
    with per-property successor/predecessor indexes for the transitive joins. owl:sameAs (absent from the
    bundled data) is handled by re-running the work list on the eq-rep consequences until nothing is new.
    """
    triples: set = set()
    successors = defaultdict(lambda: defaultdict(set))
    predecessors = defaultdict(lambda: defaultdict(set))
    pending = list(data)
    while pending:
        _close(schema, pending, triples, successors, predecessors)
        same = {(s, o) for s, p, o in triples if p == OWL.sameAs}
        pending = [t for t in _same_as(triples, same) if t not in triples]
    result = rdflib.Graph()
    for t in schema.graph:
        result.add(t)
    for t in triples:
        # the same entailments owlrl's output is cleaned of (inference.drop_trivia), so the two stay equal; left
        # out here rather than added and removed (every individual is inferred to be an owl:Thing)
        if not trivial(t):
            result.add(t)
    for prefix, ns in data.namespaces():
        result.bind(prefix, ns, override=False)
    return result


def _close(schema: Schema, work: list, triples: set, successors, predecessors) -> None:
    type_ = RDF.type
    while work:
        t = work.pop()
        if t in triples:
            continue
        triples.add(t)
        s, p, o = t
        for q in schema.super_props.get(p, ()):  # prp-spo1, prp-eqp
            work.append((s, q, o))
        for c in schema.domain.get(p, ()):  # prp-dom
            work.append((s, type_, c))
        if p == type_:
            for d in schema.super_classes.get(o, ()):  # cax-sco, cax-eqc
                work.append((s, type_, d))
        if isinstance(o, rdflib.Literal):
            continue
        for q in schema.inverse.get(p, ()):  # prp-inv
            work.append((o, q, s))
        if p in schema.symmetric:  # prp-symp
            work.append((o, p, s))
        for c in schema.range.get(p, ()):  # prp-rng
            work.append((o, type_, c))
        if p in schema.transitive:  # prp-trp, joined both ways through the indexes
            successors[p][s].add(o)
            predecessors[p][o].add(s)
            work.extend((s, p, z) for z in successors[p].get(o, ()))
            work.extend((x, p, o) for x in predecessors[p].get(s, ()))


def _same_as(triples, pairs):
    if not pairs:
        return set()
    out = set()
    for s, o in pairs:
        out.add((o, OWL.sameAs, s))
        for ss, pp, oo in triples:
            if ss == s:
                out.add((o, pp, oo))
            if oo == s:
                out.add((ss, pp, o))
    return out
