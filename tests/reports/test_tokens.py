"""Submission tokens: issued once, stored hashed, revocable, checked in constant time, seen across processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import URIRef

from ipgraph.errors import NotFoundError
from ipgraph.reports.tokens import TokenRegistry

DOST = URIRef("https://w3id.org/ipgraph/id/org-so-khoa-hoc-va-cong-nghe")
FINANCE = URIRef("https://w3id.org/ipgraph/id/org-so-tai-chinh")


@pytest.fixture
def registry(tmp_path: Path) -> TokenRegistry:
    return TokenRegistry.for_data_dir(tmp_path)


def test_an_issued_token_authenticates_its_organisation_only(registry: TokenRegistry) -> None:
    dost = registry.issue(DOST)
    finance = registry.issue(FINANCE)
    assert registry.authenticate(dost.token) == DOST
    assert registry.authenticate(finance.token) == FINANCE
    assert dost.token != finance.token


def test_the_file_keeps_no_token_only_salted_hashes(registry: TokenRegistry, tmp_path: Path) -> None:
    first = registry.issue(DOST)
    second = registry.issue(DOST)
    text = (tmp_path / "tokens.json").read_text(encoding="utf-8")
    secret = first.token.rsplit("_", 1)[1]
    assert secret not in text and first.token not in text
    stored = json.loads(text)["tokens"]
    assert {item["token_id"] for item in stored} == {first.token_id, second.token_id}
    assert stored[0]["salt"] != stored[1]["salt"]
    assert (tmp_path / "tokens.json").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # wrong secret
        lambda token: "ipgr_0000000000000000_" + token.rsplit("_", 1)[1],  # unknown id
        lambda token: token.rsplit("_", 1)[1],  # no prefix
        lambda token: "",
        lambda token: token + "x",
    ],
)
def test_a_wrong_token_authenticates_nobody(registry: TokenRegistry, mangle) -> None:  # type: ignore[no-untyped-def]
    issued = registry.issue(DOST)
    assert registry.authenticate(mangle(issued.token)) is None


def test_a_revoked_token_no_longer_authenticates(registry: TokenRegistry) -> None:
    kept = registry.issue(DOST)
    revoked = registry.issue(DOST)
    record = registry.revoke(revoked.token_id)
    assert record.revoked_at is not None
    assert registry.authenticate(revoked.token) is None
    assert registry.authenticate(kept.token) == DOST
    assert registry.revoke(revoked.token_id).revoked_at == record.revoked_at  # revoking twice changes nothing


def test_revoking_an_organisation_revokes_all_its_tokens(registry: TokenRegistry) -> None:
    tokens = [registry.issue(DOST), registry.issue(DOST)]
    other = registry.issue(FINANCE)
    assert len(registry.revoke_organisation(DOST)) == 2
    assert all(registry.authenticate(item.token) is None for item in tokens)
    assert registry.authenticate(other.token) == FINANCE


def test_revoking_an_unknown_id_says_how_to_find_ids(registry: TokenRegistry) -> None:
    with pytest.raises(NotFoundError, match="tokens list"):
        registry.revoke("feedfacefeedface")


def test_a_token_issued_by_another_process_is_seen_without_restart(registry: TokenRegistry, tmp_path: Path) -> None:
    assert registry.authenticate("ipgr_0123456789abcdef_nothing") is None  # the service has read the (empty) file
    script = (
        "import sys; from pathlib import Path; from rdflib import URIRef;"
        "from ipgraph.reports.tokens import TokenRegistry;"
        f"print(TokenRegistry.for_data_dir(Path(sys.argv[1])).issue(URIRef('{FINANCE}')).token)"
    )
    issued = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert registry.authenticate(issued) == FINANCE
    token_id = issued.split("_")[1]
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from ipgraph.reports.tokens import TokenRegistry;"
            "TokenRegistry.for_data_dir(Path(sys.argv[1])).revoke(sys.argv[2])",
            str(tmp_path),
            token_id,
        ],
        check=True,
    )
    assert registry.authenticate(issued) is None
