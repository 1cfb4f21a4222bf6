"""Entities to graph: co-occurrence network, layout and exports (GraphML, GEXF, CSV, HTML)."""

from graph.cooccurrence import cooccurrence_graph
from graph.export import write_gexf, write_graphml, write_json
from graph.layout import add_layout

__all__ = ["add_layout", "cooccurrence_graph", "write_gexf", "write_graphml", "write_json"]
