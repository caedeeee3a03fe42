"""Store and query benchmarks (issue 3): ipgraph's /sparql against ``oxigraph serve`` and pyoxigraph in process.

For each dataset (the plan alone, or the plan plus a synthetic dataset from bench/generate.py):

1. bulk load of the synthetic data into ipgraph's embedded store, in a child process: time and peak RSS;
2. first start of ``ipgraph serve`` (it loads the project's graphs), then the whole store exported as N-Quads,
   and the same quads loaded into ``oxigraph load`` and into an in-memory pyoxigraph store;
3. cold start: a second ``ipgraph serve`` on the loaded data directory, from spawn to the first canned answer;
4. every canned query (defaults bound with a trailing VALUES block, the same text everywhere), one client,
   sequential: ipgraph ``POST /sparql`` and ``oxigraph serve`` ``POST /query`` taking turns request by request
   (both SPARQL JSON over keep-alive HTTP), then pyoxigraph ``Store.query`` + JSON serialisation; medians and
   ratios;
5. throughput of one small canned query at 16 connections (async httpx) on both servers.

With ``--virtuoso``, only the canned-query comparison through ipgraph in remote mode on Virtuoso Open Source vs
Virtuoso directly (bench/virtuoso_compare.py; needs ``make virtuoso-deps``).

Not a timed test: it prints figures from one run with the machine stated. bench/README.md holds the latest.

    .venv/bin/python -u bench/bench_store.py --triples 100000 --runs 9
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
from rdflib.term import Identifier

from ipgraph.queries import load_canned_queries
from ipgraph.store.sparql_text import bind_values

sys.path.insert(0, str(Path(__file__).resolve().parent))
from request_path import report, throughput

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SYNTHETIC_GRAPH = "https://w3id.org/ipgraph/graph/synthetic"
SMALL_QUERY = "training_targets"
JSON_RESULTS = "application/sparql-results+json"


def machine() -> str:
    """CPU model, cores, memory, load, Python and engine versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory_kb = 0
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs, {memory_kb / 1048576:.1f} GiB RAM, "
        f"load average {load}; Python {platform.python_version()}, pyoxigraph {ox.__version__}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def trailing_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """``text`` with ``bindings`` as a VALUES block after the whole query (SPARQL 1.1 Query §10.2.2)."""
    if not bindings:
        return text
    variables = " ".join(f"?{variable}" for variable in bindings)
    values = " ".join(term.n3() for term in bindings.values())
    return f"{text}\nVALUES ({variables}) {{ ({values}) }}\n"


def queries(bind: Callable[[str, Mapping[str, Identifier]], str] = trailing_values) -> dict[str, str]:
    """Each canned query's text with its default parameters bound by ``bind`` (default: a trailing VALUES block;
    the Virtuoso comparison binds them as ipgraph's remote store does, at the start of the WHERE group, because
    Virtuoso 7.2 refuses a trailing block in five of the queries)."""
    return {name: bind(query.text, query.bind({})) for name, query in load_canned_queries(PROJECT / "queries").items()}


# -- loading --------------------------------------------------------------------------------------------------


def load_child(data_dir: str, path: str) -> None:
    """In a child process: bulk-load ``path`` into an embedded store; print seconds, quads and peak RSS as JSON."""
    from rdflib import URIRef

    from ipgraph.store.embedded import EmbeddedStore

    started = time.monotonic()
    store = EmbeddedStore(Path(data_dir), workers=1)
    quads = store.load_file(Path(path), URIRef(SYNTHETIC_GRAPH))
    store.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": time.monotonic() - started, "quads": quads, "rss_mb": rss_mb}))


def bulk_load(data_dir: Path, path: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--load-child", str(data_dir), str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


# -- servers --------------------------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_answer(url: str, params: dict[str, str], process: subprocess.Popen[bytes], timeout: float = 600) -> float:
    """Seconds until ``url`` answers 200."""
    started = time.monotonic()
    with httpx.Client(timeout=60) as client:
        while time.monotonic() - started < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            try:
                if client.get(url, params=params, headers={"Accept": JSON_RESULTS}).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer")


def start_ipgraph(data_dir: Path) -> tuple[Server, float]:
    """``ipgraph serve`` on ``data_dir``; returns it and the seconds from spawn to the first canned answer."""
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [str(BIN / "ipgraph"), "serve", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "IPGRAPH_QUERY_TIMEOUT": "120", "IPGRAPH_ROW_LIMIT": "1000000"},
    )
    url = f"http://127.0.0.1:{port}"
    wait_answer(f"{url}/queries/{SMALL_QUERY}", {}, process)
    return Server(process, url), time.monotonic() - started


def start_oxigraph(location: Path) -> Server:
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "oxigraph"),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_answer(f"{url}/query", {"query": "ASK {}"}, process)
    return Server(process, url)


# -- measuring ------------------------------------------------------------------------------------------------


def time_http(client: httpx.Client, url: str, text: str, runs: int) -> tuple[float, int] | None:
    """Median seconds of ``runs`` POSTs of ``text`` (one warm-up first) and the body size; ``None`` when the
    server refused or stopped the query (ipgraph's deadline or memory ceiling: a 503)."""
    timings = []
    size = 0
    for number in range(runs + 1):
        timed = post_once(client, url, text)
        if timed is None:
            return None
        elapsed, size = timed
        if number:
            timings.append(elapsed)
    return statistics.median(timings), size


def time_http_side_by_side(
    client: httpx.Client, urls: tuple[str, str], text: str, runs: int
) -> tuple[float, float] | None:
    """Median seconds of ``runs`` POSTs of ``text`` to each of two servers, taking turns request by request (one
    warm-up each first), so a change in the machine's load between runs weighs on both alike. ``None`` when the
    first server refused or stopped the query (a 503)."""
    timings: tuple[list[float], list[float]] = ([], [])
    for number in range(runs + 1):
        order = (0, 1) if number % 2 else (1, 0)  # who goes first alternates too
        for side in order:
            timed = post_once(client, urls[side], text)
            if timed is None:
                if side == 0:
                    return None
                raise RuntimeError(f"{urls[side]} stopped a canned query")
            if number:
                timings[side].append(timed[0])
    return statistics.median(timings[0]), statistics.median(timings[1])


def post_once(client: httpx.Client, url: str, text: str) -> tuple[float, int] | None:
    """Seconds for one POST of ``text`` and the body size; ``None`` for a 503."""
    began = time.perf_counter()
    response = client.post(url, data={"query": text}, headers={"Accept": JSON_RESULTS})
    elapsed = time.perf_counter() - began
    if response.status_code == 503:
        return None
    response.raise_for_status()
    return elapsed, len(response.content)


def time_in_process(store: ox.Store, text: str, runs: int) -> float:
    timings = []
    for number in range(runs + 1):
        began = time.perf_counter()
        result = store.query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
            result.serialize(format=ox.QueryResultsFormat.JSON)
        else:
            ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
        elapsed = time.perf_counter() - began
        if number:
            timings.append(elapsed)
    return statistics.median(timings)


# -- the run --------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace, work: Path) -> None:
    """One dataset, every figure; ``args`` as :func:`main` parses them."""
    triples, runs, seed, throughput_seconds = args.triples, args.runs, args.seed, args.throughput_seconds
    print(f"machine: {machine()}")
    label = "plan only" if triples == 0 else f"plan + {triples:,} synthetic triples"
    print(f"dataset: {label}; {runs} timed runs per query (median), one warm-up")
    data_dir = work / "ipgraph"
    if triples:
        sys.path.insert(0, str(PROJECT / "bench"))
        from generate import write

        began = time.monotonic()
        source = write(triples, seed, work / f"synthetic-{triples}.nq")
        print(f"generated {source.name} in {time.monotonic() - began:.1f} s (seed {seed})")
        figures = bulk_load(data_dir, source)
        print(
            f"bulk load into the embedded store: {figures['quads']:,.0f} quads in {figures['seconds']:.1f} s "
            f"({figures['quads'] / figures['seconds']:,.0f} quads/s), peak RSS {figures['rss_mb']:.0f} MB"
        )
    server, first_start = start_ipgraph(data_dir)
    server.stop()
    print(f"first start of ipgraph serve (loads the project graphs) to first answer: {first_start:.1f} s")
    export = work / "dataset.nq"
    if args.load_only:
        server, cold = start_ipgraph(data_dir)
        print(f"cold start of ipgraph serve on the loaded data directory to first canned answer: {cold:.2f} s")
        server.stop()
        return
    store = ox.Store.read_only(str(data_dir / "store"))
    store.dump(str(export), ox.RdfFormat.N_QUADS)
    del store
    quads = sum(1 for _ in export.open("rb"))
    print(f"dataset served: {quads:,} quads")
    oxigraph_dir = work / "oxigraph"
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(oxigraph_dir), "--file", str(export)],
        check=True,
        capture_output=True,
    )
    memory = ox.Store()
    memory.bulk_load(path=str(export), format=ox.RdfFormat.N_QUADS)
    server, cold = start_ipgraph(data_dir)
    oxigraph = start_oxigraph(oxigraph_dir)
    print(f"cold start of ipgraph serve on the loaded data directory to first canned answer: {cold:.2f} s")
    try:
        print()
        if not args.skip_canned:
            print(
                "| query | ipgraph /sparql | oxigraph serve | pyoxigraph | ipgraph ÷ oxigraph | ipgraph ÷ pyoxigraph |"
            )
            print("|---|---:|---:|---:|---:|---:|")
        ratios = []
        with httpx.Client(timeout=300) as client:
            for name, text in queries().items() if not args.skip_canned else ():
                timed = time_http_side_by_side(client, (f"{server.url}/sparql", f"{oxigraph.url}/query"), text, runs)
                if timed is None:
                    print(f"| {name} | stopped (503: deadline or memory ceiling) | not run | | | |")
                    continue
                ours, theirs = timed
                local = time_in_process(memory, text, runs)
                ratios.append(ours / theirs)
                print(
                    f"| {name} | {ours * 1000:.1f} ms | {theirs * 1000:.1f} ms | {local * 1000:.1f} ms | "
                    f"{ours / theirs:.2f} | {ours / local:.2f} |"
                )
        if ratios:
            print(
                f"\nmedian ratio ipgraph ÷ oxigraph over {len(ratios)} queries: {statistics.median(ratios):.2f} "
                f"(worst {max(ratios):.2f}); goal ≤ 1.3"
            )
        text = queries()[SMALL_QUERY]

        def small() -> str:
            return text

        ours_rps, ours_failed = throughput(f"{server.url}/sparql", small, 16, throughput_seconds)
        theirs_rps, theirs_failed = throughput(f"{oxigraph.url}/query", small, 16, throughput_seconds)
        print(
            f"throughput, {SMALL_QUERY} at 16 connections for {throughput_seconds:g} s: ipgraph {ours_rps:,.0f} req/s "
            f"({ours_failed} non-200), oxigraph serve {theirs_rps:,.0f} req/s ({theirs_failed} non-200), "
            f"ratio {ours_rps / theirs_rps:.2f} (goal ≥ 0.6)"
        )
        report(
            (server.url, server.process.pid), (oxigraph.url, oxigraph.process.pid), args.probe_runs, throughput_seconds
        )
        print(f"load average at the end: {', '.join(f'{value:.1f}' for value in os.getloadavg())}")
    finally:
        server.stop()
        oxigraph.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ipgraph vs oxigraph serve vs pyoxigraph")
    parser.add_argument("--triples", type=int, default=0, help="synthetic triples added to the plan (0: plan only)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--probe-runs", type=int, default=200, help="runs of ASK {} and of the small SELECT")
    parser.add_argument("--skip-canned", action="store_true", help="no canned-query table (fixed costs only)")
    parser.add_argument("--seed", type=int, default=160)
    parser.add_argument("--throughput-seconds", type=float, default=10.0)
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one, removed)")
    parser.add_argument("--load-only", action="store_true", help="bulk load and cold start only (no queries)")
    parser.add_argument("--virtuoso", action="store_true", help="only ipgraph on Virtuoso vs Virtuoso directly")
    parser.add_argument("--load-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load_child:
        load_child(*args.load_child)
        return 0
    if args.virtuoso:
        from virtuoso_compare import compare

        print(f"machine: {machine()}")
        with tempfile.TemporaryDirectory(prefix="ipgraph-bench-virtuoso-") as work:
            compare(Path(work), args.runs, queries(bind=bind_values), time_http, SMALL_QUERY)
        return 0
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        run(args, args.work)
        return 0
    with tempfile.TemporaryDirectory(prefix="ipgraph-bench-") as work:
        run(args, Path(work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
