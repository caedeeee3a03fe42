"""The service's dry run (``POST /reports/validate``) and ``ipgraph validate`` give the same findings for the same
file received on the same day: both judge the report as received (:func:`ipgraph.reports.upload.as_received`),
timeliness by the day of receipt. Checked on every example of ``data/examples``."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from servers import PROJECT, serve_app

from ipgraph.cli import main
from ipgraph.formats import format_for_path
from ipgraph.reports.parsing import REPORT_FORMATS
from ipgraph.settings import Settings
from ipgraph.store.embedded import EmbeddedStore

EXAMPLES = sorted(
    path for path in (PROJECT / "data" / "examples").rglob("*") if format_for_path(path, REPORT_FORMATS) is not None
)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    directory = tmp_path_factory.mktemp("dry-run")
    store = EmbeddedStore(directory / "store", workers=1)
    try:
        with (
            serve_app(Settings(data_dir=directory, project_dir=PROJECT), store) as url,
            httpx.Client(base_url=url, timeout=120.0) as client,
        ):
            yield client
    finally:
        store.close()


def dry_run(client: httpx.Client, path: Path) -> tuple[str, object]:
    """("findings", the outcome as JSON) or ("refused", the reason), as the service answers."""
    chosen = format_for_path(path, REPORT_FORMATS)
    assert chosen is not None
    response = client.post(
        "/reports/validate",
        content=path.read_bytes(),
        headers={"Content-Type": chosen.media_type, "Accept": "application/json"},
    )
    if response.status_code == 400:
        return "refused", response.json()["detail"]
    assert response.status_code == 200, response.text
    return "findings", response.json()


def command_line(path: Path, today: datetime.date, capsys: pytest.CaptureFixture[str]) -> tuple[str, object]:
    """The same, as ``ipgraph validate --output json`` answers (exit 2 with the reason for a refusal)."""
    code = main(["validate", str(path), "--output", "json", "--today", today.isoformat()])
    captured = capsys.readouterr()
    if code == 2:
        return "refused", captured.err.strip().removeprefix("ipgraph: error: ")
    assert code in (0, 1), captured.err
    return "findings", json.loads(captured.out)


def utc_today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_the_dry_run_and_ipgraph_validate_agree(
    service: httpx.Client, path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # a run across midnight (UTC) compares again on the new day
        today = utc_today()
        over_http = dry_run(service, path)
        offline = command_line(path, today, capsys)
        if utc_today() == today:
            break
    assert without_blank_labels(offline) == without_blank_labels(over_http)


def without_blank_labels(value: object) -> object:
    """Blank node labels are made afresh by each parse: compared as blank nodes only."""
    if isinstance(value, str):
        return "_:b" if value.startswith("_:") else value
    if isinstance(value, dict):
        return {key: without_blank_labels(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [without_blank_labels(item) for item in value]
    return value
