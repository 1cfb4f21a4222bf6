"""Import graph files with Gephi's own importer and print what Gephi saw, as JSON.

    python tests/gephi_import.py FILE [FILE ...]

gephi-toolkit 0.9.2 (the library inside Gephi, shipped in the `forceatlas2-python` wheel)
runs on the machine's Java through JPype. It runs in a process of its own: a JVM's
threads would make the test session's later forks (the build's worker pool) hang.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path


def toolkit_jar() -> Path | None:
    """The gephi-toolkit jar inside the installed `forceatlas2` package, if any."""
    spec = importlib.util.find_spec("forceatlas2")
    if spec is None or not spec.submodule_search_locations:
        return None
    jar = Path(list(spec.submodule_search_locations)[0]) / "ext" / "gephi-toolkit-0.9.2-all.jar"
    return jar if jar.is_file() else None


def main(paths: list[str]) -> None:
    import jpype
    import jpype.imports  # noqa: F401  (Java packages as Python modules)

    jpype.startJVM("-Djava.awt.headless=true", classpath=[str(toolkit_jar())],
                   convertStrings=True)
    from java.io import File
    from org.gephi.graph.api import GraphController
    from org.gephi.io.importer.api import EdgeDirectionDefault, ImportController
    from org.gephi.io.processor.plugin import DefaultProcessor
    from org.gephi.project.api import ProjectController
    from org.openide.util import Lookup

    def import_file(path: str) -> dict:
        projects = Lookup.getDefault().lookup(ProjectController)
        projects.newProject()
        workspace = projects.getCurrentWorkspace()
        importer = Lookup.getDefault().lookup(ImportController)
        container = importer.importFile(File(path))
        container.getLoader().setEdgeDefault(EdgeDirectionDefault.UNDIRECTED)
        container.getLoader().setAutoScale(False)  # keep the files' positions as they are
        importer.process(container, DefaultProcessor(), workspace)
        issues = [[str(i.getLevel()), str(i.getMessage())]
                  for i in container.getReport().getIssues(1000)]
        model = Lookup.getDefault().lookup(GraphController).getGraphModel(workspace)
        graph = model.getGraph()
        node_columns = {str(c.getTitle()): str(c.getTypeClass().getSimpleName())
                        for c in model.getNodeTable() if not c.isProperty()}
        edge_columns = {str(c.getTitle()): str(c.getTypeClass().getSimpleName())
                        for c in model.getEdgeTable() if not c.isProperty()}
        timed = model.getNodeTable().hasColumn("timeset")
        nodes = {}
        for node in graph.getNodes().toArray():
            values = {}
            for title in node_columns:
                value = node.getAttribute(title)
                values[title] = None if value is None else (
                    str(value) if isinstance(value, str) else float(value))
            intervals = node.getAttribute("timeset") if timed else None
            nodes[str(node.getId())] = {
                "label": str(node.getLabel()), "values": values,
                "colour": [round(node.r() * 255), round(node.g() * 255), round(node.b() * 255)],
                "size": float(node.size()), "x": float(node.x()), "y": float(node.y()),
                "intervals": [] if intervals is None else
                [[float(i.getLow()), float(i.getHigh())] for i in intervals.toArray()]}
        projects.closeCurrentProject()
        return {"issues": issues, "nodes": nodes, "edges": int(graph.getEdgeCount()),
                "node_columns": node_columns, "edge_columns": edge_columns,
                "node_column_titles": [str(c.getTitle()) for c in model.getNodeTable()]}

    print(json.dumps([import_file(path) for path in paths]))


if __name__ == "__main__":
    main(sys.argv[1:])
