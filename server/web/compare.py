"""Comparison across municipalities: how many plan elements address each target group and each 重層 function.

Raw counts mislead: the plans differ in size by two orders of magnitude (美祢市's full plan lists hundreds of
directions, measures and roles; 小美玉市's summary edition none below 施策の方向), so a large count may say more
about the document than about the city's attention. The page therefore offers each count as a share of the
municipality's own elements of the level compared (the default), beside the raw count, and says why.

Charts are drawn on the server as SVG (geometry here, markup in the template), so the page needs no script
and every label goes through the template's escaping.
"""

from dataclasses import dataclass, field

from server.web.describe import Describer, Value

LEVELS = {
    # key: (class local name, Japanese, English)
    "action": ("ActionElement", "施策の方向・取組・役割", "directions, measures and roles"),
    "measure": ("Measure", "具体的な取組のみ", "measures only"),
}
SCALES = {
    # key: (Japanese, English)
    "share": ("計画の要素数に占める割合（%）", "share of the municipality's elements (%)"),
    "count": ("要素数", "number of elements"),
}
DIMENSIONS = {
    "target-group": ("targetGroup", "対象者別", "By target group"),
    "function": ("realisesFunction", "重層的支援の機能別", "By multilayered-support function"),
}

COUNTS = """
SELECT ?m ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a ?cls ; ?prop ?c ; fk:partOf ?plan .
  ?plan a fk:Plan ; fk:municipality ?m .
} GROUP BY ?m ?c
"""
ELEMENTS = """
SELECT ?m (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e a ?cls ; fk:partOf ?plan .
  ?plan a fk:Plan ; fk:municipality ?m .
} GROUP BY ?m
"""
MUNICIPALITIES = "SELECT ?m ?code WHERE { ?m a fk:Municipality . OPTIONAL { ?m fk:localGovernmentCode ?code } }"
FUNCTIONS = """
SELECT ?c ?notation WHERE { ?c skos:inScheme ?scheme . OPTIONAL { ?c skos:notation ?notation } }
"""

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

LABEL_WIDTH = 230
BAR_AREA = 440
ROW_HEIGHT = 26
BAR_HEIGHT = 16
TOP = 8


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    city: Value
    value: float
    y: float = 0.0  # offset within the row
    height: float = BAR_HEIGHT


@dataclass
class ChartRow:
    concept: Value
    y: float
    total: float | None
    segments: list = field(default_factory=list)
    end: float = LABEL_WIDTH  # where the bar stops and its total is written


@dataclass
class Chart:
    key: str
    title: tuple
    cities: list  # (Value, colour)
    rows: list
    matrix: list  # (concept Value, [count per city], total)
    width: int
    height: int
    ticks: list  # (x, value)
    totals: list  # per city: elements annotated (count) or elements of the level (share)
    label_x: int = LABEL_WIDTH - 8
    scale: str = "count"
    elements: list = field(default_factory=list)  # per city: elements of the level, the share's denominator
    counts: list = field(default_factory=list)  # (concept Value, [raw count per city]) for the downloads


