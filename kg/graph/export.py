"""Downloads of the whole graph or a neighbourhood: GraphML and node-link JSON, readable by networkx."""

import networkx as nx


def _plain(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML takes scalar attributes only: drop None, turn anything else into text."""
    out = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        out.add_node(node, **{k: v if isinstance(v, bool | int | float | str) else str(v)
                              for k, v in data.items() if v is not None})
    for u, v, key, data in graph.edges(keys=True, data=True):
        out.add_edge(u, v, key=key, **{k: val for k, val in data.items() if isinstance(val, bool | int | float | str)})
    return out


def to_graphml(graph: nx.MultiDiGraph) -> bytes:
    return "\n".join(nx.generate_graphml(_plain(graph), encoding="utf-8")).encode("utf-8")


def to_node_link(graph: nx.MultiDiGraph) -> dict:
    """`nx.node_link_graph(data, edges="edges")` reads it back."""
    return nx.node_link_data(_plain(graph), edges="edges")
