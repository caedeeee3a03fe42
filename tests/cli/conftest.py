"""Run the ``ipgraph`` command as a real subprocess, with its environment limited to the test's data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

IPGRAPH = Path(sys.executable).parent / "ipgraph"
COMMAND_SECONDS = 180

Runner = Callable[..., subprocess.CompletedProcess[str]]


def clean_environment(**settings: str) -> dict[str, str]:
    """The parent's environment without IPGRAPH_* settings, plus the given ones."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("IPGRAPH_")}
    environment.update(settings)
    return environment


def run_ipgraph(*args: str | Path, environment: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``ipgraph ARGS…`` to completion; stdout and stderr as text."""
    return subprocess.run(
        [str(IPGRAPH), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        env=dict(environment) if environment is not None else clean_environment(),
        check=False,
    )


@pytest.fixture(scope="session")
def ipgraph() -> Runner:
    """``ipgraph(*args, environment=None)`` runs the command to completion (see :func:`run_ipgraph`)."""
    return run_ipgraph


@pytest.fixture(scope="module")
def project_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory the first-start loader has filled with the project's graphs, shared by a test module."""
    data_dir = tmp_path_factory.mktemp("cli-data")
    result = run_ipgraph("query", "--data-dir", data_dir, "ASK { ?s ?p ?o }")
    assert result.returncode == 0, result.stderr
    return data_dir
