"""The draft graph of an outline, in the data model of docs/data-model.md, written as Turtle by rdflib.

A draft cites its own document: it declares a fk:SourceDocument for the imported file (its name as
dcterms:identifier) and every plan, period and element cites it with fk:startLine/fk:endLine (lines of
the text the importer read) and, for a PDF, schema:pageStart/schema:pageEnd. Annotations the lexicon
annotator proposes are not asserted: each is an rdf:Statement (RDF reification, subject, predicate,
object) with an fk:note saying it is a proposal, so the compliance matrix does not count it until a
reviewer accepts it by asserting the triple.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from server.importer.codes import Municipality
from server.importer.outline import Outline, norm
from server.paths import BASE_IRI, DATA_DIR, ONTOLOGY_NS

FK = rdflib.Namespace(ONTOLOGY_NS)
SCHEMA = rdflib.Namespace("https://schema.org/")
MUNI = rdflib.Namespace(BASE_IRI + "id/municipality/")
PREF = rdflib.Namespace(BASE_IRI + "id/prefecture/")
LAW = rdflib.Namespace(BASE_IRI + "id/law/")
DS = rdflib.Namespace(BASE_IRI + "id/concept/draft-status/")
TIER = rdflib.Namespace(BASE_IRI + "id/concept/support-tier/")
SOUMU = rdflib.URIRef("https://www.soumu.go.jp/denshijiti/code.html")

# Each plan kind: IRI stem, class, the provision it is made under (docs/data-model.md), its Japanese name.
PLANS = {
    "cwp": ("cwp", "CommunityWelfarePlan", "326AC0000000045-107", "地域福祉計画"),
    "cwap": ("cwap", "CommunityWelfareActivityPlan", "326AC0000000045-109", "地域福祉活動計画"),
    "gpp": ("gpp", "GuardianshipPromotionPlan", "428AC1000000029-14", "成年後見制度利用促進基本計画"),
    "rpp": ("rpp", "RecidivismPreventionPlan", "428AC1000000104-8", "再犯防止推進計画"),
    "msp": ("msp", "MultilayeredSupportPlan", "326AC0000000045-106_5", "重層的支援体制整備事業実施計画"),
}
STEM = {
    "BasicPhilosophy": "philosophy",
    "BasicGoal": "g",
    "Perspective": "v",
    "PriorityInitiative": "pi",
    "Policy": "p",
    "Direction": "d",
    "MeasureGroup": "mg",
    "Measure": "m",
    "Role": "r",
}
PADDED = {"Measure", "Role"}
PROPOSAL_NOTE = "提案（未確認）：辞書による自動付与の候補。確認後に要素へ付けてください。"


def add_municipality(g: rdflib.Graph, muni: Municipality) -> rdflib.URIRef:
    """The municipality as the structural shapes want it, named from 総務省's list."""
    m = MUNI[muni.code]
    g.add((m, RDF.type, FK.Municipality))
    g.add((m, RDFS.label, rdflib.Literal(muni.name, lang="ja")))
    g.add((m, RDFS.label, rdflib.Literal(muni.name_en, lang="en")))
    g.add((m, FK.localGovernmentCode, rdflib.Literal(muni.code)))
    g.add((m, FK.prefecture, PREF[muni.prefecture_code]))
    g.add((m, DCTERMS.source, SOUMU))
    return m


def states_welfare_plan(outline: Outline) -> bool:
    """Whether the title calls the document a 地域福祉計画: only then is its main plan typed as one (and given
    第107条 as its basis). A plan-level claim comes from the text or is recorded as unknown (fk:unstated)."""
    return "地域福祉計画" in outline.title


def embodied_classes(outline: Outline) -> set:
    """The plan classes the document embodies: its main plan (a community-welfare plan where the title says so)
    and those the text names."""
    main = "CommunityWelfarePlan" if states_welfare_plan(outline) else "Plan"
    return {main} | {e.cls for e in outline.embodied if e.key != "cwp"}


