"""The guard reads a text as the engine does: thousands of generated and mutated texts (comments ended by ``\\r``,
``\\r\\n``, ``\\u2028``, ``\\x0b``, ``\\x0c``; escapes in IRIs; prefixed and BASE-relative service names; glued and
odd-case keywords; decoy strings and comments; nested groups) go to the guard and to the engine itself on an empty
store with a recording trap. Any text the engine sends out to anything but the allowed endpoint must have been
refused. Fixed seed here; ``make prove`` runs a larger random budget (``tests/security/long``)."""

from __future__ import annotations

from guard_differential import run_differential

SEED = 20261207
TEXTS = 3000


def test_no_text_the_engine_sends_out_passes_the_guard() -> None:
    tally = run_differential(SEED, TEXTS)
    assert tally.texts == TEXTS
    # The generator must really make the engine fetch, or this test could not fail.
    assert tally.engine_fetches > TEXTS // 10, tally
    shown = "\n".join(f"{case.text!r} fetched {paths}" for case, paths in tally.escapes[:5])
    assert not tally.escapes, f"{len(tally.escapes)} texts passed the guard and made the engine fetch:\n{shown}"
