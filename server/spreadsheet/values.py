"""The coded columns of the plan template: each cell shown to a planner as a Japanese name, stored as a code.

The names are the ontology's own labels (rdfs:label@ja of the classes, skos:prefLabel@ja of the concepts in
ontology/vocabularies.ttl), so the spreadsheet, the pages and the graph say the same words. A cell may hold
the Japanese name or the code (old templates and the CSVW mapping use codes); anything else is a problem
reported with the names a planner can use.
"""

from dataclasses import dataclass
from functools import lru_cache

import rdflib
from rdflib.namespace import RDFS, SKOS

from server.paths import BASE_IRI, ONTOLOGY_DIR, ONTOLOGY_NS

CONCEPTS = BASE_IRI + "id/concept/"
PLAN_KINDS = (
    "Plan",
    "CommunityWelfarePlan",
    "CommunityWelfareActivityPlan",
    "RecidivismPreventionPlan",
    "GuardianshipPromotionPlan",
    "MultilayeredSupportPlan",
)
ELEMENT_LEVELS = (
    "BasicPhilosophy",
    "BasicGoal",
    "Perspective",
    "Policy",
    "PriorityInitiative",
    "Direction",
    "MeasureGroup",
    "Measure",
    "Role",
)
ACTOR_KINDS = ("SocialWelfareCouncil", "Department", "ResidentActor", "CommunityBody")
COMPLETENESS = ("FullPlan", "FullDraft", "OutlineDocument", "SummaryDocument", "ExcerptDocument")


@dataclass(frozen=True)
class Choices:
    """The values a coded column allows: code → Japanese name, in the order a planner meets them."""

    names: dict[str, str]
    multiple: bool  # several values in one cell, separated by ";"

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def code(self, value: str) -> str | None:
        """The code a cell's value stands for (its Japanese name, or the code itself), or None."""
        value = value.strip()
        if value in self.names:
            return value
        return self._codes().get(value)

    def _codes(self) -> dict[str, str]:
        return {name: code for code, name in self.names.items()}


@lru_cache(maxsize=1)
def _vocabulary() -> rdflib.Graph:
    g = rdflib.Graph()
    for name in ("fukushi.ttl", "vocabularies.ttl"):
        g.parse(ONTOLOGY_DIR / name, format="turtle")
    return g


def _ja(g: rdflib.Graph, node, prop) -> str | None:
    return next((str(v) for v in g.objects(node, prop) if getattr(v, "language", None) == "ja"), None)


def _classes(codes) -> dict[str, str]:
    g = _vocabulary()
    return {code: _ja(g, rdflib.URIRef(ONTOLOGY_NS + code), RDFS.label) or code for code in codes}


def _scheme(scheme: str) -> dict[str, str]:
    """The concepts of a scheme, in the order vocabularies.ttl lists them; a name two concepts share is
    shown with its code, so every name stands for one code."""
    g = _vocabulary()
    prefix = f"{CONCEPTS}{scheme}/"
    seen: dict[str, str] = {}
    for s in g.subjects(SKOS.inScheme, rdflib.URIRef(prefix)):
        code = str(s).removeprefix(prefix)
        seen[code] = _ja(g, s, SKOS.prefLabel) or code
    counts: dict[str, int] = {}
    for name in seen.values():
        counts[name] = counts.get(name, 0) + 1
    return {code: (name if counts[name] == 1 else f"{name}（{code}）") for code, name in sorted(seen.items())}


@lru_cache(maxsize=1)
def coded_columns() -> dict[tuple[str, str], Choices]:
    """(table, column name) → the values it allows."""
    return {
        ("plans", "class"): Choices(_classes(PLAN_KINDS), multiple=True),
        ("plans", "draft_status"): Choices(_scheme("draft-status"), multiple=True),
        ("plans", "completeness"): Choices(_classes(COMPLETENESS), multiple=False),
        ("actors", "class"): Choices(_classes(ACTOR_KINDS), multiple=False),
        ("elements", "class"): Choices(_classes(ELEMENT_LEVELS), multiple=False),
        ("elements", "tiers"): Choices(_scheme("support-tier"), multiple=True),
        ("elements", "target_groups"): Choices(_scheme("target-group"), multiple=True),
        ("elements", "functions"): Choices(_scheme("multilayered-function"), multiple=True),
        ("elements", "priorities"): Choices(_scheme("recidivism-priority"), multiple=True),
        ("elements", "topics"): Choices(_scheme("topic"), multiple=True),
    }


# Columns naming actors of the template's 担い手 sheet (or the municipality itself): a name or an ID.
ACTOR_COLUMNS = {("plans", "creators"), ("elements", "actors"), ("elements", "departments")}
SEPARATOR = ";"


def shown(table: str, column: str, cell: str, actors: dict[str, str] | None = None) -> str:
    """A cell of codes as the spreadsheet shows it: Japanese names, ";" between several."""
    if not cell:
        return cell
    choices = coded_columns().get((table, column))
    if choices is not None:
        return SEPARATOR.join(choices.name(v) for v in cell.split(SEPARATOR))
    if actors is not None and (table, column) in ACTOR_COLUMNS:
        return SEPARATOR.join(actors.get(v, v) for v in cell.split(SEPARATOR))
    return cell
