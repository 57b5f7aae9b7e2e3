"""HTTP content negotiation: pick a result format from an Accept header (with q-values) or a `format` parameter.

Written out rather than taken from werkzeug so that the rules are the ones RFC 9110 §12.5.1 states and this
endpoint needs: the most specific matching range decides an offer's quality, q=0 excludes, and ties go to the
more specific match, then to the client's order, then to the server's preference.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    position: int

    def specificity(self, media_type: str) -> int:
        """How specifically this range matches `media_type`: 2 exact, 1 type/*, 0 */*, -1 no match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; malformed entries are skipped, as a server may do."""
    ranges = []
    for position, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        main, _, sub = media.partition("/")
        if not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                # nan compares false with everything, so it would slip past the clamp and break the ranking
                q = min(max(q, 0.0), 1.0) if math.isfinite(q) else 0.0
        ranges.append(MediaRange(main, sub, q, position))
    return ranges


def choose(accept: str | None, offers: list[tuple[str, str]]) -> str | None:
    """Return the key of the best offer, or None when the client accepts none of them.

    `offers` are (media type, key) pairs in the server's order of preference; several media types may lead to
    the same key (aliases such as application/json for SPARQL JSON results). A missing or empty Accept header
    accepts anything, so the first offer (the standard default) is returned.
    """
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0][1] if offers else None
    best = None
    for preference, (media_type, key) in enumerate(offers):
        matches = [(r.specificity(media_type), r) for r in ranges]
        matches = [(s, r) for s, r in matches if s >= 0]
        if not matches:
            continue
        specificity = max(s for s, _ in matches)
        # Among equally specific ranges the highest q wins (a client may list a type twice).
        q = max(r.q for s, r in matches if s == specificity)
        position = min(r.position for s, r in matches if s == specificity and r.q == q)
        if q <= 0:
            continue
        rank = (q, specificity, -position, -preference)
        if best is None or rank > best[0]:
            best = (rank, key)
    return best[1] if best else None
