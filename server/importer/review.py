"""The review page: the source text beside the extracted tree, unused lines highlighted, decisions listed.

Rendered with Jinja2 (already here through Flask) with autoescaping on, so plan text never becomes markup.
"""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from server.importer.confidence import CALL_LABELS, KIND_LABELS, assess, covered_lines, unused_by_kind, unused_lines

TEMPLATES = Path(__file__).parent / "templates"


def _tree(elements, proposals_by_element) -> Markup:
    def render(items) -> str:
        parts = ["<ul class='tree'>"]
        for el in items:
            props = "".join(
                f" <span class='prop' title='提案 / proposal'>{escape(p.concept.rsplit('/', 1)[-1])}</span>"
                for p in proposals_by_element.get(id(el), [])
            )
            number = f"{escape(el.number)} " if el.number else ""
            low = (
                f" <span class='low' title='確信度 / confidence'>{el.confidence:.1f}</span>"
                if el.confidence < 0.8
                else ""
            )
            parts.append(
                f"<li><span class='cls'>{escape(el.level_label or el.cls)}</span> {number}{escape(el.label)}{props}"
                f"{low} <a class='cite' href='#L{el.start}'>{el.start}–{el.end}</a>"
            )
            if el.children:
                parts.append(render(el.children))
            parts.append("</li>")
        parts.append("</ul>")
        return "".join(parts)

    return Markup(render([e for e in elements if e.parent is None]))


def review_html(outline, municipality, source_name: str, proposals, annotator: bool) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    by_element: dict = {}
    for p in proposals:
        by_element.setdefault(id(p.element), []).append(p)
    decisions = sorted(outline.decisions)
    calls = assess(outline)
    return env.get_template("review.html").render(
        outline=outline,
        municipality=municipality,
        source_name=source_name,
        elements=outline.elements,
        proposals=proposals,
        annotator=annotator,
        decisions=decisions,
        tree=_tree(outline.elements, by_element),
        lines=outline.lines,
        used=covered_lines(outline),
        unused=unused_lines(outline),
        calls=calls,
        call_labels=CALL_LABELS,
        unused_kinds=unused_by_kind(outline),
        kind_labels=KIND_LABELS,
        warnings=outline.warnings,
    )


__all__ = ["covered_lines", "review_html", "unused_lines"]
