"""``ipgraph revalidate``: judge every stored report version again after the shapes or the plan changed.

It reads the store of ``--data-dir`` (the service must not be running on that directory, as for ``ipgraph submit``
without ``--url``; in remote mode the remote store is read), checks every version against the checkout's shapes
and plan in one run (:mod:`ipgraph.reports.revalidation`), prints the versions that no longer conform with their
issues and those that now conform, and keeps the record for the next run and for ``/reports/revalidation``.
Exit 0 when every version conforms, 1 when some does not, 2 on an error (a shape the compiler cannot translate
exactly is an error: nothing is skipped).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ipgraph.cli import EXIT_NEGATIVE, EXIT_OK
from ipgraph.publish.i18n import Language, messages
from ipgraph.settings import Settings


def register(subparsers: Any) -> None:
    """Add the ``revalidate`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "revalidate", help="check every stored report version against the current shapes and plan"
    )
    parser.add_argument("--data-dir", type=Path, help="directory holding the store (default: IPGRAPH_DATA_DIR)")
    parser.add_argument("--project-dir", type=Path, help="checkout holding shapes/ and data/")
    parser.add_argument("--lang", choices=("vi", "en"), default="en", help="language of the messages (default en)")
    parser.add_argument("--output", choices=("text", "json"), default="text", help="output form (default: text)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Re-validate, save the record, print it; 0 when every version conforms, else 1."""
    from ipgraph.reports.revalidation import Rules, revalidate_store
    from ipgraph.reports.revalidation_record import build_record, load_record, save_record
    from ipgraph.store import open_store

    overrides: dict[str, Any] = {"data_dir": args.data_dir} if args.data_dir else {}
    if args.project_dir:
        overrides["project_dir"] = args.project_dir
    settings = Settings.from_env(**overrides)
    rules = Rules.from_project(settings.project_dir)
    store = open_store(settings)
    try:
        outcome = revalidate_store(store, rules)
    finally:
        store.close()
    record = build_record(outcome, load_record(settings.data_dir), rules.context)
    save_record(settings.data_dir, record)
    if args.output == "json":
        print(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_text(record, args.lang))
    return EXIT_NEGATIVE if record["not_conforming"] else EXIT_OK


def format_text(record: dict[str, Any], lang: Language = "en") -> str:
    """The record as readable lines: a summary, then each group of versions with their issues."""
    words = messages("revalidation_cli_", lang)
    lines = [words["summary"].format(**record)]
    for key, title in (
        ("no_longer_conforming", words["no_longer"]),
        ("still_not_conforming", words["still"]),
        ("now_conforming", words["now"]),
    ):
        versions = record[key]
        if not versions:
            continue
        lines.append(f"{title} ({len(versions)}):")
        for item in versions:
            name = item["organisation_name"][lang]
            lines.append(f"  {name} {item['year']} v{item['version']}  {item['url']}")
            for issue in item.get("issues", []):
                lines.append(f"    [{issue['severity']}] {issue['message_' + lang]}")
    if not record["not_conforming"]:
        lines.append(words["none"])
    return "\n".join(lines) + "\n"
