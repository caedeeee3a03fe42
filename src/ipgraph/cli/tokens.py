"""``ipgraph tokens issue|revoke|list``: the organisations' submission tokens, kept hashed in the data directory
(embedded mode) or in the store every replica reads (remote mode, ``IPGRAPH_STORE_MODE=remote``).

``issue`` prints the new token once, on standard output, and never again; ``list`` shows ids, organisations and
dates, never a token or its hash. The service sees issued and revoked tokens at once, without a restart.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import ORG, RDF

from ipgraph.cli import EXIT_OK
from ipgraph.errors import InputError, NotFoundError
from ipgraph.reports.storage import organisation_from_text
from ipgraph.reports.token_graph import token_registry
from ipgraph.reports.tokens import TokenRegistry
from ipgraph.settings import Settings

#: The project files naming the organisations a token may be issued for.
ORGANISATION_FILES: tuple[str, ...] = ("data/organisations.ttl", "data/organisation-changes.ttl")


def register(subparsers: Any) -> None:
    """Add the ``tokens`` subcommand and its actions."""
    parser: argparse.ArgumentParser = subparsers.add_parser("tokens", help="issue, revoke and list submission tokens")
    parser.add_argument(
        "--data-dir", type=Path, help="the data directory holding tokens.json in embedded mode (default: settings)"
    )
    actions = parser.add_subparsers(dest="action", required=True)

    issue = actions.add_parser("issue", help="issue a token for an organisation and print it once")
    issue.add_argument("organisation", help="the organisation's IRI or slug (e.g. so-tai-chinh)")
    issue.add_argument(
        "--note",
        default="",
        help="a note kept with the token (which office holds it); readable through SPARQL in remote mode",
    )
    issue.add_argument("--project-dir", type=Path, help="checkout holding data/organisations.ttl")
    issue.set_defaults(run=run_issue)

    revoke = actions.add_parser("revoke", help="revoke a token by id, or every token of an organisation")
    target = revoke.add_mutually_exclusive_group(required=True)
    target.add_argument("token_id", nargs="?", help="the token's id as `ipgraph tokens list` shows it")
    target.add_argument("--organisation", help="revoke every active token of this organisation")
    revoke.set_defaults(run=run_revoke)

    listing = actions.add_parser("list", help="list tokens (ids and dates only)")
    listing.add_argument("--organisation", help="only this organisation's tokens")
    listing.add_argument("--active", action="store_true", help="leave out revoked tokens")
    listing.set_defaults(run=run_list)


def run_issue(args: argparse.Namespace) -> int:
    """Issue a token for a known organisation; the token goes to stdout, the advice to stderr."""
    organisation = organisation_from_text(args.organisation)
    project_dir = args.project_dir or Settings.from_env().project_dir
    check_known(organisation, project_dir)
    issued = _registry(args).issue(organisation, note=args.note)
    print(issued.token)
    print(
        f"issued token {issued.token_id} for {organisation}; hand it over now, it cannot be shown again",
        file=sys.stderr,
    )
    return EXIT_OK


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke one token, or all of an organisation's."""
    registry = _registry(args)
    if args.organisation:
        organisation = organisation_from_text(args.organisation)
        revoked = registry.revoke_organisation(organisation)
        if not revoked:
            raise NotFoundError(f"{organisation} has no active token")
        for record in revoked:
            print(f"revoked {record.token_id} ({record.organisation})")
        return EXIT_OK
    record = registry.revoke(args.token_id)
    print(f"revoked {record.token_id} ({record.organisation}) at {record.revoked_at}")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    """One line per token: id, organisation, issued, revoked (or ``active``), note."""
    wanted = str(organisation_from_text(args.organisation)) if args.organisation else None
    for record in _registry(args).records():
        if (wanted and record.organisation != wanted) or (args.active and not record.active):
            continue
        state = f"revoked {record.revoked_at}" if record.revoked_at else "active"
        note = f"\t{record.note}" if record.note else ""
        print(f"{record.token_id}\t{record.organisation}\tissued {record.issued_at}\t{state}{note}")
    return EXIT_OK


def check_known(organisation: URIRef, project_dir: Path) -> None:
    """Refuse an organisation the project's data does not name (a typo would issue a useless token)."""
    graph = Graph()
    for name in ORGANISATION_FILES:
        path = project_dir / name
        if path.exists():
            graph.parse(path, format="turtle")
    if (organisation, RDF.type, ORG.Organization) not in graph:
        raise InputError(f"{organisation} is not an organisation of the plan's data ({', '.join(ORGANISATION_FILES)})")


def _registry(args: argparse.Namespace) -> TokenRegistry:
    return token_registry(Settings.from_env(data_dir=args.data_dir))
