"""The single update behind each Graph Store write: what it drops, inserts and creates."""

from __future__ import annotations

from ipgraph.store.graph_updates import graph_update

TRIPLE = "<http://example.org/s> <http://example.org/p> _:b ."


def test_replacing_a_named_graph_drops_it_then_inserts_in_one_request() -> None:
    assert graph_update("<http://example.org/g>", [TRIPLE], replace=True) == (
        "DROP SILENT GRAPH <http://example.org/g> ;\nINSERT DATA {\nGRAPH <http://example.org/g> {\n"
        + TRIPLE
        + "\n}\n}"
    )


def test_a_named_graph_given_no_triple_is_still_created() -> None:
    assert graph_update("<http://example.org/g>", [], replace=False) == "CREATE SILENT GRAPH <http://example.org/g>"
    assert graph_update("<http://example.org/g>", iter([]), replace=True) == (
        "DROP SILENT GRAPH <http://example.org/g> ;\nCREATE SILENT GRAPH <http://example.org/g>"
    )


def test_the_default_graph_is_dropped_and_filled_but_never_created() -> None:
    assert graph_update(None, [TRIPLE], replace=False) == "INSERT DATA {\n" + TRIPLE + "\n}"
    assert graph_update(None, [], replace=True) == "DROP SILENT DEFAULT"
    assert graph_update(None, [], replace=False) == ""
