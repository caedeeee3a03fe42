"""Benchmark of report validation (issue 4): latency of one report, and re-validating every stored report.

1. Latency of validating one typical report (data/examples/valid/so-khoa-hoc-va-cong-nghe-2023.ttl):
   in-process with :class:`ipgraph.reports.validation.ReportValidator` (the shapes' compiled checks over the
   plan's context; pySHACL before issue 14), and through HTTP (``POST /reports/validate``, Turtle in, JSON out)
   against the service running as its own process on 127.0.0.1 — warm: the first requests are not counted — on a
   quiet server and then, on the same server, while ``--query-clients`` (8) clients send ``POST /sparql`` without
   pause. Each server runs twice in one benchmark run: validating in its own process
   (``IPGRAPH_VALIDATION_WORKERS=0``, the earlier design) and in validation worker processes (the default).
   Goals: HTTP p50 ≤ 30 ms quiet, ≤ 45 ms under the query load.
2. Re-validation after a shapes change: N report versions (default 10,000, variants of the example report
   over the years 2021–2030) are stored in an embedded store, one named graph per version as the service
   stores them; then every version is read back and validated again, spread over a process pool (one
   ReportValidator per worker process, built once; reports go to the workers as N-Triples in chunks).
   Goal: ≤ 20 s for 10,000.

Run: ``.venv/bin/python bench/bench_validation.py [--runs 200] [--reports 10000] [--workers N] [--skip-revalidation]``.
It prints the machine, medians and ratios; bench/README.md ("Report validation") records a run.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from ipgraph.reports.validation import ReportValidator
from ipgraph.store.base import GraphChange
from ipgraph.store.embedded import EmbeddedStore
from ipgraph.vocab import GRAPH, IPG, SDMX_DIMENSION, SDMX_MEASURE

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLE = PROJECT / "data" / "examples" / "valid" / "so-khoa-hoc-va-cong-nghe-2023.ttl"
STARTUP_SECONDS = 120.0
YEARS = range(2021, 2031)


@dataclass(frozen=True)
class Timings:
    """Latencies in seconds, summarised in milliseconds; ``cpu`` is the CPU time the work itself used (per run
    when measured per run, else the mean), which a busy machine inflates far less than wall-clock time."""

    samples: tuple[float, ...]
    cpu: tuple[float, ...] = ()
    tree_cpu: tuple[float, ...] = ()

    def percentile(self, share: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000

    def line(self, name: str) -> str:
        cpu = f"; CPU p50 {statistics.median(self.cpu) * 1000:.1f} ms" if self.cpu else ""
        if self.tree_cpu:
            cpu += f" (server process), {statistics.median(self.tree_cpu) * 1000:.1f} ms (with its workers)"
        return (
            f"{name}: p50 {self.percentile(0.5):.1f} ms, p90 {self.percentile(0.9):.1f} ms, "
            f"mean {statistics.fmean(self.samples) * 1000:.1f} ms over {len(self.samples)} runs{cpu}"
        )


def machine() -> str:
    """What ran the benchmark, and how busy it was."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return (
        f"{platform.system()} {platform.machine()}, {model}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, load average {load[0]:.2f} at start"
    )


# -- 1. latency --------------------------------------------------------------------------------------------


