"""The dataset description (VoID and DCAT): what the dataset is, how big, where its dumps and endpoint are,
under which licence, and what it was made from."""

import datetime as dt
from dataclasses import dataclass

import pyoxigraph as ox

from server.paths import BASE_IRI as CANONICAL_BASE
from server.web.dumps import BUILD_INFO_NAME, DUMPS, dump_sizes
from server.web.graph import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SD, SPDX, STANDARD_PREFIXES, VOID, XSD, Graph

DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TITLE = ("市町村地域福祉計画ナレッジグラフ", "Knowledge graph of Japanese municipal community-welfare plans")
DESCRIPTION = (
    "市町村地域福祉計画と一体的に策定される計画（再犯防止推進計画、成年後見制度利用促進基本計画、"
    "重層的支援体制整備事業実施計画）の構造、法的根拠、担い手、対象者を、計画書の本文の行を出典として記述したデータ。",
    "The structure, legal bases, actors and target groups of Japanese municipal community-welfare plans and the "
    "statutory plans made with them, each fact citing the lines of the plan document it was read from.",
)
VOCABULARIES = ("skos", "dcterms", "org", "prov", "time", "schema", "owl", "rdfs")
IANA = "https://www.iana.org/assignments/media-types/"

COUNTS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
       (COUNT(DISTINCT ?p) AS ?properties) WHERE { ?s ?p ?o }
"""
ENTITIES = """
SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?space)) }
"""
CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class FILTER(isIRI(?class)) } GROUP BY ?class ORDER BY ?class
"""
PROPERTIES = """
SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p
"""
SOURCES = "SELECT ?src WHERE { ?src a fk:SourceDocument } ORDER BY ?src"
EXAMPLES = """
SELECT ?s WHERE { { ?s a fk:Municipality } UNION { ?s a fk:CommunityWelfarePlan } } ORDER BY ?s LIMIT 4
"""


@dataclass
class Statistics:
    triples: int
    entities: int
    subjects: int
    objects: int
    properties: int
    classes: list  # (class IRI, entities)
    property_counts: list  # (property IRI, triples)
    sources: list
    examples: list


def statistics(graph: Graph) -> Statistics:
    if "void" not in graph.cache:
        c = graph.select(COUNTS)[0]
        entities = graph.select(ENTITIES, space=ox.Literal(graph.ns.id))[0]["n"]
        classes = [(r["class"].value, int(r["n"].value)) for r in graph.select(CLASSES)]
        props = [(r["p"].value, int(r["n"].value)) for r in graph.select(PROPERTIES)]
        graph.cache["void"] = Statistics(
            triples=int(c["triples"].value),
            entities=int(entities.value),
            subjects=int(c["subjects"].value),
            objects=int(c["objects"].value),
            properties=int(c["properties"].value),
            classes=classes,
            property_counts=props,
            sources=[r["src"].value for r in graph.select(SOURCES)],
            examples=[r["s"].value for r in graph.select(EXAMPLES)],
        )
    return graph.cache["void"]


def build_time(graph: Graph) -> dt.datetime | None:
    path = graph.published_dir / BUILD_INFO_NAME
    if not path.exists():
        return None
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).replace(microsecond=0)


def license_iri(config) -> str:
    return config.get("DATASET_LICENSE") or DEFAULT_LICENSE


