"""Tokens kept in the store (remote mode): every process on one real ``oxigraph serve`` sees a token issued or
revoked through any other at once; hostile token text never reaches a query; ``tokens.json`` is taken over."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_runner import clean_environment, run_ipgraph
from rdflib import Literal
from rdflib.namespace import RDF
from servers import OxigraphServer, run_oxigraph

from ipgraph.reports.token_graph import TOKENS_GRAPH, TokenGraph, token_iri, token_registry
from ipgraph.reports.tokens import TOKENS_FILE, TokenRegistry
from ipgraph.settings import Settings
from ipgraph.store.base import UpdateRequest
from ipgraph.store.remote import RemoteStore
from ipgraph.vocab import IPR

FINANCE = IPR["org-so-tai-chinh"]
HEALTH = IPR["org-so-y-te"]


@pytest.fixture
def private_oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    """An ``oxigraph serve`` for this test alone."""
    with run_oxigraph(tmp_path / "oxigraph") as server:
        yield server


def replica(server: OxigraphServer) -> TokenRegistry:
    """The registry one service process on ``server`` would use (its own store object and no cache in common)."""
    store = RemoteStore(server.query_url, server.update_url, server.store_url, query_timeout=10.0, stamp_writes=True)
    return TokenRegistry(TokenGraph(store))


def test_a_token_issued_on_one_replica_works_on_another_until_revoked_on_a_third(
    private_oxigraph: OxigraphServer,
) -> None:
    first, second, third = (replica(private_oxigraph) for _ in range(3))
    issued = first.issue(FINANCE, note="văn phòng sở")
    other = first.issue(FINANCE)
    assert second.authenticate(issued.token) == FINANCE
    third.revoke(issued.token_id)
    assert second.authenticate(issued.token) is None
    assert first.authenticate(issued.token) is None
    assert second.authenticate(other.token) == FINANCE
    records = {record.token_id: record for record in second.records()}
    assert records[issued.token_id].revoked_at is not None and records[issued.token_id].note == "văn phòng sở"
    assert records[other.token_id].active


def test_the_store_keeps_salted_hashes_only(private_oxigraph: OxigraphServer) -> None:
    registry = replica(private_oxigraph)
    issued = registry.issue(HEALTH)
    secret = issued.token.split("_", 2)[2]
    store = RemoteStore(private_oxigraph.query_url)
    dump = store.dump(None, "application/n-quads") or b""
    assert issued.token_id.encode() in dump
    assert secret.encode() not in dump


def test_revoking_an_organisation_reaches_every_replica(private_oxigraph: OxigraphServer) -> None:
    first, second = replica(private_oxigraph), replica(private_oxigraph)
    tokens = [first.issue(FINANCE).token for _ in range(2)]
    kept = first.issue(HEALTH).token
    assert len(second.revoke_organisation(FINANCE)) == 2
    assert [first.authenticate(token) for token in tokens] == [None, None]
    assert first.authenticate(kept) == HEALTH
    assert second.revoke_organisation(FINANCE) == []


@pytest.mark.parametrize(
    "hostile",
    [
        "ipgr_0123456789abcdef> } DROP ALL {_x",
        'ipgr_0123456789abcde"_x',
        "ipgr_" + "a" * 10_000 + "_x",
        "ipgr_0123456789ABCDEF_x",
        "ipgr__x",
        "ipgr_\u0000\u0000_x",
    ],
)
def test_hostile_token_text_authenticates_nobody_and_changes_nothing(
    hostile: str, private_oxigraph: OxigraphServer
) -> None:
    registry = replica(private_oxigraph)
    issued = registry.issue(FINANCE)
    assert registry.authenticate(hostile) is None
    assert registry.authenticate(issued.token) == FINANCE


def test_tokens_of_a_token_file_are_taken_over_once_with_their_revocations(
    private_oxigraph: OxigraphServer, tmp_path: Path
) -> None:
    file_registry = TokenRegistry.for_data_dir(tmp_path)
    kept = file_registry.issue(FINANCE)
    revoked = file_registry.issue(HEALTH)
    file_registry.revoke(revoked.token_id)
    settings = Settings(
        data_dir=tmp_path,
        store_mode="remote",
        remote_query_url=private_oxigraph.query_url,
        remote_update_url=private_oxigraph.update_url,
    )
    registry = token_registry(settings)
    assert registry.authenticate(kept.token) == FINANCE
    assert registry.authenticate(revoked.token) is None
    again = token_registry(settings)
    assert len(again.records()) == 2
    store = RemoteStore(private_oxigraph.query_url)
    assert store.triple_count(TOKENS_GRAPH) == 3  # two records, one revocation: nothing copied twice


def test_the_tokens_command_works_against_the_store_in_remote_mode(
    private_oxigraph: OxigraphServer, tmp_path: Path
) -> None:
    environment = clean_environment(
        IPGRAPH_STORE_MODE="remote",
        IPGRAPH_REMOTE_QUERY_URL=private_oxigraph.query_url,
        IPGRAPH_REMOTE_UPDATE_URL=private_oxigraph.update_url,
        IPGRAPH_DATA_DIR=str(tmp_path / "data"),
    )
    issued = run_ipgraph("tokens", "issue", "so-tai-chinh", environment=environment)
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    assert replica(private_oxigraph).authenticate(token) == FINANCE
    token_id = token.split("_")[1]
    listed = run_ipgraph("tokens", "list", environment=environment)
    assert token_id in listed.stdout and "active" in listed.stdout
    revoked = run_ipgraph("tokens", "revoke", token_id, environment=environment)
    assert revoked.returncode == 0, revoked.stderr
    assert replica(private_oxigraph).authenticate(token) is None
    assert not (tmp_path / "data" / TOKENS_FILE).exists()  # nothing kept beside the replica


def test_a_note_of_any_text_is_kept_as_written(private_oxigraph: OxigraphServer) -> None:
    registry = replica(private_oxigraph)
    note = 'Sở "Tài chính" } ; DROP ALL ; # \'\'\' """ \\ \n\t\u2028 <urn:x>'
    issued = registry.issue(FINANCE, note=note)
    assert {record.token_id: record.note for record in replica(private_oxigraph).records()}[issued.token_id] == note
    assert replica(private_oxigraph).authenticate(issued.token) == FINANCE


