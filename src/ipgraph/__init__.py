"""ipgraph: Plan 160/KH-UBND of Thái Bình province as a published, queryable knowledge graph."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ipgraph")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
