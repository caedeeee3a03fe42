"""What the browser tests measure on any page: its width against the viewport, anything drawn over the results
table, interface text in the wrong language, and a screenshot of the whole page.

(A module of its own, not ``conftest``: the checks are plain functions over a WebDriver.)
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from selenium.webdriver.remote.webdriver import WebDriver

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pages"
#: The two screens every page must hold on: a phone and a common laptop.
WIDTHS = (390, 1366)
SCREEN_HEIGHT = {390: 844, 1366: 768}
#: A full-page screenshot stops here (the longest pages are lists; their top says enough).
SCREENSHOT_MAX_HEIGHT = 5000

# Elements drawn over the results table's box (neither inside it nor holding it); [] when nothing overlaps.
_OVERLAPS = """
const box = document.querySelector('#results-table');
if (!box) return [];
const holder = box.closest('.table-scroll') || box;
const r = holder.getBoundingClientRect();
// What of an element is drawn: its box cut by every ancestor that clips its overflow.
function visible(el) {
  let e = el.getBoundingClientRect();
  let rect = {left: e.left, top: e.top, right: e.right, bottom: e.bottom};
  for (let a = el.parentElement; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
      const c = a.getBoundingClientRect();
      rect = {left: Math.max(rect.left, c.left), top: Math.max(rect.top, c.top),
              right: Math.min(rect.right, c.right), bottom: Math.min(rect.bottom, c.bottom)};
    }
  }
  return rect;
}
const found = [];
for (const el of document.body.querySelectorAll('*')) {
  if (el === holder || el.contains(holder) || holder.contains(el)) continue;
  const s = getComputedStyle(el);
  if (s.display === 'none' || s.visibility === 'hidden') continue;
  const e = visible(el);
  const w = Math.min(r.right, e.right) - Math.max(r.left, e.left);
  const h = Math.min(r.bottom, e.bottom) - Math.max(r.top, e.top);
  if (w > 1 && h > 1) found.push(el.tagName + '.' + el.className + '#' + el.id);
}
return found.slice(0, 10);
"""

# The page's own words: text outside data marked with another language, code, editors, form values and the body
# of a results table (an answer's literals are data, whatever their language).
_INTERFACE_TEXT = """
const page = document.documentElement.lang;
const skip = 'script, style, code, pre, textarea, option, .cm-editor, .tag, svg, #results-table tbody';
const parts = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  const el = node.parentElement;
  if (!el || el.closest(skip)) continue;
  const marked = el.closest('[lang]');
  if (marked && marked.lang !== page) continue;
  if (!el.getClientRects().length) continue;
  parts.push(node.textContent);
}
for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
  if (el.closest(skip)) continue;
  const marked = el.closest('[lang]');
  if (marked && marked.lang !== page) continue;
  parts.push(el.getAttribute('placeholder') || '', el.getAttribute('aria-label') || '');
}
return parts.join(' ');
"""

#: English words that only interface text would put on a Vietnamese page (data in English carries lang="en").
ENGLISH_WORDS = frozenset(
    {
        "the",
        "and",
        "of",
        "for",
        "with",
        "results",
        "rows",
        "row",
        "download",
        "search",
        "page",
        "next",
        "previous",
        "query",
        "home",
        "found",
        "language",
        "show",
        "table",
        "column",
        "line",
        "yes",
        "no",
        "sort",
        "organisation",
        "organisations",
        "duty",
        "duties",
        "task",
        "tasks",
        "target",
        "targets",
        "year",
        "submit",
        "report",
        "reports",
        "figures",
        "progress",
        "property",
        "value",
        "types",
        "labels",
        "answer",
        "permanent",
        "link",
        "open",
        "editor",
        "examples",
        "prefixes",
        "run",
        "shortcut",
    }
)
#: Letters only Vietnamese writes (an English page shows them only inside data marked lang="vi").
#: Vietnamese words English uses as they are (the currency: "in Vietnamese đồng").
LOANWORDS = frozenset({"đồng"})
VIETNAMESE_LETTERS = frozenset("ạảãầấậẩẫằắặẳẵẹẻẽềếệểễỉịọỏốồộổỗờớợởỡụủứừựửữỳỵỷỹđươăĐƯƠĂ")


def set_screen(browser: WebDriver, width: int) -> None:
    """Emulate a screen ``width`` CSS pixels wide (a phone at 390: mobile viewport rules apply)."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": SCREEN_HEIGHT[width], "deviceScaleFactor": 1, "mobile": width < 800},
    )


def reset_screen(browser: WebDriver) -> None:
    """Back to the browser's own window."""
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def document_width(browser: WebDriver) -> int:
    """How wide the page is laid out, in CSS pixels. (Compare it with the emulated screen's width, not with
    ``innerWidth``: a phone widens its layout viewport to fit a page that overflows, hiding the overflow.)"""
    width: int = browser.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0)"
    )
    return width


def overlapping_results(browser: WebDriver) -> list[str]:
    """Elements drawn over the results table (none on a page that holds)."""
    found: list[str] = browser.execute_script(_OVERLAPS)
    return found


def interface_text(browser: WebDriver) -> str:
    """The page's own visible words, data in another language left out."""
    text: str = browser.execute_script(_INTERFACE_TEXT)
    return text


def wrong_language(text: str, lang: str) -> list[str]:
    """Words of the other language in a page's interface text; quoted and bracketed words are citations."""
    text = re.sub(r'\([^()]*\)|"[^"]*"|“[^”]*”', " ", text)
    if lang == "vi":
        words = {word.strip(".,:;()[]—–-→←▲▼·?!\"'").lower() for word in text.split()}
        return sorted(words & ENGLISH_WORDS)
    # References keep their letters in English too (1068/QĐ-TTg, III.3.đ): a word with a digit is a name.
    words = {w.strip(".,:;!?") for w in text.split()} - LOANWORDS
    return sorted({w for w in words if VIETNAMESE_LETTERS & set(w) and not any(c.isdigit() for c in w)})


def save_page(browser: WebDriver, name: str) -> Path:
    """A screenshot of the whole page (up to :data:`SCREENSHOT_MAX_HEIGHT`) as ``test-artifacts/pages/name.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size: dict[str, Any] = browser.execute_script(
        "return {w: window.innerWidth, h: Math.max(document.documentElement.scrollHeight, window.innerHeight)}"
    )
    clip = {"x": 0, "y": 0, "width": size["w"], "height": min(size["h"], SCREENSHOT_MAX_HEIGHT), "scale": 1}
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"clip": clip, "captureBeyondViewport": True})
    path = ARTIFACTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
