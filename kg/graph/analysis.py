"""What candidates ask of the graph: importance, communities, how two concepts relate, neighbourhoods."""

from collections import Counter, defaultdict
from itertools import combinations

import networkx as nx
import numpy as np

from kg.graph.build import current_graph, derived

COMMUNITY_SEED = 42
MAX_COMENTIONS_PER_SECTION = 8


class GraphError(ValueError):
    """A request the graph cannot answer: unknown node, bad depth. The message is for the user."""


def concept_layer(g: nx.MultiDiGraph) -> nx.Graph:
    """Concepts only, undirected: relation edges (weight 1) and co-mention edges (same section or note).

    A co-mention counts only among the concepts a text is most about, so a long
    section that name-drops twenty concepts does not tie them all together.
    """
    # The raw adjacency dicts (g._node, g._succ): networkx's views cost several times more
    # per step, which matters with 50k sections and 250k edges.
    nodes, succ = g._node, g._succ
    layer = nx.Graph()
    layer.add_nodes_from(n for n, data in nodes.items() if data["kind"] == "concept")
    for u in list(layer):
        for v, keyed in succ[u].items():
            if v in layer:
                for data in keyed.values():
                    types = layer.edges[u, v]["types"] if layer.has_edge(u, v) else []
                    layer.add_edge(u, v, types=[*types, (u, data["type"], v)], relation=True, weight=1.0)
    # Count pairs in a plain Counter first: with 50k sections that is a million or so pairs,
    # far cheaper than touching networkx edge dicts for each.
    pairs: Counter = Counter()
    for text, attrs in nodes.items():
        if attrs["kind"] not in {"section", "note"}:
            continue
        about = [(data["weight"], concept) for concept, keyed in succ[text].items()
                 for key, data in keyed.items() if key in {"mentions", "defines"}]
        if len(about) < 2:
            continue
        about.sort(reverse=True)
        pairs.update(combinations(sorted(c for _, c in about[:MAX_COMENTIONS_PER_SECTION]), 2))
    for (a, b), count in pairs.items():
        if layer.has_edge(a, b):
            layer.edges[a, b]["comentions"] = count
        else:
            layer.add_edge(a, b, types=[], relation=False, weight=0.0, comentions=count)
    for _, _, data in layer.edges(data=True):
        if not data["relation"]:
            data["weight"] = min(1.0, 0.2 * data.get("comentions", 0))
    return layer


def _layer() -> nx.Graph:
    return derived("concept_layer", concept_layer)


def pagerank(layer: nx.Graph, personalization: dict[str, float], *, alpha: float = 0.85,
             iterations: int = 100, tol: float = 1e-10) -> dict[str, float]:
    """Weighted PageRank by power iteration with numpy (networkx's own needs scipy, which we do not ship)."""
    nodes = sorted(layer)
    index = {n: i for i, n in enumerate(nodes)}
    teleport = np.array([personalization[n] for n in nodes], dtype=float)
    teleport /= teleport.sum()
    edges = [(index[u], index[v], d["weight"]) for u, v, d in layer.edges(data=True) if d["weight"]]
    # Undirected: each edge carries rank both ways.
    src = np.array([a for a, b, _ in edges] + [b for a, b, _ in edges], dtype=int)
    dst = np.array([b for a, b, _ in edges] + [a for a, b, _ in edges], dtype=int)
    weight = np.array([w for _, _, w in edges] * 2, dtype=float)
    strength = np.bincount(src, weights=weight, minlength=len(nodes))
    share = weight / np.where(strength[src] > 0, strength[src], 1)
    dangling = strength == 0
    rank = teleport.copy()
    for _ in range(iterations):
        spread = np.bincount(dst, weights=rank[src] * share, minlength=len(nodes))
        new = alpha * spread + (alpha * rank[dangling].sum() + 1 - alpha) * teleport
        done = np.abs(new - rank).sum() < tol
        rank = new
        if done:
            break
    return {n: float(rank[i]) for n, i in index.items()}


def importance() -> dict[str, float]:
    """PageRank on the concept layer, teleporting in proportion to how much text is about each concept."""

    def compute(g):
        layer = _layer()
        if not layer:
            return {}
        prior = defaultdict(float)
        for concept in layer:
            for keyed in g._pred[concept].values():
                for key, data in keyed.items():
                    if key in {"mentions", "defines", "about", "links-to"}:
                        prior[concept] += data["weight"]
        personalization = {n: 1.0 + prior[n] for n in layer}
        return pagerank(layer, personalization)

    return derived("importance", compute)