@pytest.mark.parametrize(
    "record",
    [
        "not json",
        '{"token_id": "0123456789abcdef"}',
        '{"token_id": "0123456789abcdef", "organisation": 1, "salt": "00", "digest": "x", "issued_at": "t"}',
        '{"token_id": "fedcba9876543210", "organisation": "o", "salt": "00", "digest": "x", "issued_at": "t"}',
        '{"token_id": "0123456789abcdef", "organisation": "o", "salt": "zz", "digest": "x", "issued_at": "t"}',
        '{"token_id": "0123456789abcdef", "organisation": "o", "salt": "00", "digest": "é", "issued_at": "t"}',
    ],
)
def test_a_record_written_into_the_graph_by_hand_authenticates_nobody_and_hides_no_other(
    record: str, private_oxigraph: OxigraphServer
) -> None:
    registry = replica(private_oxigraph)
    issued = registry.issue(FINANCE)
    store = RemoteStore(private_oxigraph.query_url, private_oxigraph.update_url)
    forged = f"<{token_iri('0123456789abcdef')}> <{RDF.value}> {Literal(record).n3()} ."
    store.update(UpdateRequest(f"INSERT DATA {{ GRAPH <{TOKENS_GRAPH}> {{ {forged} }} }}"))
    assert registry.authenticate("ipgr_0123456789abcdef_x") is None
    assert [item.token_id for item in registry.records()] == [issued.token_id]
    assert registry.authenticate(issued.token) == FINANCE
