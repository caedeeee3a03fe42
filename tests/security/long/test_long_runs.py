"""The long runs of ``make prove`` (marker ``slow``, left out of the default suite): 60 s of mixed load at 64
connections, and at least 50 SIGKILLs of the server during submissions. Each prints its figures; SECURITY.md
records the latest ones with this command::

    .venv/bin/pytest -m slow -s tests/security/long
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fault_runs import Supervised, check_stored, kill_run, load_run, supervised_server

pytestmark = pytest.mark.slow

#: Overridable for a quicker rehearsal: IPGRAPH_PROVE_KILLS, IPGRAPH_PROVE_SECONDS, IPGRAPH_PROVE_CONNECTIONS.
KILLS = int(os.environ.get("IPGRAPH_PROVE_KILLS", "50"))
LOAD_SECONDS = float(os.environ.get("IPGRAPH_PROVE_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("IPGRAPH_PROVE_CONNECTIONS", "64"))
SUBMITTERS = 4


@pytest.fixture
def load_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervised]:
    with supervised_server(tmp_path_factory.mktemp("prove") / "data", SUBMITTERS) as server:
        yield server


@pytest.fixture
def kill_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervised]:
    with supervised_server(tmp_path_factory.mktemp("prove") / "data", 1) as server:
        yield server


def test_mixed_load_at_64_connections_for_60_seconds(load_server: Supervised) -> None:
    url = load_server.supervisor.server.url
    figures = load_run(
        url,
        load_server.tokens,
        load_server.bodies,
        connections=CONNECTIONS,
        seconds=LOAD_SECONDS,
        submitters=SUBMITTERS,
    )
    print("\nLOAD RUN\n" + figures.summary())
    server_errors = {status: count for status, count in figures.statuses.items() if status >= 500}
    assert not server_errors and not figures.errors, (server_errors, figures.errors[:10])
    stored = check_stored(url, figures.acknowledged)
    print(f"every one of {len(figures.acknowledged)} acknowledged submissions found; {stored} versions stored")


def test_fifty_sigkills_during_submissions_lose_nothing(kill_server: Supervised) -> None:
    figures = kill_run(kill_server.supervisor, kill_server.tokens, kill_server.bodies, kills=KILLS)
    figures.versions_stored = check_stored(kill_server.supervisor.server.url, figures.acknowledged)
    print("\nKILL RUN\n" + figures.summary())
    assert figures.kills == KILLS and figures.restarts >= KILLS
    assert figures.acknowledged
