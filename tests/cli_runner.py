"""Running the ``ipgraph`` command as a real subprocess, with IPGRAPH_* settings only from the test.

A plain module (``from cli_runner import …``), not a conftest, so any test directory can import it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

IPGRAPH = Path(sys.executable).parent / "ipgraph"
COMMAND_SECONDS = 180


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
