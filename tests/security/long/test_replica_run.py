"""The replica run of ``make prove`` (marker ``slow``): three ipgraph replicas in remote mode on one ``oxigraph
serve``, connections spread over them, one replica SIGKILLed mid-burst. It prints its figures; SECURITY.md records
the latest ones with this command::

    .venv/bin/pytest -m slow -s tests/security/long/test_replica_run.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fault_runs import check_stored
from replica_runs import ReplicaSet, check_versions_gapless, replica_run, replica_set

pytestmark = pytest.mark.slow

#: Overridable for a quicker rehearsal: IPGRAPH_PROVE_REPLICA_SECONDS, IPGRAPH_PROVE_CONNECTIONS.
SECONDS = float(os.environ.get("IPGRAPH_PROVE_REPLICA_SECONDS", "45"))
CONNECTIONS = int(os.environ.get("IPGRAPH_PROVE_CONNECTIONS", "64"))
REPLICAS = 3
ORGANISATIONS = 3
SUBMITTERS = 6  # two connections per report series, so replicas race for its version numbers


@pytest.fixture
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplicaSet]:
    with replica_set(tmp_path_factory.mktemp("replicas"), REPLICAS, ORGANISATIONS) as started:
        yield started


def test_replicas_on_one_store_lose_nothing_acknowledged_when_one_is_killed_mid_burst(replicas: ReplicaSet) -> None:
    figures = replica_run(
        replicas, connections=CONNECTIONS, seconds=SECONDS, submitters=SUBMITTERS, kill_at=SECONDS / 3
    )
    survivor = replicas.urls[1]
    figures.versions_stored = check_stored(survivor, figures.acknowledged)  # each acknowledged one, whole
    figures.found = len(figures.acknowledged)  # check_stored failed otherwise
    assert check_versions_gapless(survivor) == figures.versions_stored
    print(f"\nREPLICA RUN (load average {' '.join(f'{value:.2f}' for value in os.getloadavg())})\n" + figures.summary())
    assert figures.acknowledged
    assert not [status for status in figures.statuses if status >= 500 and status != 503], figures.statuses
