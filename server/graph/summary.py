"""The summary graph (`…/graph/summary`): the counts the pages and the named questions show, made at build time.

Each part's worker counts what its plan holds (server.graph.parts calls `part_records` on the part's graph with
the base beside it) and writes them as observations in every published format into the part cache, beside the
part's own files; the summary graph is those files laid end to end after a small one with the datasets'
structure and each prefecture's sums. So a rebuild after one plan changed counts that plan again and sums
the prefectures, but does not write the country's observations anew.

Why W3C Data Cube (qb:): every count is a qb:Observation in a qb:DataSet whose qb:DataStructureDefinition names
its dimensions (sdmx-dimension:refArea for the municipality or prefecture, and the question, element kind,
target group, function, plan kind or period) and its measure (fk:count), so any SPARQL client can read and sum
them without knowing this project. VoID describes a dataset as a whole (triples, class partitions), not counts
broken down by municipality × target group; SDMX's own cube is what qb: was made from, and its refArea
dimension is reused here.

Datasets (fk:count of …):
- question-rows: rows each named question answers, per area and question (the paging of /query/<name> and the
  counts by prefecture and municipality it shows read these);
- elements: plan elements per area and kind (class; an element counts under every class it has);
- elements-by-target-group, elements-by-function: the same, per fk:targetGroup or fk:realisesFunction;
- plans: plans per area and kind; plans-by-period: per area, kind, first and last fiscal year (plans whose text
  states a period).

And in a graph of its own (`…/graph/requirement-verdicts`), made once per build after the compliance matrix (which
is evaluated on the whole graph, not per part): requirement-verdicts, the compliance cells per area, verdict and
severity (fk:observedVerdict, fk:observedSeverity), counted by queries/compliance/requirement-verdicts.rq over the
compliance publication.
"""

import hashlib
from collections import defaultdict

import pyoxigraph as ox

from server.paths import BASE_IRI, QUERIES_DIR

FK = BASE_IRI + "ontology#"
QB = "http://purl.org/linked-data/cube#"
REF_AREA = "http://purl.org/linked-data/sdmx/2009/dimension#refArea"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SUMMARY = BASE_IRI + "id/summary/"
GRAPH_KEY = "summary"

# dataset -> (its dimensions besides the area, in order; the SPARQL that counts it on one part)
ELEMENTS = f"""
  ?element a <{FK}PlanElement> ; <{FK}partOf> ?plan .
  ?plan a <{FK}Plan> ; <{FK}municipality> ?area .
  ?element a ?kind . ?kind <{RDFS}subClassOf> <{FK}PlanElement> ."""
DATASETS = {
    "elements": (
        ("elementKind",),
        f"SELECT ?area ?kind (COUNT(DISTINCT ?element) AS ?n) WHERE {{ {ELEMENTS} }} GROUP BY ?area ?kind",
    ),
    "elements-by-target-group": (
        ("elementKind", "observedTargetGroup"),
        f"SELECT ?area ?kind ?group (COUNT(DISTINCT ?element) AS ?n) WHERE {{ {ELEMENTS} "
        f"?element <{FK}targetGroup> ?group }} GROUP BY ?area ?kind ?group",
    ),
    "elements-by-function": (
        ("elementKind", "observedFunction"),
        f"SELECT ?area ?kind ?function (COUNT(DISTINCT ?element) AS ?n) WHERE {{ {ELEMENTS} "
        f"?element <{FK}realisesFunction> ?function }} GROUP BY ?area ?kind ?function",
    ),
    "plans": (
        ("planKind",),
        f"""SELECT ?area ?kind (COUNT(DISTINCT ?plan) AS ?n) WHERE {{
              ?plan a ?kind ; <{FK}municipality> ?area . ?kind <{RDFS}subClassOf> <{FK}Plan> .
              FILTER(?kind != <{FK}Plan>) }} GROUP BY ?area ?kind""",
    ),
    "plans-by-period": (
        ("planKind", "periodStart", "periodEnd"),
        f"""SELECT ?area ?kind ?start ?end (COUNT(DISTINCT ?plan) AS ?n) WHERE {{
              ?plan a ?kind ; <{FK}municipality> ?area ; <{FK}period> ?period .
              ?period <{FK}startFiscalYear> ?start ; <{FK}endFiscalYear> ?end .
              ?kind <{RDFS}subClassOf> <{FK}Plan> . FILTER(?kind != <{FK}Plan>) }} GROUP BY ?area ?kind ?start ?end""",
    ),
}
QUESTION_ROWS = "question-rows"
DIMENSIONS = {QUESTION_ROWS: ("question",), **{name: dims for name, (dims, _) in DATASETS.items()}}
_COLUMNS = {"elementKind": "kind", "planKind": "kind", "observedTargetGroup": "group", "observedFunction": "function"}
_COLUMNS |= {"periodStart": "start", "periodEnd": "end"}
VERDICTS = "requirement-verdicts"  # the dataset, and the key of its graph
VERDICT_DIMENSIONS = {VERDICTS: ("observedVerdict", "observedSeverity")}
VERDICT_QUERY = QUERIES_DIR / "compliance" / f"{VERDICTS}.rq"
_LITERAL_DIMENSIONS = {"question", "observedVerdict", "observedSeverity"}  # values that are text, not IRIs


