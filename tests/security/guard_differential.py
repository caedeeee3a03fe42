"""Generated SPARQL texts that try to hide a fetch, and a run that asks both the guard and the engine about each.

Every IRI a text can contain points at the recording trap on 127.0.0.1 (absolute, ``\\u``-escaped, relative to
BASE, or a prefixed name whose namespace is the trap), so whatever reading the engine makes of a mutated text, it
can only reach the trap. Mutations work on whole parts (an IRI is never split), changing what surrounds them:
comment ends (``\\r``, ``\\r\\n``, ``\\u2028``, ``\\x0b``, ``\\x0c``, ``\\x85``), stray quotes, ``#``, ``<``,
braces, glued keywords, odd case, decoy strings and comments that mention SERVICE.
"""

from __future__ import annotations

import random
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyoxigraph as ox

from ipgraph.errors import InputError
from ipgraph.sparql_guard import GuardPolicy, check_query, check_update

_SEPARATORS = [" ", " ", " ", "\n", "\t", "\r", "\r\n", ""]
_COMMENTS = ["# c\n", "# c\r", "#c\r\n", "# c\u2028 ", "# c\x0b ", "# c\x0c ", "# c\x85 ", "#\u2029", "#\r"]
_STRAYS = ["'", '"', "#", "<", ">", "\\", "{", "}", "(", ")", ".", ";", "?", "'''", '"""', "@", "^^", ":"]


