"""Draft Turtle from an outline (placeholder until the writer lands)."""

CLASS_OF = {
    "cwp": "CommunityWelfarePlan",
}


def embodied_classes(outline) -> set:
    return {"CommunityWelfarePlan"} | {e.cls for e in outline.embodied}
