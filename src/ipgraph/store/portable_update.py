"""SPARQL updates rewritten into forms that every server tried applies with the standard's effect.

Virtuoso Open Source 7.2 departs from SPARQL 1.1 Update in two places the remote store meets daily:

- ``DROP ALL``, ``DROP NAMED``, ``CLEAR ALL`` and ``CLEAR NAMED`` are answered 200 and change nothing. Each
  such operation is preceded by one ``DROP SILENT GRAPH`` (or ``CLEAR SILENT GRAPH``) per named graph that holds
  a triple when the request is sent. The original operation stays, so a server that does implement it still
  empties its default graph too; on any server the effect is the standard one.
- ``INSERT DATA`` holding a blank node (a label, ``[]`` or a collection) is refused (SP031). Such a block is sent
  as ``INSERT { … } WHERE { }``: the template is instantiated once, with fresh blank nodes for its labels — the
  effect §3.1.1 gives ``INSERT DATA``.

Both rewrites work on tokens (:func:`~ipgraph.store.sparql_text.tokens`), so words inside strings, IRIs and
comments are never taken for operations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ipgraph.store.sparql_text import Token, iri_text, tokens

#: Graph sets that Virtuoso 7.2 ignores in DROP and CLEAR.
_GRAPH_SETS = frozenset({"ALL", "NAMED"})


def portable_update(update: str, graph_names: Callable[[], Sequence[str]]) -> str:
    """The update with both rewrites applied; ``graph_names`` is called only when a graph set is dropped."""
    return expand_graph_sets(insert_data_as_template(update), graph_names)


def expand_graph_sets(update: str, graph_names: Callable[[], Sequence[str]]) -> str:
    """Precede each ``DROP|CLEAR [SILENT] ALL|NAMED`` with the same operation on every named graph by name."""
    top = [token for token in tokens(update) if token.depth == 0]
    cuts: list[tuple[int, str]] = []
    for index, token in enumerate(top):
        operation = _word(token)
        if operation not in {"DROP", "CLEAR"}:
            continue
        following = top[index + 1 : index + 3]
        if following and _word(following[0]) == "SILENT":
            following = following[1:]
        if following and _word(following[0]) in _GRAPH_SETS:
            cuts.append((token.start, operation))
    if not cuts:
        return update
    names = graph_names()
    for start, operation in reversed(cuts):
        expansion = "".join(f"{operation} SILENT GRAPH {iri_text(name)} ;\n" for name in names)
        update = update[:start] + expansion + update[start:]
    return update


def insert_data_as_template(update: str) -> str:
    """Send every ``INSERT DATA`` block that holds a blank node as ``INSERT { … } WHERE { }``."""
    all_tokens = list(tokens(update))
    edits: list[tuple[int, int, str]] = []
    for index, token in enumerate(all_tokens):
        if token.depth != 0 or _word(token) != "INSERT" or index + 2 >= len(all_tokens):
            continue
        data, brace = all_tokens[index + 1], all_tokens[index + 2]
        if _word(data) != "DATA" or brace.kind != "open":
            continue
        close = _closing(all_tokens, index + 2)
        if close is None:
            return update  # unbalanced: let the server report the syntax error on the text as written
        if any(_is_blank_node(inner) for inner in all_tokens[index + 3 : close]):
            edits.append((data.start, data.start + len(data.text), ""))
            end = all_tokens[close].start + 1
            edits.append((end, end, " WHERE { }"))
    for start, end, text in reversed(edits):
        update = update[:start] + text + update[end:]
    return update


def _closing(all_tokens: Sequence[Token], opening: int) -> int | None:
    """Index of the brace that closes the one at ``opening`` (both at depth 0)."""
    for index in range(opening + 1, len(all_tokens)):
        token = all_tokens[index]
        if token.kind == "close" and token.depth == all_tokens[opening].depth:
            return index
    return None


def _is_blank_node(token: Token) -> bool:
    """A blank node label, or the ``[`` or ``(`` that opens an anonymous node or a collection in data."""
    return token.text.startswith("_:") or (token.kind == "other" and token.text in {"[", "("})


def _word(token: Token) -> str:
    return token.text.upper() if token.kind == "word" else ""
