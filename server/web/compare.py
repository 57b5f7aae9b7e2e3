"""Comparison across municipalities: how many plan elements address each target group and each 重層 function.

Raw counts mislead: the plans differ in size by two orders of magnitude (美祢市's full plan lists hundreds of
directions, measures and roles; 小美玉市's summary edition none below 施策の方向), so a large count may say more
about the document than about the city's attention. The page therefore offers each count as a share of the
municipality's own elements of the level compared (the default), beside the raw count, and says why.

Charts are drawn in the browser by Chart.js (vendored under static/vendor/chartjs, no CDN) from the same figures
as the table beside each chart, handed over as JSON in a <script type="application/json"> element (the
Content-Security-Policy allows no inline script; Jinja's tojson escapes <, > and &). The table stays the
accessible source; a reader without script loses only the picture.
"""

from dataclasses import dataclass, field

from server.web.describe import Describer
from server.web.plans import tree

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
    # key: (summary dataset, its dimension property, Japanese, English)
    "target-group": ("elements-by-target-group", "observedTargetGroup", "対象者別", "By target group"),
    "function": ("elements-by-function", "observedFunction", "重層的支援の機能別", "By multilayered-support function"),
}

# The counts come from the summary graph made at build time (server.graph.summary), not from the elements: at
# national scale a count over every element of every plan takes seconds, its observations milliseconds. Each
# observation there is a municipality's distinct elements of one class (fk:elementKind; an element counts under
# every class it has) with, in the *-by-* datasets, one concept of the dimension.
SUMMARY_PREFIXES = (
    "PREFIX qb: <http://purl.org/linked-data/cube#>\nPREFIX sdmx: <http://purl.org/linked-data/sdmx/2009/dimension#>\n"
)
COUNTS = (
    SUMMARY_PREFIXES
    + """
SELECT ?m ?c ?n WHERE {
  ?obs qb:dataSet ?dataset ; sdmx:refArea ?m ; fk:elementKind ?cls ; ?dimension ?c ; fk:count ?n .
  ?m a fk:Municipality .
}
"""
)
ELEMENTS = (
    SUMMARY_PREFIXES
    + """
SELECT ?m ?cls ?n WHERE {
  ?obs qb:dataSet ?dataset ; sdmx:refArea ?m ; fk:elementKind ?cls ; fk:count ?n .
  ?m a fk:Municipality .
}
"""
)
MUNICIPALITIES = "SELECT ?m ?code WHERE { ?m a fk:Municipality . OPTIONAL { ?m fk:localGovernmentCode ?code } }"
FUNCTIONS = """
SELECT ?c ?notation WHERE { ?c skos:inScheme ?scheme . OPTIONAL { ?c skos:notation ?notation } }
"""

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@dataclass
class Chart:
    key: str
    title: tuple
    cities: list  # (Value, colour)
    matrix: list  # (concept Value, [count or share per city], total)
    totals: list  # per city: elements annotated
    scale: str = "count"
    elements: list = field(default_factory=list)  # per city: elements of the level, the share's denominator
    counts: list = field(default_factory=list)  # (concept Value, [raw count per city]) for the downloads

    def spec(self) -> dict:
        """The figures of the table beside the chart, as Chart.js draws them (static/compare.js): counts
        stacked (they add up), shares side by side (shares of different denominators do not)."""
        return bar_spec(
            [concept.label.ja for concept, _, _ in self.matrix],
            [(city.label.ja, colour) for city, colour in self.cities],
            [[row[1][j] for row in self.matrix] for j in range(len(self.cities))],
            stacked=self.scale != "share",
            unit="%" if self.scale == "share" else "件",
        )


def bar_spec(labels: list, series: list, values: list, stacked: bool, unit: str) -> dict:
    """A horizontal bar chart's data: one category per label, one dataset per (name, colour) in `series`."""
    return {
        "labels": labels,
        "datasets": [
            {"label": name, "data": data, "backgroundColor": colour}
            for (name, colour), data in zip(series, values, strict=True)
        ],
        "stacked": stacked,
        "unit": unit,
    }


