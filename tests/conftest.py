"""Shared fixtures: the spaCy model is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def nlp():
    from entity_graph.pipeline.extraction.model import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def relations_nlp():
    """The model as `--relations` loads it: its parser comes too, for the last component."""
    from entity_graph.pipeline.extraction.model import load_nlp

    return load_nlp(relations=True)


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """The seed corpus built once as `entity-graph build corpus` does (with its curation
    file), outputs written to a temporary folder."""
    from entity_graph.pipeline.run import Settings, build

    out = tmp_path_factory.mktemp("seed-output")
    return build([CORPUS], out, Settings(progress=False))
