"""The HTTP API: an app factory and one router module per concern."""

from ipgraph.api.app import create_app

__all__ = ["create_app"]
