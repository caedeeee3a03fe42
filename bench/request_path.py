"""The fixed cost of one request to /sparql, measured against ``oxigraph serve`` on the same data, same run.

``bench_store.py`` calls :func:`report` once both servers answer. Figures (each against its goal):

* ``ASK {}`` p50 on each server (sequential, one keep-alive client): what ipgraph adds per request; and the CPU
  time each server spends per request (its processes and their children, from ``/proc``), which a shared machine
  distorts far less than wall time;
* a never-seen query text against a repeated one, p50 on ipgraph: each request of the first kind carries a
  literal no earlier request had, so nothing cached from an earlier text can answer it;
* throughput of 8 clients each sending distinct texts against 8 clients repeating one text, on ipgraph.

Both text kinds are the same small SELECT, so the difference is the per-text work (the fetch guard's reading,
the engine's parse), not the engine's evaluation.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import httpx

JSON_RESULTS = "application/sparql-results+json"
EMPTY_ASK = "ASK {}"

#: A small SELECT whose literal changes per request; the engine answers it from one index lookup.
PROBE_TEMPLATE = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    'SELECT ?thing WHERE {{ ?thing rdfs:label "probe {number}" }} LIMIT 1\n'
)

TextSource = Callable[[], str]


def repeated_text() -> TextSource:
    """The same text every time."""
    text = PROBE_TEMPLATE.format(number=0)
    return lambda: text


def fresh_texts(prefix: str) -> TextSource:
    """A text no earlier call returned (``prefix`` keeps separate runs apart)."""
    counter = itertools.count(1)
    return lambda: PROBE_TEMPLATE.format(number=f"{prefix}-{next(counter)}")


def sequential_p50(client: httpx.Client, url: str, texts: TextSource, runs: int, warmup: int = 5) -> float:
    """Median seconds of ``runs`` POSTs, each of the next text, after ``warmup`` uncounted ones."""
    timings = []
    for number in range(warmup + runs):
        text = texts()
        began = time.perf_counter()
        response = client.post(url, data={"query": text}, headers={"Accept": JSON_RESULTS})
        elapsed = time.perf_counter() - began
        response.raise_for_status()
        if number >= warmup:
            timings.append(elapsed)
    return statistics.median(timings)


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` and its descendants alive now (Linux ``/proc``)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree = {pid}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grew = True
    return sum(times.get(member, 0.0) for member in tree)


def cpu_per_request(client: httpx.Client, url: str, pid: int, texts: TextSource, runs: int) -> float:
    """Server CPU seconds per request over ``runs`` sequential requests."""
    before = tree_cpu_seconds(pid)
    sequential_p50(client, url, texts, runs, warmup=0)
    return (tree_cpu_seconds(pid) - before) / runs


async def _throughput(url: str, texts: TextSource, connections: int, seconds: float) -> tuple[float, int]:
    done = 0
    failures = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def one_client() -> None:
            nonlocal done, failures
            while time.monotonic() < deadline:
                try:
                    response = await client.post(url, data={"query": texts()}, headers={"Accept": JSON_RESULTS})
                except httpx.TransportError:
                    failures += 1
                    continue
                if response.status_code == 200:
                    done += 1
                else:
                    failures += 1

        started = time.monotonic()
        await asyncio.gather(*(one_client() for _ in range(connections)))
        elapsed = time.monotonic() - started
    return done / elapsed, failures


def throughput(url: str, texts: TextSource, connections: int, seconds: float) -> tuple[float, int]:
    """Requests per second answered 200 by ``connections`` concurrent keep-alive clients, and the failures."""
    return asyncio.run(_throughput(url, texts, connections, seconds))


def report(ipgraph: tuple[str, int], oxigraph: tuple[str, int], runs: int, seconds: float) -> dict[str, float]:
    """Print the fixed-cost figures with their goals; return them by name. Servers as (root URL, process id)."""
    (ipgraph_url, ipgraph_pid), (oxigraph_url, oxigraph_pid) = ipgraph, oxigraph
    figures: dict[str, float] = {}
    ours_sparql, theirs_query = f"{ipgraph_url}/sparql", f"{oxigraph_url}/query"
    with httpx.Client(timeout=60) as client:

        def ask() -> str:
            return EMPTY_ASK

        figures["ask_ipgraph"] = sequential_p50(client, ours_sparql, ask, runs)
        figures["ask_oxigraph"] = sequential_p50(client, theirs_query, ask, runs)
        figures["ask_cpu_ipgraph"] = cpu_per_request(client, ours_sparql, ipgraph_pid, ask, runs)
        figures["ask_cpu_oxigraph"] = cpu_per_request(client, theirs_query, oxigraph_pid, ask, runs)
        repeated = repeated_text()
        figures["repeated_ipgraph"] = sequential_p50(client, ours_sparql, repeated, runs)
        figures["fresh_ipgraph"] = sequential_p50(client, ours_sparql, fresh_texts("sequential"), runs)
        figures["repeated_oxigraph"] = sequential_p50(client, theirs_query, repeated, runs)
        figures["fresh_oxigraph"] = sequential_p50(client, theirs_query, fresh_texts("sequential"), runs)
    added = (figures["ask_ipgraph"] - figures["ask_oxigraph"]) * 1000
    print(
        f"ASK {{}} p50 over {runs} runs: ipgraph {figures['ask_ipgraph'] * 1000:.2f} ms, oxigraph serve "
        f"{figures['ask_oxigraph'] * 1000:.2f} ms: ipgraph adds {added:.2f} ms (goal ≤ 1 ms); server CPU per "
        f"request: ipgraph {figures['ask_cpu_ipgraph'] * 1000:.2f} ms (server and query workers), oxigraph serve "
        f"{figures['ask_cpu_oxigraph'] * 1000:.2f} ms"
    )
    new_cost = (figures["fresh_ipgraph"] - figures["repeated_ipgraph"]) * 1000
    print(
        f"small SELECT p50, never-seen text vs repeated text: ipgraph {figures['fresh_ipgraph'] * 1000:.2f} vs "
        f"{figures['repeated_ipgraph'] * 1000:.2f} ms (+{new_cost:.2f} ms; goal ≤ 2 ms); oxigraph serve "
        f"{figures['fresh_oxigraph'] * 1000:.2f} vs {figures['repeated_oxigraph'] * 1000:.2f} ms"
    )
    same_rps, same_failed = throughput(ours_sparql, repeated_text(), 8, seconds)
    distinct_rps, distinct_failed = throughput(ours_sparql, fresh_texts("throughput"), 8, seconds)
    figures["same_rps"], figures["distinct_rps"] = same_rps, distinct_rps
    print(
        f"throughput at 8 connections for {seconds:g} s, ipgraph: distinct texts {distinct_rps:,.0f} req/s "
        f"({distinct_failed} non-200), one repeated text {same_rps:,.0f} req/s ({same_failed} non-200), "
        f"ratio {distinct_rps / same_rps:.2f} (goal ≥ 0.8)"
    )
    return figures
