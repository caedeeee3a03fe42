"""The guard/engine differential with a random seed and a larger budget (``make prove``); the seed is printed so
a failure can be replayed with ``IPGRAPH_PROVE_GUARD_SEED``."""

from __future__ import annotations

import os
import random

import pytest
from guard_differential import run_differential

pytestmark = pytest.mark.slow

TEXTS = int(os.environ.get("IPGRAPH_PROVE_GUARD_TEXTS", "100000"))


def test_no_text_the_engine_sends_out_passes_the_guard_random_budget() -> None:
    seed = int(os.environ.get("IPGRAPH_PROVE_GUARD_SEED", str(random.SystemRandom().randrange(2**32))))
    tally = run_differential(seed, TEXTS)
    print(
        f"guard differential: seed {seed}, {tally.texts} texts, {tally.engine_fetches} made the engine fetch, "
        f"{tally.refused} refused by the guard, {len(tally.escapes)} escaped"
    )
    assert tally.engine_fetches > TEXTS // 10
    shown = "\n".join(f"{case.text!r} fetched {paths}" for case, paths in tally.escapes[:5])
    assert not tally.escapes, f"seed {seed}: {len(tally.escapes)} texts passed the guard and fetched:\n{shown}"