def time_in_process(validator: ReportValidator, report: Graph, runs: int, warmup: int) -> Timings:
    """Validate the same report ``runs`` times after ``warmup`` uncounted runs."""
    samples = []
    cpu = []
    for index in range(warmup + runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        outcome = validator.validate(report)
        elapsed, cpu_used = time.perf_counter() - started, time.process_time() - cpu_started
        if not outcome.conforms:
            raise SystemExit(f"the example report does not conform: {outcome.issues[:3]}")
        if index >= warmup:
            samples.append(elapsed)
            cpu.append(cpu_used)
    return Timings(tuple(samples), tuple(cpu))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve(port: int, data_dir: Path, validation_workers: int) -> None:
    """Run the service in this process (the benchmark starts it as a child process with ``--serve``)."""
    import uvicorn

    from ipgraph.api import create_app
    from ipgraph.settings import Settings

    settings = Settings(data_dir=data_dir, project_dir=PROJECT, port=port, validation_workers=validation_workers)
    app = create_app(settings, warm_up=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@dataclass
class HttpRun:
    """One server's validation latencies, quiet and under query load, the CPU each request cost (per block of
    runs), and how the queries sent meanwhile fared."""

    quiet: list[float] = field(default_factory=list)
    quiet_cpu: list[float] = field(default_factory=list)
    quiet_tree_cpu: list[float] = field(default_factory=list)
    loaded: list[float] = field(default_factory=list)
    loaded_cpu: list[float] = field(default_factory=list)
    loaded_tree_cpu: list[float] = field(default_factory=list)
    query_latencies: list[float] = field(default_factory=list)
    query_seconds: float = 0.0

    def timings(self, loaded: bool) -> Timings:
        if loaded:
            return Timings(tuple(self.loaded), tuple(self.loaded_cpu), tuple(self.loaded_tree_cpu))
        return Timings(tuple(self.quiet), tuple(self.quiet_cpu), tuple(self.quiet_tree_cpu))

    def queries(self) -> str:
        ordered = sorted(self.query_latencies)
        rate = len(ordered) / self.query_seconds if self.query_seconds else 0.0
        return f"{rate:.0f} answers/s, p50 {ordered[len(ordered) // 2] * 1000 if ordered else float('nan'):.1f} ms"


@contextmanager
def running_server(validation_workers: int) -> Iterator[tuple[str, int]]:
    """The service as its own process on a free port, with its own data directory: (base URL, pid)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="ipgraph-bench-") as data_dir:
        command = [sys.executable, __file__, "--serve", str(port), data_dir, str(validation_workers)]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base, server)
            yield base, server.pid
        finally:
            server.kill()
            server.wait()


def time_http(
    body: bytes, runs: int, warmup: int, servers: dict[str, int], query_clients: int, rounds: int
) -> dict[str, HttpRun]:
    """POST the report to ``/reports/validate`` of each server (name: IPGRAPH_VALIDATION_WORKERS), all running at
    once: quiet, then while ``query_clients`` threads send a small SPARQL query to that server without pause.

    The servers take turns in ``rounds`` rounds (quiet blocks, then loaded blocks, the order swapped each round),
    so a change in the machine's load while the benchmark runs touches them alike."""
    block = max(1, runs // rounds)
    results = {name: HttpRun() for name in servers}
    with ExitStack() as stack:
        running = {name: stack.enter_context(running_server(workers)) for name, workers in servers.items()}
        clients = {
            name: stack.enter_context(httpx.Client(base_url=base, timeout=60.0)) for name, (base, _) in running.items()
        }
        for name in servers:
            validate(clients[name], body, warmup)
        for number in range(rounds):
            order = list(servers) if number % 2 == 0 else list(reversed(servers))
            for name in order:
                samples, cpu, tree_cpu = timed_validations(clients[name], body, block, running[name][1])
                results[name].quiet += samples
                results[name].quiet_cpu.append(cpu)
                results[name].quiet_tree_cpu.append(tree_cpu)
            for name in order:
                with query_load(running[name][0], query_clients) as (latencies, started):
                    samples, cpu, tree_cpu = timed_validations(clients[name], body, block, running[name][1])
                    results[name].query_seconds += time.perf_counter() - started
                    results[name].query_latencies += [value for found in latencies for value in found]
                results[name].loaded += samples
                results[name].loaded_cpu.append(cpu)
                results[name].loaded_tree_cpu.append(tree_cpu)
            print(f"  round {number + 1} of {rounds}: load average {os.getloadavg()[0]:.2f}", flush=True)
    return results


@contextmanager
def query_load(base: str, clients: int) -> Iterator[tuple[list[list[float]], float]]:
    """``clients`` threads querying ``/sparql`` without pause, all under way before this yields: the latencies
    they note from then on, and when that was."""
    stop = threading.Event()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    senders = [
        threading.Thread(target=send_queries, args=(base, stop, latencies[index]), daemon=True)
        for index in range(clients)
    ]
    for sender in senders:
        sender.start()
    while min(len(found) for found in latencies) < 2:  # every client is under way
        time.sleep(0.05)
    for found in latencies:
        found.clear()
    try:
        yield latencies, time.perf_counter()
    finally:
        stop.set()
        for sender in senders:
            sender.join()


QUERY = "SELECT ?duty ?label WHERE { ?duty a <https://w3id.org/ipgraph/def#Duty> ; rdfs:label ?label } LIMIT 20"


def send_queries(base: str, stop: threading.Event, latencies: list[float]) -> None:
    """Send ``QUERY`` to ``/sparql`` one after the other until ``stop`` is set, noting each answer's latency."""
    text = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + QUERY
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
    with httpx.Client(base_url=base, timeout=60.0) as client:
        while not stop.is_set():
            started = time.perf_counter()
            response = client.post("/sparql", content=text, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"POST /sparql answered {response.status_code}: {response.text[:300]}")
            latencies.append(time.perf_counter() - started)


def validate(client: httpx.Client, body: bytes, runs: int) -> list[float]:
    """POST the report ``runs`` times; the latency of each."""
    headers = {"Content-Type": "text/turtle", "Accept": "application/json"}
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.post("/reports/validate", content=body, headers=headers)
        samples.append(time.perf_counter() - started)
        # 200 whether or not it conforms (the service judges timeliness by today's date).
        if response.status_code != 200 or "conforms" not in response.json():
            raise SystemExit(f"POST /reports/validate answered {response.status_code}: {response.text[:300]}")
    return samples


def timed_validations(client: httpx.Client, body: bytes, runs: int, server: int) -> tuple[list[float], float, float]:
    """``runs`` validations: their latencies, and the CPU per request of the server process and of it with all its
    children (validation and query workers, the forkserver)."""
    before_server, before_tree = process_cpu_seconds(server), tree_cpu_seconds(server)
    samples = validate(client, body, runs)
    server_cpu = (process_cpu_seconds(server) - before_server) / runs
    tree_cpu = (tree_cpu_seconds(server) - before_tree) / runs
    return samples, server_cpu, tree_cpu


def tree_cpu_seconds(root: int) -> float:
    """CPU time so far of ``root`` and every process descending from it (Linux ``/proc``)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    tree = {root}
    grown = True
    while grown:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= found
        grown = bool(found)
    return sum(process_cpu_seconds(pid) for pid in tree)


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux ``/proc``; 0 elsewhere)."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.is_file():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            error = server.stderr.read().decode(errors="replace") if server.stderr else ""
            raise SystemExit(f"the service exited with {server.returncode}: {error[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/queries", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the service did not answer at {base} within {STARTUP_SECONDS:g} s")


# -- 2. re-validation --------------------------------------------------------------------------------------


def report_variant(template: Graph, index: int) -> tuple[URIRef, Graph]:
    """The example report for another year and version, with its figures changed a little."""
    year = YEARS[index % len(YEARS)]
    version = index // len(YEARS) + 1
    graph = Graph()
    for subject, predicate, value in template:
        if predicate == IPG.reportingYear:
            value = Literal(str(year), datatype=XSD.gYear)
        elif predicate == SDMX_DIMENSION.refPeriod:
            value = URIRef(f"http://reference.data.gov.uk/id/year/{year}")
        elif predicate == SDMX_MEASURE.obsValue and isinstance(value, Literal) and value.datatype == XSD.integer:
            value = Literal(int(value) + index % 7, datatype=XSD.integer)
        elif isinstance(value, Literal) and value.datatype == XSD.date and str(value).startswith("2023-"):
            value = Literal(f"{year}{str(value)[4:]}", datatype=XSD.date)
        graph.add((subject, predicate, value))
    return GRAPH[f"reports/so-khoa-hoc-va-cong-nghe/{year}/v{version}"], graph


def store_variants(store: EmbeddedStore, template: Graph, count: int) -> list[URIRef]:
    """Write ``count`` report versions, one named graph each, in batches."""
    names: list[URIRef] = []
    batch: list[GraphChange] = []
    for index in range(count):
        name, graph = report_variant(template, index)
        names.append(name)
        batch.append(GraphChange(name, graph))
        if len(batch) == 500:
            store.write(batch)
            batch = []
    if batch:
        store.write(batch)
    return names


_WORKER_VALIDATOR: ReportValidator | None = None


def _start_worker() -> None:
    # One validator per worker process, built once.
    global _WORKER_VALIDATOR
    _WORKER_VALIDATOR = ReportValidator.from_project(PROJECT)


def _validate_chunk(reports: Sequence[bytes]) -> tuple[int, float]:
    """Validate N-Triples documents: how many conform, and the CPU seconds it took."""
    assert _WORKER_VALIDATOR is not None
    started = time.process_time()
    conforming = 0
    for data in reports:
        outcome = _WORKER_VALIDATOR.validate(Graph().parse(data=data, format="nt"))
        conforming += outcome.conforms
    return conforming, time.process_time() - started


@dataclass(frozen=True)
class Revalidation:
    """What re-validating the stored versions took."""

    pool_start: float
    seconds: float
    cpu_seconds: float
    conforming: int


def revalidate(store: EmbeddedStore, names: Sequence[URIRef], workers: int, chunk: int) -> Revalidation:
    """Read every stored version back and validate it on ``workers`` processes."""
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker) as pool:
        list(pool.map(_validate_chunk, [[]] * workers))  # every worker has built its validator
        ready = time.perf_counter()
        chunks = [
            [store.read_graph(name).serialize(format="nt", encoding="utf-8") for name in names[offset : offset + chunk]]
            for offset in range(0, len(names), chunk)
        ]
        results = list(pool.map(_validate_chunk, chunks))
        finished = time.perf_counter()
    return Revalidation(
        ready - started, finished - ready, sum(cpu for _, cpu in results), sum(count for count, _ in results)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=200, help="counted validations per latency measurement")
    parser.add_argument("--warmup", type=int, default=20, help="uncounted validations first")
    parser.add_argument("--reports", type=int, default=10_000, help="stored report versions to re-validate")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for re-validation")
    parser.add_argument("--chunk", type=int, default=25, help="reports per task sent to a worker")
    parser.add_argument("--skip-http", action="store_true", help="leave out the HTTP measurement")
    parser.add_argument("--query-clients", type=int, default=8, help="clients querying /sparql during the loaded runs")
    parser.add_argument(
        "--validation-workers",
        type=int,
        default=-1,
        help="IPGRAPH_VALIDATION_WORKERS of the server measured against the in-process one (-1: the default)",
    )
    parser.add_argument("--rounds", type=int, default=4, help="turns the two servers take, quiet and loaded")
    parser.add_argument("--skip-revalidation", action="store_true", help="leave out the re-validation measurement")
    parser.add_argument("--serve", nargs=3, metavar=("PORT", "DATA_DIR", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(int(args.serve[0]), Path(args.serve[1]), int(args.serve[2]))
        return 0

    print(f"machine: {machine()}")
    body = EXAMPLE.read_bytes()
    report = Graph().parse(data=body, format="turtle")
    started = time.perf_counter()
    validator = ReportValidator.from_project(PROJECT)
    print(f"validator built (shapes and plan parsed) in {time.perf_counter() - started:.2f} s")

    in_process = time_in_process(validator, report, args.runs, args.warmup)
    print(in_process.line(f"in-process validator ({validator.engine})"))
    if not args.skip_http:
        servers = {"in the server process": 0, "in validation workers": args.validation_workers}
        print(
            f"HTTP: two servers at once, validating in the server process (IPGRAPH_VALIDATION_WORKERS=0) and in "
            f"validation workers (={args.validation_workers}); {args.runs} runs each, quiet and with "
            f"{args.query_clients} clients querying /sparql, in {args.rounds} rounds",
            flush=True,
        )
        runs = time_http(body, args.runs, args.warmup, servers, args.query_clients, args.rounds)
        for name, run in runs.items():
            print(f"validating {name}:")
            print("  " + run.timings(loaded=False).line("POST /reports/validate, quiet"))
            print(
                "  " + run.timings(loaded=True).line(f"POST /reports/validate, {args.query_clients} clients on /sparql")
            )
            print(f"  meanwhile /sparql: {run.queries()}")
        before, after = runs["in the server process"], runs["in validation workers"]
        for loaded, goal in ((False, 30), (True, 45)):
            old, new = before.timings(loaded), after.timings(loaded)
            ratio = new.percentile(0.5) / old.percentile(0.5)
            print(
                f"{'under query load' if loaded else 'quiet'}: p50 {old.percentile(0.5):.1f} -> "
                f"{new.percentile(0.5):.1f} ms (workers / in process: {ratio:.2f}); "
                f"goal <= {goal} ms: {'met' if new.percentile(0.5) <= goal else 'NOT met'}"
            )
        print(f"load average at the end of the HTTP runs: {os.getloadavg()[0]:.2f}", flush=True)
    if args.skip_revalidation:
        return 0

    with tempfile.TemporaryDirectory(prefix="ipgraph-bench-store-") as directory:
        store = EmbeddedStore(Path(directory), workers=1)
        try:
            started = time.perf_counter()
            names = store_variants(store, report, args.reports)
            print(f"stored {len(names)} report versions in {time.perf_counter() - started:.1f} s")
            run = revalidate(store, names, args.workers, args.chunk)
        finally:
            store.close()
    rate = len(names) / run.seconds if run.seconds else float("inf")
    cpu_each = run.cpu_seconds / len(names)
    print(
        f"re-validation: {len(names)} reports in {run.seconds:.1f} s on {args.workers} processes "
        f"({rate:.1f} reports/s; pool start {run.pool_start:.1f} s); {run.conforming} conform; "
        f"worker CPU {cpu_each * 1000:.1f} ms per report"
    )
    estimate = 10_000 / rate
    idle = 10_000 * cpu_each / args.workers
    print(
        f"10,000 reports at this rate: {estimate:.0f} s; on {args.workers} otherwise idle CPUs (CPU time / workers): "
        f"{idle:.0f} s; goal <= 20 s: {'met' if min(estimate, idle) <= 20 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
