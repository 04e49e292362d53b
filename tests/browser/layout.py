"""What a page must be at every width, in every language (issue 15): the document says its
language and direction, nothing scrolls sideways, no two controls overlap, and at 320 px every
control is big enough to touch (44 px); axe-core finds no violation. Used by the Arabic and
the Polish journeys (Polish words are long, Arabic runs right to left)."""

from __future__ import annotations

from playwright.sync_api import Page, ViewportSize

from tests.browser.conftest import RequestLog, axe_check

WIDE: ViewportSize = {"width": 1366, "height": 800}
NARROW: ViewportSize = {"width": 320, "height": 740}
TARGET = 44

# The controls of a page that must never overlap, and that must be big enough to touch. Links
# inside a sentence are exempt from the size (WCAG 2.5.8 allows inline targets); a check box
# is touched through its label.
CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary, label"
TOUCH = (
    "button, .button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    "select, textarea, summary, nav a, .footer-links a, .tile, .period-link"
)

OVERLAPS = """selector => {
  const shown = el => {
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.opacity !== '0' && !el.closest('[hidden]');
  };
  const boxes = el => [...el.getClientRects()].filter(r => r.width > 1 && r.height > 1);
  const items = [...document.querySelectorAll(selector)].filter(shown)
    .map(el => ({el, boxes: boxes(el)})).filter(item => item.boxes.length);
  const name = el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
    ' "' + (el.textContent || el.value || '').trim().slice(0, 30) + '"';
  const found = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i].el, b = items[j].el;
      if (a.contains(b) || b.contains(a) || a.control === b || b.control === a) continue;
      for (const p of items[i].boxes) for (const q of items[j].boxes) {
        const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w > 1 && h > 1) found.push(name(a) + ' overlaps ' + name(b));
      }
    }
  }
  return [...new Set(found)];
}"""

SMALL_TARGETS = """([selector, size]) => [...document.querySelectorAll(selector)]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('[hidden]') && !el.closest('.visually-hidden'))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width + 0.5 < size || r.height + 0.5 < size)
  .map(([el, r]) => el.tagName.toLowerCase() + ' "' + (el.textContent || '').trim().slice(0, 30)
    + '" ' + Math.round(r.width) + 'x' + Math.round(r.height))"""


def check_layout(page: Page, request_log: RequestLog, *, lang: str, direction: str) -> None:
    """The checks of every page, at 1366 px and at 320 px; 1366 px again after."""
    try:
        for viewport in (WIDE, NARROW):
            page.set_viewport_size(viewport)
            where = f"{page.url} at {viewport['width']} px"
            # A right-to-left page says so (dir="rtl"); a left-to-right one may leave it implied.
            html = page.evaluate(
                "[document.documentElement.dir || getComputedStyle(document.documentElement)"
                ".direction, document.documentElement.lang]"
            )
            assert html == [direction, lang], f"{where}: {html}"
            width, visible = page.evaluate(
                "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
            )
            assert width <= visible, f"{where} scrolls sideways ({width} > {visible} px)"
            overlaps = page.evaluate(OVERLAPS, CONTROLS)
            assert not overlaps, f"{where}: " + "; ".join(overlaps)
            if viewport is NARROW:
                small = page.evaluate(SMALL_TARGETS, [TOUCH, TARGET])
                assert not small, f"{where}: targets under {TARGET} px: " + "; ".join(small)
            axe_check(page)
    finally:
        page.set_viewport_size(WIDE)
    request_log.assert_all_local()