def chart(describer: Describer, dimension: str, level: str, scale: str = "count", only: list | None = None) -> Chart:
    """Counts or shares of a level's elements per concept of a dimension, per municipality.
    `only`: the municipalities' codes to compare, in that order."""
    graph = describer.graph
    fk = graph.ns.fk
    dataset, observed, title_ja, title_en = DIMENSIONS[dimension]
    cls = LEVELS[level][0]
    cities = sorted(
        ((r["m"].value, r["code"].value if "code" in r else r["m"].value) for r in graph.select(MUNICIPALITIES)),
        key=lambda mc: mc[1],
    )
    if only:
        cities = sorted((mc for mc in cities if mc[1] in only), key=lambda mc: only.index(mc[1]))
    city_values = [(describer.iri_value(m), PALETTE[i % len(PALETTE)]) for i, (m, _) in enumerate(cities)]
    summary = graph.ns.id + "summary/"
    counts: dict[tuple, int] = {}
    found = graph.select(COUNTS, dataset=summary + dataset, cls=fk + cls, dimension=fk + observed)
    for r in found:
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

    elements = {
        r["m"].value: int(r["n"].value) for r in graph.select(ELEMENTS, dataset=summary + "elements", cls=fk + cls)
    }
    denominators = [elements.get(m, 0) for m, _ in cities]
    raw = [(describer.iri_value(c), [counts.get((c, m), 0) for m, _ in cities]) for c in keys]
    matrix = []
    for concept, per_city in raw:
        if scale == "share":
            shown = [round(100.0 * n / d, 1) if d else 0.0 for n, d in zip(per_city, denominators, strict=True)]
        else:
            shown = per_city
        matrix.append((concept, shown, sum(per_city)))
    city_totals = [sum(per_city[j] for _, per_city in raw) for j in range(len(cities))]
    return Chart(
        dimension,
        (title_ja, title_en),
        city_values,
        matrix,
        city_totals,
        scale=scale,
        elements=denominators,
        counts=raw,
    )


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
VERDICT_COUNTS = (
    SUMMARY_PREFIXES
    + """
SELECT ?m ?verdict ?severity ?n WHERE {
  ?obs qb:dataSet ?dataset ; sdmx:refArea ?m ; fk:observedVerdict ?verdict ; fk:observedSeverity ?severity ;
       fk:count ?n .
  ?m a fk:Municipality .
}
"""
)
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
SELECT ?m ?i ?label ?group ?target ?actual ?unit ?year ?yearLabel WHERE {
  ?i a fk:Indicator ; fk:indicatorOf ?plan ; rdfs:label ?label . ?plan fk:municipality ?m .
  FILTER(lang(?label) = "ja")
  OPTIONAL { ?i fk:indicatorGroup ?group } OPTIONAL { ?i fk:targetValue ?target }
  OPTIONAL { ?i fk:actualValue ?actual } OPTIONAL { ?i fk:unit ?unit }
  OPTIONAL { ?i fk:actualYear ?year } OPTIONAL { ?i fk:actualYearLabel ?yearLabel }
}
"""
# How deep the side-by-side trees go (nesting below each plan), kept in the URL as tree=<key>.
TREE_DEPTHS = {
    "1": ("第1階層まで（基本理念・基本目標など）", "top level only"),
    "2": ("第2階層まで（施策など）", "two levels"),
    "3": ("第3階層まで（施策の方向など）", "three levels"),
    "4": ("第4階層まで（具体的な取組など）", "four levels"),
    "0": ("表示しない", "hide"),
}


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
    indicators: list  # per city: [Indicator]
    verdicts: list  # per city: {verdict key: count} or None when the city has no plan document judged
    trees: list = field(default_factory=list)  # per city: [(plan Value, [TreeNode] cut at the depth chosen)]

    def colours(self) -> list:
        return [PALETTE[i % len(PALETTE)] for i in range(len(self.cities))]

    def level_spec(self) -> dict:
        """Elements per level, one bar per municipality (raw counts: the table beside says the same)."""
        return bar_spec(
            [ja for ja, _, _ in self.levels],
            list(zip([c.label for c in self.cities], self.colours(), strict=True)),
            [[counts[j] for _, _, counts in self.levels] for j in range(len(self.cities))],
            stacked=False,
            unit="件",
        )

    def verdict_spec(self) -> dict:
        """Verdict counts per municipality (municipalities without judged plans are left out, as in the table)."""
        judged = [(c, colour, v) for c, colour, v in zip(self.cities, self.colours(), self.verdicts, strict=True) if v]
        return bar_spec(
            [f"{mark} {ja}" for _, mark, ja in VERDICT_ROWS],
            [(c.label, colour) for c, colour, _ in judged],
            [[v.get(key, 0) for key, _, _ in VERDICT_ROWS] for _, _, v in judged],
            stacked=False,
            unit="件",
        )


VERDICT_ROWS = (
    ("present", "○", "記載あり"),
    ("partial", "△", "一部記載"),
    ("absent", "×", "記載なし"),
    ("undeterminable", "？", "判定できない"),
)


@dataclass
class Indicator:
    label: str
    group: str | None
    target: float | None
    actual: float | None
    unit: str
    year: str | None


def side_by_side(graph, available: list[Choice], codes: list, describer=None, depth=0) -> SideBySide:
    """Plans and periods, elements per level, indicators and verdicts of each municipality compared; with a
    describer and a depth, each plan's tree down to that depth. The counts and verdicts are read from the summary
    graphs made at build time (…/graph/summary, …/graph/requirement-verdicts)."""
    by_code = {c.code: c for c in available}
    cities = [by_code[c] for c in codes]
    iris = [c.iri for c in cities]
    plans: dict = {}
    for r in graph.select(PERIODS):
        period = (int(r["start"].value), int(r["end"].value)) if "start" in r else (None, None)
        plans.setdefault(r["m"].value, {})[r["plan"].value] = (r["label"].value, *period)
    summary = graph.ns.id + "summary/"
    counts: dict = {}
    for r in graph.select(ELEMENTS, dataset=summary + "elements"):
        counts[(r["m"].value, r["cls"].value.rsplit("#", 1)[-1])] = int(r["n"].value)
    indicators: dict = {}
    for r in graph.select(INDICATORS):
        year = r["yearLabel"].value if "yearLabel" in r else (r["year"].value if "year" in r else None)
        indicators.setdefault(r["m"].value, []).append(
            Indicator(
                r["label"].value,
                r["group"].value if "group" in r else None,
                _number(r, "target"),
                _number(r, "actual"),
                r["unit"].value if "unit" in r else "",
                year,
            )
        )
    tallies: dict = {}  # municipality -> {verdict: cells, "violation": cells of that severity}
    for r in graph.select(VERDICT_COUNTS, dataset=summary + "requirement-verdicts"):
        tally = tallies.setdefault(r["m"].value, {})
        n = int(r["n"].value)
        tally[r["verdict"].value] = tally.get(r["verdict"].value, 0) + n
        if r["severity"].value == "violation":
            tally["violation"] = tally.get("violation", 0) + n
    verdicts = [tallies.get(m) for m in iris]  # None: no plan document of the municipality was judged
    return SideBySide(
        cities,
        [sorted(plans.get(m, {}).values(), key=lambda p: (p[1] or 0, p[0])) for m in iris],
        [(ja, en, [counts.get((m, cls), 0) for m in iris]) for cls, ja, en in SUMMARY_LEVELS],
        [sorted(indicators.get(m, []), key=lambda i: (i.group or "", i.label)) for m in iris],
        verdicts,
        [_trees(graph, describer, m, depth) for m in iris] if describer is not None and depth else [],
    )


PLANS_OF = """
SELECT ?plan ?start WHERE {
  ?plan a fk:Plan ; fk:municipality ?m . OPTIONAL { ?plan fk:period/fk:startFiscalYear ?start }
  FILTER EXISTS { ?e fk:partOf ?plan ; fk:parent ?parent }
}
"""


def _trees(graph, describer, municipality: str, depth: int) -> list:
    """Each of the municipality's plans that has elements, its tree cut below `depth` levels."""
    plans = sorted(
        graph.select(PLANS_OF, m=municipality),
        key=lambda r: (int(r["start"].value) if "start" in r else 0, r["plan"].value),
    )
    out = []
    for r in plans:
        nodes = tree(describer, r["plan"].value)
        _cut(nodes, depth)
        out.append((describer.iri_value(r["plan"].value), nodes))
    return out


def _cut(nodes: list, depth: int) -> None:
    for n in nodes:
        if depth <= 1:
            n.hidden = _size(n.children)
            n.children = []
        else:
            n.hidden = 0
            _cut(n.children, depth - 1)


def _size(nodes: list) -> int:
    return sum(1 + _size(n.children) for n in nodes)


def _number(row, key: str):
    if key not in row:
        return None
    value = float(row[key].value)
    return int(value) if value.is_integer() else value
