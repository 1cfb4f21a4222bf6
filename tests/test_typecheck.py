"""The package's code type-checks with mypy (settings in pyproject.toml), with no error.

mypy cannot follow the editable install's folder mapping, so the check runs on a tree of
links that has the installed layout: entity_graph/pipeline and entity_graph/graph.
"""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_package_code_type_checks(tmp_path, monkeypatch):
    package = tmp_path / "entity_graph"
    package.mkdir()
    for folder in ("pipeline", "graph"):
        (package / folder).symlink_to(ROOT / folder, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    out, err, status = api.run(["-p", "entity_graph", "--config-file", str(ROOT / "pyproject.toml"),
                                "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary"])
    assert status == 0, out + err
