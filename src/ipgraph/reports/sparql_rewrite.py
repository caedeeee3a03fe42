"""Rewrite a SHACL-SPARQL ``$this`` query so one run answers it for every stored report at once.

The one-report path evaluates each constraint over a data graph made of one report plus the plan slice. To run
it once over every stored version, each version sits in its own named graph and the plan slice in the default
graph, and every triple pattern ``s p o`` of the query becomes ``{ s p o } UNION { GRAPH ?g { s p o } }``: it
matches the plan or the report the focus node came from (``?g`` is bound by the focus-node pattern placed
first), which is exactly the union the one-report path sees, per report. Sequence, inverse and alternative
property paths are spelt out step by step first, because one path step may be in the plan and the next in the
report. Anything the rewriter cannot carry over exactly (closures ``*``/``+``/``?``, negated property sets,
``GRAPH``, ``SERVICE``, subqueries, blank nodes in patterns, solution modifiers) raises
:class:`UnsupportedShapeError`: a constraint is never silently skipped or changed.

The text is tokenised, not parsed into an algebra: every token is copied as written except triple patterns,
which are re-emitted, so expressions keep the exact meaning the engine gives them. One form is changed, where
the result is provably the same: a ``FILTER NOT EXISTS`` of the WHERE group that reads the plan alone becomes a
``MINUS`` (:func:`anti_join_variables`), which the engine evaluates once rather than once per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ipgraph.errors import UnsupportedShapeError

#: How deep groups may nest in a constraint's query (Python's recursion stays far below its limit).
MAX_DEPTH = 64
#: The variable naming the report graph a row belongs to; a query may not use it itself.
GRAPH_VARIABLE = "ipgraph_graph"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


#: Whether one side (the reports, the plan) may hold triples with this predicate and object (both as SPARQL text).
Side = Callable[[str, str], bool]


_TOKEN = re.compile(
    r"""
    (?P<space>\s+|\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<bnode>_:[A-Za-z0-9_.\-]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<pname>(?:[A-Za-z][A-Za-z0-9_.\-]*)?:(?:[A-Za-z0-9_:%\-]|\.(?=[A-Za-z0-9_:%\-]))*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].;,|/^*+?!=<>\-])
    """,
    re.VERBOSE,
)

_GROUP_KEYWORDS = frozenset({"FILTER", "OPTIONAL", "MINUS", "BIND", "VALUES", "GRAPH", "SERVICE", "UNION"})
#: What may not appear in a FILTER NOT EXISTS group that is turned into MINUS (see anti_join_variables).
_NOT_IN_ANTI_JOIN = _GROUP_KEYWORDS | {"SELECT", "EXISTS", "NOT"}
_REFUSED_KEYWORDS = frozenset({"GRAPH", "SERVICE", "SELECT", "CONSTRUCT", "DESCRIBE", "ASK", "LOAD"})


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind (the regular expression group) and its text."""

    kind: str
    text: str

    @property
    def upper(self) -> str:
        """The text in capitals, for case-insensitive keywords."""
        return self.text.upper()


