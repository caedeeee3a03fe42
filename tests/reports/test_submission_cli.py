"""``ipgraph tokens`` and ``ipgraph submit`` as real subprocesses, against a real service and a local store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import URIRef
from report_factory import report_turtle
from servers import PROJECT, ServiceStarter

from ipgraph.reports.tokens import TokenRegistry, split_token
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore

IPGRAPH = [str(Path(sys.executable).parent / "ipgraph")]
FINANCE = URIRef("https://w3id.org/ipgraph/id/org-so-tai-chinh")


def ipgraph(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*IPGRAPH, *map(str, args)], capture_output=True, text=True, timeout=300, check=False)


def test_tokens_issue_list_revoke(tmp_path: Path) -> None:
    issued = ipgraph("tokens", "--data-dir", tmp_path, "issue", "so-tai-chinh", "--note", "finance office")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    assert token.startswith("ipgr_") and "cannot be shown again" in issued.stderr
    registry = TokenRegistry.for_data_dir(tmp_path)
    assert registry.authenticate(token) == FINANCE

    listed = ipgraph("tokens", "--data-dir", tmp_path, "list")
    assert listed.returncode == 0
    token_id, secret = split_token(token)
    assert token_id in listed.stdout and "active" in listed.stdout and "finance office" in listed.stdout
    assert secret not in listed.stdout

    revoked = ipgraph("tokens", "--data-dir", tmp_path, "revoke", token_id)
    assert revoked.returncode == 0, revoked.stderr
    assert registry.authenticate(token) is None
    assert "revoked" in ipgraph("tokens", "--data-dir", tmp_path, "list").stdout
    assert ipgraph("tokens", "--data-dir", tmp_path, "list", "--active").stdout == ""


def test_tokens_refuse_an_unknown_organisation(tmp_path: Path) -> None:
    result = ipgraph("tokens", "--data-dir", tmp_path, "issue", "so-khong-co")
    assert result.returncode == 2
    assert "org-so-khong-co is not an organisation" in result.stderr
    assert not (tmp_path / "tokens.json").exists()


def test_submit_over_http_prints_the_receipt_or_the_problems(
    tmp_path: Path, embedded_store: EmbeddedStore, running_service: ServiceStarter
) -> None:
    settings = Settings(data_dir=tmp_path, project_dir=PROJECT, query_workers=1)
    url = running_service(settings, embedded_store)
    token = TokenRegistry.for_data_dir(tmp_path).issue(FINANCE).token
    good = tmp_path / "report.ttl"
    good.write_text(report_turtle(FINANCE, 2027), encoding="utf-8")
    accepted = ipgraph("submit", good, "--token", token, "--url", url)
    assert accepted.returncode == 0, accepted.stderr
    receipt = json.loads(accepted.stdout)
    assert receipt["version"] == 1 and receipt["report"].endswith("/report/so-tai-chinh/2027/v1")

    bad = tmp_path / "bad.ttl"
    bad.write_text(report_turtle(FINANCE, 2027, applications=-1), encoding="utf-8")
    refused = ipgraph("submit", bad, "--token", token, "--url", url)
    assert refused.returncode == 1
    assert "does not conform" in refused.stderr and "violation" in refused.stderr

    wrong_token = ipgraph("submit", good, "--token", "ipgr_00_nothing", "--url", url)
    assert wrong_token.returncode == 2 and "401" in wrong_token.stderr


@pytest.mark.parametrize(
    ("name", "message"), [("report.txt", "cannot tell the format"), ("missing.ttl", "cannot read")]
)
def test_submit_says_what_is_wrong_with_the_file(tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("x", encoding="utf-8")
    result = ipgraph("submit", path, "--token", "t", "--url", "http://127.0.0.1:9")
    assert result.returncode == 2 and message in result.stderr


def test_submit_locally_stores_into_the_data_directory(tmp_path: Path) -> None:
    token = TokenRegistry.for_data_dir(tmp_path).issue(FINANCE).token
    report = tmp_path / "report.ttl"
    report.write_text(report_turtle(FINANCE, 2028), encoding="utf-8")
    result = ipgraph("submit", report, "--token", token, "--data-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["graph"].endswith("/reports/so-tai-chinh/2028/v1")
    store = EmbeddedStore(tmp_path, workers=1)
    try:
        assert URIRef("https://w3id.org/ipgraph/graph/reports/so-tai-chinh/2028/v1") in store.graph_names()
    finally:
        store.close()
