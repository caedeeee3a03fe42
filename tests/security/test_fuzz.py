"""A bounded schemathesis run over the whole HTTP API, generated from the service's own OpenAPI description: no
request it makes may end in a server error (5xx)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from security_support import ADMIN_TOKEN, SecureService

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
#: Examples per operation and the time budget of one run: enough to reach every operation, bounded for CI.
MAX_EXAMPLES = 20
MAX_SECONDS = 20


def fuzz(service: SecureService, report: Path, *headers: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{service.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_SECONDS),
        "--seed",
        "160",
        "--workers",
        "2",
        "--request-timeout",
        "20",
        "--phases",
        "examples,coverage,fuzzing",
        "--suppress-health-check",
        "all",
        "--no-color",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
    ]
    for header in headers:
        command += ["--header", header]
    return subprocess.run(command, capture_output=True, text=True, timeout=MAX_SECONDS + 120, cwd=report.parent)


def requests_made(report: Path) -> int:
    count = 0
    for line in report.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if "ScenarioFinished" in event:
            count += 1
    return count


def test_fuzzing_the_api_finds_no_server_error(secure_service: SecureService, tmp_path: Path) -> None:
    """With the admin token, so that writes get past authentication (refusals without it: test_access.py)."""
    report = tmp_path / "fuzz.ndjson"
    result = fuzz(secure_service, report, f"Authorization: Bearer {ADMIN_TOKEN}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert requests_made(report) > 20
