import sys

from entity_graph.pipeline.cli import main

sys.exit(main())