def void_triples(graph: Graph, licence: str) -> list[ox.Triple]:
    ns = graph.ns
    stats = statistics(graph)
    doc = ox.NamedNode(ns.base + ".well-known/void")
    ds = ox.NamedNode(ns.dataset)
    service = ox.NamedNode(ns.base + ".well-known/void#sparql-service")
    build = ox.NamedNode(ns.base + ".well-known/void#build")
    endpoint = ox.NamedNode(ns.base + "sparql")
    out: list[ox.Triple] = []

    def add(s, p, o):
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=iri(XSD + "integer"))

    add(doc, RDF + "type", iri(VOID + "DatasetDescription"))
    add(doc, FOAF + "primaryTopic", ds)
    add(doc, DCTERMS + "title", ox.Literal("VoID / DCAT description of fukushi-kg", language="en"))

    for t in (VOID + "Dataset", DCAT + "Dataset"):
        add(ds, RDF + "type", iri(t))
    for text, lang in zip(TITLE, ("ja", "en"), strict=True):
        add(ds, DCTERMS + "title", ox.Literal(text, language=lang))
    for text, lang in zip(DESCRIPTION, ("ja", "en"), strict=True):
        add(ds, DCTERMS + "description", ox.Literal(text, language=lang))
    add(ds, DCTERMS + "license", iri(licence))
    for lang in ("ja", "en"):
        add(ds, DCTERMS + "language", iri(f"http://id.loc.gov/vocabulary/iso639-1/{lang}"))
    add(ds, DCAT + "landingPage", iri(ns.base))
    add(ds, DCTERMS + "conformsTo", iri(ns.ontology))
    version = graph.build_info.get("version")
    if version:
        add(ds, OWL + "versionInfo", ox.Literal(str(version)))
        add(ds, DCAT + "version", ox.Literal(str(version)))
    when = build_time(graph)
    if when is not None:
        add(ds, DCTERMS + "modified", ox.Literal(when.isoformat(), datatype=iri(XSD + "dateTime")))

    # VoID statistics, for the default graph the endpoint answers from.
    add(ds, VOID + "sparqlEndpoint", endpoint)
    add(ds, VOID + "uriSpace", ox.Literal(ns.id))
    add(ds, VOID + "vocabulary", iri(ns.fk))
    for prefix in VOCABULARIES:
        add(ds, VOID + "vocabulary", iri(STANDARD_PREFIXES[prefix]))
    for name, value in (
        ("triples", stats.triples),
        ("entities", stats.entities),
        ("distinctSubjects", stats.subjects),
        ("distinctObjects", stats.objects),
        ("properties", stats.properties),
        ("classes", len(stats.classes)),
    ):
        add(ds, VOID + name, integer(value))
    for example in stats.examples:
        add(ds, VOID + "exampleResource", iri(example))
    for cls, n in stats.classes:
        part = ox.BlankNode()
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", iri(cls))
        add(part, VOID + "entities", integer(n))
    for prop, n in stats.property_counts:
        part = ox.BlankNode()
        add(ds, VOID + "propertyPartition", part)
        add(part, VOID + "property", iri(prop))
        add(part, VOID + "triples", integer(n))

    # Dumps and the endpoint as DCAT distributions.
    sizes = dump_sizes(graph)
    for d in DUMPS:
        url = iri(ns.base + "dumps/" + d.name)
        dist = iri(ns.base + ".well-known/void#dump-" + d.name.replace(".", "-"))
        add(ds, VOID + "dataDump", url)
        add(ds, DCAT + "distribution", dist)
        add(dist, RDF + "type", iri(DCAT + "Distribution"))
        add(dist, DCTERMS + "title", ox.Literal(d.label, language="en"))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "accessURL", url)
        add(dist, DCAT + "mediaType", iri(IANA + (d.compress or d.media_type)))
        if d.compress:
            add(dist, DCAT + "compressFormat", iri(IANA + d.media_type))
        add(dist, DCTERMS + "license", iri(licence))
        if sizes.get(d.name) is not None:
            add(dist, DCAT + "byteSize", ox.Literal(str(sizes[d.name]), datatype=iri(XSD + "nonNegativeInteger")))
        if d.name.endswith(".nt") and graph.build_info.get("ntriples_sha256") and ns.base == CANONICAL_BASE:
            checksum = ox.BlankNode()
            add(dist, SPDX + "checksum", checksum)
            add(checksum, SPDX + "algorithm", iri(SPDX + "checksumAlgorithm_sha256"))
            add(checksum, SPDX + "checksumValue", ox.Literal(graph.build_info["ntriples_sha256"]))
    # Each plan's named graph (and the shared rest) as a subset, with its own dump: what `publish` puts per graph.
    for key, meta in sorted((graph.build_info.get("graphs") or {}).items()):
        subset = iri(ns.base + "graph/" + key)
        url = iri(ns.base + "dumps/graphs/" + key + ".nt")
        add(ds, VOID + "subset", subset)
        add(subset, RDF + "type", iri(VOID + "Dataset"))
        add(subset, VOID + "triples", integer(int(meta["triples"])))
        add(subset, VOID + "dataDump", url)
        if ns.base == CANONICAL_BASE:
            checksum = ox.BlankNode()
            add(subset, SPDX + "checksum", checksum)
            add(checksum, SPDX + "algorithm", iri(SPDX + "checksumAlgorithm_sha256"))
            add(checksum, SPDX + "checksumValue", ox.Literal(meta["sha256"]))
    sparql_dist = iri(ns.base + ".well-known/void#sparql")
    add(ds, DCAT + "distribution", sparql_dist)
    add(sparql_dist, RDF + "type", iri(DCAT + "Distribution"))
    add(sparql_dist, DCTERMS + "title", ox.Literal("SPARQL endpoint", language="en"))
    add(sparql_dist, DCAT + "accessURL", endpoint)
    add(sparql_dist, DCAT + "accessService", service)
    add(service, RDF + "type", iri(DCAT + "DataService"))
    add(service, RDF + "type", iri(SD + "Service"))
    add(service, DCAT + "endpointURL", endpoint)
    add(service, SD + "endpoint", endpoint)
    add(service, DCAT + "servesDataset", ds)
    add(service, DCTERMS + "conformsTo", iri("https://www.w3.org/TR/sparql11-protocol/"))

    # Provenance: built from the seed texts by the project's build.
    add(ds, RDF + "type", iri(PROV + "Entity"))
    for src in stats.sources:
        add(ds, PROV + "wasDerivedFrom", iri(src))
        add(ds, DCTERMS + "source", iri(src))
    add(ds, PROV + "wasGeneratedBy", build)
    add(build, RDF + "type", iri(PROV + "Activity"))
    add(build, RDFS + "label", ox.Literal("fukushi-kg build", language="en"))
    add(build, RDFS + "label", ox.Literal("グラフの構築（読込・推論・検証・出力）", language="ja"))
    add(build, PROV + "used", iri(ns.ontology))
    if graph.build_info.get("reasoner"):
        reasoner = graph.build_info["reasoner"]
        add(build, RDFS + "comment", ox.Literal(f"OWL 2 RL materialisation with {reasoner}", language="en"))
    if when is not None:
        add(build, PROV + "endedAtTime", ox.Literal(when.isoformat(), datatype=iri(XSD + "dateTime")))
    return out


VOID_PREFIXES = {"void": VOID, "dcat": DCAT, "foaf": FOAF, "prov": PROV, "spdx": SPDX, "sd": SD}
