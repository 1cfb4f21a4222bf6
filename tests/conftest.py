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


@pytest.fixture
def build_with_forked_writer():
    """Run `build(corpus, out + n, **options)` for n = 0 .. builds - 1 in a fresh Python
    process, with the graph files, the link tables and (pruned) the pair tables written by
    forked processes (the last two during the analytics, see `outputs.links_started`)
    whenever the build may fork (see
    `outputs.polars_started`: this test process started polars' threads long ago, so it
    never forks its writer). Returns that process's output: "fork" or "no fork" before
    each build. Deadline: a hang fails the test, not the suite."""
    import json
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from entity_graph.pipeline import outputs\n"
        "from entity_graph.pipeline.run import build\n"
        "outputs.FORK_OUTPUTS_FROM = outputs.EARLY_LINKS_FROM = 0\n"
        "for n in range(int(sys.argv[3])):\n"
        "    print('no fork' if outputs.polars_started() else 'fork', flush=True)\n"
        "    build(sys.argv[1], sys.argv[2] + str(n), curation='', progress=False,\n"
        "          **json.loads(sys.argv[4]))\n")

    def run(corpus, out, builds: int = 1, **options) -> str:
        done = subprocess.run([sys.executable, "-c", script, str(corpus), str(out), str(builds),
                               json.dumps(options)],
                              capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run