def _value(term) -> str | int:
    """A dimension value as the records keep it: an IRI as text, an integer as int."""
    if isinstance(term, ox.Literal):
        return int(term.value) if term.datatype.value.endswith("#integer") else term.value
    return term.value


def part_records(store: ox.Store, graph: ox.NamedNode, questions) -> list[list]:
    """The counts of one part, whose triples are in `graph` of `store` beside the base in the default graph:
    [dataset, area IRI, prefecture IRI or "", [dimension values], count] for each non-zero count.

    A question's rows are counted by running its query as shipped (parameters open) on the part and the base
    and grouping by ?city; the test compares each count with the live query restricted to that municipality."""

    def select(sparql):
        return store.query(sparql, use_default_graph_as_union=True)

    prefecture = {
        r["m"].value: r["p"].value
        for r in select(f"SELECT ?m ?p WHERE {{ ?m a <{FK}Municipality> ; <{FK}prefecture> ?p }}")
    }
    records = []
    for q in questions:
        per_city: dict[str, int] = defaultdict(int)
        for solution in select(q.text):
            city = solution["city"]
            if city is not None:
                per_city[city.value] += 1
        records += [[QUESTION_ROWS, city, prefecture.get(city, ""), [q.name], n] for city, n in per_city.items()]
    for name, (dims, sparql) in DATASETS.items():
        for s in select(sparql):
            area = s["area"].value
            values = [_value(s[_COLUMNS[d]]) for d in dims]
            records.append([name, area, prefecture.get(area, ""), values, int(s["n"].value)])
    return sorted(records, key=repr)


def _obs_iri(dataset: str, area: str, values: list) -> str:
    key = "\x1f".join([area, *map(str, values)]).encode("utf-8")
    return f"{SUMMARY}{dataset}/{hashlib.sha256(key).hexdigest()[:20]}"


def _term(dimension: str, value) -> ox.NamedNode | ox.Literal:
    if isinstance(value, int):
        return ox.Literal(value)
    if dimension in _LITERAL_DIMENSIONS:
        return ox.Literal(value)
    return ox.NamedNode(value)


def prefecture_records(records_by_part: dict[str, list]) -> list[list]:
    """Each prefecture's sums of its municipalities' counts, as records with the prefecture as the area."""
    totals: dict[tuple, int] = defaultdict(int)
    for records in records_by_part.values():
        for dataset, _, prefecture, values, n in records:
            if prefecture:
                totals[(dataset, prefecture, tuple(values))] += n
    return [[dataset, pref, "", list(values), n] for (dataset, pref, values), n in sorted(totals.items(), key=repr)]


