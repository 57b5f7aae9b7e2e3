"""The tree of a plan (or of any element): 基本理念 → 基本目標 → 施策 → 方向 → 取組, by fk:parent and fk:order."""

from dataclasses import dataclass, field

from server.web.describe import Describer, Value

TREE = """
SELECT ?e ?parent ?order ?number ?level WHERE {
  ?e fk:partOf ?root ; fk:parent ?parent .
  OPTIONAL { ?e fk:order ?order }
  OPTIONAL { ?e fk:number ?number }
  OPTIONAL { ?e fk:levelLabel ?level }
}
"""

# 基本理念 and 基本的な視点 head the tree: the data numbers them among the goals' siblings (often order 1 too).
HEADS = """
SELECT ?e ?kind WHERE { ?e fk:partOf ?root ; a ?kind . VALUES ?kind { fk:BasicPhilosophy fk:Perspective } }
"""
HEAD_RANK = {"BasicPhilosophy": 0, "Perspective": 1}

ANNOTATIONS = """
SELECT ?e ?p ?v WHERE {
  ?e fk:partOf ?root ; ?p ?v .
  VALUES ?p { fk:carriedOutBy fk:targetGroup fk:realisesFunction fk:tier }
}
"""


@dataclass
class TreeNode:
    item: Value
    number: str | None
    level: str | None
    order: int
    rank: int = 2
    actors: list = field(default_factory=list)
    target_groups: list = field(default_factory=list)
    functions: list = field(default_factory=list)
    tiers: list = field(default_factory=list)
    children: list = field(default_factory=list)
    hidden: int = 0  # elements below this node left out of a tree shown only to some depth (/compare)


def tree(describer: Describer, root: str) -> list[TreeNode]:
    """The elements below `root`, nested. An element whose parent lies outside the set (an embodied plan's
    elements sit in their host plan's tree) becomes a top-level node of it."""
    graph = describer.graph
    rows = graph.select(TREE, root=root)
    nodes: dict[str, TreeNode] = {}
    parents: dict[str, str] = {}
    for r in rows:
        iri = r["e"].value
        if iri in nodes:
            continue
        order = int(r["order"].value) if "order" in r else 0
        level = r["level"].value if "level" in r else None
        nodes[iri] = TreeNode(describer.iri_value(iri), r["number"].value if "number" in r else None, level, order)
        parents[iri] = r["parent"].value
    slots = {
        graph.ns.fk + "carriedOutBy": "actors",
        graph.ns.fk + "targetGroup": "target_groups",
        graph.ns.fk + "realisesFunction": "functions",
        graph.ns.fk + "tier": "tiers",
    }
    for r in graph.select(ANNOTATIONS, root=root):
        node = nodes.get(r["e"].value)
        if node is not None:
            bucket = getattr(node, slots[r["p"].value])
            value = describer.iri_value(r["v"].value)
            if all(v.value != value.value for v in bucket):
                bucket.append(value)
    for r in graph.select(HEADS, root=root):
        node = nodes.get(r["e"].value)
        if node is not None:
            node.rank = min(node.rank, HEAD_RANK[r["kind"].value[len(graph.ns.fk) :]])
    tops = []
    for iri, node in nodes.items():
        parent = nodes.get(parents[iri])
        (parent.children if parent is not None else tops).append(node)
    for node in nodes.values():
        node.children.sort(key=_order)
        for bucket in (node.actors, node.target_groups, node.functions, node.tiers):
            bucket.sort(key=lambda v: v.label.ja)
    return sorted(tops, key=_order)


def _order(node: TreeNode):
    return (node.rank, node.order, node.item.value)


def breadcrumbs(describer: Describer, iri: str) -> list[Value]:
    """The chain of fk:parent from the plan down to the element's parent."""
    graph = describer.graph
    chain, seen = [], {iri}
    current = iri
    while True:
        parents = [o.value for o in graph.objects(current, graph.ns.fk + "parent")]
        if not parents or parents[0] in seen:
            break
        current = parents[0]
        seen.add(current)
        chain.append(describer.iri_value(current))
    return list(reversed(chain))


def count(nodes: list[TreeNode]) -> int:
    return sum(1 + count(n.children) for n in nodes)
