"""The SPARQL 1.1 Service Description returned by GET /sparql without a query."""

import pyoxigraph as ox

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

# W3C format IRIs for the result formats this endpoint writes.
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")
GRAPH_FORMATS = ("Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def describe(endpoint: str, triples: int | None, federated: bool, graphs: dict | None = None) -> list[ox.Triple]:
    """The description as triples. `federated` says whether any SERVICE endpoint is allowed; `graphs` maps each
    named graph's IRI (a plan's, or the shared rest) to its triple count."""

    def sd(name):
        return ox.NamedNode(SD + name)

    service, dataset = ox.BlankNode("service"), ox.BlankNode("dataset")
    default_graph = ox.BlankNode("default")
    out = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
    ]
    for i, (name, count) in enumerate(sorted((graphs or {}).items())):
        named_graph, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        out += [
            ox.Triple(dataset, sd("namedGraph"), named_graph),
            ox.Triple(named_graph, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named_graph, sd("name"), ox.NamedNode(name)),
            ox.Triple(named_graph, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
        ]
        if count is not None:
            out.append(ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(count), datatype=XSD_INTEGER)))
    out += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in RESULT_FORMATS + GRAPH_FORMATS]
    if federated:
        out.append(ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    if triples is not None:
        count = ox.Literal(str(triples), datatype=XSD_INTEGER)
        out.append(ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), count))
    return out
