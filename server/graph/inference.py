"""OWL 2 RL materialisation with owlrl.

Two departures from owlrl's defaults, both for speed and neither changing what is entailed about
the data:
- rule eq-ref (every resource owl:sameAs itself) is not materialised: it adds one uninformative
  triple per node and then makes every later cycle walk them;
- literal-valued triples whose predicate takes part in no rule (it has neither a super-property
  nor a domain) are held out of the rule engine and put back afterwards. They can only produce
  conclusions through rules about datatypes, which owlrl does not run with datatype axioms off.
"""

import rdflib
from owlrl import DeductiveClosure
from owlrl.OWLRL import OWLRL_Semantics
from rdflib.namespace import OWL, RDF, RDFS, XSD


class _OWLRLWithoutReflexiveSameAs(OWLRL_Semantics):
    def _equality(self, triple, cycle_num):
        s, p, o = triple
        if p != OWL.sameAs:
            return
        self.store_triple((o, OWL.sameAs, s))  # eq-sym
        for z in self.graph.objects(o, OWL.sameAs):  # eq-trans
            self.store_triple((s, OWL.sameAs, z))
        for pp, oo in self.graph.predicate_objects(s):  # eq-rep-s
            self.store_triple((o, pp, oo))
        for ss, oo in self.graph.subject_objects(s):  # eq-rep-p
            self.store_triple((ss, o, oo))


def _rule_relevant_predicates(graph: rdflib.Graph) -> set:
    relevant = set(graph.subjects(RDFS.subPropertyOf, None)) | set(graph.subjects(RDFS.domain, None))
    relevant |= set(graph.subjects(RDF.type, OWL.FunctionalProperty))
    return relevant


def materialise(graph: rdflib.Graph) -> rdflib.Graph:
    """Return a new graph: `graph` plus its OWL 2 RL consequences (reflexive sameAs excluded)."""
    relevant = _rule_relevant_predicates(graph)
    working = rdflib.Graph()
    held_out = []
    for triple in graph:
        if isinstance(triple[2], rdflib.Literal) and triple[1] not in relevant:
            held_out.append(triple)
        else:
            working.add(triple)
    DeductiveClosure(_OWLRLWithoutReflexiveSameAs, axiomatic_triples=False, datatype_axioms=False).expand(working)
    for triple in held_out:
        working.add(triple)
    drop_trivia(working)
    for prefix, ns in graph.namespaces():
        working.bind(prefix, ns, override=False)
    return working


def trivial(triple) -> bool:
    """An entailment that holds of everything and tells a reader nothing: x a owl:Thing, x owl:sameAs x, a class
    under owl:Thing or itself, a property or class equivalent to or under itself, owlrl's disjointness of XSD
    datatypes (its datatype map, not ours), and owlrl's typing of literals (a literal as subject, which no RDF 1.1
    syntax can write)."""
    s, p, o = triple
    if isinstance(s, rdflib.Literal):
        return True
    if p == RDF.type:
        return o == OWL.Thing
    if p == RDFS.subClassOf:
        return o == OWL.Thing or s == o
    if p in _REFLEXIVE_TRIVIA:
        return s == o
    if p == OWL.disjointWith:
        return str(s).startswith(str(XSD)) and str(o).startswith(str(XSD))
    return False


_REFLEXIVE_TRIVIA = frozenset({OWL.sameAs, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty})


def drop_trivia(graph: rdflib.Graph) -> None:
    """Remove the trivial entailments (`trivial`) from `graph`."""
    for triple in [t for t in graph if trivial(t)]:
        graph.remove(triple)
