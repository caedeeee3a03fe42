"""The list of Virtuoso's expected differences stays honest: every entry names a real test and gives a reason."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
LISTED = tomllib.loads((PROJECT / "tests" / "virtuoso_differences.toml").read_text(encoding="utf-8"))["difference"]


@pytest.mark.parametrize("entry", LISTED, ids=[entry["test"] for entry in LISTED])
def test_each_difference_names_a_virtuoso_case_of_an_existing_test_and_says_why(entry: dict[str, str]) -> None:
    path, _, name = entry["test"].partition("::")
    function = name.partition("[")[0]
    assert (PROJECT / path).is_file(), f"{path} does not exist"
    if "*" not in function:
        assert f"def {function}(" in (PROJECT / path).read_text(encoding="utf-8"), f"{path} has no {function}"
    assert "virtuoso" in name, "only Virtuoso's cases may be listed"
    assert len(entry["reason"]) > 40, "the reason must say what Virtuoso does differently"
