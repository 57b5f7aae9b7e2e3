"""Comparison across municipalities: how many plan elements address each target group and each 重層 function.

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
    value: int


@dataclass
class ChartRow:
    concept: Value
    y: float
    total: int
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
    totals: list  # per city
    label_x: int = LABEL_WIDTH - 8


def chart(describer: Describer, dimension: str, level: str) -> Chart:
    graph = describer.graph
    fk = graph.ns.fk
    prop, title_ja, title_en = DIMENSIONS[dimension]
    cls = LEVELS[level][0]
    cities = sorted(
        ((r["m"].value, r["code"].value if "code" in r else r["m"].value) for r in graph.select(MUNICIPALITIES)),
        key=lambda mc: mc[1],
    )
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

    totals = {c: sum(counts.get((c, m), 0) for m, _ in cities) for c in keys}
    top = max(totals.values(), default=0) or 1
    step = _tick_step(top)
    scale_max = -(-top // step) * step
    scale = BAR_AREA / scale_max
    rows, matrix = [], []
    for i, c in enumerate(keys):
        concept = describer.iri_value(c)
        row = ChartRow(concept, TOP + i * ROW_HEIGHT, totals[c])
        x = float(LABEL_WIDTH)
        per_city = []
        for (m, _), (city, colour) in zip(cities, city_values, strict=True):
            n = counts.get((c, m), 0)
            per_city.append(n)
            if n:
                row.segments.append(Segment(x, n * scale, colour, city, n))
                x += n * scale
        row.end = x
        rows.append(row)
        matrix.append((concept, per_city, totals[c]))
    height = TOP + len(keys) * ROW_HEIGHT + 24
    ticks = [(LABEL_WIDTH + v * scale, v) for v in range(0, scale_max + 1, step)]
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
    )


def _tick_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 8:
            return step
    return 10 ** len(str(top))
