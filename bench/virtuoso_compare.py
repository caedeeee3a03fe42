"""The canned-query comparison on Virtuoso (``bench_store.py --virtuoso``): ipgraph in remote mode vs Virtuoso.

A Virtuoso of its own is started exactly as the tests start it (tests/servers.py: a temporary directory, a
generated virtuoso.ini, the Digest-authenticated account), ``ipgraph serve`` runs in remote mode on it and loads
the project's graphs on its first start (timed), and each canned query is sent both to ipgraph's ``/sparql``
and to Virtuoso's own ``/sparql``, one client, sequential, SPARQL JSON over keep-alive HTTP. A query Virtuoso
refuses is reported with its status rather than timed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JSON_RESULTS = "application/sparql-results+json"

Timer = Callable[[httpx.Client, str, str, int], tuple[float, int] | None]


def compare(work: Path, runs: int, texts: dict[str, str], time_http: Timer, small_query: str) -> None:
    """Print a Markdown table of medians, ipgraph ÷ Virtuoso ratios, and the first-start load time."""
    sys.path.insert(0, str(PROJECT / "tests"))
    from servers import free_port, run_virtuoso

    with run_virtuoso(work / "virtuoso") as virtuoso:
        version = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True, check=False)
        banner = next((line for line in (version.stdout + version.stderr).splitlines() if "Version" in line), "")
        print(f"Virtuoso: {banner.strip() or 'version unknown'}")
        port = free_port()
        environment = {
            **os.environ,
            "IPGRAPH_STORE_MODE": "remote",
            "IPGRAPH_REMOTE_QUERY_URL": virtuoso.query_url,
            "IPGRAPH_REMOTE_UPDATE_URL": virtuoso.update_url,
            "IPGRAPH_REMOTE_STORE_URL": virtuoso.store_url,
            "IPGRAPH_REMOTE_USER": virtuoso.user,
            "IPGRAPH_REMOTE_PASSWORD": virtuoso.password,
            "IPGRAPH_REMOTE_AUTH": "digest",
            "IPGRAPH_QUERY_TIMEOUT": "120",
            "IPGRAPH_ROW_LIMIT": "1000000",
        }
        started = time.monotonic()
        process = subprocess.Popen(
            [str(BIN / "ipgraph"), "serve", "--port", str(port), "--data-dir", str(work / "ipgraph-on-virtuoso")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=environment,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(f"{url}/queries/{small_query}", process)
            loaded = time.monotonic() - started
            print(f"first start of ipgraph serve on Virtuoso (loads the project graphs): {loaded:.1f} s")
            _table(url, virtuoso.query_url, texts, runs, time_http)
        finally:
            process.terminate()
            process.wait(timeout=60)


def _table(ipgraph: str, virtuoso: str, texts: dict[str, str], runs: int, time_http: Timer) -> None:
    print()
    print("| query | ipgraph /sparql on Virtuoso | Virtuoso /sparql | ipgraph ÷ Virtuoso |")
    print("|---|---:|---:|---:|")
    ratios = []
    with httpx.Client(timeout=300) as client:
        for name, text in texts.items():
            try:
                theirs_timed = time_http(client, virtuoso, text, runs)
            except httpx.HTTPStatusError as error:
                print(f"| {name} | | Virtuoso refuses it: {_refusal(error)} | |")
                continue
            try:
                ours_timed = time_http(client, f"{ipgraph}/sparql", text, runs)
            except httpx.HTTPStatusError as error:
                print(f"| {name} | ipgraph refuses it: {_refusal(error)} | | |")
                continue
            if ours_timed is None or theirs_timed is None:
                print(f"| {name} | stopped (503) | | |")
                continue
            (ours, _), (theirs, _) = ours_timed, theirs_timed
            ratios.append(ours / theirs)
            print(f"| {name} | {ours * 1000:.1f} ms | {theirs * 1000:.1f} ms | {ours / theirs:.2f} |")
    if ratios:
        print(
            f"\nmedian ratio ipgraph ÷ Virtuoso over {len(ratios)} queries: {statistics.median(ratios):.2f} "
            f"(worst {max(ratios):.2f}); load average after: {', '.join(f'{v:.1f}' for v in os.getloadavg())}"
        )


def _refusal(error: httpx.HTTPStatusError) -> str:
    """The status and the first line of the message, for the table."""
    first = error.response.text.strip().splitlines()[:1]
    return f"{error.response.status_code} {first[0][:120] if first else ''}".strip().replace("|", "\\|")


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 600) -> None:
    """Until ``url`` answers 200 (the first start has loaded the project's graphs)."""
    started = time.monotonic()
    with httpx.Client(timeout=60) as client:
        while time.monotonic() - started < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"ipgraph serve exited with {process.returncode}")
            try:
                if client.get(url, headers={"Accept": JSON_RESULTS}).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")
