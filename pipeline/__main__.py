from entity_graph.pipeline.cli import run

run()
