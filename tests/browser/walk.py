"""Walking a role's pages in Chromium: each page checked and photographed at 1440 px and at 360 px.

`Walker.check` reads the text a person sees (icons, scripts and hidden parts left out) and fails on
what no Chinese user should meet: JSON, snake_case identifiers, the English codes behind a choice
(`urban`, `weekly`, `proposed`...), a missing unit where figures are shown; at 360 px it fails when
the page itself scrolls sideways (a wide table may scroll inside its own box); on every page it
fails on a Content-Security-Policy violation in the console. Screenshots go to
artifacts/screenshots/<role>-<page>-<width>.png (artifacts/ is CI output, not committed)."""

from __future__ import annotations

import re
from functools import cache

from django.apps import apps

from tests.browser.conftest import SCREENSHOTS

WIDE, NARROW = 1440, 360
HEIGHT = 900

# The text nodes a person sees: no icon ligatures (django-unfold's Material Symbols spell
# "chevron_right"), no script or style, nothing hidden.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement, text = node.textContent.trim();
    if (!el || !text) continue;
    if (el.closest('script, style, noscript, template, .material-symbols-outlined, [aria-hidden="true"]')) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    out.push(text);
  }
  return out.join('\\n');
}"""

SNAKE = re.compile(r"(?<![\w/.-])[a-z][a-z0-9]*_[a-z0-9_]+(?![\w/.-])")
RAW_VALUES = re.compile(r"(?<![A-Za-z])(None|nan|NaN|True|False)(?![A-Za-z])")
# The roles' codes are the demo users' login names (supervisor); a login name is not a code.
NOT_CODES = {"supervisor", "manager", "retailer"}


@cache
def choice_codes() -> frozenset[str]:
    """Every stored code of a field with choices that reads as an English word (`urban`, `weekly`)."""
    codes = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{2,}", value):
                    codes.add(value)
    return frozenset(codes - NOT_CODES)


def raw_codes(text: str) -> list[str]:
    """What in `text` (a zh-hans page) is code, not words."""
    found = []
    if '{"' in text or "{'" in text:
        found.append("JSON")
    found += SNAKE.findall(text)
    found += RAW_VALUES.findall(text)
    words = set(re.findall(r"(?<![A-Za-z_])[a-z][a-z_]+(?![A-Za-z_])", text))
    found += sorted(words & choice_codes())
    return found


class Walker:
    """One role's browser page (one context per role): `goto` a page, `check` it at both widths."""

    def __init__(self, context, base_url: str, role: str, *, width: int = WIDE):
        self.page = context.new_page()
        self.page.set_viewport_size({"width": width, "height": HEIGHT})
        self.base_url, self.role = base_url, role
        self.violations: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", self._page_error)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.violations.append(f"{self.page.url}: {message.text}")

    def _page_error(self, exc) -> None:
        # A script error fails the walk like a CSP violation (django-unfold's app.js takes every
        # `.chart` for a canvas and every file input for its own widget: our charts are
        # `.report-chart`, the import form uses its widget).
        self.violations.append(f"{self.page.url}: script error: {exc}")

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.base_url}{path}")
        self.page.wait_for_load_state()

    def text(self) -> str:
        return self.page.evaluate(VISIBLE_TEXT)

    def check(
        self, name: str, *, units: tuple[str, ...] = (), contains: tuple[str, ...] = (), wide_first: bool = True
    ) -> str:
        """Check the open page at 1440 px and at 360 px (the phone's pages at 360 first) and save both
        screenshots: codes and sideways scrolling at both widths, `units` and `contains` at the first;
        the text seen at 1440 px is returned."""
        widths = (WIDE, NARROW) if wide_first else (NARROW, WIDE)
        seen = {}
        for width in widths:
            self.page.set_viewport_size({"width": width, "height": HEIGHT})
            self.page.wait_for_timeout(150)  # layout and the charts' redraw settle
            where = f"{self.role} · {name} · {width} px"
            text = seen[width] = self.text()
            assert not raw_codes(text), f"{where}: code shown to a person: {raw_codes(text)}"
            if width == widths[0]:  # a narrow admin list shows rows as cards, without its headers
                for unit in units:
                    assert unit in text, f"{where}: no {unit!r} beside the figures"
                for words in contains:
                    assert words in text, f"{where}: {words!r} not on the page"
            if width == NARROW:
                scroll = self.page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= NARROW, f"{where}: the page scrolls sideways ({scroll} px wide)"
            self.page.screenshot(path=str(SCREENSHOTS / f"{self.role}-{name}-{width}.png"), full_page=True)
        self.page.set_viewport_size({"width": widths[0], "height": HEIGHT})
        assert not self.violations, f"{self.role} · {name}: {self.violations}"
        return seen[WIDE]