def tokenize(text: str) -> list[Token]:
    """The tokens of a SPARQL text, comments and white space dropped; an unknown character is refused."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise UnsupportedShapeError(f"cannot read the query at {text[position : position + 20]!r}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group()))
        position = match.end()
    return tokens


@dataclass
class Rewriter:
    """Rewrites one query's group graph patterns; ``in_reports``/``in_plan`` say, per constant predicate (and
    class, for rdf:type), whether the reports and the plan slice hold any such triple. Leaving out a side that
    holds none changes no answer and spares the engine an empty scan."""

    tokens: list[Token]
    expand: Callable[[str], str]
    in_reports: Side = field(default=lambda _predicate, _obj: True)
    in_plan: Side = field(default=lambda _predicate, _obj: True)
    position: int = 0
    fresh: int = 0
    depth: int = 0

    # -- token helpers -------------------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise UnsupportedShapeError("the query ends too early")
        self.position += 1
        return token

    def expect(self, text: str) -> Token:
        token = self.take()
        if token.upper != text.upper():
            raise UnsupportedShapeError(f"expected {text!r} in the query, found {token.text!r}")
        return token

    def new_variable(self) -> str:
        self.fresh += 1
        return f"?{GRAPH_VARIABLE}_step{self.fresh}"

    # -- group graph patterns ------------------------------------------------------------------------------
    def group(self) -> str:
        """``{ … }`` with every triple pattern rewritten; the rest copied token by token."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise UnsupportedShapeError(f"the query nests groups more than {MAX_DEPTH} deep")
        try:
            return self._group()
        finally:
            self.depth -= 1

    def _group(self) -> str:
        self.expect("{")
        parts: list[str] = []
        top = self.depth == 1
        bound: set[str] = {"?this"}  # variables every solution of this group binds: $this, and its own triples'
        negated: list[tuple[str, frozenset[str] | None]] = []  # the WHERE group's FILTER NOT EXISTS, kept for last
        while True:
            token = self.peek()
            if token is None:
                raise UnsupportedShapeError("a group in the query is not closed")
            word = token.upper
            if token.text == "}":
                self.take()
                parts.extend(_negation(group, variables, bound) for group, variables in negated)
                return "{ " + " ".join(parts) + " }"
            following = self.peek(1)
            if top and word == "FILTER" and following is not None and following.upper == "NOT":
                self.take()
                start = self.position + 2  # past NOT EXISTS, at the group's "{"
                group = self.constraint()[len("NOT EXISTS ") :]
                variables = anti_join_variables(self.tokens[start + 1 : self.position - 1])
                negated.append((group, variables if f"GRAPH ?{GRAPH_VARIABLE}" not in group else None))
                continue
            if token.text == "{":
                alternatives = [self.group()]
                while (following := self.peek()) is not None and following.upper == "UNION":
                    self.take()
                    alternatives.append(self.group())
                parts.append(" UNION ".join(alternatives))
            elif token.text == ".":
                self.take()
            elif word in ("OPTIONAL", "MINUS"):
                self.take()
                parts.append(f"{word} {self.group()}")
            elif word == "FILTER":
                self.take()
                parts.append("FILTER " + self.constraint())
            elif word == "BIND":
                self.take()
                parts.append("BIND " + self.balanced())
            elif word in _REFUSED_KEYWORDS or word == "VALUES":
                raise UnsupportedShapeError(f"{token.text} inside a SHACL-SPARQL constraint is not supported")
            else:
                start = self.position
                parts.append(self.triples())
                bound.update(self.term_text(item) for item in self.tokens[start : self.position] if item.kind == "var")

    def constraint(self) -> str:
        """A FILTER's constraint: a bracketed expression, a function call or [NOT] EXISTS { … }."""
        token = self.peek()
        if token is None:
            raise UnsupportedShapeError("FILTER without a constraint")
        if token.text == "(":
            return self.balanced()
        if token.upper == "NOT":
            self.take()
            self.expect("EXISTS")
            return "NOT EXISTS " + self.group()
        if token.upper == "EXISTS":
            self.take()
            return "EXISTS " + self.group()
        name = self.take().text
        return name + " " + self.balanced()

    def balanced(self) -> str:
        """A parenthesised expression copied as written, with any EXISTS group inside it rewritten."""
        self.expect("(")
        parts = ["("]
        depth = 1
        glue = False
        previous: Token | None = None
        while depth:
            token = self.peek()
            if token is None:
                raise UnsupportedShapeError("an expression in the query is not closed")
            if token.upper == "EXISTS":
                self.take()
                parts.append("EXISTS " + self.group())
                continue
            if token.upper in _REFUSED_KEYWORDS:
                raise UnsupportedShapeError(f"{token.text} inside an expression is not supported")
            self.take()
            depth += {"(": 1, ")": -1}.get(token.text, 0)
            call = token.text == "(" and previous is not None and previous.kind in ("word", "pname", "iri")
            if (token.kind == "lang" or token.text == "^^" or glue or call) and len(parts) > 1:
                parts[-1] += self.term_text(token)  # a tag or datatype belongs to the string before it
            else:
                parts.append(self.term_text(token))
            glue = token.text == "^^"
            previous = token
        return " ".join(parts)

    # -- triples -------------------------------------------------------------------------------------------
    def triples(self) -> str:
        """One subject with its predicate-object list, as a join of rewritten single patterns."""
        subject = self.node()
        parts: list[str] = []
        while True:
            path = self.path()
            while True:
                parts.append(self.emit(subject, path, self.node()))
                following = self.peek()
                if following is None or following.text != ",":
                    break
                self.take()
            following = self.peek()
            if following is None or following.text != ";":
                break
            while (following := self.peek()) is not None and following.text == ";":
                self.take()
            following = self.peek()
            if following is None or following.text in (".", "}") or following.upper in _GROUP_KEYWORDS:
                break
        return " ".join(parts)

    def node(self) -> str:
        """A subject or object: a variable, an IRI or a literal (blank nodes and collections are refused)."""
        token = self.take()
        if token.kind in ("var", "iri", "pname"):
            return self.term_text(token)
        if token.kind == "number" or token.upper in ("TRUE", "FALSE"):
            return token.text
        if token.kind == "string":
            text = token.text
            following = self.peek()
            if following is not None and following.kind == "lang":
                text += self.take().text
            elif following is not None and following.text == "^^":
                self.take()
                text += "^^" + self.term_text(self.take())
            return text
        raise UnsupportedShapeError(f"{token.text!r} as a subject or object (blank nodes, lists) is not supported")

    def term_text(self, token: Token) -> str:
        """A token as emitted: prefixed names expanded to full IRIs, ``$x`` written ``?x``."""
        if token.kind == "pname":
            return self.expand(token.text)
        if token.kind == "var":
            if token.text[1:].startswith(GRAPH_VARIABLE):
                raise UnsupportedShapeError(f"the query uses {token.text}, a name re-validation reserves")
            return "?" + token.text[1:]
        if token.kind == "bnode":
            raise UnsupportedShapeError(f"blank node {token.text} in a query is not supported")
        return token.text

    def path(self) -> Path:
        """A predicate: ``a``, a variable, or a property path of IRIs, ``^``, ``/`` and ``|``."""
        token = self.peek()
        if token is not None and token.kind == "var":
            return ("var", self.term_text(self.take()))
        return self.alternative()

    def alternative(self) -> Path:
        options = [self.sequence()]
        while (token := self.peek()) is not None and token.text == "|":
            self.take()
            options.append(self.sequence())
        return options[0] if len(options) == 1 else ("alt", options)

    def sequence(self) -> Path:
        steps = [self.step()]
        while (token := self.peek()) is not None and token.text == "/":
            self.take()
            steps.append(self.step())
        return steps[0] if len(steps) == 1 else ("seq", steps)

    def step(self) -> Path:
        token = self.take()
        inverse = False
        if token.text == "^":
            inverse, token = True, self.take()
        if token.text == "(":
            primary = self.alternative()
            self.expect(")")
        elif token.text == "a":
            primary = ("iri", RDF_TYPE)
        elif token.kind in ("iri", "pname"):
            primary = ("iri", self.term_text(token))
        else:
            raise UnsupportedShapeError(f"property path element {token.text!r} is not supported")
        following = self.peek()
        if following is not None and following.text in ("*", "+", "?"):
            raise UnsupportedShapeError(f"property path modifier {following.text!r} is not supported")
        return ("inv", primary) if inverse else primary

    def emit(self, subject: str, path: Path, obj: str) -> str:
        """The pattern ``subject path obj`` over "the plan or report ?g", path steps spelt out."""
        kind, value = path
        if kind in ("iri", "var"):
            assert isinstance(value, str)  # noqa: S101 - by construction
            return graph_pattern(subject, value, obj, self.in_reports, self.in_plan)
        if kind == "inv":
            assert isinstance(value, tuple)  # noqa: S101
            return self.emit(obj, value, subject)
        assert isinstance(value, list)  # noqa: S101
        if kind == "alt":
            return "{ " + " UNION ".join("{ " + self.emit(subject, option, obj) + " }" for option in value) + " }"
        parts: list[str] = []
        current = subject
        for index, step in enumerate(value):
            following = obj if index == len(value) - 1 else self.new_variable()
            parts.append(self.emit(current, step, following))
            current = following
        return " ".join(parts)


