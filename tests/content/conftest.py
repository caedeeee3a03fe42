"""Fixtures for checking the project's RDF assets themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def project_dir() -> Path:
    """The checkout under test."""
    return PROJECT


@pytest.fixture(scope="session")
def plan_data() -> Graph:
    """Every data file of the plan (data/*.ttl), without the inferred graph or example reports."""
    graph = Graph()
    for path in sorted((PROJECT / "data").glob("*.ttl")):
        if path.name != "inferred.ttl":
            graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="session")
def ontology() -> Graph:
    """Every file of ontology/."""
    graph = Graph()
    for path in sorted((PROJECT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph
