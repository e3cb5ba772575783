"""The concept graph: one networkx MultiDiGraph derived from the database rows.

`current_graph()` returns the graph for the current content version, built once per
process per version; every analysis and export reads from it and never writes back.
"""

from kg.graph.analysis import (
    communities,
    importance,
    neighbourhood,
    node_summary,
    typed_path,
)
from kg.graph.build import NODE_KINDS, build_graph, current_graph, node_id
from kg.graph.export import to_graphml, to_node_link

graph_build = build_graph  # the services-style name (`make bench` calls it)

__all__ = [
    "NODE_KINDS",
    "build_graph",
    "communities",
    "current_graph",
    "graph_build",
    "importance",
    "neighbourhood",
    "node_id",
    "node_summary",
    "to_graphml",
    "to_node_link",
    "typed_path",
]