def importance_rank(node: str) -> int | None:
    """`node`'s place (1 = most important) among the concepts, or None for a node without importance.

    The order is sorted once per content version and kept with the graph: a page asking for
    one concept's rank must not sort every concept per request.
    """

    def compute(g):
        rank = importance()
        return {n: place for place, n in enumerate(sorted(rank, key=lambda n: (-rank[n], n)), start=1)}

    return derived("importance_rank", compute).get(node)


def communities() -> dict[str, int]:
    """Concept -> community number (0 is the largest), Louvain with a fixed seed so colours are stable."""

    def compute(g):
        layer = _layer()
        if not layer:
            return {}
        found = nx.community.louvain_communities(layer, weight="weight", seed=COMMUNITY_SEED)
        ordered = sorted(found, key=lambda c: (-len(c), min(c)))
        return {node: index for index, members in enumerate(ordered) for node in members}

    return derived("communities", compute)


def supporting_sections(g: nx.MultiDiGraph, a: str, b: str, *, limit: int = 3) -> list[str]:
    """Sections (then notes) that are about both concepts, strongest first."""
    def about(concept):
        return {s: d["weight"] for s, _, d in g.in_edges(concept, data=True) if d["type"] in {"mentions", "defines"}}

    wa, wb = about(a), about(b)
    shared = sorted(set(wa) & set(wb), key=lambda s: (g.nodes[s]["kind"] != "section", -min(wa[s], wb[s]), s))
    return shared[:limit]


def typed_path(source: str, target: str) -> list[dict]:
    """The shortest chain of typed steps from one concept to another.

    Typed relations only when they connect the two; otherwise relation edges cost 1 and
    concepts only seen together in the same texts cost 3. Each step lists the sections
    (then notes) that are about both ends.
    """
    g = current_graph()
    layer = _layer()
    for node in (source, target):
        if node not in layer:
            raise GraphError(f"unknown concept: {node.split(':', 1)[-1]}")
    typed = nx.subgraph_view(layer, filter_edge=lambda u, v: layer.edges[u, v]["relation"])
    try:
        nodes = nx.shortest_path(typed, source, target)
    except nx.NetworkXNoPath:
        try:  # no chain of typed relations: concepts discussed together in the same texts
            nodes = nx.shortest_path(layer, source, target, weight=lambda u, v, d: 1 if d["relation"] else 3)
        except nx.NetworkXNoPath:
            return []
    steps = []
    for u, v in zip(nodes, nodes[1:], strict=False):
        data = layer.edges[u, v]
        rel = data["types"][0] if data["types"] else (u, "co-mentioned", v)
        steps.append({"source": u, "target": v, "type": rel[1], "forward": rel[0] == u,
                      "sections": supporting_sections(g, u, v)})
    return steps


def neighbourhood(center: str | None, *, depth: int = 1, kinds: set[str] | None = None,
                  limit: int = 250) -> nx.MultiDiGraph:
    """The subgraph around `center` to `depth` hops (either direction), or the concept layer without one.

    Nearer nodes and heavier edges win when the neighbourhood passes `limit`, so a hub
    never ships thousands of nodes to a browser.
    """
    g = current_graph()
    if not 1 <= depth <= 3:
        raise GraphError("depth must be 1, 2 or 3")
    if center is None:
        keep = [n for n, kind in g.nodes(data="kind") if kind == "concept"]
        if len(keep) > limit:
            rank = importance()
            keep = sorted(keep, key=lambda n: -rank.get(n, 0))[:limit]
        sub = g.subgraph(keep).copy()
        if not (kinds is None or "concept" in kinds):
            return nx.MultiDiGraph()
        return sub
    if center not in g:
        raise GraphError(f"unknown node: {center}")
    chosen = {center: 0}
    frontier = [center]
    for distance in range(1, depth + 1):
        candidates: dict[str, float] = {}
        for node in frontier:
            edges = [*g.out_edges(node, data=True), *((v, u, d) for u, v, d in g.in_edges(node, data=True))]
            for _, other, data in edges:
                if other in chosen or (kinds and g.nodes[other]["kind"] not in kinds):
                    continue
                candidates[other] = max(candidates.get(other, 0.0), data.get("weight", 1.0))
        room = limit - len(chosen)
        if room <= 0:
            break
        best = sorted(candidates, key=lambda n: (-candidates[n], n))[:room]
        for node in best:
            chosen[node] = distance
        frontier = best
    sub = g.subgraph(chosen).copy()
    for node, distance in chosen.items():
        sub.nodes[node]["distance"] = distance
    return sub


def node_summary(node: str) -> dict:
    """A node's attributes plus its community and importance (concepts), for previews and the API."""
    g = current_graph()
    if node not in g:
        raise GraphError(f"unknown node: {node}")
    data = dict(g.nodes[node])
    if data["kind"] == "concept":
        data["community"] = communities().get(node, -1)
        data["importance"] = importance().get(node, 0.0)
    return data
