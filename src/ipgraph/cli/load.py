"""``ipgraph load FILE…``: bulk-load RDF files into named graphs, with a progress bar on stderr."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rdflib import URIRef

from ipgraph import vocab
from ipgraph.cli import EXIT_OK, through_service
from ipgraph.cli.progress import LoadProgressBar
from ipgraph.cli.running import RunningService, open_local_or_running
from ipgraph.errors import InputError
from ipgraph.queries import expand_iri
from ipgraph.settings import Settings
from ipgraph.store.loading import LoadProgress
from ipgraph.store.rdf_files import FILE_EXTENSIONS, read_quads
from ipgraph.store.terms import to_ox_graph_name as ox_graph_name


def register(subparsers: Any) -> None:
    """Add the ``load`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "load",
        help="load RDF files into the store",
        description="Triples go to --graph (default: ipgraph:<file name without extension>); the named graphs of "
        "TriG and N-Quads files keep their names. Formats by extension: " + ", ".join(sorted(FILE_EXTENSIONS)) + ".",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="RDF files to load")
    parser.add_argument("--graph", help="IRI (or ipgraph prefixed name) of the graph to load the triples into")
    parser.add_argument("--data-dir", type=Path, help="directory holding the store (IPGRAPH_DATA_DIR, default var)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Parse every file first (a broken one stops the run, naming its line), then load them one by one."""
    for path in args.files:
        if not path.is_file():
            raise InputError(f"{path}: no such file; give the path of an RDF file to load")
        if path.suffix.lower() not in FILE_EXTENSIONS:
            raise InputError(
                f"{path}: cannot tell its RDF format from the extension; rename it to one of "
                + ", ".join(sorted(FILE_EXTENSIONS))
            )
    graph = URIRef(expand_iri(args.graph, parameter="--graph")) if args.graph else None
    for path in args.files:
        # Read every file once before storing any, so a broken file leaves the store as it was.
        for _ in read_quads(path, ox_graph_name(graph or vocab.GRAPH[path.stem])):
            pass
    settings = Settings.from_env(data_dir=args.data_dir)
    store = open_local_or_running(settings, load_project=False)
    bar = LoadProgressBar()
    total = 0
    try:
        for number, path in enumerate(args.files, start=1):
            target = graph if graph is not None else vocab.GRAPH[path.stem]

            def report(triples: int, path: Path = path, target: URIRef = target, number: int = number) -> None:
                bar(LoadProgress(path, target, number, len(args.files), triples))

            report(0)
            if isinstance(store, RunningService):  # ipgraph serve holds the store: through its Graph Store
                total += through_service.load(store, path, target, progress=report)
            else:
                total += store.load_file(path, target, progress=report)
        bar.finish()
    finally:
        if not isinstance(store, RunningService):
            store.close()
    print(f"ipgraph: loaded {total:,} triples from {len(args.files)} file(s)", file=sys.stderr)
    return EXIT_OK
