"""The examples in ipgraph's docstrings run, and say what the code does (a wrong example fails here).

Every module under ``src/ipgraph`` is searched; ``PROJECT`` is the checkout, for examples that read the
project's own shapes and plan.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import ipgraph

PROJECT = Path(__file__).resolve().parents[1]


def _modules_with_examples() -> list[str]:
    names = [ipgraph.__name__]
    names += [info.name for info in pkgutil.walk_packages(ipgraph.__path__, prefix="ipgraph.")]
    return sorted(name for name in names if ">>>" in _source(name))


def _source(name: str) -> str:
    spec = importlib.util.find_spec(name)
    origin = spec.origin if spec is not None else None
    return Path(origin).read_text(encoding="utf-8") if origin and origin.endswith(".py") else ""


MODULES = _modules_with_examples()


def test_examples_are_found_and_none_is_skipped() -> None:
    assert len(MODULES) >= 10, MODULES
    skipped = [name for name in MODULES if "doctest: +SKIP" in _source(name)]
    assert not skipped, f"examples that nothing runs: {skipped}"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = [test for test in finder.find(module, extraglobs={"PROJECT": PROJECT}) if test.examples]
    assert tests, f"{name} has '>>>' in its source but no example doctest can find"
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (output above)"