def chart(describer: Describer, dimension: str, level: str, scale: str = "count", only: list | None = None) -> Chart:
    """Counts (stacked bars, one segment per city) or shares (one bar per city side by side: shares of
    different denominators do not add up). `only`: the municipalities' codes to compare, in that order."""
    graph = describer.graph
    fk = graph.ns.fk
    prop, title_ja, title_en = DIMENSIONS[dimension]
    cls = LEVELS[level][0]
    cities = sorted(
        ((r["m"].value, r["code"].value if "code" in r else r["m"].value) for r in graph.select(MUNICIPALITIES)),
        key=lambda mc: mc[1],
    )
    if only:
        cities = sorted((mc for mc in cities if mc[1] in only), key=lambda mc: only.index(mc[1]))
    city_values = [(describer.iri_value(m), PALETTE[i % len(PALETTE)]) for i, (m, _) in enumerate(cities)]
    counts: dict[tuple, int] = {}
    for r in graph.select(COUNTS, cls=fk + cls, prop=fk + prop):
        counts[(r["c"].value, r["m"].value)] = int(r["n"].value)
    concepts = {c for c, _ in counts}
    if dimension == "function":
        # All five functions, in the statute's order, zero or not: a missing function is itself a finding.
        scheme = graph.ns.id + "concept/multilayered-function/"
        ordered = sorted(graph.select(FUNCTIONS, scheme=scheme), key=lambda r: r.get("notation", r["c"]).value)
        concepts |= {r["c"].value for r in ordered}
        order = {r["c"].value: i for i, r in enumerate(ordered)}
        keys = sorted(concepts, key=lambda c: (order.get(c, 99), c))
    else:
        keys = sorted(concepts, key=lambda c: (-sum(counts.get((c, m), 0) for m, _ in cities), c))

    elements = {r["m"].value: int(r["n"].value) for r in graph.select(ELEMENTS, cls=fk + cls)}
    denominators = [elements.get(m, 0) for m, _ in cities]
    totals = {c: sum(counts.get((c, m), 0) for m, _ in cities) for c in keys}
    raw = [(describer.iri_value(c), [counts.get((c, m), 0) for m, _ in cities]) for c in keys]
    if scale == "share":
        values = {
            (c, m): (100.0 * counts.get((c, m), 0) / d if d else 0.0)
            for c in keys
            for (m, _), d in zip(cities, denominators, strict=True)
        }
        top = max(values.values(), default=0.0)
        row_height = max(ROW_HEIGHT, 6 * len(cities) + 8)
        bar = max(3.0, (row_height - 8) / max(1, len(cities)))
    else:
        values = {(c, m): float(counts.get((c, m), 0)) for c in keys for m, _ in cities}
        top = max(totals.values(), default=0)
        row_height, bar = ROW_HEIGHT, float(BAR_HEIGHT)
    step = _tick_step(-(-top // 1) or 1)
    scale_max = int(-(-(top or 1) // step) * step)
    px = BAR_AREA / scale_max
    rows, matrix = [], []
    for i, c in enumerate(keys):
        concept = describer.iri_value(c)
        row = ChartRow(concept, TOP + i * row_height, totals[c] if scale != "share" else None)
        x = float(LABEL_WIDTH)
        per_city = []
        for j, ((m, _), (city, colour)) in enumerate(zip(cities, city_values, strict=True)):
            v = values[(c, m)]
            per_city.append(round(v, 1) if scale == "share" else int(v))
            if not v:
                continue
            if scale == "share":
                row.segments.append(Segment(LABEL_WIDTH, v * px, colour, city, round(v, 1), 1 + j * bar, bar - 1))
                row.end = max(row.end, LABEL_WIDTH + v * px)
            else:
                row.segments.append(Segment(x, v * px, colour, city, int(v), 1.0, float(BAR_HEIGHT)))
                x += v * px
        if scale != "share":
            row.end = x
        rows.append(row)
        matrix.append((concept, per_city, totals[c]))
    height = TOP + len(keys) * row_height + 24
    ticks = [(LABEL_WIDTH + v * px, v) for v in range(0, scale_max + 1, step)]
    city_totals = [sum(counts.get((c, m), 0) for c in keys) for m, _ in cities]
    return Chart(
        dimension,
        (title_ja, title_en),
        city_values,
        rows,
        matrix,
        LABEL_WIDTH + BAR_AREA + 60,
        height,
        ticks,
        city_totals,
        scale=scale,
        elements=denominators,
        counts=raw,
    )


def _tick_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 8:
            return step
    return 10 ** len(str(top))


# --- choosing whom to compare, and the side-by-side summary ------------------------------------------------

CHOICES = """
SELECT ?m ?code ?label ?pref ?prefLabel WHERE {
  ?m a fk:Municipality ; fk:localGovernmentCode ?code ; rdfs:label ?label . FILTER(lang(?label) = "ja")
  OPTIONAL { ?m fk:prefecture ?pref . ?pref rdfs:label ?prefLabel . FILTER(lang(?prefLabel) = "ja") }
}
"""
PLAN_KINDS = """
SELECT DISTINCT ?m ?kind ?kindLabel WHERE {
  ?plan a ?kind ; fk:municipality ?m . ?kind rdfs:subClassOf fk:Plan ; rdfs:label ?kindLabel .
  FILTER(?kind != fk:Plan && lang(?kindLabel) = "ja")
}
"""
LEVEL_COUNTS = """
SELECT ?m ?cls (COUNT(DISTINCT ?e) AS ?n) WHERE {
  VALUES ?cls { fk:BasicGoal fk:Policy fk:Direction fk:Measure fk:Role }
  ?e a ?cls ; fk:partOf ?plan . ?plan a fk:Plan ; fk:municipality ?m .
} GROUP BY ?m ?cls
"""
SUMMARY_LEVELS = (
    ("BasicGoal", "基本目標", "Basic goals"),
    ("Policy", "施策", "Policies"),
    ("Direction", "施策の方向", "Directions"),
    ("Measure", "具体的な取組", "Measures"),
    ("Role", "役割", "Roles"),
)
PERIODS = """
SELECT ?m ?plan ?label ?start ?end WHERE {
  ?plan a fk:Plan ; fk:municipality ?m ; rdfs:label ?label . FILTER(lang(?label) = "ja")
  OPTIONAL { ?plan fk:period ?p . ?p fk:startFiscalYear ?start ; fk:endFiscalYear ?end }
}
"""
INDICATORS = """
SELECT ?m (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a fk:Indicator ; fk:indicatorOf ?plan . ?plan fk:municipality ?m }
GROUP BY ?m
"""


@dataclass
class Choice:
    code: str
    label: str
    iri: str
    prefecture: str  # code
    prefecture_label: str
    kinds: dict  # plan class local name -> Japanese label


@dataclass
class Selection:
    """Whom the page compares, as the URL says: a municipality, its peers (by name, prefecture or plan kind)."""

    city: str | None
    peers: list
    prefecture: str | None
    kind: str | None
    codes: list  # every municipality compared, the chosen city first

    def query(self) -> dict:
        """The URL parameters that make this selection again."""
        out: dict = {}
        if self.city:
            out["city"] = self.city
        if self.peers:
            out["peer"] = self.peers
        if self.prefecture:
            out["pref"] = self.prefecture
        if self.kind:
            out["kind"] = self.kind
        return out


def choices(graph) -> list[Choice]:
    kinds: dict = {}
    for r in graph.select(PLAN_KINDS):
        kinds.setdefault(r["m"].value, {})[r["kind"].value.rsplit("#", 1)[-1]] = r["kindLabel"].value
    out = []
    for r in graph.select(CHOICES):
        pref = r["pref"].value.rsplit("/", 1)[-1] if "pref" in r else ""
        out.append(
            Choice(
                r["code"].value,
                r["label"].value,
                r["m"].value,
                pref,
                r["prefLabel"].value if "prefLabel" in r else "",
                kinds.get(r["m"].value, {}),
            )
        )
    return sorted(out, key=lambda c: c.code)


def select(available: list[Choice], city: str | None, peers: list, prefecture: str | None, kind: str | None):
    """The municipalities to compare; nothing chosen compares them all. Unknown codes are dropped."""
    known = {c.code: c for c in available}
    city = city if city in known else None
    peers = [p for p in dict.fromkeys(peers) if p in known and p != city]
    prefecture = prefecture if any(c.prefecture == prefecture for c in available) else None
    kind = kind if any(kind in c.kinds for c in available) else None
    codes = ([city] if city else []) + peers
    for c in available:
        if (prefecture and c.prefecture == prefecture) or (kind and kind in c.kinds):
            if c.code not in codes:
                codes.append(c.code)
    if not codes:
        codes = [c.code for c in available]
    return Selection(city, peers, prefecture, kind, codes)


@dataclass
class SideBySide:
    cities: list  # Choice, in the selection's order
    plans: list  # per city: [(label, start, end)]
    levels: list  # (ja, en, [count per city])
    indicators: list  # per city
    verdicts: list  # per city: {verdict key: count} or None when the city has no plan document judged


def side_by_side(graph, available: list[Choice], codes: list, matrix=None) -> SideBySide:
    by_code = {c.code: c for c in available}
    cities = [by_code[c] for c in codes]
    iris = [c.iri for c in cities]
    plans: dict = {}
    for r in graph.select(PERIODS):
        period = (int(r["start"].value), int(r["end"].value)) if "start" in r else (None, None)
        plans.setdefault(r["m"].value, {})[r["plan"].value] = (r["label"].value, *period)
    counts: dict = {}
    for r in graph.select(LEVEL_COUNTS):
        counts[(r["m"].value, r["cls"].value.rsplit("#", 1)[-1])] = int(r["n"].value)
    indicators = {r["m"].value: int(r["n"].value) for r in graph.select(INDICATORS)}
    verdicts = []
    for c in cities:
        rows = [row for row in matrix.rows if row.code == c.code] if matrix is not None else []
        if not rows:
            verdicts.append(None)
            continue
        tally: dict = {}
        for row in rows:
            for cell in row.cells.values():
                tally[cell.verdict] = tally.get(cell.verdict, 0) + 1
                if cell.severity == "violation":
                    tally["violation"] = tally.get("violation", 0) + 1
        verdicts.append(tally)
    return SideBySide(
        cities,
        [sorted(plans.get(m, {}).values(), key=lambda p: (p[1] or 0, p[0])) for m in iris],
        [(ja, en, [counts.get((m, cls), 0) for m in iris]) for cls, ja, en in SUMMARY_LEVELS],
        [indicators.get(m, 0) for m in iris],
        verdicts,
    )
