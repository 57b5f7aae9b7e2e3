"""Names to show for IRIs: Japanese first, English beside, and a readable fallback when the graph has none."""

from dataclasses import dataclass

import pyoxigraph as ox

from server.web.graph import DCAT, DCTERMS, ORG, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, VANN, Graph

LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel")

# Terms of reused vocabularies that the graph shows but does not label itself.
KNOWN = {
    RDF + "type": ("種類", "type"),
    RDFS + "label": ("ラベル", "label"),
    RDFS + "comment": ("説明", "comment"),
    RDFS + "subClassOf": ("上位クラス", "subclass of"),
    RDFS + "subPropertyOf": ("上位プロパティ", "subproperty of"),
    RDFS + "domain": ("定義域", "domain"),
    RDFS + "range": ("値域", "range"),
    RDFS + "Class": ("クラス", "Class"),
    RDFS + "Datatype": ("データ型", "Datatype"),
    RDF + "first": ("先頭", "first"),
    RDF + "rest": ("残り", "rest"),
    OWL + "Class": ("OWLクラス", "OWL class"),
    OWL + "ObjectProperty": ("オブジェクトプロパティ", "object property"),
    OWL + "DatatypeProperty": ("データプロパティ", "datatype property"),
    OWL + "AnnotationProperty": ("注釈プロパティ", "annotation property"),
    OWL + "FunctionalProperty": ("関数的プロパティ", "functional property"),
    OWL + "TransitiveProperty": ("推移的プロパティ", "transitive property"),
    OWL + "SymmetricProperty": ("対称的プロパティ", "symmetric property"),
    OWL + "NamedIndividual": ("個体", "named individual"),
    OWL + "Ontology": ("オントロジー", "ontology"),
    OWL + "inverseOf": ("逆プロパティ", "inverse of"),
    OWL + "oneOf": ("列挙", "one of"),
    OWL + "disjointWith": ("排他クラス", "disjoint with"),
    OWL + "versionIRI": ("版IRI", "version IRI"),
    OWL + "versionInfo": ("版", "version"),
    SKOS + "Concept": ("概念", "Concept"),
    SKOS + "ConceptScheme": ("概念体系", "Concept scheme"),
    SKOS + "prefLabel": ("優先ラベル", "preferred label"),
    SKOS + "altLabel": ("別名", "alternative label"),
    SKOS + "definition": ("定義", "definition"),
    SKOS + "broader": ("上位概念", "broader"),
    SKOS + "narrower": ("下位概念", "narrower"),
    SKOS + "inScheme": ("概念体系", "in scheme"),
    SKOS + "topConceptOf": ("最上位概念の体系", "top concept of"),
    SKOS + "notation": ("記号", "notation"),
    SKOS + "editorialNote": ("編集注記", "editorial note"),
    DCTERMS + "creator": ("作成者", "creator"),
    DCTERMS + "description": ("説明", "description"),
    DCTERMS + "title": ("タイトル", "title"),
    DCTERMS + "source": ("出典", "source"),
    DCTERMS + "identifier": ("識別子", "identifier"),
    DCTERMS + "isPartOf": ("の一部", "is part of"),
    DCTERMS + "license": ("ライセンス", "license"),
    DCTERMS + "Location": ("場所", "Location"),
    ORG + "unitOf": ("所属する組織", "unit of"),
    ORG + "subOrganizationOf": ("上位組織", "sub-organization of"),
    ORG + "Organization": ("組織", "Organization"),
    ORG + "FormalOrganization": ("公式の組織", "Formal organization"),
    ORG + "OrganizationalUnit": ("組織単位", "Organizational unit"),
    PROV + "wasDerivedFrom": ("派生元", "was derived from"),
    PROV + "Entity": ("実体", "Entity"),
    PROV + "Agent": ("主体", "Agent"),
    PROV + "Activity": ("活動", "Activity"),
    SCHEMA + "isPartOf": ("の一部", "is part of"),
    SCHEMA + "legislationIdentifier": ("法令番号", "legislation identifier"),
    SCHEMA + "Legislation": ("法令", "Legislation"),
    VANN + "preferredNamespacePrefix": ("推奨接頭辞", "preferred namespace prefix"),
    VANN + "preferredNamespaceUri": ("推奨名前空間", "preferred namespace URI"),
    DCAT + "Dataset": ("データセット", "Dataset"),
    "http://www.w3.org/2006/time#ProperInterval": ("期間", "Proper interval"),
    "https://creativecommons.org/licenses/by/4.0/": ("CC BY 4.0", "Creative Commons Attribution 4.0 International"),
    "https://creativecommons.org/publicdomain/zero/1.0/": ("CC0 1.0", "Creative Commons Zero 1.0 Universal"),
}


@dataclass(frozen=True)
class Label:
    ja: str
    en: str | None = None

    @property
    def text(self) -> str:
        return self.ja


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        head, _, tail = iri.rstrip("/").rpartition(sep)
        if head and tail:
            return tail
    return iri


def pick(literals: list) -> Label | None:
    """Japanese label (or an untagged one), English beside it when there is one."""
    by_lang = {}
    for lit in literals:
        if isinstance(lit, ox.Literal):
            by_lang.setdefault((lit.language or "").lower(), []).append(lit.value)
    ja = (by_lang.get("ja") or by_lang.get("") or [None])[0]
    en = (by_lang.get("en") or [None])[0]
    if ja is None and en is None:
        others = [v for vals in by_lang.values() for v in vals]
        return Label(sorted(others)[0]) if others else None
    if ja is None:
        return Label(en)
    return Label(ja, en if en != ja else None)


class Labeller:
    """Looks labels up once per request; pages label many IRIs (a plan tree has hundreds)."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.cache: dict[str, Label | None] = {}

    def find(self, iri: str) -> Label | None:
        if iri not in self.cache:
            literals = [o for p in LABEL_PROPERTIES for o in self.graph.objects(iri, p)]
            found = pick(literals)
            if found is None and iri in KNOWN:
                found = Label(*KNOWN[iri])
            self.cache[iri] = found
        return self.cache[iri]

    def __call__(self, iri: str) -> Label:
        found = self.find(iri)
        if found is not None:
            return found
        # Our own IRIs read well by their last segment (cwp3-g1); someone else's (an e-Gov law page, a
        # vocabulary term we do not know) is clearer written out.
        return Label(local_name(iri) if iri.startswith(self.graph.ns.base) else iri)
