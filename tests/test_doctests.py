"""The examples in the package's docstrings run and give what they show.

The modules are imported under their installed names (`entity_graph.pipeline.…`), as
users import them; pytest's own `--doctest-modules` would import the folders as
top-level `pipeline` and `graph`, a second copy of every module.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import entity_graph.graph
import entity_graph.pipeline

MODULES = sorted(
    info.name
    for package in (entity_graph.pipeline, entity_graph.graph)
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
    if not info.name.endswith("__main__")
)


def test_every_module_is_found():
    assert "entity_graph.pipeline.rules.cleaning" in MODULES
    assert "entity_graph.graph.cooccurrence" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} failing example(s) in {name}, see above"
