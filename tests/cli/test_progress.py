"""The load progress display: lines for logs, a redrawn bar on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from rdflib import URIRef

from ipgraph.cli.progress import LoadProgressBar
from ipgraph.store.loading import LoadProgress

GRAPH = URIRef("https://w3id.org/ipgraph/graph/plan")


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def feed(bar: LoadProgressBar) -> None:
    for number, name, counts in ((1, "a.ttl", (0, 50_000, 70_000)), (2, "b.ttl", (0, 10))):
        for triples in counts:
            bar(LoadProgress(Path(name), GRAPH, number, 2, triples))
    bar.finish()


def test_without_a_terminal_each_finished_file_is_one_line() -> None:
    stream = io.StringIO()
    feed(LoadProgressBar(stream))
    assert stream.getvalue().splitlines() == [
        f"1/2 a.ttl → <{GRAPH}>: 70,000 triples",
        f"2/2 b.ttl → <{GRAPH}>: 10 triples",
    ]


def test_on_a_terminal_the_bar_is_redrawn_and_ends_full() -> None:
    stream = Terminal()
    feed(LoadProgressBar(stream, width=10))
    output = stream.getvalue()
    assert output.count("\r") == 6
    assert "\r[..........] 1/2 a.ttl" in output
    assert "\r[#####.....] 2/2 b.ttl" in output
    assert output.endswith(f"\r[##########] 2/2 b.ttl → <{GRAPH}>: 10 triples\033[K\n")