def structure_lines(datasets: dict | None = None) -> list[str]:
    """The datasets (DIMENSIONS unless given) and their structure definitions, as sorted N-Triples lines."""
    triples = []
    a, qb = ox.NamedNode(RDF_TYPE), lambda local: ox.NamedNode(QB + local)
    for dataset, dims in (DIMENSIONS if datasets is None else datasets).items():
        ds = ox.NamedNode(SUMMARY + dataset)
        dsd = ox.NamedNode(f"{SUMMARY}{dataset}/structure")
        triples += [
            (ds, a, qb("DataSet")),
            (ds, qb("structure"), dsd),
            (ds, ox.NamedNode(RDFS + "label"), ox.Literal(f"集計: {dataset}", language="ja")),
            (ds, ox.NamedNode(RDFS + "label"), ox.Literal(f"summary: {dataset}", language="en")),
            (dsd, a, qb("DataStructureDefinition")),
        ]
        for kind, prop in [("dimension", REF_AREA), *[("dimension", FK + d) for d in dims], ("measure", FK + "count")]:
            component = ox.NamedNode(f"{SUMMARY}{dataset}/structure/{prop.rsplit('#', 1)[-1]}")
            triples += [(dsd, qb("component"), component), (component, qb(kind), ox.NamedNode(prop))]
    return sorted({f"{s} {p} {o} ." for s, p, o in triples})


def observation_lines(records: list[list]) -> list[str]:
    """Records as qb:Observation triples (sorted N-Triples lines); each observation's IRI is made from its
    dataset, area and values, so the lines of different parts never overlap."""
    a, qb = ox.NamedNode(RDF_TYPE), lambda local: ox.NamedNode(QB + local)
    lines = []
    for dataset, area, _, values, n in records:
        obs = ox.NamedNode(_obs_iri(dataset, area, values))
        lines += [
            f"{obs} {a} {qb('Observation')} .",
            f"{obs} {qb('dataSet')} {ox.NamedNode(SUMMARY + dataset)} .",
            f"{obs} {ox.NamedNode(REF_AREA)} {ox.NamedNode(area)} .",
            f"{obs} {ox.NamedNode(FK + 'count')} {ox.Literal(n)} .",
        ]
        for dimension, value in zip((DIMENSIONS | VERDICT_DIMENSIONS)[dataset], values, strict=True):
            lines.append(f"{obs} {ox.NamedNode(FK + dimension)} {_term(dimension, value)} .")
    return sorted(set(lines))


def verdict_lines(compliance: list[str], graph_lines) -> list[str]:
    """The graph `…/graph/requirement-verdicts` as sorted N-Triples lines: the compliance cells per municipality
    and per prefecture, by verdict and severity, counted by queries/compliance/requirement-verdicts.rq over the
    compliance publication's lines (`compliance`) with the links it needs from the whole graph's lines
    (`graph_lines`: each document's municipality, each municipality's prefecture). Empty without compliance cells.

    Once per build, not per part: the matrix is evaluated on the whole graph (server.compliance.publication)."""
    if not compliance:
        return []
    links = (f"<{FK}municipality> ", f"<{FK}prefecture> ")
    body = [*compliance, *(line for line in graph_lines if links[0] in line or links[1] in line)]
    store = ox.Store()
    store.bulk_load(input="".join(line + "\n" for line in body).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    prefecture = {r["m"].value: r["p"].value for r in store.query(f"SELECT ?m ?p WHERE {{ ?m <{FK}prefecture> ?p }}")}
    records = [
        [
            VERDICTS,
            r["city"].value,
            prefecture.get(r["city"].value, ""),
            [r["verdict"].value, r["severity"].value],
            int(r["cells"].value),
        ]
        for r in store.query(VERDICT_QUERY.read_text(encoding="utf-8"))
    ]
    if not records:
        return []
    head = structure_lines(VERDICT_DIMENSIONS)
    return sorted(set(head + observation_lines(records) + observation_lines(prefecture_records({"": records}))))


class PartCounter:
    """Per worker process: the base's N-Triples kept as bytes; each part counted in a store of its own with the base.

    A fresh in-memory store per part rather than one store with each part added and removed: pyoxigraph's
    in-memory store keeps what was removed (its terms and tombstones), so with one long-lived store each part took
    longer than the last (110 ms for the first hundred bundled parts, 1.4 s after six hundred, memory growing
    alike); loading the base anew costs a few milliseconds."""

    def __init__(self, base_lines, questions):
        self.base = "".join(line + "\n" for line in base_lines).encode("utf-8")
        self.questions = questions

    def records(self, key: str, lines: list[str]) -> list[list]:
        store = ox.Store()
        store.bulk_load(input=self.base, format=ox.RdfFormat.N_TRIPLES)
        graph = ox.NamedNode(f"{SUMMARY}part/{key}")
        body = "".join(line + "\n" for line in lines).encode("utf-8")
        store.bulk_load(input=body, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        return part_records(store, graph, self.questions)