Path = tuple[str, "str | Path | list[Path]"]


def anti_join_variables(tokens: list[Token]) -> frozenset[str] | None:
    """The variables a ``FILTER NOT EXISTS`` group binds, when it is triple patterns and FILTERs over their own
    variables only (no nested group, UNION, OPTIONAL, BIND, VALUES or EXISTS); ``None`` otherwise.

    For such a group P, ``FILTER NOT EXISTS P`` drops a solution μ exactly when some solution of P is compatible
    with μ: P's solutions bind all of P's variables, and its filters see no variable of μ that P does not bind
    (SPARQL 1.1 §18.6, substitute). ``MINUS P`` drops the same solutions provided μ and that solution share a
    variable (§18.5, Minus), which :func:`_negation` checks. ``tokens`` are those between the group's braces.
    """
    variables: set[str] = set()
    filtered: set[str] = set()
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if token.upper == "FILTER":
            position += 1
            if position < len(tokens) and tokens[position].text != "(":
                position += 1  # a function call: FILTER regex(…)
            if position >= len(tokens) or tokens[position].text != "(":
                return None
            depth = 0
            while True:
                token = tokens[position]
                if token.upper == "EXISTS" or token.text in ("{", "}"):
                    return None
                if token.kind == "var":
                    filtered.add("?" + token.text[1:])
                depth += {"(": 1, ")": -1}.get(token.text, 0)
                position += 1
                if depth == 0:
                    break
            continue
        if token.text in ("{", "}") or token.upper in _NOT_IN_ANTI_JOIN:
            return None
        if token.kind == "var":
            variables.add("?" + token.text[1:])
        position += 1
    return frozenset(variables) if filtered <= variables else None


