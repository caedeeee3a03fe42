"""The fetch guard's view of this service, the same for ``/sparql``, the query page and the question pages."""

from __future__ import annotations

from ipgraph.settings import Settings
from ipgraph.sparql_guard import GuardPolicy
from ipgraph.store.base import Store


def guard_policy(settings: Settings, store: Store) -> GuardPolicy:
    """The guard's view of this service: the operator's allow-list and the store's named graphs."""
    return GuardPolicy(
        allowed_iris=frozenset(settings.allowed_service_endpoints),
        store_graphs=lambda: frozenset(str(name) for name in store.existing_graphs()),
        refuse_fetches=settings.fetch_guard,
    )
