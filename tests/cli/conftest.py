"""Fixtures for the CLI tests: the command runner and a data directory filled by the first-start loader."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_runner import run_ipgraph

Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def ipgraph() -> Runner:
    """``ipgraph(*args, environment=None)`` runs the command to completion (see :func:`cli_runner.run_ipgraph`)."""
    return run_ipgraph


@pytest.fixture(scope="module")
def project_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory the first-start loader has filled with the project's graphs, shared by a test module."""
    data_dir = tmp_path_factory.mktemp("cli-data")
    result = run_ipgraph("query", "--data-dir", data_dir, "ASK { ?s ?p ?o }")
    assert result.returncode == 0, result.stderr
    return data_dir
