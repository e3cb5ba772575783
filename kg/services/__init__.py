"""Writes for the knowledge graph, split by entity: notes, content, linking, traces."""
