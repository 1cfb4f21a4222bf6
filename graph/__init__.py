"""Entities to graph: co-occurrence network, pruning, analytics, layout and exports.

>>> import networkx as nx
>>> g = annotate(backbone(nx.star_graph(3), alpha=0.5))
"""

from entity_graph.graph.analytics import annotate, communities
from entity_graph.graph.cooccurrence import cooccurrence_graph
from entity_graph.graph.export import write_gexf, write_graphml, write_json
from entity_graph.graph.layout import add_layout
from entity_graph.graph.pruning import (
    backbone,
    cap_links,
    drop_weak_links,
    keep_mentioned,
    top_entities,
)

__all__ = ["add_layout", "annotate", "backbone", "cap_links", "communities", "cooccurrence_graph",
           "drop_weak_links", "keep_mentioned", "top_entities", "write_gexf", "write_graphml",
           "write_json"]
