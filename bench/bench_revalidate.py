"""Benchmark of whole-store re-validation (issue 14): every stored report version against the shapes, at once.

``--reports`` versions (default 10,000) are written to an on-disk embedded store exactly as the service keeps
them (one named graph per version, registry entries in ``ipgraph:report-registry``): conforming reports of every
organisation that leads a duty (``tests/report_factory.py``), for every year 2021–2030, in several versions with
their figures changed a little, and ``--broken`` of them (default 3 %) with seeded mutations from
``tests/revalidation_corpus.py`` so that findings are produced and mapped to issues too. Storing is not counted.

Then ``revalidate_store`` (what ``ipgraph revalidate`` runs) is timed ``--runs`` times: copying the store into
the in-memory dataset, compiling the shapes, running every check, turning rows into issues. One more run is broken
down by phase and by check. Goal: 10,000 versions in ≤ 20 s wall on the 2-core machine. ``--routes`` also times
the ways of getting the store's quads to the checks (an N-Quads dump parsed again, the quad-by-quad copy, a RocksDB
checkpoint queried where it lies), CPU time beside wall time.

Run: ``.venv/bin/python -u bench/bench_revalidate.py [--reports 10000] [--runs 3] [--store DIR] [--routes]``. It
prints the machine, the load average before and after, medians and the slowest checks; bench/README.md
("Re-validation") records a run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))

from report_factory import report_turtle, reporting_organisations  # noqa: E402
from revalidation_corpus import MUTATIONS  # noqa: E402

from ipgraph.reports.revalidation import (  # noqa: E402
    Dataset,
    Rules,
    judge,
    revalidate_store,
    run_check,
)
from ipgraph.reports.shape_compiler import compile_shapes  # noqa: E402
from ipgraph.reports.storage import (  # noqa: E402
    REGISTRY_GRAPH,
    VERSIONS_QUERY,
    ReportKey,
    StoredVersion,
    prepare_version,
    registry_entry,
)
from ipgraph.store.embedded import EmbeddedStore  # noqa: E402
from ipgraph.vocab import IPG, SDMX_MEASURE  # noqa: E402

YEARS = range(2021, 2031)


def machine() -> str:
    """What ran the benchmark."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{platform.system()} {platform.machine()}, {model}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, pyoxigraph {ox.__version__}"
    )


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def versions(count: int, broken: float, seed: int) -> Iterator[tuple[ReportKey, int, Graph]]:
    """``count`` (key, version, stored graph): every organisation and year in turn, then further versions."""
    chooser = random.Random(seed)
    organisations = reporting_organisations()
    templates: dict[tuple[URIRef, int], tuple[Graph, object]] = {}
    for index in range(count):
        organisation = organisations[index % len(organisations)]
        year = YEARS[(index // len(organisations)) % len(YEARS)]
        version = index // (len(organisations) * len(YEARS)) + 1
        if (organisation, year) not in templates:
            graph = Graph().parse(data=report_turtle(organisation, year), format="turtle")
            templates[(organisation, year)] = (graph, next(iter(graph.subjects(RDF.type, IPG.AnnualReport))))
        template, node = templates[(organisation, year)]
        key = ReportKey(organisation, year)
        received = dt.datetime(year, 9, 1, 8, tzinfo=dt.UTC) + dt.timedelta(days=chooser.randrange(50))
        stored = prepare_version(template, node, key, version, received)  # type: ignore[arg-type]
        for subject, predicate, value in list(stored.triples((None, SDMX_MEASURE.obsValue, None))):
            stored.set((subject, predicate, Literal(int(value) + index % 97, datatype=XSD.integer)))  # type: ignore[call-overload]
        if chooser.random() < broken:
            chooser.choice(MUTATIONS)(stored, chooser)
        yield key, version, stored


def build_store(directory: Path, count: int, broken: float, seed: int) -> EmbeddedStore:
    """An on-disk store holding ``count`` versions and their registry entries (one N-Quads bulk load)."""
    nquads = directory / "versions.nq"
    latest: dict[ReportKey, StoredVersion] = {}
    moment = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    with nquads.open("w", encoding="utf-8") as output:
        for key, version, graph in versions(count, broken, seed):
            stored = StoredVersion(key, version, key.graph(version), key.report(version), moment, "0" * 64, "bench",
                                   revision_of=latest[key].graph if key in latest else None)  # fmt: skip
            entry = registry_entry(stored)
            if key in latest:
                entry.add((latest[key].graph, URIRef("http://www.w3.org/ns/prov#invalidatedAtTime"),
                           Literal(moment.isoformat(), datatype=XSD.dateTime)))  # fmt: skip
            latest[key] = stored
            for name, triples in ((stored.graph, graph), (REGISTRY_GRAPH, entry)):
                for subject, predicate, value in triples:
                    output.write(f"{subject.n3()} {predicate.n3()} {value.n3()} <{name}> .\n")
    store = EmbeddedStore(directory / "data", workers=1, query_timeout=600.0, row_limit=10_000_000)
    store.load_file(nquads, REGISTRY_GRAPH, "application/n-quads")
    nquads.unlink()
    return store


def phases(store: EmbeddedStore, rules: Rules) -> None:
    """One run broken down: in-memory copy, registry, compile, focus sets, each check, issues."""
    started = time.perf_counter()
    memory = store.in_memory_copy()
    dumped = time.perf_counter()
    dataset, _versions = Dataset.over(memory, rules.context)
    loaded = time.perf_counter()
    dataset.share_plan_subclasses()
    compiled = compile_shapes(rules.shapes, dataset.profile())
    profiled = time.perf_counter()
    dataset.keep_focus_sets(compiled)
    prepared = time.perf_counter()
    timings: list[tuple[float, str, int]] = []
    findings = []
    for check in compiled.checks:  # one at a time here, to time each
        check_started = time.perf_counter()
        found = run_check(dataset, check)
        timings.append((time.perf_counter() - check_started, check.name, len(found)))
        findings.extend(found)
    checked = time.perf_counter()
    judged = judge(findings, rules)
    done = time.perf_counter()
    print(f"  in-memory copy {dumped - started:.2f} s, plan slice and registry "
          f"{loaded - dumped:.2f} s, profile and compile {profiled - loaded:.2f} s, "
          f"focus sets {prepared - profiled:.2f} s,")  # fmt: skip
    print(f"  {len(compiled.checks)} checks one after the other {checked - prepared:.2f} s "
          f"(revalidate_store runs them on a thread per core), issues {done - checked:.2f} s")  # fmt: skip
    failing = sum(1 for conforms, _issues in judged.values() if not conforms)
    print(f"  {len(findings)} findings in {len(judged)} versions, {failing} not conforming")
    for seconds, name, rows in sorted(timings, reverse=True)[:6]:
        print(f"    {seconds:6.2f} s  {name} ({rows} rows)")


def timed(label: str, work: Callable[[], object]) -> object:
    """Run ``work`` once and print its wall and CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    print(f"    {label}: {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
    return result


def routes(path: Path) -> None:
    """Time the ways of handing the store's quads to the checks, on the engine's own files at ``path``."""
    live = ox.Store(str(path))
    scan = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o . ?o ?q ?v } }"  # joins inside every graph

    def dump_and_parse() -> ox.Store:
        memory = ox.Store()
        memory.bulk_load(live.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        return memory

    def copy() -> ox.Store:
        memory = ox.Store()
        memory.bulk_extend(live)
        return memory

    print("routes from the store to the checks:")
    timed("N-Quads dump parsed into memory", dump_and_parse)
    memory = timed("quad-by-quad copy into memory (what revalidate_store does)", copy)
    assert isinstance(memory, ox.Store)
    with tempfile.TemporaryDirectory(dir=path.parent) as temporary:
        checkpoint = Path(temporary) / "checkpoint"
        timed("RocksDB checkpoint (Store.backup)", lambda: live.backup(str(checkpoint)))
        copied = ox.Store(str(checkpoint))
        for name, store in (("checkpoint", copied), ("memory", memory)):
            timed(f"registry query on the {name}", lambda store=store: list(store.query(VERSIONS_QUERY)))
            timed(f"a join inside every graph on the {name}", lambda store=store: list(store.query(scan)))
        del copied


def main(argv: Sequence[str] | None = None) -> int:
    """Build the store, time re-validation, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--broken", type=float, default=0.03, help="share of versions with a seeded mutation")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--routes", action="store_true", help="also time the ways of copying the store")
    parser.add_argument(
        "--store", type=Path, help="keep the built store in this directory, or reuse it when it holds one already"
    )
    args = parser.parse_args(argv)
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)  # mutations write ill-typed literals on purpose
    print(machine())
    print(f"load average (1/5/15 min) at start: {load_average()}")
    rules = Rules.from_project(PROJECT)
    with tempfile.TemporaryDirectory(prefix="ipgraph-bench-revalidate-") as temporary:
        started = time.perf_counter()
        directory = args.store or Path(temporary)
        if (directory / "data" / "store").is_dir():
            store = EmbeddedStore(directory / "data", workers=1, query_timeout=600.0, row_limit=10_000_000)
            print(f"reusing the store in {directory} (--reports, --broken and --seed are those it was built with)")
        else:
            directory.mkdir(parents=True, exist_ok=True)
            store = build_store(directory, args.reports, args.broken, args.seed)
        try:
            quads = store.triple_count()
            print(f"stored {args.reports} versions ({quads} quads) in {time.perf_counter() - started:.1f} s")
            walls, cpus = [], []
            for _ in range(args.runs):
                wall, cpu = time.perf_counter(), time.process_time()
                outcome = revalidate_store(store, rules)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
                print(f"  run: {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU, {len(outcome.failing)} not conforming "
                      f"of {len(outcome.outcomes)}, load {load_average()}")  # fmt: skip
            print(f"revalidate_store over {args.reports} versions: median {statistics.median(walls):.2f} s wall, "
                  f"{statistics.median(cpus):.2f} s CPU ({args.runs} runs; goal for 10,000: ≤ 20 s wall)")  # fmt: skip
            print("one more run, by phase:")
            phases(store, rules)
        finally:
            store.close()
        if args.routes:
            routes(directory / "data" / "store")
    print(f"load average (1/5/15 min) at end: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