def draft_graph(outline: Outline, muni: Municipality, source_name: str, proposals=()) -> rdflib.Graph:
    g = rdflib.Graph()
    base = rdflib.Namespace(f"{BASE_IRI}id/{muni.code}/")
    for prefix, ns in (
        ("", base),
        ("fk", FK),
        ("muni", MUNI),
        ("pref", PREF),
        ("law", LAW),
        ("ds", DS),
        ("tier", TIER),
        ("dcterms", DCTERMS),
        ("org", ORG),
        ("prov", PROV),
        ("schema", SCHEMA),
        ("skos", SKOS),
    ):
        g.bind(prefix, ns, override=True)
    lines = {line.number: line for line in outline.lines}
    last_line = max(lines) if lines else 1

    def cite(node, start: int, end: int | None = None):
        end = max(end or start, start)
        g.add((node, FK.sourceFile, source))
        g.add((node, FK.startLine, rdflib.Literal(start)))
        g.add((node, FK.endLine, rdflib.Literal(end)))
        pages = sorted({lines[n].page for n in range(start, end + 1) if n in lines and lines[n].page})
        if pages:
            g.add((node, SCHEMA.pageStart, rdflib.Literal(pages[0])))
            g.add((node, SCHEMA.pageEnd, rdflib.Literal(pages[-1])))

    m = add_municipality(g, muni)

    source = base[f"source-{_slug(Path(source_name).stem)}"]
    g.add((source, RDF.type, FK.SourceDocument))
    g.add((source, DCTERMS.identifier, rdflib.Literal(Path(source_name).name)))
    g.add((source, RDFS.label, rdflib.Literal(f"取り込んだ計画書 {Path(source_name).name}", lang="ja")))
    g.add((source, RDFS.label, rdflib.Literal(f"Imported plan document {Path(source_name).name}", lang="en")))
    fmt = "application/pdf" if source_name.lower().endswith(".pdf") else "text/plain"
    g.add((source, DCTERMS.format, rdflib.Literal(fmt)))

    title_line = outline.title_line or 1
    title_end = max(outline.title_lines or [title_line])
    doc = base["document"]
    g.add((doc, RDF.type, FK.PlanDocument))
    title = outline.title or f"{muni.name}地域福祉計画（表題は本文にない）"
    g.add((doc, RDFS.label, rdflib.Literal(title, lang="ja")))
    if outline.title:
        g.add((doc, DCTERMS.title, rdflib.Literal(outline.title, lang="ja")))
    for status in outline.statuses:
        g.add((doc, FK.draftStatus, DS[status]))
    g.add((doc, DCTERMS.creator, m))
    g.add((doc, FK.municipality, m))
    g.add((doc, FK.textSource, source))
    g.add((doc, FK.note, rdflib.Literal("fukushi-kg import が作った下書き。内容は確認が必要。", lang="ja")))
    cite(doc, title_line, title_end)

    edition = outline.edition
    plans = {}
    main = MAIN_KEY.get(outline.kind, "cwp")
    kinds = [main] + [e.key for e in outline.embodied if e.key != main]
    embodied_at = {e.key: e for e in outline.embodied}
    # The plan is named as the document prints its municipality; a code that names another town is a
    # warning on the review page (run.py), never a silent rename.
    place = outline.municipality_name or muni.name
    council = None
    for kind in kinds:
        stem, cls, law, name = PLANS[kind]
        plan = base[f"{stem}{edition if kind == main and edition else ''}"]
        plans[kind] = plan
        label = f"{outline.edition_label}{place}{name}" if kind == main else f"{name}（{place}）"
        g.add((plan, FK.municipality, m))
        if kind == "cwap":
            council = council or _council(g, base, m, outline, muni)
            g.add((plan, DCTERMS.creator, council))
        if kind != "cwap" or outline.kind != "CommunityWelfareActivityPlan":
            g.add((plan, DCTERMS.creator, m))
        if kind == "cwp" == main and not states_welfare_plan(outline):
            # Only the document's own plan can be untyped: a 地域福祉計画 it is made with is named by the text.
            g.add((plan, RDF.type, FK.Plan))
            label = f"{outline.edition_label}計画"
            for unstated in (RDF.type, FK.legalBasis):
                g.add((plan, FK.unstated, unstated))
            note = "題名が計画の種類を示さないため、種類と法的根拠は不明として記録した（確認が必要）。"
            g.add((plan, FK.note, rdflib.Literal(note, lang="ja")))
        else:
            g.add((plan, RDF.type, FK[cls]))
            g.add((plan, FK.legalBasis, LAW[_provision(law, embodied_at.get(kind))]))
        g.add((plan, RDFS.label, rdflib.Literal(label, lang="ja")))
        g.add((doc, FK.embodies, plan))
        if kind == main and edition:
            g.add((plan, FK.edition, rdflib.Literal(edition)))
            g.add((plan, FK.editionLabel, rdflib.Literal(outline.edition_label)))
        at = embodied_at.get(kind)
        cite(plan, at.line if at else title_line, at.line if at else title_end)
    cwp = plans[main]
    if outline.period:
        start, end, label, line = outline.period
        period = base[f"{cwp.split('/')[-1]}-period"]
        g.add((period, RDF.type, FK.PlanPeriod))
        g.add((period, RDFS.label, rdflib.Literal(label, lang="ja")))
        g.add((period, FK.startFiscalYear, rdflib.Literal(start)))
        g.add((period, FK.endFiscalYear, rdflib.Literal(end)))
        cite(period, line)
        for plan in plans.values():
            g.add((plan, FK.period, period))

    actors = _Actors(g, base, m, muni, cite)
    actors.council_name = next((c for c in outline.creators if c.endswith("社会福祉協議会")), None) or (
        f"{outline.municipality_name or muni.name}社会福祉協議会"
    )
    iris = {}
    counters: dict = {}
    for el in outline.elements:
        if el.parent is not None:
            parent_iri = iris[id(el.parent)]
        else:
            parent_iri = plans.get(el.part_of[0], cwp) if el.part_of else cwp
        key = (parent_iri, el.cls)
        counters[key] = counters.get(key, 0) + 1
        order = counters[key]
        stem = STEM[el.cls]
        if el.cls == "BasicPhilosophy":
            local = f"{parent_iri.split('/')[-1]}-philosophy" + (str(order) if order > 1 else "")
        else:
            local = f"{parent_iri.split('/')[-1]}-{stem}{order:02d}" if el.cls in PADDED else None
            local = local or f"{parent_iri.split('/')[-1]}-{stem}{order}"
        node = base[local]
        iris[id(el)] = node
        g.add((node, RDF.type, FK[el.cls]))
        g.add((node, RDFS.label, rdflib.Literal(el.label, lang="ja")))
        if el.description:
            g.add((node, DCTERMS.description, rdflib.Literal(el.description, lang="ja")))
        if el.level_label:
            g.add((node, FK.levelLabel, rdflib.Literal(el.level_label, lang="ja")))
        if el.number:
            g.add((node, FK.number, rdflib.Literal(el.number)))
        g.add((node, FK.order, rdflib.Literal(order)))
        g.add((node, FK.parent, parent_iri))
        if el.cls == "BasicPhilosophy" and el.parent is None:
            g.add((parent_iri, FK.basicPhilosophy, node))
        for kind in el.part_of:
            if kind in plans and plans[kind] != parent_iri:
                g.add((node, FK.partOf, plans[kind]))
        for actor in el.actors:
            g.add((node, FK.carriedOutBy, actors.get(actor, el.start)))
            if actor[0] == "department":
                g.add((node, FK.responsibleDepartment, actors.get(actor, el.start)))
        for tier in el.tiers:
            g.add((node, FK.tier, TIER[tier]))
        for note in el.notes:
            g.add((node, FK.note, rdflib.Literal(note, lang="ja")))
        cite(node, el.start, min(el.end, last_line))

    for n, ind in enumerate(outline.indicators, 1):
        node = base[f"{cwp.split('/')[-1]}-indicator{n}"]
        g.add((node, RDF.type, FK.Indicator))
        g.add((node, RDFS.label, rdflib.Literal(ind.label, lang="ja")))
        g.add((node, FK.indicatorOf, cwp))
        if ind.group:
            g.add((node, FK.indicatorGroup, rdflib.Literal(ind.group, lang="ja")))
        target, unit = _amount(ind.target)
        actual, actual_unit = _amount(ind.actual)
        if target is not None:
            g.add((node, FK.targetValue, rdflib.Literal(target, datatype=XSD.decimal)))
        if actual is not None:
            # The baseline (現状値) is the value measured when the plan was made: fk:actualValue and its year.
            g.add((node, FK.actualValue, rdflib.Literal(actual, datatype=XSD.decimal)))
        if ind.baseline_fy:
            g.add((node, FK.actualYear, rdflib.Literal(ind.baseline_fy)))
        if ind.unit or unit or actual_unit:
            g.add((node, FK.unit, rdflib.Literal(ind.unit or unit or actual_unit)))
        if ind.target_fy:
            note = f"目標年度：{ind.target_fy}年度（西暦）"
            g.add((node, FK.note, rdflib.Literal(note, lang="ja")))
        if ind.element is not None and id(ind.element) in iris:
            g.add((node, DCTERMS.relation, iris[id(ind.element)]))  # the goal or policy it measures
        cite(node, ind.line)

    for n, p in enumerate(proposals, 1):
        target = iris.get(id(p.element))
        if target is None:
            continue
        st = base[f"proposal{n}"]
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, target))
        g.add((st, RDF.predicate, rdflib.URIRef(p.property)))
        g.add((st, RDF.object, rdflib.URIRef(p.concept)))
        g.add((st, FK.note, rdflib.Literal(f"{PROPOSAL_NOTE}（「{p.matched}」、{p.via}）", lang="ja")))
    return g


