"""The app's icons, drawn by the server: the school's initials on the portal's brand colour.

Nothing is uploaded and nothing comes from another host (R10): Pillow draws each icon with the
font it carries, from the school's name. A drawing is kept in the shared cache under a key made
of everything it depends on, so renaming the school gives new icons at once.
"""

from __future__ import annotations

import hashlib
import io
import re

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

# The portal's colours (static/css/portal.css: --brand, --brand-ink, --wash); a test keeps them
# equal to the stylesheet's.
THEME_COLOUR = "#0b5cad"
THEME_INK = "#ffffff"
BACKGROUND_COLOUR = "#f4f6f8"

# The sizes the manifest names (192 and 512 px, what Chromium's install check asks for) and the
# 180 px icon iOS puts on the home screen.
ICON_SIZES = frozenset({180, 192, 512})
# Change when the drawing changes: it is part of every icon's ETag and cache key.
DRAWING_VERSION = "1"
CACHE_SECONDS = 24 * 3600
MAX_INITIALS = 3
# A maskable icon may be cut to a circle of 80 % of its width: the initials stay well inside it.
MASKABLE_TEXT_WIDTH = 0.58
PLAIN_TEXT_WIDTH = 0.66
TEXT_HEIGHT = 0.42

WORD = re.compile(r"[^\W_][\w'’-]*")


def school_initials(name: str) -> str:
    """Up to three initials: of the capitalised words ("St Mary's Church of England" → "SMC"),
    or of the first word when none is capitalised; "?" for a name with no letters."""
    words = WORD.findall(name)
    initials = [word[0] for word in words if word[0].isupper() or word[0].isdigit()]
    if not initials and words:
        initials = [words[0][0]]
    return "".join(initials[:MAX_INITIALS]).upper() or "?"


def icon_etag(*, name: str, size: int, maskable: bool) -> str:
    """What an icon depends on, hashed: its ETag and its cache key."""
    parts = f"{DRAWING_VERSION}|{name}|{size}|{'maskable' if maskable else 'any'}"
    return hashlib.sha256(parts.encode()).hexdigest()[:24]


def icon_png(*, name: str, size: int, maskable: bool) -> bytes:
    """The PNG for the school ``name`` at ``size`` px, from the cache or drawn now."""
    key = f"pwa:icon:{icon_etag(name=name, size=size, maskable=maskable)}"
    png = cache.get(key)
    if png is None:
        png = draw_icon(initials=school_initials(name), size=size, maskable=maskable)
        cache.set(key, png, CACHE_SECONDS)
    return png


def draw_icon(*, initials: str, size: int, maskable: bool) -> bytes:
    """A square icon: maskable ones are full-bleed colour (the platform cuts their shape), the
    others a rounded square on transparency."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, size, size), fill=THEME_COLOUR)
    else:
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=THEME_COLOUR)
    width = MASKABLE_TEXT_WIDTH if maskable else PLAIN_TEXT_WIDTH
    font = _fitting_font(draw, initials, max_width=size * width, max_height=size * TEXT_HEIGHT)
    draw.text(
        (size / 2, size / 2),
        initials,
        font=font,
        fill=THEME_INK,
        anchor="mm",
        stroke_width=max(1, size // 96),
        stroke_fill=THEME_INK,
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _fitting_font(
    draw: ImageDraw.ImageDraw, text: str, *, max_width: float, max_height: float
) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's own scalable font at the largest size whose ``text`` fits the box."""
    size = int(max_height)
    while size > 8:
        font = ImageFont.load_default(size=size)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font, anchor="lt")
        if right - left <= max_width and bottom - top <= max_height:
            return font
        size = int(size * 0.9)
    return ImageFont.load_default(size=size)
