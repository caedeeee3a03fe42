"""Settings come from the environment and explicit overrides, fail clearly, and are all documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipgraph.errors import SettingsError
from ipgraph.settings import Settings, settings_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_environment_then_overrides() -> None:
    settings = Settings.from_env(
        {
            "IPGRAPH_PORT": "9000",
            "IPGRAPH_READ_ONLY": "yes",
            "IPGRAPH_CORS_ORIGINS": "https://a.example, https://b.example",
        },
        port=9100,
    )
    assert settings.port == 9100
    assert settings.read_only is True
    assert settings.cors_origins == ("https://a.example", "https://b.example")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"IPGRAPH_PORT": "eighty"}, "IPGRAPH_PORT='eighty' is not a valid int"),
        ({"IPGRAPH_READ_ONLY": "maybe"}, "IPGRAPH_READ_ONLY='maybe' is not a valid bool"),
        ({"IPGRAPH_STORE_MODE": "cloud"}, "store_mode must be one of"),
        ({"IPGRAPH_STORE_MODE": "remote"}, "needs remote_query_url"),
        ({"IPGRAPH_BASE_IRI": "https://example.org/x"}, "base_iri must end with '/'"),
        ({"IPGRAPH_VALIDATION_ENGINE": "fast"}, "validation_engine must be one of"),
    ],
)
def test_bad_values_say_what_to_fix(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environ)


def test_every_setting_is_in_the_readme_table() -> None:
    readme = README.read_text(encoding="utf-8")
    documented = {
        line.split("|")[1].strip().strip("`") for line in readme.splitlines() if line.startswith("| `IPGRAPH_")
    }
    expected = {name for name, _, _ in settings_table()}
    assert documented == expected, f"missing: {expected - documented}; stale: {documented - expected}"