MAIN_KEY = {
    "CommunityWelfarePlan": "cwp",
    "CommunityWelfareActivityPlan": "cwap",
    "RecidivismPreventionPlan": "rpp",
    "GuardianshipPromotionPlan": "gpp",
    "MultilayeredSupportPlan": "msp",
}


def _council(g, base, m, outline, muni):
    """The 社会福祉協議会 that makes an activity plan, named as the document prints it."""
    node = base["shakyo"]
    name = next((c for c in outline.creators if c.endswith("社会福祉協議会")), None)
    name = name or f"{outline.municipality_name or muni.name}社会福祉協議会"  # as _Actors names it
    g.add((node, RDF.type, FK.SocialWelfareCouncil))
    g.add((node, RDFS.label, rdflib.Literal(name, lang="ja")))
    g.add((node, FK.municipality, m))
    return node


class _Actors:
    """Each actor declared once per draft, as docs/data-model.md rule 6 asks."""

    def __init__(self, g, base, muni_node, muni: Municipality, cite):
        self.g, self.base, self.muni_node, self.muni, self.cite = g, base, muni_node, muni, cite
        self.nodes: dict = {}
        self.council_name = f"{muni.name}社会福祉協議会"

    def get(self, actor: tuple, line: int):
        kind, label = actor
        if kind == "municipality":
            return self.muni_node
        key = (kind, norm(label) if kind in ("body", "department") else "")
        if key in self.nodes:
            return self.nodes[key]
        g = self.g
        if kind == "council":
            node = self.base["shakyo"]
            g.add((node, RDF.type, FK.SocialWelfareCouncil))
            g.add((node, RDFS.label, rdflib.Literal(self.council_name, lang="ja")))
            g.add((node, FK.municipality, self.muni_node))
        elif kind == "residents":
            node = self.base["residents"]
            g.add((node, RDF.type, FK.ResidentActor))
            g.add((node, RDFS.label, rdflib.Literal(label, lang="ja")))
        elif kind == "department":
            node = self.base[f"dept-{len(self.nodes) + 1}"]
            g.add((node, RDF.type, FK.Department))
            g.add((node, RDFS.label, rdflib.Literal(label, lang="ja")))
            g.add((node, ORG.unitOf, self.muni_node))
        else:
            node = self.base[f"body-{len(self.nodes) + 1}"]
            g.add((node, RDF.type, FK.CommunityBody))
            g.add((node, RDFS.label, rdflib.Literal(label, lang="ja")))
        if kind != "department":
            self.cite(node, line)
        self.nodes[key] = node
        return node


