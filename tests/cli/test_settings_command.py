"""``ipgraph settings``: the effective value of every setting and its source, invalid ones flagged (exit 2)."""

from __future__ import annotations

from pathlib import Path

from cli_runner import clean_environment, run_ipgraph

PROJECT = Path(__file__).resolve().parents[2]


def lines_by_variable(output: str) -> dict[str, str]:
    return {line.split("=", 1)[0]: line.split("=", 1)[1] for line in output.splitlines() if line.startswith("IPGRAPH_")}


def test_defaults_are_shown_as_the_values_in_use_never_a_placeholder() -> None:
    result = run_ipgraph("settings", environment=clean_environment())
    assert result.returncode == 0, result.stderr
    shown = lines_by_variable(result.stdout)
    assert shown["IPGRAPH_PROJECT_DIR"] == f"{PROJECT}  (default)"
    assert shown["IPGRAPH_PORT"] == "8000  (default)"
    assert "the checkout" not in result.stdout


def test_values_from_the_environment_say_so_and_secrets_stay_hidden() -> None:
    environment = clean_environment(IPGRAPH_PORT="9123", IPGRAPH_ADMIN_TOKEN="s3cret-value-of-the-operator")
    result = run_ipgraph("settings", environment=environment)
    assert result.returncode == 0, result.stderr
    shown = lines_by_variable(result.stdout)
    assert shown["IPGRAPH_PORT"] == "9123  (environment)"
    assert shown["IPGRAPH_ADMIN_TOKEN"] == "(set)  (environment)"
    assert "s3cret" not in result.stdout + result.stderr


def test_an_invalid_value_is_flagged_and_exits_2() -> None:
    result = run_ipgraph("settings", environment=clean_environment(IPGRAPH_PORT="abc"))
    assert result.returncode == 2
    assert lines_by_variable(result.stdout)["IPGRAPH_PORT"].endswith("INVALID")
    assert "IPGRAPH_PORT='abc' is not a valid int" in result.stderr


def test_an_invalid_combination_is_flagged() -> None:
    result = run_ipgraph("settings", environment=clean_environment(IPGRAPH_STORE_MODE="remote"))
    assert result.returncode == 2
    assert "IPGRAPH_REMOTE_QUERY_URL" in result.stderr
