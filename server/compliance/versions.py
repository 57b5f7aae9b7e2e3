"""Which version of the law each plan is checked against, and what changed after the plan was adopted.

A plan is checked against the version of each Act in force at its adoption date: the day it was adopted
(dcterms:issued), the adoption a draft announces (fk:plannedAdoption), or failing both the first day of its
period. data/legislation.ttl gives each provision the day its present wording took effect
(fk:inForceSince) and the earlier wording where it differs; a provision whose present wording took effect
after the plan's adoption is reported (the plan was made under the earlier wording, and the change may
alter what it must hold).
"""

from rdflib.namespace import DCTERMS

from server.compliance.requirements import FK


def _day(value: str) -> str:
    """An xsd:date, xsd:gYearMonth or xsd:gYear as a comparable ISO day."""
    value = value.strip()
    return value + "-01-01" if len(value) == 4 else value + "-01" if len(value) == 7 else value[:10]


def adoption(graph, plans) -> dict:
    """{"date": ISO day or None, "basis_ja", "basis_en", "plan"}: the earliest adoption among the plans."""
    found = []
    for plan in plans:
        for prop, ja, en in (
            (DCTERMS.issued, "策定日", "adopted"),
            (FK.plannedAdoption, "策定予定", "planned adoption"),
        ):
            value = graph.value(plan, prop)
            if value is not None:
                found.append((_day(str(value)), ja, en, str(plan)))
                break
        else:
            period = graph.value(plan, FK.period)
            start = graph.value(period, FK.startFiscalYear) if period is not None else None
            if start is not None:
                found.append((f"{int(start)}-04-01", "計画期間の初日", "first day of the plan period", str(plan)))
    if not found:
        return {"date": None, "basis_ja": "策定日不明", "basis_en": "adoption date unknown", "plan": None}
    day, ja, en, plan = min(found)
    return {"date": day, "basis_ja": ja, "basis_en": en, "plan": plan}


def note(provision, adopted: dict) -> dict:
    """The law version a cell was checked against, and a later change of the provision if any."""
    version = provision.version or {}
    since = provision.in_force_since
    out = {
        "version": version.get("label", {}),
        "version_date": version.get("version_date"),
        "law_revision_id": version.get("law_revision_id"),
        "amending_law": version.get("amending_law"),
        "in_force_since": since,
        "former_article": provision.former_article,
        "earlier_wording": provision.earlier_wording or {},
        "unconfirmed": {**(version.get("unconfirmed") or {}), **(provision.unconfirmed or {})},
        "adoption": adopted,
        "changed_after_adoption": bool(since and adopted.get("date") and adopted["date"] < since),
    }
    if out["changed_after_adoption"]:
        out["ja"] = (
            f"この計画の{adopted['basis_ja']}（{adopted['date']}）の後、{since}に{provision.label.get('ja', '')}の"
            f"現行の文言が施行されました。策定時の文言：{(provision.earlier_wording or {}).get('ja', '記録なし')}"
        )
        out["en"] = (
            f"The present wording of {provision.label.get('en', '')} took effect on {since}, after this plan's "
            f"{adopted['basis_en']} ({adopted['date']}); the plan was made under the earlier wording."
        )
    return out
