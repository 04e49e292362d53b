"""Pictures for the demo's posts, drawn here with Pillow: shapes, gradients and a few colours.

Never downloaded, never a photo of anyone: each scene ("leaves", "paint splashes", "a bar chart",
…) is a function of its name and a seed, so the same seed draws the same picture. They come out
as JPEG bytes, as a phone would upload them, for ``media.photos.process_photo`` to re-encode.
:class:`PhotoStore` re-encodes each once and stores the results for the posts' attachments.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import random
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from media.photos import ProcessedPhoto, process_photo
from media.uploads import MediaKind
from stories.models import Attachment, AttachmentStatus, Post

SIZE = (1200, 900)
Colour = tuple[int, int, int]
AUTUMN = ((196, 84, 28), (222, 140, 36), (168, 52, 40), (232, 186, 60), (120, 128, 40))
BRIGHT = ((230, 57, 70), (29, 120, 216), (252, 191, 73), (42, 157, 143), (131, 56, 236))
RAINBOW = (
    (228, 3, 3),
    (255, 140, 0),
    (255, 237, 0),
    (0, 128, 38),
    (0, 77, 255),
    (75, 0, 130),
    (117, 7, 135),
)


def _gradient(top: Colour, bottom: Colour) -> Image.Image:
    """The canvas, shading from ``top`` to ``bottom``."""
    mask = Image.linear_gradient("L").resize(SIZE)
    return Image.composite(Image.new("RGB", SIZE, bottom), Image.new("RGB", SIZE, top), mask)


def _leaves(rng: random.Random) -> Image.Image:
    image = _gradient((245, 232, 205), (214, 190, 150))
    draw = ImageDraw.Draw(image)
    for _leaf in range(28):
        x, y, r = rng.randrange(60, 1140), rng.randrange(60, 840), rng.randrange(40, 90)
        turn = rng.uniform(0, math.pi)
        # A leaf: a pointed oval around its midrib, drawn as a polygon at an angle.
        points = []
        for step in range(24):
            a = 2 * math.pi * step / 24
            along, across = r * math.cos(a), r * 0.45 * math.sin(a) * abs(math.cos(a / 2))
            points.append(
                (
                    x + along * math.cos(turn) - across * math.sin(turn),
                    y + along * math.sin(turn) + across * math.cos(turn),
                )
            )
        draw.polygon(points, fill=rng.choice(AUTUMN))
        tip = (x + r * 1.3 * math.cos(turn), y + r * 1.3 * math.sin(turn))
        draw.line(
            [(x - r * math.cos(turn), y - r * math.sin(turn)), tip], fill=(90, 60, 30), width=3
        )
    return image


def _paint(rng: random.Random) -> Image.Image:
    image = Image.new("RGB", SIZE, (250, 248, 242))
    draw = ImageDraw.Draw(image)
    for _splash in range(9):
        x, y, colour = rng.randrange(120, 1080), rng.randrange(120, 780), rng.choice(BRIGHT)
        for _drop in range(14):
            dx, dy, r = rng.gauss(0, 60), rng.gauss(0, 60), rng.randrange(8, 70)
            draw.ellipse((x + dx - r, y + dy - r, x + dx + r, y + dy + r), fill=colour)
    return image


def _chart(rng: random.Random) -> Image.Image:
    image = Image.new("RGB", SIZE, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for line in range(1, 6):
        draw.line(
            [(140, 780 - line * 120), (1120, 780 - line * 120)], fill=(220, 220, 220), width=2
        )
    for index, colour in enumerate(BRIGHT):
        left, height = 180 + index * 185, rng.randrange(150, 640)
        draw.rectangle((left, 780 - height, left + 120, 780), fill=colour)
    draw.line([(140, 100), (140, 780), (1120, 780)], fill=(40, 40, 40), width=6)
    return image


def _blocks(rng: random.Random) -> Image.Image:
    image = _gradient((236, 240, 248), (190, 160, 120))
    draw = ImageDraw.Draw(image)
    for tower in range(4):
        base, y = 120 + tower * 260, 820
        for _block in range(rng.randrange(3, 8)):
            width, height = rng.randrange(140, 200), rng.randrange(60, 100)
            draw.rectangle((base, y - height, base + width, y), fill=rng.choice(BRIGHT))
            draw.rectangle((base, y - height, base + width, y), outline=(60, 60, 60), width=3)
            y -= height
    return image


def _sunset(rng: random.Random) -> Image.Image:
    image = _gradient((250, 170, 90), (120, 60, 140))
    draw = ImageDraw.Draw(image)
    draw.ellipse((520, 260, 700, 440), fill=(255, 226, 120))
    for layer, colour in enumerate(((70, 90, 60), (50, 70, 45), (30, 50, 35))):
        phase, top = rng.uniform(0, 6), 430 + layer * 130
        hill = [(x, top + 60 * math.sin(x / 170 + phase)) for x in range(0, 1201, 40)]
        draw.polygon([(0, 900), *hill, (1200, 900)], fill=colour)
    return image


def _rainbow(rng: random.Random) -> Image.Image:
    image = _gradient((120, 180, 240), (200, 230, 250))
    draw = ImageDraw.Draw(image)
    for band, colour in enumerate(RAINBOW):
        inset = band * 36
        draw.arc((100 + inset, 200 + inset, 1100 - inset, 1200 - inset), 180, 360, colour, 36)
    for _cloud in range(3):
        x, y = rng.randrange(80, 1000), rng.randrange(60, 300)
        for part in range(4):
            draw.ellipse((x + part * 50, y - part % 2 * 30, x + part * 50 + 110, y + 80), "white")
    return image


def _bunting(rng: random.Random) -> Image.Image:
    image = _gradient((252, 244, 226), (236, 222, 196))
    draw = ImageDraw.Draw(image)
    for row in range(3):
        top, sag = 140 + row * 250, rng.randrange(40, 90)
        string = [(x, top + sag * math.sin(math.pi * x / 1200)) for x in range(0, 1201, 75)]
        draw.line(string, fill=(90, 70, 50), width=4)
        for (x1, y1), (x2, y2) in itertools.pairwise(string):
            draw.polygon(
                [(x1 + 6, y1), (x2 - 6, y2), ((x1 + x2) / 2, y1 + 110)], rng.choice(BRIGHT)
            )
    return image


def _planets(rng: random.Random) -> Image.Image:
    image = _gradient((10, 12, 40), (40, 20, 70))
    draw = ImageDraw.Draw(image)
    for _star in range(180):
        x, y = rng.randrange(1200), rng.randrange(900)
        draw.ellipse((x, y, x + 3, y + 3), fill=(255, 255, 230))
    for index, colour in enumerate(
        ((230, 160, 90), (120, 170, 230), (210, 90, 70), (240, 210, 140))
    ):
        x, y, r = 180 + index * 270, rng.randrange(250, 650), rng.randrange(40, 110)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        if index == 3:
            draw.ellipse(
                (x - 2 * r, y - r // 3, x + 2 * r, y + r // 3), outline=(250, 240, 200), width=6
            )
    return image


def _fruit(rng: random.Random) -> Image.Image:
    image = _gradient((250, 240, 220), (200, 170, 140))
    draw = ImageDraw.Draw(image)
    fruit = ((200, 30, 40), (250, 140, 20), (250, 220, 60), (120, 180, 60), (120, 40, 120))
    for _piece in range(14):
        x, y, r = rng.randrange(330, 870), rng.randrange(360, 560), rng.randrange(55, 85)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.choice(fruit), outline=(80, 50, 30))
    draw.chord((240, 300, 960, 860), 0, 180, fill=(70, 110, 160), outline=(40, 60, 100), width=6)
    return image


def _boat(rng: random.Random) -> Image.Image:
    image = _gradient((150, 200, 240), (230, 240, 250))
    draw = ImageDraw.Draw(image)
    x = rng.randrange(300, 700)
    draw.polygon([(x, 560), (x + 320, 560), (x + 260, 640), (x + 60, 640)], fill=(150, 80, 40))
    draw.line([(x + 160, 560), (x + 160, 240)], fill=(80, 60, 40), width=8)
    draw.polygon([(x + 168, 250), (x + 168, 540), (x + 330, 540)], fill=rng.choice(BRIGHT))
    for wave in range(6):
        top = 620 + wave * 50
        line = [(px, top + 14 * math.sin(px / 40 + wave)) for px in range(0, 1201, 20)]
        draw.polygon([(0, 900), *line, (1200, 900)], fill=(30, 90 + wave * 12, 160 + wave * 12))
    return image


def _books(rng: random.Random) -> Image.Image:
    image = Image.new("RGB", SIZE, (236, 226, 210))
    draw = ImageDraw.Draw(image)
    for shelf in range(3):
        floor, x = 280 + shelf * 270, 100
        draw.rectangle((80, floor, 1120, floor + 24), fill=(130, 90, 60))
        while x < 1080:
            width, height = rng.randrange(28, 60), rng.randrange(150, 230)
            draw.rectangle((x, floor - height, x + width, floor), fill=rng.choice(BRIGHT + AUTUMN))
            x += width + 4
    return image


SCENES: dict[str, Callable[[random.Random], Image.Image]] = {
    "leaves": _leaves,
    "paint splashes": _paint,
    "a bar chart": _chart,
    "building blocks": _blocks,
    "hills at sunset": _sunset,
    "a rainbow": _rainbow,
    "bunting": _bunting,
    "planets": _planets,
    "a fruit bowl": _fruit,
    "a sailing boat": _boat,
    "bookshelves": _books,
}


def draw_scene(name: str, *, seed: int) -> bytes:
    """The scene ``name`` (a key of SCENES) as a 1200×900 JPEG, the same for the same seed."""
    rng = random.Random(f"{seed}:picture:{name}")  # noqa: S311  (pictures, not security)
    output = io.BytesIO()
    SCENES[name](rng).save(output, format="JPEG", quality=90)
    return output.getvalue()


class PhotoStore:
    """The demo's pictures, each drawn and re-encoded (``process_photo``) once per run, and
    stored anew for every attachment: a post's files are its own, deleted with it."""

    def __init__(self, *, seed: int) -> None:
        self.seed = seed
        self.processed: dict[str, ProcessedPhoto] = {}
        self.written: list[str] = []

    def _process(self, name: str) -> ProcessedPhoto:
        return process_photo(io.BytesIO(draw_scene(name, seed=self.seed)))

    def prepare(self, names: Iterable[str]) -> None:
        """Re-encode the scenes not done yet, side by side: Pillow encodes outside the GIL."""
        todo = sorted(set(names) - set(self.processed))
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            self.processed.update(zip(todo, pool.map(self._process, todo), strict=True))

    def attachment(self, post: Post, position: int, name: str) -> Attachment:
        """A ready photo attachment of ``post`` showing scene ``name`` (prepared before)."""
        photo = self.processed[name]
        files = [
            self._save(photo.display, photo.extension),
            self._save(photo.thumbnail, photo.extension),
        ]
        return Attachment(
            post=post,
            position=position,
            kind=MediaKind.PHOTO,
            status=AttachmentStatus.READY,
            file=files[0],
            thumbnail=files[1],
            content_type=photo.content_type,
            size=len(photo.display),
            width=photo.display_width,
            height=photo.display_height,
            thumb_width=photo.thumb_width,
            thumb_height=photo.thumb_height,
        )

    def _save(self, data: bytes, extension: str) -> str:
        name = default_storage.save(f"stories/{uuid.uuid4().hex}{extension}", ContentFile(data))
        self.written.append(name)
        return name

    def discard(self) -> None:
        """Delete the files written so far (the rows that would name them were not written)."""
        for name in self.written:
            default_storage.delete(name)
        self.written.clear()