def _provision(law: str, at) -> str:
    """The plan's provision, to the paragraph where the text cites one that data/legislation.ttl has
    (「成年後見制度の利用の促進に関する法律 第14条第1項」 → 428AC1000000029-14-1)."""
    if at is None or not at.article or not law.endswith(f"-{at.article}") or not at.paragraph:
        return law
    candidate = f"{law}-{at.paragraph}"
    return candidate if candidate in _provisions() else law


@lru_cache(maxsize=1)
def _provisions() -> frozenset:
    text = (DATA_DIR / "legislation.ttl").read_text(encoding="utf-8")
    return frozenset(re.findall(r"^law:(\S+) a fk:LegalProvision", text, flags=re.M))


def _amount(text: str):
    """(value, unit) of a printed figure such as "70.0%" or "296,000 件"."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    m = re.match(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*([^\s(（0-9]*)", text)
    if not m:
        return None, ""
    try:
        return Decimal(m.group(1).replace(",", "")), m.group(2)
    except InvalidOperation:
        return None, ""


def _slug(text: str) -> str:
    text = text.replace("#計画", "-plans").replace("#担い手", "-actors").replace("#要素", "-elements")
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    return slug or "document"


def write_turtle(g: rdflib.Graph, path) -> None:
    """Turtle through pyoxigraph's serializer: rdflib's spends most of a 100-page plan's import choosing
    prefixed names (2.1 s against 0.55 s for 30,000 triples, same graph). Subjects are sorted so that
    each is written once with its statements; only prefixes the draft uses are declared. Written beside
    the target and moved into place, so a failure leaves no half-written draft."""
    import pyoxigraph as ox

    nt = g.serialize(format="nt", encoding="utf-8")
    triples = sorted(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), key=lambda t: (str(t.subject), str(t.predicate)))
    prefixes = {p: str(ns) for p, ns in g.namespaces() if p and f"<{ns}".encode() in nt}
    path = Path(path)
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes))
        part.replace(path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        # Named by the target the user gave, not by the temporary file beside it.
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