class RecordingTrap:
    """A listener on 127.0.0.1 that records the request path of every connection, then closes it."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.port: int = self._socket.getsockname()[1]
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="differential-trap", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                data = b""
                try:
                    while b"\r\n" not in data and len(data) < 65536:
                        chunk = connection.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                except OSError:
                    pass
                words = data.split(b"\r\n", 1)[0].split(b" ")
                with self._lock:  # recorded before the close the engine waits for
                    self.paths.append(words[1].decode("latin-1") if len(words) > 1 else "?")

    def taken(self) -> list[str]:
        """The paths recorded since the last call."""
        with self._lock:
            paths, self.paths = self.paths, []
        return paths

    def close(self) -> None:
        self._socket.close()
        self._thread.join(timeout=5)


@contextmanager
def recording_trap() -> Iterator[RecordingTrap]:
    trap = RecordingTrap()
    try:
        yield trap
    finally:
        trap.close()


@dataclass(frozen=True)
class Case:
    """One generated text: a query or an update, without the BASE the service adds in front."""

    text: str
    update: bool


class TextGenerator:
    """Texts built from parts around one fetch (or none), then mutated; all IRIs lead to the trap."""

    def __init__(self, rnd: random.Random, port: int) -> None:
        self.rnd = rnd
        self.host = f"127.0.0.1:{port}"

    def case(self, number: int) -> Case:
        update = self.rnd.random() < 0.25
        parts = self._update(number) if update else self._query(number)
        for _ in range(self.rnd.choice([0, 0, 1, 1, 2, 3])):
            self._mutate(parts)
        return Case(self._join(parts), update)

    # -- building ------------------------------------------------------------------------------------------

    def _keyword(self, word: str) -> str:
        return "".join(char.upper() if self.rnd.random() < 0.5 else char.lower() for char in word)

    def _marker(self, number: int) -> str:
        return "ok" if self.rnd.random() < 0.15 else f"t{number}"

    def _escaped(self, text: str) -> str:
        out = []
        for char in text:
            roll = self.rnd.random()
            if roll < 0.1:
                out.append(f"\\u{ord(char):04X}")
            elif roll < 0.14:
                out.append(f"\\U{ord(char):08x}")
            else:
                out.append(char)
        return "".join(out)

    def _target(self, number: int) -> tuple[list[str], str]:
        """(prologue parts, the target as written)."""
        marker = self._marker(number)
        form = self.rnd.randrange(9)
        if form == 0:
            return [], f"<http://{self.host}/{marker}>"
        if form == 1:
            return [], f"<{self._escaped(f'http://{self.host}/{marker}')}>"
        if form == 2:
            return [], self.rnd.choice([f"<{marker}>", f"<./{marker}>", f"<x/../{marker}>", f"<../{marker}>"])
        if form == 3:
            return [self._keyword("BASE"), f"<http://{self.host}/b/>"], f"<../{marker}>"
        if form == 4:
            prefix = self.rnd.choice(["px", "", "a.b", "sErViCe", "load", "p_1"])
            local = self.rnd.choice([marker, f"{marker[0]}\\-{marker[1:]}", f"{marker}.x", f"{marker}%41"])
            return [self._keyword("PREFIX"), f"{prefix}:", f"<http://{self.host}/>"], f"{prefix}:{local}"
        if form == 5:
            return [self._keyword("PREFIX"), "px:", f"<{marker}/>"], "px:y"
        if form == 6:
            return [], self.rnd.choice(["?svc", "$svc"])
        if form == 7:
            decl = [self._keyword("PREFIX"), "px:", f"<http://{self.host}/{marker[0]}>"]
            return decl, f"px:{marker[1:]}"
        return [self._keyword("BASE"), f"<{self._escaped(f'http://{self.host}/')}>"], f"<{self._escaped(marker)}>"

    def _decoy(self) -> list[str]:
        iri = f"<http://{self.host}/decoy>"
        return self.rnd.choice(
            [
                [],
                [],
                [f'"SERVICE {iri} {{}}"'],
                [f"'# SERVICE {iri}'"],
                [f"'''x\n# SERVICE {iri} {{ }}'''"],
                ['"a\\"#" '],
                [f"# SERVICE {iri} {{}}\n"],
                ["FILTER", "(", "?a", "<", f"'b{iri}'", ")"],
            ]
        )

    def _service(self, number: int) -> tuple[list[str], list[str]]:
        prologue, target = self._target(number)
        roll = self.rnd.random()
        if roll < 0.15:
            words = [self._keyword("SERVICE") + self._keyword("SILENT")]
        elif roll < 0.3 and ":" in target and not target.startswith("<"):
            return prologue, [self._keyword("SERVICE") + target, "{", "?s", "?p", "?o", "}"]
        elif roll < 0.45:
            words = [self._keyword("SERVICE"), self._keyword("SILENT")]
        else:
            words = [self._keyword("SERVICE")]
        bind = ["BIND", "(", f"<http://{self.host}/t{number}>", "AS", "?svc", ")"] if "svc" in target else []
        return prologue, [*bind, *words, target, "{", "?s", "?p", "?o", "}"]

    def _hide(self, body: list[str]) -> list[str]:
        roll = self.rnd.random()
        if roll < 0.3:
            return [self.rnd.choice(_COMMENTS), *body]
        if roll < 0.4:
            return ["#", *body]
        if roll < 0.5:  # "<" that the engine reads as less-than, opening a string the guard would not see
            return ["FILTER(?a<'b>)')", *body, "FILTER('x')"]
        return body

    def _query(self, number: int) -> list[str]:
        prologue, service = self._service(number) if self.rnd.random() < 0.9 else ([], ["?s", "?p", "?o"])
        inner = [*self._decoy(), *self._hide(service)]
        shape = self.rnd.randrange(10)
        if shape == 1:
            inner = ["{", *inner, "}"]
        elif shape == 2:
            inner = ["OPTIONAL", "{", *inner, "}"]
        elif shape == 3:
            inner = ["{", "SELECT", "*", "{", *inner, "}", "}"]
        elif shape == 4:
            inner = ["FILTER", "EXISTS", "{", *inner, "}"]
        elif shape == 5:
            inner = ["LATERAL", "{", *inner, "}"]
        elif shape == 6:
            inner = ["{", *inner, "}", "UNION", "{", "?s", "?p", "?o", "}"]
        elif shape == 7:
            inner = ["{", "{", "{", *inner, "}", "}", "}"]
        head = self.rnd.choice(
            [["SELECT", "*", "WHERE"], ["SELECT", "*"], ["ASK"], ["CONSTRUCT", "{", "?s", "?p", "?o", "}", "WHERE"]]
        )
        return [*prologue, *(self._keyword(word) for word in head), "{", *inner, "}"]

    def _update(self, number: int) -> list[str]:
        prologue, target = self._target(number)
        if "svc" in target:
            target = f"<t{number}>"
        roll = self.rnd.random()
        if roll < 0.4:
            load = [self._keyword("LOAD")]
            if self.rnd.random() < 0.3:
                load = [self._keyword("LOAD") + self._keyword("SILENT")]
            operation = [*load, target]
            if self.rnd.random() < 0.3:
                operation += [self._keyword("INTO"), self._keyword("GRAPH"), f"<http://{self.host}/g>"]
        else:
            service_prologue, service = self._service(number)
            prologue = [*prologue, *service_prologue]
            operation = ["INSERT", "{", "?s", "?p", "?o", "}", "WHERE", "{", *self._hide(service), "}"]
        if self.rnd.random() < 0.3:
            value = self._decoy()[:1] or ['"x"']
            operation = ["INSERT", "DATA", "{", "<a:s>", "<a:p>", *value, "}", ";", *operation]
        return [*prologue, *self._hide(operation)]

    # -- mutating and joining ----------------------------------------------------------------------------------

    def _mutate(self, parts: list[str]) -> None:
        if not parts:
            return
        spot = self.rnd.randrange(len(parts) + 1)
        roll = self.rnd.random()
        if roll < 0.4:
            parts.insert(spot, self.rnd.choice(_STRAYS))
        elif roll < 0.6:
            parts.insert(spot, self.rnd.choice(_COMMENTS))
        elif roll < 0.75 and spot < len(parts):
            del parts[spot]
        elif roll < 0.9 and spot < len(parts):
            parts.insert(spot, parts[spot])
        elif spot < len(parts) and not parts[spot].startswith(("<", "'", '"', "#")):
            parts[spot] = self._keyword(parts[spot])

    def _join(self, parts: list[str]) -> str:
        text = ""
        for part in parts:
            separator = self.rnd.choice(_SEPARATORS)
            if text and not separator and part[:1].isalnum() and text[-1:].isalnum() and self.rnd.random() < 0.5:
                separator = " "  # mostly keep words apart; sometimes glue them
            text += separator + part
        return text


@dataclass
class Tally:
    """What a run saw: texts, engine fetches, guard refusals, and texts the guard passed that fetched."""

    texts: int = 0
    engine_fetches: int = 0
    refused: int = 0
    escapes: list[tuple[Case, list[str]]] = field(default_factory=list)


def run_differential(seed: int, count: int) -> Tally:
    """Generate ``count`` texts from ``seed``; the guard must refuse every one that makes the engine fetch
    anything but the allowed endpoint."""
    rnd = random.Random(seed)  # noqa: S311 - reproducible texts from a seed, not secrets
    tally = Tally()
    with recording_trap() as trap:
        endpoint = f"http://127.0.0.1:{trap.port}/sparql"
        allowed = f"http://127.0.0.1:{trap.port}/ok"
        policy = GuardPolicy(allowed_iris=frozenset({allowed}))
        generator = TextGenerator(rnd, trap.port)
        for number in range(count):
            case = generator.case(number)
            passed = _guard_passes(case, policy, endpoint)
            _engine_runs(case, endpoint)
            fetched = trap.taken()
            tally.texts += 1
            tally.engine_fetches += bool(fetched)
            tally.refused += not passed
            if passed and any(path != "/ok" for path in fetched):
                tally.escapes.append((case, fetched))
    return tally


def _guard_passes(case: Case, policy: GuardPolicy, endpoint: str) -> bool:
    check: Callable[..., object] = check_update if case.update else check_query
    try:
        check(case.text, policy, base_iri=endpoint)
    except InputError:
        return False
    return True


def _engine_runs(case: Case, endpoint: str) -> None:
    """Run the text on an empty in-memory store exactly as the service sends it (BASE first), ignoring errors."""
    text = f"BASE <{endpoint}>\n{case.text}"
    store = ox.Store()
    try:
        if case.update:
            store.update(text)
            return
        result = store.query(text)
        if isinstance(result, ox.QuerySolutions | ox.QueryTriples):
            for _ in result:
                pass
    except Exception:  # noqa: S110 - the engine's refusal of a text is an outcome, not a failure of the test
        pass