def _negation(group: str, variables: frozenset[str] | None, bound: set[str]) -> str:
    """A rewritten ``FILTER NOT EXISTS`` group of the WHERE clause, placed last (a FILTER holds for the whole
    group wherever it is written; a MINUS removes from what precedes it). It becomes ``MINUS`` when it reads the
    plan alone (no version graph: evaluated once, not per row), has the form :func:`anti_join_variables` accepts,
    and shares with the group a variable every solution binds, so no solution escapes MINUS's rule that
    solutions sharing no variable are not removed."""
    if variables is not None and variables & bound:
        return f"MINUS {group}"
    return f"FILTER NOT EXISTS {group}"


def graph_pattern(
    subject: str,
    predicate: str,
    obj: str,
    in_reports: Side = lambda _predicate, _obj: True,
    in_plan: Side = lambda _predicate, _obj: True,
) -> str:
    """``subject predicate obj`` in the plan (default graph) or in report graph ``?ipgraph_graph``."""
    triple = f"{subject} {predicate} {obj}"
    constant = not predicate.startswith("?")
    plan = not constant or in_plan(predicate, obj)
    reports = not constant or in_reports(predicate, obj)
    if plan and reports:
        return f"{{ {{ {triple} }} UNION {{ GRAPH ?{GRAPH_VARIABLE} {{ {triple} }} }} }}"
    if reports:
        return f"GRAPH ?{GRAPH_VARIABLE} {{ {triple} }}"
    return f"{{ {triple} }}"


@dataclass(frozen=True)
class RewrittenSelect:
    """A SHACL-SPARQL SELECT split into what it projects and its rewritten WHERE group."""

    variables: tuple[str, ...]
    where: str


def rewrite_select(
    text: str,
    prefixes: dict[str, str],
    in_reports: Side = lambda _predicate, _obj: True,
    in_plan: Side = lambda _predicate, _obj: True,
) -> RewrittenSelect:
    """Rewrite a ``SELECT $this … WHERE { … }`` text (see the module docstring); prefixes from ``sh:prefixes``
    and from the text's own PREFIX lines are expanded, so the result needs no prologue."""
    tokens = tokenize(text)
    known = dict(prefixes)
    position = 0
    while position < len(tokens) and tokens[position].upper in ("PREFIX", "BASE"):
        if tokens[position].upper == "BASE":
            raise UnsupportedShapeError("BASE in a SHACL-SPARQL query is not supported")
        name, iri = tokens[position + 1].text, tokens[position + 2].text
        known[name.rstrip(":")] = iri[1:-1]
        position += 3

    def expand(pname: str) -> str:
        prefix, _, local = pname.partition(":")
        if prefix not in known:
            raise UnsupportedShapeError(f"prefix {prefix!r} is not declared for the query")
        return f"<{known[prefix]}{local}>"

    rewriter = Rewriter(tokens, expand, in_reports, in_plan, position)
    rewriter.expect("SELECT")
    variables: list[str] = []
    while (token := rewriter.peek()) is not None and token.kind == "var":
        variables.append(rewriter.term_text(rewriter.take())[1:])
    token = rewriter.peek()
    if token is None or (token.upper != "WHERE" and token.text != "{"):
        found = token.text if token is not None else "the end"
        raise UnsupportedShapeError(f"only SELECT of plain variables is supported, found {found!r}")
    if token.upper == "WHERE":
        rewriter.take()
    where = rewriter.group()
    rest = rewriter.peek()
    if rest is not None:
        raise UnsupportedShapeError(f"{rest.text} after the WHERE clause is not supported")
    if "this" not in variables:
        raise UnsupportedShapeError("a SHACL-SPARQL SELECT must project $this")
    return RewrittenSelect(tuple(variables), where)
