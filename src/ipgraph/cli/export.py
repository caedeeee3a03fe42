"""``ipgraph export``: write the whole dataset or one named graph in any RDF format, to a file or stdout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rdflib import URIRef

from ipgraph.cli import EXIT_OK, through_service
from ipgraph.cli.output import write_stdout
from ipgraph.cli.running import RunningService, open_local_or_running
from ipgraph.errors import InputError
from ipgraph.formats import GRAPH_FORMATS, format_by_name, format_for_path
from ipgraph.queries import expand_iri
from ipgraph.settings import Settings


def register(subparsers: Any) -> None:
    """Add the ``export`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="write the dataset or one graph as RDF",
        description="Without --graph: every quad in trig or nquads, or the union of all graphs in a triple format.",
    )
    parser.add_argument("--graph", help="IRI (or ipgraph prefixed name) of the one graph to export")
    parser.add_argument(
        "--format",
        help="turtle, ntriples, jsonld, rdfxml, trig or nquads (default: from the -o extension, else trig)",
    )
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--data-dir", type=Path, help="directory holding the store (IPGRAPH_DATA_DIR, default var)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Open the store (loading the project on a fresh data directory) and serialise.

    While ``ipgraph serve`` holds the store, the dataset is read through that service: an online backup that
    ``ipgraph load`` restores.
    """
    if args.format:
        chosen = format_by_name(args.format, GRAPH_FORMATS)
        if chosen is None:
            names = ", ".join(offer.name for offer in GRAPH_FORMATS)
            raise InputError(f"--format {args.format!r} is not an RDF format ipgraph writes; choose one of {names}")
    else:
        chosen = format_for_path(args.output, GRAPH_FORMATS) if args.output else None
        chosen = chosen or format_by_name("trig", GRAPH_FORMATS)
    assert chosen is not None  # noqa: S101 - trig is one of GRAPH_FORMATS
    if args.output is not None and not args.output.parent.is_dir():
        raise InputError(f"cannot write {args.output}: the directory {args.output.parent} does not exist")
    graph = URIRef(expand_iri(args.graph, parameter="--graph")) if args.graph else None
    store = open_local_or_running(Settings.from_env(data_dir=args.data_dir))
    if isinstance(store, RunningService):
        body = through_service.export(store, args.output, chosen.media_type, graph)
    else:
        try:
            if graph is not None and graph not in store.graph_names():
                held = ", ".join(f"<{name}>" for name in store.graph_names()) or "none"
                raise InputError(f"the store holds no graph <{graph}>; its graphs are: {held}")
            body = store.dump(args.output, chosen.media_type, graph)
        finally:
            store.close()
    if body is not None:
        write_stdout(body)
    elif args.output is not None:
        print(f"ipgraph: wrote {args.output} ({chosen.name})", file=sys.stderr)
    return EXIT_OK
