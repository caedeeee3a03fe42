"""The interface wording lives in one catalogue: every key in both languages, and no other vi/en dictionary.

A second catalogue drifts — a page gains an English text and forgets the Vietnamese, or two pages word the same
thing differently — so the whole source is read for dictionaries keyed by the two languages.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import ipgraph
from ipgraph.publish.i18n import LANGUAGES, MESSAGES, message, messages

SOURCE = Path(ipgraph.__file__).parent
#: The catalogue itself: i18n.py assembles the page families' modules under publish/wording/.
CATALOGUE = (SOURCE / "publish" / "i18n.py", SOURCE / "publish" / "wording")


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_vietnamese_and_english(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == set(LANGUAGES), key
    assert all(isinstance(text, str) and text.strip() for text in entry.values()), key
    assert _placeholders(entry["vi"]) == _placeholders(entry["en"]), key


def test_a_missing_key_shows_itself() -> None:
    assert message("no_such_key", "vi") == "no_such_key"


def test_a_family_is_read_without_its_prefix() -> None:
    assert messages("revalidation_", "en")["title"] == MESSAGES["revalidation_title"]["en"]


def _is_catalogue(path: Path) -> bool:
    return path == CATALOGUE[0] or CATALOGUE[1] in path.parents


def _language_dictionaries(path: Path) -> list[int]:
    """Lines of dict literals with both ``"vi"`` and ``"en"`` among their keys."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = {key.value for key in node.keys if isinstance(key, ast.Constant)}
            if {"vi", "en"} <= keys:
                found.append(node.lineno)
    return found


def test_no_other_module_defines_vi_en_wording() -> None:
    offenders = {
        str(path.relative_to(SOURCE)): lines
        for path in sorted(SOURCE.rglob("*.py"))
        if not _is_catalogue(path) and (lines := _language_dictionaries(path))
    }
    assert offenders == {}, f"vi/en wording outside ipgraph.publish.i18n: {offenders}"


def test_the_check_finds_a_wording_dictionary(tmp_path: Path) -> None:
    module = tmp_path / "page.py"
    module.write_text('TEXT = {"title": {"vi": "Tiêu đề", "en": "Title"}}\n', encoding="utf-8")
    assert _language_dictionaries(module) == [1]
