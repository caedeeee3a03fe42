"""``ipgraph serve``: open (on first start, fill) the store and answer HTTP with uvicorn."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path
from typing import Any

from ipgraph.cli import EXIT_OK
from ipgraph.cli.progress import LoadProgressBar
from ipgraph.cli.running import RunningService, announce, new_secret, withdraw
from ipgraph.errors import InputError
from ipgraph.settings import Settings
from ipgraph.store import open_store
from ipgraph.store.loading import synchronise_project


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="start the SPARQL service; the first start loads ontology/ and data/ into the store",
        description="Every setting can also come from an IPGRAPH_* environment variable (see `ipgraph settings`); "
        "flags win over the environment.",
    )
    parser.add_argument("--host", help="address to listen on (IPGRAPH_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (IPGRAPH_PORT, default 8000)")
    parser.add_argument("--data-dir", type=Path, help="directory holding the store (IPGRAPH_DATA_DIR, default var)")
    parser.add_argument("--project-dir", type=Path, help="checkout holding ontology/, data/, queries/")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load what changed in the project files, then serve until interrupted.

    While it serves, ``DATA_DIR/serve.json`` tells this machine's ``ipgraph query``, ``export`` and ``load``
    where to find it (:mod:`ipgraph.cli.running`): the embedded store admits one process at a time.
    """
    import uvicorn

    from ipgraph.api import create_app

    settings = Settings.from_env(host=args.host, port=args.port, data_dir=args.data_dir, project_dir=args.project_dir)
    _check_port_free(settings.host, settings.port)
    store = open_store(settings, load_project=False)
    try:
        bar = LoadProgressBar()
        report = synchronise_project(store, settings, bar)
        bar.finish()
        triples = sum(report.loaded.values())
        where = settings.data_dir if settings.store_mode == "embedded" else settings.remote_query_url
        print(
            f"ipgraph: store in {where}: "
            f"loaded {len(report.loaded)} graphs ({triples:,} triples), reused {len(report.reused)} graphs, "
            f"dropped {len(report.dropped)}",
            file=sys.stderr,
            flush=True,
        )
        secret = new_secret()
        app = create_app(settings, store, warm_up=True, local_token=secret)
        announce(settings.data_dir, RunningService(_local_url(settings.host, settings.port), os.getpid(), secret))
        try:
            uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
        finally:
            withdraw(settings.data_dir, os.getpid())
    finally:
        store.close()
    return EXIT_OK


def _local_url(host: str, port: int) -> str:
    """The URL this machine's command line reaches the service at (a wildcard address listens on loopback too)."""
    if host in ("0.0.0.0", ""):  # noqa: S104 - reading the setting, not binding
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _check_port_free(host: str, port: int) -> None:
    """Fail with a usable message before loading anything when the address is taken."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise InputError(f"port {port} on {host} is in use; choose another with --port or IPGRAPH_PORT") from None
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror}; check --host and --port") from None
