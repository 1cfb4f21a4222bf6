"""notebooks/explore.ipynb runs top to bottom without an error, and is committed clean."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "explore.ipynb"


def test_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


def test_notebook_runs(tmp_path, monkeypatch):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # Run from notebooks/ as Jupyter would, writing into a temporary folder.
    monkeypatch.setenv("ENTITY_GRAPH_OUT", str(tmp_path / "output"))
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "Elon Musk" in text and "closest" in text
    tables = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "pdg de" in tables, "no relation shown"  # "Le PDG de Tesla, Elon Musk, …"
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, "the ego network was not drawn"
    assert (tmp_path / "output" / "graph.gexf").is_file()
