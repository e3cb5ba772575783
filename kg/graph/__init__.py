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

__all__ = [
    "NODE_KINDS",
    "build_graph",
    "communities",
    "current_graph",
    "importance",
    "neighbourhood",
    "node_id",
    "node_summary",
    "to_graphml",
    "to_node_link",
    "typed_path",
]
