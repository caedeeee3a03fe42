"""``ipgraph load`` and ``ipgraph export`` on a fresh data directory: progress, graphs, formats, refusals."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

Runner = Callable[..., subprocess.CompletedProcess[str]]
EX = "http://example.org/"
PEOPLE_TTL = f'@prefix ex: <{EX}> .\nex:alice ex:name "Alice" ; ex:knows [ ex:name "Dan" ] .\n'
PLACES_TRIG = f'@prefix ex: <{EX}> .\nex:hanoi ex:name "Hà Nội" .\nex:cities {{ ex:thai-binh ex:name "Thái Bình" . }}\n'


def quads_of(path: Path) -> set[tuple[str, str, str, str]]:
    """Every quad of an N-Quads file as strings (blank nodes renamed to one label: their names are arbitrary)."""
    quads = set()
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        terms = [quad.subject, quad.predicate, quad.object, quad.graph_name]
        quads.add(tuple("_:b" if isinstance(term, ox.BlankNode) else str(term) for term in terms))
    return quads  # type: ignore[return-value]


def test_load_then_export_round_trips_graphs(ipgraph: Runner, tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    (tmp_path / "people.ttl").write_text(PEOPLE_TTL, encoding="utf-8")
    (tmp_path / "places.trig").write_text(PLACES_TRIG, encoding="utf-8")
    loaded = ipgraph(
        "load", "--data-dir", data_dir, "--graph", f"{EX}people", tmp_path / "people.ttl", tmp_path / "places.trig"
    )
    assert loaded.returncode == 0, loaded.stderr
    assert f"1/2 people.ttl → <{EX}people>: 3 triples" in loaded.stderr
    assert f"2/2 places.trig → <{EX}people>: 2 triples" in loaded.stderr
    assert "loaded 5 triples from 2 file(s)" in loaded.stderr

    exported = ipgraph("export", "--data-dir", data_dir, "--format", "nquads", "-o", tmp_path / "all.nq")
    assert exported.returncode == 0, exported.stderr
    quads = quads_of(tmp_path / "all.nq")
    assert (f"<{EX}thai-binh>", f"<{EX}name>", '"Thái Bình"', f"<{EX}cities>") in quads
    assert (f"<{EX}hanoi>", f"<{EX}name>", '"Hà Nội"', f"<{EX}people>") in quads
    assert ("_:b", f"<{EX}name>", '"Dan"', f"<{EX}people>") in quads
    # The project's graphs came too: export opens the store the way the service does.
    assert any(graph == "<https://w3id.org/ipgraph/graph/plan>" for *_, graph in quads)

    one = ipgraph("export", "--data-dir", data_dir, "--graph", f"{EX}cities", "--format", "ntriples")
    assert one.returncode == 0, one.stderr
    assert one.stdout == f'<{EX}thai-binh> <{EX}name> "Thái Bình" .\n'

    by_extension = ipgraph("export", "--data-dir", data_dir, "--graph", f"{EX}people", "-o", tmp_path / "p.ttl")
    assert by_extension.returncode == 0, by_extension.stderr
    triples = list(ox.parse(path=str(tmp_path / "p.ttl"), format=ox.RdfFormat.TURTLE))
    assert len(triples) == 4


def test_load_of_a_broken_file_names_its_line_and_loads_nothing(ipgraph: Runner, tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    (tmp_path / "good.ttl").write_text(PEOPLE_TTL, encoding="utf-8")
    (tmp_path / "broken.ttl").write_text(PEOPLE_TTL + 'ex:bob ex:name "Bob\n', encoding="utf-8")
    result = ipgraph("load", "--data-dir", data_dir, tmp_path / "good.ttl", tmp_path / "broken.ttl")
    assert result.returncode == 2
    assert "broken.ttl" in result.stderr
    assert "line 3" in result.stderr
    count = ipgraph("query", "--data-dir", data_dir, f"ASK {{ GRAPH ?g {{ <{EX}alice> ?p ?o }} }}")
    assert (count.returncode, count.stdout.strip()) == (1, "false"), count.stderr


def test_load_and_export_refusals_exit_2_saying_what_to_fix(ipgraph: Runner, tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    cases = [
        (["load", "--data-dir", data_dir, tmp_path / "missing.ttl"], "no such file"),
        (["load", "--data-dir", data_dir, tmp_path / "notes.txt"], "rename it to one of"),
        (["export", "--data-dir", data_dir, "--format", "csv"], "not an RDF format ipgraph writes"),
        (["export", "--data-dir", data_dir, "-o", tmp_path / "no" / "dir.ttl"], "does not exist"),
    ]
    for args, message in cases:
        result = ipgraph(*args)
        assert (result.returncode, message in result.stderr) == (2, True), (args, result.stderr)


def test_export_of_a_graph_the_store_lacks_lists_the_graphs_it_has(ipgraph: Runner, project_data_dir: Path) -> None:
    result = ipgraph("export", "--data-dir", project_data_dir, "--graph", "ipgraph:nothing-here")
    assert result.returncode == 2
    assert "no graph <https://w3id.org/ipgraph/graph/nothing-here>" in result.stderr
    assert "<https://w3id.org/ipgraph/graph/plan>" in result.stderr
